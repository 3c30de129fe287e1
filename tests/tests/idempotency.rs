//! Idempotency records against the real database: a key replays while its record lives, is
//! refused for another request, and is free again once the record has expired.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use healthbook_server::http::idempotency::{self, IdempotencyKey, NextAction, RETENTION};
use sea_orm::DatabaseConnection;

async fn database(dir: &tempfile::TempDir) -> DatabaseConnection {
    healthbook_tests::migrated_database(dir.path())
        .await
        .unwrap()
}

/// Claims the key for a request whose fingerprint is `hash` and saves `answer` as its
/// response; `Ok(None)` when the key was replayed instead, `Err(code)` when it was refused.
async fn act(
    db: &DatabaseConnection,
    hash: &str,
    answer: &str,
    at: DateTime<Utc>,
) -> Result<Option<String>, String> {
    let key = IdempotencyKey(Some("0e5d-retry-key".to_owned()));
    match idempotency::begin(db, "account-1", &key, hash, at).await {
        Ok(NextAction::Proceed(pending)) => {
            pending.finish(StatusCode::CREATED, &answer).await.unwrap();
            Ok(Some(answer.to_owned()))
        }
        Ok(NextAction::Replay(_replay)) => Ok(None),
        Err(error) => Err(error.code.to_string()),
    }
}

#[tokio::test]
async fn a_key_replays_while_its_record_lives_and_is_free_once_it_expired() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    let t0: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();

    assert_eq!(
        act(&db, "hash-a", "first", t0).await,
        Ok(Some("first".into()))
    );
    // The same request again: replayed, nothing done.
    assert_eq!(
        act(&db, "hash-a", "second", t0 + Duration::hours(1)).await,
        Ok(None)
    );
    // Another request under the same key: refused while the record lives.
    assert_eq!(
        act(
            &db,
            "hash-b",
            "third",
            t0 + RETENTION - Duration::minutes(1)
        )
        .await,
        Err("idempotency_key_reused".into())
    );
    // Once the record has expired the key is taken over by the new request.
    let later = t0 + RETENTION + Duration::minutes(1);
    assert_eq!(
        act(&db, "hash-b", "fourth", later).await,
        Ok(Some("fourth".into()))
    );
    assert_eq!(act(&db, "hash-b", "fifth", later).await, Ok(None));
}

#[tokio::test]
async fn the_sweep_forgets_expired_records_in_batches_and_keeps_live_ones() {
    use healthbook_server::http::idempotency::idempotency_record;
    use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait};

    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    let now: DateTime<Utc> = "2026-12-06T08:00:00Z".parse().unwrap();
    let record = |key: String, created_at: DateTime<Utc>| idempotency_record::ActiveModel {
        scope: Set("account-1".to_owned()),
        key: Set(key),
        request_hash: Set("hash".to_owned()),
        status: Set(201),
        body: Set("{}".to_owned()),
        created_at: Set(created_at),
    };
    // More expired records than one delete takes, and some that still protect a retry.
    let expired = (0..2_500).map(|i| {
        record(
            format!("old-{i}"),
            now - RETENTION - Duration::seconds(i + 1),
        )
    });
    for chunk in expired.collect::<Vec<_>>().chunks(500) {
        idempotency_record::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await
            .unwrap();
    }
    let live = (0..3).map(|i| record(format!("new-{i}"), now - RETENTION + Duration::minutes(1)));
    idempotency_record::Entity::insert_many(live)
        .exec(&db)
        .await
        .unwrap();

    assert_eq!(idempotency::forget_expired(&db, now).await.unwrap(), 2_500);
    assert_eq!(
        idempotency_record::Entity::find().count(&db).await.unwrap(),
        3
    );
    // A live record still replays.
    let key = IdempotencyKey(Some("new-0".to_owned()));
    let next = idempotency::begin(&db, "account-1", &key, "hash", now)
        .await
        .unwrap();
    assert!(
        matches!(next, NextAction::Replay(_)),
        "a live record must be replayed"
    );
    assert_eq!(idempotency::forget_expired(&db, now).await.unwrap(), 0);
}
