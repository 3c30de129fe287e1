//! Vaccines: the catalogue compiled in from `data/immunization/` (the national expanded
//! programme's schedule and the common paid vaccines with their products), the rules of ages
//! and intervals it states, and the catalogue as apps show it.
//!
//! The catalogue is reference data, like the administrative units: `build.rs` checks and
//! compiles it, so every process (server and phone) has it from its first instruction, and a
//! database holds only the codes that name it. Values graded `medium` or `low` in the data
//! inform people and may warn them; they never refuse anything (see `data/README.md`).

pub mod aefi;
mod catalogue;
mod data;
pub mod doses;
pub mod due;
pub mod rollout;
mod schedule;
pub mod screening;
pub mod session;
mod span;
pub mod stock;

pub use catalogue::{
    AgeLimit, CatalogueEntry, Confidence, Course, Route, VaccineProduct, catalogue, entry,
};
pub use schedule::{Anchor, ScheduleDose, Timing, programme_schedule};
pub use span::Span;

use serde::{Deserialize, Serialize};

/// Whether a vaccine is given free by the national expanded-immunisation programme
/// (tiêm chủng mở rộng) or paid for as a service (tiêm dịch vụ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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

// A catalogue entry as the API lists it.
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
    /// Doses of a full course: the programme's doses of the series, or for a paid vaccine the
    /// longest course of its products (the 6-in-1 is 3 + 1 = 4).
    pub doses: u32,
}

impl From<&CatalogueEntry> for Vaccine {
    fn from(entry: &CatalogueEntry) -> Vaccine {
        Vaccine {
            code: entry.code.to_owned(),
            name_vi: entry.name_vi.to_owned(),
            name_en: entry.name_en.to_owned(),
            programme: entry.programme,
            products: entry.product_names.to_owned(),
            schedule_note: entry.schedule_note.to_owned(),
            doses: entry.doses(),
        }
    }
}

#[cfg(test)]
mod tests;
