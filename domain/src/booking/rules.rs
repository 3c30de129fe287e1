//! The time rules of an appointment: when it may be booked, cancelled, checked in, marked a
//! no-show, and when its reminder is due. The clock is always a parameter.

use super::time::local_date;
use crate::i18n::{Lang, Localized};
use crate::problem::ProblemCode;
use chrono::{DateTime, Duration, Utc};

/// The booking policy of the platform: stored in the database so that every process of a
/// deployment applies the same values and support can change them without a restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// How long before the start a citizen may still cancel or reschedule.
    pub cancel_cutoff: Duration,
    /// How many future appointments one citizen may hold at once.
    pub max_future_appointments: u32,
    /// How long before the start the reminder is sent.
    pub reminder_lead: Duration,
    /// How many days ahead slots exist.
    pub horizon_days: u32,
    /// How long a place on hold stays the citizen's while they confirm.
    pub hold_for: Duration,
}

/// How long a place offered from a waitlist stays the offered person's: longer than a hold
/// the citizen asked for, since they are told by mail and may not be looking at the app.
pub const WAITLIST_OFFER_FOR: Duration = Duration::minutes(15);

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            cancel_cutoff: Duration::hours(2),
            max_future_appointments: 5,
            reminder_lead: Duration::hours(24),
            horizon_days: 28,
            hold_for: Duration::minutes(5),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimeRule {
    #[error("the slot has already started")]
    SlotInPast,
    #[error("the cancellation cut-off has passed")]
    CancellationTooLate,
    #[error("check-in is only possible on the day of the appointment")]
    CheckInNotToday,
    #[error("a no-show can only be recorded once the appointment has started")]
    NoShowTooEarly,
}

impl TimeRule {
    /// The problem a broken rule is answered with.
    pub fn problem(self) -> ProblemCode {
        match self {
            TimeRule::SlotInPast => ProblemCode::SlotInPast,
            TimeRule::CancellationTooLate => ProblemCode::CancellationTooLate,
            TimeRule::CheckInNotToday => ProblemCode::CheckInNotToday,
            TimeRule::NoShowTooEarly => ProblemCode::NoShowTooEarly,
        }
    }
}

impl Localized for TimeRule {
    fn code(&self) -> &'static str {
        self.problem().as_str()
    }

    fn message(&self, lang: Lang) -> String {
        self.problem().message(lang).to_owned()
    }
}

/// A slot can be booked until it starts.
pub fn check_bookable(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), TimeRule> {
    if starts_at <= now {
        Err(TimeRule::SlotInPast)
    } else {
        Ok(())
    }
}

/// The last instant at which the citizen may cancel or reschedule.
pub fn cancellable_until(starts_at: DateTime<Utc>, cutoff: Duration) -> DateTime<Utc> {
    starts_at - cutoff
}

pub fn check_cancellable(
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
    cutoff: Duration,
) -> Result<(), TimeRule> {
    if now > cancellable_until(starts_at, cutoff) {
        Err(TimeRule::CancellationTooLate)
    } else {
        Ok(())
    }
}

/// Reception checks a patient in on the local day of the appointment, early or late.
pub fn check_check_in(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), TimeRule> {
    if local_date(starts_at) == local_date(now) {
        Ok(())
    } else {
        Err(TimeRule::CheckInNotToday)
    }
}

pub fn check_no_show(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), TimeRule> {
    if now < starts_at {
        Err(TimeRule::NoShowTooEarly)
    } else {
        Ok(())
    }
}

/// When the reminder is due; `None` when the appointment is closer than the lead time (the
/// confirmation just sent is reminder enough).
pub fn reminder_due_at(
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
    lead: Duration,
) -> Option<DateTime<Utc>> {
    let due = starts_at - lead;
    (due > now).then_some(due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn a_started_slot_cannot_be_booked() {
        let start = at("2026-12-01T01:00:00Z");
        assert_eq!(check_bookable(start, at("2026-12-01T00:59:59Z")), Ok(()));
        assert_eq!(check_bookable(start, start), Err(TimeRule::SlotInPast));
    }

    #[test]
    fn cancellation_closes_at_the_cutoff() {
        let start = at("2026-12-01T03:00:00Z");
        let cutoff = Duration::hours(2);
        assert_eq!(
            check_cancellable(start, at("2026-12-01T01:00:00Z"), cutoff),
            Ok(())
        );
        assert_eq!(
            check_cancellable(start, at("2026-12-01T01:00:01Z"), cutoff),
            Err(TimeRule::CancellationTooLate)
        );
    }

    #[test]
    fn check_in_is_on_the_local_day() {
        // 07:30 in Hà Nội on 1 December is 00:30 UTC the same day.
        let start = at("2026-12-01T00:30:00Z");
        // 23:30 UTC on 30 November is 06:30 local on 1 December: same local day.
        assert_eq!(check_check_in(start, at("2026-11-30T23:30:00Z")), Ok(()));
        assert_eq!(
            check_check_in(start, at("2026-11-30T16:59:00Z")),
            Err(TimeRule::CheckInNotToday)
        );
    }

    #[test]
    fn no_reminder_when_booked_inside_the_lead_time() {
        let start = at("2026-12-02T00:00:00Z");
        let lead = Duration::hours(24);
        assert_eq!(
            reminder_due_at(start, at("2026-11-30T00:00:00Z"), lead),
            Some(at("2026-12-01T00:00:00Z"))
        );
        assert_eq!(
            reminder_due_at(start, at("2026-12-01T06:00:00Z"), lead),
            None
        );
    }
}
