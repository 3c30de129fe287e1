//! Public availability: free places by administrative unit, service and date, for the national
//! booking portal and other apps. Only facilities, times and counts: nothing about who booked.

use crate::facility::{FacilityLevel, ServiceType};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The days one availability answer may cover: a week, as a portal shows it.
pub const MAX_AVAILABILITY_DAYS: u32 = 7;

/// What to look for in `GET /v1/availability`. A province or a commune is required: the
/// country at once is not a page anyone reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AvailabilityQuery {
    /// 2-digit province code (2025 model).
    #[validate(length(equal = 2))]
    #[cfg_attr(feature = "openapi", param(min_length = 2, max_length = 2))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub province: Option<String>,
    /// 5-digit commune code (2025 model).
    #[validate(length(equal = 5))]
    #[cfg_attr(feature = "openapi", param(min_length = 5, max_length = 5))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub commune: Option<String>,
    pub service: ServiceType,
    #[validate(length(max = 32))]
    #[cfg_attr(feature = "openapi", param(max_length = 32))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub specialty: Option<String>,
    /// First local date, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", param(format = Date))]
    pub date: String,
    /// Days from `date`, 1 to 7 (1 when absent).
    #[validate(range(min = 1, max = 7))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 7))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub days: Option<u32>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cursor: Option<String>,
    /// Facilities per page, 1 to 100 (20 when absent).
    #[validate(range(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub limit: Option<u64>,
}

/// One page of facilities with free places, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Availability {
    pub service: ServiceType,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub facilities: Vec<FacilityAvailability>,
    /// Pass back as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FacilityAvailability {
    pub facility_id: Uuid,
    pub name: String,
    pub address: String,
    pub level: FacilityLevel,
    pub province_code: String,
    pub commune_code: String,
    /// Days with at least one free place, in date order.
    pub days: Vec<DayAvailability>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DayAvailability {
    pub date: NaiveDate,
    /// Free places that day, all slots together.
    pub free: u32,
    /// The slots with a free place, in time order.
    pub slots: Vec<FreeSlot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FreeSlot {
    pub slot_id: Uuid,
    pub specialty: Option<String>,
    /// Local time `HH:MM`.
    pub start: String,
    pub end: String,
    pub free: u32,
}
