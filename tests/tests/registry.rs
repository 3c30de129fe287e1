//! The population registry's HTTP adapter against a real HTTP server started by the test:
//! answers, unknown numbers, server errors and timeouts — and what registration and
//! recovery do when the registry misbehaves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use chrono::NaiveDate;
use healthbook_domain::ids::NationalId;
use healthbook_server::auth::registry::{
    HttpRegistry, PopulationRegistry, RegistryAnswer, RegistryError,
};
use healthbook_tests::TestApp;
use healthbook_tests::people::Person;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A registry server whose every route answers one way, recording the bodies it received.
async fn registry_server() -> (String, Arc<Mutex<Vec<Value>>>) {
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let record = |seen: Arc<Mutex<Vec<Value>>>| {
        move |Json(body): Json<Value>| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(body.clone());
                body
            }
        }
    };
    let router = Router::new()
        .route(
            "/match",
            post({
                let r = record(seen.clone());
                move |body| async move {
                    let body = r(body).await;
                    Json(json!({ "match": body["full_name"] == "Nguyễn Văn An" }))
                }
            }),
        )
        .route("/unknown", post(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/broken",
            post(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        )
        .route("/garbage", post(|| async { "not json" }))
        .route(
            "/slow",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Json(json!({ "match": true }))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}"), seen)
}

fn an() -> (NationalId, NaiveDate) {
    (
        NationalId::parse("001090000001").unwrap(),
        NaiveDate::from_ymd_opt(1990, 5, 17).unwrap(),
    )
}

#[tokio::test]
async fn the_adapter_reads_match_mismatch_and_unknown() {
    let (base, seen) = registry_server().await;
    let (id, dob) = an();
    let registry = HttpRegistry::new(&format!("{base}/match"), Duration::from_secs(2)).unwrap();
    assert_eq!(
        registry.check(&id, "Nguyễn Văn An", dob).await.unwrap(),
        RegistryAnswer::Match
    );
    assert_eq!(
        registry.check(&id, "Trần Thị B", dob).await.unwrap(),
        RegistryAnswer::Mismatch
    );
    let sent = seen.lock().unwrap()[0].clone();
    assert_eq!(
        sent,
        json!({ "national_id": "001090000001", "full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-17" })
    );
    let unknown = HttpRegistry::new(&format!("{base}/unknown"), Duration::from_secs(2)).unwrap();
    assert_eq!(
        unknown.check(&id, "Nguyễn Văn An", dob).await.unwrap(),
        RegistryAnswer::Unknown
    );
}

#[tokio::test]
async fn server_errors_garbage_and_timeouts_are_errors_not_answers() {
    let (base, _) = registry_server().await;
    let (id, dob) = an();
    let broken = HttpRegistry::new(&format!("{base}/broken"), Duration::from_secs(2)).unwrap();
    assert!(matches!(
        broken.check(&id, "x", dob).await,
        Err(RegistryError::Status(500))
    ));
    let garbage = HttpRegistry::new(&format!("{base}/garbage"), Duration::from_secs(2)).unwrap();
    assert!(matches!(
        garbage.check(&id, "x", dob).await,
        Err(RegistryError::Answer(_))
    ));
    let slow = HttpRegistry::new(&format!("{base}/slow"), Duration::from_millis(300)).unwrap();
    let started = std::time::Instant::now();
    assert!(matches!(
        slow.check(&id, "x", dob).await,
        Err(RegistryError::Timeout(_))
    ));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the timeout was not honoured"
    );
    let nowhere = HttpRegistry::new("http://127.0.0.1:1/registry", Duration::from_secs(1)).unwrap();
    let error = nowhere.check(&id, "x", dob).await.unwrap_err();
    assert!(
        !error.to_string().contains("001090000001"),
        "the number leaked into an error: {error}"
    );
}

#[tokio::test]
async fn an_unreachable_registry_registers_unverified_and_refuses_recovery() {
    let (base, _) = registry_server().await;
    let app = TestApp::builder()
        .env("HEALTHBOOK_REGISTRY_URL", format!("{base}/broken"))
        .spawn()
        .await
        .unwrap();
    let person = Person::in_registry("an.down@example.vn");
    let citizen = app.register_verified(&person).await.unwrap();
    let me = app.get_as(&citizen.token, "/v1/me").await.unwrap();
    assert_eq!(me.json["citizen"]["verification"], "unverified");

    let before = app.mail_count(&person.email);
    app.post("/v1/auth/recovery/start", &json!({ "email": person.email }))
        .await
        .unwrap()
        .expect(202);
    let code = app.code_for(&person.email, before).await.unwrap();
    let reply = app
        .post(
            "/v1/auth/recovery/finish",
            &json!({ "email": person.email, "code": code, "national_id": person.national_id,
                     "full_name": person.full_name, "date_of_birth": person.date_of_birth }),
        )
        .await
        .unwrap();
    reply.expect_problem(503, "registry_unavailable");
    assert!(reply.header("retry-after").is_some());
    // Nothing changed: the citizen's session still works.
    app.get_as(&citizen.token, "/v1/me")
        .await
        .unwrap()
        .expect(200);
}

#[tokio::test]
async fn a_registry_that_confirms_verifies_the_account() {
    let (base, _) = registry_server().await;
    let app = TestApp::builder()
        .env("HEALTHBOOK_REGISTRY_URL", format!("{base}/match"))
        .spawn()
        .await
        .unwrap();
    let registered = app
        .post(
            "/v1/auth/register",
            &Person::in_registry("an.ok@example.vn").body(),
        )
        .await
        .unwrap();
    registered.expect(201);
    assert_eq!(registered.json["verification"], "verified");
}
