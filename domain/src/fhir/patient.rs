//! Who the book is about: Patient (from the registry's identity and section I), the guardians as
//! RelatedPerson, and the facilities as Organization.

use super::codes::{self, V2_IDENTIFIER_TYPE};
use super::datatypes::{
    CodeableConcept, Coding, Identifier, Reference, Text, When, coding, concept,
};
use super::{FacilityFacts, GuardianFacts, PatientFacts, Resource, derived_id};
use crate::book::administrative::{Address as BookAddress, Contact as BookContact, Kinship};
use crate::ids::Sex;
use crate::units::{CommuneCode, commune};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct Patient<'a> {
    pub id: Uuid,
    pub identifier: Vec<Identifier<'a>>,
    pub active: bool,
    pub name: [HumanName<'a>; 1],
    pub gender: &'static str,
    pub birth_date: When,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub telecom: Vec<ContactPoint<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub address: Vec<Address<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contact: Vec<PatientContact<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HumanName<'a> {
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<&'static str>,
    pub text: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactPoint<'a> {
    pub system: &'static str,
    pub value: &'a str,
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Address<'a> {
    pub extension: [CommuneExtension<'a>; 1],
    #[serde(rename = "use")]
    pub use_: &'static str,
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub line: [&'a str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'static str>,
    pub country: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommuneExtension<'a> {
    pub url: &'static str,
    pub value_code: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct PatientContact<'a> {
    pub relationship: [CodeableConcept<'a>; 1],
    pub name: HumanName<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub telecom: Vec<ContactPoint<'a>>,
}

pub fn patient(facts: &PatientFacts) -> Resource<'_> {
    let administrative = facts.administrative.as_ref();
    let mut identifier = vec![Identifier {
        use_: Some("secondary"),
        type_: None,
        system: codes::SID_CITIZEN,
        value: Text::Owned(facts.citizen_id.to_string()),
    }];
    if let Some(number) = &facts.national_id {
        identifier.push(Identifier {
            use_: Some("official"),
            type_: Some(concept(
                V2_IDENTIFIER_TYPE,
                "NI",
                "National unique individual identifier",
            )),
            system: codes::SID_NATIONAL_ID,
            value: number.into(),
        });
    }
    if let Some(number) = facts
        .insurance_number
        .as_ref()
        .or(administrative.and_then(|a| a.insurance_number.as_ref()))
    {
        identifier.push(Identifier {
            use_: Some("official"),
            type_: Some(concept(V2_IDENTIFIER_TYPE, "SN", "Subscriber Number")),
            system: codes::SID_INSURANCE,
            value: number.into(),
        });
    }
    let telecom = administrative
        .and_then(|a| a.phone.as_deref())
        .map(|phone| ContactPoint {
            system: "phone",
            value: phone,
            use_: Some("mobile"),
        })
        .into_iter()
        .collect();
    // The registered (thường trú) address is home; where the citizen lives now, when it
    // differs, is the temporary (tạm trú) one.
    let mut addresses = Vec::new();
    let mut contacts = Vec::new();
    if let Some(administrative) = administrative {
        if let Some(permanent) = &administrative.permanent_address {
            addresses.push(address(permanent, "home"));
        }
        if let Some(current) = &administrative.current_address
            && administrative.permanent_address.as_ref() != Some(current)
        {
            addresses.push(address(current, "temp"));
        }
        contacts = administrative
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
    }
    Resource::Patient(Box::new(Patient {
        id: facts.citizen_id,
        identifier,
        active: true,
        name: [HumanName {
            use_: Some("official"),
            text: &facts.full_name,
        }],
        gender: gender(facts.sex),
        birth_date: When::Day(facts.date_of_birth),
        telecom,
        address: addresses,
        contact: contacts,
    }))
}

pub fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

fn address<'a>(value: &'a BookAddress, use_: &'static str) -> Address<'a> {
    let unit = CommuneCode::parse(&value.commune_code)
        .ok()
        .and_then(commune);
    Address {
        extension: [CommuneExtension {
            url: codes::EXT_COMMUNE_CODE,
            value_code: &value.commune_code,
        }],
        use_,
        type_: "physical",
        line: [&value.line],
        city: unit.map(|unit| unit.name),
        state: unit.and_then(|unit| unit.province()).map(|p| p.name),
        country: "VN",
    }
}

fn contact<'a>(value: &'a BookContact, (role, display): (&'a str, &'a str)) -> PatientContact<'a> {
    let mut relationship = vec![coding(codes::V2_CONTACT_ROLE, role, display)];
    relationship.extend(kinship(value.kinship));
    PatientContact {
        relationship: [CodeableConcept {
            coding: relationship,
            text: None,
        }],
        name: HumanName {
            use_: None,
            text: &value.name,
        },
        telecom: value
            .phone
            .as_deref()
            .map(|phone| ContactPoint {
                system: "phone",
                value: phone,
                use_: None,
            })
            .into_iter()
            .collect(),
    }
}

/// The v3 personal relationship of a contact, where one says it.
fn kinship(kinship: Kinship) -> Option<Coding<'static>> {
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

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType")]
pub struct RelatedPerson<'a> {
    pub id: Uuid,
    pub identifier: [Identifier<'a>; 1],
    pub active: bool,
    pub patient: Reference<'a>,
    pub relationship: [CodeableConcept<'a>; 1],
    pub name: [HumanName<'a>; 1],
}

pub fn related_person_id(patient: &PatientFacts, guardian: &GuardianFacts) -> Uuid {
    derived_id(
        patient.citizen_id,
        &format!("related-person/{}", guardian.citizen_id),
    )
}

pub fn related_persons(patient: &PatientFacts) -> impl Iterator<Item = Resource<'_>> {
    patient.guardians.iter().map(move |guardian| {
        Resource::RelatedPerson(Box::new(RelatedPerson {
            id: related_person_id(patient, guardian),
            identifier: [Identifier {
                use_: None,
                type_: None,
                system: codes::SID_CITIZEN,
                value: Text::Owned(guardian.citizen_id.to_string()),
            }],
            active: true,
            patient: Reference::named(patient.citizen_id, &patient.full_name),
            relationship: [concept(codes::V3_ROLE_CODE, "GUARD", "guardian")],
            name: [HumanName {
                use_: None,
                text: &guardian.full_name,
            }],
        }))
    })
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "resourceType")]
pub struct Organization<'a> {
    pub id: Uuid,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier<'a>>,
    pub active: bool,
    #[serde(rename = "type")]
    pub type_: [CodeableConcept<'a>; 1],
    pub name: &'a str,
}

pub fn organization(facility: &FacilityFacts) -> Resource<'_> {
    Resource::Organization(Box::new(Organization {
        id: facility.id,
        identifier: facility
            .code
            .as_ref()
            .map(|code| Identifier {
                use_: Some("official"),
                type_: None,
                system: codes::SID_FACILITY_CODE,
                value: code.into(),
            })
            .into_iter()
            .collect(),
        active: true,
        type_: [concept(
            codes::ORGANIZATION_TYPE,
            "prov",
            "Healthcare Provider",
        )],
        name: &facility.name,
    }))
}
