//! The code systems and identifier systems the export writes, and how our own values map onto
//! them. Each mapping lives here once, so a reviewer can check it against the published code
//! systems in one place (CI checks every code of an HL7 code system against HL7's package).

use super::datatypes::{CodeableConcept, Coding, coding, concept};
use crate::book::Category;

pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
pub const V3_ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
pub const V3_ACT_REASON: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
pub const V3_CONFIDENTIALITY: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
pub const V3_DATA_OPERATION: &str = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
pub const V3_PARTICIPATION_TYPE: &str =
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
pub const V3_ROLE_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
pub const V2_IDENTIFIER_TYPE: &str = "http://terminology.hl7.org/CodeSystem/v2-0203";
pub const V2_CONTACT_ROLE: &str = "http://terminology.hl7.org/CodeSystem/v2-0131";
pub const V2_PERFORMER_FUNCTION: &str = "http://terminology.hl7.org/CodeSystem/v2-0443";
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
pub const CONDITION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/condition-category";
pub const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
pub const CONDITION_VERIFICATION: &str =
    "http://terminology.hl7.org/CodeSystem/condition-ver-status";
pub const ALLERGY_CLINICAL: &str =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
pub const ALLERGY_VERIFICATION: &str =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
pub const ORGANIZATION_TYPE: &str = "http://terminology.hl7.org/CodeSystem/organization-type";
pub const CONSENT_ACTION: &str = "http://terminology.hl7.org/CodeSystem/consentaction";
pub const CONSENT_SCOPE: &str = "http://terminology.hl7.org/CodeSystem/consentscope";
pub const PROVENANCE_PARTICIPANT: &str =
    "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
pub const AUDIT_EVENT_TYPE: &str = "http://terminology.hl7.org/CodeSystem/audit-event-type";
pub const RESTFUL_INTERACTION: &str = "http://hl7.org/fhir/restful-interaction";
pub const AUDIT_ENTITY_TYPE: &str = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
pub const OBJECT_ROLE: &str = "http://terminology.hl7.org/CodeSystem/object-role";
pub const SECURITY_SOURCE_TYPE: &str = "http://terminology.hl7.org/CodeSystem/security-source-type";
pub const DICOM: &str = "http://dicom.nema.org/resources/ontology/DCM";
pub const RESOURCE_TYPES: &str = "http://hl7.org/fhir/resource-types";

/// The insurance number's system, as the Ministry of Health's VN Core implementation guide
/// (draft) names it: NamingSystem `insurance_number`.
pub const SID_INSURANCE: &str = "http://fhir.ehealth.gov.vn/core/sid/insurance_number";
/// The facility code the Ministry of Health issues, as VN Core (draft) names it: NamingSystem
/// `provider-code`.
pub const SID_FACILITY_CODE: &str =
    "http://fhir.ehealth.gov.vn/core/sid/provider-medical-license-number";
/// The 12-digit personal identification number (CCCD). VN Core's own system for it could not
/// be confirmed from a published artefact, so the book states its own until it can be.
pub const SID_NATIONAL_ID: &str = "https://fhir.healthbook.vn/sid/cccd";
/// A citizen's id in HealthBook (patients and guardians).
pub const SID_CITIZEN: &str = "https://fhir.healthbook.vn/sid/citizen";
/// Our sensitive categories, carried beside the HL7 labels so they round-trip exactly.
pub const CS_SENSITIVE_CATEGORY: &str = "https://fhir.healthbook.vn/CodeSystem/sensitive-category";
/// Products of the vaccine catalogue, by their code there.
pub const CS_VACCINE_PRODUCT: &str = "https://fhir.healthbook.vn/CodeSystem/vaccine-product";
/// A dose's id in HealthBook (its book entry), the identifier an exported Immunization carries
/// so that a receiving system can import it once.
pub const SID_IMMUNIZATION: &str = "https://fhir.healthbook.vn/sid/immunization";
/// Where an entry came from (app, staff, facility system, import).
pub const CS_ENTRY_SOURCE: &str = "https://fhir.healthbook.vn/CodeSystem/entry-source";
/// The commune's 5-digit code (2025 units) on an address: R4 Address has no coded unit.
pub const EXT_COMMUNE_CODE: &str = "https://fhir.healthbook.vn/StructureDefinition/commune-code";

/// The one mapping between a vaccine of the catalogue and its FHIR coding, both ways: the
/// export writes [`vaccine_coding`], the import reads [`vaccine_of`]. Only the catalogue's own
/// code system is mapped: no CVX or ATC code is kept in `data/immunization/`, and a guessed
/// crosswalk would misfile doses.
pub fn vaccine_coding(code: &str) -> Coding<'_> {
    Coding {
        system: CS_VACCINE_PRODUCT,
        code,
        display: crate::vaccine::entry(code).map(|v| v.name_en),
    }
}

/// The catalogue entry a coding names, if it is one of ours.
pub fn vaccine_of(system: &str, code: &str) -> Option<&'static crate::vaccine::CatalogueEntry> {
    (system == CS_VACCINE_PRODUCT)
        .then(|| crate::vaccine::entry(code))
        .flatten()
}

/// The `meta.security` labels of an entry in a sensitive category: the HL7 information
/// sensitivity code where one fits, always the restricted confidentiality (which a receiver
/// honours without knowing the category), and our own code so nothing is lost.
///
/// Tuberculosis has no v3 sensitivity code (TBOO, "taboo", means something else), so it travels
/// as restricted plus our code. The codes are the R4 edition's (v3-ActCode 2019): PSY rather
/// than the later MH, ETH rather than the later SUD.
pub fn security_labels(category: Category) -> Vec<Coding<'static>> {
    let sensitivity = match category {
        Category::Hiv => Some(("HIV", "HIV/AIDS information sensitivity")),
        Category::MentalHealth => Some(("PSY", "psychiatry disorder information sensitivity")),
        Category::SubstanceUse => Some(("ETH", "substance abuse information sensitivity")),
        Category::SexualReproductive => Some((
            "SEX",
            "sexuality and reproductive health information sensitivity",
        )),
        Category::Tuberculosis => None,
    };
    let mut labels: Vec<Coding> = sensitivity
        .map(|(code, display)| coding(V3_ACT_CODE, code, display))
        .into_iter()
        .collect();
    labels.push(coding(V3_CONFIDENTIALITY, "R", "restricted"));
    labels.push(coding(
        CS_SENSITIVE_CATEGORY,
        category.as_str(),
        category.as_str(),
    ));
    labels
}

/// A LOINC-coded measurement and its UCUM unit.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    pub loinc: &'static str,
    pub display: &'static str,
    pub unit: &'static str,
    pub category: ObservationCategory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservationCategory {
    VitalSigns,
    Laboratory,
}

impl ObservationCategory {
    pub fn concept(self) -> CodeableConcept<'static> {
        match self {
            ObservationCategory::VitalSigns => {
                concept(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")
            }
            ObservationCategory::Laboratory => {
                concept(OBSERVATION_CATEGORY, "laboratory", "Laboratory")
            }
        }
    }
}

const fn vital(loinc: &'static str, display: &'static str, unit: &'static str) -> Measure {
    Measure {
        loinc,
        display,
        unit,
        category: ObservationCategory::VitalSigns,
    }
}

pub const BP_PANEL: Measure = vital(
    "85354-9",
    "Blood pressure panel with all children optional",
    "mm[Hg]",
);
pub const SYSTOLIC: Measure = vital("8480-6", "Systolic blood pressure", "mm[Hg]");
pub const DIASTOLIC: Measure = vital("8462-4", "Diastolic blood pressure", "mm[Hg]");
pub const HEART_RATE: Measure = vital("8867-4", "Heart rate", "/min");
pub const BODY_TEMPERATURE: Measure = vital("8310-5", "Body temperature", "Cel");
pub const RESPIRATORY_RATE: Measure = vital("9279-1", "Respiratory rate", "/min");
pub const BODY_HEIGHT: Measure = vital("8302-2", "Body height", "cm");
pub const BODY_WEIGHT: Measure = vital("29463-7", "Body weight", "kg");
pub const WAIST: Measure = vital(
    "8280-0",
    "Waist Circumference at umbilicus by Tape measure",
    "cm",
);
pub const BMI: Measure = vital("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2");
/// The vital-signs profile's code for SpO2; pulse oximetry's own code travels beside it.
pub const OXYGEN_SATURATION: Measure = vital("2708-6", "Oxygen saturation in Arterial blood", "%");
pub const PULSE_OXIMETRY: (&str, &str) = (
    "59408-5",
    "Oxygen saturation in Arterial blood by Pulse oximetry",
);
/// Glucose is a laboratory result, not a vital sign, even when measured at home.
pub const GLUCOSE_MASS: Measure = Measure {
    loinc: "2339-0",
    display: "Glucose [Mass/volume] in Blood",
    unit: "mg/dL",
    category: ObservationCategory::Laboratory,
};
pub const GLUCOSE_MOLES: Measure = Measure {
    loinc: "15074-8",
    display: "Glucose [Moles/volume] in Blood",
    unit: "mmol/L",
    category: ObservationCategory::Laboratory,
};
