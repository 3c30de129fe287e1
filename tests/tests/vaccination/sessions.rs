//! Vaccination sessions: created on booking's slots, registered for after the schedule
//! engine's check (a dose too early names its earliest day and books nothing), cancelled with
//! a notice to each registration; a person's doses and due list; the due lists of a commune,
//! which log one access-log line per person listed; and every route with an id against a
//! caller who must not see it.

use crate::booking_support::*;
use chrono::{Duration, NaiveDate};
use healthbook_domain::book::{AuthorRole, EntryBody, Source};
use healthbook_server::book::store::{self, Author};
use healthbook_tests::TestApp;
use healthbook_tests::people::{Session, national_id_for};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// The commune health station of Phường Kim Liên (commune 00226), which vaccinates.
const KIM_LIEN: &str = "01290";
const KIM_LIEN_COMMUNE: &str = "00226";
/// Nhi Trung ương, in another commune (00190), which vaccinates too.
const NHI_COMMUNE: &str = "00190";

async fn facility_by_code(app: &TestApp, name: &str) -> String {
    facility(app, name).await
}

fn session_body(date: &str, capacity: u32, vaccines: &[&str]) -> Value {
    json!({
        "kind": "fixed",
        "date": date,
        "start": "07:30",
        "end": "08:30",
        "slot_minutes": 30,
        "capacity": capacity,
        "vaccines": vaccines,
    })
}

async fn create_session(app: &TestApp, admin: &Session, fid: &str, body: &Value) -> Value {
    let reply = app
        .post_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/vaccination-sessions"),
            body,
        )
        .await
        .unwrap();
    reply.expect(201);
    reply.json.clone()
}

/// A child of `parent`, born `days` days ago; its citizen id.
async fn child(app: &TestApp, parent: &Session, name: &str, days: i64) -> String {
    let born = local_today() - Duration::days(days);
    let added = app
        .post_as(
            &parent.token,
            "/v1/me/dependents",
            &json!({
                "national_id": national_id_for(born, false),
                "full_name": name,
                "date_of_birth": born,
                "sex": "male",
            }),
        )
        .await
        .unwrap();
    added.expect(201);
    added.json["citizen"]["citizen_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Section I of `cid` placing them in `commune`, written by `who`.
async fn lives_in(app: &TestApp, who: &Session, cid: &str, commune: &str) {
    app.call(
        Method::PATCH,
        &format!("/v1/citizens/{cid}/profile"),
        Some(&who.token),
        Some(&json!({ "changes": {
            "current_address": { "commune_code": commune, "line": "Số 1, ngõ 2" },
        }})),
    )
    .await
    .unwrap()
    .expect(200);
}

/// A dose of `vaccine` given to `cid` on `on`, recorded by a vaccinator of `fid`.
async fn dose_given(app: &TestApp, cid: &str, fid: &str, vaccine: &str, on: NaiveDate) {
    let db = app.database().await.unwrap();
    let body: EntryBody = serde_json::from_value(json!({ "kind": "immunization", "data": {
        "product": vaccine,
        "antigens": ["diphtheria", "tetanus", "pertussis", "hib", "hepatitis_b"],
        "dose_number": 1,
        "administered_on": on,
        "lot": "LOT0001",
        "facility_id": fid,
        "site": "Đùi trái",
        "route": "intramuscular",
        "note": null,
    }}))
    .unwrap();
    let author = Author {
        role: AuthorRole::Vaccinator,
        source: Source::Staff,
        account: None,
        name: Some("Y sĩ Trần Văn Tiêm".to_owned()),
        facility: Some(fid.parse().unwrap()),
    };
    store::append(&db, cid.parse().unwrap(), &author, body, now())
        .await
        .unwrap();
}

fn register_body(cid: &str, vaccine: &str) -> Value {
    json!({ "citizen_id": cid, "vaccine": vaccine })
}

async fn register(app: &TestApp, token: &str, sid: &str, body: &Value) -> healthbook_tests::Reply {
    app.post_as(
        token,
        &format!("/v1/vaccination-sessions/{sid}/registrations"),
        body,
    )
    .await
    .unwrap()
}

async fn session_now(app: &TestApp, fid: &str, sid: &str, date: &str) -> Value {
    let listed = app
        .get(&format!(
            "/v1/facilities/{fid}/vaccination-sessions?from={date}&to={date}"
        ))
        .await
        .unwrap();
    listed.expect(200);
    listed
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == sid)
        .cloned()
        .expect("the session is listed")
}

/// The access-log lines of `cid` as their guardian reads them.
async fn log_of(app: &TestApp, guardian: &Session, cid: &str) -> Vec<Value> {
    let log = app
        .get_as(
            &guardian.token,
            &format!("/v1/citizens/{cid}/access-log?limit=100"),
        )
        .await
        .unwrap();
    log.expect(200);
    log.json["items"].as_array().unwrap().clone()
}

fn outreach_lines(log: &[Value]) -> usize {
    log.iter().filter(|l| l["basis"] == "outreach").count()
}

#[tokio::test]
async fn a_parent_registers_a_child_for_a_session_and_refused_registrations_book_nothing() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let (admin, _) = app.staff("facility_admin", Some(KIM_LIEN)).await.unwrap();
    let fid = facility_by_code(&app, "kim lien").await;
    let date = day(2);
    let session = create_session(
        &app,
        &admin,
        &fid,
        &session_body(&date, 1, &["penta", "opv", "bcg"]),
    )
    .await;
    let sid = session["id"].as_str().unwrap().to_owned();
    assert_eq!(session["remaining"], 2, "two slots of one place: {session}");
    assert_eq!(session["commune_code"], KIM_LIEN_COMMUNE);
    let listed = session_now(&app, &fid, &sid, &date).await;
    assert_eq!(listed["vaccines"], json!(["penta", "opv", "bcg"]));
    assert_eq!(listed["slots"].as_array().unwrap().len(), 2);

    let (parent, _) = app.citizen_with_passkey("parent").await.unwrap();
    let baby = child(&app, &parent, "Nguyễn Gia Bảo", 70).await;
    let twin = child(&app, &parent, "Nguyễn Gia Huy", 70).await;

    // A vaccine the session does not offer.
    register(&app, &parent.token, &sid, &register_body(&baby, "mr"))
        .await
        .expect_problem(422, "vaccine_not_offered");

    // The first 5-in-1 dose yesterday: the second is too early on the session's day.
    let yesterday = local_today() - Duration::days(1);
    dose_given(&app, &baby, &fid, "penta", yesterday).await;
    let early = register(&app, &parent.token, &sid, &register_body(&baby, "penta")).await;
    early.expect_problem(409, "dose_too_early");
    assert_eq!(
        early.json["earliest"],
        (yesterday + Duration::days(28)).to_string(),
        "{}",
        early.text
    );
    assert_eq!(
        session_now(&app, &fid, &sid, &date).await["remaining"],
        2,
        "a refused registration takes no place"
    );

    // A dose the child may have: registered, with the vaccine on the appointment; a retry
    // with the same key gets the same registration.
    let registering = |key: &'static str, body: Value| {
        let app = &app;
        let token = parent.token.clone();
        let sid = sid.clone();
        async move {
            app.request(
                Method::POST,
                &format!("/v1/vaccination-sessions/{sid}/registrations"),
            )
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .unwrap()
        }
    };
    let first =
        healthbook_tests::Reply::from(registering("reg-opv-1", register_body(&baby, "opv")).await)
            .await
            .unwrap();
    first.expect(201);
    assert_eq!(first.json["vaccine"], "opv");
    assert_eq!(first.json["service"], "vaccination");
    assert_eq!(first.json["queue_number"], 1);
    assert_eq!(first.json["citizen_id"], baby.as_str());
    let again =
        healthbook_tests::Reply::from(registering("reg-opv-1", register_body(&baby, "opv")).await)
            .await
            .unwrap();
    again.expect(201);
    assert_eq!(again.json["id"], first.json["id"]);
    let mine = app.get_as(&parent.token, "/v1/appointments").await.unwrap();
    let items = mine.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", mine.text);
    assert_eq!(items[0]["vaccine"], "opv");
    let day_list = app
        .get_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/appointments?date={date}"),
        )
        .await
        .unwrap();
    day_list.expect(200);
    assert_eq!(day_list.json["items"][0]["vaccine"], "opv");
    app.wait_for_mail(&parent.email, |m| m.subject.contains("Xác nhận"))
        .await
        .unwrap();

    // The second slot's one place, then none: the session is full.
    register(&app, &parent.token, &sid, &register_body(&baby, "bcg"))
        .await
        .expect(201);
    assert_eq!(session_now(&app, &fid, &sid, &date).await["remaining"], 0);
    register(&app, &parent.token, &sid, &register_body(&twin, "opv"))
        .await
        .expect_problem(409, "slot_full");
    // A retry of a registration is answered as before, full session or not.
    let retried =
        healthbook_tests::Reply::from(registering("reg-opv-1", register_body(&baby, "opv")).await)
            .await
            .unwrap();
    retried.expect(201);
    assert_eq!(retried.json["id"], first.json["id"]);

    // Cancelled: both registrations are cancelled with a notice, and it takes no more.
    let cancelled = app
        .post_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/vaccination-sessions/{sid}/cancel"),
            &json!({}),
        )
        .await
        .unwrap();
    cancelled.expect(200);
    assert!(cancelled.json["cancelled_at"].is_string());
    let after = app.get_as(&parent.token, "/v1/appointments").await.unwrap();
    let statuses: Vec<&Value> = after.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status"])
        .collect();
    assert!(statuses.iter().all(|s| *s == "cancelled"), "{}", after.text);
    app.wait_for_mail(&parent.email, |m| m.text.contains("Buổi tiêm chủng bị hủy"))
        .await
        .unwrap();
    register(&app, &parent.token, &sid, &register_body(&twin, "opv"))
        .await
        .expect_problem(409, "session_cancelled");
}

#[tokio::test]
async fn the_due_list_shows_the_communes_residents_due_and_logs_one_line_for_each_person_listed() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let fid = facility_by_code(&app, "kim lien").await;
    let (vaccinator, _) = app.staff("vaccinator", Some(KIM_LIEN)).await.unwrap();
    let (admin, _) = app.staff("facility_admin", Some(KIM_LIEN)).await.unwrap();
    let (parent, _) = app.citizen_with_passkey("parent").await.unwrap();
    let here_a = child(&app, &parent, "Lê Minh An", 70).await;
    let here_b = child(&app, &parent, "Lê Minh Bình", 75).await;
    let elsewhere = child(&app, &parent, "Lê Minh Châu", 70).await;
    let grown = child(&app, &parent, "Lê Minh Dũng", 365 * 17).await;
    for cid in [&here_a, &here_b, &grown] {
        lives_in(&app, &parent, cid, KIM_LIEN_COMMUNE).await;
    }
    lives_in(&app, &parent, &elsewhere, NHI_COMMUNE).await;
    dose_given(
        &app,
        &here_a,
        &fid,
        "penta",
        local_today() - Duration::days(1),
    )
    .await;

    // The child's own doses and due list, for the guardian.
    let doses = app
        .get_as(
            &parent.token,
            &format!("/v1/citizens/{here_a}/immunizations"),
        )
        .await
        .unwrap();
    doses.expect(200);
    assert_eq!(doses.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(doses.json["items"][0]["body"]["data"]["product"], "penta");
    let due = app
        .get_as(
            &parent.token,
            &format!("/v1/citizens/{here_a}/immunizations/due"),
        )
        .await
        .unwrap();
    due.expect(200);
    assert_eq!(due.json["date"], local_today().to_string());
    let diphtheria = due.json["antigens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["antigen"] == "diphtheria")
        .expect("a diphtheria line")
        .clone();
    assert_eq!(
        diphtheria["standing"]["standing"], "too_early",
        "{diphtheria}"
    );
    assert_eq!(diphtheria["doses_counted"], 1);

    // Due for the 5-in-1 in Kim Liên: only the child without a dose. Polio is due for both.
    let list = |query: &str| {
        let path = format!("/v1/facilities/{fid}/due-list?{query}");
        let token = vaccinator.token.clone();
        let app = &app;
        async move {
            let reply = app.get_as(&token, &path).await.unwrap();
            reply.expect(200);
            reply.json
        }
    };
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["citizen_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let penta = list("vaccine=penta").await;
    assert_eq!(ids(&penta), vec![here_b.clone()], "{penta}");
    assert!(penta["items"][0]["national_id"].is_null());
    let first = list("vaccine=opv&limit=1").await;
    let mut everyone = ids(&first);
    let next = first["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    let second = list(&format!("vaccine=opv&limit=1&cursor={next}")).await;
    assert!(second["next_cursor"].is_null(), "{second}");
    everyone.extend(ids(&second));
    everyone.sort();
    let mut expected = vec![here_a.clone(), here_b.clone()];
    expected.sort();
    assert_eq!(
        everyone, expected,
        "the other commune's child and the 17-year-old are not listed"
    );
    assert!(ids(&list("age_from_months=12").await).is_empty());
    assert_eq!(ids(&list("status=overdue&vaccine=bcg").await).len(), 2);

    // A session's targets: its vaccines in its commune.
    let measles = create_session(&app, &admin, &fid, &session_body(&day(3), 5, &["mr"])).await;
    let targets = app
        .get_as(
            &vaccinator.token,
            &format!(
                "/v1/vaccination-sessions/{}/targets",
                measles["id"].as_str().unwrap()
            ),
        )
        .await
        .unwrap();
    targets.expect(200);
    assert!(
        ids(&targets.json).is_empty(),
        "too young for MR: {}",
        targets.text
    );

    // One line per listing that showed the person (penta: B; opv: A then B; age: none;
    // overdue BCG: both), each naming the outreach; none for the child elsewhere.
    let log_a = log_of(&app, &parent, &here_a).await;
    let log_b = log_of(&app, &parent, &here_b).await;
    assert_eq!(outreach_lines(&log_a), 2, "{log_a:?}");
    assert_eq!(outreach_lines(&log_b), 3, "{log_b:?}");
    assert_eq!(outreach_lines(&log_of(&app, &parent, &elsewhere).await), 0);
    let line = log_a.iter().find(|l| l["basis"] == "outreach").unwrap();
    assert_eq!(line["actor_role"], "vaccinator");
    assert_eq!(line["facility_id"], fid.as_str());
    assert_eq!(line["sections"], json!(["immunizations"]));
}

/// The standing of `antigen` in `cid`'s due list, as `parent` reads it.
async fn standing_of(app: &TestApp, parent: &Session, cid: &str, antigen: &str) -> Value {
    let due = app
        .get_as(
            &parent.token,
            &format!("/v1/citizens/{cid}/immunizations/due"),
        )
        .await
        .unwrap();
    due.expect(200);
    due.json["antigens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["antigen"] == antigen)
        .map(|line| line["standing"].clone())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_province_that_has_not_started_rotavirus_takes_it_off_its_childrens_lists_and_registrations()
 {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let fid = facility_by_code(&app, "kim lien").await;
    let (admin, _) = app.staff("facility_admin", Some(KIM_LIEN)).await.unwrap();
    let (ha_noi, _) = app.authority("01").await.unwrap();
    let (sai_gon, _) = app.authority("79").await.unwrap();
    let (parent, _) = app.citizen_with_passkey("parent").await.unwrap();
    let baby = child(&app, &parent, "Phạm Gia Bảo", 70).await;
    lives_in(&app, &parent, &baby, KIM_LIEN_COMMUNE).await;
    let path = "/v1/provinces/01/programme-rollout";

    // Nobody recorded anything: the national programme, rotavirus included.
    let national = app.get(path).await.unwrap();
    national.expect(200);
    assert_eq!(national.json["records"], json!([]));
    assert_eq!(
        national.json["offered"],
        json!(["rotavirus", "pneumococcal"])
    );
    assert_eq!(
        standing_of(&app, &parent, &baby, "rotavirus").await["standing"],
        "due"
    );

    let not_started = json!({ "records": [{ "antigen": "rotavirus", "offered_from": null }] });
    for (who, status) in [(&sai_gon, 403), (&parent, 403), (&admin, 403)] {
        let refused = app
            .call(Method::PUT, path, Some(&who.token), Some(&not_started))
            .await
            .unwrap();
        assert_eq!(refused.status.as_u16(), status, "{}", refused.text);
    }
    let measles = json!({ "records": [{ "antigen": "measles", "offered_from": null }] });
    let refused = app
        .call(Method::PUT, path, Some(&ha_noi.token), Some(&measles))
        .await
        .unwrap();
    assert_eq!(refused.status.as_u16(), 422, "{}", refused.text);
    assert!(
        refused.text.contains("not_a_roadmap_antigen"),
        "{}",
        refused.text
    );
    assert_eq!(app.get(path).await.unwrap().json["records"], json!([]));

    let recorded = app
        .call(Method::PUT, path, Some(&ha_noi.token), Some(&not_started))
        .await
        .unwrap();
    recorded.expect(200);
    assert_eq!(recorded.json["offered"], json!(["pneumococcal"]));
    assert_eq!(
        standing_of(&app, &parent, &baby, "rotavirus").await["standing"],
        "not_applicable"
    );
    assert_eq!(
        standing_of(&app, &parent, &baby, "pneumococcal").await["standing"],
        "due"
    );

    // Registration reads the same answer.
    let date = (local_today() + Duration::days(3)).to_string();
    let session = create_session(&app, &admin, &fid, &session_body(&date, 5, &["rota"])).await;
    let sid = session["id"].as_str().unwrap();
    let refused = register(&app, &parent.token, sid, &register_body(&baby, "rota")).await;
    assert_eq!(refused.status.as_u16(), 409, "{}", refused.text);
    assert!(
        refused.text.contains("not_offered_in_province"),
        "{}",
        refused.text
    );

    // A start date today puts it back.
    let started = json!({ "records": [{ "antigen": "rotavirus", "offered_from": local_today() }] });
    app.call(Method::PUT, path, Some(&ha_noi.token), Some(&started))
        .await
        .unwrap()
        .expect(200);
    assert_eq!(
        standing_of(&app, &parent, &baby, "rotavirus").await["standing"],
        "due"
    );
    register(&app, &parent.token, sid, &register_body(&baby, "rota"))
        .await
        .expect(201);

    assert_eq!(
        app.get("/v1/provinces/00226/programme-rollout")
            .await
            .unwrap()
            .status
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn every_vaccination_route_with_an_id_answers_a_caller_who_must_not_see_it_as_an_unknown_id()
{
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let fid = facility_by_code(&app, "kim lien").await;
    let (admin, _) = app.staff("facility_admin", Some(KIM_LIEN)).await.unwrap();
    let (other_admin, _) = app
        .staff("facility_admin", Some(NHI_TRUNG_UONG))
        .await
        .unwrap();
    let (other_vaccinator, _) = app.staff("vaccinator", Some(NHI_TRUNG_UONG)).await.unwrap();
    let (parent, _) = app.citizen_with_passkey("parent").await.unwrap();
    let (stranger, _) = app.citizen_with_passkey("stranger").await.unwrap();
    let kid = child(&app, &parent, "Phạm Thu Hà", 70).await;
    let session = create_session(&app, &admin, &fid, &session_body(&day(2), 5, &["opv"])).await;
    let sid = session["id"].as_str().unwrap().to_owned();
    let unknown = Uuid::now_v7().to_string();

    let same = |a: &healthbook_tests::Reply, b: &healthbook_tests::Reply, what: &str| {
        assert_eq!(a.status, b.status, "{what}: {} vs {}", a.text, b.text);
        assert_eq!(a.json, b.json, "{what}");
    };

    for (who, token) in [
        ("another citizen", &stranger.token),
        ("another facility's vaccinator", &other_vaccinator.token),
    ] {
        for rest in ["immunizations", "immunizations/due"] {
            let foreign = app
                .get_as(token, &format!("/v1/citizens/{kid}/{rest}"))
                .await
                .unwrap();
            let missing = app
                .get_as(token, &format!("/v1/citizens/{unknown}/{rest}"))
                .await
                .unwrap();
            foreign.expect_problem(404, "not_found");
            same(&foreign, &missing, &format!("{who} on {rest}"));
        }
    }

    // Registering someone else's child, or anyone for a session that does not exist.
    let foreign = register(&app, &stranger.token, &sid, &register_body(&kid, "opv")).await;
    let missing = register(&app, &stranger.token, &sid, &register_body(&unknown, "opv")).await;
    foreign.expect_problem(404, "not_found");
    same(&foreign, &missing, "registering another's child");
    let nowhere = register(&app, &parent.token, &unknown, &register_body(&kid, "opv")).await;
    nowhere.expect_problem(404, "not_found");

    // Another facility's vaccinator: a session's targets as for a session that does not
    // exist; the due list and the session's cancellation as for a facility that does not.
    let foreign = app
        .get_as(
            &other_vaccinator.token,
            &format!("/v1/vaccination-sessions/{sid}/targets"),
        )
        .await
        .unwrap();
    let missing = app
        .get_as(
            &other_vaccinator.token,
            &format!("/v1/vaccination-sessions/{unknown}/targets"),
        )
        .await
        .unwrap();
    foreign.expect_problem(404, "not_found");
    same(&foreign, &missing, "a session's targets");
    let foreign = app
        .get_as(
            &other_vaccinator.token,
            &format!("/v1/facilities/{fid}/due-list"),
        )
        .await
        .unwrap();
    let missing = app
        .get_as(
            &other_vaccinator.token,
            &format!("/v1/facilities/{unknown}/due-list"),
        )
        .await
        .unwrap();
    foreign.expect_problem(403, "forbidden");
    same(&foreign, &missing, "the due list");
    let citizen_list = app
        .get_as(&parent.token, &format!("/v1/facilities/{fid}/due-list"))
        .await
        .unwrap();
    citizen_list.expect_problem(403, "forbidden");
    let foreign = app
        .post_as(
            &other_admin.token,
            &format!("/v1/facilities/{fid}/vaccination-sessions/{sid}/cancel"),
            &json!({}),
        )
        .await
        .unwrap();
    let missing = app
        .post_as(
            &other_admin.token,
            &format!("/v1/facilities/{unknown}/vaccination-sessions/{sid}/cancel"),
            &json!({}),
        )
        .await
        .unwrap();
    foreign.expect_problem(403, "forbidden");
    same(&foreign, &missing, "cancelling another facility's session");
    // The right administrator, the wrong facility's session id: as an unknown one.
    let other_fid = facility(&app, "nhi trung").await;
    let other_session = create_session(
        &app,
        &other_admin,
        &other_fid,
        &session_body(&day(2), 5, &["opv"]),
    )
    .await;
    let foreign = app
        .post_as(
            &admin.token,
            &format!(
                "/v1/facilities/{fid}/vaccination-sessions/{}/cancel",
                other_session["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await
        .unwrap();
    let missing = app
        .post_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/vaccination-sessions/{unknown}/cancel"),
            &json!({}),
        )
        .await
        .unwrap();
    foreign.expect_problem(404, "not_found");
    same(&foreign, &missing, "a session of another facility");
    assert!(
        session_now(
            &app,
            &other_fid,
            other_session["id"].as_str().unwrap(),
            &day(2)
        )
        .await["cancelled_at"]
            .is_null()
    );
}

/// A commune of a few hundred residents (children and adults, half of the children with a
/// dose), inserted directly: the list pages through them in citizen-id order without a skip
/// or a repeat, the filters split it, adults the schedule no longer follows are never
/// listed, and each person listed gets exactly one access-log line per listing. How fast it
/// is at a commune's real size is the due-list engine's bench's question, not this test's.
#[tokio::test]
async fn the_due_list_pages_a_commune_in_order_filters_it_and_logs_each_person_listed_once() {
    use healthbook_server::auth::entities::citizen;
    use healthbook_server::book::entities::{access_log, book_entry, residence};
    use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    use std::collections::HashMap;

    const RESIDENTS: usize = 300;
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let fid = facility_by_code(&app, "kim lien").await;
    let (vaccinator, _) = app.staff("vaccinator", Some(KIM_LIEN)).await.unwrap();
    let db = app.database().await.unwrap();
    let at = now();
    let today = local_today();
    let born = |i: usize| {
        today
            - Duration::days(if i.is_multiple_of(4) {
                40 + (i * 7 % 700) as i64
            } else {
                9_000 + (i % 9_000) as i64
            })
    };
    let ids: Vec<Uuid> = (0..RESIDENTS).map(|_| Uuid::now_v7()).collect();
    citizen::Entity::insert_many(ids.iter().enumerate().map(|(i, id)| citizen::ActiveModel {
        id: Set(*id),
        account_id: Set(None),
        national_id: Set(format!("{:012}", id.as_u128() % 1_000_000_000_000)),
        full_name: Set(format!("Cư dân {i}")),
        date_of_birth: Set(born(i)),
        sex: Set(if i % 2 == 0 { "female" } else { "male" }.to_owned()),
        verification: Set("unverified".to_owned()),
        verified_at: Set(None),
        verified_by: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    }))
    .exec_without_returning(&db)
    .await
    .unwrap();
    residence::Entity::insert_many(ids.iter().map(|id| residence::ActiveModel {
        citizen_id: Set(*id),
        commune_code: Set(KIM_LIEN_COMMUNE.to_owned()),
    }))
    .exec_without_returning(&db)
    .await
    .unwrap();
    let doses: Vec<book_entry::ActiveModel> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i.is_multiple_of(8))
        .map(|(i, id)| {
            let body = json!({ "kind": "immunization", "data": {
                "product": "bcg", "antigens": ["tuberculosis"], "dose_number": 1,
                "administered_on": born(i) + Duration::days(1), "lot": null,
                "facility_id": null, "site": null, "route": null, "note": null,
            }});
            book_entry::ActiveModel {
                id: Set(Uuid::now_v7()),
                entry_id: Set(Uuid::now_v7()),
                version: Set(1),
                citizen_id: Set(*id),
                kind: Set("immunization".to_owned()),
                section: Set("immunizations".to_owned()),
                status: Set("recorded".to_owned()),
                category: Set(None),
                body: Set(body.to_string()),
                reason: Set(None),
                self_reported: Set(false),
                source: Set("staff".to_owned()),
                author_role: Set("vaccinator".to_owned()),
                author_account_id: Set(None),
                author_name: Set(None),
                facility_id: Set(None),
                recorded_at: Set(at),
            }
        })
        .collect();
    book_entry::Entity::insert_many(doses)
        .exec_without_returning(&db)
        .await
        .unwrap();

    // Every page of a listing, followed to its end: (citizen id, age in months) in order.
    let all_pages = async |query: &str| -> Vec<(Uuid, u64)> {
        let mut listed = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(next) => format!("/v1/facilities/{fid}/due-list?{query}&cursor={next}"),
                None => format!("/v1/facilities/{fid}/due-list?{query}"),
            };
            let page = app.get_as(&vaccinator.token, &path).await.unwrap();
            page.expect(200);
            let items = page.json["items"].as_array().unwrap();
            assert!(items.len() <= 40, "{query}: a page over its limit");
            listed.extend(items.iter().map(|i| {
                (
                    i["citizen_id"].as_str().unwrap().parse::<Uuid>().unwrap(),
                    i["age_months"].as_u64().unwrap(),
                )
            }));
            match page.json["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return listed,
            }
        }
    };

    let due = all_pages("vaccine=penta&limit=40").await;
    assert!(due.len() > 40, "more than one page: {}", due.len());
    assert!(
        due.windows(2).all(|w| w[0].0 < w[1].0),
        "in citizen-id order, none twice"
    );
    let children: Vec<Uuid> = ids.iter().step_by(4).copied().collect();
    assert!(
        due.iter().all(|(id, _)| children.contains(id)),
        "an adult the schedule no longer follows was listed"
    );

    // One line per person listed, for this one listing; none for anyone else.
    let lines = access_log::Entity::find()
        .filter(access_log::Column::Basis.eq("outreach"))
        .filter(access_log::Column::CitizenId.is_in(ids.clone()))
        .all(&db)
        .await
        .unwrap();
    let mut per_person: HashMap<Uuid, usize> = HashMap::new();
    for line in &lines {
        *per_person.entry(line.citizen_id).or_default() += 1;
    }
    assert_eq!(per_person.len(), due.len());
    assert!(due.iter().all(|(id, _)| per_person.get(id) == Some(&1)));

    // The age band splits the list: under a year and a year or older make the whole.
    let young = all_pages("vaccine=penta&limit=40&age_to_months=11").await;
    let older = all_pages("vaccine=penta&limit=40&age_from_months=12").await;
    assert!(young.iter().all(|(_, months)| *months <= 11));
    assert!(older.iter().all(|(_, months)| *months >= 12));
    assert!(!young.is_empty() && !older.is_empty());
    let mut both: Vec<Uuid> = young.iter().chain(&older).map(|(id, _)| *id).collect();
    both.sort();
    assert_eq!(both, due.iter().map(|(id, _)| *id).collect::<Vec<_>>());

    // A vaccine nobody here is due for: every resident read, nobody listed.
    assert!(all_pages("vaccine=hpv_service&limit=40").await.is_empty());
}

/// A citizen registering themself (not a dependent): the appointment is their own, and their
/// own read of their doses leaves no access-log line.
#[tokio::test]
async fn a_citizen_registers_themself_for_a_session() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let (admin, _) = app.staff("facility_admin", Some(KIM_LIEN)).await.unwrap();
    let fid = facility_by_code(&app, "kim lien").await;
    let date = day(2);
    let session = create_session(&app, &admin, &fid, &session_body(&date, 2, &["hepa"])).await;
    let sid = session["id"].as_str().unwrap().to_owned();
    let (adult, _) = app.citizen_with_passkey("adult").await.unwrap();
    let cid = adult.citizen_id.clone().unwrap();

    let registered = register(
        &app,
        &adult.token,
        &sid,
        &json!({ "vaccine": "hepa", "product": "Twinrix" }),
    )
    .await;
    registered.expect(201);
    assert_eq!(registered.json["citizen_id"], cid.as_str());
    assert_eq!(registered.json["vaccine"], "hepa");
    assert_eq!(registered.json["service"], "vaccination");
    let mine = app.get_as(&adult.token, "/v1/appointments").await.unwrap();
    let items = mine.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", mine.text);
    assert_eq!(items[0]["id"], registered.json["id"]);
    assert_eq!(session_now(&app, &fid, &sid, &date).await["remaining"], 3);
    assert!(log_of(&app, &adult, &cid).await.is_empty());
}

/// Feedback names a session of the facility it is about, or none: another facility's session
/// is the 404 of one that does not exist, and nothing is written.
#[tokio::test]
async fn feedback_on_another_facilitys_session_is_refused_and_writes_nothing() {
    use healthbook_server::vaccination::entities::feedback;
    use sea_orm::EntityTrait;
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let fid = facility_by_code(&app, "kim lien").await;
    let other_fid = facility(&app, "nhi trung").await;
    let (admin, _) = app.staff("facility_admin", Some(KIM_LIEN)).await.unwrap();
    let (other_admin, _) = app
        .staff("facility_admin", Some(NHI_TRUNG_UONG))
        .await
        .unwrap();
    let here = create_session(&app, &admin, &fid, &session_body(&day(2), 5, &["opv"])).await;
    let there = create_session(
        &app,
        &other_admin,
        &other_fid,
        &session_body(&day(2), 5, &["opv"]),
    )
    .await;
    let (parent, _) = app.citizen_with_passkey("parent").await.unwrap();
    let path = format!("/v1/facilities/{fid}/feedback");
    let about = |sid: &Value| json!({ "session_id": sid["id"], "rating": 5, "text": "Buổi tiêm gọn gàng, đúng giờ." });

    let foreign = app
        .post_as(&parent.token, &path, &about(&there))
        .await
        .unwrap();
    let missing = app
        .post_as(
            &parent.token,
            &path,
            &about(&json!({ "id": Uuid::now_v7() })),
        )
        .await
        .unwrap();
    foreign.expect_problem(404, "not_found");
    assert_eq!(foreign.json, missing.json);
    let db = app.database().await.unwrap();
    assert!(feedback::Entity::find().all(&db).await.unwrap().is_empty());
    app.post_as(&parent.token, &path, &about(&here))
        .await
        .unwrap()
        .expect(201);
    assert_eq!(feedback::Entity::find().all(&db).await.unwrap().len(), 1);
}

/// Books whose section I was written before the residents' index existed: their citizens are
/// missing from the due lists until the backfill fills the index in from section I; a second
/// run finds nothing left to do.
#[tokio::test]
async fn residents_whose_section_i_predates_the_index_are_backfilled_once_and_then_listed() {
    use healthbook_server::book::entities::residence;
    use healthbook_server::book::residences::backfill;
    use sea_orm::EntityTrait;
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let fid = facility_by_code(&app, "kim lien").await;
    let (vaccinator, _) = app.staff("vaccinator", Some(KIM_LIEN)).await.unwrap();
    let (parent, _) = app.citizen_with_passkey("parent").await.unwrap();
    let before_index = child(&app, &parent, "Trần Gia Cũ", 70).await;
    let after_index = child(&app, &parent, "Trần Gia Mới", 75).await;
    let moved_away = child(&app, &parent, "Trần Gia Xa", 70).await;
    lives_in(&app, &parent, &before_index, KIM_LIEN_COMMUNE).await;
    lives_in(&app, &parent, &after_index, KIM_LIEN_COMMUNE).await;
    lives_in(&app, &parent, &moved_away, NHI_COMMUNE).await;
    let db = app.database().await.unwrap();
    for cid in [&before_index, &moved_away] {
        residence::Entity::delete_by_id(cid.parse::<Uuid>().unwrap())
            .exec(&db)
            .await
            .unwrap();
    }
    let listed = async || -> Vec<String> {
        let page = app
            .get_as(
                &vaccinator.token,
                &format!("/v1/facilities/{fid}/due-list?vaccine=opv&limit=100"),
            )
            .await
            .unwrap();
        page.expect(200);
        page.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["citizen_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let now_listed = listed().await;
    assert!(now_listed.contains(&after_index));
    assert!(!now_listed.contains(&before_index), "no row, not found");

    let written = backfill(&db).await.unwrap();
    assert!(written >= 2, "both books filled in: {written}");
    let now_listed = listed().await;
    assert!(now_listed.contains(&before_index));
    assert!(!now_listed.contains(&moved_away));
    let commune_of = async |cid: &str| {
        residence::Entity::find_by_id(cid.parse::<Uuid>().unwrap())
            .one(&db)
            .await
            .unwrap()
            .map(|r| r.commune_code)
    };
    assert_eq!(commune_of(&moved_away).await.as_deref(), Some(NHI_COMMUNE));
    assert_eq!(
        commune_of(&after_index).await.as_deref(),
        Some(KIM_LIEN_COMMUNE),
        "a row kept in step by section I is left as it is"
    );
    assert_eq!(backfill(&db).await.unwrap(), 0, "nothing left to do");
}
