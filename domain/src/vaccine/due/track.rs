//! Which schedule rows a person's antigen follows, and which of their doses count against it.

use super::{Antigen, CHILD_SCHEDULE_UNTIL, GivenDose, LIVE_INJECTABLE_SPACING, Vaccinee};
use crate::certificate::routine::targets_for_schedule_id;
use crate::vaccine::schedule::{Anchor, ScheduleDose, programme_schedule};
use crate::vaccine::{Span, entry};
use chrono::NaiveDate;

/// The target group of the programme's doses for pregnant women (`tt_preg_*`).
pub(super) const PREGNANT_WOMEN: &str = "phụ nữ có thai";

/// One antigen and the schedule rows that complete it, in the schedule's order.
pub(super) struct Track {
    pub antigen: Antigen,
    pub rows: Vec<&'static ScheduleDose>,
}

/// The antigens the programme schedules for `person` on `today`, in the order the schedule
/// first names them, each with its rows.
///
/// A dose counts against every antigen it covers, so an antigen's rows are all the rows that
/// cover it: hepatitis B is `hepb_birth` and `penta_1..3`, polio `opv_1..3` then `ipv_1..2`.
/// Children's rows apply under `CHILD_SCHEDULE_UNTIL`; the pregnant women's rows replace the
/// children's for the antigens they cover (tetanus), so childhood doses count towards them.
/// Rows without a dose number (`hpv_girls`, press-only) are left out until the circular is read.
pub(super) fn tracks(person: &Vaccinee, today: NaiveDate) -> Vec<Track> {
    let child = CHILD_SCHEDULE_UNTIL
        .after(person.birth)
        .is_none_or(|until| today < until);
    let mut tracks: Vec<Track> = Vec::new();
    for row in programme_schedule().iter().filter(|r| r.dose.is_some()) {
        let for_pregnancy = row.target_group == PREGNANT_WOMEN;
        if !(if for_pregnancy {
            person.pregnant
        } else {
            child
        }) {
            continue;
        }
        for &antigen in targets_for_schedule_id(row.id).unwrap_or_default() {
            match tracks.iter_mut().find(|t| t.antigen == antigen) {
                Some(track) => track.rows.push(row),
                None => tracks.push(Track {
                    antigen,
                    rows: vec![row],
                }),
            }
        }
    }
    if person.pregnant {
        for track in &mut tracks {
            if track.rows.iter().any(|r| r.target_group == PREGNANT_WOMEN) {
                track.rows.retain(|r| r.target_group == PREGNANT_WOMEN);
            }
        }
    }
    tracks
}

/// The days of the verified doses given by `today` that cover `antigen`, oldest first, one a
/// day: two products covering the same antigen on one day (a 5-in-1 and a 6-in-1 by mistake)
/// are one dose of it.
pub(super) fn dose_days(
    history: &[GivenDose],
    antigen: Antigen,
    today: NaiveDate,
) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = history
        .iter()
        .filter(|d| {
            d.verified
                && d.on <= today
                && covers(&d.vaccine, d.product.as_deref()).contains(&antigen)
        })
        .map(|d| d.on)
        .collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// The antigens a dose covers, by catalogue code (`hexa`, `penta`) or schedule row id
/// (`penta_2`), and its product where that product covers other antigens than its vaccine
/// (Twinrix: hepatitis A and B); nothing for a code the catalogue does not know.
pub(super) fn covers(vaccine: &str, product: Option<&str>) -> &'static [Antigen] {
    let entry = entry(vaccine);
    if let Some(product) = product.and_then(|name| entry?.product(name)) {
        return product.antigens();
    }
    entry
        .map(|e| e.antigens())
        .or_else(|| targets_for_schedule_id(vaccine))
        .unwrap_or_default()
}

/// Whether a dose is of a live injectable vaccine: its product's kind where the product is
/// known, its vaccine's otherwise.
pub(super) fn live_injectable(vaccine: &str, product: Option<&str>) -> bool {
    let Some(entry) = entry(vaccine) else {
        return false;
    };
    match product.and_then(|name| entry.product(name)) {
        Some(product) => product.live_injectable(),
        None => entry.live_injectable(),
    }
}

/// Drops a first row tied to a window after birth (`hepb_birth`: within 24 hours) once that
/// window has closed without it, when later rows of the antigen follow: the series goes on
/// with them rather than counting a late dose as the birth dose. A sole row (`bcg`) stays,
/// to be caught up.
pub(super) fn drop_missed_birth_dose(
    rows: &mut Vec<&'static ScheduleDose>,
    birth: NaiveDate,
    first_dose: Option<NaiveDate>,
    today: NaiveDate,
) {
    let Some(first) = rows.first() else { return };
    let window_end = first
        .recommended
        .filter(|t| t.anchor == Anchor::Birth)
        .and_then(|t| t.by)
        .and_then(|by: Span| by.after(birth));
    let closed = window_end.is_some_and(|end| first_dose.unwrap_or(today) > end);
    if rows.len() > 1 && closed {
        rows.remove(0);
    }
}

/// The first day on or after `earliest` that is not within `LIVE_INJECTABLE_SPACING` after
/// another live injectable dose given by `today`; the same day as one is allowed. `None` past
/// the calendar's end.
pub(super) fn after_live_doses(
    earliest: NaiveDate,
    history: &[GivenDose],
    today: NaiveDate,
) -> Option<NaiveDate> {
    let mut live: Vec<NaiveDate> = history
        .iter()
        .filter(|d| d.verified && d.on <= today)
        .filter(|d| live_injectable(&d.vaccine, d.product.as_deref()))
        .map(|d| d.on)
        .collect();
    live.sort_unstable();
    // In date order one pass suffices: a day pushed past one dose's spacing is past every
    // earlier dose's too.
    let mut day = earliest;
    for given in live {
        let clear = LIVE_INJECTABLE_SPACING.after(given)?;
        if given < day && day < clear {
            day = clear;
        }
    }
    Some(day)
}
