//! What the booking tests share: dates in Hà Nội time, the demo facilities, schedules made
//! for a test, and booking calls.
#![allow(dead_code)] // each test file uses its own part of these helpers

use chrono::{DateTime, Duration, NaiveDate, Utc};
use healthbook_tests::people::Session;
use healthbook_tests::{Reply, TestApp};
use serde_json::{Value, json};

#[allow(clippy::disallowed_methods)] // the test's own clock, to pick dates relative to today
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Today in Asia/Ho_Chi_Minh.
pub fn local_today() -> NaiveDate {
    (now() + Duration::hours(7)).date_naive()
}

/// `YYYY-MM-DD`, `offset` days from today (local).
pub fn day(offset: i64) -> String {
    (local_today() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// The seconds to add to the clock so that a process sees `instant` as now.
pub fn offset_to(instant: DateTime<Utc>) -> String {
    (instant - now()).num_seconds().to_string()
}

pub fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("an instant"))
        .expect("RFC 3339")
        .to_utc()
}

/// The id of the first demo facility whose name matches `query`.
pub async fn facility(app: &TestApp, query: &str) -> String {
    let found = app
        .get(&format!("/v1/facilities?q={}", query.replace(' ', "%20")))
        .await
        .unwrap();
    found.json["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no facility {query}: {}", found.text))
        .to_owned()
}

pub const BACH_MAI: &str = "01929";
pub const NHI_TRUNG_UONG: &str = "01917";

/// A schedule of one 30-minute slot a day (08:00–08:30 every day) from `from`.
pub fn daily_slot(capacity: u32, specialty: &str, from: &str) -> Value {
    let days = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    json!({
        "service": "examination",
        "specialty": specialty,
        "slot_minutes": 30,
        "capacity": capacity,
        "valid_from": from,
        "open_on_holidays": true,
        "sessions": days.iter().map(|d| json!({"day": d, "start": "08:00", "end": "08:30"})).collect::<Vec<_>>(),
    })
}

pub async fn create_schedule(app: &TestApp, admin: &Session, fid: &str, body: &Value) -> Value {
    let reply = app
        .post_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/schedules"),
            body,
        )
        .await
        .unwrap();
    reply.expect(201);
    reply.json.clone()
}

/// The slots of a facility on one local day (up to 100).
pub async fn slots_on(app: &TestApp, fid: &str, date: &str, filter: &str) -> Vec<Value> {
    let reply = app
        .get(&format!(
            "/v1/facilities/{fid}/slots?from={date}&to={date}&limit=100{filter}"
        ))
        .await
        .unwrap();
    reply.expect(200);
    reply.json["items"].as_array().cloned().unwrap_or_default()
}

/// The slot of a schedule made with [`daily_slot`] on one day.
pub async fn daily_slot_on(app: &TestApp, fid: &str, specialty: &str, date: &str) -> Value {
    slots_on(app, fid, date, &format!("&specialty={specialty}"))
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {specialty} slot on {date}"))
}

pub async fn book(app: &TestApp, token: &str, slot: &Value) -> Reply {
    app.post_as(
        token,
        "/v1/appointments",
        &json!({ "slot_id": slot["id"], "service": slot["service"] }),
    )
    .await
    .unwrap()
}

pub async fn slot_now(app: &TestApp, fid: &str, slot: &Value) -> Value {
    let date = slot["date"].as_str().unwrap();
    slots_on(app, fid, date, "")
        .await
        .into_iter()
        .find(|s| s["id"] == slot["id"])
        .expect("the slot")
}

/// A demo app with one facility administrator of Bạch Mai.
pub async fn app_with_admin() -> (TestApp, Session, String) {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let (admin, _) = app.staff("facility_admin", Some(BACH_MAI)).await.unwrap();
    let fid = facility(&app, "bach mai").await;
    (app, admin, fid)
}

/// Waits until the process has logged `message` (its start-up work is done).
pub async fn wait_for_log(app: &TestApp, message: &str) {
    let needle = format!("\"message\":\"{message}\"");
    for _ in 0..200 {
        if app.logs().contains(&needle) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no log line {message:?}:\n{}", app.logs());
}

/// A process of the same deployment whose clock reads `at`, once its start-up work on the
/// slot horizon is done (so that its writes do not race the test's own).
pub async fn process_at(app: &TestApp, at: DateTime<Utc>) -> TestApp {
    let other = TestApp::builder()
        .sharing_with(app)
        .env("HEALTHBOOK_CLOCK_OFFSET", offset_to(at))
        .spawn()
        .await
        .unwrap();
    wait_for_log(&other, "slot horizon checked").await;
    other
}

/// `n` citizens with basic sessions, written straight into the deployment's database: the
/// registration path is rate-limited per address (as it must be), and races need crowds.
pub async fn crowd(app: &TestApp, n: usize, tag: &str) -> Vec<Session> {
    crowd_speaking(app, n, tag, "vi").await
}

/// [`crowd`], with accounts whose mails are in `lang` (`vi` or `en`).
pub async fn crowd_speaking(app: &TestApp, n: usize, tag: &str, lang: &str) -> Vec<Session> {
    use healthbook_domain::account::Assurance;
    use healthbook_server::auth::entities::{account, citizen};
    use healthbook_server::auth::session;
    use sea_orm::{ActiveValue::Set, TransactionTrait};
    use uuid::Uuid;

    let db = sea_orm::Database::connect(app.backend().url(app.data_dir()))
        .await
        .unwrap();
    let at = now();
    let born = NaiveDate::from_ymd_opt(1985, 3, 2).unwrap();
    let mut out = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(200) {
        let txn = db.begin().await.unwrap();
        for _ in chunk {
            let account_id = Uuid::now_v7();
            let citizen_id = Uuid::now_v7();
            let email = format!("{tag}.{account_id}@load.example.vn");
            let row = account::ActiveModel {
                id: Set(account_id),
                kind: Set("citizen".to_owned()),
                email: Set(email.clone()),
                email_key: Set(email.clone()),
                email_verified_at: Set(Some(at)),
                display_name: Set(format!("Công dân {tag}")),
                phone: Set(None),
                lang: Set(lang.to_owned()),
                status: Set("active".to_owned()),
                locked_until: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
            };
            let model = sea_orm::EntityTrait::insert(row)
                .exec_with_returning(&txn)
                .await
                .unwrap();
            sea_orm::EntityTrait::insert(citizen::ActiveModel {
                id: Set(citizen_id),
                account_id: Set(Some(account_id)),
                // Random digits: the database only needs them unique.
                national_id: Set(format!("{:012}", citizen_id.as_u128() % 1_000_000_000_000)),
                full_name: Set("Trần Thị Thử".to_owned()),
                date_of_birth: Set(born),
                sex: Set("female".to_owned()),
                verification: Set("unverified".to_owned()),
                verified_at: Set(None),
                verified_by: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
            })
            .exec_without_returning(&txn)
            .await
            .unwrap();
            let grant = session::open(&txn, &model, Assurance::Basic, None, None, at)
                .await
                .unwrap();
            out.push(Session {
                email,
                account_id: account_id.to_string(),
                citizen_id: Some(citizen_id.to_string()),
                token: grant.token.expose().clone(),
            });
        }
        txn.commit().await.unwrap();
    }
    db.close().await.unwrap();
    out
}
