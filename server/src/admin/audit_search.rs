//! `GET /v1/admin/audit`: support searches the authentication trail.

use crate::auth::actor::Actor;
use crate::auth::entities::auth_event;
use crate::auth::me::AuthEventView;
use crate::authz::{Action, Resource};
use crate::error::ApiResult;
use crate::http::{ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use healthbook_domain::page::{Page, page_size};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this account's events.
    pub account: Option<Uuid>,
    /// Only events of this kind (`sign_in_failed`, `lockout`, `passkey_added`…).
    #[validate(length(max = 48))]
    #[param(max_length = 48)]
    pub kind: Option<String>,
    /// From this instant (inclusive), RFC 3339.
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive), RFC 3339.
    pub to: Option<DateTime<Utc>>,
    pub cursor: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub account_id: Option<Uuid>,
    /// The officer who acted, when not the account holder.
    pub actor_account_id: Option<Uuid>,
    pub ip: Option<String>,
    #[serde(flatten)]
    pub event: AuthEventView,
}

#[derive(Serialize, Deserialize)]
struct AuditCursor {
    id: Uuid,
}

/// Authentication events, newest first, filtered by account, kind and time.
#[utoipa::path(get, path = "/admin/audit", tag = "admin", security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, description = "A page of events", body = Page<AuditEntry>)))]
pub async fn search(
    State(state): State<AppState>,
    actor: Actor,
    ValidQuery(query): ValidQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    state
        .authorize(&actor, Action::Support, Resource::Platform)
        .await?;
    let limit = page_size(query.limit);
    // Ids are UUIDv7, so ordering by id is ordering by time, with no ties.
    let mut select = auth_event::Entity::find()
        .order_by_desc(auth_event::Column::Id)
        .limit(limit + 1);
    if let Some(account) = query.account {
        select = select.filter(auth_event::Column::AccountId.eq(account));
    }
    if let Some(kind) = &query.kind {
        select = select.filter(auth_event::Column::Kind.eq(kind.as_str()));
    }
    if let Some(from) = query.from {
        select = select.filter(auth_event::Column::At.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(auth_event::Column::At.lt(to));
    }
    if let Some(raw) = &query.cursor {
        let after: AuditCursor = cursor::decode(raw)?;
        select = select.filter(auth_event::Column::Id.lt(after.id));
    }
    let mut rows = select.all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last()
            .map(|last| cursor::encode(&AuditCursor { id: last.id }))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|row| AuditEntry {
            account_id: row.account_id,
            actor_account_id: row.actor_account_id,
            ip: row.ip.clone(),
            event: AuthEventView::from(row),
        })
        .collect();
    Ok(Json(Page { items, next_cursor }))
}
