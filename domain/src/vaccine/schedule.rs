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
    /// The same words as a date rule (`build.rs` reads them and fails on words it does not
    /// know); `None` where the schedule says "as soon as possible" or gives no usable age.
    pub recommended: Option<Timing>,
    /// Given at least this long before the expected delivery ("trước sinh ít nhất 1 tháng":
    /// the pregnant women's second tetanus dose), read from the same words.
    pub before_delivery: Option<Span>,
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

impl ScheduleDose {
    /// The last day this dose answers its row for a pregnancy expected to end on
    /// `delivery`; `None` for a row that states no such limit.
    pub fn delivery_deadline(&self, delivery: NaiveDate) -> Option<NaiveDate> {
        self.before_delivery?.before(delivery)
    }
}

/// When the programme recommends a dose: a span after birth or after the previous dose, and
/// the end of the window where the schedule states one ("within 24 hours after birth",
/// "1-2 weeks after dose 1").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub anchor: Anchor,
    pub at: Span,
    /// The window's end, counted from the same anchor.
    pub by: Option<Span>,
}

/// What a recommended timing counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Birth,
    PreviousDose,
}

impl Timing {
    /// The recommended day, and the window's last day where the schedule states one, for
    /// someone born on `birth` whose previous dose of the antigen was on `previous`. A timing
    /// counted from a previous dose that was never given has no day.
    pub fn days(
        self,
        birth: NaiveDate,
        previous: Option<NaiveDate>,
    ) -> Option<(NaiveDate, Option<NaiveDate>)> {
        let anchor = match self.anchor {
            Anchor::Birth => birth,
            Anchor::PreviousDose => previous?,
        };
        let by = match self.by {
            Some(by) => Some(by.after(anchor)?),
            None => None,
        };
        Some((self.at.after(anchor)?, by))
    }
}

/// The whole schedule in the order it is published.
pub fn programme_schedule() -> &'static [ScheduleDose] {
    &PROGRAMME_SCHEDULE
}
