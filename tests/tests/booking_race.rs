//! Booking under concurrency: capacity is never exceeded, queue numbers are unique and
//! gapless, and a retried request books once, with one process or (on PostgreSQL) two.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod booking_support;

use booking_support::*;
use futures::future::join_all;
use healthbook_tests::{Reply, TestApp};
use reqwest::Method;
use serde_json::json;

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
async fn booking_never_exceeds_capacity_under_race() {
    let (app, admin, fid) = app_with_admin().await;
    let other = second_process(&app).await;
    let mut two_slots = daily_slot(5, "endocrinology", &day(2));
    two_slots["sessions"] = json!(
        [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday"
        ]
        .iter()
        .map(|d| json!({ "day": d, "start": "08:00", "end": "09:00" }))
        .collect::<Vec<_>>()
    );
    create_schedule(&app, &admin, &fid, &two_slots).await;
    let slots = slots_on(&app, &fid, &day(3), "&specialty=endocrinology").await;
    assert_eq!(slots.len(), 2);
    let citizens = crowd(&app, 40, "racer").await;
    let replies: Vec<Reply> = join_all(citizens.iter().enumerate().map(|(i, citizen)| {
        let target = other.as_ref().filter(|_| i % 2 == 1).unwrap_or(&app);
        book(target, &citizen.token, &slots[i % 2])
    }))
    .await;
    let won: Vec<&Reply> = replies.iter().filter(|r| r.status == 201).collect();
    assert_eq!(
        won.len(),
        10,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for reply in replies.iter().filter(|r| r.status != 201) {
        reply.expect_problem(409, "slot_full");
    }
    // One queue for the day: numbers 1 to 10, each once.
    let mut numbers: Vec<i64> = won
        .iter()
        .map(|r| r.json["queue_number"].as_i64().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=10).collect::<Vec<_>>());
    for slot in &slots {
        let now = slot_now(&app, &fid, slot).await;
        assert_eq!(now["booked"], 5);
        assert_eq!(now["remaining"], 0);
    }

    // Cancel three and race again for the freed places: still never more than capacity, and
    // the new numbers continue the day's sequence without reusing the cancelled ones.
    for reply in won.iter().take(3) {
        let aid = reply.json["id"].as_str().unwrap();
        let owner = citizens
            .iter()
            .find(|c| c.citizen_id.as_deref() == reply.json["citizen_id"].as_str())
            .unwrap();
        app.post_as(
            &owner.token,
            &format!("/v1/appointments/{aid}/cancel"),
            &json!({}),
        )
        .await
        .unwrap()
        .expect(200);
    }
    let late = crowd(&app, 12, "late").await;
    let replies: Vec<Reply> = join_all(late.iter().enumerate().map(|(i, citizen)| {
        let target = other.as_ref().filter(|_| i % 2 == 0).unwrap_or(&app);
        book(target, &citizen.token, &slots[i % 2])
    }))
    .await;
    let mut renumbered: Vec<i64> = replies
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r.json["queue_number"].as_i64().unwrap())
        .collect();
    renumbered.sort_unstable();
    assert_eq!(renumbered, [11, 12, 13]);
    let total: i64 = {
        let mut sum = 0;
        for slot in &slots {
            sum += slot_now(&app, &fid, slot).await["booked"].as_i64().unwrap();
        }
        sum
    };
    assert_eq!(total, 10);
}

#[tokio::test]
async fn concurrent_retries_with_one_idempotency_key_book_once() {
    let (app, admin, fid) = app_with_admin().await;
    let other = second_process(&app).await;
    create_schedule(&app, &admin, &fid, &daily_slot(5, "endocrinology", &day(2))).await;
    let slot = daily_slot_on(&app, &fid, "endocrinology", &day(3)).await;
    let citizen = app.citizen("retrier").await.unwrap();
    let body = json!({ "slot_id": slot["id"], "service": "examination" });
    let replies = join_all((0..8).map(|i| {
        let target = other.as_ref().filter(|_| i % 2 == 1).unwrap_or(&app);
        let request = target
            .request(Method::POST, "/v1/appointments")
            .bearer_auth(&citizen.token)
            .header("Idempotency-Key", "phone-retry-0001")
            .json(&body);
        async move { Reply::from(request.send().await.unwrap()).await.unwrap() }
    }))
    .await;
    let ids: Vec<&str> = replies
        .iter()
        .map(|r| {
            r.expect(201);
            r.json["id"].as_str().unwrap()
        })
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(slot_now(&app, &fid, &slot).await["booked"], 1);
}

#[tokio::test]
async fn one_citizen_racing_for_many_slots_stays_under_the_cap() {
    let (app, admin, fid) = app_with_admin().await;
    let other = second_process(&app).await;
    create_schedule(&app, &admin, &fid, &daily_slot(5, "endocrinology", &day(2))).await;
    let citizen = app.citizen("greedy").await.unwrap();
    let mut slots = Vec::new();
    for offset in 2..12 {
        slots.push(daily_slot_on(&app, &fid, "endocrinology", &day(offset)).await);
    }
    let replies = join_all(slots.iter().enumerate().map(|(i, slot)| {
        let target = other.as_ref().filter(|_| i % 2 == 1).unwrap_or(&app);
        book(target, &citizen.token, slot)
    }))
    .await;
    let booked = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(booked, 5, "the default cap is five future appointments");
    for reply in replies.iter().filter(|r| r.status != 201) {
        reply.expect_problem(409, "too_many_appointments");
    }
}
