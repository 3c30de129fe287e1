//! iCalendar (RFC 5545) files for appointment mails, so that a calendar app adds, moves or
//! removes the appointment in one tap.
//!
//! The event is written in local time with a `VTIMEZONE` for Asia/Ho_Chi_Minh (UTC+7, no
//! daylight saving), which every common calendar app understands; `UID` is the appointment's
//! id, so a reschedule (a higher `SEQUENCE`) replaces the event and a cancellation
//! (`METHOD:CANCEL`, `STATUS:CANCELLED`) removes it. Lines end in CRLF, text is escaped, and
//! long lines are folded at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1).

use super::time::{TIME_ZONE, to_local};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Globally unique and stable across updates of the same appointment.
    pub uid: String,
    /// Incremented each time the appointment changes.
    pub sequence: u32,
    pub stamp: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub organizer_name: String,
    pub organizer_email: String,
    pub cancelled: bool,
    /// Minutes before the start at which the calendar app should alert; none when 0.
    pub alarm_minutes: u32,
}

const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Ho_Chi_Minh",
    "BEGIN:STANDARD",
    "DTSTART:19750613T000000",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "TZNAME:ICT",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// Escapes a TEXT value (§3.3.11).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes a parameter value (a display name): quoted, with no double quotes inside.
fn quote_param(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    format!("\"{clean}\"")
}

/// Folds one content line into lines of at most 75 octets, each continuation starting with
/// a space, never inside a UTF-8 sequence.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn local_stamp(instant: DateTime<Utc>) -> String {
    to_local(instant).format("%Y%m%dT%H%M%S").to_string()
}

fn utc_stamp(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The whole `.ics` file.
pub fn render(event: &CalendarEvent) -> String {
    let method = if event.cancelled { "CANCEL" } else { "PUBLISH" };
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//HealthBook//Booking//VI".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("METHOD:{method}"),
    ];
    lines.extend(VTIMEZONE.iter().map(|l| (*l).to_owned()));
    lines.extend([
        "BEGIN:VEVENT".into(),
        format!("UID:{}", escape_text(&event.uid)),
        format!("SEQUENCE:{}", event.sequence),
        format!("DTSTAMP:{}", utc_stamp(event.stamp)),
        format!("DTSTART;TZID={TIME_ZONE}:{}", local_stamp(event.starts_at)),
        format!("DTEND;TZID={TIME_ZONE}:{}", local_stamp(event.ends_at)),
        format!("SUMMARY:{}", escape_text(&event.summary)),
        format!("LOCATION:{}", escape_text(&event.location)),
        format!("DESCRIPTION:{}", escape_text(&event.description)),
        format!(
            "ORGANIZER;CN={}:mailto:{}",
            quote_param(&event.organizer_name),
            event.organizer_email
        ),
        format!(
            "STATUS:{}",
            if event.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ),
        "TRANSP:OPAQUE".into(),
    ]);
    if !event.cancelled && event.alarm_minutes > 0 {
        lines.extend([
            "BEGIN:VALARM".into(),
            "ACTION:DISPLAY".into(),
            format!("DESCRIPTION:{}", escape_text(&event.summary)),
            format!("TRIGGER:-PT{}M", event.alarm_minutes),
            "END:VALARM".into(),
        ]);
    }
    lines.extend(["END:VEVENT".into(), "END:VCALENDAR".into()]);
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn event() -> CalendarEvent {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        CalendarEvent {
            uid: "0193a1b2-0000-7000-8000-000000000001@healthbook.vn".into(),
            sequence: 0,
            stamp: at("2026-11-24T03:04:05Z"),
            starts_at: at("2026-12-01T00:30:00Z"),
            ends_at: at("2026-12-01T00:45:00Z"),
            summary: "Khám bệnh – Bệnh viện Bạch Mai".into(),
            location: "Bệnh viện Bạch Mai, 78 Giải Phóng, Phường Bạch Mai, Hà Nội; phòng 101"
                .into(),
            description: "Mã lịch hẹn: 7KQM-2X9D-H4TA-R\nSố thứ tự: 12".into(),
            organizer_name: "Bệnh viện \"Bạch Mai\"".into(),
            organizer_email: "no-reply@healthbook.localhost".into(),
            cancelled: false,
            alarm_minutes: 60,
        }
    }

    fn unfold(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn event_is_in_local_time_with_its_time_zone() {
        let ics = render(&event());
        let lines = unfold(&ics);
        assert!(lines.contains(&"DTSTART;TZID=Asia/Ho_Chi_Minh:20261201T073000".to_owned()));
        assert!(lines.contains(&"DTEND;TZID=Asia/Ho_Chi_Minh:20261201T074500".to_owned()));
        assert!(lines.contains(&"DTSTAMP:20261124T030405Z".to_owned()));
        assert!(lines.contains(&"TZID:Asia/Ho_Chi_Minh".to_owned()));
        assert!(lines.contains(&"METHOD:PUBLISH".to_owned()));
        assert!(lines.contains(&"TRIGGER:-PT60M".to_owned()));
        assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    }

    #[test]
    fn text_is_escaped_and_parameters_quoted() {
        let lines = unfold(&render(&event()));
        let location = lines.iter().find(|l| l.starts_with("LOCATION:")).unwrap();
        assert!(location.contains("Bạch Mai\\, 78 Giải Phóng"), "{location}");
        assert!(location.contains("Hà Nội\\; phòng 101"), "{location}");
        let description = lines
            .iter()
            .find(|l| l.starts_with("DESCRIPTION:"))
            .unwrap();
        assert!(description.contains("H4TA-R\\nSố thứ tự"), "{description}");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("ORGANIZER;CN=\"Bệnh viện Bạch Mai\":mailto:"))
        );
    }

    #[test]
    fn a_cancellation_removes_the_same_event() {
        let mut cancelled = event();
        cancelled.cancelled = true;
        cancelled.sequence = 2;
        let lines = unfold(&render(&cancelled));
        assert!(lines.contains(&"METHOD:CANCEL".to_owned()));
        assert!(lines.contains(&"STATUS:CANCELLED".to_owned()));
        assert!(lines.contains(&"SEQUENCE:2".to_owned()));
        assert!(!lines.iter().any(|l| l == "BEGIN:VALARM"));
    }

    proptest! {
        #[test]
        fn folded_lines_fit_75_octets_and_unfold_to_the_original(text in "\\PC{0,300}") {
            let line = format!("DESCRIPTION:{}", escape_text(&text));
            let folded = fold(&line);
            prop_assert!(folded.ends_with("\r\n"));
            for physical in folded.trim_end_matches("\r\n").split("\r\n") {
                prop_assert!(physical.len() <= 75, "{} octets", physical.len());
            }
            prop_assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
        }

        #[test]
        fn escaped_text_has_no_raw_separators(text in "\\PC{0,100}") {
            let escaped = escape_text(&text);
            prop_assert!(!escaped.contains('\n') && !escaped.contains('\r'));
            let unescaped_commas = escaped.match_indices(',').filter(|(i, _)| !escaped[..*i].ends_with('\\')).count();
            prop_assert_eq!(unescaped_commas, 0);
        }
    }
}
