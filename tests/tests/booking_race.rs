//! Booking under concurrency: capacity is never exceeded, queue numbers are unique and
//! gapless, and a retried request books once, with one process or (on PostgreSQL) two; and a
//! process killed while vaccinators record doses loses no acknowledged dose and leaves no
//! stock decrement without its dose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod booking_support;

use booking_support::*;
use futures::future::join_all;
use healthbook_tests::campaign::{self, Size};
use healthbook_tests::{Reply, TestApp};
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

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

/// What a vaccinator knows of one dose they sent before the crash.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sent {
    /// Answered 201: the dose with this id is recorded.
    Acknowledged(String),
    /// Sent, and no answer came (the process died under it), or never sent.
    Unknown,
}

async fn post_dose(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    key: &str,
    body: &serde_json::Value,
) -> Option<Reply> {
    let sent = client
        .post(format!("{base}/v1/immunizations"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .ok()?;
    Reply::from(sent).await.ok()
}

#[tokio::test]
async fn a_process_killed_while_doses_are_recorded_loses_no_acknowledged_dose() {
    let mut app = TestApp::spawn().await.unwrap();
    let db = app.database().await.unwrap();
    let size = Size {
        facilities: 2,
        vaccinators: 6,
        citizens: 150,
        doses_per_lot: 100,
    };
    let day = campaign::seed(&db, size, "kl", now()).await.unwrap();
    let key = |i: usize| format!("kill-test-dose-{i}");

    // Six vaccinators record doses until the process dies under them; it is killed with
    // SIGKILL once a fifth of the doses are acknowledged, in the middle of the others.
    let acknowledged = AtomicUsize::new(0);
    let (client, base) = (app.client.clone(), app.base_url.clone());
    let vaccinators = join_all((0..size.vaccinators).map(|v| {
        let (client, base, day, acknowledged) = (&client, &base, &day, &acknowledged);
        async move {
            let mut sent = Vec::new();
            for i in day.queue_of(v) {
                let token = &day.vaccinators[v].token;
                match post_dose(client, base, token, &key(i), &day.dose(i)).await {
                    Some(reply) if reply.status == 201 => {
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                        let id = reply.json["dose"]["id"].as_str().unwrap().to_owned();
                        sent.push((i, Sent::Acknowledged(id)));
                    }
                    Some(reply) => panic!("dose {i}: {} {}", reply.status, reply.text),
                    None => {
                        sent.push((i, Sent::Unknown));
                        break;
                    }
                }
            }
            sent
        }
    }));
    let killer = async {
        while acknowledged.load(Ordering::SeqCst) < size.citizens / 5 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        app.kill().unwrap();
    };
    let (sent, ()) = tokio::join!(vaccinators, killer);
    let mut outcome: BTreeMap<usize, Sent> =
        (0..size.citizens).map(|i| (i, Sent::Unknown)).collect();
    outcome.extend(sent.into_iter().flatten());
    let acked: Vec<(usize, String)> = outcome
        .iter()
        .filter_map(|(i, s)| match s {
            Sent::Acknowledged(id) => Some((*i, id.clone())),
            Sent::Unknown => None,
        })
        .collect();
    let unknown: Vec<usize> = outcome
        .iter()
        .filter(|(_, s)| **s == Sent::Unknown)
        .map(|(i, _)| *i)
        .collect();
    assert!(
        acked.len() >= size.citizens / 5,
        "{} acknowledged",
        acked.len()
    );
    assert!(
        !unknown.is_empty(),
        "the process died after every dose was answered"
    );

    // Restarted on the same database: every acknowledged dose is there, for its citizen, and
    // the ledger holds a decrement for each dose and a dose for each decrement.
    let restarted = TestApp::builder().sharing_with(&app).spawn().await.unwrap();
    use healthbook_server::vaccination::entities::immunization;
    use sea_orm::EntityTrait;
    for (i, id) in &acked {
        let dose = immunization::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
            .one(&db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged dose {id} of citizen {i} lost"));
        assert_eq!(dose.citizen_id, day.citizens[*i]);
    }
    let after_crash = campaign::audit(&db).await.unwrap();
    assert_eq!(
        after_crash.violations(),
        Vec::<String>::new(),
        "{after_crash:?}"
    );
    assert_eq!(after_crash.doses, after_crash.used_rows);
    assert!(after_crash.doses >= acked.len() as i64);

    // Every unanswered dose sent again under its key completes, once; an answered one sent
    // again gets its first answer back.
    let (client, base) = (restarted.client.clone(), restarted.base_url.clone());
    // Each vaccinator sends their own again, one after the other, as their tablet's queue does.
    let retried: Vec<(usize, Reply)> = join_all((0..size.vaccinators).map(|v| {
        let (client, base, day, unknown) = (&client, &base, &day, &unknown);
        async move {
            let mut replies = Vec::new();
            for i in day.queue_of(v).into_iter().filter(|i| unknown.contains(i)) {
                let token = &day.vaccinators[v].token;
                let reply = post_dose(client, base, token, &key(i), &day.dose(i)).await;
                replies.push((i, reply.unwrap()));
            }
            replies
        }
    }))
    .await
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(retried.len(), unknown.len());
    for (i, reply) in &retried {
        assert_eq!(reply.status, 201, "retry of dose {i}: {}", reply.text);
        assert_eq!(
            reply.json["dose"]["citizen_id"],
            day.citizens[*i].to_string()
        );
    }
    for (i, id) in acked.iter().take(5) {
        let token = &day.vaccinators[campaign_vaccinator(&day, *i)].token;
        let again = post_dose(&client, &base, token, &key(*i), &day.dose(*i))
            .await
            .unwrap();
        assert_eq!(again.status, 201, "{}", again.text);
        assert_eq!(again.json["dose"]["id"].as_str(), Some(id.as_str()));
    }
    let done = campaign::audit(&db).await.unwrap();
    assert_eq!(done.violations(), Vec::<String>::new(), "{done:?}");
    assert_eq!(done.doses, size.citizens as i64);
    assert_eq!(done.used_rows, size.citizens as i64);
}

/// The vaccinator whose queue holds citizen `i`.
fn campaign_vaccinator(day: &campaign::Day, i: usize) -> usize {
    (0..day.vaccinators.len())
        .find(|v| day.queue_of(*v).contains(&i))
        .unwrap()
}
