//! Sessions: opened by a sign-in, checked on every request, revoked by logout or support.
//!
//! The database holds every session (hashed token, expiries, revocation) and is the source
//! of truth; the cache holds a snapshot of the caller for a minute so that the check on
//! every request costs one cache read. When the cache is down the check falls back to the
//! database: signed-in people keep working through a Redis outage.
//!
//! Two rules keep the cache from ever being trusted more than the database:
//! - a revocation leaves a marker in the snapshot's place, and a snapshot is written only
//!   where no marker is (one conditional write), so a request that read the session just
//!   before the revocation cannot bring it back on any process;
//! - a snapshot carries an HMAC, under a key kept in the database, of itself and the key it
//!   is stored under: whoever can write to Redis cannot mint or move a session.

use super::actor::{AccountKind, Actor};
use super::entities::{account, citizen, session, staff_role};
use super::error::AuthError;
use super::secrets::{hash_token, new_session_token};
use crate::error::ApiError;
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::Lang;
use healthbook_domain::account::{Assurance, RoleGrant, SessionGrant, StaffRole};
use ring::hmac;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter,
};
use uuid::Uuid;

/// How long a session may stay unused, and live at most.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    pub idle: Duration,
    pub absolute: Duration,
}

/// Citizens keep their phone signed in; staff sessions are a working day; enrolment and
/// recovery sessions exist only to register a passkey.
pub fn lifetime(kind: AccountKind, assurance: Assurance) -> Lifetime {
    match (assurance, kind) {
        (Assurance::Enrolment, _) => Lifetime {
            idle: Duration::minutes(15),
            absolute: Duration::minutes(30),
        },
        // A facility's system never holds a session (it sends with a key); were one ever made
        // for it, it would be a working day's at most.
        (_, AccountKind::Staff | AccountKind::System) => Lifetime {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        },
        (_, AccountKind::Citizen) => Lifetime {
            idle: Duration::days(14),
            absolute: Duration::days(90),
        },
    }
}

/// How long the cache may answer for the database.
const SNAPSHOT_TTL: std::time::Duration = std::time::Duration::from_secs(60);
/// Idle expiry moves forward at most this often, so a busy session is not a write per request.
const TOUCH_EVERY: Duration = Duration::minutes(5);

/// What a revoked session's cache entry holds. Never a valid sealed snapshot: those start
/// with a 32-byte tag.
const REVOKED: &[u8] = b"revoked";

fn cache_key(token_hash: &str) -> String {
    format!("session:{token_hash}")
}

/// The key that seals cached snapshots; every process of a deployment reads the same one from
/// the database at start.
pub struct SnapshotKey(hmac::Key);

impl std::fmt::Debug for SnapshotKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SnapshotKey([redacted])")
    }
}

impl SnapshotKey {
    pub const NAME: &'static str = "session_snapshot_mac";

    pub fn new(secret: &[u8]) -> SnapshotKey {
        SnapshotKey(hmac::Key::new(hmac::HMAC_SHA256, secret))
    }

    /// Reads (or, on a new database, creates) the deployment's key.
    pub async fn load(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<SnapshotKey, DbErr> {
        let secret = super::secrets::shared_key(db, Self::NAME, now).await?;
        Ok(SnapshotKey::new(&secret))
    }

    /// The snapshot as the cache stores it: the tag, then the JSON. The tag also covers the
    /// cache key, so a snapshot copied under another token's key fails.
    fn seal(&self, key: &str, actor: &Actor) -> Option<Vec<u8>> {
        let json = serde_json::to_vec(actor).ok()?;
        let mut sealed = hmac::sign(&self.0, &signed(key, &json)).as_ref().to_vec();
        sealed.extend_from_slice(&json);
        Some(sealed)
    }

    /// The snapshot, if `sealed` was sealed by this key for `key`.
    fn open(&self, key: &str, sealed: &[u8]) -> Option<Actor> {
        let (tag, json) = sealed.split_at_checked(32)?;
        hmac::verify(&self.0, &signed(key, json), tag).ok()?;
        serde_json::from_slice(json).ok()
    }
}

fn signed(key: &str, json: &[u8]) -> Vec<u8> {
    [key.as_bytes(), &[0], json].concat()
}

/// What the cache says of a session.
enum Cached {
    Live(Actor),
    Revoked,
    Unknown,
}

/// Opens a session inside the caller's transaction; the caller commits.
pub async fn open(
    txn: &DatabaseTransaction,
    account: &account::Model,
    assurance: Assurance,
    passkey: Option<Uuid>,
    device_name: Option<String>,
    now: DateTime<Utc>,
) -> Result<SessionGrant, DbErr> {
    let (token, token_hash) = new_session_token();
    // A row of no known kind gets the shorter, staff life.
    let life = lifetime(account.kind().unwrap_or(AccountKind::Staff), assurance);
    let id = Uuid::now_v7();
    let expires_at = now + life.absolute;
    session::Entity::insert(session::ActiveModel {
        id: Set(id),
        token_hash: Set(token_hash),
        account_id: Set(account.id),
        assurance: Set(assurance.as_str().to_owned()),
        device_name: Set(device_name.map(|d| d.chars().take(100).collect())),
        created_at: Set(now),
        last_seen_at: Set(now),
        idle_expires_at: Set(Ord::min(now + life.idle, expires_at)),
        absolute_expires_at: Set(expires_at),
        revoked_at: Set(None),
        passkey_id: Set(passkey),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(SessionGrant {
        token,
        session_id: id,
        account_id: account.id,
        assurance,
        expires_at,
    })
}

/// Checks a bearer token and returns the caller.
pub async fn resolve(state: &AppState, token: &str) -> Result<Actor, ApiError> {
    let now = state.clock.now();
    let token_hash = hash_token(token);
    let key = cache_key(&token_hash);
    let cached = match state.cache.get(&key).await {
        Ok(Some(bytes)) if bytes == REVOKED => Cached::Revoked,
        Ok(Some(bytes)) => match state.snapshot_key.open(&key, &bytes) {
            Some(actor) => Cached::Live(actor),
            None => {
                tracing::warn!("a cached session snapshot failed its seal; checking the database");
                Cached::Unknown
            }
        },
        Ok(None) => Cached::Unknown,
        Err(error) => {
            tracing::warn!(error = %error, "session cache unavailable; checking the database");
            Cached::Unknown
        }
    };
    let actor = match cached {
        Cached::Live(actor) => actor,
        Cached::Revoked => return Err(AuthError::Unauthenticated.into()),
        Cached::Unknown => {
            let actor = load(&state.db, &token_hash)
                .await?
                .ok_or(AuthError::Unauthenticated)?;
            remember(state, &key, &actor).await;
            actor
        }
    };
    if now >= actor.idle_expires_at || now >= actor.absolute_expires_at {
        return Err(AuthError::Unauthenticated.into());
    }
    if now - actor.last_seen_at >= TOUCH_EVERY {
        return touch(state, &key, actor, now).await;
    }
    Ok(actor)
}

/// Caches the snapshot unless the session was revoked meanwhile: the marker wins.
async fn remember(state: &AppState, key: &str, actor: &Actor) {
    let Some(sealed) = state.snapshot_key.seal(key, actor) else {
        return;
    };
    if let Err(error) = state
        .cache
        .set_unless_equals(key, &sealed, SNAPSHOT_TTL, REVOKED)
        .await
    {
        tracing::warn!(error = %error, "cannot cache session");
    }
}

async fn touch(
    state: &AppState,
    key: &str,
    mut actor: Actor,
    now: DateTime<Utc>,
) -> Result<Actor, ApiError> {
    let life = lifetime(actor.kind, actor.assurance);
    let idle = Ord::min(now + life.idle, actor.absolute_expires_at);
    let updated = session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .col_expr(session::Column::IdleExpiresAt, Expr::value(idle))
        .filter(session::Column::Id.eq(actor.session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&state.db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(AuthError::Unauthenticated.into());
    }
    actor.last_seen_at = now;
    actor.idle_expires_at = idle;
    remember(state, key, &actor).await;
    Ok(actor)
}

/// Reads a live session and its account from the database.
async fn load(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<Actor>, DbErr> {
    let Some(row) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(token_hash))
        .filter(session::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(account) = account::Entity::find_by_id(row.account_id).one(db).await? else {
        return Ok(None);
    };
    let (Some(kind), true) = (account.kind(), account.is_active()) else {
        return Ok(None);
    };
    let Some(assurance) = Assurance::parse(&row.assurance) else {
        return Ok(None);
    };
    let citizen_id = citizen::Entity::find()
        .filter(citizen::Column::AccountId.eq(account.id))
        .one(db)
        .await?
        .map(|c| c.id);
    Ok(Some(Actor {
        session_id: row.id,
        account_id: account.id,
        kind,
        assurance,
        citizen_id,
        roles: roles_of(db, account.id).await?,
        email_verified: account.email_verified_at.is_some(),
        lang: Lang::from_code(&account.lang),
        display_name: account.display_name.clone(),
        last_seen_at: row.last_seen_at,
        idle_expires_at: row.idle_expires_at,
        absolute_expires_at: row.absolute_expires_at,
    }))
}

pub async fn roles_of(
    db: &impl ConnectionTrait,
    account_id: Uuid,
) -> Result<Vec<RoleGrant>, DbErr> {
    let mut roles: Vec<RoleGrant> = staff_role::Entity::find()
        .filter(staff_role::Column::AccountId.eq(account_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(RoleGrant {
                role: StaffRole::parse(&row.role)?,
                facility_id: row.facility_id,
                admin_unit: row.admin_unit,
            })
        })
        .collect();
    roles.sort_by_key(|grant| (grant.role, grant.facility_id));
    Ok(roles)
}

/// Revokes sessions of an account (all, or all but one) and forgets their cached snapshots.
/// Returns the ids revoked.
pub async fn revoke_where(
    state: &AppState,
    account_id: Uuid,
    only: Option<Uuid>,
    except: Option<Uuid>,
) -> Result<Vec<Uuid>, DbErr> {
    let mut query = session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(id) = only {
        query = query.filter(session::Column::Id.eq(id));
    }
    if let Some(id) = except {
        query = query.filter(session::Column::Id.ne(id));
    }
    let rows = query.all(&state.db).await?;
    revoke_rows(state, rows).await
}

async fn revoke_rows(state: &AppState, rows: Vec<session::Model>) -> Result<Vec<Uuid>, DbErr> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(state.clock.now()))
        .filter(session::Column::Id.is_in(ids.clone()))
        .exec(&state.db)
        .await?;
    for row in rows {
        forget(state, &row.token_hash, true).await;
    }
    Ok(ids)
}

/// Revokes every live session that `passkey` opened.
pub async fn revoke_opened_by(state: &AppState, passkey: Uuid) -> Result<Vec<Uuid>, DbErr> {
    let rows = session::Entity::find()
        .filter(session::Column::PasskeyId.eq(passkey))
        .filter(session::Column::RevokedAt.is_null())
        .all(&state.db)
        .await?;
    revoke_rows(state, rows).await
}

/// Drops the cached snapshots of every live session of an account, so that a change of
/// roles, lock or email verification applies at the next request.
pub async fn refresh_account(state: &AppState, account_id: Uuid) -> Result<(), DbErr> {
    let rows = session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null())
        .all(&state.db)
        .await?;
    for row in rows {
        forget(state, &row.token_hash, false).await;
    }
    Ok(())
}

async fn forget(state: &AppState, token_hash: &str, revoked: bool) {
    let key = cache_key(token_hash);
    let outcome = if revoked {
        // The marker outlives any request that read the session before the revocation
        // (requests time out well within it), and no snapshot overwrites it.
        state.cache.set(&key, REVOKED, SNAPSHOT_TTL * 2).await
    } else {
        state.cache.delete(&key).await.map(|_| ())
    };
    if let Err(error) = outcome {
        // The snapshot expires within a minute anyway; the database already says revoked.
        tracing::warn!(error = %error, "cannot clear cached session");
    }
}

/// Whether `until` still locks the account at `now`.
pub fn locked_at(account: &account::Model, now: DateTime<Utc>) -> bool {
    !account.is_active() || account.locked_until.is_some_and(|until| until > now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_sessions_are_shorter_than_citizen_sessions() {
        let citizen = lifetime(AccountKind::Citizen, Assurance::Passkey);
        let staff = lifetime(AccountKind::Staff, Assurance::Passkey);
        let enrolment = lifetime(AccountKind::Citizen, Assurance::Enrolment);
        assert!(staff.absolute < citizen.absolute);
        assert!(staff.idle < citizen.idle);
        assert!(enrolment.absolute <= Duration::minutes(30));
    }
}
