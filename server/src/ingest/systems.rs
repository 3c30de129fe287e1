//! A facility's own systems and their keys, kept by the facility's administrators: a system
//! is an account of kind `system` (so that the book and the access log name it as they name
//! anyone), and sends with a key shown once and stored as a hash. Rotating issues a new key
//! and leaves the old ones working for [`KEY_OVERLAP_DAYS`], so that the system can switch
//! without a gap; revoking ends a key at once.

use super::entities::{facility_system, system_key};
use crate::auth::actor::Actor;
use crate::auth::audit::{self, Event, Record};
use crate::auth::entities::account;
use crate::auth::secrets::new_system_key;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::account::{AccountKind, AccountStatus};
use healthbook_domain::ingest::{
    FacilitySystemView, IssuedKey, KEY_OVERLAP_DAYS, NewSystemRequest, SystemKeyView,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

/// The address a system's account holds: unique, and no mailbox (`.invalid` is reserved).
fn system_address(id: Uuid) -> String {
    format!("system.{id}@systems.healthbook.invalid")
}

async fn view(
    db: &impl ConnectionTrait,
    system: facility_system::Model,
) -> Result<FacilitySystemView, ApiError> {
    let keys = system_key::Entity::find()
        .filter(system_key::Column::SystemId.eq(system.id))
        .order_by_asc(system_key::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(FacilitySystemView {
        id: system.id,
        facility_id: system.facility_id,
        name: system.name,
        created_at: system.created_at,
        keys: keys
            .into_iter()
            .map(|k| SystemKeyView {
                id: k.id,
                created_at: k.created_at,
                expires_at: k.expires_at,
                revoked_at: k.revoked_at,
                last_used_at: k.last_used_at,
            })
            .collect(),
    })
}

async fn issue_key(
    txn: &DatabaseTransaction,
    system: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(Uuid, String), ApiError> {
    let (key, hash) = new_system_key();
    let id = Uuid::now_v7();
    system_key::Entity::insert(system_key::ActiveModel {
        id: Set(id),
        system_id: Set(system),
        secret_hash: Set(hash),
        created_by: Set(by),
        created_at: Set(now),
        expires_at: Set(None),
        revoked_at: Set(None),
        last_used_at: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    audit::record(
        txn,
        Record::of(system, Event::SystemKeyIssued)
            .by(by)
            .with(serde_json::json!({ "key_id": id })),
        now,
    )
    .await?;
    Ok((id, key.into_inner()))
}

/// Issues `system` a key, commits, and answers it with the system's keys: the key is shown
/// this once.
async fn issue_and_commit(
    txn: DatabaseTransaction,
    system: facility_system::Model,
    by: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<(StatusCode, Json<IssuedKey>)> {
    let (key_id, key) = issue_key(&txn, system.id, by, now).await?;
    let system = view(&txn, system).await?;
    txn.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedKey {
            system,
            key_id,
            key,
        }),
    ))
}

/// Registers a system of the facility and issues its first key.
#[utoipa::path(post, path = "/facilities/{fid}/systems", tag = "ingest", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    request_body = NewSystemRequest,
    responses(
        (status = 201, description = "The system and its first key, shown this once", body = IssuedKey),
        (status = 403, description = "Not an administrator of a facility", content_type = "application/problem+json"),
        (status = 404, description = "No such facility, or not the caller's", content_type = "application/problem+json"),
        (status = 422, description = "`system_name_length`", content_type = "application/problem+json"),
    ))]
pub async fn create_system(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidJson(request): ValidJson<NewSystemRequest>,
) -> ApiResult<(StatusCode, Json<IssuedKey>)> {
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let now = state.clock.now();
    let name = request.name.trim().to_owned();
    let id = Uuid::now_v7();
    let address = system_address(id);
    let txn = state.db.begin_write().await?;
    account::Entity::insert(account::ActiveModel {
        id: Set(id),
        kind: Set(AccountKind::System.as_str().to_owned()),
        email: Set(address.clone()),
        email_key: Set(address),
        email_verified_at: Set(None),
        display_name: Set(name.clone()),
        phone: Set(None),
        lang: Set("vi".to_owned()),
        status: Set(AccountStatus::Active.as_str().to_owned()),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    let system = facility_system::Model {
        id,
        facility_id: fid,
        name,
        created_by: actor.account_id,
        created_at: now,
        disabled_at: None,
    };
    facility_system::Entity::insert(facility_system::ActiveModel {
        id: Set(system.id),
        facility_id: Set(system.facility_id),
        name: Set(system.name.clone()),
        created_by: Set(system.created_by),
        created_at: Set(now),
        disabled_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Record::of(id, Event::SystemCreated)
            .by(actor.account_id)
            .with(serde_json::json!({ "facility_id": fid })),
        now,
    )
    .await?;
    issue_and_commit(txn, system, actor.account_id, now).await
}

/// The facility's systems, with their keys (never a secret).
#[utoipa::path(get, path = "/facilities/{fid}/systems", tag = "ingest", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    responses(
        (status = 200, description = "The systems, oldest first", body = Vec<FacilitySystemView>),
        (status = 403, description = "Not an administrator of a facility", content_type = "application/problem+json"),
        (status = 404, description = "No such facility, or not the caller's", content_type = "application/problem+json"),
    ))]
pub async fn list_systems(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
) -> ApiResult<Json<Vec<FacilitySystemView>>> {
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let systems = facility_system::Entity::find()
        .filter(facility_system::Column::FacilityId.eq(fid))
        .order_by_asc(facility_system::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut views = Vec::with_capacity(systems.len());
    for system in systems {
        views.push(view(&state.db, system).await?);
    }
    Ok(Json(views))
}

/// The facility's system `sid`; another facility's is as absent as a random id.
async fn system_of(
    db: &impl ConnectionTrait,
    fid: Uuid,
    sid: Uuid,
) -> Result<facility_system::Model, ApiError> {
    facility_system::Entity::find_by_id(sid)
        .filter(facility_system::Column::FacilityId.eq(fid))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Issues a new key; the system's other live keys keep working for seven days.
#[utoipa::path(post, path = "/facilities/{fid}/systems/{sid}/keys", tag = "ingest", security(("bearer" = [])),
    params(
        ("fid" = Uuid, Path, description = "Facility id"),
        ("sid" = Uuid, Path, description = "System id"),
    ),
    responses(
        (status = 201, description = "The new key, shown this once, and the system's keys", body = IssuedKey),
        (status = 403, description = "Not an administrator of a facility", content_type = "application/problem+json"),
        (status = 404, description = "No such system at a facility of the caller's", content_type = "application/problem+json"),
    ))]
pub async fn rotate_key(
    State(state): State<AppState>,
    actor: Actor,
    Path((fid, sid)): Path<(Uuid, Uuid)>,
) -> ApiResult<(StatusCode, Json<IssuedKey>)> {
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let system = system_of(&txn, fid, sid).await?;
    let overlap_end = now + Duration::days(KEY_OVERLAP_DAYS);
    // Keys already ending sooner keep their own end.
    system_key::Entity::update_many()
        .col_expr(system_key::Column::ExpiresAt, Expr::value(overlap_end))
        .filter(system_key::Column::SystemId.eq(sid))
        .filter(system_key::Column::RevokedAt.is_null())
        .filter(system_key::Column::ExpiresAt.is_null())
        .exec(&txn)
        .await?;
    issue_and_commit(txn, system, actor.account_id, now).await
}

/// Ends a key at once.
#[utoipa::path(delete, path = "/facilities/{fid}/systems/{sid}/keys/{kid}", tag = "ingest", security(("bearer" = [])),
    params(
        ("fid" = Uuid, Path, description = "Facility id"),
        ("sid" = Uuid, Path, description = "System id"),
        ("kid" = Uuid, Path, description = "Key id"),
    ),
    responses(
        (status = 204, description = "Revoked (or already revoked)"),
        (status = 403, description = "Not an administrator of a facility", content_type = "application/problem+json"),
        (status = 404, description = "No such key of a system at a facility of the caller's", content_type = "application/problem+json"),
    ))]
pub async fn revoke_key(
    State(state): State<AppState>,
    actor: Actor,
    Path((fid, sid, kid)): Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    system_of(&txn, fid, sid).await?;
    let key = system_key::Entity::find_by_id(kid)
        .filter(system_key::Column::SystemId.eq(sid))
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if key.revoked_at.is_none() {
        system_key::Entity::update_many()
            .col_expr(system_key::Column::RevokedAt, Expr::value(now))
            .filter(system_key::Column::Id.eq(kid))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            Record::of(sid, Event::SystemKeyRevoked)
                .by(actor.account_id)
                .with(serde_json::json!({ "key_id": kid })),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
