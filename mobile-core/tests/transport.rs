//! How the client behaves when the network or the server misbehaves, against a scripted
//! server: retries keep their idempotency key, refusals become typed errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Utc;
use healthbook_core::store::Store;
use healthbook_core::{AccountError, AuthError, CommonError};
use healthbook_domain::account::{Assurance, Me, SessionGrant};
use healthbook_domain::{Lang, Sensitive};
use std::sync::Arc;
use support::{MemoryTokens, Scripted, client, scripted_server};
use uuid::Uuid;

fn signed_in() -> Arc<MemoryTokens> {
    // A session far in the future of any clock this test could run on.
    let expires_at = "2999-01-01T00:00:00Z"
        .parse::<chrono::DateTime<Utc>>()
        .unwrap();
    Arc::new(MemoryTokens::holding(&SessionGrant {
        token: Sensitive::new("opaque-token".to_owned()),
        session_id: Uuid::new_v4(),
        account_id: Uuid::new_v4(),
        assurance: Assurance::Basic,
        expires_at,
    }))
}

#[tokio::test]
async fn a_lost_answer_is_retried_with_the_same_idempotency_key() {
    let (base, received) = scripted_server(vec![
        Scripted::Drop,
        Scripted::Reply(202, vec![], r#"{"expires_in_seconds":600}"#),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = client(&base, dir.path(), Arc::new(MemoryTokens::default()));

    let sent = client
        .auth()
        .start_email_sign_in("lan@example.vn".to_owned())
        .await
        .unwrap();
    assert_eq!(sent.expires_in_seconds, 600);

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    let keys: Vec<_> = received
        .iter()
        .map(|r| r.header("idempotency-key"))
        .collect();
    assert!(keys[0].is_some());
    assert_eq!(keys[0], keys[1], "a retry must reuse the key");
    assert_eq!(
        received[0].body, received[1].body,
        "a retry must resend the same body"
    );
}

#[tokio::test]
async fn a_busy_server_is_asked_again_after_retry_after() {
    let (base, received) = scripted_server(vec![
        Scripted::Reply(
            503,
            vec![("retry-after", "1")],
            r#"{"code":"service_unavailable","detail":"busy","status":503}"#,
        ),
        Scripted::Reply(202, vec![], r#"{"expires_in_seconds":600}"#),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = client(&base, dir.path(), Arc::new(MemoryTokens::default()));
    client
        .auth()
        .start_email_sign_in("lan@example.vn".to_owned())
        .await
        .unwrap();
    assert_eq!(received.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_long_rate_limit_is_handed_to_the_app_with_its_delay() {
    let (base, _) = scripted_server(vec![Scripted::Reply(
        429,
        vec![("retry-after", "120")],
        r#"{"code":"rate_limited","detail":"slow down","status":429}"#,
    )])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = client(&base, dir.path(), Arc::new(MemoryTokens::default()));
    let error = client
        .auth()
        .start_email_sign_in("lan@example.vn".to_owned())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            AuthError::Common {
                error: CommonError::RateLimited {
                    retry_after_seconds: Some(120)
                }
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_rejected_token_is_forgotten_and_reported_as_signed_out() {
    let (base, received) = scripted_server(vec![Scripted::Reply(
        401,
        vec![],
        r#"{"code":"unauthenticated","detail":"expired","status":401}"#,
    )])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = signed_in();
    let client = client(&base, dir.path(), tokens.clone());
    assert!(client.is_signed_in());

    let error = client.account().me().await.unwrap_err();
    assert!(
        matches!(
            error,
            AccountError::Common {
                error: CommonError::NotSignedIn
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        received.lock().unwrap()[0].header("authorization"),
        Some("Bearer opaque-token")
    );
    assert!(!client.is_signed_in());
    assert!(
        tokens.saved().is_none(),
        "the keystore still holds the token"
    );
}

#[tokio::test]
async fn a_refused_token_takes_the_persons_cached_data_with_it() {
    let (base, _) = scripted_server(vec![Scripted::Reply(
        401,
        vec![],
        r#"{"code":"unauthenticated","detail":"revoked","status":401}"#,
    )])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = signed_in();
    let account_id = tokens.saved().unwrap().account_id;
    let me = Me {
        account_id,
        email: "lan@example.vn".to_owned(),
        email_verified: true,
        lang: Lang::Vi,
        assurance: Assurance::Basic,
        session_id: Uuid::new_v4(),
        citizen: None,
        roles: Vec::new(),
        dependents: Vec::new(),
        passkeys: 0,
        recovery_pending_until: None,
    };
    let synced_at = "2026-11-23T08:00:00Z".parse().unwrap();
    Store::open(&dir.path().join("healthbook.sqlite"), support::keys())
        .unwrap()
        .save_me(&me, synced_at)
        .unwrap();
    let client = client(&base, dir.path(), tokens);
    assert_eq!(client.offline().me().await.unwrap(), Some(me));

    client.account().me().await.unwrap_err();
    assert_eq!(client.offline().me().await.unwrap(), None);
}

#[tokio::test]
async fn health_data_without_a_passkey_session_asks_for_a_step_up() {
    let (base, _) = scripted_server(vec![Scripted::Reply(
        403,
        vec![],
        r#"{"code":"step_up_required","detail":"passkey needed","status":403}"#,
    )])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = client(&base, dir.path(), signed_in());
    let error = client.account().sessions().await.unwrap_err();
    assert!(
        matches!(
            error,
            AccountError::Common {
                error: CommonError::StepUpRequired
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn calls_that_need_a_session_fail_locally_without_one() {
    // Nothing listens here: the call must not even try.
    let dir = tempfile::tempdir().unwrap();
    let client = client(
        "http://127.0.0.1:9",
        dir.path(),
        Arc::new(MemoryTokens::default()),
    );
    let error = client.account().me().await.unwrap_err();
    assert!(
        matches!(
            error,
            AccountError::Common {
                error: CommonError::NotSignedIn
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_reported_as_offline() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(
        "http://127.0.0.1:9",
        dir.path(),
        Arc::new(MemoryTokens::default()),
    );
    let error = client
        .auth()
        .start_email_sign_in("lan@example.vn".to_owned())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            AuthError::Common {
                error: CommonError::Offline
            }
        ),
        "{error:?}"
    );
}

/// The account `signed_in()` holds, as `GET /v1/me` describes it.
fn me_of(tokens: &MemoryTokens, recovery_pending_until: Option<chrono::DateTime<Utc>>) -> Me {
    let grant = tokens.saved().unwrap();
    Me {
        account_id: grant.account_id,
        email: "lan@example.vn".to_owned(),
        email_verified: true,
        lang: Lang::Vi,
        assurance: Assurance::Passkey,
        session_id: grant.session_id,
        citizen: None,
        roles: Vec::new(),
        dependents: Vec::new(),
        passkeys: 1,
        recovery_pending_until,
    }
}

#[tokio::test]
async fn a_waiting_recovery_is_cancelled_and_its_warning_leaves_the_cache() {
    let tokens = signed_in();
    let opens_at = "2026-11-24T08:00:00Z".parse().unwrap();
    let fresh = serde_json::to_string(&me_of(&tokens, None)).unwrap();
    let (base, received) = scripted_server(vec![
        Scripted::Reply(204, vec![], ""),
        Scripted::Reply(200, vec![], Box::leak(fresh.into_boxed_str())),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    Store::open(&dir.path().join("healthbook.sqlite"), support::keys())
        .unwrap()
        .save_me(&me_of(&tokens, Some(opens_at)), opens_at)
        .unwrap();
    let client = client(&base, dir.path(), tokens.clone());
    let cached = client.offline().me().await.unwrap().unwrap();
    assert_eq!(cached.recovery_pending_until, Some(opens_at));

    client.account().cancel_recovery().await.unwrap();

    let received = received.lock().unwrap().clone();
    assert!(
        received[0]
            .request_line
            .starts_with("POST /v1/me/recovery/cancel "),
        "{received:?}"
    );
    assert_eq!(
        received[0].header("authorization"),
        Some("Bearer opaque-token")
    );
    assert!(received[0].header("idempotency-key").is_some());
    assert!(received[1].request_line.starts_with("GET /v1/me "));
    let cached = client.offline().me().await.unwrap().unwrap();
    assert_eq!(cached.recovery_pending_until, None);
}

#[tokio::test]
async fn cancelling_when_no_recovery_waits_is_not_found() {
    let (base, _) = scripted_server(vec![Scripted::Reply(
        404,
        vec![],
        r#"{"code":"not_found","detail":"none","status":404}"#,
    )])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = client(&base, dir.path(), signed_in());
    let error = client.account().cancel_recovery().await.unwrap_err();
    assert!(
        matches!(
            error,
            AccountError::Common {
                error: CommonError::NotFound
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.user_message(Lang::En),
        "The requested resource was not found."
    );
}

/// A book entry of section I as the server writes it.
fn section_one(
    entry_id: Uuid,
    version: u32,
    recorded_at: &str,
    occupation: &str,
) -> serde_json::Value {
    serde_json::json!({
        "entry_id": entry_id, "version": version,
        "status": if version == 1 { "recorded" } else { "corrected" },
        "section": "administrative", "category": null, "reason": null,
        "provenance": {
            "source": "app", "author_role": "citizen", "author_name": "Trần Thị Lan",
            "facility_id": null, "facility_name": null, "recorded_at": recorded_at,
            "self_reported": true,
        },
        "body": { "kind": "administrative", "data": { "occupation": occupation } },
    })
}

fn leaked(value: serde_json::Value) -> &'static str {
    Box::leak(value.to_string().into_boxed_str())
}

#[tokio::test]
async fn a_book_read_again_asks_only_for_what_changed_and_a_lost_change_keeps_its_key() {
    use healthbook_core::BookWriteOutcome;
    use healthbook_domain::book::Administrative;

    let (cid, eid) = (Uuid::new_v4(), Uuid::new_v4());
    let citizen = serde_json::json!({
        "citizen_id": cid, "full_name": "Trần Thị Lan", "date_of_birth": "1990-05-17",
        "sex": "female", "national_id_masked": "•••••••••001", "verification": "verified",
    });
    let book = |entries: Vec<serde_json::Value>| {
        leaked(serde_json::json!({
            "citizen": citizen, "sections": ["administrative", "history", "immunizations", "visits", "readings"],
            "entries": entries,
        }))
    };
    let (base, received) = scripted_server(vec![
        Scripted::Reply(
            200,
            vec![],
            book(vec![section_one(
                eid,
                1,
                "2026-12-01T08:00:00Z",
                "Giáo viên",
            )]),
        ),
        Scripted::Drop,
        Scripted::Reply(
            200,
            vec![],
            leaked(section_one(eid, 2, "2026-12-06T08:00:00Z", "Kỹ sư")),
        ),
        Scripted::Reply(200, vec![], book(Vec::new())),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = client(&base, dir.path(), signed_in());

    let first = client.book().book(cid).await.unwrap();
    assert_eq!(first.administrative.as_ref().map(|e| e.version), Some(1));
    let changed = Administrative {
        occupation: Some("Kỹ sư".to_owned()),
        ..Administrative::default()
    };
    let saved = client.book().update_profile(cid, changed).await.unwrap();
    assert!(
        matches!(&saved, BookWriteOutcome::Saved { entry } if entry.version == 2),
        "{saved:?}"
    );
    let again = client.book().book(cid).await.unwrap();
    assert_eq!(again.administrative.map(|e| e.version), Some(2));

    let requests = received.lock().unwrap().clone();
    assert_eq!(requests.len(), 4, "{requests:?}");
    assert!(
        requests[0]
            .request_line
            .starts_with(&format!("GET /v1/citizens/{cid}/book HTTP"))
    );
    // The change and its retry after the lost answer: one key, the version it was made on,
    // and only what changed.
    for patch in &requests[1..3] {
        assert!(
            patch
                .request_line
                .starts_with(&format!("PATCH /v1/citizens/{cid}/profile "))
        );
        let body: serde_json::Value = serde_json::from_str(&patch.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({ "base_version": 1, "changes": { "occupation": "Kỹ sư" } })
        );
    }
    let key = requests[1].header("Idempotency-Key").unwrap();
    assert_eq!(requests[2].header("Idempotency-Key"), Some(key));
    // The next read asks for what is newer than the newest entry it read (less an overlap),
    // not than the change this phone wrote.
    assert!(
        requests[3]
            .request_line
            .contains("/book?since=2026-12-01T07%3A58%3A00.000000Z "),
        "{}",
        requests[3].request_line
    );
}

/// A dose as a vaccinator records it for the person of `citizen_id`, from `lot_id`.
fn dose_request(
    citizen_id: Uuid,
    lot_id: Uuid,
) -> healthbook_domain::vaccine::doses::AdministerRequest {
    use healthbook_domain::vaccine::Programme;
    use healthbook_domain::vaccine::doses::AdministerRequest;
    use healthbook_domain::vaccine::screening::{ScreeningAnswers, ScreeningGroup};
    AdministerRequest {
        citizen_id: Some(citizen_id),
        appointment_code: None,
        vaccine: "hepa".to_owned(),
        product: Some("Twinrix".to_owned()),
        lot_id,
        dose_number: None,
        site: "left_deltoid".to_owned(),
        route: "im".to_owned(),
        programme: Programme::Service,
        screening: ScreeningAnswers {
            group: ScreeningGroup::Adult,
            temperature_tenths: 368,
            answers: Vec::new(),
        },
        given_on: None,
    }
}

fn administered(citizen_id: Uuid, lot_id: Uuid) -> &'static str {
    leaked(serde_json::json!({
        "dose": {
            "id": Uuid::new_v4(),
            "citizen_id": citizen_id,
            "facility_id": Uuid::new_v4(),
            "book_entry_id": Uuid::new_v4(),
            "vaccine": "hepa",
            "product": "Twinrix",
            "lot_id": lot_id,
            "dose_number": 1,
            "given_on": "2026-06-10",
            "programme": "service",
            "site": "left_deltoid",
            "route": "im",
            "screening": { "outcome": "eligible", "because": [] },
            "status": "recorded",
            "created_at": "2026-06-10T02:00:00Z",
        },
        "next": null,
    }))
}

#[tokio::test]
async fn a_dose_queued_offline_keeps_its_key_through_every_sync_and_is_sent_once() {
    use healthbook_core::{ActionResult, DoseOutcome, OfflineAction};
    let dir = tempfile::tempdir().unwrap();
    let tokens = signed_in();
    let (child, lot) = (Uuid::new_v4(), Uuid::new_v4());

    // The outreach site: no network at all.
    let outreach = client("http://127.0.0.1:9", dir.path(), tokens.clone());
    let outcome = outreach
        .vaccinator()
        .record_dose(dose_request(child, lot))
        .await
        .unwrap();
    let DoseOutcome::Queued { action, warning } = outcome else {
        panic!("not queued: {outcome:?}");
    };
    assert!(matches!(
        &action.action,
        OfflineAction::RecordDose { request, citizen_id, .. }
            if request.lot_id == lot && *citizen_id == Some(child)
    ));
    assert_eq!(
        warning, None,
        "nothing on this phone says the dose is wrong"
    );
    let still_offline = outreach.offline().sync().await.unwrap();
    assert_eq!(
        (still_offline.remaining, still_offline.outcomes.len()),
        (1, 0)
    );
    drop(outreach);

    // Back in range: the server fails once, then records the dose.
    let (base, received) = scripted_server(vec![
        Scripted::Reply(
            500,
            vec![],
            r#"{"code":"internal","detail":"x","status":500}"#,
        ),
        Scripted::Reply(201, vec![], administered(child, lot)),
    ])
    .await;
    let phone = client(&base, dir.path(), tokens);
    let failed = phone.offline().sync().await.unwrap();
    assert_eq!((failed.remaining, failed.outcomes.len()), (1, 0));
    let synced = phone.offline().sync().await.unwrap();
    assert_eq!(synced.remaining, 0);
    assert!(
        matches!(
            &synced.outcomes[0].result,
            ActionResult::DoseRecorded { administered } if administered.dose.lot_id == lot
        ),
        "{synced:?}"
    );
    // A third sync has nothing left to send: the dose went out once.
    let again = phone.offline().sync().await.unwrap();
    assert_eq!((again.remaining, again.outcomes.len()), (0, 0));

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "one dose, two attempts, no third");
    assert!(
        received[0]
            .request_line
            .starts_with("POST /v1/immunizations")
    );
    let keys: Vec<_> = received
        .iter()
        .map(|r| r.header("idempotency-key"))
        .collect();
    assert!(keys[0].is_some());
    assert_eq!(
        keys[0], keys[1],
        "every attempt carries the key taken at queue time"
    );
    assert_eq!(received[0].body, received[1].body);
}

#[tokio::test]
async fn a_queued_dose_the_server_refuses_comes_back_as_its_typed_conflict() {
    use healthbook_core::{ActionResult, DoseConflict, DoseOutcome};
    let dir = tempfile::tempdir().unwrap();
    let tokens = signed_in();
    let outreach = client("http://127.0.0.1:9", dir.path(), tokens.clone());
    for _ in 0..3 {
        let outcome = outreach
            .vaccinator()
            .record_dose(dose_request(Uuid::new_v4(), Uuid::new_v4()))
            .await
            .unwrap();
        assert!(matches!(outcome, DoseOutcome::Queued { .. }));
    }
    drop(outreach);

    let (base, _) = scripted_server(vec![
        Scripted::Reply(
            409,
            vec![],
            r#"{"code":"lot_exhausted","detail":"x","status":409}"#,
        ),
        Scripted::Reply(
            409,
            vec![],
            r#"{"code":"dose_too_early","detail":"x","status":409,"earliest":"2026-08-03"}"#,
        ),
        Scripted::Reply(
            404,
            vec![],
            r#"{"code":"not_found","detail":"x","status":404}"#,
        ),
    ])
    .await;
    let phone = client(&base, dir.path(), tokens);
    let report = phone.offline().sync().await.unwrap();
    assert_eq!(report.remaining, 0, "refusals are settled, not retried");
    let results: Vec<&ActionResult> = report.outcomes.iter().map(|o| &o.result).collect();
    assert_eq!(
        results[0],
        &ActionResult::DoseRefused {
            conflict: DoseConflict::LotExhausted
        }
    );
    assert_eq!(
        results[1],
        &ActionResult::DoseRefused {
            conflict: DoseConflict::TooEarly {
                earliest: chrono::NaiveDate::from_ymd_opt(2026, 8, 3)
            }
        }
    );
    assert!(
        matches!(results[2], ActionResult::Refused { code, .. } if code == "not_found"),
        "{results:?}"
    );
    assert!(phone.offline().pending().await.unwrap().is_empty());
}

/// A line of a due list: the first dose of `antigen`, due today.
fn due_line(
    antigen: healthbook_domain::vaccine::due::Antigen,
    today: chrono::NaiveDate,
) -> healthbook_domain::vaccine::due::AntigenDue {
    use healthbook_domain::vaccine::due::{AntigenDue, Standing};
    AntigenDue {
        antigen,
        standing: Standing::Due { from: today },
        doses_counted: 0,
        doses_needed: 3,
        next_dose: Some(1),
        next_row: None,
        earliest: Some(today),
        recommended: Some(today),
        may_refuse: false,
        course: None,
        warnings: Vec::new(),
    }
}

#[tokio::test]
async fn a_prepared_day_keeps_its_sessions_targets_for_the_visits_whose_book_cannot_be_read() {
    use chrono::Duration;
    use healthbook_core::clock::{Clock, SystemClock};
    use healthbook_domain::booking::{Appointment, AppointmentCode, AppointmentStatus};
    use healthbook_domain::facility::ServiceType;
    use healthbook_domain::page::Page;
    use healthbook_domain::vaccine::due::{Antigen, antigen_name};
    use healthbook_domain::vaccine::screening::ScreeningGroup;
    use healthbook_domain::vaccine::session::{DueListEntry, SessionKind, VaccinationSession};
    use healthbook_domain::vaccine::stock::StockList;

    let today = SystemClock.today();
    let (fid, baby, neighbour) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let at = "2026-12-01T02:00:00Z"
        .parse::<chrono::DateTime<Utc>>()
        .unwrap();
    let appointment = Appointment {
        id: Uuid::new_v4(),
        code: AppointmentCode::from_random(0x5eed_1234).display(),
        status: AppointmentStatus::Booked,
        citizen_id: baby,
        citizen_name: "Bé Minh".to_owned(),
        facility_id: fid,
        facility_name: "Trạm Y tế phường Kim Liên".to_owned(),
        facility_address: "Kim Liên, Hà Nội".to_owned(),
        service: ServiceType::Vaccination,
        specialty: None,
        practitioner_id: None,
        room: None,
        slot_id: Uuid::new_v4(),
        queue: "session-1".to_owned(),
        queue_number: 1,
        date: today,
        start: "09:00".to_owned(),
        end: "09:30".to_owned(),
        starts_at: at,
        ends_at: at,
        cancellable_until: at,
        booked_at: at,
        cancelled_at: None,
        cancelled_by: None,
        checked_in_at: None,
        vaccine: Some("penta".to_owned()),
    };
    let target = |citizen_id: Uuid, antigens: &[Antigen]| DueListEntry {
        citizen_id,
        full_name: "Bé Minh".to_owned(),
        // Two months old: a child's checklist, not a newborn's.
        date_of_birth: today - Duration::days(65),
        age_months: 2,
        antigens: antigens.iter().map(|a| due_line(*a, today)).collect(),
    };
    let session = |cancelled: bool| VaccinationSession {
        id: Uuid::new_v4(),
        facility_id: fid,
        kind: SessionKind::Fixed,
        place_name: None,
        commune_code: "00226".to_owned(),
        date: today,
        start: "09:00".to_owned(),
        end: "11:00".to_owned(),
        vaccines: vec!["penta".to_owned(), "mr".to_owned()],
        remaining: 10,
        slots: Vec::new(),
        cancelled_at: cancelled.then_some(at),
    };
    let sessions = [
        session(false),
        session(true),
        session(false),
        session(false),
    ];
    let json = |value: serde_json::Value| leaked(value);
    let page = |items: Vec<DueListEntry>, next: Option<&str>| {
        json(
            serde_json::to_value(Page {
                items,
                next_cursor: next.map(str::to_owned),
            })
            .unwrap(),
        )
    };
    let (base, received) = scripted_server(vec![
        Scripted::Reply(
            200,
            vec![],
            json(serde_json::json!({ "items": [appointment], "next_cursor": null })),
        ),
        Scripted::Reply(
            200,
            vec![],
            json(serde_json::to_value(StockList { items: Vec::new() }).unwrap()),
        ),
        Scripted::Reply(200, vec![], json(serde_json::json!(sessions))),
        // The first session's targets, on two pages.
        Scripted::Reply(
            200,
            vec![],
            page(
                vec![target(baby, &[Antigen::Diphtheria, Antigen::Tetanus])],
                Some("after-baby"),
            ),
        ),
        Scripted::Reply(
            200,
            vec![],
            page(vec![target(neighbour, &[Antigen::Measles])], None),
        ),
        // The cancelled one is not asked; the third lists the baby for polio too.
        Scripted::Reply(
            200,
            vec![],
            page(
                vec![target(baby, &[Antigen::Tetanus, Antigen::Poliomyelitis])],
                None,
            ),
        ),
        // The fourth's list is refused: the day is kept without it.
        Scripted::Reply(
            403,
            vec![],
            r#"{"code":"forbidden","detail":"x","status":403}"#,
        ),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = signed_in();
    let phone = client(&base, dir.path(), tokens.clone());
    let day = phone.vaccinator().prepare_day(fid, today).await.unwrap();
    assert!(!day.from_cache);
    let listed: Vec<(Uuid, Vec<Antigen>)> = day
        .targets
        .iter()
        .map(|t| (t.citizen_id, t.antigens.iter().map(|l| l.antigen).collect()))
        .collect();
    let babys = vec![
        Antigen::Diphtheria,
        Antigen::Tetanus,
        Antigen::Poliomyelitis,
    ];
    assert_eq!(
        listed,
        vec![(baby, babys.clone()), (neighbour, vec![Antigen::Measles])],
        "each person once, with the antigens of every session"
    );
    let requests: Vec<String> = received
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.request_line.clone())
        .collect();
    assert_eq!(requests.len(), 7, "{requests:?}");
    assert!(
        requests[2].starts_with(&format!(
            "GET /v1/facilities/{fid}/vaccination-sessions?from={today}&to={today} "
        )),
        "{}",
        requests[2]
    );
    let targets_of = |i: usize| format!("GET /v1/vaccination-sessions/{}/targets", sessions[i].id);
    assert!(requests[3].starts_with(&format!("{}?limit=100 ", targets_of(0))));
    assert!(requests[4].starts_with(&format!("{}?cursor=after-baby&limit=100 ", targets_of(0))));
    assert!(requests[5].starts_with(&targets_of(2)), "{}", requests[5]);
    assert!(requests[6].starts_with(&targets_of(3)), "{}", requests[6]);
    drop(phone);

    // At a site without network, for a person whose book this phone never read.
    let outreach = client("http://127.0.0.1:9", dir.path(), tokens.clone());
    let visit = outreach
        .vaccinator()
        .open_visit(fid, appointment.code.clone())
        .await
        .unwrap();
    assert!(visit.from_cache && visit.due.is_none());
    let words: Vec<&str> = visit
        .due_antigens
        .iter()
        .map(|l| l.disease.as_str())
        .collect();
    let expected: Vec<&str> = babys.iter().map(|a| antigen_name(*a, Lang::En)).collect();
    assert_eq!(words, expected);
    assert!(visit.due_antigens.iter().all(|l| !l.standing.is_empty()));
    assert_eq!(visit.screening_group, Some(ScreeningGroup::Child));
    let kept = outreach.vaccinator().day(fid).await.unwrap().unwrap();
    assert_eq!(kept.targets.len(), 2, "the day's copy keeps its targets");
    drop(outreach);

    // Back in range, the book is still closed: the check-in waits for the day.
    let (base, _) = scripted_server(vec![
        Scripted::Reply(
            200,
            vec![],
            json(serde_json::json!({ "items": [appointment], "next_cursor": null })),
        ),
        Scripted::Reply(
            409,
            vec![],
            r#"{"code":"check_in_not_today","detail":"x","status":409}"#,
        ),
        Scripted::Reply(
            403,
            vec![],
            r#"{"code":"forbidden","detail":"x","status":403}"#,
        ),
        Scripted::Reply(
            200,
            vec![],
            json(serde_json::to_value(StockList { items: Vec::new() }).unwrap()),
        ),
    ])
    .await;
    let station = client(&base, dir.path(), tokens);
    let visit = station
        .vaccinator()
        .open_visit(fid, appointment.code.clone())
        .await
        .unwrap();
    assert!(!visit.from_cache && visit.due.is_none());
    assert_eq!(visit.due_antigens.len(), 3);
    assert_eq!(visit.screening_group, Some(ScreeningGroup::Child));
}

#[tokio::test]
async fn the_phones_due_list_follows_its_provinces_roll_out_read_once_a_day_and_kept_offline() {
    use healthbook_domain::vaccine::due::{Antigen, Standing};
    use support::{MovingClock, client_at};

    let (cid, eid) = (Uuid::new_v4(), Uuid::new_v4());
    let citizen = serde_json::json!({
        "citizen_id": cid, "full_name": "Bé An", "date_of_birth": "2026-10-01",
        "sex": "male", "national_id_masked": "•••••••••002", "verification": "verified",
    });
    // Section I places the child in Phường Kim Liên, Hà Nội (province 01).
    let mut lives_in_ha_noi = section_one(eid, 1, "2026-11-20T08:00:00Z", "");
    lives_in_ha_noi["body"]["data"] = serde_json::json!({
        "current_address": { "commune_code": "00226", "line": "Số 1, ngõ 2" },
    });
    let book = |entries: Vec<serde_json::Value>| {
        leaked(serde_json::json!({
            "citizen": citizen, "sections": ["administrative", "history", "immunizations", "visits", "readings"],
            "entries": entries,
        }))
    };
    let rollout = |rotavirus_from: Option<&str>| {
        leaked(serde_json::json!({
            "province": "01",
            "records": [{ "antigen": "rotavirus", "offered_from": rotavirus_from }],
            "offered": ["pneumococcal"],
            "date": "2026-12-01",
        }))
    };
    let (base, received) = scripted_server(vec![
        Scripted::Reply(200, vec![], book(vec![lives_in_ha_noi])),
        Scripted::Reply(200, vec![], rollout(None)),
        Scripted::Reply(200, vec![], book(Vec::new())),
        Scripted::Reply(200, vec![], book(Vec::new())),
        Scripted::Reply(200, vec![], rollout(Some("2026-12-05"))),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = signed_in();
    let clock = MovingClock::at("2026-12-01T02:00:00Z");
    let phone = client_at(&base, dir.path(), tokens.clone(), clock.clone());
    let standing = |view: &healthbook_core::DueView, antigen: Antigen| {
        view.lines
            .iter()
            .find(|l| l.due.antigen == antigen)
            .map(|l| l.due.standing.clone())
            .unwrap()
    };

    // Hà Nội has not started rotavirus: off the list, pneumococcal on it.
    let first = phone.vaccination().due(cid).await.unwrap();
    assert_eq!(
        standing(&first, Antigen::Rotavirus),
        Standing::NotApplicable
    );
    assert_ne!(
        standing(&first, Antigen::Pneumococcal),
        Standing::NotApplicable
    );

    // Three hours later the copy answers: the book is read, the roll-out is not.
    clock.set("2026-12-01T05:00:00Z");
    let later = phone.vaccination().due(cid).await.unwrap();
    assert_eq!(
        standing(&later, Antigen::Rotavirus),
        Standing::NotApplicable
    );

    // The next day it is read again: rotavirus starts on 5 December.
    clock.set("2026-12-02T03:00:00Z");
    let next_day = phone.vaccination().due(cid).await.unwrap();
    assert_eq!(
        standing(&next_day, Antigen::Rotavirus),
        Standing::NotApplicable
    );
    let requests: Vec<String> = received
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.request_line.clone())
        .collect();
    let asked: Vec<bool> = requests
        .iter()
        .map(|r| r.starts_with("GET /v1/provinces/01/programme-rollout "))
        .collect();
    assert_eq!(asked, [false, true, false, false, true], "{requests:?}");
    drop(phone);

    // Without network on 6 December, the copy says rotavirus has started.
    clock.set("2026-12-06T03:00:00Z");
    let outreach = client_at("http://127.0.0.1:9", dir.path(), tokens, clock);
    let offline = outreach.vaccination().due(cid).await.unwrap();
    assert!(offline.from_cache);
    assert_ne!(
        standing(&offline, Antigen::Rotavirus),
        Standing::NotApplicable
    );
}
