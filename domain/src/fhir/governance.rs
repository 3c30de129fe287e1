//! Where each entry came from (Provenance), what the citizen agreed to share (Consent), and who
//! looked (AuditEvent, after IHE BALP's patterns as far as R4 carries them).

use super::codes::{self, coding, concept, text};
use super::{Context, derived_id, instant, reference};
use crate::book::{
    AccessAction, AccessBasis, AccessLogEntry, AuthorRole, BookEntry, Category, Consent,
    ConsentStatus, EntryStatus, Purpose, Section,
};
use base64::Engine;
use serde_json::{Value, json};
use uuid::Uuid;

/// One Provenance per entry, for its current version (a correction is a new version and so a
/// new Provenance id).
pub fn provenance(context: &mut Context, entry: &BookEntry, targets: &[Uuid]) -> Value {
    let source = &entry.provenance;
    let (activity, activity_display) = match entry.status {
        EntryStatus::Recorded => ("CREATE", "create"),
        EntryStatus::Corrected => ("UPDATE", "revise"),
        EntryStatus::EnteredInError => ("NULLIFY", "nullify"),
    };
    let facility = context.facility_ref(source.facility_id, source.facility_name.as_deref());
    let who = match source.author_role {
        AuthorRole::Citizen => context.patient_ref(),
        AuthorRole::Guardian => source
            .author_name
            .as_deref()
            .and_then(|name| context.guardian_ref(name))
            .unwrap_or_else(|| display_or(source.author_name.as_deref(), "guardian")),
        AuthorRole::FacilitySystem => facility
            .clone()
            .unwrap_or_else(|| display_or(None, "facility system")),
        _ => display_or(source.author_name.as_deref(), source.author_role.as_str()),
    };
    let mut agent = json!({
        "type": concept(codes::PROVENANCE_PARTICIPANT, "author", "Author"),
        "role": [text(source.author_role.as_str())],
        "who": who,
    });
    if source.author_role != AuthorRole::FacilitySystem
        && let Some(facility) = facility
    {
        agent["onBehalfOf"] = facility;
    }
    let mut resource = json!({
        "resourceType": "Provenance",
        "id": derived_id(entry.entry_id, &format!("provenance/{}", entry.version)).to_string(),
        "target": targets.iter().map(|id| reference(*id, None)).collect::<Vec<_>>(),
        "recorded": instant(source.recorded_at),
        "activity": concept(codes::V3_DATA_OPERATION, activity, activity_display),
        "agent": [agent],
        "entity": [{
            "role": "source",
            "what": {
                "identifier": { "system": codes::CS_ENTRY_SOURCE, "value": source.source.as_str() },
                "display": source.source.as_str(),
            },
        }],
    });
    if let Some(reason) = &entry.reason {
        resource["reason"] = json!([text(reason)]);
    }
    resource
}

fn display_or(name: Option<&str>, fallback: &str) -> Value {
    json!({ "display": name.unwrap_or(fallback) })
}

fn purpose_of_use(purpose: Purpose) -> Value {
    match purpose {
        Purpose::Treatment | Purpose::FollowUp => {
            coding(codes::V3_ACT_REASON, "TREAT", "treatment")
        }
        Purpose::Referral => coding(codes::V3_ACT_REASON, "COC", "coordination of care"),
    }
}

/// The resource types a section's entries become, for `provision.class`.
fn section_classes(section: Section) -> &'static [&'static str] {
    match section {
        Section::Administrative => &["Patient", "RelatedPerson"],
        Section::History => &[
            "AllergyIntolerance",
            "Condition",
            "Procedure",
            "FamilyMemberHistory",
        ],
        Section::Immunizations => &["Immunization"],
        Section::Visits => &["Encounter", "Observation", "Condition", "MedicationRequest"],
        Section::Readings => &["Observation"],
    }
}

/// The sensitive categories a consent names, as the security labels it lets through.
fn category_labels(categories: &[Category]) -> Vec<Value> {
    let mut labels: Vec<Value> = Vec::new();
    for category in categories {
        for label in codes::security_labels(*category) {
            // Restricted is implied by every category: list it once.
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    labels
}

pub fn consent(context: &mut Context, consent: &Consent) -> Value {
    // Expired or withdrawn, the consent has ended: R4's `inactive` ("terminated or replaced").
    // `rejected` is for a consent refused when asked, which the book never records.
    let status = match consent.status {
        ConsentStatus::Active => "active",
        ConsentStatus::Expired | ConsentStatus::Withdrawn | ConsentStatus::Suspended => "inactive",
    };
    let performer = if consent.granted_by_guardian {
        context
            .guardian_ref(&consent.granted_by_name)
            .unwrap_or_else(|| json!({ "display": consent.granted_by_name }))
    } else {
        context.patient_ref()
    };
    let reader = context
        .facility_ref(Some(consent.facility_id), Some(&consent.facility_name))
        .unwrap_or_else(|| json!({ "display": consent.facility_name }));
    let valid_until = consent.valid_until.format("%Y-%m-%d").to_string();
    let end = match consent.withdrawn_at {
        Some(withdrawn) if withdrawn.date_naive() <= consent.valid_until => instant(withdrawn),
        _ => valid_until,
    };
    let mut classes: Vec<Value> = Vec::new();
    for section in &consent.sections {
        for class in section_classes(*section) {
            let class = coding(codes::RESOURCE_TYPES, class, class);
            if !classes.contains(&class) {
                classes.push(class);
            }
        }
    }
    let mut provision = json!({
        "type": "permit",
        "period": { "start": instant(consent.valid_from), "end": end },
        "actor": [{
            "role": concept(codes::V3_PARTICIPATION_TYPE, "IRCP", "information recipient"),
            "reference": reader,
        }],
        "action": [concept("http://terminology.hl7.org/CodeSystem/consentaction", "access", "Access")],
        "purpose": [purpose_of_use(consent.purpose)],
        "class": classes,
    });
    let labels = category_labels(&consent.categories);
    if !labels.is_empty() {
        provision["securityLabel"] = Value::Array(labels);
    }
    let mut resource = json!({
        "resourceType": "Consent",
        "id": consent.id.to_string(),
        "status": status,
        "scope": concept(codes::CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
        "category": [concept(codes::LOINC, "59284-0", "Patient Consent")],
        "patient": context.patient_ref(),
        "dateTime": instant(consent.valid_from),
        "performer": [performer],
        // The exact text shown, so the export proves what was agreed to.
        "sourceAttachment": {
            "contentType": "text/plain; charset=utf-8",
            "language": consent.text_lang,
            "data": base64::engine::general_purpose::STANDARD.encode(consent.text.as_bytes()),
            "title": format!("Consent text {} ({})", consent.text_version, consent.channel.as_str()),
        },
        "policyRule": {
            "coding": [coding(codes::V3_ACT_CODE, "OPTIN", "opt-in")],
            "text": format!("Luật 91/2025/QH15, consent text version {}", consent.text_version),
        },
        "provision": provision,
    });
    if let Some(assent) = consent.child_assent {
        resource["verification"] = json!([{
            "verified": assent,
            "verifiedWith": context.patient_ref(),
        }]);
    }
    resource
}

pub fn audit_event(context: &mut Context, access: &AccessLogEntry) -> Value {
    // BALP: a read is `rest`/`read` with action R; a write updates the book (U); finding a
    // patient is a search (E, `search-type`).
    let (action, interaction, user_type) = match access.action {
        AccessAction::Read => ("R", "read", ("IRCP", "information recipient")),
        AccessAction::Write => ("U", "update", ("AUT", "author (originator)")),
        AccessAction::Find => ("E", "search-type", ("IRCP", "information recipient")),
    };
    let purpose = match access.basis {
        AccessBasis::BreakGlass => coding(codes::V3_ACT_REASON, "ETREAT", "Emergency Treatment"),
        AccessBasis::Guardian => coding(codes::V3_ACT_REASON, "FAMRQT", "family requested"),
        AccessBasis::Correction => coding(codes::V3_ACT_REASON, "PATRQT", "patient requested"),
        AccessBasis::Consent => match access.basis_ref.as_deref().and_then(Purpose::parse) {
            Some(purpose) => purpose_of_use(purpose),
            None => coding(codes::V3_ACT_REASON, "TREAT", "treatment"),
        },
        AccessBasis::Care | AccessBasis::Lookup => {
            coding(codes::V3_ACT_REASON, "TREAT", "treatment")
        }
    };
    let facility = context.facility_ref(access.facility_id, access.facility_name.as_deref());
    let mut agents = vec![json!({
        "type": concept(codes::V3_PARTICIPATION_TYPE, user_type.0, user_type.1),
        "role": [text(&access.actor_role)],
        "who": { "display": access.actor_name },
        "requestor": true,
        "purposeOfUse": [{ "coding": [purpose.clone()], "text": access.basis.as_str() }],
    })];
    if let Some(facility) = facility {
        agents.push(json!({
            "type": concept(codes::DICOM, "110153", "Source Role ID"),
            "who": facility,
            "requestor": false,
        }));
    }
    agents.push(json!({
        "type": concept(codes::DICOM, "110152", "Destination Role ID"),
        "who": { "display": "HealthBook" },
        "requestor": false,
    }));
    let sections: Vec<&str> = access.sections.iter().map(|s| s.as_str()).collect();
    let mut entity = json!({
        "what": context.patient_ref(),
        "type": coding(codes::AUDIT_ENTITY_TYPE, "1", "Person"),
        "role": coding(codes::OBJECT_ROLE, "1", "Patient"),
    });
    if !sections.is_empty() {
        entity["description"] = json!(format!("sections: {}", sections.join(", ")));
    }
    json!({
        "resourceType": "AuditEvent",
        "id": access.id.to_string(),
        "type": coding(codes::AUDIT_EVENT_TYPE, "rest", "Restful Operation"),
        "subtype": [coding(codes::RESTFUL_INTERACTION, interaction, interaction)],
        "action": action,
        "recorded": instant(access.at),
        "outcome": "0",
        "purposeOfEvent": [{ "coding": [purpose] }],
        "agent": agents,
        "source": {
            "observer": { "display": "HealthBook" },
            "type": [coding(codes::SECURITY_SOURCE_TYPE, "4", "Application Server")],
        },
        "entity": [entity],
    })
}
