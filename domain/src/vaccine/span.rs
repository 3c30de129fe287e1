//! Ages and intervals as vaccine labels state them: "6 weeks", "2 months", "15 years".
//!
//! A label's "from 2 months" means the child's two-month day, not 60 days, so a span keeps its
//! unit and is added to a date on the calendar (`Span::after`, in `catalogue.rs`). `build.rs`
//! reads the reference data's short notation (`6w`, `2m`, `15y`, `28d`) with this file too, so
//! the build and the crate agree on it; it has no dependency for that reason.

use std::fmt;

/// A length of time in one calendar unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    Days(u16),
    Weeks(u16),
    Months(u16),
    Years(u16),
}

impl Span {
    /// Reads the short notation: a number and `d`, `w`, `m` or `y` (`6w`, `15y`).
    pub fn parse(text: &str) -> Option<Span> {
        let unit = text.chars().last()?;
        let number = text.get(..text.len() - unit.len_utf8())?;
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u16 = number.parse().ok()?;
        match unit {
            'd' => Some(Span::Days(n)),
            'w' => Some(Span::Weeks(n)),
            'm' => Some(Span::Months(n)),
            'y' => Some(Span::Years(n)),
            _ => None,
        }
    }

    /// The short notation `parse` reads.
    pub fn short(self) -> String {
        match self {
            Span::Days(n) => format!("{n}d"),
            Span::Weeks(n) => format!("{n}w"),
            Span::Months(n) => format!("{n}m"),
            Span::Years(n) => format!("{n}y"),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match *self {
            Span::Days(n) => (n, "day"),
            Span::Weeks(n) => (n, "week"),
            Span::Months(n) => (n, "month"),
            Span::Years(n) => (n, "year"),
        };
        let plural = if n == 1 { "" } else { "s" };
        write!(f, "{n} {unit}{plural}")
    }
}
