//! Dependents and guardians, staff and support, recovery: identity beyond one person.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use chrono::{Datelike, NaiveDate};
use healthbook_soft_authenticator::SoftAuthenticator;
use healthbook_tests::TestApp;
use healthbook_tests::people::{ORIGIN, Person, national_id_for};
use reqwest::Method;
use serde_json::{Value, json};

fn child(name: &str, born: NaiveDate) -> Value {
    json!({
        "national_id": national_id_for(born, false),
        "full_name": name,
        "date_of_birth": born,
        "sex": "male",
    })
}

#[tokio::test]
async fn a_citizen_adds_a_child_and_becomes_its_guardian() {
    let app = TestApp::spawn().await.unwrap();
    let parent = app.citizen("parent").await.unwrap();
    let born = NaiveDate::from_ymd_opt(2020, 2, 14).unwrap();
    let added = app
        .post_as(
            &parent.token,
            "/v1/me/dependents",
            &child("Nguyễn Gia Bảo", born),
        )
        .await
        .unwrap();
    added.expect(201);
    assert_eq!(added.json["guardianship_ends_on"], "2038-02-14");
    let me = app.get_as(&parent.token, "/v1/me").await.unwrap();
    assert_eq!(
        me.json["dependents"][0]["citizen"]["full_name"],
        "Nguyễn Gia Bảo"
    );
    let list = app
        .get_as(&parent.token, "/v1/me/dependents")
        .await
        .unwrap();
    assert_eq!(list.json.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_adult_cannot_be_added_as_a_dependent() {
    let app = TestApp::spawn().await.unwrap();
    let parent = app.citizen("parent").await.unwrap();
    let adult = child("Người Lớn", NaiveDate::from_ymd_opt(2000, 1, 1).unwrap());
    let reply = app
        .post_as(&parent.token, "/v1/me/dependents", &adult)
        .await
        .unwrap();
    reply.expect_problem(422, "validation_failed");
    assert!(
        reply.text.contains("dependent_not_a_minor"),
        "{}",
        reply.text
    );
    assert_eq!(
        app.get_as(&parent.token, "/v1/me/dependents")
            .await
            .unwrap()
            .json,
        json!([])
    );
}

#[tokio::test]
async fn the_second_guardian_is_invited_by_the_first_and_a_stranger_cannot_claim_the_child() {
    let app = TestApp::spawn().await.unwrap();
    let mother = app.citizen("mother").await.unwrap();
    let father = app.citizen("father").await.unwrap();
    let stranger = app.citizen("stranger").await.unwrap();
    let born = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap();
    let kid = child("Nguyễn Bảo Ngọc", born);
    let added = app
        .post_as(&mother.token, "/v1/me/dependents", &kid)
        .await
        .unwrap();
    added.expect(201);
    let cid = added.json["citizen"]["citizen_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Someone else typing the same child's details is refused, with the answer a new child
    // gets (the answer must not tell whether the number has a health book); the stranger and
    // the mother learn by mail, and the stranger's list stays empty.
    let refused = app
        .post_as(&stranger.token, "/v1/me/dependents", &kid)
        .await
        .unwrap();
    refused.expect(201);
    assert_ne!(
        refused.json["citizen"]["citizen_id"],
        added.json["citizen"]["citizen_id"]
    );
    assert_eq!(
        app.get_as(&stranger.token, "/v1/me/dependents")
            .await
            .unwrap()
            .json,
        json!([])
    );
    app.wait_for_mail(&stranger.email, |m| m.text.contains("Nguyễn Bảo Ngọc"))
        .await
        .unwrap();
    app.wait_for_mail(&mother.email, |m| m.text.contains("Nguyễn Bảo Ngọc"))
        .await
        .unwrap();
    // A stranger cannot invite for, or accept, a child that is not theirs.
    app.post_as(
        &stranger.token,
        &format!("/v1/me/dependents/{cid}/guardians"),
        &json!({ "email": stranger.email }),
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");
    app.post_as(
        &stranger.token,
        &format!("/v1/me/guardian-invitations/{cid}/accept"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");

    app.post_as(
        &mother.token,
        &format!("/v1/me/dependents/{cid}/guardians"),
        &json!({ "email": father.email }),
    )
    .await
    .unwrap()
    .expect(202);
    app.wait_for_mail(&father.email, |m| m.text.contains("Nguyễn Bảo Ngọc"))
        .await
        .unwrap();
    let invitations = app
        .get_as(&father.token, "/v1/me/guardian-invitations")
        .await
        .unwrap();
    assert_eq!(invitations.json[0]["citizen"]["citizen_id"], cid.as_str());
    app.post_as(
        &father.token,
        &format!("/v1/me/guardian-invitations/{cid}/accept"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect(200);
    let fathers = app
        .get_as(&father.token, "/v1/me/dependents")
        .await
        .unwrap();
    assert_eq!(fathers.json[0]["citizen"]["citizen_id"], cid.as_str());
    // Two guardians at most.
    app.post_as(
        &mother.token,
        &format!("/v1/me/dependents/{cid}/guardians"),
        &json!({ "email": stranger.email }),
    )
    .await
    .unwrap()
    .expect_problem(409, "too_many_guardians");
}

#[tokio::test]
async fn guardianship_ends_on_the_eighteenth_birthday() {
    let app = TestApp::spawn().await.unwrap();
    let parent = app.citizen("teen").await.unwrap();
    // The server runs on real time: a child turning 18 in eleven days.
    #[allow(clippy::disallowed_methods)] // the test must agree with the server's wall clock
    let today = chrono::Utc::now().date_naive();
    let in_eleven_days = today + chrono::Duration::days(11);
    let born = healthbook_domain::account::birthday(in_eleven_days, 0)
        .with_year(chrono::Datelike::year(&in_eleven_days) - 18)
        .unwrap_or(in_eleven_days);
    let added = app
        .post_as(
            &parent.token,
            "/v1/me/dependents",
            &child("Sắp Trưởng Thành", born),
        )
        .await
        .unwrap();
    added.expect(201);
    assert_eq!(
        app.get_as(&parent.token, "/v1/me/dependents")
            .await
            .unwrap()
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let later = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_CLOCK_OFFSET", (12 * 24 * 3600).to_string())
        .spawn()
        .await
        .unwrap();
    assert_eq!(
        later
            .get_as(&parent.token, "/v1/me/dependents")
            .await
            .unwrap()
            .json,
        json!([])
    );
}

#[tokio::test]
async fn a_retried_add_with_the_same_key_adds_once() {
    let app = TestApp::spawn().await.unwrap();
    let parent = app.citizen("retry").await.unwrap();
    let kid = child(
        "Lê Minh Khang",
        NaiveDate::from_ymd_opt(2016, 10, 10).unwrap(),
    );
    let send = || {
        app.request(Method::POST, "/v1/me/dependents")
            .bearer_auth(&parent.token)
            .header("idempotency-key", "add-kid-1")
            .json(&kid)
            .send()
    };
    let first = healthbook_tests::Reply::from(send().await.unwrap())
        .await
        .unwrap();
    let second = healthbook_tests::Reply::from(send().await.unwrap())
        .await
        .unwrap();
    first.expect(201);
    second.expect(201);
    assert_eq!(first.json, second.json);
    assert_eq!(
        app.get_as(&parent.token, "/v1/me/dependents")
            .await
            .unwrap()
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn staff_enrol_with_a_code_and_sign_in_with_passkeys_only() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let (support, mut work_phone) = app.staff("support", None).await.unwrap();
    let me = app.get_as(&support.token, "/v1/me").await.unwrap();
    me.expect(200);
    assert_eq!(me.json["roles"][0]["role"], "support");
    assert_eq!(me.json["assurance"], "passkey");
    assert!(me.json["citizen"].is_null());
    // No sign-in codes for staff.
    let before = app.mail_count(&support.email);
    app.post("/v1/auth/otp/start", &json!({ "email": support.email }))
        .await
        .unwrap()
        .expect(202);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(app.mail_count(&support.email), before);
    app.post(
        "/v1/auth/otp/finish",
        &json!({ "email": support.email, "code": "123456" }),
    )
    .await
    .unwrap()
    // As for an unknown address: the answer does not say the address is a staff account.
    .expect_problem(400, "invalid_code");
    app.passkey_sign_in(&mut work_phone, None)
        .await
        .unwrap()
        .expect(200);
}

#[tokio::test]
async fn an_enrolment_session_can_only_register_a_passkey() {
    let app = TestApp::spawn().await.unwrap();
    let email = "new.officer@staff.healthbook.vn";
    let output = std::process::Command::new(healthbook_tests::binary().unwrap())
        .args(["create-staff", "--email", email, "--name", "Trần Hỗ Trợ"])
        .current_dir(app.data_dir())
        .env("HEALTHBOOK_DATA_DIR", app.data_dir())
        .env("DATABASE_URL", app.backend().url(app.data_dir()))
        .env_remove("REDIS_URL")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mail = app
        .wait_for_mail(email, |m| m.subject.contains("nhân viên"))
        .await
        .unwrap();
    let code = mail.code(6).unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains(&code));
    let enrolment = app
        .post(
            "/v1/auth/staff/enrol",
            &json!({ "email": email, "code": code }),
        )
        .await
        .unwrap();
    enrolment.expect(200);
    assert_eq!(enrolment.json["assurance"], "enrolment");
    let token = enrolment.json["token"].as_str().unwrap();
    app.get_as(token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    app.get_as(token, "/v1/admin/audit")
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    // The code is single use.
    app.post(
        "/v1/auth/staff/enrol",
        &json!({ "email": email, "code": code }),
    )
    .await
    .unwrap()
    .expect_problem(400, "invalid_code");
    let mut phone = SoftAuthenticator::new(ORIGIN);
    app.enrol_passkey(token, &mut phone, "Work phone")
        .await
        .unwrap()
        .expect(201);
    // Its one job done, the enrolment session is gone.
    app.get_as(token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
}

#[tokio::test]
async fn support_finds_locks_and_unlocks_people_and_citizens_cannot() {
    let app = TestApp::spawn().await.unwrap();
    let (support, _) = app.staff("support", None).await.unwrap();
    let person = Person::adult("helpme");
    let citizen = app.register_verified(&person).await.unwrap();
    let (other_citizen, _) = app.citizen_with_passkey("nosy").await.unwrap();

    let found = app
        .post_as(
            &support.token,
            "/v1/admin/users/search",
            &json!({ "national_id": person.national_id }),
        )
        .await
        .unwrap();
    found.expect(200);
    assert_eq!(
        found.json[0]["account_id"].as_str().unwrap(),
        citizen.account_id
    );
    assert!(
        !found.text.contains(&person.national_id),
        "masked in answers"
    );
    let by_email = app
        .post_as(
            &support.token,
            "/v1/admin/users/search",
            &json!({ "email": person.email }),
        )
        .await
        .unwrap();
    assert_eq!(
        by_email.json[0]["account_id"].as_str().unwrap(),
        citizen.account_id
    );

    let uid = &citizen.account_id;
    // A citizen, even with a passkey session, is refused every admin route.
    for (method, path) in [
        (Method::GET, format!("/v1/admin/users/{uid}")),
        (Method::POST, format!("/v1/admin/users/{uid}/lock")),
        (Method::POST, format!("/v1/admin/users/{uid}/unlock")),
        (
            Method::POST,
            format!("/v1/admin/users/{uid}/revoke-sessions"),
        ),
        (
            Method::POST,
            format!("/v1/admin/users/{uid}/resend-verification"),
        ),
        (Method::GET, "/v1/admin/audit".to_owned()),
    ] {
        let reply = app
            .call(method, &path, Some(&other_citizen.token), Some(&json!({})))
            .await
            .unwrap();
        reply.expect_problem(403, "forbidden");
    }
    app.call(
        Method::GET,
        &format!("/v1/admin/users/{}", uuid::Uuid::new_v4()),
        Some(&support.token),
        None,
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");

    app.post_as(
        &support.token,
        &format!("/v1/admin/users/{uid}/lock"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect(200);
    app.get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
    let before = app.mail_count(&person.email);
    app.post("/v1/auth/otp/start", &json!({ "email": person.email }))
        .await
        .unwrap()
        .expect(202);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        app.mail_count(&person.email),
        before,
        "a locked account gets no code"
    );

    app.post_as(
        &support.token,
        &format!("/v1/admin/users/{uid}/unlock"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect(200);
    app.post("/v1/auth/otp/start", &json!({ "email": person.email }))
        .await
        .unwrap();
    let code = app.code_for(&person.email, before).await.unwrap();
    app.post(
        "/v1/auth/otp/finish",
        &json!({ "email": person.email, "code": code }),
    )
    .await
    .unwrap()
    .expect(200);

    let audit = app
        .get_as(
            &support.token,
            &format!("/v1/admin/audit?account={uid}&kind=account_locked"),
        )
        .await
        .unwrap();
    audit.expect(200);
    assert_eq!(
        audit.json["items"].as_array().unwrap().len(),
        1,
        "{}",
        audit.text
    );
    assert_eq!(
        audit.json["items"][0]["actor_account_id"].as_str().unwrap(),
        support.account_id
    );
}

#[tokio::test]
async fn a_facility_admin_creates_doctors_of_their_own_facility_only() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let facilities = app.get("/v1/facilities?limit=100").await.unwrap();
    let id_of = |code: &str| {
        facilities.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (admin, _) = app.staff("facility_admin", Some("01929")).await.unwrap();
    let doctor = json!({ "email": "bs.lan@bachmai.vn", "full_name": "Bác Sĩ Lan", "role": "doctor", "facility_id": id_of("01929") });
    let created = app
        .post_as(&admin.token, "/v1/admin/users", &doctor)
        .await
        .unwrap();
    created.expect(201);
    assert_eq!(created.json["roles"][0]["role"], "doctor");
    let elsewhere = json!({ "email": "bs.minh@choray.vn", "full_name": "Bác Sĩ Minh", "role": "doctor", "facility_id": id_of("79031") });
    app.post_as(&admin.token, "/v1/admin/users", &elsewhere)
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    let support_role = json!({ "email": "x@y.vn", "full_name": "Ai Đó", "role": "support" });
    app.post_as(&admin.token, "/v1/admin/users", &support_role)
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn recovery_retires_old_passkeys() {
    let app = TestApp::spawn().await.unwrap();
    let person = Person::in_registry("an.lost@example.vn");
    let basic = app.register_verified(&person).await.unwrap();
    let mut old_phone = SoftAuthenticator::new(ORIGIN);
    app.enrol_passkey(&basic.token, &mut old_phone, "Old phone")
        .await
        .unwrap()
        .expect(201);
    let old_session = app.passkey_sign_in(&mut old_phone, None).await.unwrap();
    let old_token = old_session.json["token"].as_str().unwrap().to_owned();

    let before = app.mail_count(&person.email);
    app.post("/v1/auth/recovery/start", &json!({ "email": person.email }))
        .await
        .unwrap()
        .expect(202);
    let code = app.code_for(&person.email, before).await.unwrap();
    let proof = json!({
        "email": person.email, "code": code,
        "national_id": person.national_id, "full_name": "nguyen van an", "date_of_birth": person.date_of_birth,
    });
    let mut wrong = proof.clone();
    wrong["date_of_birth"] = json!("1990-05-18");
    app.post("/v1/auth/recovery/finish", &wrong)
        .await
        .unwrap()
        .expect_problem(422, "registry_mismatch");

    let code = recovery_code(&app, &person.email).await;
    let mut proof = proof;
    proof["code"] = json!(code);
    let pending = app.post("/v1/auth/recovery/finish", &proof).await.unwrap();
    pending.expect(202);
    let complete = json!({
        "recovery_id": pending.json["recovery_id"],
        "secret": pending.json["secret"],
        "device_name": "New phone",
    });
    // Not yet: the owner has a day to cancel. Meanwhile nothing changed for them.
    let early = app
        .post("/v1/auth/recovery/complete", &complete)
        .await
        .unwrap();
    early.expect_problem(409, "recovery_not_ready");
    assert!(early.header("retry-after").is_some());
    let me = app.get_as(&old_token, "/v1/me").await.unwrap();
    me.expect(200);
    assert!(me.json["recovery_pending_until"].is_string(), "{}", me.text);
    app.wait_for_mail(&person.email, |m| m.subject.contains("yêu cầu khôi phục"))
        .await
        .unwrap();

    // A day later the recovery completes.
    let later = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_CLOCK_OFFSET", (25 * 3600).to_string())
        .spawn()
        .await
        .unwrap();
    let recovered = later
        .post("/v1/auth/recovery/complete", &complete)
        .await
        .unwrap();
    recovered.expect(200);
    assert_eq!(recovered.json["assurance"], "enrolment");
    later
        .post("/v1/auth/recovery/complete", &complete)
        .await
        .unwrap()
        .expect_problem(400, "recovery_invalid");
    for token in [&old_token, &basic.token] {
        later
            .get_as(token, "/v1/me")
            .await
            .unwrap()
            .expect_problem(401, "unauthenticated");
    }
    later
        .passkey_sign_in(&mut old_phone, None)
        .await
        .unwrap()
        .expect_problem(401, "passkey_rejected");
    let mail = later
        .wait_for_mail(&person.email, |m| m.subject.contains("vừa được khôi phục"))
        .await
        .unwrap();
    assert!(mail.text.contains("Old phone"), "{}", mail.text);

    let mut new_phone = SoftAuthenticator::new(ORIGIN);
    let token = recovered.json["token"].as_str().unwrap();
    later
        .enrol_passkey(token, &mut new_phone, "New phone")
        .await
        .unwrap()
        .expect(201);
    later
        .passkey_sign_in(&mut new_phone, None)
        .await
        .unwrap()
        .expect(200);
}

#[tokio::test]
async fn a_waiting_recovery_is_cancelled_from_a_passkey_session() {
    let app = TestApp::spawn().await.unwrap();
    let person = Person::in_registry("an.cancel@example.vn");
    let basic = app.register_verified(&person).await.unwrap();
    let mut phone = SoftAuthenticator::new(ORIGIN);
    app.enrol_passkey(&basic.token, &mut phone, "Phone")
        .await
        .unwrap()
        .expect(201);
    let passkey_session = app.passkey_sign_in(&mut phone, None).await.unwrap();
    let passkey_token = passkey_session.json["token"].as_str().unwrap().to_owned();
    let code = recovery_code(&app, &person.email).await;
    let pending = app
        .post(
            "/v1/auth/recovery/finish",
            &json!({
                "email": person.email, "code": code, "national_id": person.national_id,
                "full_name": person.full_name, "date_of_birth": person.date_of_birth,
            }),
        )
        .await
        .unwrap();
    pending.expect(202);
    // An email code is not enough to stop (or to hide) it: a passkey session is.
    app.post_as(&basic.token, "/v1/me/recovery/cancel", &json!({}))
        .await
        .unwrap()
        .expect_problem(403, "step_up_required");
    app.post_as(&passkey_token, "/v1/me/recovery/cancel", &json!({}))
        .await
        .unwrap()
        .expect(204);
    let me = app.get_as(&passkey_token, "/v1/me").await.unwrap();
    assert!(me.json["recovery_pending_until"].is_null(), "{}", me.text);
    let later = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_CLOCK_OFFSET", (25 * 3600).to_string())
        .spawn()
        .await
        .unwrap();
    later
        .post(
            "/v1/auth/recovery/complete",
            &json!({ "recovery_id": pending.json["recovery_id"], "secret": pending.json["secret"] }),
        )
        .await
        .unwrap()
        .expect_problem(400, "recovery_invalid");
    later
        .get_as(&passkey_token, "/v1/me")
        .await
        .unwrap()
        .expect(200);
}

async fn recovery_code(app: &TestApp, email: &str) -> String {
    let before = app.mail_count(email);
    app.post("/v1/auth/recovery/start", &json!({ "email": email }))
        .await
        .unwrap();
    app.code_for(email, before).await.unwrap()
}

#[tokio::test]
async fn recovery_without_the_registry_needs_a_support_officers_verification() {
    let app = TestApp::spawn().await.unwrap();
    let (support, _) = app.staff("support", None).await.unwrap();
    let person = Person::adult("unregistered");
    let citizen = app.register_verified(&person).await.unwrap();
    let code = recovery_code(&app, &person.email).await;
    app.post(
        "/v1/auth/recovery/finish",
        &json!({ "email": person.email, "code": code }),
    )
    .await
    .unwrap()
    .expect_problem(422, "registry_mismatch");

    app.post_as(
        &support.token,
        &format!(
            "/v1/admin/users/{}/recovery-verification",
            citizen.account_id
        ),
        &json!({ "method": "video call, CCCD card shown" }),
    )
    .await
    .unwrap()
    .expect(204);
    let code = recovery_code(&app, &person.email).await;
    app.post(
        "/v1/auth/recovery/finish",
        &json!({ "email": person.email, "code": code }),
    )
    .await
    .unwrap()
    .expect(202);
    // The verification counted once.
    let code = recovery_code(&app, &person.email).await;
    app.post(
        "/v1/auth/recovery/finish",
        &json!({ "email": person.email, "code": code }),
    )
    .await
    .unwrap()
    .expect_problem(422, "registry_mismatch");
}

#[tokio::test]
async fn a_dependent_who_comes_of_age_claims_the_record_and_may_grant_guardianship_again() {
    let app = TestApp::spawn().await.unwrap();
    let parent = app.citizen("elder").await.unwrap();
    #[allow(clippy::disallowed_methods)] // the test must agree with the server's wall clock
    let today = chrono::Utc::now().date_naive();
    let born = (today + chrono::Duration::days(2))
        .with_year(today.year() - 18)
        .unwrap();
    let kid = child("Trần Minh Quân", born);
    app.post_as(&parent.token, "/v1/me/dependents", &kid)
        .await
        .unwrap()
        .expect(201);

    // Three days later the child is 18 and registers with the same number.
    let later = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_CLOCK_OFFSET", (3 * 24 * 3600).to_string())
        .spawn()
        .await
        .unwrap();
    assert_eq!(
        later
            .get_as(&parent.token, "/v1/me/dependents")
            .await
            .unwrap()
            .json,
        json!([])
    );
    let adult = Person {
        national_id: kid["national_id"].as_str().unwrap().to_owned(),
        full_name: "Trần Minh Quân".to_owned(),
        date_of_birth: born,
        sex: "male",
        email: "quan.adult@example.vn".to_owned(),
        phone: "0912000111".to_owned(),
    };
    let grown = later.register_verified(&adult).await.unwrap();
    let guardians = later
        .get_as(&grown.token, "/v1/me/guardians")
        .await
        .unwrap();
    assert_eq!(guardians.json[0]["status"], "ended", "{}", guardians.text);
    let gid = guardians.json[0]["guardian_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Granting someone access to one's record needs a passkey session.
    later
        .post_as(
            &grown.token,
            &format!("/v1/me/guardians/{gid}/grant"),
            &json!({}),
        )
        .await
        .unwrap()
        .expect_problem(403, "step_up_required");
    let mut phone = SoftAuthenticator::new(ORIGIN);
    later
        .enrol_passkey(&grown.token, &mut phone, "Phone")
        .await
        .unwrap()
        .expect(201);
    let strong = later.passkey_sign_in(&mut phone, None).await.unwrap();
    let strong = strong.json["token"].as_str().unwrap();
    later
        .post_as(
            strong,
            &format!("/v1/me/guardians/{}/grant", uuid::Uuid::new_v4()),
            &json!({}),
        )
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    later
        .post_as(strong, &format!("/v1/me/guardians/{gid}/grant"), &json!({}))
        .await
        .unwrap()
        .expect(204);
    let back = later
        .get_as(&parent.token, "/v1/me/dependents")
        .await
        .unwrap();
    assert_eq!(
        back.json[0]["citizen"]["citizen_id"].as_str().unwrap(),
        grown.citizen_id.as_deref().unwrap()
    );
    later
        .call(
            Method::DELETE,
            &format!("/v1/me/guardians/{gid}"),
            Some(strong),
            None,
        )
        .await
        .unwrap()
        .expect(204);
    assert_eq!(
        later
            .get_as(&parent.token, "/v1/me/dependents")
            .await
            .unwrap()
            .json,
        json!([])
    );
}

#[tokio::test]
async fn a_stranger_cannot_claim_a_minors_record() {
    let app = TestApp::spawn().await.unwrap();
    let parent = app.citizen("guardian").await.unwrap();
    // One child the registry knows (so the stranger's details are confirmed), one it does not.
    let known = json!({
        "national_id": "001321000009",
        "full_name": "Nguyễn Bảo Ngọc",
        "date_of_birth": "2021-06-01",
        "sex": "female",
    });
    let unknown = child(
        "Nguyễn Minh Khôi",
        NaiveDate::from_ymd_opt(2019, 3, 2).unwrap(),
    );
    for kid in [&known, &unknown] {
        let added = app
            .post_as(&parent.token, "/v1/me/dependents", kid)
            .await
            .unwrap();
        added.expect(201);
        let cid = added.json["citizen"]["citizen_id"]
            .as_str()
            .unwrap()
            .to_owned();

        // A stranger registers with the child's number, name and date of birth.
        let stranger = Person {
            national_id: kid["national_id"].as_str().unwrap().to_owned(),
            full_name: kid["full_name"].as_str().unwrap().to_owned(),
            date_of_birth: kid["date_of_birth"].as_str().unwrap().parse().unwrap(),
            sex: if kid["sex"] == "female" {
                "female"
            } else {
                "male"
            },
            email: format!("stranger.{}@example.vn", &cid[..8]),
            phone: "0912345678".to_owned(),
        };
        let reply = app
            .post("/v1/auth/register", &stranger.body())
            .await
            .unwrap();
        reply.expect(201);
        assert_ne!(reply.json["citizen_id"].as_str(), Some(cid.as_str()));
        // No code: the stranger is told by mail that no book was opened.
        let mail = app.wait_for_mail(&stranger.email, |_| true).await.unwrap();
        assert!(mail.code(6).is_none(), "{}", mail.text);
        // The child's record stays the parent's, and the parent is told.
        let book = app
            .get_as(&parent.token, "/v1/me/dependents")
            .await
            .unwrap();
        assert!(book.text.contains(&cid), "{}", book.text);
        app.wait_for_mail(&parent.email, |m| {
            m.text.contains(kid["full_name"].as_str().unwrap())
        })
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn registry_mismatch_reserves_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let owner = Person {
        national_id: "001185000002".to_owned(),
        full_name: "Trần Thị Bình".to_owned(),
        date_of_birth: NaiveDate::from_ymd_opt(1985, 11, 2).unwrap(),
        sex: "female",
        email: "binh.owner@example.vn".to_owned(),
        phone: "0912345678".to_owned(),
    };
    // Someone else's number with a wrong name: refused, and nothing is kept.
    let squatter = Person {
        full_name: "Kẻ Chiếm Số".to_owned(),
        email: "squatter@example.vn".to_owned(),
        ..owner.clone()
    };
    app.post("/v1/auth/register", &squatter.body())
        .await
        .unwrap()
        .expect_problem(422, "registry_mismatch");
    let parent = app.citizen("mismatch-parent").await.unwrap();
    app.post_as(
        &parent.token,
        "/v1/me/dependents",
        &json!({ "national_id": "001220000008", "full_name": "Tên Sai", "date_of_birth": "2020-02-14", "sex": "male" }),
    )
    .await
    .unwrap()
    .expect_problem(422, "registry_mismatch");
    assert_eq!(
        app.get_as(&parent.token, "/v1/me/dependents")
            .await
            .unwrap()
            .json,
        json!([])
    );

    // While the registry cannot be reached, a squatter is registered unverified...
    let registry_down = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_REGISTRY_URL", "http://127.0.0.1:9/registry")
        .env("HEALTHBOOK_REGISTRY_TIMEOUT", "1")
        .spawn()
        .await
        .unwrap();
    let squatter = registry_down.register_verified(&squatter).await.unwrap();
    // ...and loses the number to its owner, whom the registry confirms.
    let owner_session = app.register_verified(&owner).await.unwrap();
    let me = app.get_as(&owner_session.token, "/v1/me").await.unwrap();
    assert_eq!(
        me.json["citizen"]["verification"], "verified",
        "{}",
        me.text
    );
    assert!(
        me.json["citizen"]["national_id_masked"]
            .as_str()
            .unwrap()
            .ends_with("002")
    );
    let theirs = app.get_as(&squatter.token, "/v1/me").await.unwrap();
    assert!(
        !theirs.json["citizen"]["national_id_masked"]
            .as_str()
            .unwrap()
            .ends_with("002"),
        "{}",
        theirs.text
    );
    app.wait_for_mail(&squatter.email, |m| m.subject.contains("thu hồi"))
        .await
        .unwrap();
    // Support sees who took it from whom.
    let (support, _key) = app.staff("support", None).await.unwrap();
    let audit = app
        .get_as(
            &support.token,
            &format!(
                "/v1/admin/audit?account={}&kind=national_id_displaced",
                squatter.account_id
            ),
        )
        .await
        .unwrap();
    audit.expect(200);
    assert_eq!(
        audit.json["items"][0]["actor_account_id"].as_str(),
        Some(owner_session.account_id.as_str()),
        "{}",
        audit.text
    );
}

#[tokio::test]
async fn staff_enrolment_code_can_be_reissued() {
    let app = TestApp::spawn().await.unwrap();
    let (support, _key) = app.staff("support", None).await.unwrap();
    let email = "authority.reissue@staff.healthbook.vn";
    let created = app
        .post_as(
            &support.token,
            "/v1/admin/users",
            &json!({ "email": email, "full_name": "Lê Thống Kê", "role": "authority", "admin_unit": "01" }),
        )
        .await
        .unwrap();
    created.expect(201);
    let uid = created.json["account_id"].as_str().unwrap().to_owned();
    let first = app
        .wait_for_mail(email, |_| true)
        .await
        .unwrap()
        .code(6)
        .unwrap();
    // Five wrong guesses kill the code: even the right one no longer works.
    for _ in 0..5 {
        app.post(
            "/v1/auth/staff/enrol",
            &json!({ "email": email, "code": "000000" }),
        )
        .await
        .unwrap()
        .expect_problem(400, "invalid_code");
    }
    app.post(
        "/v1/auth/staff/enrol",
        &json!({ "email": email, "code": first }),
    )
    .await
    .unwrap()
    .expect_problem(400, "invalid_code");

    // Only support may give a new code.
    let (citizen, _phone) = app.citizen_with_passkey("not-support").await.unwrap();
    app.post_as(
        &citizen.token,
        &format!("/v1/admin/users/{uid}/enrolment-code"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect_problem(403, "forbidden");
    let before = app.mail_count(email);
    app.post_as(
        &support.token,
        &format!("/v1/admin/users/{uid}/enrolment-code"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect(202);
    let second = app.code_for(email, before).await.unwrap();
    let mail = app
        .mails()
        .unwrap()
        .into_iter()
        .rfind(|m| m.to == email)
        .unwrap();
    assert!(
        mail.text.contains("24"),
        "valid a day at most: {}",
        mail.text
    );
    app.post(
        "/v1/auth/staff/enrol",
        &json!({ "email": email, "code": second }),
    )
    .await
    .unwrap()
    .expect(200);
    let audit = app
        .get_as(
            &support.token,
            &format!("/v1/admin/audit?account={uid}&kind=enrolment_code_reissued"),
        )
        .await
        .unwrap();
    assert_eq!(
        audit.json["items"][0]["actor_account_id"].as_str(),
        Some(support.account_id.as_str()),
        "{}",
        audit.text
    );
}

/// The id of a demo facility by its code.
async fn facility_id(app: &TestApp, code: &str) -> String {
    let facilities = app.get("/v1/facilities?limit=100").await.unwrap();
    facilities.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The trail entries of one kind, newest first, as support reads them.
async fn trail(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    let reply = app
        .get_as(token, &format!("/v1/admin/audit?kind={kind}"))
        .await
        .unwrap();
    reply.expect(200);
    reply.json["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_support_account_is_created_only_with_a_second_officers_approval() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let (first, _) = app.staff("support", None).await.unwrap();
    let (second, _) = app.staff("support", None).await.unwrap();
    let (doctor, _) = app.staff("doctor", Some("01929")).await.unwrap();
    let email = "third.officer@staff.healthbook.vn";
    let asked = app
        .post_as(
            &first.token,
            "/v1/admin/users",
            &json!({ "email": email, "full_name": "Lê Hỗ Trợ", "role": "support" }),
        )
        .await
        .unwrap();
    asked.expect(202);
    assert_eq!(asked.json["status"], "pending");
    assert_eq!(asked.json["action"], "create_staff");
    assert_eq!(asked.json["staff"]["email"], email);
    assert_eq!(asked.json["requested_by"], first.account_id.as_str());
    let requested_at =
        chrono::DateTime::parse_from_rfc3339(asked.json["requested_at"].as_str().unwrap()).unwrap();
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(asked.json["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires_at - requested_at, chrono::Duration::hours(24));
    let id = asked.json["id"].as_str().unwrap().to_owned();
    // Nothing exists yet, and no mail went out.
    let found = app
        .post_as(
            &first.token,
            "/v1/admin/users/search",
            &json!({ "email": email }),
        )
        .await
        .unwrap();
    assert_eq!(found.json, json!([]));
    assert_eq!(app.mail_count(email), 0);
    let pending = app
        .get_as(&second.token, "/v1/admin/approvals")
        .await
        .unwrap();
    pending.expect(200);
    assert_eq!(pending.json[0]["id"], id.as_str());

    // Neither the requester nor anyone but support may approve it.
    let approve = format!("/v1/admin/approvals/{id}/approve");
    app.post_as(&first.token, &approve, &json!({}))
        .await
        .unwrap()
        .expect_problem(403, "second_officer_required");
    app.post_as(&doctor.token, &approve, &json!({}))
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    let approved = app
        .post_as(&second.token, &approve, &json!({}))
        .await
        .unwrap();
    approved.expect(200);
    assert_eq!(approved.json["status"], "approved");
    assert_eq!(approved.json["decided_by"], second.account_id.as_str());
    let created = approved.json["account_id"].as_str().unwrap().to_owned();
    app.post_as(&second.token, &approve, &json!({}))
        .await
        .unwrap()
        .expect_problem(409, "approval_not_pending");
    let account = app
        .get_as(&first.token, &format!("/v1/admin/users/{created}"))
        .await
        .unwrap();
    account.expect(200);
    assert_eq!(account.json["roles"][0]["role"], "support");
    app.wait_for_mail(email, |m| m.code(6).is_some())
        .await
        .unwrap();
    assert_eq!(
        app.get_as(&second.token, "/v1/admin/approvals")
            .await
            .unwrap()
            .json,
        json!([])
    );

    // The trail names both officers at each step.
    let requested = trail(&app, &second.token, "approval_requested").await;
    assert_eq!(requested[0]["actor_account_id"], first.account_id.as_str());
    assert_eq!(requested[0]["detail"]["approval_id"], id.as_str());
    let granted = trail(&app, &second.token, "approval_granted").await;
    assert_eq!(granted[0]["account_id"], created.as_str());
    assert_eq!(granted[0]["actor_account_id"], second.account_id.as_str());
    assert_eq!(
        granted[0]["detail"]["requested_by"],
        first.account_id.as_str()
    );
    assert_eq!(
        granted[0]["detail"]["decided_by"],
        second.account_id.as_str()
    );

    // A doctor is created by one officer, at once.
    app.post_as(
        &first.token,
        "/v1/admin/users",
        &json!({ "email": "bs.one@staff.healthbook.vn", "full_name": "Bác Sĩ Một", "role": "doctor", "facility_id": facility_id(&app, "01929").await }),
    )
    .await
    .unwrap()
    .expect(201);
    // A request that could not be carried out is refused at once, not at approval.
    app.post_as(
        &first.token,
        "/v1/admin/users",
        &json!({ "email": email, "full_name": "Lê Hỗ Trợ", "role": "support" }),
    )
    .await
    .unwrap()
    .expect_problem(409, "email_already_registered");
    assert_eq!(
        app.get_as(&second.token, "/v1/admin/approvals")
            .await
            .unwrap()
            .json,
        json!([])
    );
}

#[tokio::test]
async fn a_support_account_is_locked_only_with_a_second_officers_approval() {
    let app = TestApp::spawn().await.unwrap();
    let (first, _) = app.staff("support", None).await.unwrap();
    let (second, mut second_key) = app.staff("support", None).await.unwrap();
    let (third, _) = app.staff("support", None).await.unwrap();
    let lock = format!("/v1/admin/users/{}/lock", third.account_id);
    let asked = app.post_as(&first.token, &lock, &json!({})).await.unwrap();
    asked.expect(202);
    assert_eq!(asked.json["action"], "lock_account");
    assert_eq!(asked.json["account_id"], third.account_id.as_str());
    let id = asked.json["id"].as_str().unwrap().to_owned();
    // Not locked yet: the officer still works.
    app.get_as(&third.token, "/v1/admin/approvals")
        .await
        .unwrap()
        .expect(200);
    app.post_as(
        &first.token,
        &format!("/v1/admin/approvals/{id}/approve"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect_problem(403, "second_officer_required");
    // Rejected: nothing happens.
    let rejected = app
        .post_as(
            &second.token,
            &format!("/v1/admin/approvals/{id}/reject"),
            &json!({}),
        )
        .await
        .unwrap();
    rejected.expect(200);
    assert_eq!(rejected.json["status"], "rejected");
    app.post_as(
        &second.token,
        &format!("/v1/admin/approvals/{id}/approve"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect_problem(409, "approval_not_pending");
    app.get_as(&third.token, "/v1/me")
        .await
        .unwrap()
        .expect(200);
    assert_eq!(
        trail(&app, &first.token, "approval_rejected").await[0]["actor_account_id"],
        second.account_id.as_str()
    );

    // Asked again and approved by the second officer: locked, its sessions ended.
    let asked = app.post_as(&first.token, &lock, &json!({})).await.unwrap();
    asked.expect(202);
    let id = asked.json["id"].as_str().unwrap().to_owned();
    let approved = app
        .post_as(
            &second.token,
            &format!("/v1/admin/approvals/{id}/approve"),
            &json!({}),
        )
        .await
        .unwrap();
    approved.expect(200);
    app.get_as(&third.token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
    let account = app
        .get_as(
            &first.token,
            &format!("/v1/admin/users/{}", third.account_id),
        )
        .await
        .unwrap();
    assert_eq!(account.json["status"], "locked");
    let locked = trail(&app, &first.token, "account_locked").await;
    assert_eq!(locked[0]["account_id"], third.account_id.as_str());
    assert_eq!(locked[0]["actor_account_id"], second.account_id.as_str());
    assert_eq!(
        locked[0]["detail"]["requested_by"],
        first.account_id.as_str()
    );

    // A request not decided within 24 hours can no longer be approved.
    let asked = app
        .post_as(
            &first.token,
            &format!("/v1/admin/users/{}/lock", second.account_id),
            &json!({}),
        )
        .await
        .unwrap();
    asked.expect(202);
    let id = asked.json["id"].as_str().unwrap().to_owned();
    let later = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_CLOCK_OFFSET", (25 * 3600).to_string())
        .spawn()
        .await
        .unwrap();
    // Staff sessions last 12 hours at most: the officer signs in again, a day later.
    let signed_in = later.passkey_sign_in(&mut second_key, None).await.unwrap();
    signed_in.expect(200);
    let second_later = signed_in.json["token"].as_str().unwrap();
    assert_eq!(
        later
            .get_as(second_later, "/v1/admin/approvals")
            .await
            .unwrap()
            .json,
        json!([])
    );
    let (third_officer_later, _) = later.staff("support", None).await.unwrap();
    later
        .post_as(
            &third_officer_later.token,
            &format!("/v1/admin/approvals/{id}/approve"),
            &json!({}),
        )
        .await
        .unwrap()
        .expect_problem(409, "approval_not_pending");
    later
        .get_as(second_later, "/v1/me")
        .await
        .unwrap()
        .expect(200);
}

/// A staff account created through the support API and enrolled with the mailed code: a
/// passkey session.
async fn staff_by_support(app: &TestApp, support: &str, body: Value) -> String {
    let email = body["email"].as_str().unwrap().to_owned();
    app.post_as(support, "/v1/admin/users", &body)
        .await
        .unwrap()
        .expect(201);
    let code = app.code_for(&email, 0).await.unwrap();
    let enrolment = app
        .post(
            "/v1/auth/staff/enrol",
            &json!({ "email": email, "code": code }),
        )
        .await
        .unwrap();
    let mut key = SoftAuthenticator::new(ORIGIN);
    app.enrol_passkey(enrolment.json["token"].as_str().unwrap(), &mut key, "Work")
        .await
        .unwrap()
        .expect(201);
    let signed_in = app.passkey_sign_in(&mut key, Some(&email)).await.unwrap();
    signed_in.json["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn other_staff_get_the_same_refusal_for_a_real_account_as_for_a_random_one() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let (support, _) = app.staff("support", None).await.unwrap();
    let (doctor, _) = app.staff("doctor", Some("01929")).await.unwrap();
    let (admin, _) = app.staff("facility_admin", Some("01929")).await.unwrap();
    let authority = staff_by_support(
        &app,
        &support.token,
        json!({ "email": "so.y.te@staff.healthbook.vn", "full_name": "Sở Y Tế", "role": "authority", "admin_unit": "01" }),
    )
    .await;
    let person = Person::adult("target");
    let citizen = app.register_verified(&person).await.unwrap();
    let routes = |uid: &str| {
        [
            (Method::GET, format!("/v1/admin/users/{uid}"), None),
            (
                Method::POST,
                format!("/v1/admin/users/{uid}/lock"),
                Some(json!({})),
            ),
            (
                Method::POST,
                format!("/v1/admin/users/{uid}/unlock"),
                Some(json!({})),
            ),
            (
                Method::POST,
                format!("/v1/admin/users/{uid}/revoke-sessions"),
                Some(json!({})),
            ),
            (
                Method::POST,
                format!("/v1/admin/users/{uid}/resend-verification"),
                Some(json!({})),
            ),
            (
                Method::POST,
                format!("/v1/admin/users/{uid}/recovery-verification"),
                Some(json!({ "method": "video call, CCCD card shown" })),
            ),
        ]
    };
    let random = uuid::Uuid::now_v7().to_string();
    for (who, token) in [
        ("doctor", &doctor.token),
        ("facility admin", &admin.token),
        ("authority", &authority),
    ] {
        for ((method, path, body), (_, random_path, _)) in
            routes(&citizen.account_id).into_iter().zip(routes(&random))
        {
            let to_real = app
                .call(method.clone(), &path, Some(token), body.as_ref())
                .await
                .unwrap();
            let to_random = app
                .call(method.clone(), &random_path, Some(token), body.as_ref())
                .await
                .unwrap();
            to_real.expect_problem(403, "forbidden");
            assert_eq!(
                (to_real.status, &to_real.text),
                (to_random.status, &to_random.text),
                "{who}: {method} {path}"
            );
        }
    }
    // Nothing happened to the account.
    app.get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect(200);
    let events = app
        .get_as(
            &support.token,
            &format!("/v1/admin/audit?account={}", citizen.account_id),
        )
        .await
        .unwrap();
    assert!(
        events.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_account_id"].is_null() || e["actor_account_id"] == e["account_id"]),
        "{}",
        events.text
    );
}

#[tokio::test]
async fn a_co_guardian_cannot_end_or_grant_the_other_guardian() {
    let app = TestApp::spawn().await.unwrap();
    let mother = app.citizen("mother").await.unwrap();
    let (father, _) = app.citizen_with_passkey("father").await.unwrap();
    let added = app
        .post_as(
            &mother.token,
            "/v1/me/dependents",
            &child(
                "Nguyễn Minh Châu",
                NaiveDate::from_ymd_opt(2019, 4, 2).unwrap(),
            ),
        )
        .await
        .unwrap();
    added.expect(201);
    let cid = added.json["citizen"]["citizen_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post_as(
        &mother.token,
        &format!("/v1/me/dependents/{cid}/guardians"),
        &json!({ "email": father.email }),
    )
    .await
    .unwrap()
    .expect(202);
    app.post_as(
        &father.token,
        &format!("/v1/me/guardian-invitations/{cid}/accept"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect(200);
    let mother_id = mother.citizen_id.clone().unwrap();
    let random = uuid::Uuid::now_v7().to_string();
    // The mother's id and the child's are real; neither is a guardian of the father.
    for real in [&mother_id, &cid] {
        for (method, suffix) in [(Method::DELETE, ""), (Method::POST, "/grant")] {
            let body = (method == Method::POST).then(|| json!({}));
            let to_real = app
                .call(
                    method.clone(),
                    &format!("/v1/me/guardians/{real}{suffix}"),
                    Some(&father.token),
                    body.as_ref(),
                )
                .await
                .unwrap();
            let to_random = app
                .call(
                    method.clone(),
                    &format!("/v1/me/guardians/{random}{suffix}"),
                    Some(&father.token),
                    body.as_ref(),
                )
                .await
                .unwrap();
            to_real.expect_problem(404, "not_found");
            assert_eq!(
                (to_real.status, &to_real.text),
                (to_random.status, &to_random.text),
                "{method} {suffix}"
            );
        }
    }
    // Both still guardians, the mother's guardianship untouched.
    for parent in [&mother.token, &father.token] {
        let theirs = app.get_as(parent, "/v1/me/dependents").await.unwrap();
        assert_eq!(theirs.json[0]["citizen"]["citizen_id"], cid.as_str());
        assert!(theirs.json[0]["guardianship_ends_on"].is_string());
    }
}

#[tokio::test]
async fn phone_and_server_agree_on_the_date_at_half_past_midnight_of_an_eighteenth_birthday() {
    use chrono::{Duration, TimeZone, Utc};
    let app = TestApp::spawn().await.unwrap();
    let parent = app.citizen("midnight").await.unwrap();
    #[allow(clippy::disallowed_methods)] // the test must agree with the server's wall clock
    let real_now = Utc::now();
    // Tomorrow in Việt Nam: the child turns 18 then.
    let birthday = healthbook_domain::booking::time::local_date(real_now) + Duration::days(1);
    let born = birthday.with_year(birthday.year() - 18).unwrap();
    let kid = child("Phạm Quốc Bảo", born);
    app.post_as(&parent.token, "/v1/me/dependents", &kid)
        .await
        .unwrap()
        .expect(201);

    // 00:30 in Việt Nam on the birthday is 17:30 UTC the day before.
    let half_past_midnight =
        Utc.from_utc_datetime(&birthday.and_hms_opt(0, 30, 0).unwrap()) - Duration::hours(7);
    let at_half_past = TestApp::builder()
        .sharing_with(&app)
        .env(
            "HEALTHBOOK_CLOCK_OFFSET",
            (half_past_midnight - real_now).num_seconds().to_string(),
        )
        .spawn()
        .await
        .unwrap();

    // The phone's core counts the day in Việt Nam: the child is an adult now.
    let phone_today = (half_past_midnight + Duration::hours(7)).date_naive();
    assert_eq!(phone_today, birthday);
    let as_the_phone_sees_it: healthbook_domain::account::AddDependentRequest =
        serde_json::from_value(child("Phạm Quốc Bảo", born)).unwrap();
    assert!(
        as_the_phone_sees_it.parse(phone_today).is_err(),
        "an adult is no dependent"
    );

    // The server agrees: the guardianship has ended, and an adult cannot be added.
    assert_eq!(
        at_half_past
            .get_as(&parent.token, "/v1/me/dependents")
            .await
            .unwrap()
            .json,
        json!([])
    );
    at_half_past
        .post_as(
            &parent.token,
            "/v1/me/dependents",
            &child("Phạm Quốc Huy", born),
        )
        .await
        .unwrap()
        .expect(422);
}
