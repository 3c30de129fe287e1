//! The access log as the citizen reads it: who saw or changed what of their book, under
//! which relationship.

use super::section::Section;
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
}

impl AccessBasis {
    pub const ALL: [AccessBasis; 5] = [
        AccessBasis::Guardian,
        AccessBasis::Care,
        AccessBasis::Consent,
        AccessBasis::BreakGlass,
        AccessBasis::Lookup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessBasis::Guardian => "guardian",
            AccessBasis::Care => "care",
            AccessBasis::Consent => "consent",
            AccessBasis::BreakGlass => "break_glass",
            AccessBasis::Lookup => "lookup",
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
    /// reason's id.
    pub basis_ref: Option<String>,
    pub action: AccessAction,
    pub sections: Vec<Section>,
}
