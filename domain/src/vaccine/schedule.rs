//! The national expanded programme's schedule (`data/immunization/tcmr-schedule.csv`): one
//! row per antigen and dose, with the earliest age and the minimum interval that row states.

use super::Span;
use super::catalogue::Confidence;
use super::data::PROGRAMME_SCHEDULE;
use chrono::NaiveDate;

/// One dose of the programme, as the schedule states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleDose {
    /// The schedule's id of this dose (`penta_2`); certificates map it to target diseases.
    pub id: &'static str,
    /// The catalogue entry this dose belongs to (`penta`).
    pub series: &'static str,
    /// Which dose of the antigen this is; `None` where the number depends on the product (HPV).
    pub dose: Option<u8>,
    pub antigen_vi: &'static str,
    pub antigen_en: &'static str,
    /// The vaccine the programme uses, as the schedule names it.
    pub vaccine: &'static str,
    /// The recommended age or timing, in the schedule's Vietnamese words.
    pub recommended_age: &'static str,
    /// The youngest age at which this dose counts.
    pub earliest_age: Option<Span>,
    /// The shortest time after the previous dose of the series.
    pub min_interval: Option<Span>,
    pub target_group: &'static str,
    pub legal_basis: &'static str,
    pub confidence: Confidence,
    /// The schedule's own words on how sure the row is.
    pub verification: &'static str,
}

impl ScheduleDose {
    /// The first day this dose may be given to someone born on `birth` whose previous dose of
    /// the series (if any) was on `previous`; `None` past the calendar's end.
    pub fn earliest_on(&self, birth: NaiveDate, previous: Option<NaiveDate>) -> Option<NaiveDate> {
        let by_age = match self.earliest_age {
            Some(age) => age.after(birth)?,
            None => birth,
        };
        let by_interval = match (self.min_interval, previous) {
            (Some(interval), Some(previous)) => interval.after(previous)?,
            (None, Some(previous)) => previous,
            (_, None) => by_age,
        };
        Some(by_age.max(by_interval))
    }
}

/// The whole schedule in the order it is published.
pub fn programme_schedule() -> &'static [ScheduleDose] {
    &PROGRAMME_SCHEDULE
}
