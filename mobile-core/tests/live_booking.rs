//! Booking against the real server with its demo facilities: search, slots, book for oneself
//! and a child, cancel, reschedule; a booking queued offline and settled later as `Booked`
//! or `SlotFull`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::NaiveDate;
use healthbook_core::clock::{Clock, SystemClock};
use healthbook_core::{
    ActionResult, BookingError, BookingOutcome, CommonError, DependentOutcome, HealthBookClient,
    OfflineAction, appointment_qr, provinces,
};
use healthbook_domain::account::{AddDependentRequest, RegisterRequest};
use healthbook_domain::booking::{AppointmentStatus, Slot, SlotQuery};
use healthbook_domain::facility::{Facility, FacilityQuery, ServiceType};
use healthbook_domain::ids::Sex;
use healthbook_domain::{Lang, Sensitive};
use healthbook_tests::TestApp;
use std::path::Path;
use std::sync::Arc;
use support::{Codes, MemoryTokens, client};
use uuid::Uuid;

async fn demo_server() -> TestApp {
    TestApp::builder().arg("--demo").spawn().await.unwrap()
}

async fn citizen(
    app: &TestApp,
    dir: &Path,
    tokens: Arc<MemoryTokens>,
    codes: &Codes,
    email: &str,
    national_id: &str,
) -> Arc<HealthBookClient> {
    let client = client(&app.base_url, dir, tokens);
    client
        .auth()
        .register(RegisterRequest {
            national_id: Sensitive::new(national_id.to_owned()),
            full_name: "Trần Thị Lan".to_owned(),
            date_of_birth: NaiveDate::from_ymd_opt(1990, 5, 17).unwrap(),
            sex: Sex::Female,
            email: email.to_owned(),
            phone: "0912345678".to_owned(),
            lang: Some(Lang::Vi),
        })
        .await
        .unwrap();
    let code = codes.next(app, email).await;
    client
        .auth()
        .verify_email(email.to_owned(), code)
        .await
        .unwrap();
    client
}

async fn add_child(client: &HealthBookClient, national_id: &str, name: &str) -> Uuid {
    let outcome = client
        .account()
        .add_dependent(AddDependentRequest {
            national_id: Sensitive::new(national_id.to_owned()),
            full_name: name.to_owned(),
            date_of_birth: NaiveDate::from_ymd_opt(2020, 3, 2).unwrap(),
            sex: Sex::Male,
        })
        .await
        .unwrap();
    let DependentOutcome::Added { dependent } = outcome else {
        panic!("not added: {outcome:?}");
    };
    dependent.citizen.citizen_id
}

async fn bach_mai(client: &HealthBookClient) -> Facility {
    let hanoi = provinces("ha noi".to_owned()).remove(0);
    let page = client
        .booking()
        .search_facilities(FacilityQuery {
            q: Some("bach mai".to_owned()),
            province: Some(hanoi.code),
            service: Some(ServiceType::Examination),
            ..FacilityQuery::default()
        })
        .await
        .unwrap();
    page.items
        .into_iter()
        .find(|f| f.name.contains("Bạch Mai"))
        .expect("the demo's Bạch Mai hospital")
}

/// Free examination slots of the coming week that can still be cancelled, soonest first.
async fn free_slots(client: &HealthBookClient, facility: &Facility) -> Vec<Slot> {
    let page = client
        .booking()
        .slots(
            facility.id,
            SlotQuery {
                service: Some(ServiceType::Examination),
                available: true,
                limit: Some(100),
                ..SlotQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(page.items.iter().all(|s| s.remaining > 0));
    // Far enough ahead that the cancellation cut-off (2 hours in the demo) has not passed.
    let soonest = SystemClock.now() + chrono::Duration::hours(3);
    page.items
        .into_iter()
        .filter(|slot| slot.starts_at > soonest)
        .collect()
}

fn booked(outcome: BookingOutcome) -> healthbook_domain::booking::Appointment {
    match outcome {
        BookingOutcome::Booked { appointment } => appointment,
        other => panic!("not booked: {other:?}"),
    }
}

#[tokio::test]
async fn a_citizen_finds_a_slot_books_for_herself_and_her_son_cancels_and_reschedules() {
    let app = demo_server().await;
    let dir = tempfile::tempdir().unwrap();
    let codes = Codes::new();
    let lan = citizen(
        &app,
        dir.path(),
        Arc::new(MemoryTokens::default()),
        &codes,
        "lan@example.vn",
        "001190000777",
    )
    .await;
    let son = add_child(&lan, "001220000123", "Nguyễn Minh Khôi").await;
    let facility = bach_mai(&lan).await;
    assert_eq!(
        lan.booking().facility(facility.id).await.unwrap().name,
        facility.name
    );
    let slots = free_slots(&lan, &facility).await;
    assert!(slots.len() >= 3, "demo slots: {}", slots.len());
    let slot = slots[0].clone();

    let mine = booked(lan.booking().book(slot.clone(), None).await.unwrap());
    assert_eq!(mine.status, AppointmentStatus::Booked);
    assert_eq!(mine.slot_id, slot.id);
    let his = booked(lan.booking().book(slot.clone(), Some(son)).await.unwrap());
    assert_eq!(his.citizen_id, son);
    assert_ne!(his.queue_number, mine.queue_number);
    let twice = lan.booking().book(slot.clone(), None).await;
    assert!(
        matches!(twice, Err(BookingError::AlreadyBooked)),
        "{twice:?}"
    );
    let qr = appointment_qr(mine.clone()).unwrap();
    assert_eq!(qr.modules.len(), (qr.size * qr.size) as usize);

    let listed = lan.booking().appointments().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(lan.offline().appointments().await.unwrap(), listed);

    let cancelled = lan
        .booking()
        .cancel(mine.id, Some("Bận việc".to_owned()))
        .await
        .unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    let again = lan.booking().cancel(mine.id, None).await.unwrap();
    assert_eq!(
        (again.status, again.cancelled_at),
        (AppointmentStatus::Cancelled, cancelled.cancelled_at),
        "cancelling twice changes nothing"
    );

    let rebooked = booked(lan.booking().book(slot.clone(), None).await.unwrap());
    let moved = lan
        .booking()
        .reschedule(rebooked.id, slots[1].clone())
        .await
        .unwrap();
    assert_eq!((moved.id, moved.slot_id), (rebooked.id, slots[1].id));
    let same = lan.booking().reschedule(moved.id, slots[1].clone()).await;
    assert!(
        matches!(&same, Err(BookingError::Common { error: CommonError::Refused { code, .. } }) if code == "same_slot"),
        "{same:?}"
    );
    let cached = lan.offline().appointments().await.unwrap();
    let cached_move = cached.iter().find(|a| a.id == moved.id).unwrap();
    assert_eq!(
        cached_move.slot_id, slots[1].id,
        "the cache follows the move"
    );
    assert!(
        cached
            .iter()
            .any(|a| a.id == mine.id && a.status == AppointmentStatus::Cancelled)
    );
    let nobody = lan.booking().appointment(Uuid::new_v4()).await;
    assert!(
        matches!(
            nobody,
            Err(BookingError::Common {
                error: CommonError::NotFound
            })
        ),
        "{nobody:?}"
    );
}

#[tokio::test]
async fn bookings_made_offline_are_settled_as_booked_or_slot_full() {
    let mut app = demo_server().await;
    let codes = Codes::new();
    let (lan_dir, dung_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let lan_tokens = Arc::new(MemoryTokens::default());
    let lan = citizen(
        &app,
        lan_dir.path(),
        lan_tokens.clone(),
        &codes,
        "lan@example.vn",
        "001190000777",
    )
    .await;
    let facility = bach_mai(&lan).await;
    let slots = free_slots(&lan, &facility).await;
    // A slot that others will fill, and one that stays free.
    let contested = slots
        .iter()
        .find(|s| s.remaining <= 3)
        .expect("a demo slot of capacity 3")
        .clone();
    let free = slots.iter().find(|s| s.id != contested.id).unwrap().clone();

    app.terminate().await.unwrap();
    let queued = lan.booking().book(contested.clone(), None).await.unwrap();
    let BookingOutcome::Queued { action } = queued else {
        panic!("not queued: {queued:?}");
    };
    assert!(matches!(
        &action.action,
        OfflineAction::BookAppointment { slot, .. } if slot.id == contested.id
    ));
    let BookingOutcome::Queued { .. } = lan.booking().book(free.clone(), None).await.unwrap()
    else {
        panic!("not queued");
    };
    let stranger = Uuid::new_v4();
    let BookingOutcome::Queued { .. } = lan
        .booking()
        .book(free.clone(), Some(stranger))
        .await
        .unwrap()
    else {
        panic!("not queued");
    };
    assert_eq!(lan.offline().pending().await.unwrap().len(), 3);
    assert_eq!(lan.offline().sync().await.unwrap().remaining, 3);

    // Meanwhile another family takes every place of the contested slot.
    let app = TestApp::builder().sharing_with(&app).spawn().await.unwrap();
    let dung = citizen(
        &app,
        dung_dir.path(),
        Arc::new(MemoryTokens::default()),
        &codes,
        "dung@example.vn",
        "001190000888",
    )
    .await;
    let mut family = vec![None];
    for (i, id) in ["001220000301", "001220000302"].iter().enumerate() {
        family.push(Some(add_child(&dung, id, &format!("Con {i}")).await));
    }
    for who in family.iter().take(contested.remaining as usize) {
        booked(dung.booking().book(contested.clone(), *who).await.unwrap());
    }

    // Lan's phone starts again, online.
    drop(lan);
    let lan = client(&app.base_url, lan_dir.path(), lan_tokens);
    let report = lan.offline().sync().await.unwrap();
    assert_eq!(report.remaining, 0);
    let results: Vec<&ActionResult> = report.outcomes.iter().map(|o| &o.result).collect();
    assert!(
        matches!(results[0], ActionResult::SlotFull { detail } if !detail.is_empty()),
        "{results:?}"
    );
    let ActionResult::Booked { appointment } = results[1] else {
        panic!("{results:?}");
    };
    assert_eq!(appointment.slot_id, free.id);
    // A person who is not hers: refused for good, not retried.
    assert!(
        matches!(results[2], ActionResult::Refused { code, .. } if code == "not_found"),
        "{results:?}"
    );
    assert!(lan.offline().pending().await.unwrap().is_empty());
    let cached = lan.offline().appointments().await.unwrap();
    assert_eq!(
        cached.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![appointment.id],
        "the booking made offline is in the cache"
    );
}
