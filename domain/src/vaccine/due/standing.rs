//! One antigen's line: its doses against its rows (or the product's course it follows), then
//! the next dose's days.

use super::course::{Following, product_interval_end};
use super::track::{
    PREGNANT_WOMEN, Track, after_live_doses, covers, dose_days, drop_missed_birth_dose,
    live_injectable,
};
use super::{
    AntigenDue, CHILD_SCHEDULE_UNTIL, DoseHistory, DueWarning, OVERDUE_GRACE, ROADMAP_ANTIGENS,
    Standing, Vaccinee,
};
use crate::vaccine::{Confidence, Course, ScheduleDose, entry};
use chrono::{Days, NaiveDate};

pub(super) fn antigen_due(
    person: &Vaccinee,
    history: &DoseHistory,
    mut track: Track,
    following: Option<Following>,
    today: NaiveDate,
) -> AntigenDue {
    let antigen = track.antigen;
    let days = dose_days(&history.doses, antigen, today);
    drop_missed_birth_dose(&mut track.rows, person.birth, days.first().copied(), today);
    let needed = following
        .as_ref()
        .map_or(track.rows.len(), |f| f.course.min_intervals.len() + 1);
    let counted = days.len();
    let given_too_early = given_too_early(&track.rows, following.as_ref(), &days, person.birth);
    let line = |standing: Standing| AntigenDue {
        antigen,
        standing,
        doses_counted: u32::try_from(counted).unwrap_or(u32::MAX),
        doses_needed: u32::try_from(needed).unwrap_or(u32::MAX),
        next_dose: None,
        next_row: None,
        earliest: None,
        recommended: None,
        may_refuse: false,
        course: following.as_ref().map(|f| f.product.to_owned()),
        warnings: given_too_early.clone(),
    };

    // More doses than needed still complete the antigen: a repeated dose is never held
    // against the person.
    if counted >= needed {
        return line(Standing::Complete);
    }
    // A reaction stops the antigen before anything else: no date is proposed for a dose
    // that should not be given.
    if let Some(reaction) = history
        .reactions
        .iter()
        .find(|r| r.on <= today && covers(&r.vaccine, r.product.as_deref()).contains(&antigen))
    {
        return line(Standing::Contraindicated {
            vaccine: reaction
                .product
                .clone()
                .unwrap_or_else(|| reaction.vaccine.clone()),
        });
    }
    // A series started elsewhere (a paid dose, another province) is continued even where the
    // province does not offer it yet.
    if ROADMAP_ANTIGENS.contains(&antigen)
        && !person.province_offers.contains(&antigen)
        && counted == 0
    {
        return line(Standing::NotApplicable);
    }

    let previous = days.last().copied();
    // The programme's row of the same rank gives the recommended day, even for a product's
    // course (RotaTeq's third dose has none).
    let row = track.rows.get(counted).copied();
    let by_rules = match (&following, row) {
        (Some(f), _) => course_earliest(f.course, counted + 1, person.birth, previous),
        (None, Some(row)) => row.earliest_on(person.birth, previous),
        (None, None) => None,
    };
    // A course's next dose is of its product; a row's, of the row's vaccine.
    let next_live_injectable = match (&following, row) {
        (Some(f), _) => history
            .doses
            .iter()
            .find(|d| d.product.as_deref() == Some(f.product))
            .is_some_and(|d| live_injectable(&d.vaccine, Some(f.product))),
        (None, Some(row)) => entry(row.series).is_some_and(|e| e.live_injectable()),
        (None, None) => false,
    };
    let by_product = product_interval_end(&history.doses, antigen, person.birth, today);
    // The label's interval counts only where it holds the dose back further than the rules.
    let by_product = by_product.filter(|(end, _)| by_rules.is_some_and(|day| *end > day));
    let earliest = by_rules
        .map(|day| by_product.map_or(day, |(end, _)| day.max(end)))
        .and_then(|day| {
            if next_live_injectable {
                after_live_doses(day, &history.doses, today)
            } else {
                Some(day)
            }
        });
    // Only past the calendar's end is there no earliest day; such a dose is never due.
    let Some(earliest) = earliest else {
        return line(Standing::TooEarly {
            earliest: NaiveDate::MAX,
        });
    };

    let timing = row
        .and_then(|row| row.recommended)
        .and_then(|timing| timing.days(person.birth, previous));
    let (recommended, window_end) = timing.unwrap_or((earliest, None));
    let from = recommended.max(earliest);
    let late = match (timing, window_end) {
        // A dose without a recommended day ("càng sớm càng tốt": as soon as possible when
        // pregnant; a product's dose beyond the programme's rows) has nothing to be late
        // against.
        (None, _) => None,
        (Some(_), Some(end)) => end.checked_add_days(Days::new(1)),
        (Some(_), None) => OVERDUE_GRACE.after(recommended),
    };
    // One cannot be late for a dose one could not have had: when earlier doses held this one
    // back past its recommended day, the grace counts from the day it became possible.
    let late = if earliest > recommended {
        late.max(OVERDUE_GRACE.after(earliest))
    } else {
        late
    };
    // A dose timed by the pregnancy (`tt_preg_2`: at least a month before delivery) is late
    // the day after its deadline, whatever held it back: the newborn's protection needs it.
    let deadline = row
        .zip(person.expected_delivery.filter(|_| person.pregnant))
        .and_then(|(row, delivery)| row.delivery_deadline(delivery));
    let late = match (
        late,
        deadline.and_then(|d| d.checked_add_days(Days::new(1))),
    ) {
        (Some(late), Some(after_deadline)) => Some(late.min(after_deadline)),
        (late, after_deadline) => late.or(after_deadline),
    };

    // The age past which the next dose is no longer given: its course's label, or its
    // series' limit (`schedule-limits.csv`).
    let limit = match (&following, row) {
        (Some(f), _) => f
            .course
            .limit_for_dose(counted + 1, person.birth)
            .map(|day| (day, f.course.confidence)),
        (None, Some(row)) => entry(row.series)
            .and_then(|e| e.age_limit)
            .and_then(|l| Some((l.for_dose(counted + 1, person.birth)?, l.confidence))),
        (None, None) => None,
    };
    let too_late = limit.filter(|(day, _)| today.max(earliest) >= *day);

    let standing = if let Some((limit, _)) = too_late {
        Standing::TooLate { limit }
    } else if today < earliest {
        Standing::TooEarly { earliest }
    } else {
        match late {
            Some(since) if today >= since => Standing::Overdue { since },
            _ => Standing::Due { from },
        }
    };
    let may_refuse = match too_late {
        Some((_, confidence)) => confidence.may_refuse(),
        None => may_refuse_early(&following, row, by_product),
    };
    let too_close_to_delivery = row.zip(deadline).and_then(|(row, deadline)| {
        (earliest > deadline).then(|| DueWarning::TooCloseToDelivery {
            row: row.id.to_owned(),
            deadline,
        })
    });
    let mut warnings = given_too_early.clone();
    warnings.extend(
        following
            .as_ref()
            .and_then(|f| past_label_age(f, counted + 1, earliest.max(today), person.birth))
            .into_iter()
            .chain(too_close_to_delivery),
    );
    AntigenDue {
        next_dose: u32::try_from(counted + 1).ok(),
        next_row: row.map(|row| row.id.to_owned()),
        earliest: Some(earliest),
        recommended: Some(recommended),
        may_refuse,
        warnings,
        ..line(standing)
    }
}

/// The doses given before their row (or their course's dose) allowed, by its minimum age or
/// its minimum interval after the dose before: they still count, and set the clock for the
/// next one, but the vaccinator is told. Allocates only when there is one.
fn given_too_early(
    rows: &[&ScheduleDose],
    following: Option<&Following>,
    days: &[NaiveDate],
    birth: NaiveDate,
) -> Vec<DueWarning> {
    let mut warnings = Vec::new();
    let mut previous = None;
    let adult = CHILD_SCHEDULE_UNTIL.after(birth);
    for (index, &on) in days.iter().enumerate() {
        let row = rows.get(index).copied();
        // Childhood tetanus doses count towards the pregnant women's rows, but were spaced by
        // the children's schedule: the pregnancy rows' intervals do not judge them.
        let childhood_dose_on_a_pregnancy_row = row
            .is_some_and(|r| r.target_group == PREGNANT_WOMEN)
            && adult.is_some_and(|adult| on < adult);
        if childhood_dose_on_a_pregnancy_row {
            previous = Some(on);
            continue;
        }
        let earliest = match (following, row) {
            (Some(f), _) => course_earliest(f.course, index + 1, birth, previous),
            (None, Some(row)) => row.earliest_on(birth, previous),
            (None, None) => None,
        };
        if let Some(earliest) = earliest.filter(|earliest| on < *earliest) {
            warnings.push(DueWarning::GivenTooEarly {
                row: row.map(|row| row.id.to_owned()),
                on,
                earliest,
            });
        }
        previous = Some(on);
    }
    warnings
}

/// Whether the values behind a too-early standing are all sure enough to refuse the dose.
fn may_refuse_early(
    following: &Option<Following>,
    row: Option<&ScheduleDose>,
    by_product: Option<(NaiveDate, Confidence)>,
) -> bool {
    let rules = match (following, row) {
        (Some(f), _) => f.course.confidence.may_refuse(),
        (None, Some(row)) => row.confidence.may_refuse(),
        (None, None) => false,
    };
    rules && by_product.is_none_or(|(_, confidence)| confidence.may_refuse())
}

/// The first day dose `number` of `course` may be given, by its label's minimum age and
/// interval (`ScheduleDose::earliest_on`'s rule, for a product).
fn course_earliest(
    course: &Course,
    number: usize,
    birth: NaiveDate,
    previous: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let by_age = match (number, course.min_age) {
        (1, Some(age)) => age.after(birth)?,
        _ => birth,
    };
    let by_interval = match (course.min_interval_before(number), previous) {
        (Some(interval), Some(previous)) => interval.after(previous)?,
        (None, Some(previous)) => previous,
        (_, None) => by_age,
    };
    Some(by_age.max(by_interval))
}

/// Warns when the course's last dose, each remaining dose at its shortest interval from
/// `earliest` (the next dose's first possible day from today), would not come before the
/// label's age limit.
fn past_label_age(
    following: &Following,
    next: usize,
    earliest: NaiveDate,
    birth: NaiveDate,
) -> Option<DueWarning> {
    let limit = following.course.last_dose_before?.after(birth)?;
    let mut last = earliest;
    for number in next + 1..=following.course.min_intervals.len() + 1 {
        last = match following.course.min_interval_before(number) {
            Some(interval) => interval.after(last)?,
            None => last,
        };
    }
    (last >= limit).then(|| DueWarning::PastLabelAge {
        product: following.product.to_owned(),
        limit,
    })
}
