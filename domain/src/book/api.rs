//! Request and response shapes of the health-book API.

use super::entry::{BookEntry, EntryBody};
use super::section::Section;
use crate::account::CitizenProfile;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The book as the caller may see it: the sections their relationship opens, each entry at
/// its latest version, newest first within a section. Entries of a sensitive category the
/// caller may not see are left out without a trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Book {
    pub citizen: CitizenProfile,
    /// The sections this answer holds.
    pub sections: Vec<Section>,
    pub entries: Vec<BookEntry>,
}

/// A new entry (a history item, a visit, a reading), written as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEntryRequest {
    pub body: EntryBody,
}

/// A correction: the whole new body, the version it corrects, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectEntryRequest {
    pub base_version: u32,
    pub body: EntryBody,
    pub reason: String,
}

/// Marks an entry as recorded by mistake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnteredInErrorRequest {
    pub base_version: u32,
    pub reason: String,
}

/// A change to section I as a JSON merge patch (RFC 7396) of [`super::Administrative`]:
/// a field sent replaces, a field sent as `null` clears, a field left out stays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatchProfileRequest {
    /// The version the change was made on; none when the section is still empty. A newer
    /// version on the server answers 409 `version_conflict`.
    #[serde(default)]
    pub base_version: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub changes: serde_json::Value,
}

/// A doctor opening a record in an emergency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakGlassRequest {
    /// The facility the doctor works for in this emergency.
    pub facility_id: Uuid,
    /// Why, in words: it is shown to the citizen and reviewed by the facility.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BreakGlass {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub facility_id: Uuid,
    pub doctor_name: String,
    pub reason: String,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub review_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewBreakGlassRequest {
    /// Whether the reason held up.
    pub justified: bool,
    pub note: String,
}

/// How staff find a patient: exactly one of the three, in a body (never a URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindPatientRequest {
    /// The facility the caller works at for this search.
    pub facility_id: Uuid,
    #[serde(default)]
    pub appointment_code: Option<String>,
    #[serde(default)]
    pub national_id: Option<String>,
    #[serde(default)]
    pub insurance_number: Option<String>,
}

/// Who was found: enough to tell the person in front of you from another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FoundPatient {
    pub citizen_id: Uuid,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
}
