//! Section IV: a visit, with what was measured, found, decided and prescribed.

use super::section::Category;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum EncounterKind {
    Outpatient,
    Inpatient,
    Teleconsultation,
    HomeVisit,
}

/// Vital signs taken at the visit. BMI is computed from height and weight, never typed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VitalSigns {
    /// Beats per minute.
    pub pulse: Option<f64>,
    /// Degrees Celsius.
    pub temperature_c: Option<f64>,
    /// mmHg.
    pub systolic: Option<f64>,
    /// mmHg.
    pub diastolic: Option<f64>,
    /// Breaths per minute.
    pub respiratory_rate: Option<f64>,
    pub height_cm: Option<f64>,
    pub weight_kg: Option<f64>,
    pub waist_cm: Option<f64>,
    /// Filled in by the server from height and weight.
    pub bmi: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Diagnosis {
    /// An ICD-10 code valid on the day of the visit (`J06.9`).
    pub icd10: String,
    /// The title of the code, filled in by the server from the code list.
    #[serde(default)]
    pub title: Option<String>,
    /// The main diagnosis of the visit; at most one.
    #[serde(default)]
    pub primary: bool,
    pub note: Option<String>,
}

/// A test result reported at the visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TestResult {
    pub test: String,
    pub value: String,
    pub unit: Option<String>,
    pub reference_range: Option<String>,
    /// The LOINC code of the test (`14749-6`), when the writer or the intake knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub loinc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Prescription {
    /// The medicine and strength ("Amoxicillin 500 mg").
    pub medicine: String,
    /// How much and how often ("1 viên × 3 lần/ngày").
    pub dosage: String,
    pub route: Option<String>,
    pub days: Option<u32>,
    pub quantity: Option<String>,
    pub note: Option<String>,
}

/// One visit, as the facility recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Encounter {
    pub kind: EncounterKind,
    /// The facility of the visit; the server fills it from the writer's own.
    #[serde(default)]
    pub facility_id: Option<Uuid>,
    pub practitioner_name: Option<String>,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    pub reason: String,
    #[serde(default)]
    pub vital_signs: VitalSigns,
    #[serde(default)]
    pub findings: Option<String>,
    #[serde(default)]
    pub diagnoses: Vec<Diagnosis>,
    #[serde(default)]
    pub results: Vec<TestResult>,
    #[serde(default)]
    pub treatment: Option<String>,
    #[serde(default)]
    pub prescriptions: Vec<Prescription>,
    #[serde(default)]
    pub advice: Option<String>,
    #[serde(default)]
    pub follow_up_on: Option<NaiveDate>,
    /// The appointment the visit answered, when there was one.
    #[serde(default)]
    pub appointment_id: Option<Uuid>,
    /// A sensitive category the writer names; the diagnoses may imply one too.
    #[serde(default)]
    pub category: Option<Category>,
}
