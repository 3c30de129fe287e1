//! Việt Nam's public holidays (Bộ luật Lao động 2019, Article 112), on which facilities do not
//! hold routine sessions unless a schedule says it is open on holidays.
//!
//! - Tết Dương lịch, 1 January;
//! - Tết Âm lịch, 5 days: modelled as the last day of the lunar year and the first four days
//!   of the new one (the exact five days and any swapped working days are announced each year;
//!   a facility records the difference as a closure);
//! - Giỗ Tổ Hùng Vương, the 10th day of the 3rd lunar month;
//! - Ngày Chiến thắng, 30 April, and Quốc tế Lao động, 1 May;
//! - Quốc khánh, 2 September and one adjacent day, chosen each year by the Prime Minister:
//!   modelled as 1 September when it is a weekday, else 3 September.
//!
//! Article 112(3): a single-day holiday that falls on the weekly rest day (Saturday or Sunday
//! for public services) is compensated on the next working day.

use super::lunar;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    NewYear,
    Tet,
    HungKings,
    ReunificationDay,
    LabourDay,
    NationalDay,
    /// The working day off in place of a holiday that fell on a weekend.
    Compensatory,
}

impl Holiday {
    pub fn name_vi(self) -> &'static str {
        match self {
            Holiday::NewYear => "Tết Dương lịch",
            Holiday::Tet => "Tết Nguyên đán",
            Holiday::HungKings => "Giỗ Tổ Hùng Vương",
            Holiday::ReunificationDay => "Ngày Chiến thắng",
            Holiday::LabourDay => "Ngày Quốc tế Lao động",
            Holiday::NationalDay => "Quốc khánh",
            Holiday::Compensatory => "Nghỉ bù",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Holiday::NewYear => "New Year's Day",
            Holiday::Tet => "Lunar New Year (Tết)",
            Holiday::HungKings => "Hùng Kings' Commemoration Day",
            Holiday::ReunificationDay => "Reunification Day",
            Holiday::LabourDay => "International Labour Day",
            Holiday::NationalDay => "National Day",
            Holiday::Compensatory => "Compensatory day off",
        }
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The public holidays of one Gregorian year, with their compensatory days.
pub fn holidays_of_year(year: i32) -> BTreeMap<NaiveDate, Holiday> {
    let mut days = BTreeMap::new();
    let mut single = Vec::new();
    let fixed = [
        (1, 1, Holiday::NewYear),
        (4, 30, Holiday::ReunificationDay),
        (5, 1, Holiday::LabourDay),
        (9, 2, Holiday::NationalDay),
    ];
    for (month, day, holiday) in fixed {
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
            single.push((date, holiday));
        }
    }
    if let (Some(first), Some(third)) = (
        NaiveDate::from_ymd_opt(year, 9, 1),
        NaiveDate::from_ymd_opt(year, 9, 3),
    ) {
        single.push((
            if is_weekend(first) { third } else { first },
            Holiday::NationalDay,
        ));
    }
    if let Some(date) = lunar::lunar_to_solar(10, 3, year) {
        single.push((date, Holiday::HungKings));
    }
    if let Some(eve) = lunar::lunar_new_years_eve(year) {
        for date in eve.iter_days().take(5) {
            days.insert(date, Holiday::Tet);
        }
    }
    for (date, holiday) in &single {
        days.insert(*date, *holiday);
    }
    single.sort_by_key(|(date, _)| *date);
    for (date, _) in single {
        if is_weekend(date) {
            let mut next = date;
            while let Some(candidate) = next.succ_opt() {
                next = candidate;
                if !is_weekend(next) && !days.contains_key(&next) {
                    days.insert(next, Holiday::Compensatory);
                    break;
                }
            }
        }
    }
    days
}

/// Holidays over a range of dates, computed once: slot generation asks about every day.
#[derive(Debug, Clone, Default)]
pub struct HolidayCalendar {
    days: BTreeMap<NaiveDate, Holiday>,
}

impl HolidayCalendar {
    /// Covers every date from `from` to `until` (and the rest of their years).
    pub fn covering(from: NaiveDate, until: NaiveDate) -> HolidayCalendar {
        let mut days = BTreeMap::new();
        // A compensatory day can spill into January of the next year.
        for year in from.year() - 1..=until.year() {
            days.extend(holidays_of_year(year));
        }
        HolidayCalendar { days }
    }

    pub fn holiday(&self, date: NaiveDate) -> Option<Holiday> {
        self.days.get(&date).copied()
    }

    pub fn between(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, Holiday)> + '_ {
        self.days.range(from..=until).map(|(d, h)| (*d, *h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn tet_2026_is_five_days_from_the_eve() {
        let days = holidays_of_year(2026);
        for day in 16..=20 {
            assert_eq!(days.get(&d(2026, 2, day)), Some(&Holiday::Tet), "{day}");
        }
        assert_eq!(days.get(&d(2026, 2, 21)), None);
        assert_eq!(days.get(&d(2026, 2, 15)), None);
    }

    #[test]
    fn fixed_holidays_and_hung_kings() {
        let days = holidays_of_year(2026);
        assert_eq!(days.get(&d(2026, 1, 1)), Some(&Holiday::NewYear));
        assert_eq!(days.get(&d(2026, 4, 26)), Some(&Holiday::HungKings));
        assert_eq!(days.get(&d(2026, 4, 30)), Some(&Holiday::ReunificationDay));
        assert_eq!(days.get(&d(2026, 5, 1)), Some(&Holiday::LabourDay));
        assert_eq!(days.get(&d(2026, 9, 2)), Some(&Holiday::NationalDay));
    }

    #[test]
    fn a_holiday_on_a_sunday_is_compensated_on_monday() {
        // Giỗ Tổ 2026 is Sunday 26 April: Monday 27 April is off instead.
        let days = holidays_of_year(2026);
        assert_eq!(days.get(&d(2026, 4, 27)), Some(&Holiday::Compensatory));
    }

    #[test]
    fn national_day_takes_the_first_of_september_on_weekdays() {
        // 2025: Tuesday 2 September, Monday 1 September off (as decided that year).
        let days = holidays_of_year(2025);
        assert_eq!(days.get(&d(2025, 9, 1)), Some(&Holiday::NationalDay));
        // 2024: Monday 2 September; 1 September is a Sunday, so 3 September.
        let days = holidays_of_year(2024);
        assert_eq!(days.get(&d(2024, 9, 3)), Some(&Holiday::NationalDay));
    }

    #[test]
    fn calendar_covers_a_range_across_years() {
        let calendar = HolidayCalendar::covering(d(2026, 12, 20), d(2027, 2, 20));
        assert_eq!(calendar.holiday(d(2027, 1, 1)), Some(Holiday::NewYear));
        assert_eq!(calendar.holiday(d(2027, 2, 6)), Some(Holiday::Tet));
        assert_eq!(calendar.holiday(d(2026, 12, 21)), None);
        assert!(calendar.between(d(2027, 2, 1), d(2027, 2, 28)).count() >= 5);
    }
}
