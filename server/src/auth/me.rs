//! The caller's own account: who they are, their sessions, their authentication events.

use super::actor::Actor;
use super::audit::{self, Event, Record};
use super::entities::{account, auth_event, citizen, passkey, session};
use super::people::profile;
use super::session as sessions;
use crate::authz::{Action, Resource};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::account::{Assurance, LogoutRequest, Me, SessionInfo};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

pub async fn build_me(
    db: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Option<Me>, DbErr> {
    let Some(account) = account::Entity::find_by_id(actor.account_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let citizen = match actor.citizen_id {
        Some(id) => citizen::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let dependents = match &citizen {
        Some(c) => super::people::dependents_of(db, c.id, today).await?,
        None => Vec::new(),
    };
    let passkeys = passkey::Entity::find()
        .filter(passkey::Column::AccountId.eq(account.id))
        .count(db)
        .await?;
    Ok(Some(Me {
        account_id: account.id,
        email: account.email,
        email_verified: account.email_verified_at.is_some(),
        lang: actor.lang,
        assurance: actor.assurance,
        session_id: actor.session_id,
        citizen: citizen.as_ref().map(profile),
        roles: actor.roles.clone(),
        dependents,
        passkeys: u32::try_from(passkeys).unwrap_or(u32::MAX),
        recovery_pending_until: super::recovery::pending_until(db, account.id, now).await?,
    }))
}

/// The caller: account, citizen profile, roles, dependents.
#[utoipa::path(get, path = "/me", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
    ))]
pub async fn me(State(state): State<AppState>, actor: Actor) -> ApiResult<Json<Me>> {
    let (now, today) = (state.clock.now(), state.clock.today());
    state
        .authorize(&actor, Action::ReadOwnAccount, Resource::OwnAccount)
        .await?;
    build_me(&state.db, &actor, now, today)
        .await?
        .map(Json)
        .ok_or_else(|| super::error::AuthError::Unauthenticated.into())
}

/// The account's live sessions, newest first, with device names.
#[utoipa::path(get, path = "/me/sessions", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "Live sessions", body = Vec<SessionInfo>)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<SessionInfo>>> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ReadOwnAccount, Resource::OwnAccount)
        .await?;
    let rows = session::Entity::find()
        .filter(session::Column::AccountId.eq(actor.account_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::IdleExpiresAt.gt(now))
        .filter(session::Column::AbsoluteExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .all(&state.db)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| SessionInfo {
                current: row.id == actor.session_id,
                id: row.id,
                device_name: row.device_name,
                assurance: Assurance::parse(&row.assurance).unwrap_or(Assurance::Basic),
                created_at: row.created_at,
                last_seen_at: row.last_seen_at,
                expires_at: row.idle_expires_at.min(row.absolute_expires_at),
            })
            .collect(),
    ))
}

/// Ends one of the caller's sessions (a lost tablet, say).
#[utoipa::path(delete, path = "/me/sessions/{sid}", tag = "account", security(("bearer" = [])),
    params(("sid" = Uuid, Path, description = "Session id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such session of yours", content_type = "application/problem+json"),
    ))]
pub async fn revoke_session(
    State(state): State<AppState>,
    actor: Actor,
    Path(sid): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManageOwnSessions, Resource::OwnAccount)
        .await?;
    let revoked = sessions::revoke_where(&state, actor.account_id, Some(sid), None).await?;
    if revoked.is_empty() {
        return Err(ApiError::not_found());
    }
    audit::record_alone(
        &state.db,
        Record::of(actor.account_id, Event::SessionRevoked)
            .with(serde_json::json!({ "session_id": sid })),
        now,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends this session, or every session of the account with `{"everywhere": true}`.
/// The body is optional: an empty body ends this session only.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    request_body(content = Option<LogoutRequest>),
    responses((status = 204, description = "Signed out")))]
pub async fn logout(
    State(state): State<AppState>,
    actor: Actor,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    let now = state.clock.now();
    let everywhere = if body.iter().all(u8::is_ascii_whitespace) {
        false
    } else {
        crate::http::json::parse::<LogoutRequest>(&body)?.everywhere
    };
    let only = if everywhere {
        None
    } else {
        Some(actor.session_id)
    };
    sessions::revoke_where(&state, actor.account_id, only, None).await?;
    let event = if everywhere {
        Event::LoggedOutEverywhere
    } else {
        Event::SessionRevoked
    };
    audit::record_alone(
        &state.db,
        Record::of(actor.account_id, event)
            .with(serde_json::json!({ "session_id": actor.session_id })),
        now,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuthEventView {
    pub id: Uuid,
    pub kind: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// Set when support acted on the account.
    pub by_support: bool,
    pub detail: Option<serde_json::Value>,
}

impl From<auth_event::Model> for AuthEventView {
    fn from(row: auth_event::Model) -> Self {
        AuthEventView {
            by_support: row
                .actor_account_id
                .is_some_and(|a| Some(a) != row.account_id),
            id: row.id,
            kind: row.kind,
            at: row.at,
            detail: row.detail.and_then(|d| serde_json::from_str(&d).ok()),
        }
    }
}

/// The caller's own authentication events, newest first (the latest 100).
#[utoipa::path(get, path = "/me/auth-events", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "Sign-ins, failures, passkeys, lockouts", body = Vec<AuthEventView>)))]
pub async fn auth_events(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<AuthEventView>>> {
    state
        .authorize(&actor, Action::ReadOwnAccount, Resource::OwnAccount)
        .await?;
    let rows = auth_event::Entity::find()
        .filter(auth_event::Column::AccountId.eq(actor.account_id))
        .order_by_desc(auth_event::Column::At)
        .limit(100)
        .all(&state.db)
        .await?;
    Ok(Json(rows.into_iter().map(AuthEventView::from).collect()))
}
