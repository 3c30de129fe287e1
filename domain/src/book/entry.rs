//! One entry of the book as it is read: the latest version of its body, with where it came
//! from. Entries are append-only: a correction is a new version with a reason, a mistake is
//! marked entered in error; the server keeps every version.

use super::administrative::Administrative;
use super::encounter::Encounter;
use super::history::{
    Allergy, Disability, FamilyHistory, PastDisease, Reproductive, RiskFactors, Surgery,
};
use super::immunization::Immunization;
use super::observation::Observation;
use super::section::{Category, Section};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What an entry holds, and so which section it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum EntryKind {
    Administrative,
    RiskFactors,
    Allergy,
    Disability,
    PastDisease,
    Surgery,
    FamilyHistory,
    Reproductive,
    Immunization,
    Encounter,
    Observation,
}

impl EntryKind {
    pub const ALL: [EntryKind; 11] = [
        EntryKind::Administrative,
        EntryKind::RiskFactors,
        EntryKind::Allergy,
        EntryKind::Disability,
        EntryKind::PastDisease,
        EntryKind::Surgery,
        EntryKind::FamilyHistory,
        EntryKind::Reproductive,
        EntryKind::Immunization,
        EntryKind::Encounter,
        EntryKind::Observation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Administrative => "administrative",
            EntryKind::RiskFactors => "risk_factors",
            EntryKind::Allergy => "allergy",
            EntryKind::Disability => "disability",
            EntryKind::PastDisease => "past_disease",
            EntryKind::Surgery => "surgery",
            EntryKind::FamilyHistory => "family_history",
            EntryKind::Reproductive => "reproductive",
            EntryKind::Immunization => "immunization",
            EntryKind::Encounter => "encounter",
            EntryKind::Observation => "observation",
        }
    }

    pub fn parse(value: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn section(self) -> Section {
        match self {
            EntryKind::Administrative => Section::Administrative,
            EntryKind::RiskFactors
            | EntryKind::Allergy
            | EntryKind::Disability
            | EntryKind::PastDisease
            | EntryKind::Surgery
            | EntryKind::FamilyHistory
            | EntryKind::Reproductive => Section::History,
            EntryKind::Immunization => Section::Immunizations,
            EntryKind::Encounter => Section::Visits,
            EntryKind::Observation => Section::Readings,
        }
    }

    /// Kinds a book holds once (its administrative data, its risk factors): a second
    /// "new" entry of these is a new version of the first.
    pub fn is_singular(self) -> bool {
        matches!(
            self,
            EntryKind::Administrative | EntryKind::RiskFactors | EntryKind::Reproductive
        )
    }

    /// Kinds a citizen (or guardian) may write about themselves, marked self-reported.
    pub fn citizen_may_write(self) -> bool {
        !matches!(self, EntryKind::Encounter | EntryKind::Immunization)
    }
}

/// The body of an entry, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum EntryBody {
    Administrative(Administrative),
    RiskFactors(RiskFactors),
    Allergy(Allergy),
    Disability(Disability),
    PastDisease(PastDisease),
    Surgery(Surgery),
    FamilyHistory(FamilyHistory),
    Reproductive(Reproductive),
    Immunization(Immunization),
    Encounter(Encounter),
    Observation(Observation),
}

impl EntryBody {
    pub fn kind(&self) -> EntryKind {
        match self {
            EntryBody::Administrative(_) => EntryKind::Administrative,
            EntryBody::RiskFactors(_) => EntryKind::RiskFactors,
            EntryBody::Allergy(_) => EntryKind::Allergy,
            EntryBody::Disability(_) => EntryKind::Disability,
            EntryBody::PastDisease(_) => EntryKind::PastDisease,
            EntryBody::Surgery(_) => EntryKind::Surgery,
            EntryBody::FamilyHistory(_) => EntryKind::FamilyHistory,
            EntryBody::Reproductive(_) => EntryKind::Reproductive,
            EntryBody::Immunization(_) => EntryKind::Immunization,
            EntryBody::Encounter(_) => EntryKind::Encounter,
            EntryBody::Observation(_) => EntryKind::Observation,
        }
    }
}

/// Where an entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Source {
    /// Typed in the app or on the web by the citizen or a guardian.
    App,
    /// Written by a staff member at their facility.
    Staff,
    /// Sent by a facility's own system (XML intake).
    FacilitySystem,
    /// Brought in from an earlier record.
    Import,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::App => "app",
            Source::Staff => "staff",
            Source::FacilitySystem => "facility_system",
            Source::Import => "import",
        }
    }

    pub fn parse(value: &str) -> Option<Source> {
        [
            Source::App,
            Source::Staff,
            Source::FacilitySystem,
            Source::Import,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// In what capacity the author wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AuthorRole {
    Citizen,
    Guardian,
    Doctor,
    Vaccinator,
    FacilityAdmin,
    FacilitySystem,
}

impl AuthorRole {
    pub const ALL: [AuthorRole; 6] = [
        AuthorRole::Citizen,
        AuthorRole::Guardian,
        AuthorRole::Doctor,
        AuthorRole::Vaccinator,
        AuthorRole::FacilityAdmin,
        AuthorRole::FacilitySystem,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthorRole::Citizen => "citizen",
            AuthorRole::Guardian => "guardian",
            AuthorRole::Doctor => "doctor",
            AuthorRole::Vaccinator => "vaccinator",
            AuthorRole::FacilityAdmin => "facility_admin",
            AuthorRole::FacilitySystem => "facility_system",
        }
    }

    pub fn parse(value: &str) -> Option<AuthorRole> {
        AuthorRole::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// Who wrote an entry's current version, when, and from what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Provenance {
    pub source: Source,
    pub author_role: AuthorRole,
    /// The author's display name (a facility system's own name for what it sent).
    pub author_name: Option<String>,
    pub facility_id: Option<Uuid>,
    pub facility_name: Option<String>,
    pub recorded_at: DateTime<Utc>,
    /// Typed by the citizen or a guardian rather than found by a professional.
    pub self_reported: bool,
}

/// An entry's state as of its latest version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum EntryStatus {
    /// The first version, still as written.
    Recorded,
    /// A later version corrected an earlier one.
    Corrected,
    /// Recorded by mistake (wrong patient, wrong visit); kept, never shown as fact.
    EnteredInError,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Recorded => "recorded",
            EntryStatus::Corrected => "corrected",
            EntryStatus::EnteredInError => "entered_in_error",
        }
    }

    pub fn parse(value: &str) -> Option<EntryStatus> {
        [
            EntryStatus::Recorded,
            EntryStatus::Corrected,
            EntryStatus::EnteredInError,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// One entry as the API returns it: its latest version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BookEntry {
    /// Stable across versions.
    pub entry_id: Uuid,
    /// 1 for the first version; a correction must name the version it corrects.
    pub version: u32,
    pub status: EntryStatus,
    pub section: Section,
    /// The sensitive category the entry falls in, if any.
    pub category: Option<Category>,
    /// Why the latest version was written (a correction, an entered-in-error mark).
    pub reason: Option<String>,
    pub provenance: Provenance,
    pub body: EntryBody,
}
