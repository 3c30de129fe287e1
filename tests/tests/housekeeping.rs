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

#[tokio::test]
async fn sent_mail_text_is_erased_after_the_retention_and_unsent_mail_is_kept() {
    use healthbook_server::mail::{Outbox, OutboxRow, erase_sent_before};
    let dir = tempfile::tempdir().unwrap();
    let db = healthbook_tests::migrated_database(dir.path())
        .await
        .unwrap();
    let now: DateTime<Utc> = "2026-12-06T08:00:00Z".parse().unwrap();
    let row = |sent_at: Option<DateTime<Utc>>| {
        let model = OutboxRow {
            id: Uuid::now_v7(),
            recipient: "lan@example.vn".to_owned(),
            subject: "Lịch hẹn".to_owned(),
            body_text: "Khám Tim mạch lúc 08:00".to_owned(),
            body_html: Some("<p>Khám Tim mạch</p>".to_owned()),
            attachments: Some("[]".to_owned()),
            created_at: now - Duration::days(40),
            next_attempt_at: now - Duration::days(40),
            attempts: 1,
            last_error: None,
            locked_until: None,
            claim_token: None,
            sent_at,
            template: None,
            template_ref: None,
        };
        sea_orm::IntoActiveModel::into_active_model(model)
    };
    let old = row(Some(now - Duration::days(31)));
    let old_id = old.id.clone().unwrap();
    let recent = row(Some(now - Duration::days(29)));
    let unsent = row(None);
    Outbox::insert_many([old, recent, unsent])
        .exec(&db)
        .await
        .unwrap();

    assert_eq!(
        erase_sent_before(&db, now - Duration::days(30))
            .await
            .unwrap(),
        1
    );
    for mail in Outbox::find().all(&db).await.unwrap() {
        if mail.id == old_id {
            assert_eq!(mail.body_text, "");
            assert_eq!(mail.body_html, None);
            assert_eq!(mail.attachments, None);
            assert_eq!(mail.recipient, "lan@example.vn", "who was mailed stays");
        } else {
            assert!(mail.body_text.contains("Tim mạch"), "kept: {mail:?}");
        }
    }
    assert_eq!(
        erase_sent_before(&db, now - Duration::days(30))
            .await
            .unwrap(),
        0,
        "an erased mail is not erased again"
    );
}
