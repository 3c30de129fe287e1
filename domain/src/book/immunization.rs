//! Section III: a dose given. Written by vaccination (and imports); read here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Immunization {
    /// The vaccine's code in the catalogue (`penta`, `hexa`).
    pub product: String,
    /// The product's trade name (`Hexaxim`), for a paid vaccine whose label sets its course.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trade_name: Option<String>,
    /// The antigens the dose counts against (`measles`, `polio`…).
    pub antigens: Vec<String>,
    pub dose_number: u32,
    pub administered_on: NaiveDate,
    pub lot: Option<String>,
    pub facility_id: Option<Uuid>,
    pub site: Option<String>,
    pub route: Option<String>,
    pub note: Option<String>,
}
