//! Dual control: what one support officer asks and a second carries out — creating a support
//! account, locking one (which requests need it is the authorization module's
//! `needs_second_officer`). The request is checked by running it in a savepoint that is
//! rolled back, so that it fails now rather than at approval for anything it can know now;
//! the approval runs it again, for real, in the transaction that records the decision.

use super::entities::approval;
use super::users::{self, CreateStaffRequest};
use crate::auth::actor::Actor;
use crate::auth::audit::{self, Event, Record};
use crate::auth::staff;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::problem::ProblemCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

/// How long a request waits for a second officer.
pub const LIFETIME: Duration = Duration::hours(24);

/// What a pending request will do once approved.
#[derive(Debug, Clone)]
pub enum Pending {
    CreateStaff(CreateStaffRequest),
    LockAccount(Uuid),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalAction {
    /// Create a staff account (a support officer's).
    CreateStaff,
    /// Lock a support officer's account and end its sessions.
    LockAccount,
}

impl ApprovalAction {
    fn as_str(self) -> &'static str {
        match self {
            ApprovalAction::CreateStaff => "create_staff",
            ApprovalAction::LockAccount => "lock_account",
        }
    }

    fn parse(value: &str) -> Option<ApprovalAction> {
        [ApprovalAction::CreateStaff, ApprovalAction::LockAccount]
            .into_iter()
            .find(|a| a.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Pending,
    Approved,
    Rejected,
    /// Not decided within its lifetime: it can no longer be approved.
    Expired,
}

/// A request that needs a second support officer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Approval {
    pub id: Uuid,
    pub action: ApprovalAction,
    /// The account concerned: the one to lock, or the one created once approved.
    pub account_id: Option<Uuid>,
    /// For `create_staff`: the account to create.
    pub staff: Option<CreateStaffRequest>,
    /// The officer who asked.
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    /// Until when a second officer may approve it.
    pub expires_at: DateTime<Utc>,
    pub status: ApprovalStatus,
    /// The officer who approved or rejected it.
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
}

fn not_pending() -> ApiError {
    ApiError::conflict(ProblemCode::ApprovalNotPending)
}

fn view(row: approval::Model, now: DateTime<Utc>) -> Result<Approval, ApiError> {
    let action = ApprovalAction::parse(&row.action)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown approval action")))?;
    let staff = match action {
        ApprovalAction::CreateStaff => {
            Some(serde_json::from_str(&row.request).map_err(ApiError::internal)?)
        }
        ApprovalAction::LockAccount => None,
    };
    let status = match row.status.as_str() {
        "approved" => ApprovalStatus::Approved,
        "rejected" => ApprovalStatus::Rejected,
        _ if row.expires_at <= now => ApprovalStatus::Expired,
        _ => ApprovalStatus::Pending,
    };
    Ok(Approval {
        id: row.id,
        action,
        account_id: row.account_id,
        staff,
        requested_by: row.requested_by,
        requested_at: row.requested_at,
        expires_at: row.expires_at,
        status,
        decided_by: row.decided_by,
        decided_at: row.decided_at,
    })
}

/// The trail entry of one step of a request, naming both officers once there are two.
fn step(row: &approval::Model, event: Event, by: Uuid) -> Record {
    Record {
        account_id: row.account_id,
        event,
        actor_account_id: Some(by),
        ip: None,
        detail: Some(serde_json::json!({
            "approval_id": row.id,
            "action": row.action,
            "requested_by": row.requested_by,
            "decided_by": row.decided_by,
        })),
    }
}

/// Carries out an approved request in `txn`, by `officer`; returns the account concerned.
async fn execute(
    txn: &DatabaseTransaction,
    row: &approval::Model,
    officer: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    match ApprovalAction::parse(&row.action) {
        Some(ApprovalAction::CreateStaff) => {
            let request: CreateStaffRequest =
                serde_json::from_str(&row.request).map_err(ApiError::internal)?;
            let staff = users::new_staff(&request)?;
            staff::create(txn, &staff, Some(officer), now).await
        }
        Some(ApprovalAction::LockAccount) => {
            let uid = row
                .account_id
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("lock without account")))?;
            let record = step(row, Event::AccountLocked, officer);
            users::lock_in(txn, uid, record, now).await?;
            Ok(uid)
        }
        None => Err(ApiError::internal(anyhow::anyhow!(
            "unknown approval action"
        ))),
    }
}

/// What happens outside the database once a request was carried out and committed.
async fn after_commit(state: &AppState, action: &str, account: Uuid) -> Result<(), ApiError> {
    match ApprovalAction::parse(action) {
        Some(ApprovalAction::LockAccount) => users::after_lock(state, account).await,
        _ => {
            state.mailer.wake();
            Ok(())
        }
    }
}

/// Records `pending` as asked by `actor`, after checking that it could be carried out now.
pub async fn request(
    state: &AppState,
    actor: &Actor,
    pending: Pending,
    now: DateTime<Utc>,
) -> Result<Approval, ApiError> {
    let (action, account_id, request) = match &pending {
        Pending::CreateStaff(staff) => (
            ApprovalAction::CreateStaff,
            None,
            serde_json::to_string(staff).map_err(ApiError::internal)?,
        ),
        Pending::LockAccount(uid) => (ApprovalAction::LockAccount, Some(*uid), "{}".to_owned()),
    };
    let row = approval::Model {
        id: Uuid::now_v7(),
        action: action.as_str().to_owned(),
        request,
        account_id,
        requested_by: actor.account_id,
        requested_at: now,
        expires_at: now + LIFETIME,
        status: "pending".to_owned(),
        decided_by: None,
        decided_at: None,
    };
    let txn = state.db.begin_write().await?;
    // A rehearsal in a savepoint that is rolled back: it leaves nothing behind.
    let rehearsal = txn.begin().await?;
    execute(&rehearsal, &row, actor.account_id, now).await?;
    rehearsal.rollback().await?;
    approval::Entity::insert(approval::ActiveModel {
        id: Set(row.id),
        action: Set(row.action.clone()),
        request: Set(row.request.clone()),
        account_id: Set(row.account_id),
        requested_by: Set(row.requested_by),
        requested_at: Set(row.requested_at),
        expires_at: Set(row.expires_at),
        status: Set(row.status.clone()),
        decided_by: Set(None),
        decided_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        step(&row, Event::ApprovalRequested, actor.account_id),
        now,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(approval.id = %row.id, approval.action = action.as_str(), "approval requested");
    view(row, now)
}

async fn support(state: &AppState, actor: &Actor) -> Result<(), ApiError> {
    state
        .authorize(actor, Action::Support, Resource::Platform)
        .await
        .map(|_| ())
}

/// Requests waiting for a second officer, oldest first (at most 100).
#[utoipa::path(get, path = "/admin/approvals", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "Pending requests that have not expired", body = Vec<Approval>),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "`step_up_required`, or not support (`forbidden`)", content_type = "application/problem+json"),
    ))]
pub async fn list_approvals(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<Approval>>> {
    let now = state.clock.now();
    support(&state, &actor).await?;
    let rows = approval::Entity::find()
        .filter(approval::Column::Status.eq("pending"))
        .filter(approval::Column::ExpiresAt.gt(now))
        .order_by_asc(approval::Column::RequestedAt)
        .limit(100)
        .all(&state.db)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| view(row, now))
            .collect::<Result<_, _>>()?,
    ))
}

/// Decides a pending request: `approved` by another officer, or `rejected` by anyone of
/// support (the requester withdrawing it included). Returns the decided row.
async fn decide(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    now: DateTime<Utc>,
) -> Result<approval::Model, ApiError> {
    support(state, actor).await?;
    let row = approval::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if row.status != "pending" || row.expires_at <= now {
        return Err(not_pending());
    }
    if approve {
        state
            .authorize(
                actor,
                Action::ApproveRequest {
                    requested_by: row.requested_by,
                },
                Resource::Platform,
            )
            .await?;
    }
    let txn = state.db.begin_write().await?;
    // The decision is taken by the update that finds the row still pending: of two
    // officers deciding at once, one does.
    let mut decided = approval::Entity::update_many()
        .col_expr(
            approval::Column::Status,
            Expr::value(if approve { "approved" } else { "rejected" }),
        )
        .col_expr(approval::Column::DecidedBy, Expr::value(actor.account_id))
        .col_expr(approval::Column::DecidedAt, Expr::value(now))
        .filter(approval::Column::Id.eq(id))
        .filter(approval::Column::Status.eq("pending"))
        .filter(approval::Column::ExpiresAt.gt(now));
    if approve {
        decided = decided.filter(approval::Column::RequestedBy.ne(actor.account_id));
    }
    let mut row = decided
        .exec_with_returning(&txn)
        .await?
        .into_iter()
        .next()
        .ok_or_else(not_pending)?;
    if approve {
        let account = execute(&txn, &row, actor.account_id, now).await?;
        approval::Entity::update_many()
            .col_expr(approval::Column::AccountId, Expr::value(account))
            .filter(approval::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        row.account_id = Some(account);
    }
    let event = if approve {
        Event::ApprovalGranted
    } else {
        Event::ApprovalRejected
    };
    audit::record(&txn, step(&row, event, actor.account_id), now).await?;
    txn.commit().await?;
    tracing::info!(approval.id = %id, approval.approved = approve, "approval decided");
    if approve && let Some(account) = row.account_id {
        after_commit(state, &row.action, account).await?;
    }
    Ok(row)
}

/// Approves and carries out another officer's request, in one transaction.
#[utoipa::path(post, path = "/admin/approvals/{id}/approve", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Approval id")),
    responses(
        (status = 200, description = "Approved and carried out; `account_id` names the account", body = Approval),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "`second_officer_required` (the requester's own), `step_up_required`, or not support (`forbidden`)", content_type = "application/problem+json"),
        (status = 404, description = "No such request", content_type = "application/problem+json"),
        (status = 409, description = "`approval_not_pending` (decided or expired), or what the request itself meets now (`email_already_registered`)", content_type = "application/problem+json"),
    ))]
pub async fn approve(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Approval>> {
    let now = state.clock.now();
    let row = decide(&state, &actor, id, true, now).await?;
    Ok(Json(view(row, now)?))
}

/// Rejects a request (its requester may withdraw it); nothing is carried out.
#[utoipa::path(post, path = "/admin/approvals/{id}/reject", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Approval id")),
    responses(
        (status = 200, description = "Rejected", body = Approval),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "`step_up_required`, or not support (`forbidden`)", content_type = "application/problem+json"),
        (status = 404, description = "No such request", content_type = "application/problem+json"),
        (status = 409, description = "`approval_not_pending` (decided or expired)", content_type = "application/problem+json"),
    ))]
pub async fn reject(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Approval>> {
    let now = state.clock.now();
    let row = decide(&state, &actor, id, false, now).await?;
    Ok(Json(view(row, now)?))
}
