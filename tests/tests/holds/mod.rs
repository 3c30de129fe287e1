//! Places on hold: a hold takes a place, booking converts it, releasing gives it back, and a
//! hold nobody booked frees its place by itself, for the next booking to take over.

use crate::booking_support::*;
use chrono::Duration;
use healthbook_tests::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

async fn hold(app: &TestApp, token: &str, slot: &Value) -> healthbook_tests::Reply {
    app.post_as(
        token,
        &format!("/v1/slots/{}/hold", slot["id"].as_str().unwrap()),
        &json!({ "service": slot["service"] }),
    )
    .await
    .unwrap()
}

async fn release(app: &TestApp, token: &str, hid: &str) -> healthbook_tests::Reply {
    app.call(
        Method::DELETE,
        &format!("/v1/holds/{hid}"),
        Some(token),
        None,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_hold_takes_a_place_booking_converts_it_and_a_lapsed_one_frees_itself() {
    let (app, admin, fid) = app_with_admin().await;
    create_schedule(
        &app,
        &admin,
        &fid,
        &daily_slot(1, "infectious_diseases", &day(2)),
    )
    .await;
    let slot = daily_slot_on(&app, &fid, "infectious_diseases", &day(2)).await;
    let alice = app.citizen("holder").await.unwrap();
    let bob = app.citizen("latecomer").await.unwrap();

    let held = hold(&app, &alice.token, &slot).await;
    held.expect(201);
    assert_eq!(held.json["state"], "held");
    let hid = held.json["id"].as_str().unwrap().to_owned();
    let expires = instant(&held.json["expires_at"]);
    let left = expires - now();
    assert!(
        left > Duration::minutes(4) && left <= Duration::minutes(5),
        "a hold lasts five minutes: {left}"
    );
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 1);
    // Asking again answers the same hold, not renewed.
    let again = hold(&app, &alice.token, &slot).await;
    again.expect(200);
    assert_eq!(again.json["id"], hid.as_str());
    assert_eq!(again.json["expires_at"], held.json["expires_at"]);
    // The held place is nobody else's, to hold or to book.
    hold(&app, &bob.token, &slot)
        .await
        .expect_problem(409, "slot_full");
    book(&app, &bob.token, &slot)
        .await
        .expect_problem(409, "slot_full");

    // Booking the slot takes the held place: still one place taken.
    let booked = book(&app, &alice.token, &slot).await;
    booked.expect(201);
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 1);
    let converted = app
        .get_as(&alice.token, &format!("/v1/holds/{hid}"))
        .await
        .unwrap();
    converted.expect(200);
    assert_eq!(converted.json["state"], "converted");
    // A converted hold is not released by a late DELETE: the place stays the appointment's.
    let late_release = release(&app, &alice.token, &hid).await;
    late_release.expect(200);
    assert_eq!(late_release.json["state"], "converted");
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 1);

    // Alice cancels, holds again, and lets the hold lapse.
    let aid = booked.json["id"].as_str().unwrap();
    app.post_as(
        &alice.token,
        &format!("/v1/appointments/{aid}/cancel"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect(200);
    let second = hold(&app, &alice.token, &slot).await;
    second.expect(201);
    let second_id = second.json["id"].as_str().unwrap().to_owned();
    let later = process_at(
        &app,
        instant(&second.json["expires_at"]) + Duration::minutes(1),
    )
    .await;
    let lapsed = later
        .get_as(&alice.token, &format!("/v1/holds/{second_id}"))
        .await
        .unwrap();
    lapsed.expect(200);
    assert_eq!(lapsed.json["state"], "lapsed");
    // Nobody swept it, yet Bob's booking takes its place over: still one place taken.
    let bobs = book(&later, &bob.token, &slot).await;
    bobs.expect(201);
    assert_eq!(slot_now(&later, &fid, &slot).await["booked"], 1);
    // And the place is gone for Alice.
    book(&later, &alice.token, &slot)
        .await
        .expect_problem(409, "slot_full");
}

#[tokio::test]
async fn a_released_hold_gives_its_place_back_once_and_holds_count_against_the_cap() {
    let (app, admin, fid) = app_with_admin().await;
    create_schedule(&app, &admin, &fid, &daily_slot(2, "respiratory", &day(2))).await;
    let slot = daily_slot_on(&app, &fid, "respiratory", &day(2)).await;
    let citizen = app.citizen("release").await.unwrap();
    let held = hold(&app, &citizen.token, &slot).await;
    held.expect(201);
    let hid = held.json["id"].as_str().unwrap().to_owned();
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 1);
    for _ in 0..2 {
        let released = release(&app, &citizen.token, &hid).await;
        released.expect(200);
        assert_eq!(released.json["state"], "released");
        assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 0);
    }

    // With a cap of two, a hold and a booking fill it: a third of either is refused.
    let (support, _) = app.staff("support", None).await.unwrap();
    app.call(
        Method::PUT,
        "/v1/admin/booking-settings",
        Some(&support.token),
        Some(&json!({
            "cancel_cutoff_minutes": 120,
            "max_future_appointments": 2,
            "reminder_lead_minutes": 1440,
            "horizon_days": 28,
            "hold_minutes": 10,
        })),
    )
    .await
    .unwrap()
    .expect(200);
    let ten = hold(&app, &citizen.token, &slot).await;
    ten.expect(201);
    let left = instant(&ten.json["expires_at"]) - now();
    assert!(
        left > Duration::minutes(9),
        "the policy's ten minutes: {left}"
    );
    let next_day = daily_slot_on(&app, &fid, "respiratory", &day(3)).await;
    book(&app, &citizen.token, &next_day).await.expect(201);
    let third = daily_slot_on(&app, &fid, "respiratory", &day(4)).await;
    hold(&app, &citizen.token, &third)
        .await
        .expect_problem(409, "too_many_appointments");
    book(&app, &citizen.token, &third)
        .await
        .expect_problem(409, "too_many_appointments");
    // Converting the hold adds nothing to the count.
    book(&app, &citizen.token, &slot).await.expect(201);
}

#[tokio::test]
async fn no_caller_sees_or_releases_a_hold_that_is_not_theirs() {
    let (app, admin, fid) = app_with_admin().await;
    create_schedule(&app, &admin, &fid, &daily_slot(3, "mental_health", &day(2))).await;
    let slot = daily_slot_on(&app, &fid, "mental_health", &day(2)).await;
    let owner = app.citizen("owner").await.unwrap();
    let stranger = app.citizen("stranger").await.unwrap();
    let held = hold(&app, &owner.token, &slot).await;
    held.expect(201);
    let hid = held.json["id"].as_str().unwrap();
    let missing = uuid::Uuid::now_v7().to_string();
    for id in [hid, missing.as_str()] {
        app.get_as(&stranger.token, &format!("/v1/holds/{id}"))
            .await
            .unwrap()
            .expect_problem(404, "not_found");
        release(&app, &stranger.token, id)
            .await
            .expect_problem(404, "not_found");
        app.get(&format!("/v1/holds/{id}"))
            .await
            .unwrap()
            .expect_problem(401, "unauthenticated");
    }
    // Nor holds a place for someone else.
    app.post_as(
        &stranger.token,
        &format!("/v1/slots/{}/hold", slot["id"].as_str().unwrap()),
        &json!({ "service": "examination", "citizen_id": owner.citizen_id }),
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");
    // The stranger's attempts changed nothing.
    let still = app
        .get_as(&owner.token, &format!("/v1/holds/{hid}"))
        .await
        .unwrap();
    assert_eq!(still.json["state"], "held");
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 1);
    // Holding a slot of another service, or one that does not exist, is refused as booking is.
    app.post_as(
        &owner.token,
        &format!("/v1/slots/{}/hold", slot["id"].as_str().unwrap()),
        &json!({ "service": "vaccination" }),
    )
    .await
    .unwrap()
    .expect_problem(422, "wrong_service");
    app.post_as(
        &owner.token,
        &format!("/v1/slots/{missing}/hold"),
        &json!({ "service": "examination" }),
    )
    .await
    .unwrap()
    .expect_problem(404, "slot_not_found");
}

#[tokio::test]
async fn holds_and_bookings_racing_for_a_slot_never_take_more_than_its_capacity() {
    let (app, admin, fid) = app_with_admin().await;
    create_schedule(&app, &admin, &fid, &daily_slot(3, "oncology", &day(2))).await;
    let slot = daily_slot_on(&app, &fid, "oncology", &day(2)).await;
    let people = crowd(&app, 16, "holdrace").await;
    let replies = futures::future::join_all(people.iter().enumerate().map(|(i, person)| {
        let (app, slot) = (&app, &slot);
        async move {
            if i % 2 == 0 {
                hold(app, &person.token, slot).await
            } else {
                book(app, &person.token, slot).await
            }
        }
    }))
    .await;
    let mut won = Vec::new();
    for (i, reply) in replies.iter().enumerate() {
        match reply.status.as_u16() {
            201 => won.push(i),
            409 => assert_eq!(reply.json["code"], "slot_full", "{}", reply.text),
            other => panic!("unexpected {other}: {}", reply.text),
        }
    }
    assert_eq!(won.len(), 3, "exactly the capacity wins: {won:?}");
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 3);
    // Those who hold book their place; the place count does not move.
    for i in won.iter().filter(|i| *i % 2 == 0) {
        book(&app, &people[*i].token, &slot).await.expect(201);
    }
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 3);
}
