//! Vaccine stock: receipts, allocations and transfers balancing in one transaction, the
//! monthly report against the balances, bad input refused with nothing written, callers who
//! must not see a facility's stock, the ledger primitives the dose recording calls, and a
//! balance that never goes negative under a race of two processes.

use crate::booking_support::{BACH_MAI, facility, local_today};
use chrono::Duration;
use futures::future::join_all;
use healthbook_server::vaccination::stock::entities::{balance, lot, movement};
use healthbook_server::vaccination::stock::{quarantine_lot, take_dose};
use healthbook_tests::people::Session;
use healthbook_tests::{Reply, TestApp};
use reqwest::Method;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder,
    TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

const XANH_PON: &str = "01818"; // provincial, Hà Nội
const SOC_SON: &str = "01701"; // district centre, Hà Nội
const KIM_LIEN: &str = "01290"; // commune station, Hà Nội

struct Stock {
    app: TestApp,
    /// Administrator of Xanh Pôn.
    admin: Session,
    xanh_pon: String,
    soc_son: String,
    kim_lien: String,
    bach_mai: String,
}

async fn stock_app() -> Stock {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let (admin, _) = app.staff("facility_admin", Some(XANH_PON)).await.unwrap();
    let xanh_pon = facility(&app, "xanh pon").await;
    let soc_son = facility(&app, "soc son").await;
    let kim_lien = facility(&app, "kim lien").await;
    let bach_mai = facility(&app, "bach mai").await;
    Stock {
        app,
        admin,
        xanh_pon,
        soc_son,
        kim_lien,
        bach_mai,
    }
}

fn date(offset: i64) -> String {
    (local_today() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

fn new_lot(lot_number: &str, doses: i64) -> Value {
    json!({
        "kind": "receipt",
        "doses": doses,
        "lot": {
            "vaccine": "penta",
            "product": "ComBE Five",
            "manufacturer": "Biological E",
            "lot_number": lot_number,
            "expires_on": date(400),
            "doses_per_vial": 10,
            "vvm_stage": 1,
        },
        "reason": "Phiếu xuất kho 2026/118",
    })
}

async fn post_stock(app: &TestApp, token: &str, fid: &str, body: &Value) -> Reply {
    app.post_as(token, &format!("/v1/facilities/{fid}/stock"), body)
        .await
        .unwrap()
}

/// Receives `doses` of a new lot at the facility and returns its id.
async fn receive(app: &TestApp, token: &str, fid: &str, lot_number: &str, doses: i64) -> String {
    let reply = post_stock(app, token, fid, &new_lot(lot_number, doses)).await;
    reply.expect(201);
    reply.json["movements"][0]["lot_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The facility's balance of the lot as `GET …/stock` shows it (`None`: not held).
async fn shown_balance(app: &TestApp, token: &str, fid: &str, lot_id: &str) -> Option<i64> {
    let reply = app
        .get_as(token, &format!("/v1/facilities/{fid}/stock"))
        .await
        .unwrap();
    reply.expect(200);
    reply.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["lot_id"] == lot_id)
        .map(|item| item["doses"].as_i64().unwrap())
}

/// Every balance and every ledger row, to show that a refused request wrote nothing.
async fn everything(db: &DatabaseConnection) -> (Vec<balance::Model>, Vec<movement::Model>, usize) {
    let balances = balance::Entity::find()
        .order_by_asc(balance::Column::FacilityId)
        .order_by_asc(balance::Column::LotId)
        .all(db)
        .await
        .unwrap();
    let ledger = movement::Entity::find()
        .order_by_asc(movement::Column::Id)
        .all(db)
        .await
        .unwrap();
    let lots = lot::Entity::find().all(db).await.unwrap().len();
    (balances, ledger, lots)
}

/// Each balance equals the sum of its ledger rows, and none is negative.
async fn ledger_matches_balances(db: &DatabaseConnection) {
    let (balances, ledger, _) = everything(db).await;
    for held in &balances {
        let sum: i64 = ledger
            .iter()
            .filter(|row| row.facility_id == held.facility_id && row.lot_id == held.lot_id)
            .map(|row| row.doses)
            .sum();
        assert_eq!(sum, held.doses, "{held:?}");
        assert!(held.doses >= 0, "{held:?}");
    }
}

fn report_lot<'a>(report: &'a Value, lot_id: &str) -> &'a Value {
    report["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["lot_id"] == lot_id)
        .unwrap_or_else(|| panic!("no line of {lot_id}: {report}"))
}

async fn report(app: &TestApp, token: &str, fid: &str) -> Value {
    let month = local_today().format("%Y-%m").to_string();
    let reply = app
        .get_as(
            token,
            &format!("/v1/facilities/{fid}/stock/report?month={month}"),
        )
        .await
        .unwrap();
    reply.expect(200);
    assert_eq!(reply.json["month"], month);
    reply.json
}

#[tokio::test]
async fn receipts_allocations_and_transfers_balance_and_the_month_closes_on_the_balances() {
    let s = stock_app().await;
    let app = &s.app;
    let (soc_son_admin, _) = app.staff("facility_admin", Some(SOC_SON)).await.unwrap();
    let (kim_lien_vaccinator, _) = app.staff("vaccinator", Some(KIM_LIEN)).await.unwrap();
    let (kim_lien_admin, _) = app.staff("facility_admin", Some(KIM_LIEN)).await.unwrap();
    let lot_id = receive(app, &s.admin.token, &s.xanh_pon, "PB-2611", 100).await;

    // Province → district centre → commune station, each one level down.
    let allocated = post_stock(
        app,
        &s.admin.token,
        &s.xanh_pon,
        &json!({ "kind": "allocation", "lot_id": lot_id, "doses": 40, "to_facility_id": s.soc_son }),
    )
    .await;
    allocated.expect(201);
    let halves = allocated.json["movements"].as_array().unwrap();
    assert_eq!(halves.len(), 2);
    assert_eq!(halves[0]["kind"], "allocation_out");
    assert_eq!(halves[0]["doses"], -40);
    assert_eq!(halves[0]["counterpart_facility_id"], s.soc_son.as_str());
    assert_eq!(halves[1]["kind"], "allocation_in");
    assert_eq!(halves[1]["facility_id"], s.soc_son.as_str());
    assert_eq!(halves[1]["doses"], 40);
    assert_eq!(halves[1]["recorded_by"], s.admin.account_id.as_str());
    post_stock(
        app,
        &soc_son_admin.token,
        &s.soc_son,
        &json!({ "kind": "allocation", "lot_id": lot_id, "doses": 15, "to_facility_id": s.kim_lien }),
    )
    .await
    .expect(201);
    // The rest of an opened ten-dose vial, at the station.
    post_stock(
        app,
        &kim_lien_vaccinator.token,
        &s.kim_lien,
        &json!({ "kind": "wastage", "lot_id": lot_id, "doses": 2, "wastage_cause": "opened_vial" }),
    )
    .await
    .expect(201);
    post_stock(
        app,
        &s.admin.token,
        &s.xanh_pon,
        &json!({ "kind": "write_off", "lot_id": lot_id, "doses": 5, "write_off_cause": "damaged", "reason": "Lọ vỡ khi vận chuyển" }),
    )
    .await
    .expect(201);
    // A transfer between peers, retried with its key: moved once.
    let transfer =
        json!({ "kind": "transfer", "lot_id": lot_id, "doses": 10, "to_facility_id": s.bach_mai });
    let mut answers = Vec::new();
    for _ in 0..2 {
        let reply = app
            .request(
                Method::POST,
                &format!("/v1/facilities/{}/stock", s.xanh_pon),
            )
            .bearer_auth(&s.admin.token)
            .header("Idempotency-Key", "stock-transfer-once")
            .json(&transfer)
            .send()
            .await
            .unwrap();
        let reply = Reply::from(reply).await.unwrap();
        reply.expect(201);
        answers.push(reply.json);
    }
    assert_eq!(answers[0], answers[1]);

    let (bach_mai_admin, _) = app.staff("facility_admin", Some(BACH_MAI)).await.unwrap();
    assert_eq!(
        shown_balance(app, &s.admin.token, &s.xanh_pon, &lot_id).await,
        Some(45)
    );
    assert_eq!(
        shown_balance(app, &soc_son_admin.token, &s.soc_son, &lot_id).await,
        Some(25)
    );
    assert_eq!(
        shown_balance(app, &kim_lien_vaccinator.token, &s.kim_lien, &lot_id).await,
        Some(13)
    );
    assert_eq!(
        shown_balance(app, &bach_mai_admin.token, &s.bach_mai, &lot_id).await,
        Some(10)
    );
    let db = app.database().await.unwrap();
    ledger_matches_balances(&db).await;

    // The month's figures balance, and the current month closes on the balance table.
    let province = report(app, &s.admin.token, &s.xanh_pon).await;
    let line = report_lot(&province, &lot_id);
    assert_eq!(
        [
            &line["opening"],
            &line["received"],
            &line["transferred_in"],
            &line["transferred_out"],
            &line["used"],
            &line["wasted"],
            &line["written_off"],
            &line["closing"],
        ],
        [0, 100, 0, 50, 0, 0, 5, 45].map(|n| json!(n)).each_ref()
    );
    assert_eq!(province["vaccines"][0]["vaccine"], "penta");
    assert_eq!(province["vaccines"][0]["closing"], 45);
    let station = report(app, &kim_lien_admin.token, &s.kim_lien).await;
    let line = report_lot(&station, &lot_id);
    assert_eq!(line["received"], 15);
    assert_eq!(line["wasted"], 2);
    assert_eq!(line["closing"], 13);
    for (token, fid) in [
        (&s.admin.token, &s.xanh_pon),
        (&soc_son_admin.token, &s.soc_son),
        (&kim_lien_admin.token, &s.kim_lien),
        (&bach_mai_admin.token, &s.bach_mai),
    ] {
        let month = report(app, token, fid).await;
        let line = report_lot(&month, &lot_id);
        let f = |k: &str| line[k].as_i64().unwrap();
        assert_eq!(
            f("opening") + f("received") + f("transferred_in")
                - f("transferred_out")
                - f("used")
                - f("wasted")
                - f("written_off"),
            f("closing")
        );
        assert_eq!(
            Some(f("closing")),
            shown_balance(app, token, fid, &lot_id).await
        );
    }
    // Next month opens on this month's closing and has nothing else yet.
    let next = (local_today() + Duration::days(32))
        .format("%Y-%m")
        .to_string();
    let later = app
        .get_as(
            &s.admin.token,
            &format!("/v1/facilities/{}/stock/report?month={next}", s.xanh_pon),
        )
        .await
        .unwrap();
    later.expect(200);
    let line = report_lot(&later.json, &lot_id);
    assert_eq!(line["opening"], 45);
    assert_eq!(line["closing"], 45);
    app.get_as(
        &s.admin.token,
        &format!("/v1/facilities/{}/stock/report?month=2026-13", s.xanh_pon),
    )
    .await
    .unwrap()
    .expect_problem(422, "validation_failed");
}

#[tokio::test]
async fn bad_movements_are_refused_with_their_code_and_write_nothing() {
    let s = stock_app().await;
    let app = &s.app;
    let (soc_son_admin, _) = app.staff("facility_admin", Some(SOC_SON)).await.unwrap();
    let lot_id = receive(app, &s.admin.token, &s.xanh_pon, "PB-0001", 10).await;
    let elsewhere = receive(app, &soc_son_admin.token, &s.soc_son, "PB-0002", 10).await;
    // An expired lot held at the province (a receipt refuses expired lots, so it is written
    // as if it had expired while held).
    let db = app.database().await.unwrap();
    let expired = Uuid::now_v7();
    let t = chrono::DateTime::UNIX_EPOCH;
    lot::Entity::insert(lot::ActiveModel {
        id: Set(expired),
        vaccine: Set("penta".to_owned()),
        product: Set("ComBE Five".to_owned()),
        manufacturer: Set("Biological E".to_owned()),
        lot_number: Set("PB-OLD".to_owned()),
        expires_on: Set(local_today() - Duration::days(1)),
        doses_per_vial: Set(10),
        vvm_stage: Set(1),
        quarantined_at: Set(None),
        quarantine_reason: Set(None),
        quarantined_by: Set(None),
        created_at: Set(t),
    })
    .exec_without_returning(&db)
    .await
    .unwrap();
    balance::Entity::insert(balance::ActiveModel {
        facility_id: Set(s.xanh_pon.parse().unwrap()),
        lot_id: Set(expired),
        doses: Set(0),
        updated_at: Set(t),
    })
    .exec_without_returning(&db)
    .await
    .unwrap();
    post_stock(
        app,
        &s.admin.token,
        &s.xanh_pon,
        &json!({ "kind": "receipt", "lot_id": expired, "doses": 5 }),
    )
    .await
    .expect_problem(409, "lot_expired");
    let mut single = new_lot("PB-SINGLE", 5);
    single["lot"]["doses_per_vial"] = json!(1);
    let single = receive_body(app, &s.admin.token, &s.xanh_pon, &single).await;
    let (vaccinator, _) = app.staff("vaccinator", Some(XANH_PON)).await.unwrap();
    let cho_ray = facility(app, "cho ray").await;
    let before = everything(&db).await;

    let unknown = Uuid::now_v7().to_string();
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({ "kind": "wastage", "lot_id": unknown, "doses": 1, "wastage_cause": "damaged" }),
            404,
            "lot_not_found",
        ),
        (
            json!({ "kind": "wastage", "lot_id": elsewhere, "doses": 1, "wastage_cause": "damaged" }),
            404,
            "lot_not_found",
        ),
        (
            json!({ "kind": "transfer", "lot_id": elsewhere, "doses": 1, "to_facility_id": s.bach_mai }),
            404,
            "lot_not_found",
        ),
        (
            json!({ "kind": "wastage", "lot_id": lot_id, "doses": 0, "wastage_cause": "damaged" }),
            422,
            "validation_failed",
        ),
        (
            json!({ "kind": "write_off", "lot_id": lot_id, "doses": -3, "write_off_cause": "expired" }),
            422,
            "validation_failed",
        ),
        (
            json!({ "kind": "transfer", "lot_id": lot_id, "doses": 1, "to_facility_id": s.xanh_pon }),
            422,
            "validation_failed",
        ),
        (
            json!({ "kind": "transfer", "lot_id": lot_id, "doses": 1, "to_facility_id": Uuid::now_v7() }),
            422,
            "validation_failed",
        ),
        (
            json!({ "kind": "transfer", "lot_id": expired, "doses": 1, "to_facility_id": s.bach_mai }),
            409,
            "lot_expired",
        ),
        (
            json!({ "kind": "allocation", "lot_id": expired, "doses": 1, "to_facility_id": s.soc_son }),
            409,
            "lot_expired",
        ),
        (
            json!({ "kind": "transfer", "lot_id": lot_id, "doses": 11, "to_facility_id": s.bach_mai }),
            409,
            "lot_exhausted",
        ),
        (
            json!({ "kind": "wastage", "lot_id": lot_id, "doses": 11, "wastage_cause": "damaged" }),
            409,
            "lot_exhausted",
        ),
        // Allocations go one level down within the province.
        (
            json!({ "kind": "allocation", "lot_id": lot_id, "doses": 1, "to_facility_id": s.kim_lien }),
            422,
            "validation_failed",
        ),
        (
            json!({ "kind": "allocation", "lot_id": lot_id, "doses": 1, "to_facility_id": cho_ray }),
            422,
            "validation_failed",
        ),
        // A single-dose vial is never left over opened.
        (
            json!({ "kind": "wastage", "lot_id": single, "doses": 1, "wastage_cause": "opened_vial" }),
            422,
            "validation_failed",
        ),
        // A known lot number with other details is not the same lot.
        (
            {
                let mut differs = new_lot("PB-0001", 5);
                differs["lot"]["expires_on"] = json!(date(500));
                differs
            },
            409,
            "lot_details_differ",
        ),
    ];
    for (body, status, code) in &cases {
        let reply = post_stock(app, &s.admin.token, &s.xanh_pon, body).await;
        reply.expect_problem(*status, code);
        assert_eq!(everything(&db).await, before, "{body} wrote something");
    }
    let reply = post_stock(app, &vaccinator.token, &s.xanh_pon, &cases[13].0).await;
    assert_eq!(reply.json["errors"][0]["code"], "opened_vial_too_many");
    // Another facility's lot answers exactly as an unknown one.
    let foreign = post_stock(app, &s.admin.token, &s.xanh_pon, &cases[1].0).await;
    let missing = post_stock(app, &s.admin.token, &s.xanh_pon, &cases[0].0).await;
    assert_eq!(foreign.text, missing.text);
    assert_eq!(everything(&db).await, before);

    // A cold-chain incident quarantines the lot everywhere: no transfer until a release.
    let incident = post_stock(
        app,
        &vaccinator.token,
        &s.xanh_pon,
        &json!({ "kind": "incident", "lot_ids": [lot_id], "reason": "Tủ lạnh mất điện 7 giờ, 14 °C" }),
    )
    .await;
    incident.expect(201);
    assert_eq!(incident.json["movements"][0]["kind"], "quarantine");
    let quarantined = everything(&db).await;
    post_stock(
        app,
        &s.admin.token,
        &s.xanh_pon,
        &json!({ "kind": "transfer", "lot_id": lot_id, "doses": 1, "to_facility_id": s.bach_mai }),
    )
    .await
    .expect_problem(409, "lot_quarantined");
    assert_eq!(everything(&db).await, quarantined);
    // Only an administrator releases; a release of a lot not quarantined is refused.
    post_stock(
        app,
        &vaccinator.token,
        &s.xanh_pon,
        &json!({ "kind": "release", "lot_id": lot_id, "reason": "VVM giai đoạn 1, kiểm định đạt" }),
    )
    .await
    .expect_problem(403, "forbidden");
    let release =
        json!({ "kind": "release", "lot_id": lot_id, "reason": "VVM giai đoạn 1, kiểm định đạt" });
    post_stock(app, &s.admin.token, &s.xanh_pon, &release)
        .await
        .expect(201);
    post_stock(app, &s.admin.token, &s.xanh_pon, &release)
        .await
        .expect_problem(409, "lot_not_quarantined");
    post_stock(
        app,
        &s.admin.token,
        &s.xanh_pon,
        &json!({ "kind": "transfer", "lot_id": lot_id, "doses": 1, "to_facility_id": s.bach_mai }),
    )
    .await
    .expect(201);
    ledger_matches_balances(&db).await;
}

async fn receive_body(app: &TestApp, token: &str, fid: &str, body: &Value) -> String {
    let reply = post_stock(app, token, fid, body).await;
    reply.expect(201);
    reply.json["movements"][0]["lot_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn callers_who_must_not_see_a_facilitys_stock_are_refused_on_every_route() {
    let s = stock_app().await;
    let app = &s.app;
    let lot_id = receive(app, &s.admin.token, &s.xanh_pon, "PB-0100", 10).await;
    let citizen = app.citizen("curious").await.unwrap();
    let (other_admin, _) = app.staff("facility_admin", Some(SOC_SON)).await.unwrap();
    let (other_vaccinator, _) = app.staff("vaccinator", Some(KIM_LIEN)).await.unwrap();
    let db = app.database().await.unwrap();
    let before = everything(&db).await;
    let wastage =
        json!({ "kind": "wastage", "lot_id": lot_id, "doses": 1, "wastage_cause": "damaged" });
    let receipt = new_lot("PB-0101", 10);
    for (who, token) in [
        ("citizen", &citizen.token),
        ("another facility's admin", &other_admin.token),
        ("another facility's vaccinator", &other_vaccinator.token),
    ] {
        for fid in [&s.xanh_pon, &Uuid::now_v7().to_string()] {
            for path in [
                format!("/v1/facilities/{fid}/stock"),
                format!("/v1/facilities/{fid}/stock/report"),
            ] {
                let reply = app.get_as(token, &path).await.unwrap();
                assert_eq!(reply.status, 403, "{who} {path}: {}", reply.text);
            }
            for body in [&wastage, &receipt] {
                let reply = post_stock(app, token, fid, body).await;
                assert_eq!(reply.status, 403, "{who}: {}", reply.text);
            }
        }
    }
    // The facility's own vaccinator reads and wastes, but does not receive.
    let (vaccinator, _) = app.staff("vaccinator", Some(XANH_PON)).await.unwrap();
    post_stock(app, &vaccinator.token, &s.xanh_pon, &receipt)
        .await
        .expect_problem(403, "forbidden");
    assert_eq!(everything(&db).await, before);
    assert_eq!(
        shown_balance(app, &vaccinator.token, &s.xanh_pon, &lot_id).await,
        Some(10)
    );
}

#[tokio::test]
async fn take_dose_uses_a_usable_lot_of_the_facility_once_per_dose() {
    let s = stock_app().await;
    let app = &s.app;
    let (soc_son_admin, _) = app.staff("facility_admin", Some(SOC_SON)).await.unwrap();
    let lot_id: Uuid = receive(app, &s.admin.token, &s.xanh_pon, "PB-0200", 2)
        .await
        .parse()
        .unwrap();
    let elsewhere: Uuid = receive(app, &soc_son_admin.token, &s.soc_son, "PB-0201", 2)
        .await
        .parse()
        .unwrap();
    let fid: Uuid = s.xanh_pon.parse().unwrap();
    let by: Uuid = s.admin.account_id.parse().unwrap();
    let db = app.database().await.unwrap();
    let now = crate::booking_support::now();
    let today = local_today();
    let code = |result: Result<_, healthbook_server::error::ApiError>| match result {
        Ok(_) => "ok".to_owned(),
        Err(error) => format!("{} {}", error.status.as_u16(), error.code),
    };

    let txn = db.begin().await.unwrap();
    let used = take_dose(&txn, fid, lot_id, today, Uuid::now_v7(), by, now)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(used.lot_number, "PB-0200");
    assert_eq!(used.vaccine, "penta");
    assert_eq!(used.product, "ComBE Five");

    for (lot, on, expected) in [
        (Uuid::now_v7(), today, "404 lot_not_found"),
        (elsewhere, today, "404 lot_not_found"),
        (lot_id, today + Duration::days(401), "409 lot_expired"),
    ] {
        let before = everything(&db).await;
        let txn = db.begin().await.unwrap();
        let result = take_dose(&txn, fid, lot, on, Uuid::now_v7(), by, now).await;
        assert_eq!(code(result), expected);
        drop(txn);
        assert_eq!(everything(&db).await, before);
    }
    let txn = db.begin().await.unwrap();
    take_dose(&txn, fid, lot_id, today, Uuid::now_v7(), by, now)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    let txn = db.begin().await.unwrap();
    let result = take_dose(&txn, fid, lot_id, today, Uuid::now_v7(), by, now).await;
    assert_eq!(code(result), "409 lot_exhausted");
    drop(txn);

    // A cluster of reactions quarantines the other lot everywhere.
    let txn = db.begin().await.unwrap();
    assert!(
        quarantine_lot(&txn, elsewhere, "AEFI cluster", by, now)
            .await
            .unwrap()
    );
    assert!(
        !quarantine_lot(&txn, elsewhere, "again", by, now)
            .await
            .unwrap()
    );
    txn.commit().await.unwrap();
    let soc_son: Uuid = s.soc_son.parse().unwrap();
    let txn = db.begin().await.unwrap();
    let result = take_dose(&txn, soc_son, elsewhere, today, Uuid::now_v7(), by, now).await;
    assert_eq!(code(result), "409 lot_quarantined");
    drop(txn);
    ledger_matches_balances(&db).await;
    let used_rows = movement::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.kind == "used")
        .count();
    assert_eq!(used_rows, 2);
}

#[tokio::test]
async fn the_database_refuses_a_negative_balance_and_a_rewritten_ledger() {
    let s = stock_app().await;
    let app = &s.app;
    receive(app, &s.admin.token, &s.xanh_pon, "PB-0300", 3).await;
    let db = app.database().await.unwrap();
    let before = everything(&db).await;
    for statement in [
        "UPDATE stock_balances SET doses = doses - 4",
        "UPDATE stock_movements SET doses = 1000",
        "DELETE FROM stock_movements",
    ] {
        assert!(
            db.execute_unprepared(statement).await.is_err(),
            "{statement} was allowed"
        );
    }
    assert_eq!(everything(&db).await, before);
}

/// A second process of the same deployment on PostgreSQL; on SQLite (one writer, one
/// process by design) the same process twice.
async fn second_process(app: &TestApp) -> Option<TestApp> {
    if app.backend().is_postgres() {
        Some(TestApp::builder().sharing_with(app).spawn().await.unwrap())
    } else {
        None
    }
}

#[tokio::test]
async fn a_balance_never_goes_negative_under_a_race_of_two_processes() {
    let s = stock_app().await;
    let app = &s.app;
    let other = second_process(app).await;
    let lot_id = receive(app, &s.admin.token, &s.xanh_pon, "PB-RACE", 25).await;
    let (vaccinator, _) = app.staff("vaccinator", Some(XANH_PON)).await.unwrap();
    let wastage =
        json!({ "kind": "wastage", "lot_id": lot_id, "doses": 1, "wastage_cause": "damaged" });
    let replies: Vec<Reply> = join_all((0..40).map(|i| {
        let target = other.as_ref().filter(|_| i % 2 == 1).unwrap_or(app);
        post_stock(target, &vaccinator.token, &s.xanh_pon, &wastage)
    }))
    .await;
    let won = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(
        won,
        25,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for reply in replies.iter().filter(|r| r.status != 201) {
        reply.expect_problem(409, "lot_exhausted");
    }
    assert_eq!(
        shown_balance(app, &vaccinator.token, &s.xanh_pon, &lot_id).await,
        Some(0)
    );
    let db = app.database().await.unwrap();
    ledger_matches_balances(&db).await;
    let (_, ledger, _) = everything(&db).await;
    assert_eq!(
        ledger.iter().filter(|row| row.kind == "wastage").count(),
        25
    );
}
