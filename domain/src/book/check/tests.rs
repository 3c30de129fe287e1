use super::*;
use crate::book::administrative::{Address, Administrative, Contact, Kinship};
use crate::book::encounter::{Diagnosis, EncounterKind, Prescription, TestResult, VitalSigns};
use crate::book::history::{Relative, UseStatus};
use crate::book::observation::{Observation, ObservationKind};
use chrono::TimeZone;
use serde_json::json;

/// 06/12/2026 09:30 in Việt Nam.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 2, 30, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The (field, code) pairs of a refusal.
fn refusals(mut body: EntryBody) -> Vec<(String, String)> {
    match check_entry(&mut body, now()) {
        Ok(()) => Vec::new(),
        Err(issues) => issues.into_iter().map(|i| (i.field, i.code)).collect(),
    }
}

fn refused(body: EntryBody, field: &str, code: &str) {
    let found = refusals(body);
    assert!(
        found.iter().any(|(f, c)| f == field && c == code),
        "expected {field} {code}, got {found:?}"
    );
}

fn accepted(mut body: EntryBody) -> EntryBody {
    if let Err(issues) = check_entry(&mut body, now()) {
        panic!("refused: {issues:?}");
    }
    body
}

fn visit() -> Encounter {
    Encounter {
        kind: EncounterKind::Outpatient,
        facility_id: None,
        practitioner_name: Some(" Nguyễn Văn A ".into()),
        started_at: now() - Duration::hours(1),
        ended_at: None,
        reason: "  Sốt, ho  ".into(),
        vital_signs: VitalSigns::default(),
        findings: Some("Họng đỏ.\nPhổi trong.".into()),
        diagnoses: vec![Diagnosis {
            icd10: " j069 ".into(),
            title: Some("sent by the client".into()),
            primary: true,
            note: Some("   ".into()),
        }],
        results: Vec::new(),
        treatment: None,
        prescriptions: Vec::new(),
        advice: None,
        follow_up_on: None,
        appointment_id: None,
        category: None,
    }
}

fn encounter(value: Encounter) -> EntryBody {
    EntryBody::Encounter(value)
}

fn reading(kind: ObservationKind, value: f64, second: Option<f64>, unit: &str) -> EntryBody {
    EntryBody::Observation(Observation {
        kind,
        value,
        second_value: second,
        unit: unit.into(),
        taken_at: now(),
        note: None,
    })
}

#[test]
fn a_visit_is_normalised_with_canonical_codes_and_titles() {
    let EntryBody::Encounter(value) = accepted(encounter(visit())) else {
        unreachable!()
    };
    assert_eq!(value.reason, "Sốt, ho");
    assert_eq!(value.practitioner_name.as_deref(), Some("Nguyễn Văn A"));
    assert_eq!(value.diagnoses[0].icd10, "J06.9");
    assert_eq!(
        value.diagnoses[0].title.as_deref(),
        Some("Acute upper respiratory infection, unspecified")
    );
    assert_eq!(value.diagnoses[0].note, None);
    assert_eq!(value.findings.as_deref(), Some("Họng đỏ.\nPhổi trong."));
}

#[test]
fn diagnosis_codes_must_exist_on_the_local_day_of_the_visit() {
    let mut v = visit();
    v.diagnoses[0].icd10 = "J06.99".into();
    refused(encounter(v), "diagnoses[0].icd10", "icd10_unknown");

    let mut v = visit();
    // 30/01/2020 23:30 in Việt Nam is still before U07.1's first day.
    v.started_at = Utc.with_ymd_and_hms(2020, 1, 30, 16, 30, 0).unwrap();
    v.diagnoses[0].icd10 = "U07.1".into();
    refused(
        encounter(v.clone()),
        "diagnoses[0].icd10",
        "icd10_not_valid_on_date",
    );
    // 17:00 UTC is already 31/01 in Việt Nam.
    v.started_at = Utc.with_ymd_and_hms(2020, 1, 30, 17, 0, 0).unwrap();
    accepted(encounter(v));
}

#[test]
fn a_visit_has_at_most_one_primary_diagnosis() {
    let mut v = visit();
    v.diagnoses.push(Diagnosis {
        icd10: "I10".into(),
        title: None,
        primary: false,
        note: None,
    });
    accepted(encounter(v.clone()));
    v.diagnoses[1].primary = true;
    assert_eq!(
        refusals(encounter(v)),
        [(
            "diagnoses[1].primary".to_owned(),
            "primary_diagnosis_duplicate".to_owned()
        )]
    );
}

#[test]
fn a_result_s_loinc_code_must_pass_its_check_digit() {
    let mut v = visit();
    v.results.push(TestResult {
        test: "Glucose".into(),
        value: "5.4".into(),
        unit: Some("mmol/L".into()),
        reference_range: None,
        loinc: Some(" 14749-6 ".into()),
    });
    let EntryBody::Encounter(checked) = accepted(encounter(v.clone())) else {
        panic!("not a visit");
    };
    assert_eq!(checked.results[0].loinc.as_deref(), Some("14749-6"));
    v.results[0].loinc = Some("14749-5".into());
    refused(encounter(v), "results[0].loinc", "loinc_invalid");
}

#[test]
fn a_visit_stored_before_results_had_codes_still_reads() {
    let stored = json!({ "test": "CRP", "value": "12", "unit": "mg/L", "reference_range": null });
    let result: TestResult = serde_json::from_value(stored).unwrap();
    assert_eq!(result.loinc, None);
    let written = serde_json::to_value(&result).unwrap();
    assert!(written.get("loinc").is_none());
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut v = visit();
    v.reason = "   ".into();
    v.started_at = now() + Duration::minutes(6);
    v.diagnoses[0].icd10 = "nope".into();
    v.follow_up_on = Some(date(2026, 12, 5));
    v.prescriptions.push(Prescription {
        medicine: "Amoxicillin 500 mg".into(),
        dosage: "".into(),
        route: None,
        days: Some(0),
        quantity: None,
        note: None,
    });
    let found = refusals(encounter(v));
    for (field, code) in [
        ("reason", "required"),
        ("started_at", "date_in_future"),
        ("diagnoses[0].icd10", "icd10_unknown"),
        ("follow_up_on", "follow_up_before_visit"),
        ("prescriptions[0].dosage", "required"),
        ("prescriptions[0].days", "out_of_range"),
    ] {
        assert!(
            found.iter().any(|(f, c)| f == field && c == code),
            "{field} {code} in {found:?}"
        );
    }
}

#[test]
fn times_are_not_in_the_future_beyond_five_minutes_nor_before_1900() {
    let mut v = visit();
    v.started_at = now() + Duration::minutes(5);
    accepted(encounter(v.clone()));
    v.started_at = now() + Duration::minutes(5) + Duration::seconds(1);
    refused(encounter(v.clone()), "started_at", "date_in_future");
    v.started_at = Utc.with_ymd_and_hms(1899, 12, 31, 16, 59, 0).unwrap();
    v.diagnoses.clear();
    refused(encounter(v.clone()), "started_at", "date_before_1900");
    // 17:00 UTC on 31/12/1899 is 01/01/1900 in Việt Nam.
    v.started_at = Utc.with_ymd_and_hms(1899, 12, 31, 17, 0, 0).unwrap();
    accepted(encounter(v.clone()));
    v.started_at = now() - Duration::hours(2);
    v.ended_at = Some(now() - Duration::hours(3));
    refused(encounter(v), "ended_at", "ended_before_started");
}

#[test]
fn text_is_capped_and_control_characters_are_refused() {
    let mut v = visit();
    v.reason = "x".repeat(SHORT_TEXT);
    v.findings = Some("y".repeat(LONG_TEXT));
    accepted(encounter(v.clone()));
    v.reason = "x".repeat(SHORT_TEXT + 1);
    v.findings = Some("y".repeat(LONG_TEXT + 1));
    refused(encounter(v.clone()), "reason", "text_too_long");
    refused(encounter(v.clone()), "findings", "text_too_long");
    v.reason = "two\nlines".into();
    v.findings = Some("nul\u{0}".into());
    refused(encounter(v.clone()), "reason", "control_character");
    refused(encounter(v), "findings", "control_character");
}

#[test]
fn vital_signs_within_possible_values_and_bmi_computed() {
    let mut v = visit();
    v.vital_signs = VitalSigns {
        pulse: Some(72.0),
        temperature_c: Some(37.2),
        systolic: Some(120.0),
        diastolic: Some(80.0),
        respiratory_rate: Some(16.0),
        height_cm: Some(160.0),
        weight_kg: Some(55.0),
        waist_cm: Some(70.0),
        bmi: Some(99.0),
    };
    let EntryBody::Encounter(value) = accepted(encounter(v.clone())) else {
        unreachable!()
    };
    assert_eq!(value.vital_signs.bmi, Some(21.5));

    v.vital_signs.height_cm = None;
    let EntryBody::Encounter(value) = accepted(encounter(v.clone())) else {
        unreachable!()
    };
    assert_eq!(value.vital_signs.bmi, None, "a BMI sent is never kept");

    for (name, low, high, set) in [
        (
            "pulse",
            20.0,
            250.0,
            (|s, x| s.pulse = x) as fn(&mut VitalSigns, Option<f64>),
        ),
        ("temperature_c", 30.0, 45.0, |s, x| s.temperature_c = x),
        ("systolic", 50.0, 300.0, |s, x| {
            s.systolic = x;
            s.diastolic = None;
        }),
        ("diastolic", 20.0, 200.0, |s, x| {
            s.diastolic = x;
            s.systolic = None;
        }),
        ("respiratory_rate", 4.0, 80.0, |s, x| s.respiratory_rate = x),
        ("height_cm", 20.0, 260.0, |s, x| s.height_cm = x),
        ("weight_kg", 0.3, 350.0, |s, x| s.weight_kg = x),
        ("waist_cm", 20.0, 250.0, |s, x| s.waist_cm = x),
    ] {
        for ok in [low, high] {
            let mut v = visit();
            set(&mut v.vital_signs, Some(ok));
            accepted(encounter(v));
        }
        for wrong in [low - 0.01, high + 0.01, f64::NAN] {
            let mut v = visit();
            set(&mut v.vital_signs, Some(wrong));
            refused(encounter(v), &format!("vital_signs.{name}"), "out_of_range");
        }
    }

    v.vital_signs.systolic = Some(90.0);
    v.vital_signs.diastolic = Some(90.0);
    refused(
        encounter(v),
        "vital_signs.diastolic",
        "diastolic_not_below_systolic",
    );
}

#[test]
fn a_reading_needs_a_unit_of_its_kind() {
    use ObservationKind::*;
    for (kind, value, unit) in [
        (HeartRate, 60.0, "/min"),
        (BodyTemperature, 36.5, "Cel"),
        (OxygenSaturation, 100.0, "%"),
        (BloodGlucose, 5.5, "mmol/L"),
        (BloodGlucose, 99.0, "mg/dL"),
        (BodyWeight, 60.0, "kg"),
        (BodyHeight, 170.0, " cm "),
        (RespiratoryRate, 18.0, "/min"),
        (WaistCircumference, 80.0, "cm"),
    ] {
        accepted(reading(kind, value, None, unit));
    }
    refused(
        reading(BodyTemperature, 98.6, None, "[degF]"),
        "unit",
        "unit_invalid",
    );
    refused(
        reading(BloodGlucose, 5.5, None, "mmol/l"),
        "unit",
        "unit_invalid",
    );
    refused(reading(BodyWeight, 60.0, None, "g"), "unit", "unit_invalid");
    // The span follows the unit: 99 is a glucose in mg/dL, not in mmol/L.
    refused(
        reading(BloodGlucose, 99.0, None, "mmol/L"),
        "value",
        "out_of_range",
    );
    refused(
        reading(BloodGlucose, 5.5, None, "mg/dL"),
        "value",
        "out_of_range",
    );
    refused(
        reading(OxygenSaturation, 49.9, None, "%"),
        "value",
        "out_of_range",
    );
    refused(
        reading(OxygenSaturation, 100.1, None, "%"),
        "value",
        "out_of_range",
    );
}

#[test]
fn blood_pressure_needs_its_diastolic_and_only_it_has_one() {
    use ObservationKind::*;
    accepted(reading(BloodPressure, 130.0, Some(85.0), "mm[Hg]"));
    refused(
        reading(BloodPressure, 130.0, None, "mm[Hg]"),
        "second_value",
        "second_value_required",
    );
    refused(
        reading(BloodPressure, 130.0, Some(130.0), "mm[Hg]"),
        "second_value",
        "diastolic_not_below_systolic",
    );
    refused(
        reading(BloodPressure, 130.0, Some(85.0), "mmHg"),
        "unit",
        "unit_invalid",
    );
    refused(
        reading(HeartRate, 60.0, Some(1.0), "/min"),
        "second_value",
        "second_value_not_allowed",
    );
    assert_eq!(units_for(BloodGlucose), ["mmol/L", "mg/dL"]);
}

fn admin(value: Administrative) -> EntryBody {
    EntryBody::Administrative(value)
}

#[test]
fn administrative_identifiers_are_stored_canonical() {
    let value = Administrative {
        nationality: Some(" vn ".into()),
        insurance_number: Some("dn 4 01 0123456789".into()),
        permanent_address: Some(Address {
            commune_code: " 00004 ".into(),
            line: " 12 Phố Đội Cấn ".into(),
        }),
        phone: Some("+84 91 234 5678".into()),
        emergency_contacts: vec![Contact {
            name: " Trần Thị B ".into(),
            kinship: Kinship::Mother,
            phone: Some("0987.654.321".into()),
        }],
        ..Administrative::default()
    };
    let EntryBody::Administrative(value) = accepted(admin(value)) else {
        unreachable!()
    };
    assert_eq!(value.nationality.as_deref(), Some("VN"));
    assert_eq!(value.insurance_number.as_deref(), Some("DN4010123456789"));
    let address = value.permanent_address.unwrap();
    assert_eq!(
        (address.commune_code.as_str(), address.line.as_str()),
        ("00004", "12 Phố Đội Cấn")
    );
    assert_eq!(value.phone.as_deref(), Some("0912345678"));
    assert_eq!(value.emergency_contacts[0].name, "Trần Thị B");
    assert_eq!(
        value.emergency_contacts[0].phone.as_deref(),
        Some("0987654321")
    );
}

#[test]
fn administrative_mistakes_are_named_by_field() {
    let contact = |phone: &str| Contact {
        name: "Lan".into(),
        kinship: Kinship::Sibling,
        phone: Some(phone.into()),
    };
    let value = Administrative {
        nationality: Some("VNM".into()),
        insurance_number: Some("123".into()),
        current_address: Some(Address {
            commune_code: "99999".into(),
            line: "x".into(),
        }),
        permanent_address: Some(Address {
            commune_code: "123".into(),
            line: "".into(),
        }),
        phone: Some("012345".into()),
        emergency_contacts: vec![contact("0912345678"), contact("091234567")],
        parents: vec![contact("0912345678"); MAX_PARENTS + 1],
        reviewed_on: Some(date(2026, 12, 7)),
        ..Administrative::default()
    };
    let found = refusals(admin(value));
    for (field, code) in [
        ("nationality", "nationality_invalid"),
        ("insurance_number", "insurance_number_wrong_length"),
        ("current_address.commune_code", "commune_unknown"),
        (
            "permanent_address.commune_code",
            "commune_code_wrong_length",
        ),
        ("permanent_address.line", "required"),
        ("phone", "phone_number_unknown_prefix"),
        ("emergency_contacts[1].phone", "phone_number_wrong_length"),
        ("parents", "too_many_items"),
        ("reviewed_on", "date_in_future"),
    ] {
        assert!(
            found.iter().any(|(f, c)| f == field && c == code),
            "{field} {code} in {found:?}"
        );
    }
    let five = Administrative {
        emergency_contacts: vec![contact("0912345678"); MAX_EMERGENCY_CONTACTS],
        ..Administrative::default()
    };
    accepted(admin(five.clone()));
    let mut six = five;
    six.emergency_contacts.push(contact("0912345678"));
    refused(admin(six), "emergency_contacts", "too_many_items");
}

#[test]
fn history_codes_are_checked_against_today_and_years_against_this_year() {
    let disease = |icd10: Option<&str>, since: Option<i32>| {
        EntryBody::PastDisease(PastDisease {
            disease: ChecklistDisease::Hypertension,
            icd10: icd10.map(Into::into),
            since_year: since,
            note: None,
        })
    };
    let EntryBody::PastDisease(value) = accepted(disease(Some("i10"), Some(2026))) else {
        unreachable!()
    };
    assert_eq!(value.icd10.as_deref(), Some("I10"));
    accepted(disease(Some(" "), Some(1900)));
    refused(disease(Some("I1O"), None), "icd10", "icd10_unknown");
    refused(disease(None, Some(2027)), "since_year", "year_out_of_range");
    refused(disease(None, Some(1899)), "since_year", "year_out_of_range");
    let family = EntryBody::FamilyHistory(FamilyHistory {
        relative: Relative::Father,
        disease: ChecklistDisease::Diabetes,
        icd10: Some("E11".into()),
        note: None,
    });
    accepted(family);
}

#[test]
fn birth_and_reproductive_numbers_are_sane() {
    let birth = |weight: u32, weeks: u32| {
        EntryBody::RiskFactors(RiskFactors {
            condition_at_birth: Some(BirthCondition {
                delivery: None,
                weight_grams: Some(weight),
                length_cm: None,
                gestational_weeks: Some(weeks),
                asphyxia: None,
                birth_defects: None,
            }),
            ..RiskFactors::default()
        })
    };
    accepted(birth(300, 20));
    accepted(birth(7_000, 45));
    refused(
        birth(299, 38),
        "condition_at_birth.weight_grams",
        "out_of_range",
    );
    refused(
        birth(7_001, 38),
        "condition_at_birth.weight_grams",
        "out_of_range",
    );
    refused(
        birth(3_000, 19),
        "condition_at_birth.gestational_weeks",
        "out_of_range",
    );
    refused(
        birth(3_000, 46),
        "condition_at_birth.gestational_weeks",
        "out_of_range",
    );
    let counts = |n: u32| {
        EntryBody::Reproductive(Reproductive {
            pregnancies: Some(n),
            ..Reproductive::default()
        })
    };
    accepted(counts(30));
    refused(counts(31), "pregnancies", "out_of_range");
}

#[test]
fn an_immunization_names_its_product_antigens_and_a_past_day() {
    let dose = |antigens: Vec<&str>, on: NaiveDate| {
        EntryBody::Immunization(Immunization {
            product: "Hexaxim".into(),
            trade_name: None,
            antigens: antigens.into_iter().map(Into::into).collect(),
            dose_number: 1,
            administered_on: on,
            lot: None,
            facility_id: None,
            site: None,
            route: None,
            note: None,
        })
    };
    accepted(dose(vec!["diphtheria"], date(2026, 12, 6)));
    refused(dose(vec![], date(2026, 12, 6)), "antigens", "required");
    refused(
        dose(vec![" "], date(2026, 12, 6)),
        "antigens[0]",
        "required",
    );
    refused(
        dose(vec!["polio"], date(2026, 12, 7)),
        "administered_on",
        "date_in_future",
    );
}

#[test]
fn other_kinds_require_their_words() {
    refused(
        EntryBody::Allergy(Allergy {
            kind: crate::book::history::AllergyKind::Drug,
            substance: "\t".into(),
            reaction: None,
            severity: None,
        }),
        "substance",
        "required",
    );
    refused(
        EntryBody::Surgery(Surgery {
            procedure: "Mổ ruột thừa".into(),
            year: Some(1850),
            facility: None,
            note: None,
        }),
        "year",
        "year_out_of_range",
    );
}

#[test]
fn the_category_of_an_entry() {
    let mut v = visit();
    assert_eq!(category_of(&encounter(v.clone())), None);
    v.diagnoses.push(Diagnosis {
        icd10: "B20.0".into(),
        title: None,
        primary: false,
        note: None,
    });
    assert_eq!(category_of(&encounter(v.clone())), Some(Category::Hiv));
    v.category = Some(Category::MentalHealth);
    assert_eq!(category_of(&encounter(v)), Some(Category::MentalHealth));

    let past = |disease, icd10: Option<&str>| {
        EntryBody::PastDisease(PastDisease {
            disease,
            icd10: icd10.map(Into::into),
            since_year: None,
            note: None,
        })
    };
    assert_eq!(
        category_of(&past(ChecklistDisease::MentalIllness, None)),
        Some(Category::MentalHealth)
    );
    assert_eq!(
        category_of(&past(ChecklistDisease::Tuberculosis, None)),
        Some(Category::Tuberculosis)
    );
    assert_eq!(
        category_of(&past(ChecklistDisease::Other, Some("F10.2"))),
        Some(Category::SubstanceUse)
    );
    assert_eq!(category_of(&past(ChecklistDisease::Diabetes, None)), None);
    let family = EntryBody::FamilyHistory(FamilyHistory {
        relative: Relative::Mother,
        disease: ChecklistDisease::MentalIllness,
        icd10: None,
        note: None,
    });
    assert_eq!(category_of(&family), Some(Category::MentalHealth));

    let risks = |drugs| {
        EntryBody::RiskFactors(RiskFactors {
            drugs,
            smoking: Some(UseStatus::Regular),
            ..RiskFactors::default()
        })
    };
    assert_eq!(category_of(&risks(None)), None);
    assert_eq!(category_of(&risks(Some(UseStatus::Never))), None);
    assert_eq!(
        category_of(&risks(Some(UseStatus::Former))),
        Some(Category::SubstanceUse)
    );
    assert_eq!(
        category_of(&EntryBody::Reproductive(Reproductive::default())),
        Some(Category::SexualReproductive)
    );
    assert_eq!(
        category_of(&reading(ObservationKind::HeartRate, 60.0, None, "/min")),
        None
    );
}

/// RFC 7396, Appendix A.
#[test]
fn merge_patch_follows_rfc_7396_appendix_a() {
    let cases = [
        (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
        (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
        (json!({"a":"b"}), json!({"a":null}), json!({})),
        (
            json!({"a":"b","b":"c"}),
            json!({"a":null}),
            json!({"b":"c"}),
        ),
        (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
        (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
        (
            json!({"a":{"b":"c"}}),
            json!({"a":{"b":"d","c":null}}),
            json!({"a":{"b":"d"}}),
        ),
        (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a":"b"}), json!(["c"]), json!(["c"])),
        (json!({"a":"foo"}), json!(null), json!(null)),
        (json!({"a":"foo"}), json!("bar"), json!("bar")),
        (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
        (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
        (
            json!({}),
            json!({"a":{"bb":{"ccc":null}}}),
            json!({"a":{"bb":{}}}),
        ),
    ];
    for (mut target, patch, expected) in cases {
        merge_patch(&mut target, &patch);
        assert_eq!(target, expected, "patch {patch}");
    }
}

#[test]
fn merge_patch_example_of_section_3() {
    let mut target = json!({
        "title": "Goodbye!",
        "author": {"givenName": "John", "familyName": "Doe"},
        "tags": ["example", "sample"],
        "content": "This will be unchanged"
    });
    let patch = json!({
        "title": "Hello!",
        "phoneNumber": "+01-123-456-7890",
        "author": {"familyName": null},
        "tags": ["example"]
    });
    merge_patch(&mut target, &patch);
    assert_eq!(
        target,
        json!({
            "title": "Hello!",
            "author": {"givenName": "John"},
            "tags": ["example"],
            "content": "This will be unchanged",
            "phoneNumber": "+01-123-456-7890"
        })
    );
}

#[test]
fn a_reason_is_ten_to_five_hundred_characters() {
    assert_eq!(
        check_reason("reason", "  Nhầm bệnh nhân  ").unwrap(),
        "Nhầm bệnh nhân"
    );
    assert!(check_reason("reason", &"ạ".repeat(10)).is_ok());
    assert!(check_reason("reason", &"a".repeat(500)).is_ok());
    assert!(check_reason("reason", "Dòng một\nDòng hai").is_ok());
    let code = |text: &str| check_reason("reason", text).unwrap_err().code;
    assert_eq!(code(&format!("  {}  ", "a".repeat(9))), "reason_too_short");
    assert_eq!(code(&"a".repeat(501)), "reason_too_long");
    assert_eq!(code("Nhầm bệnh nhân\u{7}"), "control_character");
    assert_eq!(check_reason("note", "").unwrap_err().field, "note");
}
