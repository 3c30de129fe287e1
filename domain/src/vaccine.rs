//! The vaccine catalogue as apps show it.

use serde::{Deserialize, Serialize};

/// Whether a vaccine is given free by the national expanded-immunisation programme
/// (tiêm chủng mở rộng) or paid for as a service (tiêm dịch vụ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Programme {
    Expanded,
    Service,
}

impl Programme {
    pub fn as_str(self) -> &'static str {
        match self {
            Programme::Expanded => "expanded",
            Programme::Service => "service",
        }
    }

    pub fn parse(value: &str) -> Option<Programme> {
        match value {
            "expanded" => Some(Programme::Expanded),
            "service" => Some(Programme::Service),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Vaccine {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub programme: Programme,
    /// Products used in Việt Nam, as their labels name them.
    pub products: String,
    pub schedule_note: String,
    /// Doses in the primary series and boosters.
    pub doses: u32,
}
