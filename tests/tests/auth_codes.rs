//! Registration, email codes and sessions against the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use healthbook_tests::TestApp;
use healthbook_tests::people::Person;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn register_verify_and_sign_in_with_a_code() {
    let app = TestApp::spawn().await.unwrap();
    let person = Person::adult("an");
    let citizen = app.register_verified(&person).await.unwrap();

    let me = app.get_as(&citizen.token, "/v1/me").await.unwrap();
    me.expect(200);
    assert_eq!(me.json["email_verified"], true);
    assert_eq!(me.json["assurance"], "basic");
    assert_eq!(me.json["citizen"]["full_name"], "Nguyễn Văn Thử");
    assert_eq!(
        me.json["citizen"]["national_id_masked"]
            .as_str()
            .unwrap()
            .len(),
        9 * 3 + 3,
        "{}",
        me.text
    );
    assert!(
        !me.text.contains(&person.national_id),
        "the full number must never be sent back"
    );
    assert_eq!(me.json["roles"], json!([]));

    let before = app.mail_count(&person.email);
    app.post("/v1/auth/otp/start", &json!({ "email": person.email }))
        .await
        .unwrap()
        .expect(202);
    let code = app.code_for(&person.email, before).await.unwrap();
    let signed_in = app
        .post(
            "/v1/auth/otp/finish",
            &json!({ "email": person.email.to_uppercase(), "code": code }),
        )
        .await
        .unwrap();
    signed_in.expect(200);
    assert_eq!(signed_in.json["assurance"], "basic");
    assert!(
        signed_in.json["token"]
            .as_str()
            .unwrap()
            .starts_with("hbs_")
    );
}

#[tokio::test]
async fn a_taken_number_or_address_is_refused_by_mail_with_a_fresh_registrations_answer() {
    let app = TestApp::spawn().await.unwrap();
    let first = Person::adult("first");
    app.register_verified(&first).await.unwrap();
    let fresh = app
        .post("/v1/auth/register", &Person::adult("fresh").body())
        .await
        .unwrap();
    fresh.expect(201);

    let mut second = Person::adult("second");
    second.national_id = first.national_id.clone();
    let reply = app.post("/v1/auth/register", &second.body()).await.unwrap();
    reply.expect(201);
    assert_eq!(shape(&reply.json), shape(&fresh.json));
    assert!(!reply.text.contains(&first.email));
    // The registrant learns by mail that no book was opened, the holder that someone tried.
    let to_second = app.wait_for_mail(&second.email, |_| true).await.unwrap();
    assert!(
        to_second.code(6).is_none(),
        "no code for a refused registration"
    );
    assert!(!to_second.text.contains(&first.email));
    app.wait_for_mail(&first.email, |m| m.subject.contains("số định danh"))
        .await
        .unwrap();

    let mut third = Person::adult("third");
    third.email = first.email.to_uppercase();
    let reply = app.post("/v1/auth/register", &third.body()).await.unwrap();
    reply.expect(201);
    assert_eq!(shape(&reply.json), shape(&fresh.json));
    app.wait_for_mail(&first.email, |m| m.subject.contains("email"))
        .await
        .unwrap();
    // Neither refused registrant can sign in: nothing was created for them.
    for person in [&second, &third] {
        app.post(
            "/v1/auth/email/verify",
            &json!({ "email": person.email, "code": "000000" }),
        )
        .await
        .unwrap()
        .expect_problem(400, "invalid_code");
    }
}

#[tokio::test]
async fn invalid_registration_names_every_field_and_writes_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let mut person = Person::adult("bad");
    let good_email = person.email.clone();
    person.national_id = "12345".into();
    person.phone = "12".into();
    person.email = "not-an-email".into();
    let reply = app.post("/v1/auth/register", &person.body()).await.unwrap();
    reply.expect_problem(422, "validation_failed");
    let fields: Vec<&str> = reply.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["national_id", "email", "phone"], "{}", reply.text);
    assert_eq!(reply.json["errors"][0]["code"], "national_id_wrong_length");

    // A number that disagrees with the date of birth.
    let mut mismatched = Person::adult("mismatch");
    mismatched.date_of_birth = chrono::NaiveDate::from_ymd_opt(1991, 1, 1).unwrap();
    let reply = app
        .post("/v1/auth/register", &mismatched.body())
        .await
        .unwrap();
    reply.expect_problem(422, "validation_failed");
    assert_eq!(
        reply.json["errors"][0]["code"],
        "national_id_birth_year_mismatch"
    );

    // Nothing was written: the same address registers fine afterwards.
    let mut fixed = Person::adult("fixed");
    fixed.email = good_email;
    app.post("/v1/auth/register", &fixed.body())
        .await
        .unwrap()
        .expect(201);
    assert!(app.mails().unwrap().iter().all(|m| m.to != "not-an-email"));
}

#[tokio::test]
async fn malformed_and_mistyped_bodies_are_4xx() {
    let app = TestApp::spawn().await.unwrap();
    let reply = healthbook_tests::Reply::from(
        app.request(Method::POST, "/v1/auth/register")
            .header("content-type", "application/json")
            .body("{\"national_id\": \"001\",\n \"full_name\": }")
            .send()
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    reply.expect_problem(400, "malformed_json");
    assert!(
        reply.json["detail"].as_str().unwrap().contains('2'),
        "{}",
        reply.text
    );
    let reply = healthbook_tests::Reply::from(
        app.request(Method::POST, "/v1/auth/register")
            .body("national_id=1")
            .send()
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    reply.expect_problem(415, "unsupported_media_type");
    let mut person = Person::adult("typed").body();
    person["date_of_birth"] = json!("17/05/1990");
    let reply = app.post("/v1/auth/register", &person).await.unwrap();
    reply.expect_problem(422, "validation_failed");
    assert_eq!(reply.json["errors"][0]["field"], "date_of_birth");
    let huge = "x".repeat(2 * 1024 * 1024);
    let reply = app
        .post("/v1/auth/register", &json!({ "full_name": huge }))
        .await
        .unwrap();
    reply.expect_problem(413, "payload_too_large");
}

#[tokio::test]
async fn mass_assignment_of_roles_or_verification_has_no_effect() {
    let app = TestApp::spawn().await.unwrap();
    let person = Person::adult("sneaky");
    let mut body = person.body();
    body["roles"] = json!([{ "role": "support" }]);
    body["verification"] = json!("verified");
    body["verified"] = json!(true);
    body["kind"] = json!("staff");
    let registered = app.post("/v1/auth/register", &body).await.unwrap();
    registered.expect(201);
    assert_eq!(
        registered.json["verification"], "unverified",
        "not in the registry"
    );
    let code = app.code_for(&person.email, 0).await.unwrap();
    let session = app
        .post(
            "/v1/auth/email/verify",
            &json!({ "email": person.email, "code": code }),
        )
        .await
        .unwrap();
    let token = session.json["token"].as_str().unwrap();
    let me = app.get_as(token, "/v1/me").await.unwrap();
    assert_eq!(me.json["roles"], json!([]));
    assert_eq!(me.json["citizen"]["verification"], "unverified");
    app.get_as(token, "/v1/admin/audit")
        .await
        .unwrap()
        .expect_problem(403, "step_up_required");
}

#[tokio::test]
async fn the_population_registry_decides_verified_or_not() {
    let app = TestApp::spawn().await.unwrap();
    let registered = app
        .post(
            "/v1/auth/register",
            &Person::in_registry("an.registry@example.vn").body(),
        )
        .await
        .unwrap();
    registered.expect(201);
    assert_eq!(registered.json["verification"], "verified");
}

#[tokio::test]
async fn wrong_replayed_and_exhausted_codes_are_refused_alike() {
    let app = TestApp::spawn().await.unwrap();
    let person = Person::adult("codes");
    app.post("/v1/auth/register", &person.body())
        .await
        .unwrap()
        .expect(201);
    let code = app.code_for(&person.email, 0).await.unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        app.post(
            "/v1/auth/email/verify",
            &json!({ "email": person.email, "code": wrong }),
        )
        .await
        .unwrap()
        .expect_problem(400, "invalid_code");
    }
    // The sixth attempt fails even with the right code: five wrong guesses void it.
    app.post(
        "/v1/auth/email/verify",
        &json!({ "email": person.email, "code": code }),
    )
    .await
    .unwrap()
    .expect_problem(400, "invalid_code");

    // A fresh code works once, and only once.
    let before = app.mail_count(&person.email);
    app.post("/v1/auth/otp/start", &json!({ "email": person.email }))
        .await
        .unwrap()
        .expect(202);
    let fresh = app.code_for(&person.email, before).await.unwrap();
    app.post(
        "/v1/auth/otp/finish",
        &json!({ "email": person.email, "code": fresh }),
    )
    .await
    .unwrap()
    .expect(200);
    app.post(
        "/v1/auth/otp/finish",
        &json!({ "email": person.email, "code": fresh }),
    )
    .await
    .unwrap()
    .expect_problem(400, "invalid_code");
    // An unknown address gets the same answer as a wrong code.
    app.post(
        "/v1/auth/otp/finish",
        &json!({ "email": "nobody@example.vn", "code": fresh }),
    )
    .await
    .unwrap()
    .expect_problem(400, "invalid_code");
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = TestApp::spawn().await.unwrap();
    let person = Person::adult("late");
    app.post("/v1/auth/register", &person.body())
        .await
        .unwrap()
        .expect(201);
    let code = app.code_for(&person.email, 0).await.unwrap();
    // A second process of the same deployment whose clock is eleven minutes ahead.
    let later = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_CLOCK_OFFSET", "660")
        .spawn()
        .await
        .unwrap();
    later
        .post(
            "/v1/auth/email/verify",
            &json!({ "email": person.email, "code": code }),
        )
        .await
        .unwrap()
        .expect_problem(400, "invalid_code");
    // Nine minutes is still fine.
    let sooner = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_CLOCK_OFFSET", "540")
        .spawn()
        .await
        .unwrap();
    sooner
        .post(
            "/v1/auth/email/verify",
            &json!({ "email": person.email, "code": code }),
        )
        .await
        .unwrap()
        .expect(200);
}

#[tokio::test]
async fn code_requests_answer_alike_whether_or_not_the_address_exists() {
    let app = TestApp::spawn().await.unwrap();
    let citizen = app.citizen("alike").await.unwrap();
    let known = app
        .post("/v1/auth/otp/start", &json!({ "email": citizen.email }))
        .await
        .unwrap();
    let unknown = app
        .post(
            "/v1/auth/otp/start",
            &json!({ "email": "ghost@example.vn" }),
        )
        .await
        .unwrap();
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.json, unknown.json);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.mail_count("ghost@example.vn"), 0);
}

#[tokio::test]
async fn too_many_code_requests_are_429_with_retry_after() {
    let app = TestApp::spawn().await.unwrap();
    let citizen = app.citizen("spam").await.unwrap();
    let mut last = None;
    for _ in 0..6 {
        last = Some(
            app.post("/v1/auth/otp/start", &json!({ "email": citizen.email }))
                .await
                .unwrap(),
        );
    }
    let reply = last.unwrap();
    reply.expect_problem(429, "rate_limited");
    let after: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!(after > 0 && after <= 15 * 60, "{after}");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_tell_the_owner() {
    let app = TestApp::spawn().await.unwrap();
    let citizen = app.citizen("locked").await.unwrap();
    for _ in 0..10 {
        let reply = app
            .post(
                "/v1/auth/otp/finish",
                &json!({ "email": citizen.email, "code": "000001" }),
            )
            .await
            .unwrap();
        assert!(matches!(reply.status.as_u16(), 400 | 403), "{}", reply.text);
    }
    let mail = app
        .wait_for_mail(&citizen.email, |m| m.subject.contains("khóa"))
        .await
        .unwrap();
    assert!(mail.text.contains("30"), "{}", mail.text);
    // While locked no code is mailed, and the answer is an unknown address's answer.
    let before = app.mail_count(&citizen.email);
    app.post("/v1/auth/otp/start", &json!({ "email": citizen.email }))
        .await
        .unwrap()
        .expect(202);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.mail_count(&citizen.email), before);
    app.post(
        "/v1/auth/otp/finish",
        &json!({ "email": citizen.email, "code": "000001" }),
    )
    .await
    .unwrap()
    .expect_problem(400, "invalid_code");
    // The owner's existing session keeps working: the lock stops sign-ins, not the owner.
    app.get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect(200);
    let events = app
        .get_as(&citizen.token, "/v1/me/auth-events")
        .await
        .unwrap();
    assert!(events.text.contains("lockout"), "{}", events.text);
}

#[tokio::test]
async fn logout_revokes_the_token_and_everywhere_revokes_all() {
    let app = TestApp::spawn().await.unwrap();
    let citizen = app.citizen("bye").await.unwrap();
    let before = app.mail_count(&citizen.email);
    app.post("/v1/auth/otp/start", &json!({ "email": citizen.email }))
        .await
        .unwrap();
    let code = app.code_for(&citizen.email, before).await.unwrap();
    let second = app
        .post(
            "/v1/auth/otp/finish",
            &json!({ "email": citizen.email, "code": code, "device_name": "Máy tính bảng" }),
        )
        .await
        .unwrap();
    let second_token = second.json["token"].as_str().unwrap().to_owned();

    let sessions = app.get_as(&citizen.token, "/v1/me/sessions").await.unwrap();
    let list = sessions.json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(sessions.text.contains("Máy tính bảng"));
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);

    app.call(Method::POST, "/v1/auth/logout", Some(&second_token), None)
        .await
        .unwrap()
        .expect(204);
    app.get_as(&second_token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
    app.get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect(200);

    app.post_as(
        &citizen.token,
        "/v1/auth/logout",
        &json!({ "everywhere": true }),
    )
    .await
    .unwrap()
    .expect(204);
    app.get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
}

#[tokio::test]
async fn a_session_id_of_someone_else_is_404_and_stays_alive() {
    let app = TestApp::spawn().await.unwrap();
    let alice = app.citizen("alice").await.unwrap();
    let bob = app.citizen("bob").await.unwrap();
    let bob_sessions = app.get_as(&bob.token, "/v1/me/sessions").await.unwrap();
    let bob_sid = bob_sessions.json[0]["id"].as_str().unwrap();
    app.call(
        Method::DELETE,
        &format!("/v1/me/sessions/{bob_sid}"),
        Some(&alice.token),
        None,
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");
    app.get_as(&bob.token, "/v1/me").await.unwrap().expect(200);
    app.call(
        Method::DELETE,
        &format!("/v1/me/sessions/{bob_sid}"),
        Some(&bob.token),
        None,
    )
    .await
    .unwrap()
    .expect(204);
    app.get_as(&bob.token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
}

#[tokio::test]
async fn missing_garbage_and_expired_tokens_are_401() {
    let app = TestApp::spawn().await.unwrap();
    app.get("/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
    app.get_as("hbs_not-a-real-token", "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
    let citizen = app.citizen("old").await.unwrap();
    // Fifteen days later the idle expiry (14 days) has passed.
    let later = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_CLOCK_OFFSET", (15 * 24 * 3600).to_string())
        .spawn()
        .await
        .unwrap();
    later
        .get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
}

#[tokio::test]
async fn a_session_opened_on_one_process_works_on_another() {
    let first = TestApp::spawn().await.unwrap();
    let second = TestApp::builder()
        .sharing_with(&first)
        .spawn()
        .await
        .unwrap();
    let citizen = first.citizen("roam").await.unwrap();
    second
        .get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect(200);
    first
        .call(Method::POST, "/v1/auth/logout", Some(&citizen.token), None)
        .await
        .unwrap()
        .expect(204);
    first
        .get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
    // Processes share revocations through Redis; without it each keeps its own cache for a
    // minute (a single process is the in-process deployment).
    if std::env::var("REDIS_URL").is_ok() {
        second
            .get_as(&citizen.token, "/v1/me")
            .await
            .unwrap()
            .expect_problem(401, "unauthenticated");
    }
}

#[tokio::test]
async fn a_retried_registration_with_the_same_key_registers_once() {
    let app = TestApp::spawn().await.unwrap();
    let person = Person::adult("retry");
    let send = |body: serde_json::Value| {
        app.request(Method::POST, "/v1/auth/register")
            .header("idempotency-key", "3f1c2b9e-retry-1")
            .json(&body)
            .send()
    };
    let first = healthbook_tests::Reply::from(send(person.body()).await.unwrap())
        .await
        .unwrap();
    first.expect(201);
    let again = healthbook_tests::Reply::from(send(person.body()).await.unwrap())
        .await
        .unwrap();
    again.expect(201);
    assert_eq!(first.json, again.json);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let mut other = person.body();
    other["full_name"] = json!("Người Khác");
    let reused = healthbook_tests::Reply::from(send(other).await.unwrap())
        .await
        .unwrap();
    reused.expect_problem(422, "idempotency_key_reused");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        app.mail_count(&person.email),
        1,
        "one registration, one mail"
    );
}

#[tokio::test]
async fn no_identifier_code_or_token_reaches_the_log() {
    let app = TestApp::spawn().await.unwrap();
    let person = Person::adult("quiet");
    let citizen = app.register_verified(&person).await.unwrap();
    app.post("/v1/auth/otp/start", &json!({ "email": person.email }))
        .await
        .unwrap();
    app.post(
        "/v1/auth/otp/finish",
        &json!({ "email": person.email, "code": "999999" }),
    )
    .await
    .unwrap();
    app.get_as(&citizen.token, "/v1/me").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let logs = app.logs();
    assert!(
        !logs.contains(&person.national_id),
        "national id in the log"
    );
    assert!(!logs.contains(&citizen.token), "token in the log");
    assert!(!logs.contains(&person.email), "email in the log");
    for mail in app.mails().unwrap() {
        if let Some(code) = mail.code(6) {
            assert!(!logs.contains(&code), "code in the log");
        }
    }
}

#[tokio::test]
async fn authentication_limits_fail_closed_when_redis_is_down() {
    let healthy = TestApp::spawn().await.unwrap();
    let citizen = healthy.citizen("outage").await.unwrap();
    // A process of the same deployment that cannot reach its Redis.
    let cut_off = TestApp::builder()
        .sharing_with(&healthy)
        .without_redis()
        .env("REDIS_URL", "redis://127.0.0.1:1")
        .spawn()
        .await
        .unwrap();
    let reply = cut_off
        .post("/v1/auth/otp/start", &json!({ "email": citizen.email }))
        .await
        .unwrap();
    reply.expect_problem(503, "service_unavailable");
    assert!(reply.header("retry-after").is_some());
    cut_off
        .post(
            "/v1/auth/otp/finish",
            &json!({ "email": citizen.email, "code": "123456" }),
        )
        .await
        .unwrap()
        .expect_problem(503, "service_unavailable");
    cut_off
        .post("/v1/auth/register", &Person::adult("down").body())
        .await
        .unwrap()
        .expect_problem(503, "service_unavailable");
    // The session check falls back to the database: signed-in people keep working.
    cut_off
        .get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect(200);
}

/// Every text the database holds about mail, one-time codes and sessions, as one string.
async fn everything_stored(app: &TestApp) -> String {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.database().await.unwrap();
    let mut stored = String::new();
    for table in ["mail_outbox", "email_codes", "auth_events"] {
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT * FROM {table}"),
            ))
            .await
            .unwrap();
        for row in rows {
            for column in row.column_names() {
                if let Ok(Some(text)) = row.try_get::<Option<String>>("", &column) {
                    stored.push_str(&text);
                    stored.push('\n');
                }
            }
        }
    }
    stored
}

#[tokio::test]
async fn outbox_never_holds_a_usable_code() {
    let app = TestApp::spawn().await.unwrap();
    let person = Person::adult("atrest");
    let mut codes = Vec::new();

    app.post("/v1/auth/register", &person.body())
        .await
        .unwrap()
        .expect(201);
    codes.push(app.code_for(&person.email, 0).await.unwrap());
    app.post(
        "/v1/auth/email/verify",
        &json!({ "email": person.email, "code": codes[0] }),
    )
    .await
    .unwrap()
    .expect(200);

    let before = app.mail_count(&person.email);
    app.post("/v1/auth/otp/start", &json!({ "email": person.email }))
        .await
        .unwrap()
        .expect(202);
    codes.push(app.code_for(&person.email, before).await.unwrap());

    let before = app.mail_count(&person.email);
    app.post("/v1/auth/recovery/start", &json!({ "email": person.email }))
        .await
        .unwrap()
        .expect(202);
    codes.push(app.code_for(&person.email, before).await.unwrap());

    // A staff account created through the API: its enrolment mail carries a code and a link.
    let (support, _key) = app.staff("support", None).await.unwrap();
    let authority = "authority.atrest@staff.healthbook.vn";
    app.post_as(
        &support.token,
        "/v1/admin/users",
        &json!({ "email": authority, "full_name": "Lê Thống Kê", "role": "authority", "admin_unit": "01" }),
    )
    .await
    .unwrap()
    .expect(201);
    let enrolment = app.wait_for_mail(authority, |_| true).await.unwrap();
    let link = enrolment
        .text
        .lines()
        .find(|l| l.contains("/enrol#code="))
        .unwrap()
        .trim()
        .to_owned();
    codes.push(enrolment.code(6).unwrap());

    let stored = everything_stored(&app).await;
    for code in &codes {
        assert!(!stored.contains(code.as_str()), "a code is stored in clear");
    }
    assert!(!stored.contains(&link), "an enrolment link is stored");
    // And each of them still works: the mail, not the database, carried it.
    app.post(
        "/v1/auth/staff/enrol",
        &json!({ "email": authority, "code": codes[3] }),
    )
    .await
    .unwrap()
    .expect(200);
}

#[tokio::test]
async fn revoked_token_dies_on_every_process() {
    let first = TestApp::spawn().await.unwrap();
    if first.redis().is_none() {
        eprintln!(
            "REDIS_URL not set: several processes need Redis (see several_processes_without_redis_are_refused)"
        );
        return;
    }
    let second = TestApp::builder()
        .sharing_with(&first)
        .spawn()
        .await
        .unwrap();
    let processes = [&first, &second];
    // Sessions whose snapshots are cold, each read on both processes while it is revoked:
    // a read that loaded the session just before the revocation must not bring it back.
    for round in 0..12 {
        let token = first
            .register_verified(&Person::adult("everywhere"))
            .await
            .unwrap()
            .token;
        let readers = futures::future::join_all((0..16).map(|i| {
            let app = processes[i % 2];
            let token = token.clone();
            async move { app.get_as(&token, "/v1/me").await.unwrap().status.as_u16() }
        }));
        let empty = json!({});
        let logout =
            processes[round % 2].call(Method::POST, "/v1/auth/logout", Some(&token), Some(&empty));
        let (statuses, logout) = tokio::join!(readers, logout);
        logout.unwrap().expect(204);
        assert!(
            statuses.iter().all(|s| [200, 401].contains(s)),
            "{statuses:?}"
        );
        // Once the logout has answered, no process accepts the token, now or a moment later.
        for _ in 0..3 {
            for app in processes {
                app.get_as(&token, "/v1/me")
                    .await
                    .unwrap()
                    .expect_problem(401, "unauthenticated");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
}

#[tokio::test]
async fn a_session_written_into_redis_by_someone_else_is_refused() {
    use healthbook_domain::account::{Assurance, RoleGrant, StaffRole};
    use healthbook_server::auth::actor::{AccountKind, Actor};
    use healthbook_server::cache::{CacheBackend, RedisCache};
    use sha2::Digest;
    let app = TestApp::spawn().await.unwrap();
    let Some((url, prefix)) = app.redis() else {
        eprintln!("REDIS_URL not set: nothing to forge into");
        return;
    };
    let token = "hbs_forged0000000000000000000000000000000000000";
    let forged = Actor {
        session_id: uuid::Uuid::now_v7(),
        account_id: uuid::Uuid::now_v7(),
        kind: AccountKind::Staff,
        assurance: Assurance::Passkey,
        citizen_id: None,
        roles: vec![RoleGrant {
            role: StaffRole::Support,
            facility_id: None,
            admin_unit: None,
        }],
        email_verified: true,
        lang: healthbook_domain::Lang::En,
        display_name: "Forged".to_owned(),
        // Far ahead, so that no expiry or idle refresh stands in the way of the forgery.
        last_seen_at: "2099-01-01T00:00:00Z".parse().unwrap(),
        idle_expires_at: "2099-01-02T00:00:00Z".parse().unwrap(),
        absolute_expires_at: "2099-01-02T00:00:00Z".parse().unwrap(),
    };
    let key = format!("session:{}", hex::encode(sha2::Sha256::digest(token)));
    let redis = RedisCache::new(&url, &prefix).unwrap();
    let json = serde_json::to_vec(&forged).unwrap();
    // As the snapshot was stored before it carried a seal, and with a made-up seal.
    for value in [json.clone(), [vec![0u8; 32], json].concat()] {
        redis
            .set(&key, &value, Duration::from_secs(60))
            .await
            .unwrap();
        app.post_as(
            token,
            "/v1/admin/users/search",
            &json!({ "email": "x@example.vn" }),
        )
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
    }
    // A real snapshot moved under another token's key fails its seal too.
    let citizen = app.citizen("moved").await.unwrap();
    app.get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect(200);
    let real_key = format!(
        "session:{}",
        hex::encode(sha2::Sha256::digest(&citizen.token))
    );
    let sealed = redis
        .get(&real_key)
        .await
        .unwrap()
        .expect("snapshot cached");
    redis
        .set(&key, &sealed, Duration::from_secs(60))
        .await
        .unwrap();
    app.get_as(token, "/v1/me")
        .await
        .unwrap()
        .expect_problem(401, "unauthenticated");
}

#[tokio::test]
async fn several_processes_without_redis_are_refused() {
    let first = TestApp::builder().without_redis().spawn().await.unwrap();
    if !first.backend().is_postgres() {
        eprintln!("SQLite: one machine's development store; not checked");
        return;
    }
    let second = TestApp::builder()
        .sharing_with(&first)
        .without_redis()
        .spawn()
        .await;
    let error = second.expect_err("a second process without Redis must not start");
    assert!(format!("{error:#}").contains("need"), "{error:#}");
    // A process with Redis is refused as long as one without it serves the database.
    if first.redis().is_some() {
        let with_redis = TestApp::builder().sharing_with(&first).spawn().await;
        assert!(with_redis.is_err());
    }
    // Once the first stops cleanly, another may start at once.
    let mut first = first;
    first.terminate().await.unwrap();
    TestApp::builder()
        .sharing_with(&first)
        .without_redis()
        .spawn()
        .await
        .unwrap()
        .get("/health")
        .await
        .unwrap()
        .expect(200);
}

#[tokio::test]
async fn sign_in_paths_do_not_reveal_accounts() {
    let app = TestApp::spawn().await.unwrap();
    let citizen = app.citizen("reveal").await.unwrap();
    let (staff, _phone) = app.staff("support", None).await.unwrap();
    let locked = app.citizen("reveal-locked").await.unwrap();
    for _ in 0..10 {
        app.post(
            "/v1/auth/otp/finish",
            &json!({ "email": locked.email, "code": "000001" }),
        )
        .await
        .unwrap();
    }
    let unknown = "nobody.here@example.vn";
    let same = |known: &healthbook_tests::Reply, unknown: &healthbook_tests::Reply, what: &str| {
        assert_eq!(
            known.status, unknown.status,
            "{what}: {} vs {}",
            known.text, unknown.text
        );
        assert_eq!(known.code(), unknown.code(), "{what}");
        assert_eq!(shape(&known.json), shape(&unknown.json), "{what}");
    };

    // Passkey sign-in by address names no credentials, for anyone.
    let start = |email: &str| {
        let body = json!({ "email": email });
        let app = &app;
        async move {
            app.post("/v1/auth/passkeys/login/start", &body)
                .await
                .unwrap()
        }
    };
    let (known, nobody) = (start(&staff.email).await, start(unknown).await);
    same(&known, &nobody, "passkeys/login/start");
    for reply in [&known, &nobody] {
        let allowed = &reply.json["options"]["publicKey"]["allowCredentials"];
        assert!(
            allowed.as_array().is_none_or(|list| list.is_empty()),
            "{}",
            reply.text
        );
    }

    // Codes: a staff account, a locked citizen and a citizen with a wrong code answer as an
    // unknown address does, on every path that takes a code.
    for path in [
        "/v1/auth/otp/finish",
        "/v1/auth/email/verify",
        "/v1/auth/staff/enrol",
    ] {
        let attempt = |email: &str| {
            let body = json!({ "email": email, "code": "000002" });
            let app = &app;
            async move { app.post(path, &body).await.unwrap() }
        };
        let nobody = attempt(unknown).await;
        nobody.expect_problem(400, "invalid_code");
        for email in [&staff.email, &locked.email, &citizen.email] {
            same(&attempt(email).await, &nobody, path);
        }
    }

    // Asking for a code or a recovery: the same answer, and no mail to a staff account.
    for path in ["/v1/auth/otp/start", "/v1/auth/recovery/start"] {
        let ask = |email: &str| {
            let body = json!({ "email": email });
            let app = &app;
            async move { app.post(path, &body).await.unwrap() }
        };
        let nobody = ask(unknown).await;
        nobody.expect(202);
        for email in [&staff.email, &locked.email, &citizen.email] {
            same(&ask(email).await, &nobody, path);
        }
    }
}

/// The JSON's structure with every value blanked: keys and types only.
fn shape(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().take(1).map(shape).collect()),
        Value::String(_) => json!(""),
        Value::Number(_) => json!(0),
        other => other.clone(),
    }
}

#[tokio::test]
async fn code_requests_take_the_same_time_for_known_and_unknown_addresses() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;
    let dir = tempfile::tempdir().unwrap();
    let state = healthbook_tests::in_process_state(dir.path())
        .await
        .unwrap();
    let router = healthbook_server::app::build(state.clone());
    // Ten accounts per path: an address may ask five times in fifteen minutes, whichever path.
    let mut known = Vec::new();
    for n in 0..20 {
        known.push(
            healthbook_tests::insert_citizen_account(&state, &format!("timing{n}@example.vn"))
                .await
                .unwrap(),
        );
    }
    let mut serial = 0u32;
    let mut ask = |path: &'static str, email: String| {
        serial += 1;
        let peer = std::net::SocketAddr::from((
            [10, 9, (serial / 250) as u8, (serial % 250) as u8],
            40000,
        ));
        let request = axum::http::Request::post(path)
            .header("content-type", "application/json")
            .extension(ConnectInfo(peer))
            .body(Body::from(json!({ "email": email }).to_string()))
            .unwrap();
        let router = router.clone();
        async move {
            let started = std::time::Instant::now();
            let response = router.oneshot(request).await.unwrap();
            let took = started.elapsed();
            assert_eq!(response.status().as_u16(), 202);
            took
        }
    };
    for (round, path) in ["/v1/auth/otp/start", "/v1/auth/recovery/start"]
        .into_iter()
        .enumerate()
    {
        let (mut hits, mut misses) = (Vec::new(), Vec::new());
        for n in 0..50 {
            hits.push(ask(path, known[round * 10 + n % 10].clone()).await);
            misses.push(
                ask(
                    path,
                    format!("ghost{n}.{path_len}@example.vn", path_len = path.len()),
                )
                .await,
            );
        }
        hits.sort();
        misses.sort();
        let (hit, miss) = (hits[25], misses[25]);
        assert!(
            hit <= miss.mul_f64(1.3) + Duration::from_micros(300)
                && miss <= hit.mul_f64(1.3) + Duration::from_micros(300),
            "{path}: median {hit:?} for an account, {miss:?} for none"
        );
        // Let the mails of this round go before the next path's round is measured.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
