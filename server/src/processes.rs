//! Which `serve` processes share the database, so that a deployment of several processes
//! without Redis is refused rather than quietly wrong.
//!
//! Without Redis each process keeps its own session snapshots and rate-limit counters: a
//! session revoked on one process would live on in another's cache for up to a minute, and
//! every limit would multiply by the number of processes. On PostgreSQL (what several
//! processes share in production) each process writes a heartbeat row; a process without
//! Redis refuses to start while another one is alive, and a process with Redis refuses while
//! one without it is. SQLite is the one-machine development store; its tests run "another
//! process" to play another moment of the same deployment, and are not checked.

use crate::auth::entities::server_process;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// How often a process says it is alive.
pub const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(10);
/// After how long without a heartbeat a process counts as gone (a crash leaves its row).
pub const GONE_AFTER: Duration = Duration::seconds(30);

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error(
        "another healthbook process served this database {seconds} s ago; several processes need \
         Redis (--redis-url) to share sessions and rate limits. If it has stopped, start again \
         in {wait} s"
    )]
    NeedsRedis { seconds: i64, wait: i64 },
    #[error(
        "a healthbook process without Redis serves this database ({seconds} s ago); stop it or \
         give it --redis-url before adding processes"
    )]
    PeerWithoutRedis { seconds: i64 },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Checks the live processes and registers this one. Returns its id for the heartbeat.
pub async fn register(
    db: &impl ConnectionTrait,
    shared_cache: bool,
    now: DateTime<Utc>,
) -> Result<Uuid, Refusal> {
    let live = server_process::Entity::find()
        .filter(server_process::Column::SeenAt.gt(now - GONE_AFTER))
        .all(db)
        .await?;
    for peer in &live {
        let seconds = (now - peer.seen_at).num_seconds().max(0);
        if !shared_cache {
            return Err(Refusal::NeedsRedis {
                seconds,
                wait: (GONE_AFTER.num_seconds() - seconds).max(1),
            });
        }
        if !peer.shared_cache {
            return Err(Refusal::PeerWithoutRedis { seconds });
        }
    }
    server_process::Entity::delete_many()
        .filter(server_process::Column::SeenAt.lte(now - GONE_AFTER))
        .exec(db)
        .await?;
    let id = Uuid::now_v7();
    server_process::Entity::insert(server_process::ActiveModel {
        id: Set(id),
        shared_cache: Set(shared_cache),
        started_at: Set(now),
        seen_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

pub async fn heartbeat(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    server_process::Entity::update_many()
        .col_expr(server_process::Column::SeenAt, Expr::value(now))
        .filter(server_process::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// A process that stops cleanly leaves at once, so that it can be restarted without waiting.
pub async fn leave(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    server_process::Entity::delete_by_id(id)
        .exec(db)
        .await
        .map(|_| ())
}
