//! Who the book is about: Patient (from the registry's identity and section I), the guardians as
//! RelatedPerson, and the facilities as Organization.

use super::codes::{self, coding, concept};
use super::{FacilityFacts, GuardianFacts, PatientFacts, derived_id, reference};
use crate::book::administrative::{Address, Contact, Kinship};
use crate::ids::Sex;
use crate::units::{CommuneCode, commune};
use serde_json::{Value, json};
use uuid::Uuid;

pub fn patient(facts: &PatientFacts) -> Value {
    let administrative = facts.administrative.clone().unwrap_or_default();
    let mut identifiers = vec![json!({
        "use": "secondary",
        "system": codes::SID_CITIZEN,
        "value": facts.citizen_id.to_string(),
    })];
    if let Some(number) = &facts.national_id {
        identifiers.push(json!({
            "use": "official",
            "type": concept("http://terminology.hl7.org/CodeSystem/v2-0203", "NI", "National unique individual identifier"),
            "system": codes::SID_NATIONAL_ID,
            "value": number,
        }));
    }
    if let Some(number) = facts
        .insurance_number
        .as_ref()
        .or(administrative.insurance_number.as_ref())
    {
        identifiers.push(json!({
            "use": "official",
            "type": concept("http://terminology.hl7.org/CodeSystem/v2-0203", "SN", "Subscriber Number"),
            "system": codes::SID_INSURANCE,
            "value": number,
        }));
    }

    let mut patient = json!({
        "resourceType": "Patient",
        "id": facts.citizen_id.to_string(),
        "identifier": identifiers,
        "active": true,
        "name": [{ "use": "official", "text": facts.full_name }],
        "gender": gender(facts.sex),
        "birthDate": facts.date_of_birth.format("%Y-%m-%d").to_string(),
    });
    if let Some(phone) = &administrative.phone {
        patient["telecom"] = json!([{ "system": "phone", "value": phone, "use": "mobile" }]);
    }
    // The registered (thường trú) address is home; where the citizen lives now, when it
    // differs, is the temporary (tạm trú) one.
    let mut addresses = Vec::new();
    if let Some(permanent) = &administrative.permanent_address {
        addresses.push(address(permanent, "home"));
    }
    if let Some(current) = &administrative.current_address
        && administrative.permanent_address.as_ref() != Some(current)
    {
        addresses.push(address(current, "temp"));
    }
    if !addresses.is_empty() {
        patient["address"] = Value::Array(addresses);
    }
    let contacts: Vec<Value> = administrative
        .emergency_contacts
        .iter()
        .map(|c| contact(c, ("C", "Emergency Contact")))
        .chain(
            administrative
                .parents
                .iter()
                .map(|c| contact(c, ("N", "Next-of-Kin"))),
        )
        .collect();
    if !contacts.is_empty() {
        patient["contact"] = Value::Array(contacts);
    }
    patient
}

pub fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

fn address(value: &Address, use_: &str) -> Value {
    let mut address = json!({
        "extension": [{ "url": codes::EXT_COMMUNE_CODE, "valueCode": value.commune_code }],
        "use": use_,
        "type": "physical",
        "line": [value.line],
        "country": "VN",
    });
    let unit = CommuneCode::parse(&value.commune_code)
        .ok()
        .and_then(commune);
    if let Some(unit) = unit {
        address["city"] = json!(unit.name);
        if let Some(province) = unit.province() {
            address["state"] = json!(province.name);
        }
    }
    address
}

fn contact(value: &Contact, (role, role_display): (&str, &str)) -> Value {
    let mut relationship = vec![coding(codes::V2_CONTACT_ROLE, role, role_display)];
    relationship.extend(kinship(value.kinship));
    let mut contact = json!({
        "relationship": [{ "coding": relationship }],
        "name": { "text": value.name },
    });
    if let Some(phone) = &value.phone {
        contact["telecom"] = json!([{ "system": "phone", "value": phone }]);
    }
    contact
}

/// The v3 personal relationship of a contact, where one says it.
fn kinship(kinship: Kinship) -> Option<Value> {
    let (code, display) = match kinship {
        Kinship::Mother => ("MTH", "mother"),
        Kinship::Father => ("FTH", "father"),
        Kinship::Spouse => ("SPS", "spouse"),
        Kinship::Child => ("CHILD", "child"),
        Kinship::Sibling => ("SIB", "sibling"),
        Kinship::Grandparent => ("GRPRN", "grandparent"),
        Kinship::LegalRepresentative => ("GUARD", "guardian"),
        Kinship::Other => return None,
    };
    Some(coding(codes::V3_ROLE_CODE, code, display))
}

pub fn related_person_id(patient: &PatientFacts, guardian: &GuardianFacts) -> Uuid {
    derived_id(
        patient.citizen_id,
        &format!("related-person/{}", guardian.citizen_id),
    )
}

pub fn related_persons(patient: &PatientFacts) -> Vec<Value> {
    patient
        .guardians
        .iter()
        .map(|guardian| {
            json!({
                "resourceType": "RelatedPerson",
                "id": related_person_id(patient, guardian).to_string(),
                "identifier": [{ "system": codes::SID_CITIZEN, "value": guardian.citizen_id.to_string() }],
                "active": true,
                "patient": reference(patient.citizen_id, Some(&patient.full_name)),
                "relationship": [concept(codes::V3_ROLE_CODE, "GUARD", "guardian")],
                "name": [{ "text": guardian.full_name }],
            })
        })
        .collect()
}

pub fn organization(facility: &FacilityFacts) -> Value {
    let mut organization = json!({
        "resourceType": "Organization",
        "id": facility.id.to_string(),
        "active": true,
        "type": [concept("http://terminology.hl7.org/CodeSystem/organization-type", "prov", "Healthcare Provider")],
        "name": facility.name,
    });
    if let Some(code) = &facility.code {
        organization["identifier"] =
            json!([{ "use": "official", "system": codes::SID_FACILITY_CODE, "value": code }]);
    }
    organization
}
