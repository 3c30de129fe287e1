//! Writing to and claiming from the outbox table.

use super::entity::{ActiveModel, Column, Entity, Model};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content_base64: String,
}

/// An email as a capability composes it. The recipient is personal data: it lives in the
/// database row, never in a log line.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub recipient: healthbook_domain::Sensitive<String>,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub attachments: Vec<Attachment>,
}

/// Adds the email to the outbox inside the caller's transaction; the caller commits.
pub async fn enqueue(
    txn: &DatabaseTransaction,
    email: OutgoingEmail,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    let attachments = if email.attachments.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&email.attachments).map_err(|e| DbErr::Custom(e.to_string()))?)
    };
    Entity::insert(ActiveModel {
        recipient: Set(email.recipient.into_inner()),
        subject: Set(email.subject),
        body_text: Set(email.body_text),
        body_html: Set(email.body_html),
        attachments: Set(attachments),
        ..due(id, now)
    })
    .exec_without_returning(txn)
    .await?;
    Ok(id)
}

/// A row due at `now`, never tried nor claimed, that holds no mail yet.
fn due(id: Uuid, now: DateTime<Utc>) -> ActiveModel {
    ActiveModel {
        id: Set(id),
        recipient: Set(String::new()),
        subject: Set(String::new()),
        body_text: Set(String::new()),
        body_html: Set(None),
        attachments: Set(None),
        created_at: Set(now),
        next_attempt_at: Set(now),
        attempts: Set(0),
        last_error: Set(None),
        locked_until: Set(None),
        claim_token: Set(None),
        sent_at: Set(None),
        template: Set(None),
        template_ref: Set(None),
    }
}

/// Adds a mail that the worker composes when it sends it, with the [`super::Composer`]
/// registered for `template`, from the row `about` as it is then.
pub async fn enqueue_composed(
    txn: &DatabaseTransaction,
    template: &str,
    about: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    Entity::insert(ActiveModel {
        template: Set(Some(template.to_owned())),
        template_ref: Set(Some(about)),
        ..due(id, now)
    })
    .exec_without_returning(txn)
    .await?;
    Ok(id)
}

/// Claims up to `limit` of the oldest due messages for `lease`, atomically and under one
/// claim token: two workers (in one process or in several) never claim the same message
/// while its lease runs. One statement for a whole batch keeps the outbox's cost per mail
/// small when bookings arrive by the hundred per second.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Model>, DbErr> {
    let mut due = Query::select();
    due.column(Column::Id)
        .from(Entity)
        .and_where(Expr::col(Column::SentAt).is_null())
        .and_where(Expr::col(Column::NextAttemptAt).lte(now))
        .and_where(
            Expr::col(Column::LockedUntil)
                .is_null()
                .or(Expr::col(Column::LockedUntil).lt(now)),
        )
        .order_by(Column::NextAttemptAt, sea_orm::Order::Asc)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    let mut claimed = Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(now + lease))
        .col_expr(Column::ClaimToken, Expr::value(Uuid::new_v4()))
        .filter(Column::Id.in_subquery(due))
        .exec_with_returning(db)
        .await?;
    claimed.sort_by_key(|row| (row.next_attempt_at, row.id));
    Ok(claimed)
}

/// Marks the messages sent, those that our claim still holds.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    sent: &[&Model],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(first) = sent.first() else {
        return Ok(());
    };
    Entity::update_many()
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(
            Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .filter(Column::Id.is_in(sent.iter().map(|row| row.id)))
        .filter(Column::ClaimToken.eq(first.claim_token))
        .exec(db)
        .await
        .map(|_| ())
}

/// Gives claimed messages back unsent, for any worker to claim again at once.
pub async fn release(db: &impl ConnectionTrait, unsent: &[&Model]) -> Result<(), DbErr> {
    let Some(first) = unsent.first() else {
        return Ok(());
    };
    Entity::update_many()
        .col_expr(
            Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(Column::Id.is_in(unsent.iter().map(|row| row.id)))
        .filter(Column::ClaimToken.eq(first.claim_token))
        .exec(db)
        .await
        .map(|_| ())
}

/// Records a failed attempt and schedules the next one.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    claimed: &Model,
    error: &str,
    retry_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let error: String = error.chars().take(500).collect();
    Entity::update_many()
        .col_expr(Column::Attempts, Expr::value(claimed.attempts + 1))
        .col_expr(Column::LastError, Expr::value(error))
        .col_expr(Column::NextAttemptAt, Expr::value(retry_at))
        .col_expr(
            Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(Column::Id.eq(claimed.id))
        .filter(Column::ClaimToken.eq(claimed.claim_token))
        .exec(db)
        .await
        .map(|_| ())
}

/// Erases what sent mail said once it is older than `retention`: a mail about an appointment
/// names a person, a facility and a specialty, and nobody needs that text after delivery.
/// The row stays (who was mailed when) for support. Returns how many were erased.
pub async fn erase_sent_before(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let erased = Entity::update_many()
        .col_expr(Column::BodyText, Expr::value(String::new()))
        .col_expr(Column::BodyHtml, Expr::value(Option::<String>::None))
        .col_expr(Column::Attachments, Expr::value(Option::<String>::None))
        .filter(Column::SentAt.lt(before))
        .filter(
            Condition::any()
                .add(Column::BodyText.ne(""))
                .add(Column::BodyHtml.is_not_null())
                .add(Column::Attachments.is_not_null()),
        )
        .exec(db)
        .await?;
    Ok(erased.rows_affected)
}

/// Messages not yet accepted by a mail server: the backlog shown in `/metrics`.
pub async fn pending_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::SentAt.is_null())
        .count(db)
        .await
}
