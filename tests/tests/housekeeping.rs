//! The housekeeping sweep against the real database: what has expired goes, what is still
//! live stays.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use chrono::{DateTime, Duration, Utc};
use healthbook_server::auth::entities::ceremony;
use healthbook_server::auth::passkeys::forget_expired_ceremonies;
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait};
use uuid::Uuid;

#[tokio::test]
async fn ceremonies_that_expired_unanswered_are_deleted_and_live_ones_stay() {
    let dir = tempfile::tempdir().unwrap();
    let db = healthbook_tests::migrated_database(dir.path())
        .await
        .unwrap();
    let now: DateTime<Utc> = "2026-12-06T08:00:00Z".parse().unwrap();
    let ceremony = |expires_at: DateTime<Utc>| ceremony::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set("discoverable_login".to_owned()),
        account_id: Set(None),
        session_id: Set(None),
        passkey_name: Set(None),
        state: Set("{}".to_owned()),
        created_at: Set(expires_at - Duration::minutes(5)),
        expires_at: Set(expires_at),
    };
    let live = ceremony(now + Duration::minutes(1));
    let live_id = live.id.clone().unwrap();
    // Just expired: kept for a minute's grace, so an answer in flight still finds it.
    let just_expired = ceremony(now - Duration::seconds(30));
    let just_expired_id = just_expired.id.clone().unwrap();
    ceremony::Entity::insert_many([
        ceremony(now - Duration::minutes(2)),
        ceremony(now - Duration::days(3)),
        just_expired,
        live,
    ])
    .exec(&db)
    .await
    .unwrap();

    assert_eq!(forget_expired_ceremonies(&db, now).await.unwrap(), 2);
    let mut left: Vec<Uuid> = ceremony::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    left.sort();
    let mut kept = vec![just_expired_id, live_id];
    kept.sort();
    assert_eq!(left, kept);
    assert_eq!(forget_expired_ceremonies(&db, now).await.unwrap(), 0);
    assert_eq!(ceremony::Entity::find().count(&db).await.unwrap(), 2);
}
