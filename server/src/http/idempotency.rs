//! Idempotent retries: a phone that lost the answer sends the same request again with the
//! same `Idempotency-Key` and gets the first answer, never a second action.
//!
//! The record is inserted in the transaction that performs the action, with the response
//! written before commit. A concurrent retry's insert waits on the key's unique index until
//! the first transaction ends, then finds the committed response and replays it; if the
//! first rolled back, the retry runs the action itself. So the key, the action and the
//! saved answer commit or vanish together.

use crate::db::BeginWrite;
use crate::error::{ApiError, FieldError, Text};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::problem::ProblemCode;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Records older than this are forgotten: a retry a day later is a new request.
pub const RETENTION: Duration = Duration::hours(24);

/// The optional `Idempotency-Key` header, validated: 1–128 visible ASCII characters.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let key =
            value.to_str().ok().map(str::trim).filter(|k| {
                !k.is_empty() && k.len() <= 128 && k.bytes().all(|b| b.is_ascii_graphic())
            });
        match key {
            Some(key) => Ok(IdempotencyKey(Some(key.to_owned()))),
            None => Err(ApiError::validation(vec![FieldError::new(
                "Idempotency-Key",
                "invalid_idempotency_key",
                Text::new(
                    "Idempotency-Key phải gồm 1–128 ký tự ASCII hiển thị được.",
                    "Idempotency-Key must be 1–128 visible ASCII characters.",
                ),
            )])),
        }
    }
}

/// What identifies "the same request": the route and the parsed body.
pub fn fingerprint(route: &str, body: &impl Serialize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(route.as_bytes());
    hasher.update([0]);
    hasher.update(serde_json::to_vec(body).unwrap_or_default());
    hex::encode(hasher.finalize())
}

/// What to do with a request that may carry an `Idempotency-Key`.
pub enum NextAction {
    /// Do the action in this transaction, then [`Pending::finish`] it with the answer.
    Proceed(Pending),
    /// The key's first request was answered: send that answer again.
    Replay(Response),
}

/// A transaction begun for an action, holding its key's claim when the request has one.
pub struct Pending {
    txn: DatabaseTransaction,
    claim: Option<Claim>,
}

#[derive(Debug)]
struct Claim {
    scope: String,
    key: String,
}

/// Begins the action's transaction and claims `key` in it; or, for a key already answered,
/// returns that answer to replay. Without a key the action simply proceeds.
pub async fn begin(
    db: &DatabaseConnection,
    scope: &str,
    key: &IdempotencyKey,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<NextAction, ApiError> {
    let txn = db.begin_write().await?;
    match claim(&txn, scope, key, request_hash, now).await? {
        Claimed::Proceed(claim) => Ok(NextAction::Proceed(Pending { txn, claim })),
        Claimed::Replay(response) => Ok(NextAction::Replay(response)),
    }
}

/// Runs `action` in a transaction that also claims `key` (scoped to `scope`, the caller),
/// and answers `status` with what it returns; a key already answered replays that answer.
/// For the handlers whose whole work is one such action.
pub async fn keyed<T, F>(
    db: &DatabaseConnection,
    scope: &str,
    key: &IdempotencyKey,
    fingerprint: &str,
    now: DateTime<Utc>,
    status: StatusCode,
    action: F,
) -> Result<Response, ApiError>
where
    T: Serialize,
    F: AsyncFnOnce(&DatabaseTransaction) -> Result<T, ApiError>,
{
    let pending = match begin(db, scope, key, fingerprint, now).await? {
        NextAction::Proceed(pending) => pending,
        NextAction::Replay(replay) => return Ok(replay),
    };
    let answer = action(pending.txn()).await?;
    pending.finish(status, &answer).await?;
    Ok((status, axum::Json(answer)).into_response())
}

impl Pending {
    /// The transaction the action writes in.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Saves the answer under the key (if any) and commits the action with it.
    pub async fn finish(self, status: StatusCode, body: &impl Serialize) -> Result<(), ApiError> {
        if let Some(claim) = self.claim {
            claim.save(&self.txn, status, body).await?;
        }
        self.txn.commit().await?;
        Ok(())
    }
}

enum Claimed {
    Proceed(Option<Claim>),
    Replay(Response),
}

async fn claim(
    txn: &DatabaseTransaction,
    scope: &str,
    key: &IdempotencyKey,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claimed, ApiError> {
    let Some(key) = &key.0 else {
        return Ok(Claimed::Proceed(None));
    };
    // One statement claims a new key or takes over an expired record of it; a live record
    // makes it change nothing, and is then read for the replay.
    let inserted = idempotency_record::Entity::insert(idempotency_record::ActiveModel {
        scope: Set(scope.to_owned()),
        key: Set(key.clone()),
        request_hash: Set(request_hash.to_owned()),
        status: Set(0),
        body: Set(String::new()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            idempotency_record::Column::Scope,
            idempotency_record::Column::Key,
        ])
        .update_columns([
            idempotency_record::Column::RequestHash,
            idempotency_record::Column::Status,
            idempotency_record::Column::Body,
            idempotency_record::Column::CreatedAt,
        ])
        .action_and_where(
            Expr::col((
                idempotency_record::Entity,
                idempotency_record::Column::CreatedAt,
            ))
            .lt(now - RETENTION),
        )
        .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    if inserted == 1 {
        return Ok(Claimed::Proceed(Some(Claim {
            scope: scope.to_owned(),
            key: key.clone(),
        })));
    }
    let existing = idempotency_record::Entity::find()
        .filter(idempotency_record::Column::Scope.eq(scope))
        .filter(idempotency_record::Column::Key.eq(key.as_str()))
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("idempotency record vanished")))?;
    if existing.request_hash != request_hash {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::IdempotencyKeyReused,
        ));
    }
    Ok(Claimed::Replay(replay(&existing)))
}

fn replay(record: &idempotency_record::Model) -> Response {
    let status = u16::try_from(record.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = (status, record.body.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

impl Claim {
    /// Saves the response inside the action's transaction.
    async fn save(
        self,
        txn: &DatabaseTransaction,
        status: StatusCode,
        body: &impl Serialize,
    ) -> Result<(), ApiError> {
        let body = serde_json::to_string(body).map_err(ApiError::internal)?;
        idempotency_record::Entity::update_many()
            .col_expr(
                idempotency_record::Column::Status,
                sea_orm::sea_query::Expr::value(i32::from(status.as_u16())),
            )
            .col_expr(
                idempotency_record::Column::Body,
                sea_orm::sea_query::Expr::value(body),
            )
            .filter(idempotency_record::Column::Scope.eq(self.scope))
            .filter(idempotency_record::Column::Key.eq(self.key))
            .exec(txn)
            .await?;
        Ok(())
    }
}

/// Records deleted per statement by [`forget_expired`]: short statements, so that a sweep
/// never holds SQLite's one connection or many PostgreSQL row locks for long.
const FORGET_BATCH: u64 = 1000;

/// Deletes the records past their retention, a batch at a time; returns how many went.
/// Expired records are also taken over when their key comes back, but most never do: without
/// this the table keeps every key ever sent.
pub async fn forget_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    use idempotency_record::{Column, Entity};
    let cutoff = now - RETENTION;
    let mut forgotten = 0;
    loop {
        let mut batch = Query::select();
        batch
            .columns([Column::Scope, Column::Key])
            .from(Entity)
            .and_where(Expr::col(Column::CreatedAt).lt(cutoff))
            .limit(FORGET_BATCH);
        // The age is checked again on the row itself: a record a retry has just taken over
        // (its `created_at` moved to now) is not deleted by a batch chosen before.
        let deleted = Entity::delete_many()
            .filter(
                Expr::tuple([Expr::col(Column::Scope), Expr::col(Column::Key)]).in_subquery(batch),
            )
            .filter(Column::CreatedAt.lt(cutoff))
            .exec(db)
            .await?;
        forgotten += deleted.rows_affected;
        if deleted.rows_affected < FORGET_BATCH {
            return Ok(forgotten);
        }
    }
}

/// The stored answers, keyed by (caller scope, key).
pub mod idempotency_record {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub scope: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub request_hash: String,
        pub status: i32,
        pub body: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
