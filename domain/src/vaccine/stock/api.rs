//! What the stock routes answer.

use super::{MonthFigures, MovementKind, OpenedVialPolicy};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A lot a facility holds, with its balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LotBalance {
    pub lot_id: Uuid,
    /// The catalogue's vaccine code.
    pub vaccine: String,
    pub product: String,
    pub manufacturer: String,
    pub lot_number: String,
    /// The last day the lot may be used.
    pub expires_on: NaiveDate,
    pub doses_per_vial: u8,
    /// The vaccine vial monitor's stage, 1–4 (3 and 4: not used).
    pub vvm_stage: u8,
    /// Doses the facility holds, never negative.
    pub doses: i64,
    pub quarantined_at: Option<DateTime<Utc>>,
    pub quarantine_reason: Option<String>,
    /// Why the lot may not be given today (`lot_quarantined`, `lot_expired`,
    /// `lot_past_vvm_discard_point`); absent when it may.
    pub unusable: Option<String>,
    /// How long an opened vial of this vaccine may be kept.
    pub opened_vial_policy: OpenedVialPolicy,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StockList {
    /// Every lot the facility holds or held, soonest expiry first.
    pub items: Vec<LotBalance>,
}

/// One ledger row: who moved what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Movement {
    pub id: Uuid,
    pub facility_id: Uuid,
    pub lot_id: Uuid,
    pub kind: MovementKind,
    /// The signed change of the facility's balance.
    pub doses: i64,
    pub counterpart_facility_id: Option<Uuid>,
    pub immunization_id: Option<Uuid>,
    pub reason: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub occurred_on: NaiveDate,
}

/// The ledger rows one request wrote (both halves of a transfer; one row per holding
/// facility of a quarantine or a release).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MovementRecorded {
    pub movements: Vec<Movement>,
}

/// A lot's month at a facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotMonth {
    pub lot_id: Uuid,
    pub vaccine: String,
    pub product: String,
    pub lot_number: String,
    pub expires_on: NaiveDate,
    #[serde(flatten)]
    pub figures: MonthFigures,
}

/// A vaccine's month at a facility: its lots summed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VaccineMonth {
    pub vaccine: String,
    #[serde(flatten)]
    pub figures: MonthFigures,
}

/// The monthly stock report of a facility: for each lot and each vaccine, `opening +
/// received + transferred_in − transferred_out − used − wasted − written_off = closing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockReport {
    pub facility_id: Uuid,
    /// `YYYY-MM`.
    pub month: String,
    pub lots: Vec<LotMonth>,
    pub vaccines: Vec<VaccineMonth>,
}
