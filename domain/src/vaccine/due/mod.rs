//! The due list: for each antigen the national programme schedules for a person (and each
//! other antigen whose paid series they started), whether they are complete, due, overdue,
//! too early for the next dose, not offered it in their province, or contraindicated.
//!
//! Doses count against antigens, not against products: a 6-in-1 dose is a dose of diphtheria,
//! tetanus, pertussis, Hib, hepatitis B and polio, so it answers the 5-in-1's row and the
//! polio row of the same rank. A late series is continued from its last dose, never
//! restarted. Only verified doses count. The rules of age and interval are the schedule's
//! own (`ScheduleDose::earliest_on`, `Timing`); this module only orders the doses.
//!
//! A series of one paid single-antigen product (`Rotarix` ×2) follows that product's course
//! (`service-products.csv`): its dose count, intervals and the label's age limit, which warns.
//! Any paid product's own minimum interval before its next dose also applies (`course.rs`).
//!
//! The next dose of a live injectable vaccine also waits `LIVE_INJECTABLE_SPACING` after any
//! other live injectable dose not given the same day.
//!
//! A dose given earlier than its row allows still counts and still sets the clock for the
//! next one: the list never takes away a dose already recorded (see `properties.rs`).

mod answer;
mod check;
mod course;
mod describe;
mod from_book;
mod input;
mod standing;
mod track;

pub use crate::certificate::routine::TargetDisease as Antigen;
pub use answer::{AntigenDue, DueWarning, Standing};
pub use check::{
    AntigenDose, DoseAccepted, DoseRefusal, EarlierThanAdvised, ProposedDose, check_dose,
};
pub use describe::{antigen_name, standing_text, warning_text};
pub use input::{DoseHistory, DoseOrigin, GivenDose, SeriousReaction, Vaccinee};

use crate::vaccine::Span;
use chrono::NaiveDate;

/// A dose is overdue once this long has passed since its recommended day (or, when earlier
/// doses held it back, since the first day it could be given). "Past the recommended age plus
/// one month" is a common programme definition of a late dose in timeliness monitoring; the
/// schedule data states none, so it is a constant here, to replace once the programme's own
/// is read. A month, not 30 days, so that it falls on the day of the month it counts from.
/// Where a row states its own window ("trong 24 giờ sau sinh"), the window's end is used.
pub const OVERDUE_GRACE: Span = Span::Months(1);

/// The children's schedule applies under this age: the rows target "trẻ em", and the Law on
/// Children (Luật Trẻ em 102/2016/QH13, Art. 1) defines a child as a person under 16.
pub const CHILD_SCHEDULE_UNTIL: Span = Span::Years(16);

/// Two live injectable vaccines (BCG, measles, MR, MMR, varicella, live JE) not given on the
/// same day are given at least this far apart: the WHO position papers on measles and
/// varicella vaccines and ACIP's General Best Practice Guidelines ("Timing and spacing") state
/// 4 weeks, and `service-vaccines.csv` repeats it for MMR ("28-day spacing from other live
/// injectables").
pub const LIVE_INJECTABLE_SPACING: Span = Span::Days(28);

/// The antigens TT 52/2025/TT-BYT adds to the programme by a provincial roll-out roadmap:
/// they apply only where `Vaccinee::province_offers` names them.
pub const ROADMAP_ANTIGENS: [Antigen; 2] = [Antigen::Rotavirus, Antigen::Pneumococcal];

/// Antigens whose paid courses are not a series to continue: influenza is one dose a season
/// (the season is not modelled), rabies follows an exposure (`service-vaccines.csv`: "event-
/// driven (bite date) not age-driven"), so neither gets a line from past doses.
pub const NOT_FROM_PAST_DOSES: [Antigen; 2] = [Antigen::Influenza, Antigen::Rabies];

/// The due list of `person` on `today`: one line per antigen the programme schedules for them,
/// then one per other antigen whose paid series they have started (varicella, hepatitis A,
/// HPV…), to continue it by its first product's label.
pub fn due(person: &Vaccinee, history: &DoseHistory, today: NaiveDate) -> Vec<AntigenDue> {
    let tracks = track::tracks(person, today);
    let started: Vec<(Antigen, course::Following)> = Antigen::ALL
        .into_iter()
        .filter(|a| !NOT_FROM_PAST_DOSES.contains(a) && !tracks.iter().any(|t| t.antigen == *a))
        .filter_map(|a| {
            course::first_product_course(&history.doses, a, person.birth, today).map(|f| (a, f))
        })
        .collect();
    let mut lines: Vec<AntigenDue> = tracks
        .into_iter()
        .map(|track| {
            let following =
                course::single_product_course(&history.doses, track.antigen, person.birth, today);
            standing::antigen_due(person, history, track, following, today)
        })
        .collect();
    lines.extend(started.into_iter().map(|(antigen, following)| {
        let track = track::Track {
            antigen,
            rows: Vec::new(),
        };
        standing::antigen_due(person, history, track, Some(following), today)
    }));
    lines
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
