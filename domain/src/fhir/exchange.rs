//! A dose exchanged with another system as a FHIR R4 `Immunization`: read in from a
//! service-vaccination system or the national immunisation system, and written out alone for
//! them.
//!
//! Reading is strict: a resource that does not say plainly which dose of which vaccine was
//! given to whom on which day is refused with a stable reason, never completed by a guess. The
//! person is named by a contained Patient (national identifier and birth date), the form in
//! which a dose travels without the sender's patient registry; the source system's id is the
//! first `identifier` with both a system and a value, and makes a re-sent resource the same
//! dose.
//!
//! Writing reuses the book's rendering of a dose (`history::immunization`) and adds what a
//! dose travelling alone needs: its identifier, and the contained Patient when the reader may
//! see the national identifier.

pub use super::codes::{CS_VACCINE_PRODUCT, SID_IMMUNIZATION, SID_NATIONAL_ID};

use super::codes;
use super::datatypes::{Identifier, Meta, Reference, When};
use super::history::{self, ContainedPatient};
use super::{Context, Export, FacilityFacts, PatientFacts, Resource};
use crate::ProblemCode;
use crate::book::{BookEntry, EntryBody, Immunization as Dose};
use crate::booking::time::local_date;
use crate::vaccine::CatalogueEntry;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use uuid::fmt::Urn;

/// The id of the contained Patient of an exchanged dose.
const PATIENT: &str = "patient";

/// Why a resource was not imported. Each is a problem code, so that the answer to one resource
/// and a line of a bulk report say the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not JSON, not an Immunization, or an element of the wrong shape.
    Malformed,
    /// No identifier with a system and a value: the dose could not be imported only once.
    NoSourceId,
    /// Neither `completed` nor `entered-in-error` (`not-done`), or an error mark for a dose
    /// never imported.
    StatusNotCompleted,
    /// No coding of the catalogue's code system that names one of its vaccines.
    UnknownVaccineCode,
    /// No citizen with that national identifier and birth date (or the resource names neither).
    PatientNotMatched,
    /// No day of occurrence.
    MissingOccurrence,
    /// A day of occurrence after today.
    FutureDate,
}

impl Refusal {
    pub fn problem(self) -> ProblemCode {
        match self {
            Refusal::Malformed => ProblemCode::FhirMalformed,
            Refusal::NoSourceId => ProblemCode::FhirSourceIdMissing,
            Refusal::StatusNotCompleted => ProblemCode::FhirStatusNotCompleted,
            Refusal::UnknownVaccineCode => ProblemCode::FhirUnknownVaccineCode,
            Refusal::PatientNotMatched => ProblemCode::FhirPatientNotMatched,
            Refusal::MissingOccurrence => ProblemCode::FhirOccurrenceMissing,
            Refusal::FutureDate => ProblemCode::FhirOccurrenceInFuture,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.problem().as_str()
    }
}

/// The source system's id of a dose.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SourceId {
    pub system: String,
    pub value: String,
}

/// Who the dose is about, as the sender names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientKey {
    pub national_id: String,
    pub birth_date: NaiveDate,
}

/// What a resource asks: record (or correct) a dose, or withdraw one imported earlier.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    Given(Box<ImportedDose>),
    EnteredInError(SourceId),
}

impl Imported {
    pub fn source(&self) -> &SourceId {
        match self {
            Imported::Given(dose) => &dose.source,
            Imported::EnteredInError(source) => source,
        }
    }
}

/// A dose given elsewhere, as the book will hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedDose {
    pub source: SourceId,
    pub patient: PatientKey,
    pub vaccine: &'static CatalogueEntry,
    pub given_on: NaiveDate,
    pub dose_number: Option<u32>,
    pub lot: Option<String>,
    pub site: Option<String>,
    pub route: Option<String>,
    pub performer: Option<String>,
    pub note: Option<String>,
}

impl ImportedDose {
    /// The book's dose. A dose number the sender did not state is the first: the book keeps
    /// the number as given, and the schedule engine counts doses by their days, not by it.
    pub fn body(&self, antigens: Vec<String>) -> Dose {
        let note = match (&self.performer, &self.note) {
            (Some(performer), Some(note)) => Some(format!("{performer}: {note}")),
            (Some(performer), None) => Some(performer.clone()),
            (None, note) => note.clone(),
        };
        Dose {
            product: self.vaccine.code.to_owned(),
            trade_name: None,
            antigens,
            dose_number: self.dose_number.unwrap_or(1),
            administered_on: self.given_on,
            lot: self.lot.clone(),
            facility_id: None,
            site: self.site.clone(),
            route: self.route.clone(),
            note,
        }
    }

    /// What a re-sent resource is compared on: the same fingerprint is the same version.
    pub fn fingerprint(&self) -> String {
        let fields = [
            self.vaccine.code.to_owned(),
            self.given_on.to_string(),
            self.dose_number.map(|n| n.to_string()).unwrap_or_default(),
            self.lot.clone().unwrap_or_default(),
            self.site.clone().unwrap_or_default(),
            self.route.clone().unwrap_or_default(),
            self.performer.clone().unwrap_or_default(),
            self.note.clone().unwrap_or_default(),
        ];
        fields.join("\u{1f}")
    }
}

/// Reads one Immunization (JSON text) as of `now`.
pub fn parse_immunization(text: &str, now: DateTime<Utc>) -> Result<Imported, Refusal> {
    let resource: In = serde_json::from_str(text).map_err(|_| Refusal::Malformed)?;
    if resource.resource_type != "Immunization" {
        return Err(Refusal::Malformed);
    }
    let source = resource
        .identifier
        .iter()
        .find_map(|id| match (&id.system, &id.value) {
            (Some(system), Some(value)) if !system.is_empty() && !value.is_empty() => {
                Some(SourceId {
                    system: system.clone(),
                    value: value.clone(),
                })
            }
            _ => None,
        })
        .ok_or(Refusal::NoSourceId)?;
    match resource.status.as_deref() {
        Some("completed") => {}
        Some("entered-in-error") => return Ok(Imported::EnteredInError(source)),
        Some("not-done") => return Err(Refusal::StatusNotCompleted),
        _ => return Err(Refusal::Malformed),
    }
    let vaccine = resource
        .vaccine_code
        .as_ref()
        .map(|c| c.coding.as_slice())
        .unwrap_or_default()
        .iter()
        .find_map(|c| codes::vaccine_of(c.system.as_deref()?, c.code.as_deref()?))
        .ok_or(Refusal::UnknownVaccineCode)?;
    let patient = patient_key(&resource)?;
    let given_on = occurrence(resource.occurrence_date_time.as_deref())?;
    if given_on > local_date(now) {
        return Err(Refusal::FutureDate);
    }
    let dose_number = match resource.protocol_applied.as_slice() {
        [] => None,
        [one] => one.dose_number_positive_int,
        _ => return Err(Refusal::Malformed),
    };
    if dose_number == Some(0) {
        return Err(Refusal::Malformed);
    }
    if resource
        .dose_quantity
        .as_ref()
        .is_some_and(|q| q.value.is_some_and(|v| !v.is_finite() || v <= 0.0))
    {
        return Err(Refusal::Malformed);
    }
    let notes: Vec<&str> = resource
        .note
        .iter()
        .filter_map(|n| n.text.as_deref())
        .collect();
    Ok(Imported::Given(Box::new(ImportedDose {
        source,
        patient,
        vaccine,
        given_on,
        dose_number,
        lot: resource.lot_number.filter(|l| !l.trim().is_empty()),
        site: resource.site.as_ref().and_then(InConcept::words),
        route: resource.route.as_ref().and_then(InConcept::words),
        performer: resource
            .performer
            .iter()
            .find_map(|p| p.actor.as_ref()?.display.clone()),
        note: (!notes.is_empty()).then(|| notes.join("\n")),
    })))
}

/// The source id of a resource that was refused, for the report: read on its own, so that a
/// line refused for another reason is still named.
pub fn source_id(text: &str) -> Option<SourceId> {
    #[derive(Deserialize)]
    struct Named {
        #[serde(default)]
        identifier: Vec<InIdentifier>,
    }
    let named: Named = serde_json::from_str(text).ok()?;
    named
        .identifier
        .into_iter()
        .find_map(|id| match (id.system, id.value) {
            (Some(system), Some(value)) if !system.is_empty() && !value.is_empty() => {
                Some(SourceId { system, value })
            }
            _ => None,
        })
}

fn patient_key(resource: &In) -> Result<PatientKey, Refusal> {
    let local = resource
        .patient
        .as_ref()
        .and_then(|p| p.reference.as_deref())
        .and_then(|r| r.strip_prefix('#'))
        .ok_or(Refusal::PatientNotMatched)?;
    let patient = resource
        .contained
        .iter()
        .find(|c| c.resource_type == "Patient" && c.id.as_deref() == Some(local))
        .ok_or(Refusal::PatientNotMatched)?;
    let national_id = patient
        .identifier
        .iter()
        .find(|i| i.system.as_deref() == Some(SID_NATIONAL_ID))
        .and_then(|i| i.value.clone())
        .ok_or(Refusal::PatientNotMatched)?;
    let birth_date = patient
        .birth_date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or(Refusal::PatientNotMatched)?;
    Ok(PatientKey {
        national_id,
        birth_date,
    })
}

/// The day of a FHIR `dateTime`: a full date, or an instant taken at Việt Nam's date. A year or
/// a month alone does not say which dose of a series it was.
fn occurrence(value: Option<&str>) -> Result<NaiveDate, Refusal> {
    let value = value.ok_or(Refusal::MissingOccurrence)?;
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(day);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(local_date(at.with_timezone(&Utc)));
    }
    if value.len() < 10 && value.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return Err(Refusal::MissingOccurrence);
    }
    Err(Refusal::Malformed)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct In {
    resource_type: String,
    #[serde(default)]
    identifier: Vec<InIdentifier>,
    status: Option<String>,
    vaccine_code: Option<InConcept>,
    patient: Option<InReference>,
    #[serde(default)]
    contained: Vec<InContained>,
    occurrence_date_time: Option<String>,
    lot_number: Option<String>,
    site: Option<InConcept>,
    route: Option<InConcept>,
    dose_quantity: Option<InQuantity>,
    #[serde(default)]
    protocol_applied: Vec<InProtocol>,
    #[serde(default)]
    performer: Vec<InPerformer>,
    #[serde(default)]
    note: Vec<InAnnotation>,
}

#[derive(Deserialize)]
struct InIdentifier {
    system: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
struct InCoding {
    system: Option<String>,
    code: Option<String>,
    display: Option<String>,
}

#[derive(Deserialize)]
struct InConcept {
    #[serde(default)]
    coding: Vec<InCoding>,
    text: Option<String>,
}

impl InConcept {
    /// The concept as the book keeps a site or a route: its words, else a code's display or the
    /// code itself.
    fn words(&self) -> Option<String> {
        self.text
            .clone()
            .or_else(|| self.coding.iter().find_map(|c| c.display.clone()))
            .or_else(|| self.coding.iter().find_map(|c| c.code.clone()))
            .filter(|w| !w.trim().is_empty())
    }
}

#[derive(Deserialize)]
struct InReference {
    reference: Option<String>,
    display: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InContained {
    resource_type: String,
    id: Option<String>,
    #[serde(default)]
    identifier: Vec<InIdentifier>,
    birth_date: Option<String>,
}

#[derive(Deserialize)]
struct InQuantity {
    value: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InProtocol {
    dose_number_positive_int: Option<u32>,
}

#[derive(Deserialize)]
struct InPerformer {
    actor: Option<InReference>,
}

#[derive(Deserialize)]
struct InAnnotation {
    text: Option<String>,
}

/// A citizen's doses as a FHIR `searchset` Bundle: each dose a match, the facilities they name
/// included.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType")]
pub struct Bundle<'a> {
    pub id: Uuid,
    pub meta: Meta<'a>,
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub timestamp: When,
    pub total: usize,
    pub entry: Vec<SearchEntry<'a>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchEntry<'a> {
    pub full_url: Urn,
    pub resource: Resource<'a>,
    pub search: Search,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Search {
    pub mode: &'static str,
}

/// The doses among `entries` (the latest version of each) as a searchset. The national
/// identifier travels, in each dose's contained Patient, only when `patient` carries it (the
/// reader may see section I).
pub fn immunizations<'a>(
    patient: &'a PatientFacts,
    entries: &'a [BookEntry],
    facilities: &'a [FacilityFacts],
    generated_at: DateTime<Utc>,
) -> Bundle<'a> {
    let export = Export {
        patient,
        entries,
        consents: &[],
        access_log: &[],
        facilities,
        generated_at,
        since: None,
    };
    let mut context = Context::new(&export);
    let mut matches = Vec::new();
    for entry in entries {
        if let EntryBody::Immunization(dose) = &entry.body {
            matches.push(alone(&mut context, patient, entry, dose));
        }
    }
    let total = matches.len();
    let mut entry: Vec<SearchEntry> = matches
        .into_iter()
        .map(|resource| SearchEntry {
            full_url: resource.id().urn(),
            resource,
            search: Search { mode: "match" },
        })
        .collect();
    entry.extend(
        context
            .organizations()
            .into_iter()
            .map(|resource| SearchEntry {
                full_url: resource.id().urn(),
                resource,
                search: Search { mode: "include" },
            }),
    );
    Bundle {
        id: Uuid::new_v5(
            &patient.citizen_id,
            format!("immunizations/{}", super::instant(generated_at)).as_bytes(),
        ),
        meta: Meta {
            version_id: None,
            last_updated: When::At(generated_at),
            security: Vec::new(),
        },
        type_: "searchset",
        timestamp: When::At(generated_at),
        total,
        entry,
    }
}

/// One dose as it travels alone: the book's rendering, with its identifier and its patient.
fn alone<'a>(
    context: &mut Context<'a>,
    patient: &'a PatientFacts,
    entry: &'a BookEntry,
    dose: &'a Dose,
) -> Resource<'a> {
    let mut resource = history::immunization(context, entry, dose);
    if let Resource::Immunization(immunization) = &mut resource {
        immunization.identifier = vec![Identifier {
            use_: Some("official"),
            type_: None,
            system: SID_IMMUNIZATION,
            value: entry.entry_id.to_string().into(),
        }];
        if let Some(national_id) = patient.national_id.as_deref() {
            immunization.contained = vec![ContainedPatient {
                resource_type: "Patient",
                id: PATIENT,
                identifier: [Identifier {
                    use_: Some("official"),
                    type_: None,
                    system: SID_NATIONAL_ID,
                    value: national_id.into(),
                }],
                birth_date: When::Day(patient.date_of_birth),
            }];
            immunization.patient = Reference {
                display: Some(&patient.full_name),
                ..Reference::contained(PATIENT)
            };
        }
    }
    resource
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn now() -> DateTime<Utc> {
        "2026-12-07T03:00:00Z".parse().unwrap_or_default()
    }

    fn given() -> Value {
        json!({
            "resourceType": "Immunization",
            "contained": [{
                "resourceType": "Patient",
                "id": "p",
                "identifier": [{"system": SID_NATIONAL_ID, "value": "001090000001"}],
                "birthDate": "1990-05-17",
            }],
            "identifier": [{"system": "urn:oid:2.16.704.1", "value": "42"}],
            "status": "completed",
            "vaccineCode": {"coding": [{"system": CS_VACCINE_PRODUCT, "code": "bcg"}]},
            "patient": {"reference": "#p"},
            "occurrenceDateTime": "2021-07-15T08:30:00+07:00",
            "lotNumber": "L1",
            "site": {"text": "left arm"},
            "protocolApplied": [{"doseNumberPositiveInt": 2}],
            "performer": [{"actor": {"display": "Trạm y tế Xuân Phương"}}],
        })
    }

    fn parse(value: &Value) -> Result<Imported, Refusal> {
        parse_immunization(&value.to_string(), now())
    }

    fn with(mut value: Value, path: &str, replacement: Value) -> Value {
        if let Some(slot) = value.pointer_mut(path) {
            *slot = replacement;
        }
        value
    }

    #[test]
    fn a_completed_dose_reads_into_the_book_s_terms() {
        let Ok(Imported::Given(dose)) = parse(&given()) else {
            panic!("refused");
        };
        assert_eq!(dose.source.value, "42");
        assert_eq!(dose.vaccine.code, "bcg");
        assert_eq!(
            dose.given_on,
            NaiveDate::from_ymd_opt(2021, 7, 15).unwrap_or_default()
        );
        assert_eq!(dose.dose_number, Some(2));
        assert_eq!(dose.patient.national_id, "001090000001");
        assert_eq!(dose.site.as_deref(), Some("left arm"));
        let body = dose.body(vec!["tuberculosis".to_owned()]);
        assert_eq!(body.product, "bcg");
        assert_eq!(body.note.as_deref(), Some("Trạm y tế Xuân Phương"));
    }

    #[test]
    fn each_fault_has_its_own_reason() {
        let cases = [
            (
                with(given(), "/status", json!("not-done")),
                Refusal::StatusNotCompleted,
            ),
            (with(given(), "/status", json!("done")), Refusal::Malformed),
            (
                with(given(), "/identifier", json!([{"value": "42"}])),
                Refusal::NoSourceId,
            ),
            (
                with(given(), "/vaccineCode/coding/0/code", json!("nope")),
                Refusal::UnknownVaccineCode,
            ),
            (
                with(
                    given(),
                    "/vaccineCode/coding/0/system",
                    json!("http://hl7.org/fhir/sid/cvx"),
                ),
                Refusal::UnknownVaccineCode,
            ),
            (
                with(given(), "/patient/reference", json!("Patient/1")),
                Refusal::PatientNotMatched,
            ),
            (
                with(given(), "/contained/0/birthDate", json!("1990")),
                Refusal::PatientNotMatched,
            ),
            (
                with(given(), "/occurrenceDateTime", json!("2021-07")),
                Refusal::MissingOccurrence,
            ),
            (
                with(given(), "/occurrenceDateTime", json!("2026-12-08")),
                Refusal::FutureDate,
            ),
            (
                with(given(), "/occurrenceDateTime", json!("yesterday")),
                Refusal::Malformed,
            ),
            (
                with(given(), "/resourceType", json!("Observation")),
                Refusal::Malformed,
            ),
            (with(given(), "/lotNumber", json!(7)), Refusal::Malformed),
        ];
        for (value, refusal) in cases {
            assert_eq!(parse(&value).err(), Some(refusal), "{value}");
        }
        assert_eq!(
            parse_immunization("{", now()).err(),
            Some(Refusal::Malformed)
        );
        let mut undated = given();
        if let Some(map) = undated.as_object_mut() {
            map.remove("occurrenceDateTime");
        }
        assert_eq!(parse(&undated).err(), Some(Refusal::MissingOccurrence));
    }

    #[test]
    fn an_error_mark_needs_only_the_source_id() {
        let marked = json!({
            "resourceType": "Immunization",
            "identifier": [{"system": "urn:oid:2.16.704.1", "value": "42"}],
            "status": "entered-in-error",
        });
        assert_eq!(
            parse(&marked),
            Ok(Imported::EnteredInError(SourceId {
                system: "urn:oid:2.16.704.1".to_owned(),
                value: "42".to_owned(),
            }))
        );
    }

    #[test]
    fn the_same_content_is_the_same_version() {
        let (Ok(Imported::Given(a)), Ok(Imported::Given(b)), Ok(Imported::Given(c))) = (
            parse(&given()),
            parse(&given()),
            parse(&with(given(), "/lotNumber", json!("L2"))),
        ) else {
            panic!("refused");
        };
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn the_vaccine_coding_reads_back_as_the_same_vaccine() {
        let coding = codes::vaccine_coding("penta");
        assert_eq!(
            codes::vaccine_of(coding.system, coding.code).map(|v| v.code),
            Some("penta")
        );
    }
}
