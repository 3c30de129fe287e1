//! Which layer of the standard a visit is read under, chosen by its discharge day.

use chrono::NaiveDate;

/// The layers this service reads, oldest first. The field catalogue is QĐ 130 as QĐ 4750
/// corrected it; QĐ 3176 (29/10/2024, in force 01/01/2025) added fields to several tables
/// (XML0's treatment fields, XML6's, `DU_PHONG` in others) whose list is not in the catalogue,
/// so under it a field the catalogue lacks is kept and warned about rather than refused.
/// Visits discharged before QĐ 4750's layer came into use (01/07/2024) were sent under QĐ
/// 4210/2017, a different standard this service does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standard {
    Qd130With4750,
    Qd3176,
}

/// Each layer and the first discharge day it applies to.
const IN_FORCE: [(Standard, i32, u32, u32); 2] = [
    (Standard::Qd130With4750, 2024, 7, 1),
    (Standard::Qd3176, 2025, 1, 1),
];

impl Standard {
    /// The layer for a visit discharged on `day`; `None` before the first.
    pub fn for_discharge(day: NaiveDate) -> Option<Standard> {
        IN_FORCE
            .iter()
            .rev()
            .find(|(_, y, m, d)| {
                NaiveDate::from_ymd_opt(*y, *m, *d).is_some_and(|from| day >= from)
            })
            .map(|(standard, ..)| *standard)
    }

    pub fn name(self) -> &'static str {
        match self {
            Standard::Qd130With4750 => "QĐ 130/QĐ-BYT + QĐ 4750/QĐ-BYT",
            Standard::Qd3176 => "QĐ 3176/QĐ-BYT",
        }
    }

    /// Whether a field the catalogue lacks is refused (or only warned about).
    pub fn refuses_unknown_fields(self) -> bool {
        self == Standard::Qd130With4750
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_discharge_day_chooses_the_layer() {
        assert_eq!(Standard::for_discharge(day(2024, 6, 30)), None);
        assert_eq!(
            Standard::for_discharge(day(2024, 7, 1)),
            Some(Standard::Qd130With4750)
        );
        assert_eq!(
            Standard::for_discharge(day(2024, 12, 31)),
            Some(Standard::Qd130With4750)
        );
        assert_eq!(
            Standard::for_discharge(day(2025, 1, 1)),
            Some(Standard::Qd3176)
        );
        assert_eq!(
            Standard::for_discharge(day(2026, 11, 20)),
            Some(Standard::Qd3176)
        );
    }
}
