//! The account's own passkeys: listed with their names and last use, renamed, removed (never
//! the last).

use super::actor::Actor;
use super::audit::{self, Event, Record};
use super::entities::{account, passkey};
use super::error::AuthError;
use super::people::lang_of;
use super::{mails, session};
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use healthbook_domain::account::{PasskeyInfo, PasskeyRename};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The account's passkeys with their names and last use.
#[utoipa::path(get, path = "/me/passkeys", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "Passkeys", body = Vec<PasskeyInfo>)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<PasskeyInfo>>> {
    state
        .authorize(&actor, Action::ReadOwnAccount, Resource::OwnAccount)
        .await?;
    let rows = passkey::Entity::find()
        .filter(passkey::Column::AccountId.eq(actor.account_id))
        .order_by_asc(passkey::Column::CreatedAt)
        .all(&state.db)
        .await?;
    Ok(Json(rows.iter().map(info).collect()))
}

/// Renames one of the caller's passkeys.
#[utoipa::path(patch, path = "/me/passkeys/{pkid}", tag = "account", security(("bearer" = [])),
    params(("pkid" = Uuid, Path, description = "Passkey id")),
    request_body = PasskeyRename,
    responses(
        (status = 200, description = "Renamed", body = PasskeyInfo),
        (status = 404, description = "No such passkey of yours", content_type = "application/problem+json"),
    ))]
pub async fn rename(
    State(state): State<AppState>,
    actor: Actor,
    Path(pkid): Path<Uuid>,
    ValidJson(request): ValidJson<PasskeyRename>,
) -> ApiResult<Json<PasskeyInfo>> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManagePasskeys, Resource::OwnAccount)
        .await?;
    let txn = state.db.begin_write().await?;
    let updated = passkey::Entity::update_many()
        .col_expr(
            passkey::Column::Name,
            Expr::value(request.name.trim().to_owned()),
        )
        .filter(passkey::Column::Id.eq(pkid))
        .filter(passkey::Column::AccountId.eq(actor.account_id))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(ApiError::not_found());
    }
    audit::record(
        &txn,
        Record::of(actor.account_id, Event::PasskeyRenamed)
            .with(serde_json::json!({ "passkey_id": pkid })),
        now,
    )
    .await?;
    txn.commit().await?;
    let row = passkey::Entity::find_by_id(pkid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(info(&row)))
}

/// Removes one of the caller's passkeys, never the last: without it the account would have
/// no way in but recovery. Every session the passkey opened ends with it (a lost phone's
/// sessions go with its passkey), and the owner is told by mail.
#[utoipa::path(delete, path = "/me/passkeys/{pkid}", tag = "account", security(("bearer" = [])),
    params(("pkid" = Uuid, Path, description = "Passkey id")),
    responses(
        (status = 204, description = "Removed; its sessions ended"),
        (status = 404, description = "No such passkey of yours", content_type = "application/problem+json"),
        (status = 409, description = "`last_passkey`", content_type = "application/problem+json"),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    actor: Actor,
    Path(pkid): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManagePasskeys, Resource::OwnAccount)
        .await?;
    let txn = state.db.begin_write().await?;
    let Some(removed) = passkey::Entity::find()
        .filter(passkey::Column::Id.eq(pkid))
        .filter(passkey::Column::AccountId.eq(actor.account_id))
        .one(&txn)
        .await?
    else {
        return Err(ApiError::not_found());
    };
    let count = passkey::Entity::find()
        .filter(passkey::Column::AccountId.eq(actor.account_id))
        .count(&txn)
        .await?;
    if count <= 1 {
        return Err(AuthError::LastPasskey.into());
    }
    passkey::Entity::delete_by_id(pkid).exec(&txn).await?;
    audit::record(
        &txn,
        Record::of(actor.account_id, Event::PasskeyRemoved)
            .with(serde_json::json!({ "passkey_id": pkid })),
        now,
    )
    .await?;
    if let Some(account) = account::Entity::find_by_id(actor.account_id)
        .one(&txn)
        .await?
    {
        mail::enqueue(
            &txn,
            mails::passkeys_removed(
                &account.email,
                &account.display_name,
                std::slice::from_ref(&removed.name),
                lang_of(&account),
            ),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    state.mailer.wake();
    session::revoke_opened_by(&state, pkid).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) fn info(row: &passkey::Model) -> PasskeyInfo {
    PasskeyInfo {
        id: row.id,
        name: row.name.clone(),
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        discoverable: row.discoverable,
    }
}
