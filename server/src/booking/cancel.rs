//! Cancelling an appointment: by the citizen (or a guardian) before the cut-off, or by the
//! facility at any time. The place goes back to the slot in the same transaction, and the
//! cancellation notice (with a calendar file that removes the event) goes into the outbox.

use super::appointments::{context, load_for, organizer_email, view};
use super::entities::appointment;
use super::error::BookingError;
use super::mails;
use super::settings;
use super::waitlist::give_back;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource, allows};
use crate::db::BeginWrite;
use crate::error::ApiResult;
use crate::http::ValidJson;
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use healthbook_domain::booking::rules::check_cancellable;
use healthbook_domain::booking::{
    Appointment, AppointmentStatus, CancelAppointmentRequest, CancelledBy,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Cancels `row` if it is still booked in the same slot, and gives its place back.
/// `None` when it is not (cancelled, moved, attended meanwhile).
pub async fn cancel_in(
    txn: &DatabaseTransaction,
    row: &appointment::Model,
    by: CancelledBy,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<appointment::Model>, DbErr> {
    let by = match by {
        CancelledBy::Citizen => "citizen",
        CancelledBy::Facility => "facility",
    };
    let reason: Option<String> = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(200).collect());
    let updated = appointment::Entity::update_many()
        .col_expr(
            appointment::Column::Status,
            Expr::value(AppointmentStatus::Cancelled.as_str()),
        )
        .col_expr(
            appointment::Column::ActiveKey,
            Expr::value(Option::<String>::None),
        )
        .col_expr(appointment::Column::CancelledAt, Expr::value(now))
        .col_expr(appointment::Column::CancelledBy, Expr::value(by))
        .col_expr(appointment::Column::CancelReason, Expr::value(reason))
        .col_expr(
            appointment::Column::Revision,
            Expr::col(appointment::Column::Revision).add(1),
        )
        .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
        .filter(appointment::Column::Id.eq(row.id))
        .filter(appointment::Column::SlotId.eq(row.slot_id))
        .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
        .exec_with_returning(txn)
        .await?;
    let Some(cancelled) = updated.into_iter().next() else {
        return Ok(None);
    };
    give_back(txn, cancelled.slot_id, now).await?;
    Ok(Some(cancelled))
}

/// Cancels an appointment. Cancelling one that is already cancelled answers it again.
#[utoipa::path(post, path = "/appointments/{aid}/cancel", tag = "booking", security(("bearer" = [])),
    params(("aid" = Uuid, Path, description = "Appointment id")),
    request_body = CancelAppointmentRequest,
    responses(
        (status = 200, description = "Cancelled; the notice is mailed", body = Appointment),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "An enrolment session (`forbidden`), or staff with a basic session (`step_up_required`); the same for any id", content_type = "application/problem+json"),
        (status = 404, description = "No such appointment, or not yours", content_type = "application/problem+json"),
        (status = 409, description = "`cancellation_too_late` or `appointment_not_active`", content_type = "application/problem+json"),
    ))]
pub async fn cancel_appointment(
    State(state): State<AppState>,
    actor: Actor,
    Path(aid): Path<Uuid>,
    ValidJson(request): ValidJson<CancelAppointmentRequest>,
) -> ApiResult<Json<Appointment>> {
    let now = state.clock.now();
    let (row, _) = load_for(&state, &actor, aid, Action::BookFor).await?;
    let appointment = Resource::Appointment {
        citizen: row.citizen_id,
        facility: row.facility_id,
    };
    let by = if allows(&actor, Action::OverrideCutOff, appointment) {
        CancelledBy::Facility
    } else {
        CancelledBy::Citizen
    };
    let policy = settings::current(&state.db, now).await?;
    let organizer = organizer_email(&state);
    let txn = state.db.begin_write().await?;
    let row = appointment::Entity::find_by_id(row.id)
        .one(&txn)
        .await?
        .unwrap_or(row);
    let ctx = context(&txn, &row, &organizer).await?;
    match row.status.as_str() {
        s if s == AppointmentStatus::Cancelled.as_str() => {
            return Ok(Json(view(&row, &ctx, &policy)));
        }
        s if s != AppointmentStatus::Booked.as_str() => return Err(BookingError::NotActive.into()),
        _ => {}
    }
    if by == CancelledBy::Citizen {
        check_cancellable(row.starts_at, now, policy.cancel_cutoff).map_err(BookingError::from)?;
    }
    let cancelled = cancel_in(&txn, &row, by, request.reason.as_deref(), now)
        .await?
        .ok_or(BookingError::NotActive)?;
    mail::enqueue(
        &txn,
        mails::cancellation(
            &ctx,
            &cancelled,
            by == CancelledBy::Facility,
            request.reason.as_deref(),
            now,
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(Json(view(&cancelled, &ctx, &policy)))
}
