//! `POST /v1/admin/users/{uid}/enrolment-code`: support gives a staff member a new enrolment
//! code when the first one died (five wrong guesses, or three days unread) or the staff
//! member lost the passkey. The new code lives a day at most and kills the old one.

use crate::auth::actor::Actor;
use crate::auth::audit::{self, Event, Record};
use crate::auth::codes::{self, Purpose};
use crate::auth::entities::account;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// How long a re-issued code stands: shorter than the first, whose recipient may be new.
pub const REISSUED_CODE_LIFETIME: Duration = Duration::hours(24);

/// Mails a staff account a new enrolment code.
#[utoipa::path(post, path = "/admin/users/{uid}/enrolment-code", tag = "admin", security(("bearer" = [])),
    params(("uid" = Uuid, Path, description = "Account id of a staff member")),
    responses(
        (status = 202, description = "A new code is on its way; the old one is dead"),
        (status = 403, description = "Support only", content_type = "application/problem+json"),
        (status = 404, description = "No such staff account", content_type = "application/problem+json"),
    ))]
pub async fn reissue(
    State(state): State<AppState>,
    actor: Actor,
    Path(uid): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state
        .authorize(&actor, Action::Support, Resource::Platform)
        .await?;
    let now = state.clock.now();
    let staff = account::Entity::find_by_id(uid)
        .one(&state.db)
        .await?
        .filter(account::Model::is_staff)
        .ok_or_else(ApiError::not_found)?;
    let txn = state.db.begin_write().await?;
    // A lockout from wrong guesses at the old code ends with it.
    account::Entity::update_many()
        .col_expr(
            account::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(account::Column::Id.eq(staff.id))
        .exec(&txn)
        .await?;
    codes::send_valid_for(
        &txn,
        staff.id,
        Purpose::StaffEnrolment,
        REISSUED_CODE_LIFETIME,
        now,
    )
    .await?;
    audit::record(
        &txn,
        Record::of(staff.id, Event::EnrolmentCodeReissued).by(actor.account_id),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    crate::auth::limits::clear_failures(&state, staff.id).await;
    Ok(StatusCode::ACCEPTED)
}
