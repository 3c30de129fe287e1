//! Sections II and III: allergies, conditions of the past, disabilities, surgeries, family
//! history, and the doses given. Each entry is one resource with the entry's own id.

use super::clinical::condition_status;
use super::codes::{self, concept, text};
use super::{Context, instant, is_in_error};
use crate::book::history::{
    Allergy, AllergyKind, ChecklistDisease, Disability, DisabilityKind, FamilyHistory, PastDisease,
    Relative, Severity, Surgery,
};
use crate::book::{BookEntry, Immunization};
use serde_json::{Value, json};

fn completed_or_in_error(entry: &BookEntry) -> &'static str {
    if is_in_error(entry) {
        "entered-in-error"
    } else {
        "completed"
    }
}

pub fn allergy(context: &Context, entry: &BookEntry, allergy: &Allergy) -> Value {
    let mut resource = json!({
        "resourceType": "AllergyIntolerance",
        "id": entry.entry_id.to_string(),
        "code": text(&allergy.substance),
        "patient": context.patient_ref(),
        "recordedDate": instant(entry.provenance.recorded_at),
    });
    // A chemical met in the surroundings is an environmental allergen; "other" says nothing
    // FHIR's four categories could hold (biologic would be a guess).
    let category = match allergy.kind {
        AllergyKind::Drug => Some("medication"),
        AllergyKind::Food => Some("food"),
        AllergyKind::Chemical | AllergyKind::Environment => Some("environment"),
        AllergyKind::Other => None,
    };
    if let Some(category) = category {
        resource["category"] = json!([category]);
    }
    if let Some(severity) = allergy.severity {
        resource["criticality"] = json!(match severity {
            Severity::Severe => "high",
            Severity::Mild | Severity::Moderate => "low",
        });
    }
    // R4 forbids a clinical status on an entered-in-error record (ait-2).
    if is_in_error(entry) {
        resource["verificationStatus"] = concept(
            codes::ALLERGY_VERIFICATION,
            "entered-in-error",
            "Entered in Error",
        );
    } else {
        resource["clinicalStatus"] = concept(codes::ALLERGY_CLINICAL, "active", "Active");
        resource["verificationStatus"] = if entry.provenance.self_reported {
            concept(codes::ALLERGY_VERIFICATION, "unconfirmed", "Unconfirmed")
        } else {
            concept(codes::ALLERGY_VERIFICATION, "confirmed", "Confirmed")
        };
    }
    if let Some(reaction) = &allergy.reaction {
        let mut item = json!({ "manifestation": [text(reaction)] });
        if let Some(severity) = allergy.severity {
            item["severity"] = json!(match severity {
                Severity::Mild => "mild",
                Severity::Moderate => "moderate",
                Severity::Severe => "severe",
            });
        }
        resource["reaction"] = json!([item]);
    }
    resource
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

fn disease_code(disease: ChecklistDisease, icd10: Option<&str>) -> Value {
    let mut code = text(disease_name(disease));
    if let Some(icd10) = icd10 {
        code["coding"] = json!([{ "system": codes::ICD10, "code": icd10 }]);
    }
    code
}

fn problem(context: &Context, entry: &BookEntry, code: Value) -> Value {
    let mut condition = json!({
        "resourceType": "Condition",
        "id": entry.entry_id.to_string(),
        "category": [concept(codes::CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": code,
        "subject": context.patient_ref(),
        "recordedDate": instant(entry.provenance.recorded_at),
    });
    condition_status(&mut condition, entry);
    condition
}

pub fn past_disease(context: &Context, entry: &BookEntry, past: &PastDisease) -> Value {
    let mut condition = problem(
        context,
        entry,
        disease_code(past.disease, past.icd10.as_deref()),
    );
    if let Some(year) = past.since_year {
        condition["onsetDateTime"] = json!(format!("{year:04}"));
    }
    if let Some(note) = &past.note {
        condition["note"] = json!([{ "text": note }]);
    }
    condition
}

pub fn disability(context: &Context, entry: &BookEntry, disability: &Disability) -> Value {
    let kind = match disability.kind {
        DisabilityKind::Vision => "Khuyết tật nhìn",
        DisabilityKind::Hearing => "Khuyết tật nghe",
        DisabilityKind::Speech => "Khuyết tật nói",
        DisabilityKind::Mobility => "Khuyết tật vận động",
        DisabilityKind::Intellectual => "Khuyết tật trí tuệ",
        DisabilityKind::Mental => "Khuyết tật thần kinh, tâm thần",
        DisabilityKind::Other => "Khuyết tật khác",
    };
    let mut condition = problem(context, entry, text(kind));
    if let Some(detail) = &disability.detail {
        condition["note"] = json!([{ "text": detail }]);
    }
    condition
}

pub fn surgery(context: &mut Context, entry: &BookEntry, surgery: &Surgery) -> Value {
    let mut procedure = json!({
        "resourceType": "Procedure",
        "id": entry.entry_id.to_string(),
        "status": completed_or_in_error(entry),
        "code": text(&surgery.procedure),
        "subject": context.patient_ref(),
    });
    if let Some(year) = surgery.year {
        procedure["performedDateTime"] = json!(format!("{year:04}"));
    }
    if let Some(facility) = &surgery.facility {
        procedure["performer"] = json!([{ "actor": { "display": facility } }]);
    }
    if let Some(note) = &surgery.note {
        procedure["note"] = json!([{ "text": note }]);
    }
    procedure
}

pub fn family_history(context: &Context, entry: &BookEntry, history: &FamilyHistory) -> Value {
    let (code, display) = match history.relative {
        Relative::Father => ("FTH", "father"),
        Relative::Mother => ("MTH", "mother"),
        Relative::Sibling => ("SIB", "sibling"),
        Relative::Grandparent => ("GRPRN", "grandparent"),
        Relative::Child => ("CHILD", "child"),
        Relative::Other => ("FAMMEMB", "family member"),
    };
    let mut condition = json!({ "code": disease_code(history.disease, history.icd10.as_deref()) });
    if let Some(note) = &history.note {
        condition["note"] = json!([{ "text": note }]);
    }
    json!({
        "resourceType": "FamilyMemberHistory",
        "id": entry.entry_id.to_string(),
        "status": completed_or_in_error(entry),
        "patient": context.patient_ref(),
        "date": instant(entry.provenance.recorded_at),
        "relationship": concept(codes::V3_ROLE_CODE, code, display),
        "condition": [condition],
    })
}

pub fn immunization(context: &mut Context, entry: &BookEntry, dose: &Immunization) -> Value {
    let mut resource = json!({
        "resourceType": "Immunization",
        "id": entry.entry_id.to_string(),
        "status": completed_or_in_error(entry),
        "vaccineCode": {
            "coding": [{ "system": codes::CS_VACCINE_PRODUCT, "code": dose.product }],
            "text": dose.product,
        },
        "patient": context.patient_ref(),
        "occurrenceDateTime": dose.administered_on.format("%Y-%m-%d").to_string(),
        "recorded": instant(entry.provenance.recorded_at),
        "primarySource": !entry.provenance.self_reported,
    });
    let mut protocol = json!({ "doseNumberPositiveInt": dose.dose_number.max(1) });
    if !dose.antigens.is_empty() {
        protocol["targetDisease"] = dose.antigens.iter().map(|a| text(a)).collect();
    }
    resource["protocolApplied"] = json!([protocol]);
    if let Some(lot) = &dose.lot {
        resource["lotNumber"] = json!(lot);
    }
    if let Some(site) = &dose.site {
        resource["site"] = text(site);
    }
    if let Some(route) = &dose.route {
        resource["route"] = text(route);
    }
    let facility = context.facility_ref(
        dose.facility_id.or(entry.provenance.facility_id),
        entry.provenance.facility_name.as_deref(),
    );
    if let Some(actor) = facility {
        resource["performer"] = json!([{
            "function": concept(codes::V2_PERFORMER_FUNCTION, "AP", "Administering Provider"),
            "actor": actor,
        }]);
    }
    if let Some(note) = &dose.note {
        resource["note"] = json!([{ "text": note }]);
    }
    resource
}
