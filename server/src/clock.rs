//! The one place the server reads the time. Everything else receives it as a parameter.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::sync::Arc;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// The calendar date in Việt Nam, as the phone's core counts it: ages and the end of a
    /// guardianship on the 18th birthday turn at local midnight, not at 07:00.
    fn today(&self) -> NaiveDate {
        healthbook_domain::booking::time::local_date(self.now())
    }
}

/// Wall-clock time, optionally shifted: a second process started with an offset lets an
/// end-to-end test see the system as it will be in eleven minutes, without waiting.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock {
    pub offset: Duration,
}

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the edge: the only allowed reader of the wall clock
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

/// A clock that stands still until told to move, for tests of time-dependent rules.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<std::sync::Mutex<DateTime<Utc>>>);

impl FixedClock {
    pub fn at(instant: DateTime<Utc>) -> FixedClock {
        FixedClock(Arc::new(std::sync::Mutex::new(instant)))
    }

    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|now| *now).unwrap_or_default()
    }
}

pub type SharedClock = Arc<dyn Clock>;
