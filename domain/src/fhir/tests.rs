use super::*;
use crate::book::administrative::{Address, Contact, Kinship};
use crate::book::encounter::{Diagnosis, Prescription, TestResult, VitalSigns};
use crate::book::history::{
    Allergy, AllergyKind, ChecklistDisease, Disability, DisabilityKind, FamilyHistory, PastDisease,
    Relative, Severity, Surgery,
};
use crate::book::{
    AccessAction, AccessBasis, AuthorRole, Category, Channel, ConsentStatus, Encounter,
    EncounterKind, Immunization, Observation, ObservationKind, Provenance, Purpose, Section,
    Source,
};
use chrono::TimeZone;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The Bundle as the bytes the server sends, read back: the form every assertion reads.
fn json_of(bundle: &Bundle) -> Value {
    serde_json::from_slice(&bundle.to_json().unwrap()).unwrap()
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 9, day, hour, 0, 0).unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x4b1d_0000_0000_4000_8000_0000_0000_0000 | n)
}

const CLINIC: u128 = 900;
const HOSPITAL: u128 = 901;
const GUARDIAN: u128 = 800;

fn patient() -> PatientFacts {
    PatientFacts {
        citizen_id: id(1),
        full_name: "Nguyễn Thị Lan".into(),
        date_of_birth: NaiveDate::from_ymd_opt(2014, 3, 9).unwrap(),
        sex: Sex::Female,
        national_id: Some("001314000123".into()),
        insurance_number: Some("HS4010123456789".into()),
        administrative: Some(Administrative {
            ethnicity: Some("Kinh".into()),
            nationality: Some("VN".into()),
            phone: Some("0912345678".into()),
            permanent_address: Some(Address {
                commune_code: "00004".into(),
                line: "12 Phố Quán Thánh".into(),
            }),
            current_address: Some(Address {
                commune_code: "00008".into(),
                line: "5 Ngõ 10 Đội Cấn".into(),
            }),
            emergency_contacts: vec![Contact {
                name: "Nguyễn Văn Hùng".into(),
                kinship: Kinship::Father,
                phone: Some("0987654321".into()),
            }],
            parents: vec![Contact {
                name: "Trần Thị Mai".into(),
                kinship: Kinship::Mother,
                phone: None,
            }],
            ..Administrative::default()
        }),
        guardians: vec![GuardianFacts {
            citizen_id: id(GUARDIAN),
            full_name: "Trần Thị Mai".into(),
        }],
    }
}

fn facilities() -> Vec<FacilityFacts> {
    vec![
        FacilityFacts {
            id: id(CLINIC),
            name: "Trạm Y tế Phường Ba Đình".into(),
            code: Some("01004".into()),
        },
        FacilityFacts {
            id: id(HOSPITAL),
            name: "Bệnh viện Nhi Trung ương".into(),
            code: Some("01910".into()),
        },
        FacilityFacts {
            id: id(902),
            name: "Never referred to".into(),
            code: None,
        },
    ]
}

fn provenance(role: AuthorRole, recorded_at: DateTime<Utc>) -> Provenance {
    let staff = !matches!(role, AuthorRole::Citizen | AuthorRole::Guardian);
    Provenance {
        source: if staff { Source::Staff } else { Source::App },
        author_role: role,
        author_name: match role {
            AuthorRole::Guardian => Some("Trần Thị Mai".into()),
            AuthorRole::Citizen => Some("Nguyễn Thị Lan".into()),
            AuthorRole::FacilitySystem => None,
            _ => Some("BS. Lê Văn Minh".into()),
        },
        facility_id: staff.then(|| id(HOSPITAL)),
        facility_name: staff.then(|| "Bệnh viện Nhi Trung ương".into()),
        recorded_at,
        self_reported: !staff,
    }
}

fn entry(
    n: u128,
    body: EntryBody,
    role: AuthorRole,
    recorded_at: DateTime<Utc>,
    status: EntryStatus,
) -> BookEntry {
    let section = body.kind().section();
    BookEntry {
        entry_id: id(n),
        version: if status == EntryStatus::Recorded {
            1
        } else {
            2
        },
        status,
        section,
        category: None,
        reason: (status != EntryStatus::Recorded).then(|| "Ghi nhầm bệnh nhân".into()),
        provenance: provenance(role, recorded_at),
        body,
    }
}

fn visit() -> Encounter {
    Encounter {
        kind: EncounterKind::Outpatient,
        facility_id: Some(id(HOSPITAL)),
        practitioner_name: Some("BS. Lê Văn Minh".into()),
        started_at: at(10, 2),
        ended_at: Some(at(10, 3)),
        reason: "Sốt, ho 3 ngày".into(),
        vital_signs: VitalSigns {
            pulse: Some(96.0),
            temperature_c: Some(38.4),
            systolic: Some(100.0),
            diastolic: Some(65.0),
            respiratory_rate: Some(24.0),
            height_cm: Some(140.0),
            weight_kg: Some(33.5),
            waist_cm: Some(60.0),
            bmi: Some(17.1),
        },
        findings: Some("Họng đỏ".into()),
        diagnoses: vec![
            Diagnosis {
                icd10: "J06.9".into(),
                title: Some("Nhiễm trùng hô hấp trên cấp".into()),
                primary: true,
                note: None,
            },
            Diagnosis {
                icd10: "R50.9".into(),
                title: None,
                primary: false,
                note: Some("Sốt".into()),
            },
        ],
        results: vec![TestResult {
            test: "CRP".into(),
            value: "12".into(),
            unit: Some("mg/L".into()),
            reference_range: Some("< 5".into()),
            loinc: Some("1988-5".into()),
        }],
        treatment: None,
        prescriptions: vec![
            Prescription {
                medicine: "Paracetamol 250 mg".into(),
                dosage: "1 gói khi sốt trên 38.5 °C, cách 6 giờ".into(),
                route: Some("uống".into()),
                days: Some(3),
                quantity: Some("10 gói".into()),
                note: None,
            },
            Prescription {
                medicine: "Vitamin C 100 mg".into(),
                dosage: "1 viên/ngày".into(),
                route: None,
                days: None,
                quantity: None,
                note: None,
            },
        ],
        advice: None,
        follow_up_on: None,
        appointment_id: None,
        category: None,
    }
}

fn entries() -> Vec<BookEntry> {
    use AuthorRole::*;
    use EntryStatus::*;
    let mut hiv = entry(
        30,
        EntryBody::PastDisease(PastDisease {
            disease: ChecklistDisease::Other,
            icd10: Some("B24".into()),
            since_year: Some(2020),
            note: None,
        }),
        Doctor,
        at(3, 1),
        Recorded,
    );
    hiv.category = Some(Category::Hiv);
    let mut tb_visit = visit();
    tb_visit.kind = EncounterKind::Inpatient;
    tb_visit.ended_at = None;
    tb_visit.category = Some(Category::Tuberculosis);
    tb_visit.diagnoses = vec![Diagnosis {
        icd10: "A15.0".into(),
        title: None,
        primary: true,
        note: None,
    }];
    tb_visit.prescriptions.clear();
    tb_visit.results.clear();
    tb_visit.vital_signs = VitalSigns {
        systolic: Some(110.0),
        ..VitalSigns::default()
    };
    let mut tele = visit();
    tele.kind = EncounterKind::Teleconsultation;
    tele.vital_signs = VitalSigns::default();
    tele.diagnoses.clear();
    tele.results.clear();
    tele.prescriptions.clear();
    let mut home = visit();
    home.kind = EncounterKind::HomeVisit;
    home.diagnoses = vec![
        Diagnosis {
            icd10: "F32.0".into(),
            title: None,
            primary: false,
            note: None,
        },
        Diagnosis {
            icd10: "F32.0".into(),
            title: None,
            primary: false,
            note: Some("written twice".into()),
        },
    ];
    let mut mental = entry(43, EntryBody::Encounter(home), Doctor, at(12, 1), Recorded);
    mental.category = Some(Category::MentalHealth);
    vec![
        entry(
            10,
            EntryBody::Administrative(patient().administrative.unwrap()),
            Guardian,
            at(1, 1),
            Recorded,
        ),
        entry(
            20,
            EntryBody::Allergy(Allergy {
                kind: AllergyKind::Drug,
                substance: "Penicillin".into(),
                reaction: Some("Nổi mề đay".into()),
                severity: Some(Severity::Severe),
            }),
            Doctor,
            at(2, 1),
            Recorded,
        ),
        entry(
            21,
            EntryBody::Allergy(Allergy {
                kind: AllergyKind::Food,
                substance: "Tôm".into(),
                reaction: None,
                severity: None,
            }),
            Guardian,
            at(2, 2),
            EnteredInError,
        ),
        hiv,
        entry(
            31,
            EntryBody::Disability(Disability {
                kind: DisabilityKind::Hearing,
                detail: Some("Tai trái".into()),
            }),
            Guardian,
            at(3, 2),
            Corrected,
        ),
        entry(
            32,
            EntryBody::Surgery(Surgery {
                procedure: "Cắt amidan".into(),
                year: Some(2019),
                facility: Some("Bệnh viện Tai Mũi Họng".into()),
                note: None,
            }),
            Guardian,
            at(3, 3),
            Recorded,
        ),
        entry(
            33,
            EntryBody::FamilyHistory(FamilyHistory {
                relative: Relative::Grandparent,
                disease: ChecklistDisease::Diabetes,
                icd10: Some("E11".into()),
                note: None,
            }),
            Guardian,
            at(3, 4),
            Recorded,
        ),
        entry(
            34,
            EntryBody::RiskFactors(Default::default()),
            Guardian,
            at(3, 5),
            Recorded,
        ),
        entry(
            35,
            EntryBody::Immunization(Immunization {
                product: "MMR-II".into(),
                trade_name: None,
                antigens: vec!["measles".into(), "mumps".into(), "rubella".into()],
                dose_number: 2,
                administered_on: NaiveDate::from_ymd_opt(2018, 3, 9).unwrap(),
                lot: Some("X123".into()),
                facility_id: Some(id(CLINIC)),
                site: Some("cánh tay trái".into()),
                route: Some("tiêm dưới da".into()),
                note: None,
            }),
            Vaccinator,
            at(4, 1),
            Recorded,
        ),
        entry(
            36,
            EntryBody::Immunization(Immunization {
                product: "BCG".into(),
                trade_name: None,
                antigens: vec![],
                dose_number: 1,
                administered_on: NaiveDate::from_ymd_opt(2014, 3, 10).unwrap(),
                lot: None,
                facility_id: None,
                site: None,
                route: None,
                note: None,
            }),
            FacilitySystem,
            at(4, 2),
            EnteredInError,
        ),
        entry(
            40,
            EntryBody::Encounter(visit()),
            Doctor,
            at(10, 4),
            Recorded,
        ),
        entry(
            41,
            EntryBody::Encounter(tb_visit),
            Doctor,
            at(11, 1),
            Corrected,
        ),
        entry(
            42,
            EntryBody::Encounter(tele),
            Doctor,
            at(11, 2),
            EnteredInError,
        ),
        mental,
        reading(
            50,
            ObservationKind::BloodPressure,
            118.0,
            Some(76.0),
            "mm[Hg]",
        ),
        reading(51, ObservationKind::HeartRate, 72.0, None, "/min"),
        reading(52, ObservationKind::BodyTemperature, 37.0, None, "Cel"),
        reading(53, ObservationKind::OxygenSaturation, 98.0, None, "%"),
        reading(54, ObservationKind::BloodGlucose, 5.4, None, "mmol/L"),
        reading(55, ObservationKind::BloodGlucose, 98.0, None, "mg/dL"),
        reading(56, ObservationKind::BodyWeight, 33.0, None, "kg"),
        reading(57, ObservationKind::BodyHeight, 140.5, None, "cm"),
        reading(58, ObservationKind::RespiratoryRate, 20.0, None, "/min"),
        reading(59, ObservationKind::WaistCircumference, 59.0, None, "cm"),
    ]
}

fn reading(
    n: u128,
    kind: ObservationKind,
    value: f64,
    second: Option<f64>,
    unit: &str,
) -> BookEntry {
    entry(
        n,
        EntryBody::Observation(Observation {
            kind,
            value,
            second_value: second,
            unit: unit.into(),
            taken_at: at(20, (n % 20) as u32),
            note: None,
        }),
        AuthorRole::Citizen,
        at(20, (n % 20) as u32),
        EntryStatus::Recorded,
    )
}

fn consents() -> Vec<Consent> {
    let consent = |n: u128, status: ConsentStatus, categories: Vec<Category>| Consent {
        id: id(n),
        citizen_id: id(1),
        facility_id: id(HOSPITAL),
        facility_name: "Bệnh viện Nhi Trung ương".into(),
        practitioner_id: None,
        practitioner_name: None,
        purpose: Purpose::Referral,
        sections: vec![Section::History, Section::Visits],
        categories,
        valid_from: at(5, 1),
        valid_until: NaiveDate::from_ymd_opt(2026, 9, 5).unwrap(),
        status,
        text: "Tôi đồng ý chia sẻ…".into(),
        text_version: "2025-07".into(),
        text_lang: "vi".into(),
        channel: Channel::App,
        granted_by_name: "Trần Thị Mai".into(),
        granted_by_guardian: true,
        child_assent: Some(true),
        withdrawn_at: (status == ConsentStatus::Withdrawn).then(|| at(15, 1)),
    };
    vec![
        consent(
            60,
            ConsentStatus::Active,
            vec![Category::Hiv, Category::Tuberculosis],
        ),
        Consent {
            practitioner_id: Some(id(80)),
            practitioner_name: Some("BS.CKII Lê Văn Minh".into()),
            ..consent(61, ConsentStatus::Withdrawn, vec![])
        },
        Consent {
            purpose: Purpose::Treatment,
            granted_by_guardian: false,
            child_assent: None,
            facility_id: id(999),
            ..consent(62, ConsentStatus::Expired, vec![Category::SubstanceUse])
        },
    ]
}

fn access_log() -> Vec<AccessLogEntry> {
    let line = |n: u128, action: AccessAction, basis: AccessBasis, basis_ref: Option<&str>| {
        AccessLogEntry {
            id: id(n),
            at: at(16, (n % 20) as u32),
            actor_name: "BS. Lê Văn Minh".into(),
            actor_role: "doctor".into(),
            facility_id: Some(id(HOSPITAL)),
            facility_name: Some("Bệnh viện Nhi Trung ương".into()),
            basis,
            basis_ref: basis_ref.map(Into::into),
            action,
            sections: vec![Section::Visits],
        }
    };
    vec![
        line(
            70,
            AccessAction::Read,
            AccessBasis::Consent,
            Some("referral"),
        ),
        line(71, AccessAction::Write, AccessBasis::Care, None),
        line(72, AccessAction::Find, AccessBasis::Lookup, None),
        line(
            73,
            AccessAction::Read,
            AccessBasis::BreakGlass,
            Some("bg-1"),
        ),
        AccessLogEntry {
            actor_name: "Trần Thị Mai".into(),
            actor_role: "guardian".into(),
            facility_id: None,
            facility_name: None,
            sections: vec![],
            ..line(74, AccessAction::Read, AccessBasis::Guardian, None)
        },
        line(75, AccessAction::Write, AccessBasis::Correction, None),
        AccessLogEntry {
            actor_role: "vaccinator".into(),
            sections: vec![Section::Immunizations],
            ..line(76, AccessAction::Read, AccessBasis::Outreach, None)
        },
    ]
}

struct Book {
    patient: PatientFacts,
    entries: Vec<BookEntry>,
    consents: Vec<Consent>,
    access_log: Vec<AccessLogEntry>,
    facilities: Vec<FacilityFacts>,
}

fn book() -> Book {
    Book {
        patient: patient(),
        entries: entries(),
        consents: consents(),
        access_log: access_log(),
        facilities: facilities(),
    }
}

impl Book {
    fn bundle(&self, since: Option<DateTime<Utc>>) -> Bundle<'_> {
        bundle(&Export {
            patient: &self.patient,
            entries: &self.entries,
            consents: &self.consents,
            access_log: &self.access_log,
            facilities: &self.facilities,
            generated_at: at(25, 0),
            since,
        })
    }

    fn export(&self, since: Option<DateTime<Utc>>) -> Value {
        json_of(&self.bundle(since))
    }
}

fn resources(bundle: &Value) -> Vec<&Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .collect()
}

fn by_id(bundle: &Value, id: Uuid) -> &Value {
    resources(bundle)
        .into_iter()
        .find(|r| r["id"] == json!(id.to_string()))
        .unwrap_or_else(|| panic!("no resource {id}"))
}

fn of_type<'b>(bundle: &'b Value, resource_type: &str) -> Vec<&'b Value> {
    resources(bundle)
        .into_iter()
        .filter(|r| r["resourceType"] == resource_type)
        .collect()
}

fn codes_of(concept: &Value) -> Vec<(String, String)> {
    concept["coding"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|c| {
                    (
                        c["system"].as_str().unwrap().to_owned(),
                        c["code"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_rich_book_yields_every_resource_type_in_a_collection() {
    let bundle = book().export(None);
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    assert_eq!(bundle["timestamp"], "2025-09-25T00:00:00Z");
    let types: BTreeSet<&str> = resources(&bundle)
        .iter()
        .map(|r| r["resourceType"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = [
        "Patient",
        "RelatedPerson",
        "Organization",
        "Encounter",
        "Observation",
        "Condition",
        "AllergyIntolerance",
        "Immunization",
        "MedicationRequest",
        "Procedure",
        "FamilyMemberHistory",
        "Consent",
        "Provenance",
        "AuditEvent",
    ]
    .into_iter()
    .collect();
    assert_eq!(types, expected);
    for entry in bundle["entry"].as_array().unwrap() {
        let id = entry["resource"]["id"].as_str().unwrap();
        assert_eq!(entry["fullUrl"], format!("urn:uuid:{id}"));
    }
    let full_urls: BTreeSet<&str> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    assert_eq!(full_urls.len(), bundle["entry"].as_array().unwrap().len());
}

#[test]
fn every_reference_resolves_inside_the_bundle() {
    let bundle = book().export(None);
    let full_urls: BTreeSet<String> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap().to_owned())
        .collect();
    fn walk(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("reference") {
                    found.push(r.clone());
                }
                map.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut references = Vec::new();
    walk(&bundle, &mut references);
    assert!(references.len() > 50);
    for reference in references {
        assert!(
            full_urls.contains(&reference),
            "{reference} does not resolve"
        );
    }
}

/// FHIR JSON has no `null`, no empty string, array or object: an element without a value is
/// left out. The typed resources leave out what is absent one field at a time, so this holds
/// only as long as every optional field says so.
#[test]
fn no_element_is_null_or_empty() {
    fn walk(value: &Value, path: &str) {
        match value {
            Value::Null => panic!("{path} is null"),
            Value::String(text) => assert!(!text.is_empty(), "{path} is an empty string"),
            Value::Array(items) => {
                assert!(!items.is_empty(), "{path} is an empty array");
                for (index, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{index}]"));
                }
            }
            Value::Object(map) => {
                assert!(!map.is_empty(), "{path} is an empty object");
                for (key, item) in map {
                    walk(item, &format!("{path}.{key}"));
                }
            }
            Value::Bool(_) | Value::Number(_) => {}
        }
    }
    let book = book();
    for since in [None, Some(at(12, 0))] {
        walk(&book.export(since), "Bundle");
    }
}

#[test]
fn the_patient_carries_the_facts_it_was_given() {
    let book = book();
    let bundle = book.export(None);
    let patient = by_id(&bundle, id(1));
    assert_eq!(patient["name"][0]["text"], "Nguyễn Thị Lan");
    assert_eq!(patient["birthDate"], "2014-03-09");
    assert_eq!(patient["gender"], "female");
    let identifiers: Vec<(&str, &str)> = patient["identifier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["system"].as_str().unwrap(), i["value"].as_str().unwrap()))
        .collect();
    assert!(identifiers.contains(&(codes::SID_NATIONAL_ID, "001314000123")));
    assert!(identifiers.contains(&(codes::SID_INSURANCE, "HS4010123456789")));
    let home = &patient["address"][0];
    assert_eq!(home["use"], "home");
    assert_eq!(home["extension"][0]["valueCode"], "00004");
    assert_eq!(home["city"], "Phường Ba Đình");
    assert_eq!(home["state"], "Thành phố Hà Nội");
    assert_eq!(patient["address"][1]["use"], "temp");
    assert_eq!(patient["telecom"][0]["value"], "0912345678");
    let contacts = patient["contact"].as_array().unwrap();
    assert_eq!(contacts.len(), 2);
    assert!(
        codes_of(&contacts[0]["relationship"][0])
            .contains(&(codes::V2_CONTACT_ROLE.into(), "C".into()))
    );
    assert!(
        codes_of(&contacts[1]["relationship"][0])
            .contains(&(codes::V3_ROLE_CODE.into(), "MTH".into()))
    );

    let guardian = &of_type(&bundle, "RelatedPerson")[0];
    assert_eq!(guardian["name"][0]["text"], "Trần Thị Mai");
    assert_eq!(
        guardian["patient"]["reference"],
        format!("urn:uuid:{}", id(1))
    );

    // Only the facilities something points at.
    let organizations: BTreeSet<&str> = of_type(&bundle, "Organization")
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        organizations,
        ["Bệnh viện Nhi Trung ương", "Trạm Y tế Phường Ba Đình"]
            .into_iter()
            .collect()
    );
}

#[test]
fn a_visit_becomes_an_encounter_with_its_observations_conditions_and_prescriptions() {
    let bundle = book().export(None);
    let encounter = by_id(&bundle, id(40));
    assert_eq!(encounter["status"], "finished");
    assert_eq!(encounter["class"]["code"], "AMB");
    assert_eq!(encounter["period"]["start"], "2025-09-10T02:00:00Z");
    assert_eq!(encounter["reasonCode"][0]["text"], "Sốt, ho 3 ngày");
    assert_eq!(
        encounter["serviceProvider"]["reference"],
        format!("urn:uuid:{}", id(HOSPITAL))
    );
    assert_eq!(encounter["diagnosis"].as_array().unwrap().len(), 2);
    assert_eq!(encounter["diagnosis"][0]["rank"], 1);

    let encounter_ref = json!(format!("urn:uuid:{}", id(40)));
    let observations: Vec<&Value> = of_type(&bundle, "Observation")
        .into_iter()
        .filter(|o| o["encounter"]["reference"] == encounter_ref)
        .collect();
    let loinc: BTreeSet<String> = observations
        .iter()
        .flat_map(|o| codes_of(&o["code"]))
        .filter(|(system, _)| system == codes::LOINC)
        .map(|(_, code)| code)
        .collect();
    for code in [
        "85354-9", "8867-4", "8310-5", "9279-1", "8302-2", "29463-7", "8280-0", "39156-5",
    ] {
        assert!(loinc.contains(code), "missing {code}");
    }
    let bp = observations
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "85354-9")
        .unwrap();
    assert_eq!(bp["component"][0]["code"]["coding"][0]["code"], "8480-6");
    assert_eq!(bp["component"][0]["valueQuantity"]["value"], 100.0);
    assert_eq!(bp["component"][1]["code"]["coding"][0]["code"], "8462-4");
    assert_eq!(bp["component"][1]["valueQuantity"]["code"], "mm[Hg]");
    assert_eq!(bp["category"][0]["coding"][0]["code"], "vital-signs");
    let temperature = observations
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "8310-5")
        .unwrap();
    assert_eq!(temperature["valueQuantity"]["system"], codes::UCUM);
    assert_eq!(temperature["valueQuantity"]["code"], "Cel");
    let crp = observations
        .iter()
        .find(|o| o["valueString"] == "12 mg/L")
        .unwrap();
    assert_eq!(crp["code"]["text"], "CRP");
    assert_eq!(
        crp["code"]["coding"],
        json!([{
            "system": "http://loinc.org",
            "code": "1988-5",
            "display": "C reactive protein [Mass/volume] in Serum or Plasma"
        }])
    );

    let conditions: Vec<&Value> = of_type(&bundle, "Condition")
        .into_iter()
        .filter(|c| c["encounter"]["reference"] == encounter_ref)
        .collect();
    assert_eq!(conditions.len(), 2);
    assert_eq!(
        codes_of(&conditions[0]["code"]),
        vec![(codes::ICD10.into(), "J06.9".into())]
    );
    assert_eq!(
        conditions[0]["clinicalStatus"]["coding"][0]["code"],
        "active"
    );
    assert_eq!(
        conditions[0]["verificationStatus"]["coding"][0]["code"],
        "confirmed"
    );

    let prescriptions: Vec<&Value> = of_type(&bundle, "MedicationRequest")
        .into_iter()
        .filter(|m| m["encounter"]["reference"] == encounter_ref)
        .collect();
    assert_eq!(prescriptions.len(), 2);
    assert_eq!(prescriptions[0]["intent"], "order");
    assert_eq!(prescriptions[0]["status"], "completed");
    assert_eq!(prescriptions[1]["status"], "unknown");
    assert_eq!(
        prescriptions[0]["medicationCodeableConcept"]["text"],
        "Paracetamol 250 mg"
    );
    assert_eq!(
        prescriptions[0]["dosageInstruction"][0]["text"],
        "1 gói khi sốt trên 38.5 °C, cách 6 giờ"
    );
}

#[test]
fn encounter_classes_follow_the_kind_of_visit() {
    let bundle = book().export(None);
    assert_eq!(by_id(&bundle, id(41))["class"]["code"], "IMP");
    assert_eq!(by_id(&bundle, id(41))["status"], "in-progress");
    assert_eq!(by_id(&bundle, id(42))["class"]["code"], "VR");
    assert_eq!(by_id(&bundle, id(43))["class"]["code"], "HH");
}

#[test]
fn history_and_doses_map_to_their_resources() {
    let bundle = book().export(None);
    let penicillin = by_id(&bundle, id(20));
    assert_eq!(penicillin["category"], json!(["medication"]));
    assert_eq!(penicillin["criticality"], "high");
    assert_eq!(penicillin["reaction"][0]["severity"], "severe");
    assert_eq!(by_id(&bundle, id(30))["onsetDateTime"], "2020");
    assert_eq!(
        by_id(&bundle, id(30))["category"][0]["coding"][0]["code"],
        "problem-list-item"
    );
    assert_eq!(by_id(&bundle, id(32))["status"], "completed");
    assert_eq!(by_id(&bundle, id(32))["performedDateTime"], "2019");
    assert_eq!(
        by_id(&bundle, id(33))["relationship"]["coding"][0]["code"],
        "GRPRN"
    );
    let mmr = by_id(&bundle, id(35));
    assert_eq!(mmr["status"], "completed");
    assert_eq!(mmr["occurrenceDateTime"], "2018-03-09");
    assert_eq!(mmr["lotNumber"], "X123");
    assert_eq!(mmr["vaccineCode"]["text"], "MMR-II");
    assert_eq!(mmr["protocolApplied"][0]["doseNumberPositiveInt"], 2);
    assert_eq!(
        mmr["performer"][0]["actor"]["reference"],
        format!("urn:uuid:{}", id(CLINIC))
    );
}

#[test]
fn entries_in_error_stay_with_the_fhir_entered_in_error_status() {
    let bundle = book().export(None);
    let shrimp = by_id(&bundle, id(21));
    assert_eq!(
        shrimp["verificationStatus"]["coding"][0]["code"],
        "entered-in-error"
    );
    assert!(shrimp.get("clinicalStatus").is_none());
    assert_eq!(by_id(&bundle, id(36))["status"], "entered-in-error");
    assert_eq!(by_id(&bundle, id(42))["status"], "entered-in-error");
    let provenance = by_id(&bundle, derived_id(id(36), "provenance/2"));
    assert_eq!(provenance["activity"]["coding"][0]["code"], "NULLIFY");
    assert_eq!(provenance["reason"][0]["text"], "Ghi nhầm bệnh nhân");
    // A corrected observation says so.
    let corrected_bp = of_type(&bundle, "Observation")
        .into_iter()
        .find(|o| o["encounter"]["reference"] == json!(format!("urn:uuid:{}", id(41))))
        .unwrap();
    assert_eq!(corrected_bp["status"], "corrected");
}

#[test]
fn home_readings_are_coded_in_loinc_with_ucum_units() {
    let bundle = book().export(None);
    let code = |n: u128| by_id(&bundle, id(n))["code"]["coding"][0]["code"].clone();
    assert_eq!(code(50), "85354-9");
    assert_eq!(code(51), "8867-4");
    assert_eq!(code(52), "8310-5");
    assert_eq!(code(53), "2708-6");
    assert_eq!(
        by_id(&bundle, id(53))["code"]["coding"][1]["code"],
        "59408-5"
    );
    assert_eq!(code(54), "15074-8");
    assert_eq!(code(55), "2339-0");
    assert_eq!(
        by_id(&bundle, id(55))["category"][0]["coding"][0]["code"],
        "laboratory"
    );
    assert_eq!(code(56), "29463-7");
    assert_eq!(code(57), "8302-2");
    assert_eq!(code(58), "9279-1");
    assert_eq!(code(59), "8280-0");
    let bp = by_id(&bundle, id(50));
    assert_eq!(bp["component"][1]["valueQuantity"]["value"], 76.0);
    assert_eq!(
        bp["performer"][0]["reference"],
        format!("urn:uuid:{}", id(1))
    );
    assert_eq!(by_id(&bundle, id(54))["valueQuantity"]["code"], "mmol/L");
}

#[test]
fn sensitive_entries_carry_hl7_security_labels() {
    let bundle = book().export(None);
    let labels = |resource: &Value| -> Vec<(String, String)> {
        codes_of(&json!({ "coding": resource["meta"]["security"].clone() }))
    };
    let hiv = labels(by_id(&bundle, id(30)));
    assert!(hiv.contains(&(codes::V3_ACT_CODE.into(), "HIV".into())));
    assert!(hiv.contains(&(codes::V3_CONFIDENTIALITY.into(), "R".into())));
    // The category travels on everything the encounter yields.
    let tb_condition = by_id(&bundle, derived_id(id(41), "condition/A15.0"));
    let tb = labels(tb_condition);
    assert!(tb.contains(&(codes::CS_SENSITIVE_CATEGORY.into(), "tuberculosis".into())));
    assert!(!tb.iter().any(|(system, _)| system == codes::V3_ACT_CODE));
    assert!(labels(by_id(&bundle, id(43))).contains(&(codes::V3_ACT_CODE.into(), "PSY".into())));
    assert!(labels(by_id(&bundle, id(20))).is_empty());
}

#[test]
fn consents_and_access_log_become_consent_and_audit_event() {
    let bundle = book().export(None);
    let active = by_id(&bundle, id(60));
    assert_eq!(active["status"], "active");
    assert_eq!(active["scope"]["coding"][0]["code"], "patient-privacy");
    assert_eq!(active["category"][0]["coding"][0]["code"], "59284-0");
    assert_eq!(active["provision"]["purpose"][0]["code"], "COC");
    assert_eq!(active["provision"]["period"]["end"], "2026-09-05");
    assert_eq!(
        active["provision"]["actor"][0]["reference"]["reference"],
        format!("urn:uuid:{}", id(HOSPITAL))
    );
    let guardian_id = patient::related_person_id(&patient(), &patient().guardians[0]);
    assert_eq!(
        active["performer"][0]["reference"],
        format!("urn:uuid:{guardian_id}")
    );
    let labels = codes_of(&json!({ "coding": active["provision"]["securityLabel"].clone() }));
    assert!(labels.contains(&(codes::V3_ACT_CODE.into(), "HIV".into())));
    assert_eq!(labels.iter().filter(|(_, c)| c == "R").count(), 1);
    let withdrawn = by_id(&bundle, id(61));
    assert_eq!(withdrawn["status"], "inactive");
    // Naming one practitioner, the consent opened to them, not to their hospital.
    assert_eq!(
        withdrawn["provision"]["actor"][0]["reference"],
        json!({ "display": "BS.CKII Lê Văn Minh" })
    );
    assert_eq!(
        withdrawn["provision"]["period"]["end"],
        "2025-09-15T01:00:00Z"
    );
    let expired = by_id(&bundle, id(62));
    assert_eq!(expired["status"], "inactive");
    assert_eq!(expired["provision"]["purpose"][0]["code"], "TREAT");
    // A facility the export was not given is named, not referenced.
    assert_eq!(
        expired["provision"]["actor"][0]["reference"],
        json!({ "display": "Bệnh viện Nhi Trung ương" })
    );

    let read = by_id(&bundle, id(70));
    assert_eq!(read["type"]["code"], "rest");
    assert_eq!(read["subtype"][0]["code"], "read");
    assert_eq!(read["action"], "R");
    assert_eq!(read["purposeOfEvent"][0]["coding"][0]["code"], "COC");
    assert_eq!(
        read["entity"][0]["what"]["reference"],
        format!("urn:uuid:{}", id(1))
    );
    assert_eq!(read["agent"][0]["requestor"], true);
    assert_eq!(by_id(&bundle, id(71))["action"], "U");
    assert_eq!(by_id(&bundle, id(72))["action"], "E");
    assert_eq!(
        by_id(&bundle, id(73))["purposeOfEvent"][0]["coding"][0]["code"],
        "ETREAT"
    );
    assert_eq!(
        by_id(&bundle, id(74))["purposeOfEvent"][0]["coding"][0]["code"],
        "FAMRQT"
    );
    assert_eq!(
        by_id(&bundle, id(75))["purposeOfEvent"][0]["coding"][0]["code"],
        "PATRQT"
    );
    assert_eq!(
        by_id(&bundle, id(76))["purposeOfEvent"][0]["coding"][0]["code"],
        "PUBHLTH"
    );
}

#[test]
fn every_entry_has_a_provenance_naming_what_it_made() {
    let bundle = book().export(None);
    let provenances = of_type(&bundle, "Provenance");
    // Risk factors are not exported, so they have none.
    assert_eq!(provenances.len(), entries().len() - 1);
    let visit = by_id(&bundle, derived_id(id(40), "provenance/1"));
    // The encounter, 8 vital signs, 1 result, 2 conditions, 2 prescriptions.
    assert_eq!(visit["target"].as_array().unwrap().len(), 14);
    assert_eq!(visit["agent"][0]["who"]["display"], "BS. Lê Văn Minh");
    assert_eq!(
        visit["agent"][0]["onBehalfOf"]["reference"],
        format!("urn:uuid:{}", id(HOSPITAL))
    );
    assert_eq!(visit["entity"][0]["what"]["display"], "staff");
    let administrative = by_id(&bundle, derived_id(id(10), "provenance/1"));
    assert_eq!(
        administrative["target"][0]["reference"],
        format!("urn:uuid:{}", id(1))
    );
    let reading = by_id(&bundle, derived_id(id(50), "provenance/1"));
    assert_eq!(
        reading["agent"][0]["who"]["reference"],
        format!("urn:uuid:{}", id(1))
    );
}

#[test]
fn ids_are_stable_across_exports_and_distinct_within_one() {
    let book = book();
    let first = book.export(None);
    let second = book.export(None);
    assert_eq!(first, second);
    assert_eq!(
        by_id(&first, derived_id(id(40), "observation/heart-rate"))["code"]["coding"][0]["code"],
        "8867-4"
    );
    // The same ICD-10 code twice in one visit still makes two resources.
    let twice: Vec<&Value> = of_type(&first, "Condition")
        .into_iter()
        .filter(|c| c["encounter"]["reference"] == json!(format!("urn:uuid:{}", id(43))))
        .collect();
    assert_eq!(twice.len(), 2);
    assert_ne!(twice[0]["id"], twice[1]["id"]);
    // Derived ids are version 5 UUIDs of the entry's id.
    let derived = derived_id(id(40), "observation/heart-rate");
    assert_eq!(derived.get_version_num(), 5);
    assert_eq!(derived, Uuid::new_v5(&id(40), b"observation/heart-rate"));
}

#[test]
fn since_keeps_what_was_recorded_after_it_and_always_the_patient() {
    let book = book();
    let since = at(12, 0);
    let bundle = book.export(Some(since));
    let ids: BTreeSet<String> = resources(&bundle)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&id(1).to_string()));
    assert!(
        ids.contains(&id(43).to_string()),
        "recorded on the 12th at 01:00"
    );
    assert!(!ids.contains(&id(40).to_string()));
    assert!(!ids.contains(&id(20).to_string()));
    assert!(ids.contains(&id(50).to_string()));
    // The withdrawal on the 15th is news; the other consents are not.
    assert!(ids.contains(&id(61).to_string()));
    assert!(!ids.contains(&id(60).to_string()));
    assert!(ids.contains(&id(70).to_string()));
    for resource in resources(&bundle) {
        if let Some(updated) = resource["meta"]["lastUpdated"].as_str()
            && resource["resourceType"] != "Patient"
        {
            assert!(DateTime::parse_from_rfc3339(updated).unwrap() > since);
        }
    }
    let everything = book.export(None);
    assert!(resources(&bundle).len() < resources(&everything).len());
    assert_ne!(bundle["id"], everything["id"]);
    // Nothing after: only the patient and the guardian.
    let nothing = book.export(Some(at(30, 0)));
    let types: Vec<&str> = resources(&nothing)
        .iter()
        .map(|r| r["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["Patient", "RelatedPerson"]);
}

#[test]
fn a_book_with_nothing_but_the_registry_still_exports_a_patient() {
    let patient = PatientFacts {
        administrative: None,
        guardians: vec![],
        national_id: None,
        insurance_number: None,
        sex: Sex::Male,
        ..patient()
    };
    let bundle = json_of(&bundle(&Export {
        patient: &patient,
        entries: &[],
        consents: &[],
        access_log: &[],
        facilities: &[],
        generated_at: at(25, 0),
        since: None,
    }));
    let only = resources(&bundle);
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["gender"], "male");
    assert!(only[0].get("address").is_none());
}

/// Writes sample bundles where `FHIR_SAMPLES_DIR` says, for CI's independent validators.
#[test]
fn sample_bundles_for_the_validator() {
    let Some(dir) = std::env::var_os("FHIR_SAMPLES_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let book = book();
    let minimal = PatientFacts {
        administrative: None,
        guardians: vec![],
        national_id: None,
        insurance_number: None,
        ..patient()
    };
    let samples = [
        ("rich-book.json", book.bundle(None)),
        ("incremental-since.json", book.bundle(Some(at(12, 0)))),
        (
            "registry-only.json",
            bundle(&Export {
                patient: &minimal,
                entries: &[],
                consents: &[],
                access_log: &[],
                facilities: &[],
                generated_at: at(25, 0),
                since: None,
            }),
        ),
    ];
    // Written from the typed Bundle, as the server writes it (the same serialisation).
    for (name, bundle) in samples {
        let text = serde_json::to_string_pretty(&bundle).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }
}
