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
mod datatypes;
pub mod exchange;
mod governance;
mod history;
mod observation;
mod patient;
#[cfg(test)]
mod tests;

use crate::book::{AccessLogEntry, Administrative, BookEntry, Consent, EntryBody, EntryStatus};
use crate::ids::Sex;
use chrono::{DateTime, NaiveDate, Utc};
use datatypes::{AsText, Meta, Reference, When};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;
use uuid::fmt::Urn;

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

/// A FHIR R4 Bundle of type `collection`, borrowing from the export it was made of.
///
/// It is typed structures all the way down and becomes JSON in one pass when serialised: no
/// `serde_json::Value` tree is built, so a book of thousands of resources costs one walk and
/// the bytes, not a copy of every string into a tree and the tree's drop.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType")]
pub struct Bundle<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub timestamp: When,
    pub entry: Vec<BundleEntry<'a>>,
}

impl Bundle<'_> {
    /// The Bundle as JSON bytes, written in one pass into a buffer reserved for about a
    /// kibibyte a resource (a 500-entry book's 3,000 resources are 2.8 MB), so that the
    /// buffer is not copied again each time it doubles. Capacity left unused is never touched.
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(1024 * (self.entry.len() + 1));
        serde_json::to_writer(&mut bytes, self)?;
        Ok(bytes)
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry<'a> {
    pub full_url: Urn,
    pub resource: Resource<'a>,
}

/// Every resource the export writes. Each carries its own `resourceType`, so the enum adds
/// nothing to the JSON. Each is boxed: an enum is as large as its largest variant, and the
/// thousands of small Observations of a book should not each take a Consent's room.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Resource<'a> {
    Patient(Box<patient::Patient<'a>>),
    RelatedPerson(Box<patient::RelatedPerson<'a>>),
    Organization(Box<patient::Organization<'a>>),
    AllergyIntolerance(Box<history::AllergyIntolerance<'a>>),
    Condition(Box<clinical::Condition<'a>>),
    Procedure(Box<history::Procedure<'a>>),
    FamilyMemberHistory(Box<history::FamilyMemberHistory<'a>>),
    Immunization(Box<history::Immunization<'a>>),
    Encounter(Box<clinical::Encounter<'a>>),
    Observation(Box<observation::Observation<'a>>),
    MedicationRequest(Box<clinical::MedicationRequest<'a>>),
    Provenance(Box<governance::Provenance<'a>>),
    Consent(Box<governance::Consent<'a>>),
    AuditEvent(Box<governance::AuditEvent<'a>>),
}

impl Resource<'_> {
    pub fn id(&self) -> Uuid {
        match self {
            Resource::Patient(r) => r.id,
            Resource::RelatedPerson(r) => r.id,
            Resource::Organization(r) => r.id,
            Resource::AllergyIntolerance(r) => r.id,
            Resource::Condition(r) => r.id,
            Resource::Procedure(r) => r.id,
            Resource::FamilyMemberHistory(r) => r.id,
            Resource::Immunization(r) => r.id,
            Resource::Encounter(r) => r.id,
            Resource::Observation(r) => r.id,
            Resource::MedicationRequest(r) => r.id,
            Resource::Provenance(r) => r.id,
            Resource::Consent(r) => r.id,
            Resource::AuditEvent(r) => r.id,
        }
    }
}

/// The export as a FHIR R4 Bundle of type `collection`.
pub fn bundle<'a>(export: &Export<'a>) -> Bundle<'a> {
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
            made.iter().map(Resource::id).collect()
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
    Bundle {
        id: bundle_id(export),
        meta: Meta {
            version_id: None,
            last_updated: When::At(export.generated_at),
            security: Vec::new(),
        },
        type_: "collection",
        timestamp: When::At(export.generated_at),
        entry: resources
            .into_iter()
            .map(|resource| BundleEntry {
                full_url: resource.id().urn(),
                resource,
            })
            .collect(),
    }
}

fn entry_resources<'a>(context: &mut Context<'a>, entry: &'a BookEntry) -> Vec<Resource<'a>> {
    match &entry.body {
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
        EntryBody::Observation(value) => vec![observation::reading(context, entry, value)],
    }
}

/// What every resource made of an entry says of it: its version, when it was recorded, and
/// the security labels of its sensitive category (an encounter's own category when the
/// entry has none).
pub(crate) fn entry_meta(entry: &BookEntry) -> Meta<'static> {
    let category = match &entry.body {
        EntryBody::Encounter(value) => entry.category.or(value.category),
        _ => entry.category,
    };
    Meta {
        version_id: Some(AsText(entry.version)),
        last_updated: When::At(entry.provenance.recorded_at),
        security: category.map(codes::security_labels).unwrap_or_default(),
    }
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

/// A FHIR `instant`/`dateTime` as text: always with a zone, as UTC.
pub(crate) fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
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

    pub(crate) fn patient_ref(&self) -> Reference<'a> {
        Reference::named(self.patient.citizen_id, &self.patient.full_name)
    }

    /// A reference to a known facility (which then comes as an Organization), or its name
    /// alone when the export was not given it.
    pub(crate) fn facility_ref(
        &mut self,
        id: Option<Uuid>,
        name: Option<&'a str>,
    ) -> Option<Reference<'a>> {
        if let Some(facility) = id.and_then(|id| self.facilities.get(&id)) {
            self.referred.insert(facility.id);
            return Some(Reference::named(facility.id, &facility.name));
        }
        name.map(Reference::display)
    }

    /// The guardian who is named, as a reference to their RelatedPerson.
    pub(crate) fn guardian_ref(&self, name: &str) -> Option<Reference<'a>> {
        self.patient
            .guardians
            .iter()
            .find(|g| g.full_name == name)
            .map(|g| Reference::named(patient::related_person_id(self.patient, g), &g.full_name))
    }

    fn organizations(&self) -> Vec<Resource<'a>> {
        self.referred
            .iter()
            .filter_map(|id| self.facilities.get(id))
            .map(|facility| patient::organization(facility))
            .collect()
    }
}
