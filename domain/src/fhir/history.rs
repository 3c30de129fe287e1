//! Sections II and III: allergies, conditions of the past, disabilities, surgeries, family
//! history, and the doses given. Each entry is one resource with the entry's own id.

use super::clinical::{Condition, condition_status};
use super::codes;
use super::datatypes::{
    Annotation, CodeableConcept, Coding, Identifier, Meta, Reference, When, concept, notes, text,
};
use super::{Context, Resource, entry_meta, is_in_error};
use crate::book::history::{
    Allergy, AllergyKind, ChecklistDisease, Disability, DisabilityKind, FamilyHistory, PastDisease,
    Relative, Severity, Surgery,
};
use crate::book::{BookEntry, Immunization as Dose};
use serde::Serialize;
use uuid::Uuid;

fn completed_or_in_error(entry: &BookEntry) -> &'static str {
    if is_in_error(entry) {
        "entered-in-error"
    } else {
        "completed"
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct AllergyIntolerance<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clinical_status: Option<CodeableConcept<'a>>,
    pub verification_status: CodeableConcept<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<[&'static str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criticality: Option<&'static str>,
    pub code: CodeableConcept<'a>,
    pub patient: Reference<'a>,
    pub recorded_date: When,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction: Option<[Reaction<'a>; 1]>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reaction<'a> {
    pub manifestation: [CodeableConcept<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<&'static str>,
}

pub fn allergy<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    allergy: &'a Allergy,
) -> Resource<'a> {
    // A chemical met in the surroundings is an environmental allergen; "other" says nothing
    // FHIR's four categories could hold (biologic would be a guess).
    let category = match allergy.kind {
        AllergyKind::Drug => Some("medication"),
        AllergyKind::Food => Some("food"),
        AllergyKind::Chemical | AllergyKind::Environment => Some("environment"),
        AllergyKind::Other => None,
    };
    // R4 forbids a clinical status on an entered-in-error record (ait-2).
    let (clinical_status, verification_status) = if is_in_error(entry) {
        (
            None,
            concept(
                codes::ALLERGY_VERIFICATION,
                "entered-in-error",
                "Entered in Error",
            ),
        )
    } else {
        (
            Some(concept(codes::ALLERGY_CLINICAL, "active", "Active")),
            if entry.provenance.self_reported {
                concept(codes::ALLERGY_VERIFICATION, "unconfirmed", "Unconfirmed")
            } else {
                concept(codes::ALLERGY_VERIFICATION, "confirmed", "Confirmed")
            },
        )
    };
    Resource::AllergyIntolerance(Box::new(AllergyIntolerance {
        id: entry.entry_id,
        meta: entry_meta(entry),
        clinical_status,
        verification_status,
        category: category.map(|category| [category]),
        criticality: allergy.severity.map(|severity| match severity {
            Severity::Severe => "high",
            Severity::Mild | Severity::Moderate => "low",
        }),
        code: text(&allergy.substance),
        patient: context.patient_ref(),
        recorded_date: When::At(entry.provenance.recorded_at),
        reaction: allergy.reaction.as_ref().map(|reaction| {
            [Reaction {
                manifestation: [text(reaction)],
                severity: allergy.severity.map(|severity| match severity {
                    Severity::Mild => "mild",
                    Severity::Moderate => "moderate",
                    Severity::Severe => "severe",
                }),
            }]
        }),
    }))
}

/// The checklist's disease in the words of the 831 form.
pub fn disease_name(disease: ChecklistDisease) -> &'static str {
    match disease {
        ChecklistDisease::HeartDisease => "Bệnh tim mạch",
        ChecklistDisease::Hypertension => "Tăng huyết áp",
        ChecklistDisease::Diabetes => "Đái tháo đường",
        ChecklistDisease::StomachDisease => "Bệnh dạ dày",
        ChecklistDisease::ChronicLungDisease => "Bệnh phổi mạn tính",
        ChecklistDisease::Asthma => "Hen suyễn",
        ChecklistDisease::Goitre => "Bệnh bướu cổ",
        ChecklistDisease::Hepatitis => "Viêm gan",
        ChecklistDisease::CongenitalHeartDisease => "Tim bẩm sinh",
        ChecklistDisease::MentalIllness => "Tâm thần",
        ChecklistDisease::Autism => "Tự kỷ",
        ChecklistDisease::Epilepsy => "Động kinh",
        ChecklistDisease::Cancer => "Ung thư",
        ChecklistDisease::Tuberculosis => "Lao",
        ChecklistDisease::Other => "Bệnh khác",
    }
}

fn disease_code(disease: ChecklistDisease, icd10: Option<&str>) -> CodeableConcept<'_> {
    CodeableConcept {
        coding: icd10
            .map(|code| Coding {
                system: codes::ICD10,
                code,
                display: None,
            })
            .into_iter()
            .collect(),
        text: Some(disease_name(disease).into()),
    }
}

fn problem<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    code: CodeableConcept<'a>,
    note: Option<&'a String>,
) -> Condition<'a> {
    let (clinical_status, verification_status) = condition_status(entry);
    Condition {
        id: entry.entry_id,
        meta: entry_meta(entry),
        clinical_status,
        verification_status,
        category: [concept(
            codes::CONDITION_CATEGORY,
            "problem-list-item",
            "Problem List Item",
        )],
        code,
        subject: context.patient_ref(),
        encounter: None,
        onset_date_time: None,
        recorded_date: When::At(entry.provenance.recorded_at),
        note: notes(note),
    }
}

pub fn past_disease<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    past: &'a PastDisease,
) -> Resource<'a> {
    let code = disease_code(past.disease, past.icd10.as_deref());
    Resource::Condition(Box::new(Condition {
        onset_date_time: past.since_year.map(When::Year),
        ..problem(context, entry, code, past.note.as_ref())
    }))
}

pub fn disability<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    disability: &'a Disability,
) -> Resource<'a> {
    let kind = match disability.kind {
        DisabilityKind::Vision => "Khuyết tật nhìn",
        DisabilityKind::Hearing => "Khuyết tật nghe",
        DisabilityKind::Speech => "Khuyết tật nói",
        DisabilityKind::Mobility => "Khuyết tật vận động",
        DisabilityKind::Intellectual => "Khuyết tật trí tuệ",
        DisabilityKind::Mental => "Khuyết tật thần kinh, tâm thần",
        DisabilityKind::Other => "Khuyết tật khác",
    };
    Resource::Condition(Box::new(problem(
        context,
        entry,
        text(kind),
        disability.detail.as_ref(),
    )))
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct Procedure<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    pub status: &'static str,
    pub code: CodeableConcept<'a>,
    pub subject: Reference<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performed_date_time: Option<When>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performer: Option<[Performer<'a>; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation<'a>>,
}

/// Who performed a procedure or gave a dose, and in which function.
#[derive(Debug, Clone, Serialize)]
pub struct Performer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<CodeableConcept<'a>>,
    pub actor: Reference<'a>,
}

pub fn surgery<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    surgery: &'a Surgery,
) -> Resource<'a> {
    Resource::Procedure(Box::new(Procedure {
        id: entry.entry_id,
        meta: entry_meta(entry),
        status: completed_or_in_error(entry),
        code: text(&surgery.procedure),
        subject: context.patient_ref(),
        performed_date_time: surgery.year.map(When::Year),
        performer: surgery.facility.as_deref().map(|facility| {
            [Performer {
                function: None,
                actor: Reference::display(facility),
            }]
        }),
        note: notes(surgery.note.as_ref()),
    }))
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType")]
pub struct FamilyMemberHistory<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    pub status: &'static str,
    pub patient: Reference<'a>,
    pub date: When,
    pub relationship: CodeableConcept<'a>,
    pub condition: [FamilyCondition<'a>; 1],
}

#[derive(Debug, Clone, Serialize)]
pub struct FamilyCondition<'a> {
    pub code: CodeableConcept<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation<'a>>,
}

pub fn family_history<'a>(
    context: &Context<'a>,
    entry: &'a BookEntry,
    history: &'a FamilyHistory,
) -> Resource<'a> {
    let (code, display) = match history.relative {
        Relative::Father => ("FTH", "father"),
        Relative::Mother => ("MTH", "mother"),
        Relative::Sibling => ("SIB", "sibling"),
        Relative::Grandparent => ("GRPRN", "grandparent"),
        Relative::Child => ("CHILD", "child"),
        Relative::Other => ("FAMMEMB", "family member"),
    };
    Resource::FamilyMemberHistory(Box::new(FamilyMemberHistory {
        id: entry.entry_id,
        meta: entry_meta(entry),
        status: completed_or_in_error(entry),
        patient: context.patient_ref(),
        date: When::At(entry.provenance.recorded_at),
        relationship: concept(codes::V3_ROLE_CODE, code, display),
        condition: [FamilyCondition {
            code: disease_code(history.disease, history.icd10.as_deref()),
            note: notes(history.note.as_ref()),
        }],
    }))
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct Immunization<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    /// The patient carried inside a dose exchanged alone (`exchange`); empty in the book.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contained: Vec<ContainedPatient<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier<'a>>,
    pub status: &'static str,
    pub vaccine_code: CodeableConcept<'a>,
    pub patient: Reference<'a>,
    pub occurrence_date_time: When,
    pub recorded: When,
    pub primary_source: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lot_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<CodeableConcept<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<CodeableConcept<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performer: Option<[Performer<'a>; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation<'a>>,
    pub protocol_applied: [ProtocolApplied<'a>; 1],
}

/// Who a dose exchanged alone is about, as a receiving system matches a person: the national
/// identifier and the birth date.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainedPatient<'a> {
    pub resource_type: &'static str,
    pub id: &'static str,
    pub identifier: [Identifier<'a>; 1],
    pub birth_date: When,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtocolApplied<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub target_disease: Vec<CodeableConcept<'a>>,
    pub dose_number_positive_int: u32,
}

pub fn immunization<'a>(
    context: &mut Context<'a>,
    entry: &'a BookEntry,
    dose: &'a Dose,
) -> Resource<'a> {
    let facility = context.facility_ref(
        dose.facility_id.or(entry.provenance.facility_id),
        entry.provenance.facility_name.as_deref(),
    );
    Resource::Immunization(Box::new(Immunization {
        id: entry.entry_id,
        meta: entry_meta(entry),
        status: completed_or_in_error(entry),
        identifier: Vec::new(),
        contained: Vec::new(),
        vaccine_code: CodeableConcept {
            coding: vec![codes::vaccine_coding(&dose.product)],
            text: Some((&dose.product).into()),
        },
        patient: context.patient_ref(),
        occurrence_date_time: When::Day(dose.administered_on),
        recorded: When::At(entry.provenance.recorded_at),
        primary_source: !entry.provenance.self_reported,
        lot_number: dose.lot.as_deref(),
        site: dose.site.as_ref().map(text),
        route: dose.route.as_ref().map(text),
        performer: facility.map(|actor| {
            [Performer {
                function: Some(concept(
                    codes::V2_PERFORMER_FUNCTION,
                    "AP",
                    "Administering Provider",
                )),
                actor,
            }]
        }),
        note: notes(dose.note.as_ref()),
        protocol_applied: [ProtocolApplied {
            target_disease: dose.antigens.iter().map(text).collect(),
            dose_number_positive_int: dose.dose_number.max(1),
        }],
    }))
}
