//! Section IV: an Encounter with what it measured and found out (Observation, in
//! `observation.rs`), diagnosed (Condition) and prescribed (MedicationRequest).

use super::codes;
use super::datatypes::{
    Annotation, CodeableConcept, Coding, Meta, Period, Reference, Text, When, coding, concept,
    notes, text,
};
use super::observation::{test_result, vital_sign_observations};
use super::{Context, Resource, derived_id, entry_meta, is_in_error};
use crate::book::encounter::{Diagnosis, Prescription};
use crate::book::{BookEntry, Encounter as Visit, EncounterKind};
use chrono::Duration;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct Encounter<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    pub status: &'static str,
    pub class: Coding<'a>,
    pub subject: Reference<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant: Option<[Participant<'a>; 1]>,
    pub period: Period,
    pub reason_code: [CodeableConcept<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnosis: Vec<EncounterDiagnosis<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_provider: Option<Reference<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Participant<'a> {
    #[serde(rename = "type")]
    pub type_: [CodeableConcept<'a>; 1],
    pub individual: Reference<'a>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EncounterDiagnosis<'a> {
    pub condition: Reference<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
}

/// The Encounter first, then what hangs off it.
pub fn encounter<'a>(
    context: &mut Context<'a>,
    entry: &'a BookEntry,
    visit: &'a Visit,
) -> Vec<Resource<'a>> {
    let encounter_ref = Reference::to(entry.entry_id);
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
    let resource = Encounter {
        id: entry.entry_id,
        meta: entry_meta(entry),
        status,
        class: coding(codes::V3_ACT_CODE, class_code, class_display),
        subject: context.patient_ref(),
        participant: visit.practitioner_name.as_deref().map(|name| {
            [Participant {
                type_: [concept(
                    codes::V3_PARTICIPATION_TYPE,
                    "PPRF",
                    "primary performer",
                )],
                individual: Reference::display(name),
            }]
        }),
        period: Period {
            start: When::At(visit.started_at),
            end: visit.ended_at.map(When::At),
        },
        reason_code: [text(&visit.reason)],
        diagnosis: conditions
            .iter()
            .map(|(id, diagnosis)| EncounterDiagnosis {
                condition: Reference::to(*id),
                rank: diagnosis.primary.then_some(1),
            })
            .collect(),
        service_provider: facility,
    };

    let mut made = vec![Resource::Encounter(Box::new(resource))];
    made.extend(vital_sign_observations(
        context,
        entry,
        visit,
        encounter_ref,
    ));
    for (index, result) in visit.results.iter().enumerate() {
        let id = derived_id(entry.entry_id, &format!("result/{index}"));
        made.push(test_result(
            context,
            entry,
            id,
            result,
            encounter_ref,
            visit,
        ));
    }
    for (id, diagnosis) in &conditions {
        made.push(diagnosis_condition(
            context,
            entry,
            *id,
            diagnosis,
            encounter_ref,
        ));
    }
    for (index, prescription) in visit.prescriptions.iter().enumerate() {
        let id = derived_id(entry.entry_id, &format!("medication-request/{index}"));
        made.push(medication_request(
            context,
            entry,
            id,
            prescription,
            encounter_ref,
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

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct Condition<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clinical_status: Option<CodeableConcept<'a>>,
    pub verification_status: CodeableConcept<'a>,
    pub category: [CodeableConcept<'a>; 1],
    pub code: CodeableConcept<'a>,
    pub subject: Reference<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encounter: Option<Reference<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onset_date_time: Option<When>,
    pub recorded_date: When,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation<'a>>,
}

fn diagnosis_condition<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    id: Uuid,
    diagnosis: &'a Diagnosis,
    encounter_ref: Reference<'a>,
) -> Resource<'a> {
    let (clinical_status, verification_status) = condition_status(entry);
    Resource::Condition(Box::new(Condition {
        id,
        meta: entry_meta(entry),
        clinical_status,
        verification_status,
        category: [concept(
            codes::CONDITION_CATEGORY,
            "encounter-diagnosis",
            "Encounter Diagnosis",
        )],
        code: CodeableConcept {
            coding: vec![Coding {
                system: codes::ICD10,
                code: &diagnosis.icd10,
                display: diagnosis.title.as_deref(),
            }],
            text: diagnosis.title.as_ref().map(Text::from),
        },
        subject: context.patient_ref(),
        encounter: Some(encounter_ref),
        onset_date_time: None,
        recorded_date: When::At(entry.provenance.recorded_at),
        note: notes(diagnosis.note.as_ref()),
    }))
}

/// Clinical and verification status; R4 forbids a clinical status on an entered-in-error
/// condition (con-5).
pub fn condition_status(
    entry: &BookEntry,
) -> (Option<CodeableConcept<'static>>, CodeableConcept<'static>) {
    if is_in_error(entry) {
        return (
            None,
            concept(
                codes::CONDITION_VERIFICATION,
                "entered-in-error",
                "Entered in Error",
            ),
        );
    }
    let verification = if entry.provenance.self_reported {
        concept(codes::CONDITION_VERIFICATION, "unconfirmed", "Unconfirmed")
    } else {
        concept(codes::CONDITION_VERIFICATION, "confirmed", "Confirmed")
    };
    (
        Some(concept(codes::CONDITION_CLINICAL, "active", "Active")),
        verification,
    )
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct MedicationRequest<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    pub status: &'static str,
    pub intent: &'static str,
    pub medication_codeable_concept: CodeableConcept<'a>,
    pub subject: Reference<'a>,
    pub encounter: Reference<'a>,
    pub authored_on: When,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<Reference<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation<'a>>,
    pub dosage_instruction: [Dosage<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispense_request: Option<DispenseRequest>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dosage<'a> {
    pub text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<CodeableConcept<'a>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DispenseRequest {
    pub expected_supply_duration: Days,
}

/// A number of days as a FHIR Duration (UCUM `d`), counted in whole days.
#[derive(Debug, Clone, Serialize)]
pub struct Days {
    pub value: u32,
    pub unit: &'static str,
    pub system: &'static str,
    pub code: &'static str,
}

fn medication_request<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    id: Uuid,
    prescription: &'a Prescription,
    encounter_ref: Reference<'a>,
    visit: &'a Visit,
) -> Resource<'a> {
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
    let quantity = prescription.quantity.as_ref().map(|q| Annotation {
        text: format!("Số lượng: {q}").into(),
    });
    Resource::MedicationRequest(Box::new(MedicationRequest {
        id,
        meta: entry_meta(entry),
        status,
        intent: "order",
        medication_codeable_concept: text(&prescription.medicine),
        subject: context.patient_ref(),
        encounter: encounter_ref,
        authored_on: When::At(visit.started_at),
        requester: visit.practitioner_name.as_deref().map(Reference::display),
        note: quantity
            .into_iter()
            .chain(notes(prescription.note.as_ref()))
            .collect(),
        dosage_instruction: [Dosage {
            text: &prescription.dosage,
            route: prescription.route.as_ref().map(text),
        }],
        dispense_request: prescription.days.map(|days| DispenseRequest {
            expected_supply_duration: Days {
                value: days,
                unit: "days",
                system: codes::UCUM,
                code: "d",
            },
        }),
    }))
}
