//! Shapes of the facility and practitioner administration API (support and facility admins).

use super::api::check_specialty;
use crate::facility::{Facility, FacilityLevel, ServiceType};
use crate::ids::{FacilityCode, PhoneNumber};
use crate::issue::{FieldIssue, Issues};
use crate::units::{CommuneCode, commune};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Room {
    /// Short code shown on signs and tickets (`P.101`).
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateFacilityRequest {
    /// The 5-digit facility code (mã cơ sở KCB).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "01929", pattern = r"^\s*[0-9]{5}\s*$")
    )]
    pub code: String,
    #[validate(length(min = 2, max = 200))]
    pub name: String,
    pub level: FacilityLevel,
    /// 5-digit commune code of the 2025 model; the province follows from it.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "00277", pattern = r"^\s*[0-9]{5}\s*$")
    )]
    pub commune_code: String,
    #[validate(length(min = 2, max = 300))]
    pub address: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[validate(length(max = 300))]
    #[serde(default)]
    pub opening_hours: String,
    #[serde(default)]
    pub services: Vec<ServiceType>,
    #[serde(default)]
    pub specialties: Vec<String>,
    #[serde(default)]
    pub rooms: Vec<Room>,
}

/// A change to a facility: absent fields stay as they are; lists replace the whole list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateFacilityRequest {
    #[validate(length(min = 2, max = 200))]
    pub name: Option<String>,
    pub level: Option<FacilityLevel>,
    pub commune_code: Option<String>,
    #[validate(length(min = 2, max = 300))]
    pub address: Option<String>,
    pub phone: Option<String>,
    #[validate(length(max = 300))]
    pub opening_hours: Option<String>,
    pub services: Option<Vec<ServiceType>>,
    pub specialties: Option<Vec<String>>,
    pub rooms: Option<Vec<Room>>,
}

/// Valid facility fields, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FacilityFields {
    pub code: Option<FacilityCode>,
    pub commune_code: Option<String>,
    pub province_code: Option<String>,
    pub phone: Option<Option<String>>,
    pub specialties: Option<Vec<String>>,
    pub rooms: Option<Vec<Room>>,
}

fn check_commune(code: &str, issues: &mut Issues) -> Option<(String, String)> {
    let parsed = issues.check("commune_code", CommuneCode::parse(code))?;
    match commune(parsed) {
        Some(unit) => Some((parsed.to_string(), unit.province_code.to_string())),
        None => {
            issues.push(FieldIssue::new(
                "commune_code",
                "unknown_commune",
                "Không có xã, phường này trong danh mục đơn vị hành chính 2025.",
                "No such commune in the 2025 administrative units.",
            ));
            None
        }
    }
}

fn check_specialties(list: &[String], issues: &mut Issues) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .enumerate()
        .filter_map(|(i, code)| check_specialty(&format!("specialties[{i}]"), code, issues))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn check_rooms(rooms: &[Room], issues: &mut Issues) -> Vec<Room> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, room) in rooms.iter().enumerate() {
        let code = room.code.trim();
        let name = room.name.trim();
        if code.is_empty()
            || code.chars().count() > 32
            || name.is_empty()
            || name.chars().count() > 100
        {
            issues.push(FieldIssue::new(
                format!("rooms[{i}]"),
                "invalid_room",
                "Phòng cần mã (tối đa 32 ký tự) và tên (tối đa 100 ký tự).",
                "A room needs a code (at most 32 characters) and a name (at most 100).",
            ));
        } else if !seen.insert(code.to_owned()) {
            issues.push(FieldIssue::new(
                format!("rooms[{i}].code"),
                "duplicate_room",
                "Mã phòng bị trùng.",
                "This room code appears twice.",
            ));
        } else {
            out.push(Room {
                code: code.to_owned(),
                name: name.to_owned(),
            });
        }
    }
    out
}

fn check_phone(phone: &str, issues: &mut Issues) -> Option<String> {
    issues
        .check("phone", PhoneNumber::parse(phone))
        .map(|p| p.national())
}

impl CreateFacilityRequest {
    pub fn parse(&self) -> Result<FacilityFields, Vec<FieldIssue>> {
        let mut issues = Issues::default();
        let code = issues.check("code", FacilityCode::parse(&self.code));
        let unit = check_commune(&self.commune_code, &mut issues);
        let phone = match &self.phone {
            Some(p) => check_phone(p, &mut issues).map(Some),
            None => Some(None),
        };
        let specialties = check_specialties(&self.specialties, &mut issues);
        let rooms = check_rooms(&self.rooms, &mut issues);
        let fields = code
            .zip(unit)
            .map(|(code, (commune, province))| FacilityFields {
                code: Some(code),
                commune_code: Some(commune),
                province_code: Some(province),
                phone,
                specialties: Some(specialties),
                rooms: Some(rooms),
            });
        issues.into_result(fields)
    }
}

impl UpdateFacilityRequest {
    pub fn parse(&self) -> Result<FacilityFields, Vec<FieldIssue>> {
        let mut issues = Issues::default();
        let mut fields = FacilityFields::default();
        if let Some(code) = &self.commune_code
            && let Some((commune, province)) = check_commune(code, &mut issues)
        {
            fields.commune_code = Some(commune);
            fields.province_code = Some(province);
        }
        if let Some(phone) = &self.phone {
            fields.phone = Some(if phone.trim().is_empty() {
                None
            } else {
                check_phone(phone, &mut issues)
            });
        }
        if let Some(list) = &self.specialties {
            fields.specialties = Some(check_specialties(list, &mut issues));
        }
        if let Some(rooms) = &self.rooms {
            fields.rooms = Some(check_rooms(rooms, &mut issues));
        }
        issues.into_result(Some(fields))
    }
}

/// A facility with what only its administrators see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacilityAdminView {
    pub facility: Facility,
    pub rooms: Vec<Room>,
    pub practitioners: Vec<Practitioner>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Practitioner {
    pub id: Uuid,
    /// The practising licence number (chứng chỉ hành nghề).
    #[cfg_attr(feature = "openapi", schema(example = "000123/HNO-CCHN"))]
    pub licence_number: String,
    pub full_name: String,
    /// Degree and rank as written on the licence (`BS.CKII`).
    pub title: String,
    pub specialties: Vec<String>,
    pub facility_ids: Vec<Uuid>,
    /// A staff account signs in as this practitioner (a facility administrator linked it).
    #[serde(default)]
    pub signs_in: bool,
}

/// The staff account that signs in as a practitioner: it must hold a clinical role at one of
/// the practitioner's facilities, and it is one person, so one practitioner at most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkPractitionerAccountRequest {
    pub account_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatePractitionerRequest {
    #[validate(length(min = 3, max = 32))]
    pub licence_number: String,
    #[validate(length(min = 2, max = 100))]
    pub full_name: String,
    #[validate(length(max = 50))]
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub specialties: Vec<String>,
    pub facility_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdatePractitionerRequest {
    #[validate(length(min = 2, max = 100))]
    pub full_name: Option<String>,
    #[validate(length(max = 50))]
    pub title: Option<String>,
    pub specialties: Option<Vec<String>>,
    pub facility_ids: Option<Vec<Uuid>>,
}

/// A licence number: letters, digits, `/`, `-` and `.`, as the issuing authority writes it.
pub fn check_licence(licence: &str) -> Result<String, Vec<FieldIssue>> {
    let trimmed = licence.trim().to_uppercase();
    if trimmed.len() >= 3
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '.'))
    {
        Ok(trimmed)
    } else {
        Err(vec![FieldIssue::new(
            "licence_number",
            "invalid_licence_number",
            "Số chứng chỉ hành nghề chỉ gồm chữ, số, '/', '-' và '.'.",
            "A licence number has letters, digits, '/', '-' and '.' only.",
        )])
    }
}

pub fn check_specialty_list(list: &[String]) -> Result<Vec<String>, Vec<FieldIssue>> {
    let mut issues = Issues::default();
    let out = check_specialties(list, &mut issues);
    issues.into_result(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facility_takes_its_province_from_its_commune() {
        let request = CreateFacilityRequest {
            code: "01929".into(),
            name: "Bệnh viện Bạch Mai".into(),
            level: FacilityLevel::Central,
            commune_code: "00277".into(),
            address: "78 Giải Phóng".into(),
            phone: Some("024 3869 3731".into()),
            opening_hours: String::new(),
            services: vec![ServiceType::Examination],
            specialties: vec!["cardiology".into(), "cardiology".into()],
            rooms: vec![Room {
                code: "P.101".into(),
                name: "Phòng khám 101".into(),
            }],
        };
        let fields = request.parse().unwrap();
        assert_eq!(fields.province_code.as_deref(), Some("01"));
        assert_eq!(fields.specialties, Some(vec!["cardiology".to_owned()]));
        assert_eq!(fields.phone, Some(Some("02438693731".to_owned())));
    }

    #[test]
    fn bad_codes_and_duplicate_rooms_are_reported() {
        let request = CreateFacilityRequest {
            code: "1929".into(),
            name: "X".into(),
            level: FacilityLevel::Central,
            commune_code: "99999".into(),
            address: "…".into(),
            phone: None,
            opening_hours: String::new(),
            services: vec![],
            specialties: vec![],
            rooms: vec![
                Room {
                    code: "A".into(),
                    name: "A".into(),
                },
                Room {
                    code: "A".into(),
                    name: "B".into(),
                },
            ],
        };
        let issues = request.parse().unwrap_err();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert!(
            fields.contains(&"code")
                && fields.contains(&"commune_code")
                && fields.contains(&"rooms[1].code"),
            "{fields:?}"
        );
    }

    #[test]
    fn licence_numbers_are_normalised() {
        assert_eq!(
            check_licence(" 000123/hno-cchn ").unwrap(),
            "000123/HNO-CCHN"
        );
        assert!(check_licence("12 34").is_err());
    }
}
