//! Staff roles and where each applies.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Staff roles. Each is bound to a facility, except `support` (national) and `authority`
/// (an administrative unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Doctor,
    Vaccinator,
    FacilityAdmin,
    Support,
    Authority,
}

impl StaffRole {
    pub const ALL: [StaffRole; 5] = [
        StaffRole::Doctor,
        StaffRole::Vaccinator,
        StaffRole::FacilityAdmin,
        StaffRole::Support,
        StaffRole::Authority,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Doctor => "doctor",
            StaffRole::Vaccinator => "vaccinator",
            StaffRole::FacilityAdmin => "facility_admin",
            StaffRole::Support => "support",
            StaffRole::Authority => "authority",
        }
    }

    pub fn parse(value: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Roles that act at one facility and must name it.
    pub fn needs_facility(self) -> bool {
        matches!(
            self,
            StaffRole::Doctor | StaffRole::Vaccinator | StaffRole::FacilityAdmin
        )
    }

    /// Where a grant of this role applies: a facility for the roles that work at one, an
    /// administrative unit (a current one; a former code is read as its successor) for an
    /// authority, nothing for support. Returns the unit to store, in its current code.
    pub fn scope(
        self,
        facility: Option<uuid::Uuid>,
        admin_unit: Option<&str>,
    ) -> Result<Option<crate::units::AdminUnit>, StaffScopeError> {
        match (self.needs_facility(), self, facility, admin_unit) {
            (true, _, Some(_), None) => Ok(None),
            (false, StaffRole::Authority, None, Some(code)) => crate::units::AdminUnit::parse(code)
                .map(Some)
                .map_err(|_| StaffScopeError::UnknownUnit),
            (false, StaffRole::Support, None, None) => Ok(None),
            _ => Err(StaffScopeError::Mismatch),
        }
    }
}

/// Why a staff grant's facility or unit does not fit its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffScopeError {
    #[error(
        "doctors, vaccinators and facility admins name a facility; authorities a unit; support neither"
    )]
    Mismatch,
    #[error("no current administrative unit has this code")]
    UnknownUnit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RoleGrant {
    pub role: StaffRole,
    pub facility_id: Option<Uuid>,
    /// Province or commune code, for `authority`.
    pub admin_unit: Option<String>,
}
