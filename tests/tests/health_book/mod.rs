//! The health book end to end: a citizen fills their book, professionals read and write it
//! only under care, consent or break-glass, each access by anyone but the citizen leaves
//! exactly one access-log line, a refused caller learns nothing, and the database itself
//! refuses to rewrite an entry or a log line.

use crate::booking_support::*;
use chrono::Duration;
use healthbook_tests::TestApp;
use healthbook_tests::people::Session;
use reqwest::Method;
use serde_json::{Value, json};

/// A citizen with a passkey session, a schedule at Bạch Mai, and the citizen's appointment
/// on a day two days ahead; `on_the_day` is a process of the same deployment whose clock is
/// ten minutes into that appointment.
pub struct Clinic {
    pub app: TestApp,
    pub on_the_day: TestApp,
    pub fid: String,
    pub patient: Session,
    pub cid: String,
    pub appointment: Value,
}

impl Clinic {
    pub async fn open() -> Clinic {
        let (app, admin, fid) = app_with_admin().await;
        create_schedule(&app, &admin, &fid, &daily_slot(5, "endocrinology", &day(2))).await;
        let slot = daily_slot_on(&app, &fid, "endocrinology", &day(2)).await;
        let (patient, _) = app.citizen_with_passkey("patient").await.unwrap();
        let cid = patient.citizen_id.clone().expect("a citizen");
        let booked = book(&app, &patient.token, &slot).await;
        booked.expect(201);
        let on_the_day =
            process_at(&app, instant(&slot["starts_at"]) + Duration::minutes(10)).await;
        Clinic {
            app,
            on_the_day,
            fid,
            patient,
            cid,
            appointment: booked.json,
        }
    }

    /// A doctor of Bạch Mai signed in on the day.
    pub async fn doctor(&self) -> Session {
        self.on_the_day
            .staff("doctor", Some(BACH_MAI))
            .await
            .unwrap()
            .0
    }

    pub async fn check_in(&self, staff: &Session) {
        let aid = self.appointment["id"].as_str().unwrap();
        self.on_the_day
            .post_as(
                &staff.token,
                &format!("/v1/appointments/{aid}/check-in"),
                &json!({}),
            )
            .await
            .unwrap()
            .expect(200);
    }

    pub fn path(&self, rest: &str) -> String {
        format!("/v1/citizens/{}/{rest}", self.cid)
    }

    /// The access log as the citizen reads it, newest first.
    pub async fn log(&self) -> Vec<Value> {
        let log = self
            .on_the_day
            .get_as(&self.patient.token, &self.path("access-log?limit=100"))
            .await
            .unwrap();
        log.expect(200);
        log.json["items"].as_array().unwrap().clone()
    }
}

fn reading(kind: &str, value: f64, unit: &str) -> Value {
    json!({ "kind": kind, "value": value, "unit": unit, "taken_at": now().to_rfc3339() })
}

fn blood_pressure(systolic: f64, diastolic: f64) -> Value {
    json!({
        "kind": "blood_pressure", "value": systolic, "second_value": diastolic,
        "unit": "mm[Hg]", "taken_at": now().to_rfc3339(),
    })
}

fn allergy(substance: &str) -> Value {
    json!({ "body": { "kind": "allergy", "data": {
        "kind": "drug", "substance": substance, "reaction": "Nổi mề đay", "severity": "moderate",
    }}})
}

pub fn visit(clinic: &Clinic, icd10: &str) -> Value {
    let started = instant(&clinic.appointment["starts_at"]) + Duration::minutes(5);
    json!({
        "kind": "outpatient",
        "started_at": started.to_rfc3339(),
        "reason": "Khát nhiều, tiểu nhiều",
        "vital_signs": { "pulse": 82, "temperature_c": 36.8, "systolic": 135, "diastolic": 85,
                         "height_cm": 165, "weight_kg": 70 },
        "findings": "Đường huyết lúc đói cao",
        "diagnoses": [{ "icd10": icd10, "primary": true }],
        "prescriptions": [{ "medicine": "Metformin 500 mg", "dosage": "1 viên × 2 lần/ngày", "days": 30 }],
        "advice": "Ăn giảm đường, đi bộ 30 phút mỗi ngày",
    })
}

fn entries_of<'a>(book: &'a Value, kind: &str) -> Vec<&'a Value> {
    book["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["body"]["kind"] == kind)
        .collect()
}

#[tokio::test]
async fn a_citizen_fills_the_book_corrects_it_and_reads_it_back() {
    let clinic = Clinic::open().await;
    let (app, token) = (&clinic.app, clinic.patient.token.as_str());

    // Section I, from empty, then on the version just written.
    let profile = app
        .call(
            Method::PATCH,
            &clinic.path("profile"),
            Some(token),
            Some(&json!({ "changes": {
                "blood_group": { "abo": "O", "rh": "positive" },
                "insurance_number": "dn 4010123456789",
                "phone": "0912345678",
            }})),
        )
        .await
        .unwrap();
    profile.expect(200);
    assert_eq!(profile.json["version"], 1);
    assert_eq!(profile.json["provenance"]["self_reported"], true);
    assert_eq!(
        profile.json["body"]["data"]["insurance_number"],
        "DN4010123456789"
    );
    let changed = app
        .call(
            Method::PATCH,
            &clinic.path("profile"),
            Some(token),
            Some(&json!({ "base_version": 1, "changes": { "phone": null, "occupation": "Giáo viên" } })),
        )
        .await
        .unwrap();
    changed.expect(200);
    assert_eq!(changed.json["version"], 2);
    assert_eq!(changed.json["body"]["data"]["phone"], Value::Null);
    assert_eq!(changed.json["body"]["data"]["blood_group"]["abo"], "O");
    // A change made on a stale version is refused: the app shows the newer one.
    app.call(
        Method::PATCH,
        &clinic.path("profile"),
        Some(token),
        Some(&json!({ "base_version": 1, "changes": { "occupation": "Kỹ sư" } })),
    )
    .await
    .unwrap()
    .expect_problem(409, "version_conflict");
    // A field of the wrong type is named.
    let wrong = app
        .call(
            Method::PATCH,
            &clinic.path("profile"),
            Some(token),
            Some(&json!({ "base_version": 2, "changes": { "blood_group": { "abo": "Z", "rh": "positive" } } })),
        )
        .await
        .unwrap();
    wrong.expect_problem(422, "validation_failed");
    assert!(wrong.text.contains("blood_group"), "{}", wrong.text);

    // History and readings, self-reported.
    let added = app
        .post_as(token, &clinic.path("entries"), &allergy("Penicillin"))
        .await
        .unwrap();
    added.expect(201);
    assert_eq!(added.json["section"], "history");
    assert_eq!(added.json["provenance"]["author_role"], "citizen");
    let eid = added.json["entry_id"].as_str().unwrap().to_owned();
    app.post_as(
        token,
        &clinic.path("observations"),
        &blood_pressure(128.0, 82.0),
    )
    .await
    .unwrap()
    .expect(201);

    // Bad readings are refused, named, and write nothing.
    let high = app
        .post_as(
            token,
            &clinic.path("observations"),
            &blood_pressure(420.0, 82.0),
        )
        .await
        .unwrap();
    high.expect_problem(422, "validation_failed");
    assert_eq!(high.json["errors"][0]["field"], "value", "{}", high.text);
    let unit = app
        .post_as(
            token,
            &clinic.path("observations"),
            &reading("body_weight", 70.0, "lb"),
        )
        .await
        .unwrap();
    unit.expect_problem(422, "validation_failed");
    assert_eq!(
        unit.json["errors"][0]["code"], "unit_invalid",
        "{}",
        unit.text
    );

    // A correction is a new version with its reason; a mistake is marked, never erased.
    let corrected = app
        .post_as(
            token,
            &clinic.path(&format!("entries/{eid}/corrections")),
            &json!({ "base_version": 1, "reason": "Nhớ nhầm tên thuốc",
                     "body": allergy("Amoxicillin")["body"] }),
        )
        .await
        .unwrap();
    corrected.expect(200);
    assert_eq!(corrected.json["version"], 2);
    assert_eq!(corrected.json["status"], "corrected");
    app.post_as(
        token,
        &clinic.path(&format!("entries/{eid}/entered-in-error")),
        &json!({ "base_version": 1, "reason": "Không bị dị ứng thuốc này" }),
    )
    .await
    .unwrap()
    .expect_problem(409, "version_conflict");
    app.post_as(
        token,
        &clinic.path(&format!("entries/{eid}/entered-in-error")),
        &json!({ "base_version": 2, "reason": "ok" }),
    )
    .await
    .unwrap()
    .expect_problem(422, "validation_failed");

    // Risk factors are held once; marked in error, they make room for the right ones.
    let risk = |smoking: &str| {
        json!({ "body": { "kind": "risk_factors", "data": {
            "smoking": smoking, "alcohol": "occasional", "physical_activity": "moderate",
        }}})
    };
    let first = app
        .post_as(token, &clinic.path("entries"), &risk("regular"))
        .await
        .unwrap();
    first.expect(201);
    app.post_as(token, &clinic.path("entries"), &risk("never"))
        .await
        .unwrap()
        .expect_problem(409, "entry_exists");
    let first_id = first.json["entry_id"].as_str().unwrap();
    app.post_as(
        token,
        &clinic.path(&format!("entries/{first_id}/entered-in-error")),
        &json!({ "base_version": 1, "reason": "Nhập nhầm của người khác" }),
    )
    .await
    .unwrap()
    .expect(200);
    app.post_as(token, &clinic.path("entries"), &risk("never"))
        .await
        .unwrap()
        .expect(201);
    app.post_as(token, &clinic.path("entries"), &risk("former"))
        .await
        .unwrap()
        .expect_problem(409, "entry_exists");

    // A citizen does not record visits.
    app.post_as(token, &clinic.path("encounters"), &visit(&clinic, "E11.9"))
        .await
        .unwrap()
        .expect_problem(403, "forbidden");

    let book = app.get_as(token, &clinic.path("book")).await.unwrap();
    book.expect(200);
    assert_eq!(book.json["sections"].as_array().unwrap().len(), 5);
    let allergies = entries_of(&book.json, "allergy");
    assert_eq!(allergies.len(), 1);
    assert_eq!(allergies[0]["body"]["data"]["substance"], "Amoxicillin");
    assert_eq!(entries_of(&book.json, "observation").len(), 1);
    assert_eq!(entries_of(&book.json, "administrative").len(), 1);
    let readings = app
        .get_as(token, &clinic.path("observations?kind=blood_pressure"))
        .await
        .unwrap();
    readings.expect(200);
    assert_eq!(readings.json["items"].as_array().unwrap().len(), 1);
    // The citizen's own reads and writes are not in their access log.
    assert!(clinic.log().await.is_empty());
}

#[tokio::test]
async fn care_then_consent_then_break_glass_each_open_the_book_and_each_access_is_logged_once() {
    let clinic = Clinic::open().await;
    let day_app = &clinic.on_the_day;
    let doctor = clinic.doctor().await;
    let patient = clinic.patient.token.as_str();
    day_app
        .post_as(patient, &clinic.path("entries"), &allergy("Penicillin"))
        .await
        .unwrap()
        .expect(201);

    // Before the check-in the doctor has no relationship: the book does not exist for them.
    day_app
        .get_as(&doctor.token, &clinic.path("book"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    assert!(clinic.log().await.is_empty());

    clinic.check_in(&doctor).await;
    let book = day_app
        .get_as(&doctor.token, &clinic.path("book"))
        .await
        .unwrap();
    book.expect(200);
    assert_eq!(entries_of(&book.json, "allergy").len(), 1);
    let log = clinic.log().await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["basis"], "care");
    assert_eq!(log[0]["action"], "read");
    assert_eq!(log[0]["actor_role"], "doctor");
    assert_eq!(log[0]["basis_ref"], clinic.appointment["code"]);

    // An unknown ICD-10 code is refused, named, and neither written nor logged.
    let unknown = day_app
        .post_as(
            &doctor.token,
            &clinic.path("encounters"),
            &visit(&clinic, "E11.99"),
        )
        .await
        .unwrap();
    unknown.expect_problem(422, "validation_failed");
    assert_eq!(
        unknown.json["errors"][0]["field"], "diagnoses[0].icd10",
        "{}",
        unknown.text
    );
    assert_eq!(clinic.log().await.len(), 1);

    let recorded = day_app
        .post_as(
            &doctor.token,
            &clinic.path("encounters"),
            &visit(&clinic, "e11.9"),
        )
        .await
        .unwrap();
    recorded.expect(201);
    assert_eq!(recorded.json["provenance"]["self_reported"], false);
    assert_eq!(
        recorded.json["provenance"]["facility_id"],
        clinic.fid.as_str()
    );
    assert_eq!(
        recorded.json["body"]["data"]["diagnoses"][0]["icd10"],
        "E11.9"
    );
    assert_eq!(recorded.json["body"]["data"]["vital_signs"]["bmi"], 25.7);
    let log = clinic.log().await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["action"], "write");
    assert_eq!(log[0]["sections"], json!(["visits"]));

    // The citizen downloads the visit as a document; the doctor may too, and it is logged.
    let eid = recorded.json["entry_id"].as_str().unwrap();
    let document = day_app
        .get_as(patient, &clinic.path(&format!("encounters/{eid}/pdf")))
        .await
        .unwrap();
    document.expect(200);
    assert_eq!(document.header("content-type"), Some("application/pdf"));
    assert!(document.text.starts_with("%PDF-"));
    day_app
        .get_as(
            &doctor.token,
            &clinic.path(&format!("encounters/{eid}/pdf")),
        )
        .await
        .unwrap()
        .expect(200);
    day_app
        .get_as(
            patient,
            &clinic.path(&format!("encounters/{}/pdf", uuid::Uuid::now_v7())),
        )
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    assert_eq!(clinic.log().await.len(), 3);

    // The citizen cannot rewrite the doctor's entry; they can ask the facility to.
    day_app
        .post_as(
            patient,
            &clinic.path(&format!("entries/{eid}/entered-in-error")),
            &json!({ "base_version": 1, "reason": "Tôi không đi khám hôm đó" }),
        )
        .await
        .unwrap()
        .expect_problem(403, "not_the_author");

    // A doctor of another facility: nothing, until the citizen consents.
    let (elsewhere, _) = day_app.staff("doctor", Some(NHI_TRUNG_UONG)).await.unwrap();
    let other_fid = facility(day_app, "nhi trung uong").await;
    day_app
        .get_as(&elsewhere.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    let text = day_app.get("/v1/consent-text?lang=vi").await.unwrap();
    text.expect(200);
    let consent = day_app
        .post_as(
            patient,
            &clinic.path("consents"),
            &json!({
                "facility_id": other_fid, "purpose": "referral", "sections": ["visits"],
                "valid_until": day(30), "text_version": text.json["version"],
                "channel": "app", "agreed": true,
            }),
        )
        .await
        .unwrap();
    consent.expect(201);
    assert!(
        consent.json["text"]
            .as_str()
            .unwrap()
            .contains("Bệnh viện Nhi Trung ương"),
        "{}",
        consent.text
    );
    let through_consent = day_app
        .get_as(&elsewhere.token, &clinic.path("book"))
        .await
        .unwrap();
    through_consent.expect(200);
    assert_eq!(through_consent.json["sections"], json!(["visits"]));
    assert_eq!(entries_of(&through_consent.json, "allergy").len(), 0);
    assert_eq!(entries_of(&through_consent.json, "encounter").len(), 1);
    let log = clinic.log().await;
    assert_eq!(log.len(), 4);
    assert_eq!(log[0]["basis"], "consent");
    assert_eq!(log[0]["sections"], json!(["visits"]));
    // Consent opens reading, not writing.
    day_app
        .post_as(
            &elsewhere.token,
            &clinic.path("encounters"),
            &visit(&clinic, "E11.9"),
        )
        .await
        .unwrap()
        .expect_problem(404, "not_found");

    let consent_id = consent.json["id"].as_str().unwrap();
    let withdrawn = day_app
        .call(
            Method::DELETE,
            &clinic.path(&format!("consents/{consent_id}")),
            Some(patient),
            None,
        )
        .await
        .unwrap();
    withdrawn.expect(200);
    assert_eq!(withdrawn.json["status"], "withdrawn");
    day_app
        .get_as(&elsewhere.token, &clinic.path("book"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");

    // Break-glass: a reason is required; then the book opens and the citizen is told.
    day_app
        .post_as(
            &elsewhere.token,
            &clinic.path("break-glass"),
            &json!({ "facility_id": other_fid, "reason": "" }),
        )
        .await
        .unwrap()
        .expect_problem(422, "validation_failed");
    assert_eq!(clinic.log().await.len(), 4);
    let mails_before = day_app.mail_count(&clinic.patient.email);
    let opened = day_app
        .post_as(
            &elsewhere.token,
            &clinic.path("break-glass"),
            &json!({ "facility_id": other_fid, "reason": "Bất tỉnh tại cấp cứu, cần tiền sử dị ứng" }),
        )
        .await
        .unwrap();
    opened.expect(201);
    let glass = day_app
        .get_as(&elsewhere.token, &clinic.path("book"))
        .await
        .unwrap();
    glass.expect(200);
    assert_eq!(entries_of(&glass.json, "allergy").len(), 1);
    let log = clinic.log().await;
    assert_eq!(log.len(), 5);
    assert_eq!(log[0]["basis"], "break_glass");
    assert_eq!(
        log[0]["basis_ref"],
        "Bất tỉnh tại cấp cứu, cần tiền sử dị ứng"
    );
    for _ in 0..100 {
        if day_app.mail_count(&clinic.patient.email) > mails_before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        day_app.mail_count(&clinic.patient.email) > mails_before,
        "no mail to the citizen"
    );

    // The facility's administrator reviews it, once.
    let (other_admin, _) = day_app
        .staff("facility_admin", Some(NHI_TRUNG_UONG))
        .await
        .unwrap();
    let pending = day_app
        .get_as(
            &other_admin.token,
            &format!("/v1/facilities/{other_fid}/break-glass?pending=true"),
        )
        .await
        .unwrap();
    pending.expect(200);
    assert_eq!(pending.json.as_array().unwrap().len(), 1);
    let bid = opened.json["id"].as_str().unwrap();
    let review = json!({ "justified": true, "note": "Bệnh nhân cấp cứu, lý do hợp lệ" });
    let review_path = format!("/v1/facilities/{other_fid}/break-glass/{bid}/review");
    let (own_admin, _) = day_app
        .staff("facility_admin", Some(BACH_MAI))
        .await
        .unwrap();
    day_app
        .post_as(&own_admin.token, &review_path, &review)
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    day_app
        .post_as(&other_admin.token, &review_path, &review)
        .await
        .unwrap()
        .expect(200);
    day_app
        .post_as(&other_admin.token, &review_path, &review)
        .await
        .unwrap()
        .expect_problem(409, "already_reviewed");
}

#[tokio::test]
async fn sensitive_categories_show_only_under_a_consent_that_names_them() {
    let clinic = Clinic::open().await;
    let day_app = &clinic.on_the_day;
    let doctor = clinic.doctor().await;
    clinic.check_in(&doctor).await;
    // Tuberculosis: the code puts the visit in a sensitive category.
    day_app
        .post_as(
            &doctor.token,
            &clinic.path("encounters"),
            &visit(&clinic, "A15.0"),
        )
        .await
        .unwrap()
        .expect(201);
    day_app
        .post_as(
            &doctor.token,
            &clinic.path("encounters"),
            &visit(&clinic, "E11.9"),
        )
        .await
        .unwrap()
        .expect(201);
    // The writing doctor's care does not open the category either.
    let care = day_app
        .get_as(&doctor.token, &clinic.path("encounters"))
        .await
        .unwrap();
    care.expect(200);
    assert_eq!(care.json["items"].as_array().unwrap().len(), 1);
    // The citizen sees both, labelled.
    let own = day_app
        .get_as(&clinic.patient.token, &clinic.path("encounters"))
        .await
        .unwrap();
    let categories: Vec<&Value> = own.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["category"])
        .collect();
    assert!(categories.contains(&&json!("tuberculosis")), "{}", own.text);

    let (elsewhere, _) = day_app.staff("doctor", Some(NHI_TRUNG_UONG)).await.unwrap();
    let other_fid = facility(day_app, "nhi trung uong").await;
    let grant = |categories: Value| {
        json!({
            "facility_id": other_fid, "purpose": "treatment", "sections": ["visits"],
            "categories": categories, "valid_until": day(10), "text_version": "2026-12",
            "channel": "app", "agreed": true,
        })
    };
    day_app
        .post_as(
            &clinic.patient.token,
            &clinic.path("consents"),
            &grant(json!([])),
        )
        .await
        .unwrap()
        .expect(201);
    let without = day_app
        .get_as(&elsewhere.token, &clinic.path("encounters"))
        .await
        .unwrap();
    assert_eq!(without.json["items"].as_array().unwrap().len(), 1);
    day_app
        .post_as(
            &clinic.patient.token,
            &clinic.path("consents"),
            &grant(json!(["tuberculosis"])),
        )
        .await
        .unwrap()
        .expect(201);
    let with = day_app
        .get_as(&elsewhere.token, &clinic.path("encounters"))
        .await
        .unwrap();
    assert_eq!(with.json["items"].as_array().unwrap().len(), 2);
    // Never pre-ticked: a consent not explicitly agreed to is refused and not recorded.
    let mut unticked = grant(json!([]));
    unticked["agreed"] = json!(false);
    let refused = day_app
        .post_as(&clinic.patient.token, &clinic.path("consents"), &unticked)
        .await
        .unwrap();
    refused.expect_problem(422, "validation_failed");
    assert_eq!(refused.json["errors"][0]["code"], "consent_not_agreed");
    let mut nowhere = grant(json!([]));
    nowhere["facility_id"] = json!(uuid::Uuid::nil());
    let unknown = day_app
        .post_as(&clinic.patient.token, &clinic.path("consents"), &nowhere)
        .await
        .unwrap();
    unknown.expect_problem(422, "validation_failed");
    assert!(
        unknown.text.contains("unknown_facility"),
        "{}",
        unknown.text
    );
    let consents = day_app
        .get_as(&clinic.patient.token, &clinic.path("consents"))
        .await
        .unwrap();
    assert_eq!(consents.json.as_array().unwrap().len(), 2);

    // The app's retry of a consent (same key, same terms) records it once.
    let send = || {
        day_app
            .request(Method::POST, &clinic.path("consents"))
            .bearer_auth(&clinic.patient.token)
            .header("Idempotency-Key", "consent-retry-0001")
            .json(&grant(json!(["mental_health"])))
            .send()
    };
    let first = healthbook_tests::Reply::from(send().await.unwrap())
        .await
        .unwrap();
    first.expect(201);
    let again = healthbook_tests::Reply::from(send().await.unwrap())
        .await
        .unwrap();
    again.expect(201);
    assert_eq!(again.json["id"], first.json["id"]);
    let consents = day_app
        .get_as(&clinic.patient.token, &clinic.path("consents"))
        .await
        .unwrap();
    assert_eq!(consents.json.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_consent_to_one_practitioner_opens_the_book_to_the_account_signed_in_as_them_only() {
    let clinic = Clinic::open().await;
    let day_app = &clinic.on_the_day;
    let patient = &clinic.patient.token;
    let nhi = facility(day_app, "nhi trung uong").await;
    let (admin, _) = day_app
        .staff("facility_admin", Some(NHI_TRUNG_UONG))
        .await
        .unwrap();
    let (minh, _) = day_app.staff("doctor", Some(NHI_TRUNG_UONG)).await.unwrap();
    let (colleague, _) = day_app.staff("doctor", Some(NHI_TRUNG_UONG)).await.unwrap();
    let (bach_mai_doctor, _) = day_app.staff("doctor", Some(BACH_MAI)).await.unwrap();
    let (bach_mai_admin, _) = day_app
        .staff("facility_admin", Some(BACH_MAI))
        .await
        .unwrap();
    let register = |licence: &str| {
        json!({
            "licence_number": licence, "full_name": "Lê Văn Minh", "title": "BS.CKII",
            "specialties": ["endocrinology"], "facility_ids": [nhi],
        })
    };
    let registered = day_app
        .post_as(
            &admin.token,
            "/v1/admin/practitioners",
            &register("004321/HNO-CCHN"),
        )
        .await
        .unwrap();
    registered.expect(201);
    assert_eq!(registered.json["signs_in"], false);
    let pid = registered.json["id"].as_str().unwrap().to_owned();
    let account_path = format!("/v1/admin/practitioners/{pid}/account");
    let link = |token: &str, path: &str, account: &str| {
        let body = json!({ "account_id": account });
        let (token, path) = (token.to_owned(), path.to_owned());
        async move {
            day_app
                .call(Method::PUT, &path, Some(&token), Some(&body))
                .await
                .unwrap()
        }
    };

    // Only a doctor or vaccinator of the practitioner's facility can be linked, and only by
    // whoever manages the practitioner: for another facility's administrator the
    // practitioner is as absent as a random id.
    link(&admin.token, &account_path, &bach_mai_doctor.account_id)
        .await
        .expect_problem(422, "validation_failed");
    link(&admin.token, &account_path, &clinic.patient.account_id)
        .await
        .expect_problem(422, "validation_failed");
    link(&bach_mai_admin.token, &account_path, &minh.account_id)
        .await
        .expect_problem(404, "not_found");
    let random = format!("/v1/admin/practitioners/{}/account", uuid::Uuid::now_v7());
    link(&admin.token, &random, &minh.account_id)
        .await
        .expect_problem(404, "not_found");
    link(&minh.token, &account_path, &minh.account_id)
        .await
        .expect_problem(403, "forbidden");
    let linked = link(&admin.token, &account_path, &minh.account_id).await;
    linked.expect(200);
    assert_eq!(linked.json["signs_in"], true);
    // One account is one person.
    let second = day_app
        .post_as(
            &admin.token,
            "/v1/admin/practitioners",
            &register("004322/HNO-CCHN"),
        )
        .await
        .unwrap();
    second.expect(201);
    let second_path = format!(
        "/v1/admin/practitioners/{}/account",
        second.json["id"].as_str().unwrap()
    );
    link(&admin.token, &second_path, &minh.account_id)
        .await
        .expect_problem(409, "practitioner_account_taken");

    // The practitioner must work at the facility the consent names.
    let text = day_app.get("/v1/consent-text?lang=vi").await.unwrap();
    let grant = |facility: &str| {
        json!({
            "facility_id": facility, "practitioner_id": pid, "purpose": "follow_up",
            "sections": ["visits"], "valid_until": day(30),
            "text_version": text.json["version"], "channel": "app", "agreed": true,
        })
    };
    let bach_mai = clinic.fid.clone();
    let refused = day_app
        .post_as(patient, &clinic.path("consents"), &grant(&bach_mai))
        .await
        .unwrap();
    refused.expect_problem(422, "validation_failed");
    assert_eq!(refused.json["errors"][0]["field"], "practitioner_id");
    assert_eq!(refused.json["errors"][0]["code"], "unknown_practitioner");
    let logged_before = clinic.log().await.len();

    let consent = day_app
        .post_as(patient, &clinic.path("consents"), &grant(&nhi))
        .await
        .unwrap();
    consent.expect(201);
    assert_eq!(consent.json["practitioner_id"], json!(pid));
    assert_eq!(consent.json["practitioner_name"], "BS.CKII Lê Văn Minh");
    assert!(
        consent.json["text"]
            .as_str()
            .unwrap()
            .contains("đồng ý cho BS.CKII Lê Văn Minh tại Bệnh viện Nhi Trung ương xem"),
        "{}",
        consent.text
    );
    day_app
        .get_as(&minh.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect(200);
    day_app
        .get_as(&colleague.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    let log = clinic.log().await;
    assert_eq!(log.len(), logged_before + 1, "only the named doctor's read");
    assert_eq!(log[0]["basis"], "consent");
    assert_eq!(log[0]["facility_name"], "Bệnh viện Nhi Trung ương");

    // Unlinking, too, is for whoever manages the practitioner.
    day_app
        .call(
            Method::DELETE,
            &account_path,
            Some(&bach_mai_admin.token),
            None,
        )
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    day_app
        .call(Method::DELETE, &account_path, Some(&minh.token), None)
        .await
        .unwrap()
        .expect_problem(403, "forbidden");

    // Unlinked, the account no longer reads under the consent.
    day_app
        .call(Method::DELETE, &account_path, Some(&admin.token), None)
        .await
        .unwrap()
        .expect(200);
    day_app
        .get_as(&minh.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    assert_eq!(clinic.log().await.len(), logged_before + 1);
}

#[tokio::test]
async fn staff_find_a_patient_by_a_number_in_the_body_and_the_search_is_logged() {
    let clinic = Clinic::open().await;
    let day_app = &clinic.on_the_day;
    let doctor = clinic.doctor().await;
    day_app
        .call(
            Method::PATCH,
            &clinic.path("profile"),
            Some(&clinic.patient.token),
            Some(&json!({ "changes": { "insurance_number": "DN4010123456780" } })),
        )
        .await
        .unwrap()
        .expect(200);
    let token = doctor.token.as_str();
    let find = |body: Value| async move {
        day_app
            .post_as(token, "/v1/patients/find", &body)
            .await
            .unwrap()
    };
    let by_code =
        find(json!({ "facility_id": clinic.fid, "appointment_code": clinic.appointment["code"] }))
            .await;
    by_code.expect(200);
    assert_eq!(by_code.json["citizen_id"], clinic.cid.as_str());
    let by_card =
        find(json!({ "facility_id": clinic.fid, "insurance_number": "dn4010123456780" })).await;
    by_card.expect(200);
    assert_eq!(by_card.json["citizen_id"], clinic.cid.as_str());
    find(json!({ "facility_id": clinic.fid, "insurance_number": "DN4010999999999" }))
        .await
        .expect_problem(404, "not_found");
    find(json!({ "facility_id": clinic.fid, "national_id": "1", "insurance_number": "DN4010123456780" }))
        .await
        .expect_problem(422, "validation_failed");
    let other_fid = facility(day_app, "nhi trung uong").await;
    find(json!({ "facility_id": other_fid, "appointment_code": clinic.appointment["code"] }))
        .await
        .expect_problem(403, "forbidden");
    // Finding is not reading: the answer opens nothing.
    day_app
        .get_as(&doctor.token, &clinic.path("book"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    let log = clinic.log().await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(
        log.iter()
            .all(|line| line["action"] == "find" && line["basis"] == "lookup")
    );
    assert_eq!(log[0]["basis_ref"], "insurance_number");
    assert_eq!(log[1]["basis_ref"], "appointment_code");
}

/// Every route that returns or changes a citizen's book, against every kind of caller: the
/// citizen (no log line), a guardian and a doctor in care (one line per access), and callers
/// with no relationship (the 404 of a citizen that does not exist, and no line).
#[tokio::test]
async fn every_book_route_answers_each_kind_of_caller_and_logs_exactly_the_others() {
    let clinic = Clinic::open().await;
    let day_app = &clinic.on_the_day;
    let doctor = clinic.doctor().await;
    clinic.check_in(&doctor).await;
    let (stranger, _) = day_app.citizen_with_passkey("stranger").await.unwrap();
    let (other_doctor, _) = day_app.staff("doctor", Some(NHI_TRUNG_UONG)).await.unwrap();
    let (support, _) = day_app.staff("support", None).await.unwrap();
    let admin = day_app
        .staff("facility_admin", Some(BACH_MAI))
        .await
        .unwrap()
        .0;
    let missing = format!("/v1/citizens/{}", uuid::Uuid::now_v7());

    let reads = [
        "book",
        "encounters",
        "observations",
        "consents",
        "access-log",
    ];
    let logged_reads = ["book", "encounters", "observations"];
    for route in reads {
        for (who, token) in [
            ("stranger", &stranger.token),
            ("other doctor", &other_doctor.token),
            ("support", &support.token),
            ("admin", &admin.token),
        ] {
            let before = clinic.log().await.len();
            let denied = day_app.get_as(token, &clinic.path(route)).await.unwrap();
            let absent = day_app
                .get_as(token, &format!("{missing}/{route}"))
                .await
                .unwrap();
            assert_eq!(denied.status, 404, "{who} {route}: {}", denied.text);
            assert_eq!(denied.json["code"], absent.json["code"], "{who} {route}");
            assert_eq!(
                clinic.log().await.len(),
                before,
                "{who} {route} left a line"
            );
        }
        let before = clinic.log().await.len();
        day_app
            .get_as(&clinic.patient.token, &clinic.path(route))
            .await
            .unwrap()
            .expect(200);
        assert_eq!(clinic.log().await.len(), before, "own {route} left a line");
        let by_doctor = day_app
            .get_as(&doctor.token, &clinic.path(route))
            .await
            .unwrap();
        let after = clinic.log().await.len();
        if logged_reads.contains(&route) {
            by_doctor.expect(200);
            assert_eq!(after, before + 1, "doctor {route}");
        } else {
            // Consents and the access log are the citizen's own business.
            by_doctor.expect_problem(404, "not_found");
            assert_eq!(after, before, "doctor {route}");
        }
    }
    for (route, body) in [
        ("observations", blood_pressure(120.0, 80.0)),
        ("entries", allergy("Aspirin")),
        ("encounters", visit(&clinic, "E11.9")),
        (
            "break-glass",
            json!({ "facility_id": clinic.fid, "reason": "Cấp cứu, cần xem tiền sử" }),
        ),
    ] {
        for token in [&stranger.token, &support.token] {
            let before = clinic.log().await.len();
            let denied = day_app
                .post_as(token, &clinic.path(route), &body)
                .await
                .unwrap();
            assert!(
                [403, 404].contains(&denied.status.as_u16()),
                "{route}: {}",
                denied.text
            );
            assert_eq!(clinic.log().await.len(), before, "{route} left a line");
        }
    }

    // Routes with a second id: someone else's id answers as a missing one, and leaves no line.
    let allergy_id = day_app
        .post_as(
            &clinic.patient.token,
            &clinic.path("entries"),
            &allergy("Aspirin"),
        )
        .await
        .unwrap()
        .json["entry_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let visit_id = day_app
        .post_as(
            &doctor.token,
            &clinic.path("encounters"),
            &visit(&clinic, "E11.9"),
        )
        .await
        .unwrap()
        .json["entry_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A consent to a third facility: none of the callers below works there.
    let third_fid = facility(day_app, "cho ray").await;
    let consent_id = day_app
        .post_as(
            &clinic.patient.token,
            &clinic.path("consents"),
            &json!({
                "facility_id": third_fid, "purpose": "treatment", "sections": ["visits"],
                "valid_until": day(10), "text_version": "2026-12", "channel": "app", "agreed": true,
            }),
        )
        .await
        .unwrap()
        .json["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let unknown = uuid::Uuid::now_v7();
    let correction = json!({ "base_version": 1, "reason": "Sửa cho đúng thực tế", "body": allergy("Aspirin")["body"] });
    let mistake = json!({ "base_version": 1, "reason": "Ghi nhầm người bệnh" });
    for (method, rest, body) in [
        (
            Method::POST,
            format!("entries/{allergy_id}/corrections"),
            Some(&correction),
        ),
        (
            Method::POST,
            format!("entries/{allergy_id}/entered-in-error"),
            Some(&mistake),
        ),
        (Method::GET, format!("encounters/{visit_id}/pdf"), None),
        (Method::DELETE, format!("consents/{consent_id}"), None),
    ] {
        for token in [&stranger.token, &other_doctor.token, &support.token] {
            let before = clinic.log().await.len();
            let denied = day_app
                .call(method.clone(), &clinic.path(&rest), Some(token), body)
                .await
                .unwrap();
            let absent_rest = rest
                .replace(&allergy_id, &unknown.to_string())
                .replace(&visit_id, &unknown.to_string())
                .replace(&consent_id, &unknown.to_string());
            let absent = day_app
                .call(
                    method.clone(),
                    &clinic.path(&absent_rest),
                    Some(token),
                    body,
                )
                .await
                .unwrap();
            assert_eq!(denied.status, 404, "{method} {rest}: {}", denied.text);
            assert_eq!(denied.json, absent.json, "{method} {rest}");
            assert_eq!(
                clinic.log().await.len(),
                before,
                "{method} {rest} left a line"
            );
        }
    }
}

#[tokio::test]
async fn a_guardian_reads_and_writes_a_childs_book_and_each_access_is_logged() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let (parent, _) = app.citizen_with_passkey("parent").await.unwrap();
    let added = app
        .post_as(
            &parent.token,
            "/v1/me/dependents",
            &json!({
                "national_id": healthbook_tests::people::national_id_for(
                    chrono::NaiveDate::from_ymd_opt(2019, 4, 2).unwrap(), true),
                "full_name": "Nguyễn Ngọc Hân",
                "date_of_birth": "2019-04-02",
                "sex": "female",
            }),
        )
        .await
        .unwrap();
    added.expect(201);
    let child = added.json["citizen"]["citizen_id"].as_str().unwrap();
    let path = |rest: &str| format!("/v1/citizens/{child}/{rest}");
    let wrote = app
        .post_as(
            &parent.token,
            &path("observations"),
            &reading("body_temperature", 38.2, "Cel"),
        )
        .await
        .unwrap();
    wrote.expect(201);
    assert_eq!(wrote.json["provenance"]["author_role"], "guardian");
    app.get_as(&parent.token, &path("book"))
        .await
        .unwrap()
        .expect(200);
    let log = app
        .get_as(&parent.token, &path("access-log"))
        .await
        .unwrap();
    log.expect(200);
    let lines = log.json["items"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{}", log.text);
    assert!(lines.iter().all(|l| l["basis"] == "guardian"));
    assert_eq!(lines[0]["action"], "read");
    assert_eq!(lines[1]["action"], "write");
    // A guardian consents for a child of 7 or more only with the child's assent.
    let text = app.get("/v1/consent-text").await.unwrap();
    let fid = facility(&app, "bach mai").await;
    let without_assent = app
        .post_as(
            &parent.token,
            &path("consents"),
            &json!({
                "facility_id": fid, "purpose": "follow_up", "sections": ["readings"],
                "valid_until": day(30), "text_version": text.json["version"],
                "channel": "app", "agreed": true,
            }),
        )
        .await
        .unwrap();
    without_assent.expect_problem(422, "validation_failed");
    assert!(
        without_assent.text.contains("child_assent_required"),
        "{}",
        without_assent.text
    );
}

#[tokio::test]
async fn the_database_refuses_to_rewrite_an_entry_or_a_log_line() {
    use sea_orm::ConnectionTrait;
    let clinic = Clinic::open().await;
    let doctor = clinic.doctor().await;
    clinic.check_in(&doctor).await;
    clinic
        .on_the_day
        .get_as(&doctor.token, &clinic.path("book"))
        .await
        .unwrap()
        .expect(200);
    clinic
        .app
        .post_as(
            &clinic.patient.token,
            &clinic.path("entries"),
            &allergy("Penicillin"),
        )
        .await
        .unwrap()
        .expect(201);
    let db = clinic.app.database().await.unwrap();
    for statement in [
        "UPDATE book_entries SET body = '{}'",
        "DELETE FROM book_entries",
        "UPDATE access_log SET actor_role = 'support'",
        "DELETE FROM access_log",
    ] {
        let refused = db.execute_unprepared(statement).await;
        let message = format!("{refused:?}");
        assert!(refused.is_err(), "{statement} was allowed");
        assert!(message.contains("append-only"), "{statement}: {message}");
    }
    assert_eq!(clinic.log().await.len(), 1);
}

#[tokio::test]
async fn two_corrections_of_one_version_at_once_make_one_version() {
    let clinic = Clinic::open().await;
    let (app, token) = (&clinic.app, clinic.patient.token.as_str());
    let added = app
        .post_as(token, &clinic.path("entries"), &allergy("Penicillin"))
        .await
        .unwrap();
    let eid = added.json["entry_id"].as_str().unwrap();
    let correct = |substance: &'static str| {
        let path = clinic.path(&format!("entries/{eid}/corrections"));
        async move {
            app.post_as(
                token,
                &path,
                &json!({ "base_version": 1, "reason": "Sửa tên thuốc cho đúng",
                         "body": allergy(substance)["body"] }),
            )
            .await
            .unwrap()
            .status
            .as_u16()
        }
    };
    let (a, b) = tokio::join!(correct("Amoxicillin"), correct("Cefalexin"));
    let mut statuses = [a, b];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
}

/// Keeps a bundle for `.ci/validate-fhir.sh` when the run asks for samples.
fn keep_sample(name: &str, bundle: &Value) {
    if let Ok(dir) = std::env::var("FHIR_SAMPLES_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        let path = std::path::Path::new(&dir).join(format!("{name}.json"));
        std::fs::write(path, serde_json::to_vec_pretty(bundle).unwrap()).unwrap();
    }
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

#[tokio::test]
async fn the_fhir_bundle_holds_what_the_caller_may_see_and_reads_incrementally() {
    let clinic = Clinic::open().await;
    let day_app = &clinic.on_the_day;
    let patient = clinic.patient.token.as_str();
    day_app
        .call(
            Method::PATCH,
            &clinic.path("profile"),
            Some(patient),
            Some(&json!({ "changes": {
                "blood_group": { "abo": "A", "rh": "positive" },
                "insurance_number": "DN4010123456781",
                "emergency_contacts": [{ "name": "Trần Thị Mai", "kinship": "spouse", "phone": "0987654321" }],
            }})),
        )
        .await
        .unwrap()
        .expect(200);
    day_app
        .post_as(patient, &clinic.path("entries"), &allergy("Penicillin"))
        .await
        .unwrap()
        .expect(201);
    day_app
        .post_as(
            patient,
            &clinic.path("observations"),
            &blood_pressure(131.0, 84.0),
        )
        .await
        .unwrap()
        .expect(201);
    let doctor = clinic.doctor().await;
    clinic.check_in(&doctor).await;
    day_app
        .post_as(
            &doctor.token,
            &clinic.path("encounters"),
            &visit(&clinic, "E11.9"),
        )
        .await
        .unwrap()
        .expect(201);
    let text = day_app.get("/v1/consent-text").await.unwrap();
    let other_fid = facility(day_app, "nhi trung uong").await;
    day_app
        .post_as(
            patient,
            &clinic.path("consents"),
            &json!({
                "facility_id": other_fid, "purpose": "follow_up", "sections": ["visits", "readings"],
                "valid_until": day(60), "text_version": text.json["version"],
                "channel": "app", "agreed": true,
            }),
        )
        .await
        .unwrap()
        .expect(201);

    let own = day_app.get_as(patient, &clinic.path("fhir")).await.unwrap();
    own.expect(200);
    assert_eq!(own.header("content-type"), Some("application/fhir+json"));
    let bundle = &own.json;
    keep_sample("server-own", bundle);
    assert_eq!(bundle["resourceType"], "Bundle");
    let patients = resources(bundle, "Patient");
    assert_eq!(patients.len(), 1);
    assert!(
        patients[0]["identifier"]
            .to_string()
            .contains("DN4010123456781")
    );
    for kind in [
        "Encounter",
        "Condition",
        "AllergyIntolerance",
        "Observation",
        "MedicationRequest",
        "Consent",
        "Provenance",
        "AuditEvent",
    ] {
        assert!(
            !resources(bundle, kind).is_empty(),
            "no {kind}: {}",
            own.text
        );
    }

    // The doctor in care sees the clinical record, not the citizen's consents and log; the
    // read is logged like any other.
    let before = clinic.log().await.len();
    let by_doctor = day_app
        .get_as(&doctor.token, &clinic.path("fhir"))
        .await
        .unwrap();
    by_doctor.expect(200);
    keep_sample("server-care", &by_doctor.json);
    assert!(resources(&by_doctor.json, "Consent").is_empty());
    assert!(resources(&by_doctor.json, "AuditEvent").is_empty());
    assert!(!resources(&by_doctor.json, "Encounter").is_empty());
    assert_eq!(clinic.log().await.len(), before + 1);

    // Incremental: only what was recorded after the instant.
    // The instant as the server's clock read it, which runs on the appointment's day.
    let since = own.json["timestamp"].as_str().unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    day_app
        .post_as(
            patient,
            &clinic.path("observations"),
            &reading("heart_rate", 72.0, "/min"),
        )
        .await
        .unwrap()
        .expect(201);
    let later = day_app
        .get_as(
            patient,
            &clinic.path(&format!("fhir?_since={}", since.replace('+', "%2B"))),
        )
        .await
        .unwrap();
    later.expect(200);
    keep_sample("server-since", &later.json);
    assert!(
        resources(&later.json, "Encounter").is_empty(),
        "{}",
        later.text
    );
    assert_eq!(
        resources(&later.json, "Observation").len(),
        1,
        "{}",
        later.text
    );
}

#[tokio::test]
async fn requests_about_ones_data_run_on_their_clocks_and_corrections_reach_the_writer() {
    let clinic = Clinic::open().await;
    let day_app = &clinic.on_the_day;
    let patient = clinic.patient.token.as_str();
    let doctor = clinic.doctor().await;
    clinic.check_in(&doctor).await;
    let own_entry = day_app
        .post_as(patient, &clinic.path("entries"), &allergy("Penicillin"))
        .await
        .unwrap();
    let visit_entry = day_app
        .post_as(
            &doctor.token,
            &clinic.path("encounters"),
            &visit(&clinic, "E11.9"),
        )
        .await
        .unwrap();
    let requests = clinic.path("requests");
    let requests = requests.as_str();
    let file =
        |body: Value| async move { day_app.post_as(patient, requests, &body).await.unwrap() };

    let access = file(json!({ "kind": "access", "details": "Tôi cần bản sao toàn bộ sổ" })).await;
    access.expect(201);
    assert_eq!(access.json["status"], "completed");
    assert!(access.json["outcome"].as_str().unwrap().contains("/fhir"));

    let mine = file(
        json!({ "kind": "correction", "entry_id": own_entry.json["entry_id"],
                            "details": "Tên thuốc bị ghi sai" }),
    )
    .await;
    mine.expect_problem(422, "validation_failed");
    assert!(mine.text.contains("entry_self_reported"), "{}", mine.text);
    let correction = file(
        json!({ "kind": "correction", "entry_id": visit_entry.json["entry_id"],
                                  "details": "Chẩn đoán không đúng, tôi không bị tiểu đường" }),
    )
    .await;
    correction.expect(201);
    assert_eq!(correction.json["status"], "received");
    assert_eq!(correction.json["facility_id"], clinic.fid.as_str());
    // A consent to another hospital opens the visits, until the book is restricted.
    let (elsewhere, _) = day_app.staff("doctor", Some(NHI_TRUNG_UONG)).await.unwrap();
    let nhi = facility(day_app, "nhi trung uong").await;
    let text = day_app.get("/v1/consent-text").await.unwrap();
    let consent_to_nhi = json!({
        "facility_id": nhi, "purpose": "referral", "sections": ["visits"],
        "valid_until": day(30), "text_version": text.json["version"],
        "channel": "app", "agreed": true,
    });
    day_app
        .post_as(patient, &clinic.path("consents"), &consent_to_nhi)
        .await
        .unwrap()
        .expect(201);
    day_app
        .get_as(&elsewhere.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect(200);

    let deletion =
        file(json!({ "kind": "deletion", "details": "Xin xóa toàn bộ dữ liệu của tôi" })).await;
    deletion.expect(201);
    assert_eq!(deletion.json["status"], "restricted_instead");
    assert!(
        deletion.json["outcome"]
            .as_str()
            .unwrap()
            .contains("lưu trữ")
    );
    // Restricted: the consent given before shares nothing and says so; care goes on (the
    // doctor who has the citizen checked in still reads); a consent given after holds.
    let logged_before = clinic.log().await.len();
    day_app
        .get_as(&elsewhere.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    let consents = day_app
        .get_as(patient, &clinic.path("consents"))
        .await
        .unwrap();
    consents.expect(200);
    assert_eq!(consents.json[0]["status"], "suspended", "{}", consents.text);
    day_app
        .get_as(&doctor.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect(200);
    let again = day_app
        .post_as(patient, &clinic.path("consents"), &consent_to_nhi)
        .await
        .unwrap();
    again.expect(201);
    assert_eq!(again.json["status"], "active");
    day_app
        .get_as(&elsewhere.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect(200);
    assert_eq!(clinic.log().await.len(), logged_before + 2);

    // The facility that wrote the entry sees the correction; another does not.
    let routed = day_app
        .get_as(
            &doctor.token,
            &format!("/v1/facilities/{}/correction-requests", clinic.fid),
        )
        .await
        .unwrap();
    routed.expect(200);
    assert_eq!(routed.json.as_array().unwrap().len(), 1);
    let other_fid = facility(day_app, "nhi trung uong").await;
    day_app
        .get_as(
            &doctor.token,
            &format!("/v1/facilities/{other_fid}/correction-requests"),
        )
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    // Nobody else reads a citizen's requests.
    let (stranger, _) = day_app.citizen_with_passkey("stranger").await.unwrap();
    day_app
        .get_as(&stranger.token, &clinic.path("requests"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");

    // Support's queue: on time today, overdue a fortnight later.
    let (support, _) = day_app.staff("support", None).await.unwrap();
    let queue = day_app
        .get_as(&support.token, "/v1/admin/data-requests")
        .await
        .unwrap();
    queue.expect(200);
    assert_eq!(queue.json.as_array().unwrap().len(), 1);
    assert_eq!(queue.json[0]["overdue"], false);
    let later = process_at(
        &clinic.app,
        instant(&clinic.appointment["starts_at"]) + Duration::days(14),
    )
    .await;
    let (late_support, _) = later.staff("support", None).await.unwrap();
    let overdue = later
        .get_as(&late_support.token, "/v1/admin/data-requests?overdue=true")
        .await
        .unwrap();
    overdue.expect(200);
    assert_eq!(overdue.json.as_array().unwrap().len(), 1);
    let rid = overdue.json[0]["id"].as_str().unwrap();

    // The request lets the writing facility's doctors, with the citizen long gone home, read
    // the entry's section and correct that entry, and do nothing else.
    let (late_doctor, _) = later.staff("doctor", Some(BACH_MAI)).await.unwrap();
    let logged_before = clinic.log().await.len();
    let visits = later
        .get_as(&late_doctor.token, &clinic.path("encounters"))
        .await
        .unwrap();
    visits.expect(200);
    assert_eq!(visits.json["items"].as_array().unwrap().len(), 1);
    let eid = visit_entry.json["entry_id"].as_str().unwrap();
    let corrected = later
        .post_as(
            &late_doctor.token,
            &clinic.path(&format!("entries/{eid}/corrections")),
            &json!({ "base_version": 1, "reason": "Người bệnh báo chẩn đoán sai",
                     "body": { "kind": "encounter", "data": visit(&clinic, "R73.0") } }),
        )
        .await
        .unwrap();
    corrected.expect(200);
    assert_eq!(corrected.json["version"], 2);
    later
        .post_as(
            &late_doctor.token,
            &clinic.path("encounters"),
            &visit(&clinic, "E11.9"),
        )
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    let own_eid = own_entry.json["entry_id"].as_str().unwrap();
    later
        .post_as(
            &late_doctor.token,
            &clinic.path(&format!("entries/{own_eid}/entered-in-error")),
            &json!({ "base_version": 1, "reason": "Không phải của cơ sở" }),
        )
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    let log = clinic.log().await;
    assert_eq!(
        log.len(),
        logged_before + 2,
        "a read and a write; refusals leave none"
    );
    assert!(log[..2].iter().all(|line| line["basis"] == "correction"));

    let acknowledge = format!("/v1/admin/data-requests/{rid}/acknowledge");
    later
        .post_as(&late_support.token, &acknowledge, &json!({}))
        .await
        .unwrap()
        .expect(200);
    later
        .post_as(&late_support.token, &acknowledge, &json!({}))
        .await
        .unwrap()
        .expect_problem(409, "request_closed");
    let closed = later
        .post_as(
            &late_support.token,
            &format!("/v1/admin/data-requests/{rid}/close"),
            &json!({ "status": "completed", "outcome": "Cơ sở đã sửa chẩn đoán theo yêu cầu" }),
        )
        .await
        .unwrap();
    closed.expect(200);
    assert_eq!(closed.json["status"], "completed");
    // Closed, the request opens nothing.
    later
        .get_as(&late_doctor.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    later
        .get_as(&late_doctor.token, "/v1/admin/data-requests")
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    later
        .post_as(&late_doctor.token, &acknowledge, &json!({}))
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn an_open_episode_puts_the_citizen_in_care_until_it_is_closed() {
    use healthbook_domain::book::access::EpisodeKind;
    use healthbook_server::book::episodes::{self, Opening};
    let clinic = Clinic::open().await;
    let day_app = &clinic.on_the_day;
    let (vaccinator, _) = day_app
        .staff("vaccinator", Some(NHI_TRUNG_UONG))
        .await
        .unwrap();
    let other_fid = facility(day_app, "nhi trung uong").await;
    day_app
        .get_as(&vaccinator.token, &clinic.path("book"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");

    // A vaccination opens an episode at its facility, as the vaccination capability will.
    let db = clinic.app.database().await.unwrap();
    // A little before the on-the-day process's clock, which runs from ten minutes in.
    let now = instant(&clinic.appointment["starts_at"]) + Duration::minutes(5);
    let episode = episodes::open(
        &db,
        Opening {
            citizen: clinic.cid.parse().unwrap(),
            facility: other_fid.parse().unwrap(),
            kind: EpisodeKind::Vaccination,
            opened_by: None,
            ends_at: now + Duration::hours(1),
        },
        now,
    )
    .await
    .unwrap();
    let book = day_app
        .get_as(&vaccinator.token, &clinic.path("book"))
        .await
        .unwrap();
    book.expect(200);
    assert_eq!(
        book.json["sections"],
        json!(["administrative", "history", "immunizations"])
    );
    let log = clinic.log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["basis"], "care");
    assert_eq!(log[0]["basis_ref"], "vaccination");
    // The visits are not what a dose needs.
    day_app
        .get_as(&vaccinator.token, &clinic.path("encounters"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");

    episodes::close(&db, episode, now).await.unwrap();
    day_app
        .get_as(&vaccinator.token, &clinic.path("book"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    assert_eq!(clinic.log().await.len(), 1);
}
