//! The Vietnamese lunisolar calendar (âm lịch), computed for the UTC+7 meridian.
//!
//! Tết and the Hùng Kings' Commemoration are lunar dates, so their Gregorian dates move every
//! year. The method is the published astronomical one used for the Vietnamese calendar (Hồ
//! Ngọc Đức, "Thuật toán tính âm lịch", after Jean Meeus, *Astronomical Algorithms*, ch. 49
//! and 25): a lunar month starts on the day (at UTC+7) of a new moon; the month containing
//! the winter solstice is month 11; a year with 13 new moons between two months 11 has a leap
//! month, the first one without a major solar term. Vietnam's calendar differs from China's
//! (UTC+8) in some years, which is why the meridian is a parameter of every step.
//!
//! The results are checked against the dates the government announced (see the tests).

use chrono::{Datelike, NaiveDate};
use std::f64::consts::PI;

/// Hours east of UTC of the calendar's meridian.
const TIME_ZONE: f64 = 7.0;
/// Julian day number of 1 January 0001 minus one, to convert chrono dates.
const JDN_OF_CE_DAY_ZERO: i64 = 1_721_425;
/// Mean length of a synodic month, days.
const SYNODIC_MONTH: f64 = 29.530_588_853;
/// The Julian day of the new moon of 1900-01-01 (k = 0 in the series).
const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;

fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_OF_CE_DAY_ZERO
}

fn date_of_jdn(jdn: i64) -> Option<NaiveDate> {
    let days = i32::try_from(jdn - JDN_OF_CE_DAY_ZERO).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// The Julian day (fractional, TT) of the k-th new moon after 1900-01-01 (Meeus ch. 49,
/// shortened series: accurate to minutes, enough to find the day).
fn new_moon(k: f64) -> f64 {
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    // ΔT, the difference between terrestrial and universal time, as a polynomial in T.
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd + c1 - delta_t
}

/// The Julian day number of the local day on which the k-th new moon falls.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k as f64) + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// The sun's apparent longitude at local midnight starting `day`, as the index (0–11) of
/// the 30° sector it is in; 9 is the sector that starts at the winter solstice.
fn sun_sector(day: i64) -> i64 {
    let t = (day as f64 - 2_451_545.5 - TIME_ZONE / 24.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let longitude = ((l0 + dl) * dr).rem_euclid(2.0 * PI);
    (longitude / PI * 6.0).floor() as i64
}

/// The first day of lunar month 11 of Gregorian year `year` (the month of the solstice).
fn month_11_start(year: i32) -> Option<i64> {
    let dec_31 = jdn(NaiveDate::from_ymd_opt(year, 12, 31)?);
    let k = ((dec_31 - 2_415_021) as f64 / SYNODIC_MONTH).floor() as i64;
    let day = new_moon_day(k);
    if sun_sector(day) >= 9 {
        Some(new_moon_day(k - 1))
    } else {
        Some(day)
    }
}

/// In a leap year starting at `month_11`: how many months after it the leap month comes.
fn leap_month_offset(month_11: i64) -> i64 {
    let k = ((month_11 as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64;
    let mut i = 1;
    let mut sector = sun_sector(new_moon_day(k + i));
    loop {
        let last = sector;
        i += 1;
        sector = sun_sector(new_moon_day(k + i));
        if sector == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The Gregorian date of a day of the (non-leap) lunar month `month` of lunar year `year`.
/// `None` for a day or month out of range.
pub fn lunar_to_solar(day: u32, month: u32, year: i32) -> Option<NaiveDate> {
    if !(1..=30).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (month_11_start(year - 1)?, month_11_start(year)?)
    } else {
        (month_11_start(year)?, month_11_start(year + 1)?)
    };
    let k = (0.5 + (a11 as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH).floor() as i64;
    let mut offset = i64::from(month) - 11;
    if offset < 0 {
        offset += 12;
    }
    if b11 - a11 > 365 && offset >= leap_month_offset(a11) {
        offset += 1;
    }
    date_of_jdn(new_moon_day(k + offset) + i64::from(day) - 1)
}

/// Tết Nguyên Đán: the first day of the first lunar month of lunar year `year` (which starts
/// in January or February of the Gregorian year of the same number).
pub fn tet(year: i32) -> Option<NaiveDate> {
    lunar_to_solar(1, 1, year)
}

/// The last day of the lunar year before Tết of `year` (giao thừa falls on its night).
pub fn lunar_new_years_eve(year: i32) -> Option<NaiveDate> {
    tet(year)?.pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Tết as announced by the Government of Việt Nam for each year's public holiday (and, for
    /// the years ahead, as published in the Vietnamese calendar).
    #[test]
    fn tet_matches_the_announced_dates() {
        for (year, date) in [
            (2020, d(2020, 1, 25)),
            (2021, d(2021, 2, 12)),
            (2022, d(2022, 2, 1)),
            (2023, d(2023, 1, 22)),
            (2024, d(2024, 2, 10)),
            (2025, d(2025, 1, 29)),
            (2026, d(2026, 2, 17)),
            (2027, d(2027, 2, 6)),
            (2028, d(2028, 1, 26)),
            (2029, d(2029, 2, 13)),
            // The new moon falls just before midnight at UTC+7 and just after it at UTC+8:
            // Tết Canh Tuất is on 2 February in Việt Nam, a day before China's Spring Festival.
            (2030, d(2030, 2, 2)),
        ] {
            assert_eq!(tet(year), Some(date), "Tết {year}");
        }
    }

    /// Vietnam's and China's calendars disagree in 1985: Tết Ất Sửu was on 21 January in
    /// Việt Nam (UTC+7) and on 20 February in China (UTC+8).
    #[test]
    fn the_meridian_matters() {
        assert_eq!(tet(1985), Some(d(1985, 1, 21)));
    }

    /// Giỗ Tổ Hùng Vương, the 10th day of the 3rd lunar month.
    #[test]
    fn hung_kings_day_matches_the_announced_dates() {
        for (year, date) in [
            (2023, d(2023, 4, 29)),
            (2024, d(2024, 4, 18)),
            (2025, d(2025, 4, 7)),
            (2026, d(2026, 4, 26)),
        ] {
            assert_eq!(lunar_to_solar(10, 3, year), Some(date), "{year}");
        }
    }

    #[test]
    fn lunar_months_have_29_or_30_days_and_tet_is_in_its_window() {
        for year in 1990..2100 {
            let first = tet(year).unwrap();
            let next = tet(year + 1).unwrap();
            let length = (next - first).num_days();
            assert!((353..=385).contains(&length), "lunar year {year}: {length}");
            assert!(
                first >= d(year, 1, 21) && first <= d(year, 2, 20),
                "Tết {year} on {first}"
            );
        }
    }

    #[test]
    fn out_of_range_input_is_none() {
        assert_eq!(lunar_to_solar(0, 1, 2026), None);
        assert_eq!(lunar_to_solar(1, 13, 2026), None);
    }
}
