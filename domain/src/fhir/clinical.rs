//! Section IV and the home readings: an Encounter with what it measured (Observation), found
//! (Condition) and prescribed (MedicationRequest); a reading as one Observation.

use super::codes::{self, Measure, ObservationCategory, coding, concept, text};
use super::{Context, derived_id, instant, is_in_error, reference};
use crate::book::encounter::{Diagnosis, Prescription, TestResult, VitalSigns};
use crate::book::{BookEntry, Encounter, EncounterKind, EntryStatus, Observation, ObservationKind};
use chrono::Duration;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The Encounter first, then what hangs off it.
pub fn encounter(context: &mut Context, entry: &BookEntry, visit: &Encounter) -> Vec<Value> {
    let encounter_ref = reference(entry.entry_id, None);
    let facility = context.facility_ref(
        visit.facility_id.or(entry.provenance.facility_id),
        entry.provenance.facility_name.as_deref(),
    );

    let mut part_ids = PartIds::default();
    let conditions: Vec<(Uuid, &Diagnosis)> = visit
        .diagnoses
        .iter()
        .map(|d| {
            (
                part_ids.next(entry.entry_id, &format!("condition/{}", d.icd10)),
                d,
            )
        })
        .collect();

    let (class_code, class_display) = match visit.kind {
        EncounterKind::Outpatient => ("AMB", "ambulatory"),
        EncounterKind::Inpatient => ("IMP", "inpatient encounter"),
        EncounterKind::Teleconsultation => ("VR", "virtual"),
        EncounterKind::HomeVisit => ("HH", "home health"),
    };
    let status = if is_in_error(entry) {
        "entered-in-error"
    } else if visit.ended_at.is_some() || visit.kind != EncounterKind::Inpatient {
        "finished"
    } else {
        "in-progress"
    };
    let mut period = json!({ "start": instant(visit.started_at) });
    if let Some(ended) = visit.ended_at {
        period["end"] = json!(instant(ended));
    }
    let mut resource = json!({
        "resourceType": "Encounter",
        "id": entry.entry_id.to_string(),
        "status": status,
        "class": coding(codes::V3_ACT_CODE, class_code, class_display),
        "subject": context.patient_ref(),
        "period": period,
        "reasonCode": [text(&visit.reason)],
    });
    if let Some(name) = &visit.practitioner_name {
        resource["participant"] = json!([{
            "type": [concept(codes::V3_PARTICIPATION_TYPE, "PPRF", "primary performer")],
            "individual": { "display": name },
        }]);
    }
    if !conditions.is_empty() {
        resource["diagnosis"] = conditions
            .iter()
            .map(|(id, diagnosis)| {
                let mut item = json!({ "condition": reference(*id, None) });
                if diagnosis.primary {
                    item["rank"] = json!(1);
                }
                item
            })
            .collect();
    }
    if let Some(facility) = facility {
        resource["serviceProvider"] = facility;
    }

    let mut made = vec![resource];
    let observation_status = observation_status(entry.status);
    for (part, measure, vital) in vital_signs(&visit.vital_signs) {
        let id = derived_id(entry.entry_id, &format!("observation/{part}"));
        let mut observation = measured(context, id, observation_status, measure, vital);
        observation["encounter"] = encounter_ref.clone();
        observation["effectiveDateTime"] = json!(instant(visit.started_at));
        made.push(observation);
    }
    for (index, result) in visit.results.iter().enumerate() {
        let id = derived_id(entry.entry_id, &format!("result/{index}"));
        made.push(test_result(
            context,
            id,
            observation_status,
            result,
            &encounter_ref,
            visit,
        ));
    }
    for (id, diagnosis) in &conditions {
        made.push(diagnosis_condition(
            context,
            entry,
            *id,
            diagnosis,
            &encounter_ref,
        ));
    }
    for (index, prescription) in visit.prescriptions.iter().enumerate() {
        let id = derived_id(entry.entry_id, &format!("medication-request/{index}"));
        made.push(medication_request(
            context,
            entry,
            id,
            prescription,
            &encounter_ref,
            visit,
        ));
    }
    made
}

/// Unique part ids within one entry even when a part repeats (a code written twice).
#[derive(Default)]
struct PartIds(BTreeMap<String, u32>);

impl PartIds {
    fn next(&mut self, base: Uuid, part: &str) -> Uuid {
        let seen = self.0.entry(part.to_owned()).or_insert(0);
        *seen += 1;
        if *seen == 1 {
            derived_id(base, part)
        } else {
            derived_id(base, &format!("{part}/{seen}"))
        }
    }
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

fn quantity(value: f64, unit: &str) -> Value {
    json!({ "value": value, "unit": unit, "system": codes::UCUM, "code": unit })
}

fn loinc(measure: Measure) -> Value {
    json!({
        "coding": [coding(codes::LOINC, measure.loinc, measure.display)],
        "text": measure.display,
    })
}

fn measured(
    context: &Context,
    id: Uuid,
    status: &str,
    measure: Measure,
    value: Vital<'_>,
) -> Value {
    let mut observation = json!({
        "resourceType": "Observation",
        "id": id.to_string(),
        "status": status,
        "category": [measure.category.concept()],
        "code": loinc(measure),
        "subject": context.patient_ref(),
    });
    match value {
        Vital::One(value, unit) => observation["valueQuantity"] = quantity(value, unit),
        Vital::Pressure {
            systolic,
            diastolic,
            unit,
        } => {
            observation["component"] = [(codes::SYSTOLIC, systolic), (codes::DIASTOLIC, diastolic)]
                .into_iter()
                .filter_map(|(measure, value)| {
                    value.map(
                        |v| json!({ "code": loinc(measure), "valueQuantity": quantity(v, unit) }),
                    )
                })
                .collect();
        }
    }
    observation
}

fn test_result(
    context: &Context,
    id: Uuid,
    status: &str,
    result: &TestResult,
    encounter_ref: &Value,
    visit: &Encounter,
) -> Value {
    let value = match &result.unit {
        Some(unit) => format!("{} {unit}", result.value),
        None => result.value.clone(),
    };
    let mut observation = json!({
        "resourceType": "Observation",
        "id": id.to_string(),
        "status": status,
        "category": [ObservationCategory::Laboratory.concept()],
        "code": text(&result.test),
        "subject": context.patient_ref(),
        "encounter": encounter_ref,
        "effectiveDateTime": instant(visit.started_at),
        "valueString": value,
    });
    if let Some(range) = &result.reference_range {
        observation["referenceRange"] = json!([{ "text": range }]);
    }
    observation
}

fn diagnosis_condition(
    context: &Context,
    entry: &BookEntry,
    id: Uuid,
    diagnosis: &Diagnosis,
    encounter_ref: &Value,
) -> Value {
    let mut code = json!({
        "coding": [{ "system": codes::ICD10, "code": diagnosis.icd10 }],
    });
    if let Some(title) = &diagnosis.title {
        code["coding"][0]["display"] = json!(title);
        code["text"] = json!(title);
    }
    let mut condition = json!({
        "resourceType": "Condition",
        "id": id.to_string(),
        "category": [concept(codes::CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")],
        "code": code,
        "subject": context.patient_ref(),
        "encounter": encounter_ref,
        "recordedDate": instant(entry.provenance.recorded_at),
    });
    condition_status(&mut condition, entry);
    if let Some(note) = &diagnosis.note {
        condition["note"] = json!([{ "text": note }]);
    }
    condition
}

/// Clinical and verification status; R4 forbids a clinical status on an entered-in-error
/// condition (con-5).
pub fn condition_status(condition: &mut Value, entry: &BookEntry) {
    if is_in_error(entry) {
        condition["verificationStatus"] = concept(
            codes::CONDITION_VERIFICATION,
            "entered-in-error",
            "Entered in Error",
        );
        return;
    }
    condition["clinicalStatus"] = concept(codes::CONDITION_CLINICAL, "active", "Active");
    condition["verificationStatus"] = if entry.provenance.self_reported {
        concept(codes::CONDITION_VERIFICATION, "unconfirmed", "Unconfirmed")
    } else {
        concept(codes::CONDITION_VERIFICATION, "confirmed", "Confirmed")
    };
}

fn medication_request(
    context: &Context,
    entry: &BookEntry,
    id: Uuid,
    prescription: &Prescription,
    encounter_ref: &Value,
    visit: &Encounter,
) -> Value {
    // Whether the course is over is known only from its length; without one, we cannot say.
    let status = if is_in_error(entry) {
        "entered-in-error"
    } else {
        match prescription.days {
            Some(days)
                if visit.started_at + Duration::days(i64::from(days)) <= context.generated_at =>
            {
                "completed"
            }
            Some(_) => "active",
            None => "unknown",
        }
    };
    let mut dosage = json!({ "text": prescription.dosage });
    if let Some(route) = &prescription.route {
        dosage["route"] = text(route);
    }
    let mut request = json!({
        "resourceType": "MedicationRequest",
        "id": id.to_string(),
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": text(&prescription.medicine),
        "subject": context.patient_ref(),
        "encounter": encounter_ref,
        "authoredOn": instant(visit.started_at),
        "dosageInstruction": [dosage],
    });
    if let Some(name) = &visit.practitioner_name {
        request["requester"] = json!({ "display": name });
    }
    if let Some(days) = prescription.days {
        request["dispenseRequest"] = json!({
            "expectedSupplyDuration": { "value": days, "unit": "days", "system": codes::UCUM, "code": "d" },
        });
    }
    let notes: Vec<Value> = [
        prescription
            .quantity
            .as_ref()
            .map(|q| format!("Số lượng: {q}")),
        prescription.note.clone(),
    ]
    .into_iter()
    .flatten()
    .map(|note| json!({ "text": note }))
    .collect();
    if !notes.is_empty() {
        request["note"] = Value::Array(notes);
    }
    request
}

/// A reading the citizen took: the entry's own id, performed by the patient.
pub fn reading(context: &mut Context, entry: &BookEntry, reading: &Observation) -> Value {
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
    let mut observation = measured(context, entry.entry_id, status, measure, value);
    if reading.kind == ObservationKind::OxygenSaturation {
        let (code, display) = codes::PULSE_OXIMETRY;
        if let Some(codings) = observation["code"]["coding"].as_array_mut() {
            codings.push(coding(codes::LOINC, code, display));
        }
    }
    observation["effectiveDateTime"] = json!(instant(reading.taken_at));
    observation["performer"] = json!([context.patient_ref()]);
    if let Some(note) = &reading.note {
        observation["note"] = json!([{ "text": note }]);
    }
    observation
}

/// The reading's own UCUM unit; the usual one if it came empty. Units are checked on the way
/// in, so this only guards against an empty string.
fn unit_or<'u>(unit: &'u str, usual: &'static str) -> &'u str {
    if unit.trim().is_empty() { usual } else { unit }
}
