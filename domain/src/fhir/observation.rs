//! Observations: a visit's vital signs and test results, and the readings the citizen took at
//! home (one Observation with the entry's own id, performed by the patient).

use super::codes::{self, Measure, ObservationCategory};
use super::datatypes::{
    Annotation, CodeableConcept, Coding, Meta, Quantity, Reference, Text, When, coding, notes, text,
};
use super::{Context, Resource, derived_id, entry_meta};
use crate::book::encounter::{TestResult, VitalSigns};
use crate::book::{
    BookEntry, Encounter as Visit, EntryStatus, Observation as Reading, ObservationKind,
};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct Observation<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    pub status: &'static str,
    pub category: [CodeableConcept<'a>; 1],
    pub code: CodeableConcept<'a>,
    pub subject: Reference<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Reference<'a>>,
    pub effective_date_time: When,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performer: Option<[Reference<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_string: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_range: Option<[Annotation<'a>; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub component: Vec<Component<'a>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Component<'a> {
    pub code: CodeableConcept<'a>,
    pub value_quantity: Quantity<'a>,
}

pub fn observation_status(status: EntryStatus) -> &'static str {
    match status {
        EntryStatus::Recorded => "final",
        EntryStatus::Corrected => "corrected",
        EntryStatus::EnteredInError => "entered-in-error",
    }
}

/// A measured value: one number, or the two pressures of a blood-pressure panel.
enum Vital<'u> {
    One(f64, &'u str),
    Pressure {
        systolic: Option<f64>,
        diastolic: Option<f64>,
        unit: &'u str,
    },
}

fn vital_signs(signs: &VitalSigns) -> Vec<(&'static str, Measure, Vital<'static>)> {
    let mut out = Vec::new();
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let (systolic, diastolic) = (finite(signs.systolic), finite(signs.diastolic));
    if systolic.is_some() || diastolic.is_some() {
        out.push((
            "blood-pressure",
            codes::BP_PANEL,
            Vital::Pressure {
                systolic,
                diastolic,
                unit: "mm[Hg]",
            },
        ));
    }
    let singles = [
        ("heart-rate", codes::HEART_RATE, signs.pulse),
        (
            "body-temperature",
            codes::BODY_TEMPERATURE,
            signs.temperature_c,
        ),
        (
            "respiratory-rate",
            codes::RESPIRATORY_RATE,
            signs.respiratory_rate,
        ),
        ("body-height", codes::BODY_HEIGHT, signs.height_cm),
        ("body-weight", codes::BODY_WEIGHT, signs.weight_kg),
        ("waist", codes::WAIST, signs.waist_cm),
        ("bmi", codes::BMI, signs.bmi),
    ];
    for (part, measure, value) in singles {
        if let Some(value) = finite(value) {
            out.push((part, measure, Vital::One(value, measure.unit)));
        }
    }
    out
}

/// A visit's vital signs, one Observation each (a blood-pressure panel for both pressures).
pub fn vital_sign_observations<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    visit: &'a Visit,
    encounter: Reference<'a>,
) -> impl Iterator<Item = Resource<'a>> {
    let status = observation_status(entry.status);
    let patient = context.patient_ref();
    vital_signs(&visit.vital_signs)
        .into_iter()
        .map(move |(part, measure, vital)| {
            let id = derived_id(entry.entry_id, &format!("observation/{part}"));
            Resource::Observation(Box::new(Observation {
                encounter: Some(encounter),
                ..measured(entry, id, status, patient, measure, vital, visit.started_at)
            }))
        })
}

fn quantity(value: f64, unit: &str) -> Quantity<'_> {
    Quantity {
        value,
        unit,
        system: codes::UCUM,
        code: unit,
    }
}

fn loinc(measure: Measure) -> CodeableConcept<'static> {
    CodeableConcept {
        coding: vec![coding(codes::LOINC, measure.loinc, measure.display)],
        text: Some(measure.display.into()),
    }
}

fn measured<'a>(
    entry: &BookEntry,
    id: Uuid,
    status: &'static str,
    patient: Reference<'a>,
    measure: Measure,
    value: Vital<'a>,
    effective: chrono::DateTime<chrono::Utc>,
) -> Observation<'a> {
    let (value_quantity, component) = match value {
        Vital::One(value, unit) => (Some(quantity(value, unit)), Vec::new()),
        Vital::Pressure {
            systolic,
            diastolic,
            unit,
        } => (
            None,
            [(codes::SYSTOLIC, systolic), (codes::DIASTOLIC, diastolic)]
                .into_iter()
                .filter_map(|(measure, value)| {
                    value.map(|v| Component {
                        code: loinc(measure),
                        value_quantity: quantity(v, unit),
                    })
                })
                .collect(),
        ),
    };
    Observation {
        id,
        meta: entry_meta(entry),
        status,
        category: [measure.category.concept()],
        code: loinc(measure),
        subject: patient,
        encounter: None,
        effective_date_time: When::At(effective),
        performer: None,
        value_quantity,
        value_string: None,
        note: Vec::new(),
        reference_range: None,
        component,
    }
}

pub fn test_result<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    id: Uuid,
    result: &'a TestResult,
    encounter: Reference<'a>,
    visit: &'a Visit,
) -> Resource<'a> {
    let value = match &result.unit {
        Some(unit) => Text::Owned(format!("{} {unit}", result.value)),
        None => Text::Borrowed(&result.value),
    };
    Resource::Observation(Box::new(Observation {
        id,
        meta: entry_meta(entry),
        status: observation_status(entry.status),
        category: [ObservationCategory::Laboratory.concept()],
        code: test_code(result),
        subject: context.patient_ref(),
        encounter: Some(encounter),
        effective_date_time: When::At(visit.started_at),
        performer: None,
        value_quantity: None,
        value_string: Some(value),
        note: Vec::new(),
        reference_range: result
            .reference_range
            .as_ref()
            .map(|range| [Annotation { text: range.into() }]),
        component: Vec::new(),
    }))
}

/// The test as the facility named it, with its LOINC code beside the words when it has one.
fn test_code(result: &TestResult) -> CodeableConcept<'_> {
    CodeableConcept {
        coding: result
            .loinc
            .as_deref()
            .map(|code| Coding {
                system: codes::LOINC,
                code,
                display: crate::xml130::loinc::display_of(code),
            })
            .into_iter()
            .collect(),
        ..text(&result.test)
    }
}

/// A reading the citizen took: the entry's own id, performed by the patient.
pub fn reading<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    reading: &'a Reading,
) -> Resource<'a> {
    let status = observation_status(entry.status);
    let one = |measure: Measure| {
        (
            measure,
            Vital::One(reading.value, unit_or(&reading.unit, measure.unit)),
        )
    };
    let (measure, value) = match reading.kind {
        ObservationKind::BloodPressure => (
            codes::BP_PANEL,
            Vital::Pressure {
                systolic: Some(reading.value),
                diastolic: reading.second_value,
                unit: unit_or(&reading.unit, "mm[Hg]"),
            },
        ),
        ObservationKind::HeartRate => one(codes::HEART_RATE),
        ObservationKind::BodyTemperature => one(codes::BODY_TEMPERATURE),
        ObservationKind::OxygenSaturation => one(codes::OXYGEN_SATURATION),
        ObservationKind::BloodGlucose if reading.unit.contains("mol") => one(codes::GLUCOSE_MOLES),
        ObservationKind::BloodGlucose => one(codes::GLUCOSE_MASS),
        ObservationKind::BodyWeight => one(codes::BODY_WEIGHT),
        ObservationKind::BodyHeight => one(codes::BODY_HEIGHT),
        ObservationKind::RespiratoryRate => one(codes::RESPIRATORY_RATE),
        ObservationKind::WaistCircumference => one(codes::WAIST),
    };
    let patient = context.patient_ref();
    let mut observation = measured(
        entry,
        entry.entry_id,
        status,
        patient,
        measure,
        value,
        reading.taken_at,
    );
    if reading.kind == ObservationKind::OxygenSaturation {
        let (code, display) = codes::PULSE_OXIMETRY;
        observation
            .code
            .coding
            .push(coding(codes::LOINC, code, display));
    }
    Resource::Observation(Box::new(Observation {
        performer: Some([patient]),
        note: notes(reading.note.as_ref()),
        ..observation
    }))
}

/// The reading's own UCUM unit; the usual one if it came empty. Units are checked on the way
/// in, so this only guards against an empty string.
fn unit_or<'u>(unit: &'u str, usual: &'static str) -> &'u str {
    if unit.trim().is_empty() { usual } else { unit }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(loinc: Option<&str>) -> TestResult {
        TestResult {
            test: "Glucose".into(),
            value: "5.4".into(),
            unit: Some("mmol/L".into()),
            reference_range: None,
            loinc: loinc.map(str::to_owned),
        }
    }

    #[test]
    fn a_coded_result_carries_its_loinc_coding_beside_the_words() {
        let result = result(Some("14749-6"));
        let code = serde_json::to_value(test_code(&result)).unwrap();
        assert_eq!(
            code,
            serde_json::json!({
                "coding": [{
                    "system": "http://loinc.org",
                    "code": "14749-6",
                    "display": "Glucose [Moles/volume] in Serum or Plasma"
                }],
                "text": "Glucose"
            })
        );
    }

    #[test]
    fn an_uncoded_result_is_known_by_its_words_only() {
        let result = result(None);
        let code = serde_json::to_value(test_code(&result)).unwrap();
        assert_eq!(code, serde_json::json!({ "text": "Glucose" }));
    }

    #[test]
    fn a_code_outside_the_table_travels_without_a_display() {
        let result = result(Some("2339-0"));
        let code = serde_json::to_value(test_code(&result)).unwrap();
        assert_eq!(code["coding"][0]["code"], "2339-0");
        assert!(code["coding"][0].get("display").is_none());
    }
}
