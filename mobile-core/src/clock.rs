//! The core's one reading of the wall clock. Everything else takes the time from a [`Clock`],
//! so that expiry, queue order and validation rules test without waiting.

use chrono::{DateTime, Duration, NaiveDate, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// The calendar date in Việt Nam, which keeps UTC+7 all year (no daylight saving): a
    /// date of birth is checked against the citizen's today, not UTC's.
    fn today(&self) -> NaiveDate {
        (self.now() + Duration::hours(7)).date_naive()
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(
        clippy::disallowed_methods,
        reason = "the edge of the core: the one place that reads the wall clock"
    )]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it is told, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_vietnamese_calendar_date() {
        let late_evening_utc = DateTime::parse_from_rfc3339("2026-11-23T18:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            FixedClock(late_evening_utc).today(),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
    }
}
