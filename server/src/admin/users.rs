//! `/v1/admin/users…`: support looks people up, locks and unlocks accounts, ends sessions,
//! resends verification, verifies a person for recovery; support and facility admins create
//! staff accounts.

use super::approvals::{self, Approval, Pending};
use crate::auth::actor::Actor;
use crate::auth::audit::{self, Event, Record};
use crate::auth::codes::{self, Purpose};
use crate::auth::entities::{account, citizen};
use crate::auth::session;
use crate::auth::staff::{self, NewStaff};
use crate::authz::{Action, Resource, needs_second_officer};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use healthbook_domain::account::AccountStatus;
use healthbook_domain::account::{RoleGrant, StaffRole, check_full_name, mask_national_id};
use healthbook_domain::ids::{EmailAddress, NationalId};
use healthbook_domain::problem::ProblemCode;
use healthbook_domain::{Lang, Sensitive};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserSummary {
    pub account_id: Uuid,
    pub kind: String,
    pub email: String,
    pub email_verified: bool,
    pub display_name: String,
    /// `active` or `locked`.
    pub status: String,
    pub locked_until: Option<chrono::DateTime<chrono::Utc>>,
    pub citizen_id: Option<Uuid>,
    pub national_id_masked: Option<String>,
    pub roles: Vec<RoleGrant>,
}

async fn summary(state: &AppState, account: account::Model) -> Result<UserSummary, sea_orm::DbErr> {
    let person = citizen::Entity::find()
        .filter(citizen::Column::AccountId.eq(account.id))
        .one(&state.db)
        .await?;
    Ok(UserSummary {
        roles: session::roles_of(&state.db, account.id).await?,
        account_id: account.id,
        kind: account.kind,
        email: account.email,
        email_verified: account.email_verified_at.is_some(),
        display_name: account.display_name,
        status: account.status,
        locked_until: account.locked_until,
        citizen_id: person.as_ref().map(|p| p.id),
        national_id_masked: person.map(|p| mask_national_id(&p.national_id)),
    })
}

async fn support(state: &AppState, actor: &Actor) -> Result<(), ApiError> {
    state
        .authorize(actor, Action::Support, Resource::Platform)
        .await
        .map(|_| ())
}

async fn load(state: &AppState, uid: Uuid) -> Result<account::Model, ApiError> {
    account::Entity::find_by_id(uid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)
}

#[derive(Debug, Clone, Deserialize, Serialize, validator::Validate, utoipa::ToSchema)]
pub struct CreateStaffRequest {
    #[validate(length(min = 3, max = 254))]
    pub email: String,
    pub full_name: String,
    pub role: StaffRole,
    pub facility_id: Option<Uuid>,
    /// Province (2 digits) or commune (5 digits) code, for `authority`.
    #[validate(length(min = 2, max = 5))]
    pub admin_unit: Option<String>,
    #[serde(default)]
    pub lang: Option<Lang>,
}

/// The account a request asks for, its fields checked.
pub fn new_staff(request: &CreateStaffRequest) -> Result<NewStaff, ApiError> {
    let mut fields = Vec::new();
    let email = EmailAddress::parse(&request.email)
        .map_err(|e| fields.push(FieldError::from_localized("email", &e)))
        .ok();
    let full_name = check_full_name(&request.full_name)
        .map_err(|e| fields.push(FieldError::from_localized("full_name", &e)))
        .ok();
    let (Some(email), Some(full_name)) = (email, full_name) else {
        return Err(ApiError::validation(fields));
    };
    Ok(NewStaff {
        email,
        full_name,
        role: request.role,
        facility_id: request.facility_id,
        admin_unit: request.admin_unit.clone(),
        lang: request.lang.unwrap_or_default(),
    })
}

/// Creates a staff account and mails its enrolment code. Support may create any role;
/// a facility admin may create doctors and vaccinators of their own facility. A support
/// account needs a second support officer: the answer is then 202 with the pending request.
#[utoipa::path(post, path = "/admin/users", tag = "admin", security(("bearer" = [])),
    request_body = CreateStaffRequest,
    responses(
        (status = 201, description = "Created; enrolment mail queued", body = UserSummary),
        (status = 202, description = "A support account: waits for a second officer's approval (`/admin/approvals`)", body = Approval),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to grant this role here (`forbidden`), or `step_up_required`", content_type = "application/problem+json"),
        (status = 409, description = "`email_already_registered`", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or `role_scope_invalid`", content_type = "application/problem+json"),
    ))]
pub async fn create_user(
    State(state): State<AppState>,
    actor: Actor,
    ValidJson(request): ValidJson<CreateStaffRequest>,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let action = Action::CreateStaff {
        role: request.role,
        facility: request.facility_id,
    };
    state.authorize(&actor, action, Resource::Platform).await?;
    let staff = new_staff(&request)?;
    if needs_second_officer(action) {
        let checked = CreateStaffRequest {
            email: staff.email.as_str().to_owned(),
            full_name: staff.full_name.clone(),
            lang: Some(staff.lang),
            ..request
        };
        let pending =
            approvals::request(&state, &actor, Pending::CreateStaff(checked), now).await?;
        return Ok((StatusCode::ACCEPTED, Json(pending)).into_response());
    }
    let txn = state.db.begin_write().await?;
    let id = staff::create(&txn, &staff, Some(actor.account_id), now).await?;
    txn.commit().await.map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
            ApiError::validation(vec![FieldError::new(
                "facility_id",
                "unknown_facility",
                Text::new("Không có cơ sở này.", "No such facility."),
            )])
        }
        _ => e.into(),
    })?;
    state.mailer.wake();
    let created = summary(&state, load(&state, id).await?).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Searching by identification number or address goes in the body: neither may appear in a
/// URL or a log line.
#[derive(Debug, Deserialize, Serialize, validator::Validate, utoipa::ToSchema)]
pub struct UserSearch {
    #[schema(value_type = Option<String>, pattern = r"^\s*[0-9]{12}\s*$")]
    #[serde(default)]
    pub national_id: Option<Sensitive<String>>,
    #[validate(length(min = 3, max = 254))]
    #[schema(format = Email, min_length = 3, max_length = 254)]
    #[serde(default)]
    pub email: Option<String>,
}

/// Finds accounts by identification number or email address (exact match).
#[utoipa::path(post, path = "/admin/users/search", tag = "admin", security(("bearer" = [])),
    request_body = UserSearch,
    responses((status = 200, description = "Matching accounts", body = Vec<UserSummary>)))]
pub async fn search_users(
    State(state): State<AppState>,
    actor: Actor,
    ValidJson(request): ValidJson<UserSearch>,
) -> ApiResult<Json<Vec<UserSummary>>> {
    support(&state, &actor).await?;
    let mut found = Vec::new();
    if let Some(number) = &request.national_id {
        let number =
            NationalId::parse(number.expose()).map_err(|e| ApiError::field("national_id", &e))?;
        if let Some(person) = citizen::Entity::find()
            .filter(citizen::Column::NationalId.eq(number.as_str()))
            .one(&state.db)
            .await?
            && let Some(account_id) = person.account_id
        {
            found.push(load(&state, account_id).await?);
        }
    }
    if let Some(email) = &request.email
        && let Some(account) = crate::auth::email::find_by_email(&state.db, email).await?
        && !found.iter().any(|a| a.id == account.id)
    {
        found.push(account);
    }
    let mut out = Vec::new();
    for account in found {
        out.push(summary(&state, account).await?);
    }
    Ok(Json(out))
}

/// One account.
#[utoipa::path(get, path = "/admin/users/{uid}", tag = "admin", security(("bearer" = [])),
    params(("uid" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = UserSummary),
        (status = 404, description = "No such account", content_type = "application/problem+json"),
    ))]
pub async fn get_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(uid): Path<Uuid>,
) -> ApiResult<Json<UserSummary>> {
    support(&state, &actor).await?;
    Ok(Json(summary(&state, load(&state, uid).await?).await?))
}

/// Locks an account until unlocked, and ends its sessions. A support officer's account
/// needs a second officer: the answer is then 202 with the pending request.
#[utoipa::path(post, path = "/admin/users/{uid}/lock", tag = "admin", security(("bearer" = [])),
    params(("uid" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "Locked", body = UserSummary),
        (status = 202, description = "A support account: waits for a second officer's approval (`/admin/approvals`)", body = Approval),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "`step_up_required`, or not support (`forbidden`)", content_type = "application/problem+json"),
        (status = 404, description = "No such account", content_type = "application/problem+json"),
    ))]
pub async fn lock_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(uid): Path<Uuid>,
) -> ApiResult<Response> {
    support(&state, &actor).await?;
    load(&state, uid).await?;
    let now = state.clock.now();
    let action = Action::lock_account(&session::roles_of(&state.db, uid).await?);
    state.authorize(&actor, action, Resource::Platform).await?;
    if needs_second_officer(action) {
        let pending = approvals::request(&state, &actor, Pending::LockAccount(uid), now).await?;
        return Ok((StatusCode::ACCEPTED, Json(pending)).into_response());
    }
    let txn = state.db.begin_write().await?;
    lock_in(
        &txn,
        uid,
        Record::of(uid, Event::AccountLocked).by(actor.account_id),
        now,
    )
    .await?;
    txn.commit().await?;
    after_lock(&state, uid).await?;
    Ok(Json(summary(&state, load(&state, uid).await?).await?).into_response())
}

/// Locks `uid` in `txn`, recording `record`.
pub async fn lock_in(
    txn: &DatabaseTransaction,
    uid: Uuid,
    record: Record,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    set_status_in(txn, uid, AccountStatus::Locked, now).await?;
    audit::record(txn, record, now).await?;
    Ok(())
}

/// Once a lock is committed: its sessions end now, on every process.
pub async fn after_lock(state: &AppState, uid: Uuid) -> Result<(), ApiError> {
    session::refresh_account(state, uid).await?;
    session::revoke_where(state, uid, None, None).await?;
    Ok(())
}

/// Unlocks an account (also a temporary lockout after failed sign-ins).
#[utoipa::path(post, path = "/admin/users/{uid}/unlock", tag = "admin", security(("bearer" = [])),
    params(("uid" = Uuid, Path, description = "Account id")),
    responses((status = 200, description = "Unlocked", body = UserSummary), (status = 404, description = "No such account")))]
pub async fn unlock_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(uid): Path<Uuid>,
) -> ApiResult<Json<UserSummary>> {
    support(&state, &actor).await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    set_status_in(&txn, uid, AccountStatus::Active, now).await?;
    audit::record(
        &txn,
        Record::of(uid, Event::AccountUnlocked).by(actor.account_id),
        now,
    )
    .await?;
    txn.commit().await?;
    session::refresh_account(&state, uid).await?;
    crate::auth::limits::clear_failures(&state, uid).await;
    Ok(Json(summary(&state, load(&state, uid).await?).await?))
}

async fn set_status_in(
    txn: &impl ConnectionTrait,
    uid: Uuid,
    status: AccountStatus,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let updated = account::Entity::update_many()
        .col_expr(account::Column::Status, Expr::value(status.as_str()))
        .col_expr(
            account::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(uid))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(ApiError::not_found());
    }
    Ok(())
}

/// Ends every session of an account.
#[utoipa::path(post, path = "/admin/users/{uid}/revoke-sessions", tag = "admin", security(("bearer" = [])),
    params(("uid" = Uuid, Path, description = "Account id")),
    responses((status = 204, description = "Sessions ended"), (status = 404, description = "No such account")))]
pub async fn revoke_user_sessions(
    State(state): State<AppState>,
    actor: Actor,
    Path(uid): Path<Uuid>,
) -> ApiResult<StatusCode> {
    support(&state, &actor).await?;
    load(&state, uid).await?;
    let revoked = session::revoke_where(&state, uid, None, None).await?;
    audit::record_alone(
        &state.db,
        Record::of(uid, Event::SessionsRevokedBySupport)
            .by(actor.account_id)
            .with(serde_json::json!({ "sessions": revoked.len() })),
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mails a new email-verification code to an account whose address is not verified.
#[utoipa::path(post, path = "/admin/users/{uid}/resend-verification", tag = "admin", security(("bearer" = [])),
    params(("uid" = Uuid, Path, description = "Account id")),
    responses((status = 202, description = "Code mailed"), (status = 404, description = "No such account"), (status = 409, description = "Already verified")))]
pub async fn resend_verification(
    State(state): State<AppState>,
    actor: Actor,
    Path(uid): Path<Uuid>,
) -> ApiResult<StatusCode> {
    support(&state, &actor).await?;
    let account = load(&state, uid).await?;
    if account.email_verified_at.is_some() || !account.is_citizen() {
        return Err(ApiError::conflict(ProblemCode::AlreadyVerified));
    }
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    codes::send(&txn, uid, Purpose::VerifyEmail, now).await?;
    audit::record(
        &txn,
        Record::of(uid, Event::VerificationResent).by(actor.account_id),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, Serialize, validator::Validate, utoipa::ToSchema)]
pub struct RecoveryVerification {
    /// How the officer verified the person (e.g. "video call, CCCD shown"). Kept in the audit log.
    #[validate(length(min = 5, max = 500))]
    pub method: String,
}

/// Records that a support officer verified the person in place of the registry check. It
/// stands for 24 hours and for one recovery.
#[utoipa::path(post, path = "/admin/users/{uid}/recovery-verification", tag = "admin", security(("bearer" = [])),
    params(("uid" = Uuid, Path, description = "Account id")),
    request_body = RecoveryVerification,
    responses((status = 204, description = "Recorded"), (status = 404, description = "No such account")))]
pub async fn verify_for_recovery(
    State(state): State<AppState>,
    actor: Actor,
    Path(uid): Path<Uuid>,
    ValidJson(request): ValidJson<RecoveryVerification>,
) -> ApiResult<StatusCode> {
    support(&state, &actor).await?;
    load(&state, uid).await?;
    audit::record_alone(
        &state.db,
        Record::of(uid, Event::RecoveryVerifiedBySupport)
            .by(actor.account_id)
            .with(serde_json::json!({ "method": request.method })),
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
