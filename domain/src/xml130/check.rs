//! One value against its field: length, number or string, date, code list, list.

use super::catalogue::{Field, Format, format};
use super::problem::Problem;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// An empty value passes: whether a field may be empty is [`super::visit`]'s question.
pub fn check_value(field: &Field, value: &str) -> Result<(), Problem> {
    check_value_as(field, format(field), value)
}

/// [`check_value`] with the field's format already known (`catalogue::formats_of`).
pub fn check_value_as(field: &Field, format: Format, value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Ok(());
    }
    // No more characters than bytes: only a long value needs counting.
    if let Some(max) = field.max_len
        && value.len() > usize::from(max)
        && value.chars().count() > usize::from(max)
    {
        return Err(Problem::TooLong(max));
    }
    if !field.text {
        number(value)?;
    }
    match format {
        Format::Minute => minute(value).map(|_| ()).ok_or(Problem::NotADate),
        Format::Day => day(value).map(|_| ()).ok_or(Problem::NotADate),
        Format::Days => value
            .split(';')
            .all(|d| day(d.trim()).is_some())
            .then_some(())
            .ok_or(Problem::NotADate),
        Format::Birth => birth(value).then_some(()).ok_or(Problem::NotADate),
        Format::List => {
            if value.split(';').any(|item| item.trim().is_empty()) {
                Err(Problem::EmptyListItem)
            } else {
                Ok(())
            }
        }
        Format::Code(codes) => codes
            .contains(&value)
            .then_some(())
            .ok_or(Problem::NotACode),
        Format::Free => Ok(()),
    }
}

fn number(value: &str) -> Result<(), Problem> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if all(whole) && all(fraction) {
        Ok(())
    } else {
        Err(Problem::NotANumber)
    }
}

/// `yyyyMMdd`, a real day.
pub fn day(value: &str) -> Option<NaiveDate> {
    if value.len() != 8 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = value.get(..4)?.parse().ok()?;
    let month = value.get(4..6)?.parse().ok()?;
    let day = value.get(6..)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `yyyyMMddHHmm`, a real minute.
pub fn minute(value: &str) -> Option<NaiveDateTime> {
    let (date, time) = (value.get(..8)?, value.get(8..)?);
    let time = hour_minute(time)?;
    Some(day(date)?.and_time(time))
}

fn hour_minute(value: &str) -> Option<NaiveTime> {
    if value.len() != 4 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hour = value.get(..2)?.parse().ok()?;
    let minute = value.get(2..)?.parse().ok()?;
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// A birth time: the year always; the day and month both known or both `00`; the time
/// known or `0000` (the standard's rule for people whose day or time of birth is unknown).
fn birth(value: &str) -> bool {
    let (Some(year), Some(month_day), Some(time)) =
        (value.get(..4), value.get(4..8), value.get(8..))
    else {
        return false;
    };
    let time_known = time == "0000" || hour_minute(time).is_some();
    let day_known = month_day == "0000" || day(&format!("{year}{month_day}")).is_some();
    value.len() == 12
        && year.bytes().all(|b| b.is_ascii_digit())
        && year != "0000"
        && time_known
        && day_known
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml130::catalogue::field;

    fn check(table: u8, name: &str, value: &str) -> Result<(), Problem> {
        check_value(field(table, name).unwrap(), value)
    }

    #[test]
    fn dates_are_real_calendar_days_and_minutes() {
        assert!(check(1, "NGAY_VAO", "202611200830").is_ok());
        assert!(check(1, "NGAY_VAO", "202402291200").is_ok(), "a leap day");
        for bad in [
            "202302291200",
            "202611202460",
            "202611321200",
            "20261120083",
            "2026-11-2008",
        ] {
            assert_eq!(check(1, "NGAY_VAO", bad), Err(Problem::NotADate), "{bad}");
        }
        assert_eq!(
            check(1, "NGAY_VAO", "2026112008300"),
            Err(Problem::TooLong(12))
        );
        assert!(check(0, "GT_THE_TU", "20260101").is_ok());
        assert_eq!(check(0, "GT_THE_TU", "20261301"), Err(Problem::NotADate));
        for bad in ["20260230", "20260100", "2026011", "+2026011", "2026 101"] {
            assert_eq!(day(bad), None, "{bad}");
        }
        assert_eq!(day("20240229"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert!(
            check(1, "GT_THE_TU", "20250101;20260101").is_ok(),
            "two periods"
        );
        assert_eq!(check(1, "GT_THE_TU", "20250101;"), Err(Problem::NotADate));
    }

    #[test]
    fn a_birth_may_be_known_only_to_the_year() {
        for good in ["199001150000", "199000000000", "202611200815"] {
            assert!(check(1, "NGAY_SINH", good).is_ok(), "{good}");
        }
        for bad in [
            "199013150000",
            "199001000000",
            "000000000000",
            "199001152500",
        ] {
            assert_eq!(check(1, "NGAY_SINH", bad), Err(Problem::NotADate), "{bad}");
        }
    }

    #[test]
    fn numbers_lengths_codes_and_lists() {
        assert!(check(1, "T_THUOC", "12000").is_ok());
        assert!(check(1, "CAN_NANG", "62.50").is_ok());
        for bad in ["12,000", "1e3", ".5", "5.", "abc", "--1"] {
            assert_eq!(check(1, "T_THUOC", bad), Err(Problem::NotANumber), "{bad}");
        }
        assert_eq!(
            check(1, "T_THUOC", "1234567890123456"),
            Err(Problem::TooLong(15))
        );
        assert!(check(1, "MA_LOAI_KCB", "01").is_ok());
        assert_eq!(
            check(1, "MA_LOAI_KCB", "1"),
            Err(Problem::NotACode),
            "codes keep zeros"
        );
        assert_eq!(check(1, "GIOI_TINH", "4"), Err(Problem::NotACode));
        assert!(check(1, "MA_BENH_KT", "J06.9;K21.0").is_ok());
        assert_eq!(
            check(1, "MA_BENH_KT", "J06.9;;K21.0"),
            Err(Problem::EmptyListItem)
        );
        assert!(
            check(1, "HO_TEN", "").is_ok(),
            "emptiness is checked elsewhere"
        );
        let name = "Ấ".repeat(255);
        assert!(check(1, "HO_TEN", &name).is_ok(), "characters, not bytes");
    }
}
