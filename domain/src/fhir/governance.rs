//! Where each entry came from (Provenance), what the citizen agreed to share (Consent), and who
//! looked (AuditEvent, after IHE BALP's patterns as far as R4 carries them).

use super::codes;
use super::datatypes::{
    CodeableConcept, Coding, Period, Reference, Text, When, coding, concept, text,
};
use super::{Context, Resource, derived_id};
use crate::book::{
    AccessAction, AccessBasis, AccessLogEntry, AuthorRole, BookEntry, Category, Consent as Grant,
    ConsentStatus, EntryStatus, Purpose, Section,
};
use base64::Engine;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType")]
pub struct Provenance<'a> {
    pub id: Uuid,
    pub target: Vec<Reference<'a>>,
    pub recorded: When,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<[CodeableConcept<'a>; 1]>,
    pub activity: CodeableConcept<'a>,
    pub agent: [ProvenanceAgent<'a>; 1],
    pub entity: [ProvenanceEntity<'a>; 1],
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvenanceAgent<'a> {
    #[serde(rename = "type")]
    pub type_: CodeableConcept<'a>,
    pub role: [CodeableConcept<'a>; 1],
    pub who: Reference<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<Reference<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceEntity<'a> {
    pub role: &'static str,
    pub what: SourceReference<'a>,
}

/// Where an entry came from, as a logical reference: an identifier in our code system.
#[derive(Debug, Clone, Serialize)]
pub struct SourceReference<'a> {
    pub identifier: SourceIdentifier<'a>,
    pub display: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceIdentifier<'a> {
    pub system: &'a str,
    pub value: &'a str,
}

/// One Provenance per entry, for its current version (a correction is a new version and so a
/// new Provenance id).
pub fn provenance<'a>(
    context: &mut Context<'a>,
    entry: &'a BookEntry,
    targets: &[Uuid],
) -> Resource<'a> {
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
        AuthorRole::FacilitySystem => {
            facility.unwrap_or_else(|| display_or(None, "facility system"))
        }
        _ => display_or(source.author_name.as_deref(), source.author_role.as_str()),
    };
    let on_behalf_of = facility.filter(|_| source.author_role != AuthorRole::FacilitySystem);
    Resource::Provenance(Box::new(Provenance {
        id: derived_id(entry.entry_id, &format!("provenance/{}", entry.version)),
        target: targets.iter().map(|id| Reference::to(*id)).collect(),
        recorded: When::At(source.recorded_at),
        reason: entry.reason.as_ref().map(|reason| [text(reason)]),
        activity: concept(codes::V3_DATA_OPERATION, activity, activity_display),
        agent: [ProvenanceAgent {
            type_: concept(codes::PROVENANCE_PARTICIPANT, "author", "Author"),
            role: [text(source.author_role.as_str())],
            who,
            on_behalf_of,
        }],
        entity: [ProvenanceEntity {
            role: "source",
            what: SourceReference {
                identifier: SourceIdentifier {
                    system: codes::CS_ENTRY_SOURCE,
                    value: source.source.as_str(),
                },
                display: source.source.as_str(),
            },
        }],
    }))
}

fn display_or<'a>(name: Option<&'a str>, fallback: &'a str) -> Reference<'a> {
    Reference::display(name.unwrap_or(fallback))
}

fn purpose_of_use(purpose: Purpose) -> Coding<'static> {
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
fn category_labels(categories: &[Category]) -> Vec<Coding<'static>> {
    let mut labels = Vec::new();
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

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct Consent<'a> {
    pub id: Uuid,
    pub status: &'static str,
    pub scope: CodeableConcept<'a>,
    pub category: [CodeableConcept<'a>; 1],
    pub patient: Reference<'a>,
    pub date_time: When,
    pub performer: [Reference<'a>; 1],
    pub source_attachment: Attachment<'a>,
    pub policy_rule: CodeableConcept<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<[Verification<'a>; 1]>,
    pub provision: Provision<'a>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment<'a> {
    pub content_type: &'static str,
    pub language: &'a str,
    pub data: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification<'a> {
    pub verified: bool,
    pub verified_with: Reference<'a>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Provision<'a> {
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub period: Period,
    pub actor: [ProvisionActor<'a>; 1],
    pub action: [CodeableConcept<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_label: Vec<Coding<'a>>,
    pub purpose: [Coding<'a>; 1],
    pub class: Vec<Coding<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionActor<'a> {
    pub role: CodeableConcept<'a>,
    pub reference: Reference<'a>,
}

pub fn consent<'a>(context: &mut Context<'a>, consent: &'a Grant) -> Resource<'a> {
    // Expired or withdrawn, the consent has ended: R4's `inactive` ("terminated or replaced").
    // `rejected` is for a consent refused when asked, which the book never records.
    let status = match consent.status {
        ConsentStatus::Active => "active",
        ConsentStatus::Expired | ConsentStatus::Withdrawn | ConsentStatus::Suspended => "inactive",
    };
    let performer = if consent.granted_by_guardian {
        context
            .guardian_ref(&consent.granted_by_name)
            .unwrap_or_else(|| Reference::display(&consent.granted_by_name))
    } else {
        context.patient_ref()
    };
    // A consent naming one practitioner opens to them alone, not to their facility.
    let reader = match &consent.practitioner_name {
        Some(practitioner) => Reference::display(practitioner),
        None => context
            .facility_ref(Some(consent.facility_id), Some(&consent.facility_name))
            .unwrap_or_else(|| Reference::display(&consent.facility_name)),
    };
    let end = match consent.withdrawn_at {
        Some(withdrawn) if withdrawn.date_naive() <= consent.valid_until => When::At(withdrawn),
        _ => When::Day(consent.valid_until),
    };
    let mut classes: Vec<Coding> = Vec::new();
    for section in &consent.sections {
        for class in section_classes(*section) {
            let class = coding(codes::RESOURCE_TYPES, class, class);
            if !classes.contains(&class) {
                classes.push(class);
            }
        }
    }
    Resource::Consent(Box::new(Consent {
        id: consent.id,
        status,
        scope: concept(codes::CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
        category: [concept(codes::LOINC, "59284-0", "Patient Consent")],
        patient: context.patient_ref(),
        date_time: When::At(consent.valid_from),
        performer: [performer],
        // The exact text shown, so the export proves what was agreed to.
        source_attachment: Attachment {
            content_type: "text/plain; charset=utf-8",
            language: &consent.text_lang,
            data: base64::engine::general_purpose::STANDARD.encode(consent.text.as_bytes()),
            title: format!(
                "Consent text {} ({})",
                consent.text_version,
                consent.channel.as_str()
            ),
        },
        policy_rule: CodeableConcept {
            coding: vec![coding(codes::V3_ACT_CODE, "OPTIN", "opt-in")],
            text: Some(Text::Owned(format!(
                "Luật 91/2025/QH15, consent text version {}",
                consent.text_version
            ))),
        },
        verification: consent.child_assent.map(|assent| {
            [Verification {
                verified: assent,
                verified_with: context.patient_ref(),
            }]
        }),
        provision: Provision {
            type_: "permit",
            period: Period {
                start: When::At(consent.valid_from),
                end: Some(end),
            },
            actor: [ProvisionActor {
                role: concept(
                    codes::V3_PARTICIPATION_TYPE,
                    "IRCP",
                    "information recipient",
                ),
                reference: reader,
            }],
            action: [concept(codes::CONSENT_ACTION, "access", "Access")],
            security_label: category_labels(&consent.categories),
            purpose: [purpose_of_use(consent.purpose)],
            class: classes,
        },
    }))
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct AuditEvent<'a> {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub type_: Coding<'a>,
    pub subtype: [Coding<'a>; 1],
    pub action: &'static str,
    pub recorded: When,
    pub outcome: &'static str,
    pub purpose_of_event: [CodeableConcept<'a>; 1],
    pub agent: Vec<AuditAgent<'a>>,
    pub source: AuditSource<'a>,
    pub entity: [AuditEntity<'a>; 1],
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditAgent<'a> {
    #[serde(rename = "type")]
    pub type_: CodeableConcept<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<[CodeableConcept<'a>; 1]>,
    pub who: Reference<'a>,
    pub requestor: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose_of_use: Option<[CodeableConcept<'a>; 1]>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditSource<'a> {
    pub observer: Reference<'a>,
    #[serde(rename = "type")]
    pub type_: [Coding<'a>; 1],
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntity<'a> {
    pub what: Reference<'a>,
    #[serde(rename = "type")]
    pub type_: Coding<'a>,
    pub role: Coding<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The party an access came from or went to, who asked for nothing (BALP's source and
/// destination roles).
fn system_agent<'a>(code: &'a str, display: &'a str, who: Reference<'a>) -> AuditAgent<'a> {
    AuditAgent {
        type_: concept(codes::DICOM, code, display),
        role: None,
        who,
        requestor: false,
        purpose_of_use: None,
    }
}

pub fn audit_event<'a>(context: &mut Context<'a>, access: &'a AccessLogEntry) -> Resource<'a> {
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
        AccessBasis::Outreach => coding(codes::V3_ACT_REASON, "PUBHLTH", "public health"),
        AccessBasis::Intake => coding(codes::V3_ACT_REASON, "RECORDMGT", "records management"),
        AccessBasis::Export => coding(codes::V3_ACT_REASON, "HPAYMT", "healthcare payment"),
        AccessBasis::Consent => match access.basis_ref.as_deref().and_then(Purpose::parse) {
            Some(purpose) => purpose_of_use(purpose),
            None => coding(codes::V3_ACT_REASON, "TREAT", "treatment"),
        },
        AccessBasis::Care | AccessBasis::Lookup => {
            coding(codes::V3_ACT_REASON, "TREAT", "treatment")
        }
    };
    let facility = context.facility_ref(access.facility_id, access.facility_name.as_deref());
    let mut agent = vec![AuditAgent {
        type_: concept(codes::V3_PARTICIPATION_TYPE, user_type.0, user_type.1),
        role: Some([text(&access.actor_role)]),
        who: Reference::display(&access.actor_name),
        requestor: true,
        purpose_of_use: Some([CodeableConcept {
            coding: vec![purpose.clone()],
            text: Some(access.basis.as_str().into()),
        }]),
    }];
    if let Some(facility) = facility {
        agent.push(system_agent("110153", "Source Role ID", facility));
    }
    agent.push(system_agent(
        "110152",
        "Destination Role ID",
        Reference::display("HealthBook"),
    ));
    let sections: Vec<&str> = access.sections.iter().map(|s| s.as_str()).collect();
    Resource::AuditEvent(Box::new(AuditEvent {
        id: access.id,
        type_: coding(codes::AUDIT_EVENT_TYPE, "rest", "Restful Operation"),
        subtype: [coding(codes::RESTFUL_INTERACTION, interaction, interaction)],
        action,
        recorded: When::At(access.at),
        outcome: "0",
        purpose_of_event: [CodeableConcept {
            coding: vec![purpose],
            text: None,
        }],
        agent,
        source: AuditSource {
            observer: Reference::display("HealthBook"),
            type_: [coding(
                codes::SECURITY_SOURCE_TYPE,
                "4",
                "Application Server",
            )],
        },
        entity: [AuditEntity {
            what: context.patient_ref(),
            type_: coding(codes::AUDIT_ENTITY_TYPE, "1", "Person"),
            role: coding(codes::OBJECT_ROLE, "1", "Patient"),
            description: (!sections.is_empty())
                .then(|| format!("sections: {}", sections.join(", "))),
        }],
    }))
}
