//! The access log as the citizen reads it: who saw or changed what of their book, under
//! which relationship.

use super::consent::{Purpose, list_in_words, purpose_words, section_words};
use super::entry::AuthorRole;
use super::section::Section;
use crate::booking::time::to_local;
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What allowed an access by someone other than the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AccessBasis {
    Guardian,
    /// Checked in at the facility today, or an open episode there.
    Care,
    Consent,
    BreakGlass,
    /// Staff found the patient (by appointment code, national or insurance number).
    Lookup,
    /// The citizen asked the facility that wrote an entry to correct it.
    Correction,
    /// Public-health outreach: the station of the citizen's commune listed them as due for
    /// a vaccine.
    Outreach,
    /// A facility's own system sent the visit the entry records (national XML intake).
    Intake,
    /// The facility wrote its visits out in the national XML standard, for the insurer.
    Export,
}

impl AccessBasis {
    pub const ALL: [AccessBasis; 9] = [
        AccessBasis::Guardian,
        AccessBasis::Care,
        AccessBasis::Consent,
        AccessBasis::BreakGlass,
        AccessBasis::Lookup,
        AccessBasis::Correction,
        AccessBasis::Outreach,
        AccessBasis::Intake,
        AccessBasis::Export,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessBasis::Guardian => "guardian",
            AccessBasis::Care => "care",
            AccessBasis::Consent => "consent",
            AccessBasis::BreakGlass => "break_glass",
            AccessBasis::Lookup => "lookup",
            AccessBasis::Correction => "correction",
            AccessBasis::Outreach => "outreach",
            AccessBasis::Intake => "intake",
            AccessBasis::Export => "export",
        }
    }

    pub fn parse(value: &str) -> Option<AccessBasis> {
        AccessBasis::ALL.into_iter().find(|b| b.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AccessAction {
    Read,
    Write,
    Find,
}

impl AccessAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessAction::Read => "read",
            AccessAction::Write => "write",
            AccessAction::Find => "find",
        }
    }

    pub fn parse(value: &str) -> Option<AccessAction> {
        [AccessAction::Read, AccessAction::Write, AccessAction::Find]
            .into_iter()
            .find(|a| a.as_str() == value)
    }
}

/// One access by someone other than the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AccessLogEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    /// `guardian`, `doctor`, `vaccinator`, `facility_admin`.
    pub actor_role: String,
    pub facility_id: Option<Uuid>,
    pub facility_name: Option<String>,
    pub basis: AccessBasis,
    /// What the basis was: the appointment code, the consent's purpose, the break-glass
    /// reason as the doctor wrote it, how a lookup searched.
    pub basis_ref: Option<String>,
    pub action: AccessAction,
    pub sections: Vec<Section>,
}

/// The sentence the apps show for an access, in the citizen's language and local time:
/// "Bác sĩ Nguyễn Văn A, Trạm y tế Phường X, đã xem tiền sử và khám bệnh lúc 09:30
/// 06/12/2026, theo lịch hẹn HB-7K2M."
pub fn describe(entry: &AccessLogEntry, lang: Lang) -> String {
    let role = AuthorRole::parse(&entry.actor_role);
    let mut text = String::new();
    if let Some(word) = role.and_then(|r| role_words(r, lang)) {
        text.push_str(word);
        text.push(' ');
    }
    text.push_str(&entry.actor_name);
    if let Some(facility) = entry.facility_name.as_deref().filter(|f| !f.is_empty()) {
        text.push_str(", ");
        text.push_str(facility);
        text.push(',');
    }
    let sections: Vec<&str> = entry
        .sections
        .iter()
        .map(|s| section_words(*s, lang))
        .collect();
    let what = if sections.is_empty() {
        match lang {
            Lang::Vi => "hồ sơ".to_owned(),
            Lang::En => "the record".to_owned(),
        }
    } else {
        list_in_words(&sections, lang)
    };
    let action = match (entry.action, lang) {
        (AccessAction::Read, Lang::Vi) => format!("đã xem {what}"),
        (AccessAction::Read, Lang::En) => format!("viewed {what}"),
        (AccessAction::Write, Lang::Vi) => format!("đã ghi vào {what}"),
        (AccessAction::Write, Lang::En) => format!("wrote to {what}"),
        (AccessAction::Find, Lang::Vi) => "đã tìm hồ sơ".to_owned(),
        (AccessAction::Find, Lang::En) => "looked up the record".to_owned(),
    };
    let local = to_local(entry.at);
    let (time, day) = (local.format("%H:%M"), local.format("%d/%m/%Y"));
    let when = match lang {
        Lang::Vi => format!("lúc {time} {day}"),
        Lang::En => format!("at {time} on {day}"),
    };
    text.push(' ');
    text.push_str(&action);
    text.push(' ');
    text.push_str(&when);
    if let Some(basis) = basis_words(entry, role, lang) {
        text.push_str(", ");
        text.push_str(&basis);
    }
    text.push('.');
    text
}

fn role_words(role: AuthorRole, lang: Lang) -> Option<&'static str> {
    Some(match (role, lang) {
        (AuthorRole::Guardian, Lang::Vi) => "Người giám hộ",
        (AuthorRole::Guardian, Lang::En) => "Guardian",
        (AuthorRole::Doctor, Lang::Vi) => "Bác sĩ",
        (AuthorRole::Doctor, Lang::En) => "Doctor",
        (AuthorRole::Vaccinator, Lang::Vi) => "Nhân viên tiêm chủng",
        (AuthorRole::Vaccinator, Lang::En) => "Vaccinator",
        (AuthorRole::FacilityAdmin, Lang::Vi) => "Quản trị viên cơ sở",
        (AuthorRole::FacilityAdmin, Lang::En) => "Facility administrator",
        (AuthorRole::FacilitySystem, Lang::Vi) => "Hệ thống của cơ sở",
        (AuthorRole::FacilitySystem, Lang::En) => "The facility's system",
        (AuthorRole::Citizen, _) => return None,
    })
}

/// What allowed the access, unless the sentence already says it (a guardian as guardian, a
/// look-up while looking up).
fn basis_words(entry: &AccessLogEntry, role: Option<AuthorRole>, lang: Lang) -> Option<String> {
    let reference = entry.basis_ref.as_deref().filter(|r| !r.is_empty());
    Some(match (entry.basis, lang) {
        (AccessBasis::Care, Lang::Vi) => match reference {
            Some(code) => format!("theo lịch hẹn {code}"),
            None => "khi đang khám tại cơ sở".to_owned(),
        },
        (AccessBasis::Care, Lang::En) => match reference {
            Some(code) => format!("under appointment {code}"),
            None => "during care at the facility".to_owned(),
        },
        (AccessBasis::Consent, Lang::Vi) => match reference.and_then(Purpose::parse) {
            Some(purpose) => format!("theo sự đồng ý (mục đích {})", purpose_words(purpose, lang)),
            None => "theo sự đồng ý".to_owned(),
        },
        (AccessBasis::Consent, Lang::En) => match reference.and_then(Purpose::parse) {
            Some(purpose) => format!("with consent (purpose: {})", purpose_words(purpose, lang)),
            None => "with consent".to_owned(),
        },
        (AccessBasis::BreakGlass, Lang::Vi) => match reference {
            Some(reason) => format!("truy cập khẩn cấp: {reason}"),
            None => "truy cập khẩn cấp".to_owned(),
        },
        (AccessBasis::BreakGlass, Lang::En) => match reference {
            Some(reason) => format!("emergency access: {reason}"),
            None => "emergency access".to_owned(),
        },
        (AccessBasis::Guardian, _) if role == Some(AuthorRole::Guardian) => return None,
        (AccessBasis::Guardian, Lang::Vi) => "là người giám hộ".to_owned(),
        (AccessBasis::Guardian, Lang::En) => "as guardian".to_owned(),
        (AccessBasis::Lookup, _) if entry.action == AccessAction::Find => return None,
        (AccessBasis::Lookup, Lang::Vi) => "khi tìm hồ sơ".to_owned(),
        (AccessBasis::Lookup, Lang::En) => "while looking up the record".to_owned(),
        (AccessBasis::Correction, Lang::Vi) => "theo yêu cầu sửa thông tin của bạn".to_owned(),
        (AccessBasis::Correction, Lang::En) => "at your request for a correction".to_owned(),
        (AccessBasis::Outreach, Lang::Vi) => {
            "khi lập danh sách tiêm chủng của xã/phường nơi bạn cư trú".to_owned()
        }
        (AccessBasis::Outreach, Lang::En) => {
            "while listing who is due for vaccination in your commune".to_owned()
        }
        (AccessBasis::Intake, Lang::Vi) => "khi gửi dữ liệu lượt khám của bạn".to_owned(),
        (AccessBasis::Intake, Lang::En) => "sending the record of your visit".to_owned(),
        (AccessBasis::Export, Lang::Vi) => {
            "khi lập hồ sơ lượt khám theo chuẩn dữ liệu của bảo hiểm y tế".to_owned()
        }
        (AccessBasis::Export, Lang::En) => {
            "writing out your visit in the health-insurance data standard".to_owned()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(basis: AccessBasis, basis_ref: Option<&str>, action: AccessAction) -> AccessLogEntry {
        AccessLogEntry {
            id: Uuid::nil(),
            // 09:30 in Việt Nam.
            at: Utc.with_ymd_and_hms(2026, 12, 6, 2, 30, 0).unwrap(),
            actor_name: "Nguyễn Văn A".into(),
            actor_role: "doctor".into(),
            facility_id: None,
            facility_name: Some("Trạm y tế Phường X".into()),
            basis,
            basis_ref: basis_ref.map(Into::into),
            action,
            sections: vec![Section::History, Section::Visits],
        }
    }

    #[test]
    fn a_visit_under_an_appointment_reads_as_one_sentence() {
        let e = entry(AccessBasis::Care, Some("HB-7K2M"), AccessAction::Read);
        assert_eq!(
            describe(&e, Lang::Vi),
            "Bác sĩ Nguyễn Văn A, Trạm y tế Phường X, đã xem tiền sử và khám bệnh lúc 09:30 \
             06/12/2026, theo lịch hẹn HB-7K2M."
        );
        assert_eq!(
            describe(&e, Lang::En),
            "Doctor Nguyễn Văn A, Trạm y tế Phường X, viewed history and visits at 09:30 on \
             06/12/2026, under appointment HB-7K2M."
        );
    }

    #[test]
    fn the_time_is_local_across_midnight() {
        let mut e = entry(AccessBasis::Care, None, AccessAction::Write);
        e.at = Utc.with_ymd_and_hms(2026, 12, 31, 17, 5, 0).unwrap();
        e.sections = vec![Section::Visits];
        assert_eq!(
            describe(&e, Lang::Vi),
            "Bác sĩ Nguyễn Văn A, Trạm y tế Phường X, đã ghi vào khám bệnh lúc 00:05 \
             01/01/2027, khi đang khám tại cơ sở."
        );
    }

    #[test]
    fn each_basis_says_what_allowed_the_access() {
        let cases = [
            (
                entry(AccessBasis::Consent, Some("referral"), AccessAction::Read),
                "theo sự đồng ý (mục đích chuyển tuyến).",
                "with consent (purpose: referral).",
            ),
            (
                entry(
                    AccessBasis::BreakGlass,
                    Some("Bất tỉnh, cấp cứu"),
                    AccessAction::Read,
                ),
                "truy cập khẩn cấp: Bất tỉnh, cấp cứu.",
                "emergency access: Bất tỉnh, cấp cứu.",
            ),
            (
                entry(AccessBasis::Guardian, None, AccessAction::Read),
                "06/12/2026, là người giám hộ.",
                "06/12/2026, as guardian.",
            ),
            (
                entry(AccessBasis::Lookup, None, AccessAction::Read),
                "khi tìm hồ sơ.",
                "while looking up the record.",
            ),
            (
                entry(AccessBasis::Correction, None, AccessAction::Write),
                "theo yêu cầu sửa thông tin của bạn.",
                "at your request for a correction.",
            ),
            (
                entry(AccessBasis::Outreach, None, AccessAction::Read),
                "khi lập danh sách tiêm chủng của xã/phường nơi bạn cư trú.",
                "while listing who is due for vaccination in your commune.",
            ),
        ];
        for (e, vi, en) in cases {
            assert!(
                describe(&e, Lang::Vi).ends_with(vi),
                "{}",
                describe(&e, Lang::Vi)
            );
            assert!(
                describe(&e, Lang::En).ends_with(en),
                "{}",
                describe(&e, Lang::En)
            );
        }
    }

    #[test]
    fn a_look_up_or_a_guardian_is_not_said_twice() {
        let mut e = entry(AccessBasis::Lookup, None, AccessAction::Find);
        e.actor_role = "vaccinator".into();
        e.sections.clear();
        assert_eq!(
            describe(&e, Lang::Vi),
            "Nhân viên tiêm chủng Nguyễn Văn A, Trạm y tế Phường X, đã tìm hồ sơ lúc 09:30 \
             06/12/2026."
        );
        assert_eq!(
            describe(&e, Lang::En),
            "Vaccinator Nguyễn Văn A, Trạm y tế Phường X, looked up the record at 09:30 on \
             06/12/2026."
        );
        let mut e = entry(AccessBasis::Guardian, None, AccessAction::Read);
        e.actor_role = "guardian".into();
        e.actor_name = "Trần Thị B".into();
        e.facility_name = None;
        e.sections = vec![Section::Immunizations];
        assert_eq!(
            describe(&e, Lang::Vi),
            "Người giám hộ Trần Thị B đã xem tiêm chủng lúc 09:30 06/12/2026."
        );
        assert_eq!(
            describe(&e, Lang::En),
            "Guardian Trần Thị B viewed immunizations at 09:30 on 06/12/2026."
        );
    }

    #[test]
    fn an_unknown_role_shows_the_name_alone() {
        let mut e = entry(AccessBasis::Care, Some("HB-1"), AccessAction::Read);
        e.actor_role = "robot".into();
        e.sections.clear();
        assert!(
            describe(&e, Lang::En)
                .starts_with("Nguyễn Văn A, Trạm y tế Phường X, viewed the record")
        );
        e.actor_role = "facility_admin".into();
        assert!(describe(&e, Lang::Vi).starts_with("Quản trị viên cơ sở Nguyễn Văn A"));
    }
}
