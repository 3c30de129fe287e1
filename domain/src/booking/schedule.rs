//! Weekly schedule templates and the slots they produce.
//!
//! A template says when a service is held: sessions per day of the week (07:00–11:30,
//! 13:30–17:00), a slot length and a validity range. Slots are the template applied to dates,
//! minus public holidays (unless the schedule runs on holidays) and minus closures (a
//! closure of the facility, a doctor's leave), each closing whole days or a window of a day.
//! All times of day are local (Asia/Ho_Chi_Minh); the slots carry their UTC instants.

use super::holidays::HolidayCalendar;
use super::time::to_utc;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum DayOfWeek {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl DayOfWeek {
    pub const ALL: [DayOfWeek; 7] = [
        DayOfWeek::Monday,
        DayOfWeek::Tuesday,
        DayOfWeek::Wednesday,
        DayOfWeek::Thursday,
        DayOfWeek::Friday,
        DayOfWeek::Saturday,
        DayOfWeek::Sunday,
    ];

    pub fn of(date: NaiveDate) -> DayOfWeek {
        match date.weekday() {
            Weekday::Mon => DayOfWeek::Monday,
            Weekday::Tue => DayOfWeek::Tuesday,
            Weekday::Wed => DayOfWeek::Wednesday,
            Weekday::Thu => DayOfWeek::Thursday,
            Weekday::Fri => DayOfWeek::Friday,
            Weekday::Sat => DayOfWeek::Saturday,
            Weekday::Sun => DayOfWeek::Sunday,
        }
    }

    /// ISO 8601 day number: Monday is 1, Sunday 7.
    pub fn number(self) -> u8 {
        match self {
            DayOfWeek::Monday => 1,
            DayOfWeek::Tuesday => 2,
            DayOfWeek::Wednesday => 3,
            DayOfWeek::Thursday => 4,
            DayOfWeek::Friday => 5,
            DayOfWeek::Saturday => 6,
            DayOfWeek::Sunday => 7,
        }
    }

    pub fn from_number(number: u8) -> Option<DayOfWeek> {
        DayOfWeek::ALL.into_iter().find(|d| d.number() == number)
    }
}

/// One session of a weekly template: a day of the week and a local time range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Session {
    pub day: DayOfWeek,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Session {
    pub fn overlaps(&self, other: &Session) -> bool {
        self.day == other.day && self.start < other.end && other.start < self.end
    }
}

/// The timing part of a schedule: what slot generation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyTemplate {
    pub sessions: Vec<Session>,
    pub slot_minutes: u32,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub open_on_holidays: bool,
}

impl WeeklyTemplate {
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        date >= self.valid_from && self.valid_until.is_none_or(|until| date <= until)
    }

    /// Two templates clash when their validity ranges meet and a session of one overlaps a
    /// session of the other: the same room or practitioner cannot be in two places.
    pub fn clashes_with(&self, other: &WeeklyTemplate) -> bool {
        let starts = self.valid_from.max(other.valid_from);
        let ends = match (self.valid_until, other.valid_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if ends.is_some_and(|ends| ends < starts) {
            return false;
        }
        self.sessions
            .iter()
            .any(|a| other.sessions.iter().any(|b| a.overlaps(b)))
    }
}

/// The first pair of sessions (by index) that overlap, if any.
pub fn first_overlap(sessions: &[Session]) -> Option<(usize, usize)> {
    for (i, a) in sessions.iter().enumerate() {
        for (j, b) in sessions.iter().enumerate().skip(i + 1) {
            if a.overlaps(b) {
                return Some((i, j));
            }
        }
    }
    None
}

/// A period in which no slot is held: whole days, or a window of each of those days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closure {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub window: Option<(NaiveTime, NaiveTime)>,
}

impl Closure {
    /// Whether a slot on `date` from `start` to `end` falls (even partly) in the closure.
    pub fn covers(&self, date: NaiveDate, start: NaiveTime, end: NaiveTime) -> bool {
        if date < self.from || date > self.until {
            return false;
        }
        match self.window {
            None => true,
            Some((closed_from, closed_until)) => start < closed_until && closed_from < end,
        }
    }
}

/// One generated slot: its local date and times, and its UTC instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotTime {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The slots of `template` from `from` to `until` (inclusive local dates), in time order.
/// A session is cut into slots of `slot_minutes`; a remainder too short for a slot is left
/// out. Days that are public holidays (unless the template runs on holidays) and slots that
/// meet a closure are skipped.
pub fn generate_slots(
    template: &WeeklyTemplate,
    closures: &[Closure],
    holidays: &HolidayCalendar,
    from: NaiveDate,
    until: NaiveDate,
) -> Vec<SlotTime> {
    let mut slots = Vec::new();
    if template.slot_minutes == 0 {
        return slots;
    }
    let length = Duration::minutes(i64::from(template.slot_minutes));
    let mut sessions = template.sessions.clone();
    sessions.sort();
    for date in from.iter_days().take_while(|d| *d <= until) {
        if !template.valid_on(date) {
            continue;
        }
        if !template.open_on_holidays && holidays.holiday(date).is_some() {
            continue;
        }
        let day = DayOfWeek::of(date);
        for session in sessions.iter().filter(|s| s.day == day) {
            let mut start = session.start;
            loop {
                let (end, wrapped) = start.overflowing_add_signed(length);
                if wrapped != 0 || end > session.end {
                    break;
                }
                if !closures.iter().any(|c| c.covers(date, start, end)) {
                    slots.push(SlotTime {
                        date,
                        start,
                        end,
                        starts_at: to_utc(date, start),
                        ends_at: to_utc(date, end),
                    });
                }
                start = end;
            }
        }
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn weekdays(ranges: &[(NaiveTime, NaiveTime)]) -> Vec<Session> {
        DayOfWeek::ALL[..5]
            .iter()
            .flat_map(|day| {
                ranges.iter().map(|(start, end)| Session {
                    day: *day,
                    start: *start,
                    end: *end,
                })
            })
            .collect()
    }

    fn template(slot_minutes: u32) -> WeeklyTemplate {
        WeeklyTemplate {
            sessions: weekdays(&[(t(7, 0), t(11, 30)), (t(13, 30), t(17, 0))]),
            slot_minutes,
            valid_from: d(2026, 1, 1),
            valid_until: None,
            open_on_holidays: false,
        }
    }

    #[test]
    fn a_weekday_has_morning_and_afternoon_slots() {
        let calendar = HolidayCalendar::covering(d(2026, 12, 1), d(2026, 12, 1));
        // Tuesday 1 December 2026.
        let slots = generate_slots(
            &template(30),
            &[],
            &calendar,
            d(2026, 12, 1),
            d(2026, 12, 1),
        );
        assert_eq!(slots.len(), 9 + 7);
        assert_eq!(slots[0].start, t(7, 0));
        assert_eq!(slots[0].starts_at.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(slots[8].end, t(11, 30));
        assert_eq!(slots[9].start, t(13, 30));
    }

    #[test]
    fn a_remainder_shorter_than_a_slot_is_left_out() {
        let calendar = HolidayCalendar::default();
        let slots = generate_slots(
            &template(20),
            &[],
            &calendar,
            d(2026, 12, 1),
            d(2026, 12, 1),
        );
        // 07:00–11:20 is 13 slots (11:20–11:30 is too short), 13:30–16:50 is 10.
        assert_eq!(slots.len(), 13 + 10);
    }

    #[test]
    fn weekends_holidays_and_tet_have_no_slots() {
        let calendar = HolidayCalendar::covering(d(2026, 2, 14), d(2026, 2, 22));
        let slots = generate_slots(
            &template(30),
            &[],
            &calendar,
            d(2026, 2, 14),
            d(2026, 2, 22),
        );
        // Tết 2026 runs from Monday 16 to Friday 20 February; the two weekends are closed too.
        assert!(slots.is_empty(), "{slots:?}");
        let mut open = template(30);
        open.open_on_holidays = true;
        let slots = generate_slots(&open, &[], &calendar, d(2026, 2, 14), d(2026, 2, 22));
        assert_eq!(slots.len(), 5 * 16);
    }

    #[test]
    fn a_closure_window_removes_only_the_slots_it_meets() {
        let calendar = HolidayCalendar::default();
        let leave = Closure {
            from: d(2026, 12, 1),
            until: d(2026, 12, 1),
            window: Some((t(9, 10), t(11, 30))),
        };
        let slots = generate_slots(
            &template(30),
            &[leave],
            &calendar,
            d(2026, 12, 1),
            d(2026, 12, 2),
        );
        let first_day: Vec<_> = slots.iter().filter(|s| s.date == d(2026, 12, 1)).collect();
        // 07:00, 07:30, 08:00, 08:30 stay; 09:00–09:30 meets the window.
        assert_eq!(first_day.len(), 4 + 7);
        assert_eq!(
            slots.iter().filter(|s| s.date == d(2026, 12, 2)).count(),
            16
        );
    }

    #[test]
    fn validity_range_bounds_the_slots() {
        let calendar = HolidayCalendar::default();
        let mut limited = template(30);
        limited.valid_from = d(2026, 12, 2);
        limited.valid_until = Some(d(2026, 12, 2));
        let slots = generate_slots(&limited, &[], &calendar, d(2026, 12, 1), d(2026, 12, 10));
        assert!(slots.iter().all(|s| s.date == d(2026, 12, 2)));
        assert_eq!(slots.len(), 16);
    }

    #[test]
    fn overlapping_sessions_are_found() {
        let sessions = vec![
            Session {
                day: DayOfWeek::Monday,
                start: t(7, 0),
                end: t(11, 30),
            },
            Session {
                day: DayOfWeek::Tuesday,
                start: t(7, 0),
                end: t(11, 30),
            },
            Session {
                day: DayOfWeek::Monday,
                start: t(11, 0),
                end: t(12, 0),
            },
        ];
        assert_eq!(first_overlap(&sessions), Some((0, 2)));
        let touching = vec![
            Session {
                day: DayOfWeek::Monday,
                start: t(7, 0),
                end: t(11, 30),
            },
            Session {
                day: DayOfWeek::Monday,
                start: t(11, 30),
                end: t(12, 0),
            },
        ];
        assert_eq!(first_overlap(&touching), None);
    }

    #[test]
    fn templates_clash_only_when_dates_and_sessions_meet() {
        let a = template(30);
        let mut b = template(15);
        assert!(a.clashes_with(&b));
        b.valid_from = d(2025, 1, 1);
        b.valid_until = Some(d(2025, 12, 31));
        assert!(!a.clashes_with(&b));
        let mut c = template(30);
        c.sessions = vec![Session {
            day: DayOfWeek::Saturday,
            start: t(7, 0),
            end: t(11, 0),
        }];
        assert!(!a.clashes_with(&c));
    }

    fn any_session() -> impl Strategy<Value = Session> {
        (0usize..7, 0u32..(20 * 60), 15u32..(6 * 60)).prop_map(|(day, start, length)| {
            let end = (start + length).min(23 * 60 + 59);
            Session {
                day: DayOfWeek::ALL[day],
                start: t(start / 60, start % 60),
                end: t(end / 60, end % 60),
            }
        })
    }

    proptest! {
        #[test]
        fn generated_slots_are_ordered_disjoint_inside_sessions_and_avoid_closures(
            sessions in proptest::collection::vec(any_session(), 1..6),
            slot_minutes in 5u32..120,
            start_offset in 0i64..400,
            days in 0i64..40,
            closed_offset in 0i64..40,
            closed_days in 0i64..5,
        ) {
            // Overlapping sessions are refused at the edge; generation assumes disjoint ones.
            prop_assume!(first_overlap(&sessions).is_none());
            let from = d(2026, 1, 1) + Duration::days(start_offset);
            let until = from + Duration::days(days);
            let closure = Closure {
                from: from + Duration::days(closed_offset),
                until: from + Duration::days(closed_offset + closed_days),
                window: None,
            };
            let calendar = HolidayCalendar::covering(from, until);
            let template = WeeklyTemplate {
                sessions: sessions.clone(),
                slot_minutes,
                valid_from: from,
                valid_until: None,
                open_on_holidays: false,
            };
            let slots = generate_slots(&template, &[closure], &calendar, from, until);
            for pair in slots.windows(2) {
                prop_assert!(pair[0].ends_at <= pair[1].starts_at);
            }
            for slot in &slots {
                prop_assert!(slot.date >= from && slot.date <= until);
                prop_assert!(calendar.holiday(slot.date).is_none());
                prop_assert!(!closure.covers(slot.date, slot.start, slot.end));
                prop_assert_eq!((slot.ends_at - slot.starts_at).num_minutes(), i64::from(slot_minutes));
                prop_assert!(sessions.iter().any(|s| s.day == DayOfWeek::of(slot.date)
                    && s.start <= slot.start && slot.end <= s.end));
            }
            // Every open day gets exactly floor(length / slot) slots per session.
            let expected: usize = from.iter_days().take_while(|day| *day <= until)
                .filter(|day| calendar.holiday(*day).is_none() && !closure.covers(*day, t(0, 0), t(23, 59)))
                .map(|day| sessions.iter().filter(|s| s.day == DayOfWeek::of(day))
                    .map(|s| ((s.end - s.start).num_minutes() / i64::from(slot_minutes)) as usize)
                    .sum::<usize>())
                .sum();
            prop_assert_eq!(slots.len(), expected);
        }
    }
}
