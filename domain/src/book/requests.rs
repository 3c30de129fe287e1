//! Requests a citizen makes about their data (Luật 91/2025 on personal data): a copy of it,
//! a correction, a restriction, an objection, a deletion. Each runs against a statutory
//! clock: acknowledged within 2 working days; access and correction answered within 10 days,
//! restriction and objection within 15, deletion within 20. Working days skip weekends and
//! public holidays (Tết by the lunar calendar); the answer clocks count calendar days, as the
//! law counts them, from the day the request arrived.
//!
//! A health record is kept for the period the law on medical examination and treatment sets,
//! so a deletion of clinical entries becomes a restriction, with that reason given.

use crate::booking::holidays::HolidayCalendar;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RequestKind {
    /// A copy of everything held (the FHIR bundle and the PDF).
    Access,
    /// A wrong entry corrected by the facility that wrote it.
    Correction,
    /// Processing limited to keeping the data.
    Restriction,
    /// An objection to a processing (a consent-based sharing, a secondary use).
    Objection,
    Deletion,
}

impl RequestKind {
    pub const ALL: [RequestKind; 5] = [
        RequestKind::Access,
        RequestKind::Correction,
        RequestKind::Restriction,
        RequestKind::Objection,
        RequestKind::Deletion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Correction => "correction",
            RequestKind::Restriction => "restriction",
            RequestKind::Objection => "objection",
            RequestKind::Deletion => "deletion",
        }
    }

    pub fn parse(value: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Calendar days the law gives to answer.
    pub fn answer_days(self) -> i64 {
        match self {
            RequestKind::Access | RequestKind::Correction => 10,
            RequestKind::Restriction | RequestKind::Objection => 15,
            RequestKind::Deletion => 20,
        }
    }
}

/// Working days to acknowledge a request.
pub const ACKNOWLEDGE_WORKING_DAYS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RequestStatus {
    Received,
    Acknowledged,
    Completed,
    /// A deletion the retention period turned into a restriction.
    RestrictedInstead,
    Refused,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 5] = [
        RequestStatus::Received,
        RequestStatus::Acknowledged,
        RequestStatus::Completed,
        RequestStatus::RestrictedInstead,
        RequestStatus::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Received => "received",
            RequestStatus::Acknowledged => "acknowledged",
            RequestStatus::Completed => "completed",
            RequestStatus::RestrictedInstead => "restricted_instead",
            RequestStatus::Refused => "refused",
        }
    }

    pub fn parse(value: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The statuses of a request still waiting for its answer.
    pub const OPEN: [RequestStatus; 2] = [RequestStatus::Received, RequestStatus::Acknowledged];

    pub fn is_open(self) -> bool {
        RequestStatus::OPEN.contains(&self)
    }
}

/// Whether a request, answered so, restricts the book from then on. Restricted, the book is
/// kept and still serves the citizen's own care (a check-in, an episode, an emergency, a
/// correction they asked for), but the sharing consents given before stops; a consent given
/// after is the citizen's newer choice and holds. A granted objection is read the same way:
/// consent-based sharing is the only processing of the book beyond care.
pub fn restricts_sharing(kind: RequestKind, status: RequestStatus) -> bool {
    match status {
        RequestStatus::RestrictedInstead => true,
        RequestStatus::Completed => {
            matches!(kind, RequestKind::Restriction | RequestKind::Objection)
        }
        RequestStatus::Received | RequestStatus::Acknowledged | RequestStatus::Refused => false,
    }
}

/// The two dates a request must meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    pub acknowledge_by: NaiveDate,
    pub answer_by: NaiveDate,
}

fn working_day(date: NaiveDate, holidays: &HolidayCalendar) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && holidays.holiday(date).is_none()
}

/// The clocks of a request of `kind` received on `received_on` (Việt Nam date).
pub fn clocks(kind: RequestKind, received_on: NaiveDate) -> Clocks {
    // Tết can close a week: a month covers any run of days off.
    let holidays = HolidayCalendar::covering(received_on, received_on + Duration::days(40));
    let mut acknowledge_by = received_on;
    let mut counted = 0;
    while counted < ACKNOWLEDGE_WORKING_DAYS {
        acknowledge_by += Duration::days(1);
        if working_day(acknowledge_by, &holidays) {
            counted += 1;
        }
    }
    Clocks {
        acknowledge_by,
        answer_by: received_on + Duration::days(kind.answer_days()),
    }
}

/// What is late of an open request on `today`.
pub fn overdue(status: RequestStatus, clocks: Clocks, today: NaiveDate) -> bool {
    match status {
        RequestStatus::Received => today > clocks.acknowledge_by || today > clocks.answer_by,
        RequestStatus::Acknowledged => today > clocks.answer_by,
        _ => false,
    }
}

/// A request as the citizen makes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewDataRequest {
    pub kind: RequestKind,
    /// The entry to correct (a correction names one).
    #[serde(default)]
    pub entry_id: Option<Uuid>,
    /// What is wrong or what is asked, in the citizen's words.
    pub details: String,
}

/// A request with its clocks and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DataRequest {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub entry_id: Option<Uuid>,
    /// The facility a correction is routed to: the one that wrote the entry.
    pub facility_id: Option<Uuid>,
    pub details: String,
    pub received_at: DateTime<Utc>,
    pub acknowledge_by: NaiveDate,
    pub answer_by: NaiveDate,
    pub overdue: bool,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The answer: what was done, or why not.
    pub outcome: Option<String>,
}

/// Support's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloseDataRequest {
    /// `completed` or `refused`.
    pub status: RequestStatus,
    pub outcome: String,
}

/// The reason a deletion of clinical entries is a restriction, in both languages.
pub const RETENTION_REASON: &str = "Hồ sơ khám bệnh, chữa bệnh phải được lưu trữ trong thời hạn pháp luật về khám bệnh, chữa bệnh quy định; dữ liệu được hạn chế xử lý thay vì xóa. / Medical records must be kept for the period the law on medical examination and treatment sets; the data is restricted instead of deleted.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_granted_restriction_or_objection_or_a_deletion_turned_restriction_restricts() {
        for kind in RequestKind::ALL {
            for status in RequestStatus::ALL {
                let expected = status == RequestStatus::RestrictedInstead
                    || (status == RequestStatus::Completed
                        && matches!(kind, RequestKind::Restriction | RequestKind::Objection));
                assert_eq!(
                    restricts_sharing(kind, status),
                    expected,
                    "{kind:?} {status:?}"
                );
            }
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn acknowledgement_counts_working_days_past_weekends_and_tet() {
        // Friday → the next Tuesday.
        assert_eq!(
            clocks(RequestKind::Access, date(2026, 12, 4)).acknowledge_by,
            date(2026, 12, 8)
        );
        // Monday → Wednesday.
        assert_eq!(
            clocks(RequestKind::Access, date(2026, 12, 7)).acknowledge_by,
            date(2026, 12, 9)
        );
        // Just before Tết 2027 (6 February): the holiday days do not count.
        let before_tet = clocks(RequestKind::Access, date(2027, 2, 4));
        assert!(
            before_tet.acknowledge_by > date(2027, 2, 10),
            "{before_tet:?}"
        );
    }

    #[test]
    fn each_kind_has_its_answer_clock() {
        let on = date(2026, 12, 7);
        assert_eq!(
            clocks(RequestKind::Correction, on).answer_by,
            date(2026, 12, 17)
        );
        assert_eq!(
            clocks(RequestKind::Restriction, on).answer_by,
            date(2026, 12, 22)
        );
        assert_eq!(
            clocks(RequestKind::Deletion, on).answer_by,
            date(2026, 12, 27)
        );
    }

    #[test]
    fn only_open_requests_are_overdue() {
        let c = clocks(RequestKind::Access, date(2026, 12, 7));
        assert!(!overdue(RequestStatus::Received, c, date(2026, 12, 9)));
        assert!(overdue(RequestStatus::Received, c, date(2026, 12, 10)));
        assert!(!overdue(RequestStatus::Acknowledged, c, date(2026, 12, 10)));
        assert!(overdue(RequestStatus::Acknowledged, c, date(2026, 12, 18)));
        assert!(!overdue(RequestStatus::Completed, c, date(2027, 1, 30)));
    }
}
