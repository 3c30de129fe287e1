//! Readings the citizen takes at home, each with its unit.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ObservationKind {
    /// Systolic in `value`, diastolic in `second_value`, mmHg.
    BloodPressure,
    HeartRate,
    BodyTemperature,
    OxygenSaturation,
    BloodGlucose,
    BodyWeight,
    BodyHeight,
    RespiratoryRate,
    WaistCircumference,
}

impl ObservationKind {
    pub const ALL: [ObservationKind; 9] = [
        ObservationKind::BloodPressure,
        ObservationKind::HeartRate,
        ObservationKind::BodyTemperature,
        ObservationKind::OxygenSaturation,
        ObservationKind::BloodGlucose,
        ObservationKind::BodyWeight,
        ObservationKind::BodyHeight,
        ObservationKind::RespiratoryRate,
        ObservationKind::WaistCircumference,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObservationKind::BloodPressure => "blood_pressure",
            ObservationKind::HeartRate => "heart_rate",
            ObservationKind::BodyTemperature => "body_temperature",
            ObservationKind::OxygenSaturation => "oxygen_saturation",
            ObservationKind::BloodGlucose => "blood_glucose",
            ObservationKind::BodyWeight => "body_weight",
            ObservationKind::BodyHeight => "body_height",
            ObservationKind::RespiratoryRate => "respiratory_rate",
            ObservationKind::WaistCircumference => "waist_circumference",
        }
    }

    pub fn parse(value: &str) -> Option<ObservationKind> {
        ObservationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// One reading. Units are UCUM codes (`mm[Hg]`, `/min`, `Cel`, `%`, `mmol/L`, `mg/dL`, `kg`,
/// `cm`), the same the FHIR export carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Observation {
    pub kind: ObservationKind,
    pub value: f64,
    /// The diastolic pressure of a blood-pressure reading; none otherwise.
    #[serde(default)]
    pub second_value: Option<f64>,
    pub unit: String,
    pub taken_at: DateTime<Utc>,
    #[serde(default)]
    pub note: Option<String>,
}
