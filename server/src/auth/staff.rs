//! Staff accounts: created by `healthbook create-staff` (the first support officer) or by
//! support and facility admins through the admin API; enrolled with a one-time code that
//! opens an enrolment session whose only use is registering a passkey. Staff then sign in
//! with passkeys only.

use super::actor::ClientIp;
use super::audit::{self, Event, Record};
use super::codes::{self, Purpose};
use super::entities::{account, staff_role};
use super::error::AuthError;
use super::{limits, lockout, session};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use healthbook_domain::account::{AccountKind, AccountStatus};
use healthbook_domain::account::{Assurance, SessionGrant, StaffRole};
use healthbook_domain::ids::EmailAddress;
use healthbook_domain::{Lang, Sensitive};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A staff account to create, with the role it starts with.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub email: EmailAddress,
    pub full_name: String,
    pub role: StaffRole,
    pub facility_id: Option<Uuid>,
    pub admin_unit: Option<String>,
    pub lang: Lang,
}

pub fn role_scope_error() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "facility_id",
        "role_scope_invalid",
        Text::new(
            "Bác sĩ, người tiêm chủng và quản trị cơ sở phải gắn với một cơ sở; cơ quan quản lý gắn với một đơn vị hành chính.",
            "Doctors, vaccinators and facility admins need a facility; authorities need an administrative unit.",
        ),
    )])
}

/// Creates the account and its role inside the caller's transaction, and queues the
/// enrolment mail, whose code is drawn when it is sent. Returns the account id.
pub async fn create(
    txn: &DatabaseTransaction,
    staff: &NewStaff,
    granted_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let id = create_account(txn, staff, granted_by, now).await?;
    codes::send(txn, id, Purpose::StaffEnrolment, now).await?;
    Ok(id)
}

/// The account and its role, without an enrolment code.
pub(crate) async fn create_account(
    txn: &DatabaseTransaction,
    staff: &NewStaff,
    granted_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    // A former unit's code is stored as its successor's, so that every query by unit agrees.
    let unit = staff
        .role
        .scope(staff.facility_id, staff.admin_unit.as_deref())
        .map_err(|_| role_scope_error())?;
    let email_key = EmailAddress::lookup_key(staff.email.as_str());
    if account::Entity::find()
        .filter(account::Column::EmailKey.eq(&email_key))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(AuthError::EmailTaken.into());
    }
    let id = Uuid::now_v7();
    account::Entity::insert(account::ActiveModel {
        id: Set(id),
        kind: Set(AccountKind::Staff.as_str().to_owned()),
        email: Set(staff.email.as_str().to_owned()),
        email_key: Set(email_key),
        // The enrolment code proves the mailbox.
        email_verified_at: Set(None),
        display_name: Set(staff.full_name.clone()),
        phone: Set(None),
        lang: Set(staff.lang.code().to_owned()),
        status: Set(AccountStatus::Active.as_str().to_owned()),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    staff_role::Entity::insert(staff_role::ActiveModel {
        id: Set(Uuid::now_v7()),
        account_id: Set(id),
        role: Set(staff.role.as_str().to_owned()),
        facility_id: Set(staff.facility_id),
        admin_unit: Set(unit.map(|u| u.code())),
        granted_by: Set(granted_by),
        created_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    let mut record = Record::of(id, Event::StaffCreated)
        .with(serde_json::json!({ "role": staff.role.as_str() }));
    if let Some(by) = granted_by {
        record = record.by(by);
    }
    audit::record(txn, record, now).await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate, utoipa::ToSchema)]
pub struct StaffEnrolRequest {
    #[validate(length(min = 3, max = 254))]
    #[schema(format = Email, min_length = 3, max_length = 254)]
    pub email: String,
    #[schema(value_type = String)]
    pub code: Sensitive<String>,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    #[serde(default)]
    pub device_name: Option<String>,
}

/// Exchanges the enrolment code for an enrolment session, whose only use is registering the
/// staff member's passkey.
#[utoipa::path(post, path = "/auth/staff/enrol", tag = "auth",
    request_body = StaffEnrolRequest,
    responses(
        (status = 200, description = "An enrolment session", body = SessionGrant),
        (status = 400, description = "`invalid_code`", content_type = "application/problem+json"),
    ))]
pub async fn enrol(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(request): ValidJson<StaffEnrolRequest>,
) -> ApiResult<Json<SessionGrant>> {
    limits::check(&state, limits::CODE_CHECK_PER_IP, &ip).await?;
    limits::check(
        &state,
        limits::CODE_CHECK_PER_ACCOUNT,
        &limits::email_subject(&request.email),
    )
    .await?;
    let now = state.clock.now();
    // Unknown, citizen and locked accounts hear the same "invalid code".
    let Some(account) = super::email::find_by_email(&state.db, &request.email)
        .await?
        .filter(account::Model::is_staff)
        .filter(|a| !session::locked_at(a, now))
    else {
        return Err(AuthError::InvalidCode.into());
    };
    lockout::redeem(
        &state,
        &account,
        Purpose::StaffEnrolment,
        request.code.expose(),
        &ip,
    )
    .await?;
    let txn = state.db.begin_write().await?;
    account::Entity::update_many()
        .col_expr(
            account::Column::EmailVerifiedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(account::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    let grant = session::open(
        &txn,
        &account,
        Assurance::Enrolment,
        None,
        request.device_name,
        now,
    )
    .await?;
    audit::record(
        &txn,
        Record::of(account.id, Event::SignIn).from_ip(&ip).with(
            serde_json::json!({ "method": "staff_enrolment", "session_id": grant.session_id }),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(grant))
}
