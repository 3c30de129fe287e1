//! Doses end to end: a dose given by appointment code takes its lot's dose, lands in the book
//! with its provenance and proposes the next one by mail; every bad dose of the list
//! is refused with its code and writes nothing; a retried dose is answered once; corrections
//! and error marks are new versions; a serious reaction alerts, waits on the follow-up list
//! and stops the next dose; a cluster quarantines its lot; every route with an id refuses a
//! caller who must not see it; feedback reaches the facility's administrators.

use crate::booking_support::*;
use chrono::{Duration, NaiveDate};
use futures::future::join_all;
use healthbook_server::book::entities::book_entry;
use healthbook_server::mail::Outbox;
use healthbook_server::vaccination::entities::{immunization, reaction};
use healthbook_server::vaccination::stock::entities::{balance, lot, movement};
use healthbook_tests::people::Session;
use healthbook_tests::{Reply, TestApp};
use reqwest::Method;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const XANH_PON: &str = "01818";

/// A deployment with Bạch Mai's administrator, a slot two days ahead, a lot of Twinrix in
/// Bạch Mai's fridge, and a process of the same deployment whose clock is in that slot,
/// where a vaccinator of Bạch Mai works.
struct Campaign {
    app: TestApp,
    day: TestApp,
    /// Bạch Mai's administrator signed in on the day.
    admin: Session,
    /// The administrator who set the campaign up, signed in today.
    first_admin: Session,
    vaccinator: Session,
    fid: String,
    slot: Value,
    lot: String,
    db: DatabaseConnection,
}

fn date(offset: i64) -> String {
    (local_today() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

async fn receive(
    app: &TestApp,
    token: &str,
    fid: &str,
    (vaccine, product, number): (&str, &str, &str),
    doses: i64,
    expires_on: &str,
) -> String {
    let reply = app
        .post_as(
            token,
            &format!("/v1/facilities/{fid}/stock"),
            &json!({
                "kind": "receipt",
                "doses": doses,
                "lot": {
                    "vaccine": vaccine,
                    "product": product,
                    "manufacturer": "GSK",
                    "lot_number": number,
                    "expires_on": expires_on,
                    "doses_per_vial": 1,
                    "vvm_stage": 1,
                },
                "reason": "Phiếu nhập kho 2026/77",
            }),
        )
        .await
        .unwrap();
    reply.expect(201);
    reply.json["movements"][0]["lot_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn campaign() -> Campaign {
    let (app, admin, fid) = app_with_admin().await;
    create_schedule(
        &app,
        &admin,
        &fid,
        &daily_slot(30, "endocrinology", &day(2)),
    )
    .await;
    let slot = daily_slot_on(&app, &fid, "endocrinology", &day(2)).await;
    let lot = receive(
        &app,
        &admin.token,
        &fid,
        ("hepa", "Twinrix", "TWX-0001"),
        10,
        &date(400),
    )
    .await;
    let day = process_at(&app, instant(&slot["starts_at"]) + Duration::minutes(10)).await;
    let (vaccinator, _) = day.staff("vaccinator", Some(BACH_MAI)).await.unwrap();
    // Staff sessions idle out in 30 minutes: the day's administrator signs in on the day.
    let first_admin = admin;
    let (admin, _) = day.staff("facility_admin", Some(BACH_MAI)).await.unwrap();
    let db = app.database().await.unwrap();
    Campaign {
        app,
        day,
        admin,
        first_admin,
        vaccinator,
        fid,
        slot,
        lot,
        db,
    }
}

impl Campaign {
    /// A citizen with a passkey session and an appointment in the campaign's slot.
    async fn patient(&self, tag: &str) -> (Session, Value) {
        let (patient, _) = self.app.citizen_with_passkey(tag).await.unwrap();
        let booked = book(&self.app, &patient.token, &self.slot).await;
        booked.expect(201);
        (patient, booked.json)
    }

    async fn give(&self, token: &str, key: &str, body: &Value) -> Reply {
        Reply::from(
            self.day
                .request(Method::POST, "/v1/immunizations")
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
        .unwrap()
    }

    async fn balance(&self, lot: &str) -> i64 {
        balance::Entity::find()
            .filter(balance::Column::LotId.eq(lot.parse::<Uuid>().unwrap()))
            .all(&self.db)
            .await
            .unwrap()
            .iter()
            .map(|b| b.doses)
            .sum()
    }

    /// What a dose writes for `cid`: its rows, its book entries, the ledger's `used` rows.
    async fn written(&self, cid: &str) -> (usize, usize, usize) {
        let cid: Uuid = cid.parse().unwrap();
        let doses = immunization::Entity::find()
            .filter(immunization::Column::CitizenId.eq(cid))
            .all(&self.db)
            .await
            .unwrap();
        let entries = book_entry::Entity::find()
            .filter(book_entry::Column::CitizenId.eq(cid))
            .filter(book_entry::Column::Kind.eq("immunization"))
            .all(&self.db)
            .await
            .unwrap()
            .len();
        let ids: Vec<Uuid> = doses.iter().map(|d| d.id).collect();
        let used = movement::Entity::find()
            .filter(movement::Column::ImmunizationId.is_in(ids))
            .all(&self.db)
            .await
            .unwrap()
            .len();
        (doses.len(), entries, used)
    }

    async fn mails_to(&self, email: &str) -> Vec<String> {
        Outbox::find()
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.recipient == email)
            .map(|m| m.subject)
            .collect()
    }
}

fn adult_screening(temperature_tenths: u32, yes: &[&str]) -> Value {
    let items = [
        "acute_illness",
        "previous_severe_reaction",
        "immunodeficiency",
        "unstable_chronic_disease",
    ];
    json!({
        "group": "adult",
        "temperature_tenths": temperature_tenths,
        "answers": items.iter().map(|i| json!({"item": i, "yes": yes.contains(i)})).collect::<Vec<_>>(),
    })
}

/// Who a dose is for: the appointment whose QR code was scanned, or a citizen by id.
enum Who<'a> {
    Appointment(&'a Value),
    Citizen(&'a str),
}

/// The body of `POST /v1/immunizations`, written once: a test names who, which vaccine and
/// lot, and the screening, and changes any other field with [`with`].
fn dose_body(
    who: Who,
    (vaccine, product): (&str, Option<&str>),
    lot: &str,
    screening: Value,
) -> Value {
    let mut body = json!({
        "vaccine": vaccine,
        "lot_id": lot,
        "site": "left_deltoid",
        "route": "intramuscular",
        "programme": "service",
        "screening": screening,
    });
    match who {
        Who::Appointment(appointment) => body["appointment_code"] = appointment["code"].clone(),
        Who::Citizen(cid) => body["citizen_id"] = json!(cid),
    }
    if let Some(product) = product {
        body["product"] = json!(product);
    }
    body
}

/// An adult's Twinrix dose from `lot`, for the appointment, with a screening that lets it
/// through.
fn dose(appointment: &Value, lot: &str) -> Value {
    dose_body(
        Who::Appointment(appointment),
        ("hepa", Some("Twinrix")),
        lot,
        adult_screening(366, &[]),
    )
}

fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

#[tokio::test]
async fn a_dose_takes_its_lots_dose_lands_in_the_book_and_proposes_the_next_once() {
    let c = campaign().await;
    let (patient, appointment) = c.patient("dose").await;
    let cid = patient.citizen_id.clone().unwrap();
    assert_eq!(c.balance(&c.lot).await, 10);

    let given = c
        .give(
            &c.vaccinator.token,
            "dose-0001",
            &dose(&appointment, &c.lot),
        )
        .await;
    given.expect(201);
    let answer = &given.json;
    assert_eq!(answer["dose"]["citizen_id"], cid.as_str());
    assert_eq!(answer["dose"]["facility_id"], c.fid.as_str());
    assert_eq!(answer["dose"]["dose_number"], 1);
    assert_eq!(answer["dose"]["screening"]["outcome"], "eligible");
    assert_eq!(answer["dose"]["appointment_id"], appointment["id"]);
    assert_eq!(c.balance(&c.lot).await, 9, "one dose out of the fridge");
    assert_eq!(c.written(&cid).await, (1, 1, 1));

    // The next dose of Twinrix's adult course, a month on at the earliest.
    let given_on: NaiveDate = answer["dose"]["given_on"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let next = &answer["next"];
    assert_eq!(next["dose_number"], 2, "{answer}");
    let earliest: NaiveDate = next["earliest"].as_str().unwrap().parse().unwrap();
    assert!(earliest >= given_on + Duration::days(28), "{next}");
    let subjects = c.mails_to(&patient.email).await;
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("mũi 2") || s.contains("dose 2")),
        "{subjects:?}"
    );

    // Giving the dose attended the appointment.
    let aid = appointment["id"].as_str().unwrap();
    let seen = c
        .day
        .get_as(&patient.token, &format!("/v1/appointments/{aid}"))
        .await
        .unwrap();
    assert_eq!(seen.json["status"], "checked_in");

    // In the citizen's book at once, with its provenance.
    let book = c
        .day
        .get_as(&patient.token, &format!("/v1/citizens/{cid}/book"))
        .await
        .unwrap();
    book.expect(200);
    let entries: Vec<&Value> = book.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["body"]["kind"] == "immunization")
        .collect();
    assert_eq!(entries.len(), 1, "{}", book.text);
    let entry = entries[0];
    assert_eq!(entry["entry_id"], answer["dose"]["book_entry_id"]);
    assert_eq!(entry["provenance"]["author_role"], "vaccinator");
    assert_eq!(entry["provenance"]["source"], "staff");
    assert_eq!(entry["provenance"]["facility_id"], c.fid.as_str());
    assert_eq!(entry["body"]["data"]["trade_name"], "Twinrix");
    assert_eq!(entry["body"]["data"]["lot"], c.lot.as_str());

    // The offline queue replays the same request: the same answer, nothing done twice.
    let replay = c
        .give(
            &c.vaccinator.token,
            "dose-0001",
            &dose(&appointment, &c.lot),
        )
        .await;
    replay.expect(201);
    assert_eq!(replay.json, given.json);
    assert_eq!(c.balance(&c.lot).await, 9);
    assert_eq!(c.written(&cid).await, (1, 1, 1));

    // The same dose recorded again under a new key is a duplicate: nothing written.
    c.give(
        &c.vaccinator.token,
        "dose-0002",
        &dose(&appointment, &c.lot),
    )
    .await
    .expect_problem(409, "duplicate_dose");
    assert_eq!(c.balance(&c.lot).await, 9);
    assert_eq!(c.written(&cid).await, (1, 1, 1));

    // A correction is a new version with its reason; the error mark frees the dose's key.
    let iid = answer["dose"]["id"].as_str().unwrap();
    let corrected = c
        .day
        .post_as(
            &c.vaccinator.token,
            &format!("/v1/immunizations/{iid}/corrections"),
            &json!({"base_version": 1, "site": "right_deltoid", "reason": "Tiêm tay phải, ghi nhầm tay trái"}),
        )
        .await
        .unwrap();
    corrected.expect(200);
    assert_eq!(corrected.json["entry"]["version"], 2);
    assert_eq!(corrected.json["entry"]["status"], "corrected");
    assert_eq!(corrected.json["dose"]["site"], "right_deltoid");
    let withdrawn = c
        .day
        .post_as(
            &c.vaccinator.token,
            &format!("/v1/immunizations/{iid}/entered-in-error"),
            &json!({"base_version": 2, "reason": "Ghi nhầm người được tiêm"}),
        )
        .await
        .unwrap();
    withdrawn.expect(200);
    assert_eq!(withdrawn.json["dose"]["status"], "entered_in_error");
    assert_eq!(
        c.balance(&c.lot).await,
        9,
        "a withdrawn dose stays out of stock"
    );
    c.give(
        &c.vaccinator.token,
        "dose-0003",
        &dose(&appointment, &c.lot),
    )
    .await
    .expect(201);
    assert_eq!(c.balance(&c.lot).await, 8);
    let log = c
        .day
        .get_as(
            &patient.token,
            &format!("/v1/citizens/{cid}/access-log?limit=100"),
        )
        .await
        .unwrap();
    let writes = log.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["action"] == "write")
        .count();
    assert_eq!(
        writes, 4,
        "each dose, correction and mark is logged: {}",
        log.text
    );
}

#[tokio::test]
async fn every_bad_dose_is_refused_with_its_code_and_writes_nothing() {
    let c = campaign().await;
    let (patient, appointment) = c.patient("bad").await;
    let (_, other_visit) = c.patient("other").await;
    let cid = patient.citizen_id.clone().unwrap();
    let (xanh_pon_admin, _) = c.app.staff("facility_admin", Some(XANH_PON)).await.unwrap();
    let xanh_pon = facility(&c.app, "xanh pon").await;
    let elsewhere = receive(
        &c.app,
        &xanh_pon_admin.token,
        &xanh_pon,
        ("hepa", "Twinrix", "TWX-XP"),
        5,
        &date(400),
    )
    .await;
    // Valid when received, expired on the campaign's day.
    let expiring = receive(
        &c.app,
        &c.first_admin.token,
        &c.fid,
        ("hepa", "Twinrix", "TWX-OLD"),
        5,
        &date(1),
    )
    .await;
    let single = receive(
        &c.app,
        &c.first_admin.token,
        &c.fid,
        ("hepa", "Twinrix", "TWX-ONE"),
        1,
        &date(400),
    )
    .await;
    c.give(&c.vaccinator.token, "other-1", &dose(&other_visit, &single))
        .await
        .expect(201);
    let flu = receive(
        &c.app,
        &c.first_admin.token,
        &c.fid,
        ("flu", "Vaxigrip Tetra", "VXG-1"),
        5,
        &date(400),
    )
    .await;

    let good = dose(&appointment, &c.lot);
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "another facility's lot",
            with(good.clone(), "lot_id", json!(elsewhere)),
            404,
            "lot_not_found",
        ),
        (
            "an expired lot",
            with(good.clone(), "lot_id", json!(expiring)),
            409,
            "lot_expired",
        ),
        (
            "no doses left",
            with(good.clone(), "lot_id", json!(single)),
            409,
            "lot_exhausted",
        ),
        (
            "a lot of another vaccine",
            with(good.clone(), "lot_id", json!(flu)),
            409,
            "lot_other_vaccine",
        ),
        (
            "an unknown product",
            with(good.clone(), "product", json!("Hepavax-Nope")),
            422,
            "validation_failed",
        ),
        (
            "an unknown vaccine",
            with(good.clone(), "vaccine", json!("smallpox")),
            422,
            "validation_failed",
        ),
        (
            // The campaign's day is `date(2)`.
            "a day further back than a late recording goes",
            with(good.clone(), "given_on", json!(date(2 - 8))),
            422,
            "validation_failed",
        ),
        (
            "a day ahead",
            with(good.clone(), "given_on", json!(date(3))),
            422,
            "validation_failed",
        ),
        (
            "a day the appointment is not on",
            with(good.clone(), "given_on", json!(date(1))),
            404,
            "not_found",
        ),
        (
            "a screening that contraindicates",
            with(
                good.clone(),
                "screening",
                adult_screening(366, &["previous_severe_reaction"]),
            ),
            409,
            "screening_contraindicates",
        ),
        (
            "a fever",
            with(good.clone(), "screening", adult_screening(381, &[])),
            409,
            "screening_postpones",
        ),
        (
            "an unstable chronic disease",
            with(
                good.clone(),
                "screening",
                adult_screening(366, &["unstable_chronic_disease"]),
            ),
            409,
            "screening_refers",
        ),
        (
            "an incomplete screening",
            with(
                good.clone(),
                "screening",
                json!({"group": "adult", "temperature_tenths": 366, "answers": []}),
            ),
            422,
            "validation_failed",
        ),
        (
            "a dose number the schedule does not count",
            with(good.clone(), "dose_number", json!(2)),
            409,
            "dose_number_mismatch",
        ),
        (
            "a mistyped appointment code",
            with(good.clone(), "appointment_code", json!("AAAABBBBCCCCDDDD")),
            422,
            "validation_failed",
        ),
    ];
    for (i, (what, body, status, code)) in cases.into_iter().enumerate() {
        let reply = c
            .give(&c.vaccinator.token, &format!("bad-{i}"), &body)
            .await;
        assert_eq!(reply.status.as_u16(), status, "{what}: {}", reply.text);
        assert_eq!(reply.code(), code, "{what}: {}", reply.text);
        assert_eq!(c.written(&cid).await, (0, 0, 0), "{what} wrote something");
        assert_eq!(c.balance(&c.lot).await, 10, "{what} took a dose");
        assert_eq!(c.balance(&expiring).await, 5, "{what}");
        assert_eq!(c.balance(&elsewhere).await, 5, "{what}");
        assert_eq!(c.balance(&flu).await, 5, "{what}");
    }
    // The unknown product is named.
    let unknown = c
        .give(
            &c.vaccinator.token,
            "bad-product",
            &with(good.clone(), "product", json!("Hepavax-Nope")),
        )
        .await;
    assert_eq!(
        unknown.json["errors"][0]["code"], "unknown_product",
        "{}",
        unknown.text
    );
    // Without a key the offline queue could not replay it.
    let keyless = c
        .day
        .post_as(&c.vaccinator.token, "/v1/immunizations", &good)
        .await
        .unwrap();
    keyless.expect_problem(422, "validation_failed");
    assert_eq!(c.written(&cid).await, (0, 0, 0));
    // The dose itself was fine all along.
    c.give(&c.vaccinator.token, "good-1", &good)
        .await
        .expect(201);
    assert_eq!(c.written(&cid).await, (1, 1, 1));
}

async fn report(app: &TestApp, token: &str, iid: &str, body: &Value) -> Reply {
    app.post_as(token, &format!("/v1/immunizations/{iid}/reactions"), body)
        .await
        .unwrap()
}

fn serious_reaction(onset: &Value) -> Value {
    json!({
        "onset_on": onset,
        "symptoms": ["high_fever", "difficulty_breathing"],
        "severity": "severe",
        "serious": {"hospitalised": true},
    })
}

#[tokio::test]
async fn a_serious_reaction_alerts_waits_for_follow_up_and_stops_the_next_dose() {
    let c = campaign().await;
    let (patient, appointment) = c.patient("aefi").await;
    let (stranger, _) = c.app.citizen_with_passkey("stranger").await.unwrap();
    let given = c
        .give(&c.vaccinator.token, "aefi-1", &dose(&appointment, &c.lot))
        .await;
    given.expect(201);
    let iid = given.json["dose"]["id"].as_str().unwrap().to_owned();
    // What the citizen's phone holds: the dose's entry in section III.
    let entry = given.json["dose"]["book_entry_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let onset = given.json["dose"]["given_on"].clone();

    // Someone else's dose: the answer of a dose that does not exist, nothing written.
    for id in [&iid, &entry] {
        report(&c.day, &stranger.token, id, &serious_reaction(&onset))
            .await
            .expect_problem(404, "not_found");
    }
    report(
        &c.day,
        &stranger.token,
        &Uuid::now_v7().to_string(),
        &serious_reaction(&onset),
    )
    .await
    .expect_problem(404, "not_found");
    assert!(
        reaction::Entity::find()
            .all(&c.db)
            .await
            .unwrap()
            .is_empty()
    );
    // An unknown symptom code is named.
    let unknown = report(
        &c.day,
        &patient.token,
        &iid,
        &json!({"onset_on": onset, "symptoms": ["sneezing"], "severity": "mild"}),
    )
    .await;
    unknown.expect_problem(422, "validation_failed");
    assert_eq!(unknown.json["errors"][0]["field"], "symptoms[0]");

    let reported = report(&c.day, &patient.token, &entry, &serious_reaction(&onset)).await;
    reported.expect(201);
    assert_eq!(reported.json["serious"], true);
    assert_eq!(reported.json["reporter_role"], "citizen");

    // The facility's administrator is told at once, and finds it on the follow-up list.
    let subjects = c.mails_to(&c.admin.email).await;
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("Phản ứng nặng") || s.contains("Serious reaction")),
        "{subjects:?}"
    );
    let open = c
        .day
        .get_as(
            &c.admin.token,
            &format!("/v1/facilities/{}/reactions?status=open", c.fid),
        )
        .await
        .unwrap();
    open.expect(200);
    assert_eq!(
        open.json["items"].as_array().unwrap().len(),
        1,
        "{}",
        open.text
    );
    assert_eq!(open.json["items"][0]["id"], reported.json["id"]);
    assert!(
        open.json["items"][0].get("citizen_id").is_none(),
        "the event, not the person"
    );
    let by_lot = c
        .day
        .get_as(
            &c.admin.token,
            &format!("/v1/facilities/{}/reactions/by-lot", c.fid),
        )
        .await
        .unwrap();
    by_lot.expect(200);
    assert_eq!(by_lot.json[0]["lot_id"], c.lot.as_str());
    assert_eq!(by_lot.json[0]["serious"], 1);
    assert_eq!(by_lot.json[0]["cluster"], false);

    // The engine now contraindicates further hepatitis A doses, whatever the product.
    let another_product = with(dose(&appointment, &c.lot), "product", json!("Avaxim"));
    c.give(&c.vaccinator.token, "aefi-2", &another_product)
        .await
        .expect_problem(409, "dose_contraindicated");
    assert_eq!(c.balance(&c.lot).await, 9);
}

#[tokio::test]
async fn a_cluster_of_serious_reactions_quarantines_the_lot() {
    let c = campaign().await;
    let crowd = crowd(&c.app, 3, "cluster").await;
    let mut doses = Vec::new();
    for (i, person) in crowd.iter().enumerate() {
        let booked = book(&c.app, &person.token, &c.slot).await;
        booked.expect(201);
        let given = c
            .give(
                &c.vaccinator.token,
                &format!("cluster-{i}"),
                &dose(&booked.json, &c.lot),
            )
            .await;
        given.expect(201);
        doses.push(given.json["dose"].clone());
    }
    let lot_id: Uuid = c.lot.parse().unwrap();
    let quarantined = async || {
        lot::Entity::find_by_id(lot_id)
            .one(&c.db)
            .await
            .unwrap()
            .unwrap()
            .quarantined_at
            .is_some()
    };
    for (i, given) in doses.iter().enumerate() {
        assert!(!quarantined().await, "quarantined after {i} reactions");
        // Staff of the facility that gave the dose report it.
        let reported = report(
            &c.day,
            &c.vaccinator.token,
            given["id"].as_str().unwrap(),
            &serious_reaction(&given["given_on"]),
        )
        .await;
        reported.expect(201);
        assert_eq!(reported.json["reporter_role"], "vaccinator");
    }
    assert!(
        quarantined().await,
        "three serious reactions within 30 days"
    );
    let by_lot = c
        .day
        .get_as(
            &c.admin.token,
            &format!("/v1/facilities/{}/reactions/by-lot", c.fid),
        )
        .await
        .unwrap();
    assert_eq!(by_lot.json[0]["serious"], 3);
    assert_eq!(by_lot.json[0]["cluster"], true);
    // The lot may not be used until it is reviewed.
    let (_, appointment) = c.patient("after").await;
    c.give(&c.vaccinator.token, "after-1", &dose(&appointment, &c.lot))
        .await
        .expect_problem(409, "lot_quarantined");
}

#[tokio::test]
async fn every_dose_route_refuses_a_caller_who_must_not_see_it() {
    let c = campaign().await;
    let (patient, appointment) = c.patient("owner").await;
    let given = c
        .give(&c.vaccinator.token, "probe-1", &dose(&appointment, &c.lot))
        .await;
    given.expect(201);
    let iid = given.json["dose"]["id"].as_str().unwrap().to_owned();
    let onset = given.json["dose"]["given_on"].clone();
    let (stranger, _) = c.app.citizen_with_passkey("nosy").await.unwrap();
    let (elsewhere, _) = c.day.staff("vaccinator", Some(XANH_PON)).await.unwrap();
    let (elsewhere_admin, _) = c.day.staff("facility_admin", Some(XANH_PON)).await.unwrap();
    let unknown = Uuid::now_v7().to_string();

    let correction = json!({"base_version": 1, "site": "thigh", "reason": "Ghi lại vị trí tiêm"});
    let mark = json!({"base_version": 1, "reason": "Ghi nhầm người được tiêm"});
    for who in [&stranger, &elsewhere, &patient] {
        for id in [&iid, &unknown] {
            c.day
                .post_as(
                    &who.token,
                    &format!("/v1/immunizations/{id}/corrections"),
                    &correction,
                )
                .await
                .unwrap()
                .expect_problem(404, "not_found");
            c.day
                .post_as(
                    &who.token,
                    &format!("/v1/immunizations/{id}/entered-in-error"),
                    &mark,
                )
                .await
                .unwrap()
                .expect_problem(404, "not_found");
        }
    }
    for who in [&stranger, &elsewhere] {
        report(&c.day, &who.token, &iid, &serious_reaction(&onset))
            .await
            .expect_problem(404, "not_found");
    }
    // A dose for a citizen the vaccinator has no care relationship with.
    let foreign = dose_body(
        Who::Citizen(stranger.citizen_id.as_deref().unwrap()),
        ("hepa", Some("Twinrix")),
        &c.lot,
        adult_screening(366, &[]),
    );
    c.give(&c.vaccinator.token, "probe-2", &foreign)
        .await
        .expect_problem(404, "not_found");
    // The appointment QR scanned at another facility.
    c.give(&elsewhere.token, "probe-3", &dose(&appointment, &c.lot))
        .await
        .expect_problem(404, "not_found");
    assert!(
        reaction::Entity::find()
            .all(&c.db)
            .await
            .unwrap()
            .is_empty()
    );
    let rows = immunization::Entity::find().all(&c.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].site, "left_deltoid");
    assert_eq!(rows[0].status, "recorded");

    for path in ["reactions?status=open", "reactions/by-lot", "feedback"] {
        let path = format!("/v1/facilities/{}/{path}", c.fid);
        for who in [&stranger, &elsewhere_admin, &patient] {
            let reply = c.day.get_as(&who.token, &path).await.unwrap();
            assert_eq!(reply.status.as_u16(), 403, "{path}: {}", reply.text);
        }
    }
}

#[tokio::test]
async fn citizens_send_feedback_that_the_facility_administrators_read() {
    let c = campaign().await;
    let (patient, appointment) = c.patient("voice").await;
    let path = format!("/v1/facilities/{}/feedback", c.fid);
    let sent = c
        .day
        .post_as(
            &patient.token,
            &path,
            &json!({"appointment_id": appointment["id"], "rating": 4, "text": "Chờ hơi lâu nhưng nhân viên tận tình."}),
        )
        .await
        .unwrap();
    sent.expect(201);
    for bad in [
        json!({"rating": 0, "text": "x"}),
        json!({"rating": 6, "text": "x"}),
        json!({"rating": 3, "text": ""}),
    ] {
        c.day
            .post_as(&patient.token, &path, &bad)
            .await
            .unwrap()
            .expect_problem(422, "validation_failed");
    }
    // Another citizen's appointment is not theirs to comment on.
    let (stranger, _) = c.app.citizen_with_passkey("nosy").await.unwrap();
    c.day
        .post_as(
            &stranger.token,
            &path,
            &json!({"appointment_id": appointment["id"], "rating": 1, "text": "…"}),
        )
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    let listed = c.day.get_as(&c.admin.token, &path).await.unwrap();
    listed.expect(200);
    let items = listed.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", listed.text);
    assert_eq!(items[0]["rating"], 4);
    assert_eq!(items[0]["id"], sent.json["id"]);
}

#[tokio::test]
async fn the_screening_checklist_of_each_group_names_its_sources() {
    let app = TestApp::spawn().await.unwrap();
    let children = app.get("/v1/vaccines/screening?group=child").await.unwrap();
    children.expect(200);
    let items = children.json.as_array().unwrap();
    assert!(items.iter().any(|i| i["item"] == "temperature"));
    assert!(
        items
            .iter()
            .all(|i| i["source"].as_str().is_some_and(|s| !s.is_empty()))
    );
    assert!(items.iter().all(|i| i["verified"].is_boolean()));
    app.get("/v1/vaccines/screening?group=elderly")
        .await
        .unwrap()
        .expect_problem(422, "validation_failed");
}

#[tokio::test]
async fn a_killed_process_loses_no_acknowledged_dose_and_no_decrement_lacks_its_dose() {
    let mut c = campaign().await;
    let people = crowd(&c.app, 24, "campaign").await;
    let mut bodies = Vec::new();
    for person in &people {
        let booked = book(&c.app, &person.token, &c.slot).await;
        booked.expect(201);
        bodies.push(dose(&booked.json, &c.lot));
    }
    let lot = receive(
        &c.app,
        &c.first_admin.token,
        &c.fid,
        ("hepa", "Twinrix", "TWX-CAMPAIGN"),
        40,
        &date(400),
    )
    .await;
    let url = c.day.url("/v1/immunizations");
    let client = reqwest::Client::new();
    let token = c.vaccinator.token.clone();
    let posts = bodies.into_iter().enumerate().map(|(i, body)| {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        let body = with(body, "lot_id", json!(lot));
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(10 * i as u64)).await;
            let sent = client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", format!("campaign-{i}"))
                .json(&body)
                .send()
                .await;
            match sent {
                Ok(response) => Reply::from(response).await.ok(),
                Err(_) => None,
            }
        }
    });
    let day = &mut c.day;
    let (answers, stopped) = tokio::join!(join_all(posts), async {
        tokio::time::sleep(std::time::Duration::from_millis(120)).await;
        day.terminate().await
    });
    stopped.unwrap();
    let acknowledged: Vec<Value> = answers
        .into_iter()
        .flatten()
        .filter(|reply| reply.status.as_u16() == 201)
        .map(|reply| reply.json["dose"].clone())
        .collect();
    assert!(
        !acknowledged.is_empty(),
        "the process stopped before any dose"
    );

    let lot_id: Uuid = lot.parse().unwrap();
    let doses = immunization::Entity::find()
        .filter(immunization::Column::LotId.eq(lot_id))
        .all(&c.db)
        .await
        .unwrap();
    let used = movement::Entity::find()
        .filter(movement::Column::LotId.eq(lot_id))
        .filter(movement::Column::Kind.eq("used"))
        .all(&c.db)
        .await
        .unwrap();
    let entries = book_entry::Entity::find()
        .filter(book_entry::Column::Kind.eq("immunization"))
        .all(&c.db)
        .await
        .unwrap();
    for given in &acknowledged {
        let id: Uuid = given["id"].as_str().unwrap().parse().unwrap();
        let row = doses.iter().find(|d| d.id == id);
        assert!(row.is_some(), "acknowledged dose {id} lost");
        let entry: Uuid = given["book_entry_id"].as_str().unwrap().parse().unwrap();
        assert!(
            entries.iter().any(|e| e.entry_id == entry),
            "dose {id} without its book entry"
        );
        assert!(
            used.iter().any(|u| u.immunization_id == Some(id)),
            "dose {id} without its decrement"
        );
    }
    for decrement in &used {
        assert!(
            doses
                .iter()
                .any(|d| Some(d.id) == decrement.immunization_id),
            "a decrement without its dose: {decrement:?}"
        );
    }
    assert_eq!(doses.len(), used.len());
    assert_eq!(
        c.balance(&lot).await,
        40 - i64::try_from(used.len()).unwrap()
    );
}

#[tokio::test]
async fn a_dose_too_early_for_a_babys_schedule_is_refused_and_writes_nothing() {
    let c = campaign().await;
    let parent = c.app.citizen("parent").await.unwrap();
    let born = local_today() - Duration::days(10);
    let added = c
        .app
        .post_as(
            &parent.token,
            "/v1/me/dependents",
            &json!({
                "national_id": healthbook_tests::people::national_id_for(born, true),
                "full_name": "Nguyễn Bảo An",
                "date_of_birth": born,
                "sex": "female",
            }),
        )
        .await
        .unwrap();
    added.expect(201);
    let baby = added.json["citizen"]["citizen_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let booked = c
        .app
        .post_as(
            &parent.token,
            "/v1/appointments",
            &json!({ "slot_id": c.slot["id"], "service": c.slot["service"], "citizen_id": baby }),
        )
        .await
        .unwrap();
    booked.expect(201);
    let penta = receive(
        &c.app,
        &c.first_admin.token,
        &c.fid,
        ("penta", "ComBE Five", "CB5-01"),
        10,
        &date(400),
    )
    .await;
    let items = [
        "acute_illness",
        "previous_severe_reaction",
        "organ_failure",
        "immunodeficiency",
        "low_birth_weight_hbsag",
        "preterm_hbsag",
        "unstable_congenital_disease",
    ];
    let screening = json!({
        "group": "newborn",
        "temperature_tenths": 368,
        "answers": items.iter().map(|i| json!({"item": i, "yes": false})).collect::<Vec<_>>(),
    });
    let body = with(
        with(
            dose_body(
                Who::Appointment(&booked.json),
                ("penta", None),
                &penta,
                screening,
            ),
            "site",
            json!("left_thigh"),
        ),
        "programme",
        json!("expanded"),
    );
    // The 5-in-1's first dose waits until six weeks of age (TT 52/2025, `penta_1`).
    c.give(&c.vaccinator.token, "baby-1", &body)
        .await
        .expect_problem(409, "dose_too_early");
    assert_eq!(c.written(&baby).await, (0, 0, 0));
    assert_eq!(c.balance(&penta).await, 10);
}

/// Two answers alike: a caller refused learns what a caller of an unknown id learns.
fn same(a: &Reply, b: &Reply, what: &str) {
    assert_eq!(a.status, b.status, "{what}: {} vs {}", a.text, b.text);
    assert_eq!(a.json, b.json, "{what}");
}

#[tokio::test]
async fn a_reactions_follow_up_is_closed_once_by_the_facility_or_its_authority_and_leaves_the_open_list()
 {
    use healthbook_server::auth::entities::auth_event;
    let c = campaign().await;
    let (patient, appointment) = c.patient("followed").await;
    let given = c
        .give(&c.vaccinator.token, "close-1", &dose(&appointment, &c.lot))
        .await;
    given.expect(201);
    let iid = given.json["dose"]["id"].as_str().unwrap().to_owned();
    let reported = report(
        &c.day,
        &patient.token,
        &iid,
        &serious_reaction(&given.json["dose"]["given_on"]),
    )
    .await;
    reported.expect(201);
    let rid = reported.json["id"].as_str().unwrap().to_owned();
    let (stranger, _) = c.app.citizen_with_passkey("nosy").await.unwrap();
    let (elsewhere_admin, _) = c.day.staff("facility_admin", Some(XANH_PON)).await.unwrap();
    let (saigon, _) = c.day.authority("79").await.unwrap();
    let (hanoi, _) = c.day.authority("01").await.unwrap();
    let close = |token: String, id: String, body: Value| {
        let day = &c.day;
        async move {
            day.post_as(&token, &format!("/v1/reactions/{id}/close"), &body)
                .await
                .unwrap()
        }
    };
    let finding =
        json!({"outcome": "recovered", "note": "Hồi phục hoàn toàn sau 3 ngày theo dõi tại nhà"});
    let unknown = Uuid::now_v7().to_string();

    // The citizen, another facility's administrator, another province's authority: as for
    // a report that does not exist, and nothing changes.
    for (who, token) in [
        ("the citizen", &patient.token),
        ("a stranger", &stranger.token),
        ("another facility's administrator", &elsewhere_admin.token),
        ("another province's authority", &saigon.token),
    ] {
        let foreign = close(token.clone(), rid.clone(), finding.clone()).await;
        let missing = close(token.clone(), unknown.clone(), finding.clone()).await;
        foreign.expect_problem(404, "not_found");
        same(&foreign, &missing, who);
    }
    // A note too short to say what was found.
    close(
        c.vaccinator.token.clone(),
        rid.clone(),
        json!({"outcome": "recovered", "note": "ok"}),
    )
    .await
    .expect_problem(422, "validation_failed");
    close(
        c.vaccinator.token.clone(),
        rid.clone(),
        json!({"outcome": "cured", "note": "Hồi phục hoàn toàn sau 3 ngày"}),
    )
    .await
    .expect_problem(422, "validation_failed");
    let row = reaction::Entity::find_by_id(rid.parse::<Uuid>().unwrap())
        .one(&c.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, "open");
    assert!(row.closed_at.is_none());

    // The province's authority closes it: off the open list, on the closed one, audited.
    let closed = close(hanoi.token.clone(), rid.clone(), finding.clone()).await;
    closed.expect(200);
    assert_eq!(closed.json["status"], "closed");
    assert_eq!(closed.json["outcome"], "recovered");
    assert!(closed.json["closed_at"].is_string());
    let listed = |status: &str| {
        let path = format!("/v1/facilities/{}/reactions?status={status}", c.fid);
        let (day, token) = (&c.day, c.admin.token.clone());
        async move {
            let reply = day.get_as(&token, &path).await.unwrap();
            reply.expect(200);
            reply.json["items"].as_array().unwrap().clone()
        }
    };
    assert!(listed("open").await.is_empty());
    let done = listed("closed").await;
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["id"], rid.as_str());
    assert_eq!(done[0]["outcome"], "recovered");
    let trail = auth_event::Entity::find()
        .filter(auth_event::Column::Kind.eq("reaction_follow_up_closed"))
        .all(&c.db)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(
        trail[0].account_id.map(|a| a.to_string()),
        Some(hanoi.account_id.clone())
    );
    assert!(trail[0].detail.as_deref().unwrap().contains(&rid));

    // Closed once: the facility's own staff cannot close it again.
    close(c.vaccinator.token.clone(), rid.clone(), finding.clone())
        .await
        .expect_problem(409, "follow_up_closed");
    // A closed report still stops the next dose: the reaction happened.
    c.give(
        &c.vaccinator.token,
        "close-2",
        &with(dose(&appointment, &c.lot), "product", json!("Avaxim")),
    )
    .await
    .expect_problem(409, "dose_contraindicated");
}

#[tokio::test]
async fn the_facility_administrator_answers_feedback_once_and_the_citizen_reads_it() {
    let c = campaign().await;
    let (patient, appointment) = c.patient("answered").await;
    let sent = c
        .day
        .post_as(
            &patient.token,
            &format!("/v1/facilities/{}/feedback", c.fid),
            &json!({"appointment_id": appointment["id"], "rating": 2, "text": "Phải chờ hơn một tiếng dù đã đặt lịch."}),
        )
        .await
        .unwrap();
    sent.expect(201);
    let id = sent.json["id"].as_str().unwrap().to_owned();
    let (stranger, _) = c.app.citizen_with_passkey("nosy").await.unwrap();
    let (elsewhere_admin, _) = c.day.staff("facility_admin", Some(XANH_PON)).await.unwrap();
    let answer = json!({"text": "Xin lỗi anh/chị; từ tuần sau cơ sở mở thêm một bàn tiêm."});
    let answering = |token: String, id: String, body: Value| {
        let day = &c.day;
        async move {
            day.post_as(
                &token,
                &format!("/v1/vaccination-feedback/{id}/answer"),
                &body,
            )
            .await
            .unwrap()
        }
    };
    let unknown = Uuid::now_v7().to_string();
    for (who, token) in [
        ("the citizen", &patient.token),
        ("a stranger", &stranger.token),
        ("another facility's administrator", &elsewhere_admin.token),
        ("the facility's vaccinator", &c.vaccinator.token),
    ] {
        let foreign = answering(token.clone(), id.clone(), answer.clone()).await;
        let missing = answering(token.clone(), unknown.clone(), answer.clone()).await;
        foreign.expect_problem(404, "not_found");
        same(&foreign, &missing, who);
    }
    answering(c.admin.token.clone(), id.clone(), json!({"text": "   "}))
        .await
        .expect_problem(422, "validation_failed");
    let mine = async || {
        let reply = c
            .day
            .get_as(&patient.token, "/v1/me/vaccination-feedback")
            .await
            .unwrap();
        reply.expect(200);
        reply.json["items"].as_array().unwrap().clone()
    };
    let before = mine().await;
    assert_eq!(before.len(), 1);
    assert!(before[0].get("answer").is_none(), "{before:?}");

    let answered = answering(c.admin.token.clone(), id.clone(), answer.clone()).await;
    answered.expect(200);
    assert_eq!(answered.json["answer"], answer["text"]);
    let after = mine().await;
    assert_eq!(after[0]["id"], id.as_str());
    assert_eq!(after[0]["answer"], answer["text"]);
    assert!(after[0]["answered_at"].is_string());
    let subjects = c.mails_to(&patient.email).await;
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("trả lời phản ánh") || s.contains("answered your feedback")),
        "{subjects:?}"
    );
    // Once: a second answer does not overwrite the first.
    answering(
        c.admin.token.clone(),
        id.clone(),
        json!({"text": "Một câu trả lời khác"}),
    )
    .await
    .expect_problem(409, "feedback_answered");
    assert_eq!(mine().await[0]["answer"], answer["text"]);
    // The administrators' list shows the answer too; staff have no feedback of their own.
    let listed = c
        .day
        .get_as(
            &c.admin.token,
            &format!("/v1/facilities/{}/feedback", c.fid),
        )
        .await
        .unwrap();
    assert_eq!(listed.json["items"][0]["answer"], answer["text"]);
    c.day
        .get_as(&c.admin.token, "/v1/me/vaccination-feedback")
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
}
