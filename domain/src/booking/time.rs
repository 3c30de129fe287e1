//! Time as people in Việt Nam read it: Asia/Ho_Chi_Minh is UTC+7 all year (no daylight
//! saving since 1975), so a fixed offset is exact. Instants are stored in UTC; dates and
//! times of day that people type or read are local.

use crate::i18n::{Lang, Localized};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

pub const TIME_ZONE: &str = "Asia/Ho_Chi_Minh";
const OFFSET_SECONDS: i64 = 7 * 3600;

/// The UTC instant of a local date and time of day.
pub fn to_utc(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    (date.and_time(time) - Duration::seconds(OFFSET_SECONDS)).and_utc()
}

/// The local date and time of an instant.
pub fn to_local(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.naive_utc() + Duration::seconds(OFFSET_SECONDS)
}

pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    to_local(instant).date()
}

/// "07:30", the way a time of day is shown and typed.
pub fn format_time(time: NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// Minutes since local midnight: how sessions are stored.
pub fn minute_of_day(time: NaiveTime) -> u32 {
    time.hour() * 60 + time.minute()
}

pub fn time_of_minute(minute: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateInputError {
    #[error("not a date in the form YYYY-MM-DD")]
    Malformed,
    /// `01/02/2026` is 1 February to some and 2 January to others: refused, never guessed.
    #[error("ambiguous date; use YYYY-MM-DD")]
    Ambiguous,
    #[error("no such day in the calendar")]
    NoSuchDay,
}

impl Localized for DateInputError {
    fn code(&self) -> &'static str {
        match self {
            DateInputError::Malformed => "date_malformed",
            DateInputError::Ambiguous => "date_ambiguous",
            DateInputError::NoSuchDay => "date_no_such_day",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (DateInputError::Malformed, Lang::Vi) => {
                "Ngày phải có dạng YYYY-MM-DD (ví dụ 2026-12-01).".into()
            }
            (DateInputError::Malformed, Lang::En) => {
                "A date must be written YYYY-MM-DD (for example 2026-12-01).".into()
            }
            (DateInputError::Ambiguous, Lang::Vi) => {
                "Ngày viết như vậy có thể hiểu theo nhiều cách; hãy dùng dạng YYYY-MM-DD.".into()
            }
            (DateInputError::Ambiguous, Lang::En) => {
                "This date can be read more than one way; write it YYYY-MM-DD.".into()
            }
            (DateInputError::NoSuchDay, Lang::Vi) => "Ngày này không có trong lịch.".into(),
            (DateInputError::NoSuchDay, Lang::En) => "There is no such day in the calendar.".into(),
        }
    }
}

/// Parses a local date. Only `YYYY-MM-DD` is accepted; day-month-year forms with slashes,
/// dots or dashes are refused as ambiguous rather than guessed.
pub fn parse_date(input: &str) -> Result<NaiveDate, DateInputError> {
    let text = input.trim();
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if parts.len() != 3 || !numeric {
        return Err(DateInputError::Malformed);
    }
    let iso = parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2;
    if !iso || text.contains(['/', '.']) {
        return Err(if parts[2].len() == 4 || parts[0].len() <= 2 {
            DateInputError::Ambiguous
        } else {
            DateInputError::Malformed
        });
    }
    let number = |s: &str| s.parse::<u32>().map_err(|_| DateInputError::Malformed);
    let year = i32::try_from(number(parts[0])?).map_err(|_| DateInputError::Malformed)?;
    NaiveDate::from_ymd_opt(year, number(parts[1])?, number(parts[2])?)
        .ok_or(DateInputError::NoSuchDay)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a time of day in the form HH:MM")]
pub struct TimeInputError;

impl Localized for TimeInputError {
    fn code(&self) -> &'static str {
        "time_malformed"
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => "Giờ phải có dạng HH:MM theo 24 giờ (ví dụ 07:30).".into(),
            Lang::En => "A time of day must be written HH:MM, 24-hour (for example 07:30).".into(),
        }
    }
}

/// Parses a local time of day written `HH:MM` (24-hour).
pub fn parse_time(input: &str) -> Result<NaiveTime, TimeInputError> {
    let (hours, minutes) = input.trim().split_once(':').ok_or(TimeInputError)?;
    if hours.len() != 2 || minutes.len() != 2 {
        return Err(TimeInputError);
    }
    let hours: u32 = hours.parse().map_err(|_| TimeInputError)?;
    let minutes: u32 = minutes.parse().map_err(|_| TimeInputError)?;
    NaiveTime::from_hms_opt(hours, minutes, 0).ok_or(TimeInputError)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn local_time_is_seven_hours_ahead() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let seven = NaiveTime::from_hms_opt(7, 0, 0).unwrap();
        let instant = to_utc(date, seven);
        assert_eq!(instant.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(local_date(instant), date);
        let early = to_utc(date, NaiveTime::from_hms_opt(6, 0, 0).unwrap());
        assert_eq!(
            early.date_naive(),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        assert_eq!(local_date(early), date);
    }

    #[test]
    fn dates_are_iso_only() {
        assert_eq!(
            parse_date("2026-12-01"),
            Ok(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        );
        assert_eq!(parse_date(" 2026-12-01 ").map(|d| d.day0()), Ok(0));
        assert_eq!(parse_date("01/02/2026"), Err(DateInputError::Ambiguous));
        assert_eq!(parse_date("01-02-2026"), Err(DateInputError::Ambiguous));
        assert_eq!(parse_date("1.2.2026"), Err(DateInputError::Ambiguous));
        assert_eq!(parse_date("26-12-01"), Err(DateInputError::Ambiguous));
        assert_eq!(parse_date("2026/12/01"), Err(DateInputError::Malformed));
        assert_eq!(parse_date("2026-02-30"), Err(DateInputError::NoSuchDay));
        assert_eq!(parse_date("tomorrow"), Err(DateInputError::Malformed));
        assert_eq!(
            parse_date("2026-12-01T08:00"),
            Err(DateInputError::Malformed)
        );
        assert_eq!(parse_date(""), Err(DateInputError::Malformed));
    }

    #[test]
    fn times_are_24_hour_hh_mm() {
        assert_eq!(
            parse_time("07:30"),
            Ok(NaiveTime::from_hms_opt(7, 30, 0).unwrap())
        );
        assert!(parse_time("7:30").is_err());
        assert!(parse_time("24:00").is_err());
        assert!(parse_time("12:60").is_err());
        assert!(parse_time("noon").is_err());
    }

    use chrono::Datelike;

    proptest! {
        #[test]
        fn every_iso_date_round_trips(days in 0i32..200_000) {
            let date = NaiveDate::from_num_days_from_ce_opt(700_000 + days).unwrap();
            prop_assert_eq!(parse_date(&date.format("%Y-%m-%d").to_string()), Ok(date));
        }

        #[test]
        fn parse_date_never_panics(text in ".{0,20}") {
            let _ = parse_date(&text);
        }

        #[test]
        fn utc_and_local_are_inverse(seconds in 0i64..4_000_000_000) {
            let instant = DateTime::from_timestamp(seconds, 0).unwrap();
            let local = to_local(instant);
            prop_assert_eq!(to_utc(local.date(), local.time()), instant);
        }
    }
}
