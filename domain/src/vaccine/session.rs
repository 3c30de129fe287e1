//! Vaccination sessions: a day of vaccination at a facility (fixed) or at an outreach place,
//! the vaccines it offers, and its places (slots of booking's engine); registration for one;
//! and the due list of a commune. The shapes the server and the mobile core share.

use super::Span;
use super::due::{AntigenDue, CHILD_SCHEDULE_UNTIL, ProposedDose, Standing};
use super::{CatalogueEntry, entry};
use crate::booking::time::{parse_date, parse_time};
use crate::issue::{FieldIssue, Issues};
use crate::units::{CommuneCode, commune};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a session is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SessionKind {
    /// At the facility.
    Fixed,
    /// At a place of a commune the facility serves (a village hall, a school).
    Outreach,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Fixed => "fixed",
            SessionKind::Outreach => "outreach",
        }
    }

    pub fn parse(value: &str) -> Option<SessionKind> {
        [SessionKind::Fixed, SessionKind::Outreach]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// The most vaccines one session offers.
pub const MAX_SESSION_VACCINES: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CreateSessionRequest {
    pub kind: SessionKind,
    /// For `outreach`: where (a village hall, a school), 1–120 characters.
    #[serde(default)]
    pub place_name: Option<String>,
    /// For `outreach`: the commune of the place (5 digits); a fixed session serves the
    /// facility's own commune.
    #[serde(default)]
    pub commune_code: Option<String>,
    /// Local date, `YYYY-MM-DD`, today or later.
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-15", format = Date))]
    pub date: String,
    /// Local time `HH:MM`.
    #[cfg_attr(feature = "openapi", schema(example = "07:30"))]
    pub start: String,
    /// Local time `HH:MM`, after `start`.
    #[cfg_attr(feature = "openapi", schema(example = "11:00"))]
    pub end: String,
    /// Minutes per time slot, 5–240.
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 240))]
    pub slot_minutes: u32,
    /// Registrations per time slot, 1–500.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    pub capacity: u32,
    /// Catalogue codes of the vaccines offered (`penta`, `opv`, `mr`), 1–16.
    pub vaccines: Vec<String>,
}

/// A session whose every field holds a valid value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSpec {
    pub kind: SessionKind,
    pub place_name: Option<String>,
    /// `None` for a fixed session: the facility's commune.
    pub commune: Option<CommuneCode>,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub slot_minutes: u32,
    pub capacity: u32,
    pub vaccines: Vec<&'static CatalogueEntry>,
}

fn issue(field: &str, code: &str, vi: &str, en: &str) -> FieldIssue {
    FieldIssue::new(field, code, vi, en)
}

impl CreateSessionRequest {
    /// Checks every field; `today` is the local date (a session is not created in the past).
    pub fn parse(&self, today: NaiveDate) -> Result<SessionSpec, Vec<FieldIssue>> {
        let mut issues = Issues::default();
        let place_name = self
            .place_name
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        if place_name.is_some_and(|p| p.chars().count() > 120) {
            issues.push(issue(
                "place_name",
                "too_long",
                "Tên địa điểm tối đa 120 ký tự.",
                "A place name has at most 120 characters.",
            ));
        }
        let commune_code = match self.commune_code.as_deref() {
            Some(text) => issues.check("commune_code", CommuneCode::parse(text)),
            None => None,
        };
        if let Some(code) = commune_code
            && commune(code).is_none()
        {
            issues.push(issue(
                "commune_code",
                "unknown_commune",
                "Không có xã/phường mang mã này.",
                "There is no commune with this code.",
            ));
        }
        if self.kind == SessionKind::Outreach {
            if place_name.is_none() {
                issues.push(issue(
                    "place_name",
                    "required",
                    "Buổi tiêm lưu động cần tên địa điểm.",
                    "An outreach session needs a place name.",
                ));
            }
            if self.commune_code.is_none() {
                issues.push(issue(
                    "commune_code",
                    "required",
                    "Buổi tiêm lưu động cần mã xã/phường của địa điểm.",
                    "An outreach session needs the commune code of its place.",
                ));
            }
        }
        let date = issues.check("date", parse_date(&self.date));
        if date.is_some_and(|d| d < today) {
            issues.push(issue(
                "date",
                "date_in_past",
                "Ngày tổ chức đã qua.",
                "The date has passed.",
            ));
        }
        let start = issues.check("start", parse_time(&self.start));
        let end = issues.check("end", parse_time(&self.end));
        if !(5..=240).contains(&self.slot_minutes) {
            issues.push(issue(
                "slot_minutes",
                "range",
                "Độ dài khung giờ từ 5 đến 240 phút.",
                "A slot lasts 5 to 240 minutes.",
            ));
        }
        if !(1..=500).contains(&self.capacity) {
            issues.push(issue(
                "capacity",
                "range",
                "Số chỗ mỗi khung giờ từ 1 đến 500.",
                "A slot holds 1 to 500 bookings.",
            ));
        }
        if let (Some(start), Some(end)) = (start, end)
            && (end - start).num_minutes() < i64::from(self.slot_minutes)
        {
            issues.push(issue(
                "end",
                "session_shorter_than_slot",
                "Buổi ngắn hơn một khung giờ.",
                "The session is shorter than one slot.",
            ));
        }
        if self.vaccines.is_empty() || self.vaccines.len() > MAX_SESSION_VACCINES {
            issues.push(issue(
                "vaccines",
                "length",
                "Cần từ 1 đến 16 vắc xin.",
                "A session offers 1 to 16 vaccines.",
            ));
        }
        let mut vaccines: Vec<&'static CatalogueEntry> = Vec::new();
        for (i, code) in self.vaccines.iter().enumerate() {
            match entry(code) {
                Some(found) if vaccines.iter().any(|v| v.code == found.code) => {
                    issues.push(issue(
                        &format!("vaccines[{i}]"),
                        "duplicate",
                        "Vắc xin này đã có trong danh sách.",
                        "This vaccine is already listed.",
                    ));
                }
                Some(found) => vaccines.push(found),
                None => issues.push(issue(
                    &format!("vaccines[{i}]"),
                    "unknown_vaccine",
                    "Danh mục không có vắc xin này.",
                    "The catalogue has no such vaccine.",
                )),
            }
        }
        let spec = match (date, start, end) {
            (Some(date), Some(start), Some(end)) => Some(SessionSpec {
                kind: self.kind,
                place_name: place_name.map(str::to_owned),
                commune: commune_code,
                date,
                start,
                end,
                slot_minutes: self.slot_minutes,
                capacity: self.capacity,
                vaccines,
            }),
            _ => None,
        };
        issues.into_result(spec)
    }
}

/// One time slot of a session and its free places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionSlot {
    pub slot_id: Uuid,
    /// Local time `HH:MM`.
    pub start: String,
    pub end: String,
    pub remaining: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VaccinationSession {
    pub id: Uuid,
    pub facility_id: Uuid,
    pub kind: SessionKind,
    /// The outreach place; absent for a session at the facility.
    pub place_name: Option<String>,
    /// The commune the session serves.
    pub commune_code: String,
    pub date: NaiveDate,
    /// Local times `HH:MM`.
    pub start: String,
    pub end: String,
    /// Catalogue codes of the vaccines offered.
    pub vaccines: Vec<String>,
    /// Free places over the time slots still to come.
    pub remaining: u32,
    pub slots: Vec<SessionSlot>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// Registering oneself or a dependent for a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RegisterForSessionRequest {
    /// The person to register: the caller when absent, or one of their dependents.
    #[serde(default)]
    pub citizen_id: Option<Uuid>,
    /// The catalogue code of the vaccine, one the session offers.
    pub vaccine: String,
    /// The trade name, for a paid vaccine whose label sets its course.
    #[serde(default)]
    pub product: Option<String>,
    /// A time slot of the session; the first with a free place when absent.
    #[serde(default)]
    pub slot_id: Option<Uuid>,
}

impl RegisterForSessionRequest {
    pub fn dose(&self) -> ProposedDose {
        ProposedDose {
            vaccine: self.vaccine.clone(),
            product: self.product.clone(),
        }
    }
}

/// A person's due list on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DueToday {
    /// The local date the list is for.
    pub date: NaiveDate,
    pub antigens: Vec<AntigenDue>,
}

/// Which lines put a person on an outreach list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DueStatus {
    /// A dose may be given now (overdue ones included).
    Due,
    /// A dose is late.
    Overdue,
}

/// One person of a due list: who, and the antigens that put them on it. No national number
/// travels here: the list is for finding people, their papers are checked at the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DueListEntry {
    pub citizen_id: Uuid,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    /// Whole months of age on the list's day.
    pub age_months: u32,
    pub antigens: Vec<AntigenDue>,
}

/// The lines of `lines` that put a person on an outreach list on `today`: those of the
/// antigens the `vaccines` cover (every antigen when none is named) whose next dose may be
/// given today (`Due` from a day already reached, or `Overdue`), or only the late ones.
/// Empty when the person is not listed.
pub fn outreach_lines(
    lines: Vec<AntigenDue>,
    vaccines: &[&CatalogueEntry],
    status: DueStatus,
    today: NaiveDate,
) -> Vec<AntigenDue> {
    lines
        .into_iter()
        .filter(|line| {
            vaccines.is_empty()
                || vaccines
                    .iter()
                    .any(|v| v.antigens().contains(&line.antigen))
        })
        .filter(|line| match (&line.standing, status) {
            (Standing::Overdue { .. }, _) => true,
            (Standing::Due { .. }, DueStatus::Due) => {
                line.earliest.is_none_or(|earliest| earliest <= today)
            }
            _ => false,
        })
        .collect()
}

/// People born before this day, and without a dose recorded, are never on a due list of
/// `today`: the programme schedules children under `CHILD_SCHEDULE_UNTIL` (and pregnant
/// women, whom the book does not record yet), and any other line comes from a paid series
/// the person started. A month of margin keeps the boundary the engine's alone. Lists use it
/// to leave such people out before reading their books.
pub fn listed_only_with_doses_if_born_before(today: NaiveDate) -> Option<NaiveDate> {
    let months = match CHILD_SCHEDULE_UNTIL {
        Span::Years(years) => u32::from(years) * 12,
        Span::Months(months) => u32::from(months),
        Span::Weeks(_) | Span::Days(_) => 0,
    };
    today.checked_sub_months(chrono::Months::new(months + 1))
}

/// Whole months from `birth` to `today` (0 before the first month is complete).
pub fn age_in_months(birth: NaiveDate, today: NaiveDate) -> u32 {
    use chrono::Datelike;
    let months = (today.year() - birth.year()) * 12 + today.month() as i32 - birth.month() as i32;
    let months = if today.day() < birth.day() {
        months - 1
    } else {
        months
    };
    u32::try_from(months).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn request() -> CreateSessionRequest {
        CreateSessionRequest {
            kind: SessionKind::Outreach,
            place_name: Some("Nhà văn hóa thôn 3".into()),
            commune_code: Some("00004".into()),
            date: "2026-12-15".into(),
            start: "07:30".into(),
            end: "11:00".into(),
            slot_minutes: 30,
            capacity: 20,
            vaccines: vec!["penta".into(), "opv".into()],
        }
    }

    #[test]
    fn a_valid_outreach_session_parses() {
        let spec = request().parse(day(2026, 12, 7)).unwrap();
        assert_eq!(spec.vaccines.len(), 2);
        assert_eq!(spec.place_name.as_deref(), Some("Nhà văn hóa thôn 3"));
    }

    #[test]
    fn every_fault_is_named_at_once() {
        let bad = CreateSessionRequest {
            place_name: None,
            commune_code: None,
            date: "2026-12-01".into(),
            end: "07:40".into(),
            vaccines: vec!["penta".into(), "penta".into(), "nope".into()],
            ..request()
        };
        let issues = bad.parse(day(2026, 12, 7)).unwrap_err();
        let codes: Vec<(&str, &str)> = issues
            .iter()
            .map(|i| (i.field.as_str(), i.code.as_str()))
            .collect();
        for expected in [
            ("place_name", "required"),
            ("commune_code", "required"),
            ("date", "date_in_past"),
            ("end", "session_shorter_than_slot"),
            ("vaccines[1]", "duplicate"),
            ("vaccines[2]", "unknown_vaccine"),
        ] {
            assert!(codes.contains(&expected), "{expected:?} in {codes:?}");
        }
    }

    #[test]
    fn no_one_born_before_the_cut_off_is_listed_without_a_dose() {
        use crate::ids::Sex;
        use crate::vaccine::due::{DoseHistory, ROADMAP_ANTIGENS, Vaccinee, due};
        let today = day(2026, 12, 7);
        let cut_off = listed_only_with_doses_if_born_before(today).unwrap();
        let none = DoseHistory {
            doses: Vec::new(),
            reactions: Vec::new(),
        };
        for back in [1, 40, 400, 4_000, 30_000] {
            for sex in [Sex::Male, Sex::Female] {
                let person = Vaccinee {
                    birth: cut_off - chrono::Duration::days(back),
                    sex,
                    pregnant: false,
                    province_offers: ROADMAP_ANTIGENS.to_vec(),
                    expected_delivery: None,
                };
                assert!(due(&person, &none, today).is_empty(), "{person:?}");
            }
        }
    }

    #[test]
    fn months_of_age_turn_on_the_day_of_the_month() {
        assert_eq!(age_in_months(day(2026, 1, 15), day(2026, 3, 14)), 1);
        assert_eq!(age_in_months(day(2026, 1, 15), day(2026, 3, 15)), 2);
        assert_eq!(age_in_months(day(2026, 1, 15), day(2026, 1, 20)), 0);
    }
}
