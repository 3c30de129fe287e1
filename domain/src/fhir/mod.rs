//! The health book as a FHIR R4 (4.0.1) Bundle, for the citizen to take elsewhere and for
//! facilities' systems to read.
//!
//! The Bundle is of type `collection`: it is a set of resources gathered for one patient, not
//! the answer to a search (a `searchset` needs `entry.search` and a `total`, and promises that
//! every entry matched a query), nor a signed clinical `document` (which needs a Composition
//! and fixes its content). A collection says only what this is: the book, as of `timestamp`.
//!
//! Ids are stable: a resource that stands for one of our records keeps that record's id (the
//! entry, the consent, the access-log line, the citizen, the facility); resources that one entry
//! yields several of (an encounter's vital signs, diagnoses and prescriptions, a provenance per
//! version) take a UUIDv5 of the entry's id and a name for the part. An export read again later
//! so points at the same resources, and an incremental read (`since`) replaces them.
//!
//! What maps where: section I is the Patient (with its contacts and the guardians as
//! RelatedPerson); allergies are AllergyIntolerance; past diseases, disabilities and diagnoses
//! are Condition; surgeries are Procedure; family history is FamilyMemberHistory; doses are
//! Immunization; visits are Encounter with Observation (vital signs, results), Condition and
//! MedicationRequest; home readings are Observation; each entry has a Provenance, each consent
//! is a Consent, each access-log line an AuditEvent. Risk factors and reproductive history are
//! not exported yet: their coded forms (smoking status, obstetric history) need value sets we
//! have not settled.

mod clinical;
mod codes;
mod governance;
mod history;
mod patient;
#[cfg(test)]
mod tests;

use crate::book::{AccessLogEntry, Administrative, BookEntry, Consent, EntryBody, EntryStatus};
use crate::ids::Sex;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Who the book is about, as the registry and section I know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFacts {
    pub citizen_id: Uuid,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub national_id: Option<String>,
    pub insurance_number: Option<String>,
    pub administrative: Option<Administrative>,
    pub guardians: Vec<GuardianFacts>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianFacts {
    pub citizen_id: Uuid,
    pub full_name: String,
}

/// A facility the book refers to; it becomes an Organization when something points at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityFacts {
    pub id: Uuid,
    pub name: String,
    pub code: Option<String>,
}

/// What one export holds. The caller has already left out what the reader may not see.
#[derive(Debug, Clone, Copy)]
pub struct Export<'a> {
    pub patient: &'a PatientFacts,
    pub entries: &'a [BookEntry],
    pub consents: &'a [Consent],
    pub access_log: &'a [AccessLogEntry],
    pub facilities: &'a [FacilityFacts],
    pub generated_at: DateTime<Utc>,
    /// Only what was recorded after this instant (the Patient always comes).
    pub since: Option<DateTime<Utc>>,
}

/// The export as a FHIR R4 Bundle of type `collection`.
pub fn bundle(export: &Export) -> Value {
    let mut context = Context::new(export);
    let after = |at: DateTime<Utc>| export.since.is_none_or(|since| at > since);

    let mut resources = vec![patient::patient(export.patient)];
    resources.extend(patient::related_persons(export.patient));

    let mut recorded = Vec::new();
    for entry in export.entries {
        if !after(entry.provenance.recorded_at) {
            continue;
        }
        let made = entry_resources(&mut context, entry);
        let targets: Vec<Uuid> = if matches!(entry.body, EntryBody::Administrative { .. }) {
            vec![export.patient.citizen_id]
        } else {
            made.iter().filter_map(resource_id).collect()
        };
        if !targets.is_empty() {
            recorded.push(governance::provenance(&mut context, entry, &targets));
        }
        recorded.extend(made);
    }
    for consent in export.consents {
        let changed = consent
            .withdrawn_at
            .map_or(consent.valid_from, |withdrawn| {
                withdrawn.max(consent.valid_from)
            });
        if after(changed) {
            recorded.push(governance::consent(&mut context, consent));
        }
    }
    for access in export.access_log {
        if after(access.at) {
            recorded.push(governance::audit_event(&mut context, access));
        }
    }

    resources.extend(context.organizations());
    resources.extend(recorded);
    // The resources are moved into the Bundle: `json!` would copy each whole tree it embeds.
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|resource| {
            let full_url = resource_id(&resource).map(urn).unwrap_or_default();
            let mut entry = serde_json::Map::with_capacity(2);
            entry.insert("fullUrl".to_owned(), Value::String(full_url));
            entry.insert("resource".to_owned(), resource);
            Value::Object(entry)
        })
        .collect();
    let mut document = json!({
        "resourceType": "Bundle",
        "id": bundle_id(export).to_string(),
        "meta": { "lastUpdated": instant(export.generated_at) },
        "type": "collection",
        "timestamp": instant(export.generated_at),
    });
    document["entry"] = Value::Array(entries);
    document
}

fn entry_resources(context: &mut Context, entry: &BookEntry) -> Vec<Value> {
    let mut made = match &entry.body {
        EntryBody::Administrative { .. }
        | EntryBody::RiskFactors { .. }
        | EntryBody::Reproductive { .. } => Vec::new(),
        EntryBody::Allergy(value) => vec![history::allergy(context, entry, value)],
        EntryBody::Disability(value) => vec![history::disability(context, entry, value)],
        EntryBody::PastDisease(value) => vec![history::past_disease(context, entry, value)],
        EntryBody::Surgery(value) => vec![history::surgery(context, entry, value)],
        EntryBody::FamilyHistory(value) => {
            vec![history::family_history(context, entry, value)]
        }
        EntryBody::Immunization(value) => vec![history::immunization(context, entry, value)],
        EntryBody::Encounter(value) => clinical::encounter(context, entry, value),
        EntryBody::Observation(value) => vec![clinical::reading(context, entry, value)],
    };
    let category = match &entry.body {
        EntryBody::Encounter(value) => entry.category.or(value.category),
        _ => entry.category,
    };
    for resource in &mut made {
        resource["meta"] = entry_meta(entry, category);
    }
    made
}

fn entry_meta(entry: &BookEntry, category: Option<crate::book::Category>) -> Value {
    let mut meta = json!({
        "versionId": entry.version.to_string(),
        "lastUpdated": instant(entry.provenance.recorded_at),
    });
    if let Some(category) = category {
        meta["security"] = Value::Array(codes::security_labels(category));
    }
    meta
}

/// The same export yields the same Bundle id; a later one (or another `since`) another.
fn bundle_id(export: &Export) -> Uuid {
    let name = format!(
        "bundle/{}/{}",
        instant(export.generated_at),
        export.since.map(instant).unwrap_or_default()
    );
    Uuid::new_v5(&export.patient.citizen_id, name.as_bytes())
}

/// The id of a resource one entry yields several of: stable for the entry and the part.
pub(crate) fn derived_id(base: Uuid, part: &str) -> Uuid {
    Uuid::new_v5(&base, part.as_bytes())
}

pub(crate) fn urn(id: Uuid) -> String {
    format!("urn:uuid:{id}")
}

pub(crate) fn reference(id: Uuid, display: Option<&str>) -> Value {
    let mut value = json!({ "reference": urn(id) });
    if let Some(display) = display {
        value["display"] = json!(display);
    }
    value
}

/// A FHIR `instant`/`dateTime`: always with a zone, as UTC.
pub(crate) fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn resource_id(resource: &Value) -> Option<Uuid> {
    resource["id"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok())
}

fn is_in_error(entry: &BookEntry) -> bool {
    entry.status == EntryStatus::EnteredInError
}

/// What the resources of one export share: the patient, and the facilities referred to so far.
pub(crate) struct Context<'a> {
    patient: &'a PatientFacts,
    facilities: BTreeMap<Uuid, &'a FacilityFacts>,
    referred: BTreeSet<Uuid>,
    generated_at: DateTime<Utc>,
}

impl<'a> Context<'a> {
    fn new(export: &Export<'a>) -> Context<'a> {
        Context {
            patient: export.patient,
            facilities: export.facilities.iter().map(|f| (f.id, f)).collect(),
            referred: BTreeSet::new(),
            generated_at: export.generated_at,
        }
    }

    pub(crate) fn patient_ref(&self) -> Value {
        reference(self.patient.citizen_id, Some(&self.patient.full_name))
    }

    /// A reference to a known facility (which then comes as an Organization), or its name
    /// alone when the export was not given it.
    pub(crate) fn facility_ref(&mut self, id: Option<Uuid>, name: Option<&str>) -> Option<Value> {
        if let Some(facility) = id.and_then(|id| self.facilities.get(&id)) {
            self.referred.insert(facility.id);
            return Some(reference(facility.id, Some(&facility.name)));
        }
        name.map(|name| json!({ "display": name }))
    }

    /// The guardian who is named, as a reference to their RelatedPerson.
    pub(crate) fn guardian_ref(&self, name: &str) -> Option<Value> {
        self.patient
            .guardians
            .iter()
            .find(|g| g.full_name == name)
            .map(|g| {
                reference(
                    patient::related_person_id(self.patient, g),
                    Some(&g.full_name),
                )
            })
    }

    fn organizations(&self) -> Vec<Value> {
        self.referred
            .iter()
            .filter_map(|id| self.facilities.get(id))
            .map(|facility| patient::organization(facility))
            .collect()
    }
}
