//! One antigen's line: its doses against its rows, then the next row's days.

use super::track::{Track, after_live_doses, covers, dose_days, drop_missed_birth_dose};
use super::{AntigenDue, History, OVERDUE_GRACE, Person, ROADMAP_ANTIGENS, Standing};
use crate::vaccine::entry;
use chrono::{Days, NaiveDate};

pub(super) fn antigen_due(
    person: &Person,
    history: &History,
    mut track: Track,
    today: NaiveDate,
) -> AntigenDue {
    let antigen = track.antigen;
    let days = dose_days(&history.doses, antigen, today);
    drop_missed_birth_dose(&mut track.rows, person.birth, days.first().copied(), today);
    let counted = days.len();
    let line = |standing: Standing| AntigenDue {
        antigen,
        standing,
        doses_counted: u32::try_from(counted).unwrap_or(u32::MAX),
        doses_needed: u32::try_from(track.rows.len()).unwrap_or(u32::MAX),
        next_dose: None,
        next_row: None,
        earliest: None,
        recommended: None,
        may_refuse: false,
    };

    // More doses than rows still complete the antigen: a repeated dose is never held against
    // the person.
    let Some(row) = track.rows.get(counted).copied() else {
        return line(Standing::Complete);
    };
    // A reaction stops the antigen before anything else: no date is proposed for a dose
    // that should not be given.
    if let Some(reaction) = history
        .reactions
        .iter()
        .find(|r| r.on <= today && covers(&r.vaccine).contains(&antigen))
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
    // Only past the calendar's end is there no earliest day; such a dose is never due.
    let live = entry(row.series).is_some_and(|e| e.live_injectable());
    let earliest = row
        .earliest_on(person.birth, previous)
        .and_then(|day| match live {
            true => after_live_doses(day, &history.doses, today),
            false => Some(day),
        });
    let Some(earliest) = earliest else {
        return line(Standing::TooEarly {
            earliest: NaiveDate::MAX,
        });
    };
    let timing = row
        .recommended
        .and_then(|timing| timing.days(person.birth, previous));
    let (recommended, window_end) = timing.unwrap_or((earliest, None));
    let from = recommended.max(earliest);
    let late = match (timing, window_end) {
        // A row without a recommended day ("càng sớm càng tốt": as soon as possible when
        // pregnant) has nothing to be late against.
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

    let standing = if today < earliest {
        Standing::TooEarly { earliest }
    } else {
        match late {
            Some(since) if today >= since => Standing::Overdue { since },
            _ => Standing::Due { from },
        }
    };
    AntigenDue {
        next_dose: u32::try_from(counted + 1).ok(),
        next_row: Some(row.id.to_owned()),
        earliest: Some(earliest),
        recommended: Some(recommended),
        may_refuse: row.confidence.may_refuse(),
        ..line(standing)
    }
}
