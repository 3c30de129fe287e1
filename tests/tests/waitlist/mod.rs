//! Waitlists: a freed place goes to the first person waiting, as an offer they are told of by
//! mail, never to two people, and an offer left unanswered passes to the next.

use crate::booking_support::*;
use chrono::Duration;
use healthbook_tests::people::Session;
use healthbook_tests::{Reply, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

async fn join(app: &TestApp, token: &str, slot: &Value) -> Reply {
    app.post_as(
        token,
        &format!("/v1/slots/{}/waitlist", slot["id"].as_str().unwrap()),
        &json!({}),
    )
    .await
    .unwrap()
}

/// The caller's entry for the slot, as listed.
async fn entry(app: &TestApp, token: &str, slot: &Value) -> Value {
    let listed = app.get_as(token, "/v1/waitlist").await.unwrap();
    listed.expect(200);
    listed
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slot_id"] == slot["id"])
        .cloned()
        .unwrap_or_else(|| panic!("no entry: {}", listed.text))
}

async fn cancel(app: &TestApp, token: &str, appointment: &Value) {
    let aid = appointment["id"].as_str().unwrap();
    app.post_as(token, &format!("/v1/appointments/{aid}/cancel"), &json!({}))
        .await
        .unwrap()
        .expect(200);
}

/// A slot of capacity `capacity` two days ahead, filled by fresh citizens; their bookings.
async fn full_slot(
    app: &TestApp,
    admin: &Session,
    fid: &str,
    capacity: u32,
    specialty: &str,
) -> (Value, Vec<(Session, Value)>) {
    create_schedule(app, admin, fid, &daily_slot(capacity, specialty, &day(2))).await;
    let slot = daily_slot_on(app, fid, specialty, &day(2)).await;
    let mut booked = Vec::new();
    for person in crowd(app, capacity as usize, "waitlist-booker").await {
        let reply = book(app, &person.token, &slot).await;
        reply.expect(201);
        booked.push((person, reply.json));
    }
    (slot, booked)
}

#[tokio::test]
async fn a_freed_place_goes_to_the_first_person_waiting_who_books_it_from_the_offer() {
    let (app, admin, fid) = app_with_admin().await;
    let (slot, booked) = full_slot(&app, &admin, &fid, 1, "endocrinology").await;
    let (booker, appointment) = &booked[0];
    let waiting = crowd(&app, 3, "waitlist").await;
    let (first, second, latecomer) = (&waiting[0], &waiting[1], &waiting[2]);

    let joined = join(&app, &first.token, &slot).await;
    joined.expect(201);
    assert_eq!(joined.json["state"], "waiting");
    assert_eq!(joined.json["position"], 1);
    let behind = join(&app, &second.token, &slot).await;
    behind.expect(201);
    assert_eq!(behind.json["position"], 2);
    // Joining again answers the same entry; the one who holds the place cannot wait for it.
    let again = join(&app, &first.token, &slot).await;
    again.expect(200);
    assert_eq!(again.json["id"], joined.json["id"]);
    join(&app, &booker.token, &slot)
        .await
        .expect_problem(409, "already_booked");
    // A slot with a free place is booked, not waited for.
    let free = daily_slot_on(&app, &fid, "endocrinology", &day(3)).await;
    join(&app, &latecomer.token, &free)
        .await
        .expect_problem(409, "slot_not_full");

    // The booker cancels: the place is offered to the first person waiting, not to the slot.
    cancel(&app, &booker.token, appointment).await;
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 1);
    let offered = entry(&app, &first.token, &slot).await;
    assert_eq!(offered["state"], "offered", "{offered}");
    assert_eq!(offered["position"], Value::Null);
    let until = instant(&offered["offer"]["expires_at"]);
    let left = until - now();
    assert!(
        left > Duration::minutes(14) && left <= Duration::minutes(15),
        "{left}"
    );
    let mail = app
        .wait_for_mail(&first.email, |m| m.subject == "Có chỗ trống cho bạn")
        .await
        .unwrap();
    assert!(mail.text.contains("đang được giữ cho bạn"), "{}", mail.text);
    assert_eq!(entry(&app, &second.token, &slot).await["position"], 1);
    // Nobody else can take it meanwhile.
    book(&app, &latecomer.token, &slot)
        .await
        .expect_problem(409, "slot_full");

    // Booking the slot takes the offered place.
    book(&app, &first.token, &slot).await.expect(201);
    assert_eq!(entry(&app, &first.token, &slot).await["state"], "booked");
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 1);
}

#[tokio::test]
async fn an_offer_left_unanswered_passes_to_the_next_person_and_leaving_gives_the_place_on() {
    let (app, admin, fid) = app_with_admin().await;
    let (slot, booked) = full_slot(&app, &admin, &fid, 1, "respiratory").await;
    let waiting = crowd(&app, 3, "waitlist-pass").await;
    for person in &waiting {
        join(&app, &person.token, &slot).await.expect(201);
    }
    cancel(&app, &booked[0].0.token, &booked[0].1).await;
    let offer = entry(&app, &waiting[0].token, &slot).await;
    assert_eq!(offer["state"], "offered");

    // After the offer lapses, the sweep of a process passes the place to the next person.
    let later = process_at(
        &app,
        instant(&offer["offer"]["expires_at"]) + Duration::minutes(1),
    )
    .await;
    let mut next = Value::Null;
    for _ in 0..100 {
        next = entry(&later, &waiting[1].token, &slot).await;
        if next["state"] == "offered" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(next["state"], "offered", "{next}");
    assert_eq!(
        entry(&later, &waiting[0].token, &slot).await["state"],
        "missed"
    );
    assert_eq!(slot_now(&later, &fid, &slot).await["booked"], 1);

    // The second person leaves: the offered place goes on to the third.
    let wid = next["id"].as_str().unwrap();
    let left = later
        .call(
            Method::DELETE,
            &format!("/v1/waitlist/{wid}"),
            Some(&waiting[1].token),
            None,
        )
        .await
        .unwrap();
    left.expect(200);
    assert_eq!(left.json["state"], "left");
    assert_eq!(
        entry(&later, &waiting[2].token, &slot).await["state"],
        "offered"
    );
    assert_eq!(slot_now(&later, &fid, &slot).await["booked"], 1);
}

#[tokio::test]
async fn racing_cancellations_offer_each_freed_place_to_one_person_in_order() {
    let (app, admin, fid) = app_with_admin().await;
    let (slot, booked) = full_slot(&app, &admin, &fid, 4, "oncology").await;
    let waiting = crowd(&app, 6, "waitlist-race").await;
    for person in &waiting {
        join(&app, &person.token, &slot).await.expect(201);
    }
    futures::future::join_all(
        booked
            .iter()
            .map(|(person, appointment)| cancel(&app, &person.token, appointment)),
    )
    .await;
    let mut states = Vec::new();
    for person in &waiting {
        states.push(entry(&app, &person.token, &slot).await["state"].clone());
    }
    assert_eq!(
        states,
        [
            "offered", "offered", "offered", "offered", "waiting", "waiting"
        ],
        "the first four who joined, once each"
    );
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 4);
    assert_eq!(entry(&app, &waiting[5].token, &slot).await["position"], 2);
}

#[tokio::test]
async fn no_caller_sees_or_leaves_a_waitlist_entry_that_is_not_theirs() {
    let (app, admin, fid) = app_with_admin().await;
    let (slot, _) = full_slot(&app, &admin, &fid, 1, "mental_health").await;
    let people = crowd(&app, 2, "waitlist-foreign").await;
    let (owner, stranger) = (&people[0], &people[1]);
    let joined = join(&app, &owner.token, &slot).await;
    joined.expect(201);
    let wid = joined.json["id"].as_str().unwrap();
    let missing = uuid::Uuid::now_v7().to_string();
    for id in [wid, missing.as_str()] {
        app.call(
            Method::DELETE,
            &format!("/v1/waitlist/{id}"),
            Some(&stranger.token),
            None,
        )
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    }
    let theirs = app.get_as(&stranger.token, "/v1/waitlist").await.unwrap();
    assert_eq!(theirs.json, json!([]));
    app.post_as(
        &stranger.token,
        &format!("/v1/slots/{}/waitlist", slot["id"].as_str().unwrap()),
        &json!({ "citizen_id": owner.citizen_id }),
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");
    assert_eq!(entry(&app, &owner.token, &slot).await["state"], "waiting");
}
