//! Reception: checking a patient in on the day, or recording that they did not come.
//! Staff of the appointment's facility only; to anyone else the appointment does not exist.

use super::appointments::{load_for, views};
use super::entities::appointment;
use super::error::BookingError;
use super::settings;
use crate::auth::actor::Actor;
use crate::authz::Action;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use healthbook_domain::booking::rules::{check_check_in, check_no_show};
use healthbook_domain::booking::{Appointment, AppointmentStatus};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

async fn attend(
    state: &AppState,
    actor: &Actor,
    aid: Uuid,
    outcome: AppointmentStatus,
    now: DateTime<Utc>,
) -> ApiResult<Json<Appointment>> {
    let (row, _) = load_for(state, actor, aid, Action::WorkAtFacility).await?;
    let check = match outcome {
        AppointmentStatus::CheckedIn => check_check_in(row.starts_at, now),
        _ => check_no_show(row.starts_at, now),
    };
    let policy = settings::current(&state.db, now).await?;
    let current = if row.status == outcome.as_str() {
        // A repeated scan at the kiosk: the same answer, nothing changes.
        row
    } else {
        if row.status != AppointmentStatus::Booked.as_str() {
            return Err(BookingError::NotActive.into());
        }
        check.map_err(BookingError::from)?;
        let when = match outcome {
            AppointmentStatus::CheckedIn => appointment::Column::CheckedInAt,
            _ => appointment::Column::NoShowAt,
        };
        appointment::Entity::update_many()
            .col_expr(appointment::Column::Status, Expr::value(outcome.as_str()))
            .col_expr(when, Expr::value(now))
            .col_expr(
                appointment::Column::AttendedBy,
                Expr::value(actor.account_id),
            )
            .col_expr(
                appointment::Column::Revision,
                Expr::col(appointment::Column::Revision).add(1),
            )
            .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
            .filter(appointment::Column::Id.eq(row.id))
            .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
            .exec_with_returning(&state.db)
            .await?
            .into_iter()
            .next()
            .ok_or(BookingError::NotActive)?
    };
    let mut out = views(&state.db, std::slice::from_ref(&current), &policy).await?;
    out.pop().map(Json).ok_or_else(ApiError::not_found)
}

/// Checks the patient in at reception, on the day of the appointment.
#[utoipa::path(post, path = "/appointments/{aid}/check-in", tag = "booking", security(("bearer" = [])),
    params(("aid" = Uuid, Path, description = "Appointment id")),
    responses(
        (status = 200, description = "Checked in", body = Appointment),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "A basic session (`step_up_required`) or an enrolment session (`forbidden`); the same for any id", content_type = "application/problem+json"),
        (status = 404, description = "No such appointment at the caller's facility", content_type = "application/problem+json"),
        (status = 409, description = "`check_in_not_today` or `appointment_not_active`", content_type = "application/problem+json"),
    ))]
pub async fn check_in(
    State(state): State<AppState>,
    actor: Actor,
    Path(aid): Path<Uuid>,
) -> ApiResult<Json<Appointment>> {
    let now = state.clock.now();
    attend(&state, &actor, aid, AppointmentStatus::CheckedIn, now).await
}

/// Records that the patient did not come.
#[utoipa::path(post, path = "/appointments/{aid}/no-show", tag = "booking", security(("bearer" = [])),
    params(("aid" = Uuid, Path, description = "Appointment id")),
    responses(
        (status = 200, description = "Recorded as a no-show", body = Appointment),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "A basic session (`step_up_required`) or an enrolment session (`forbidden`); the same for any id", content_type = "application/problem+json"),
        (status = 404, description = "No such appointment at the caller's facility", content_type = "application/problem+json"),
        (status = 409, description = "`no_show_too_early` or `appointment_not_active`", content_type = "application/problem+json"),
    ))]
pub async fn no_show(
    State(state): State<AppState>,
    actor: Actor,
    Path(aid): Path<Uuid>,
) -> ApiResult<Json<Appointment>> {
    let now = state.clock.now();
    attend(&state, &actor, aid, AppointmentStatus::NoShow, now).await
}
