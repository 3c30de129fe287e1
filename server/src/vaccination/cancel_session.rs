//! Cancelling a vaccination session: its places close, and every registration in it is
//! cancelled by the facility through booking's cancellation (the place given back, the
//! notice with its calendar file in the outbox), all in one transaction.

use super::entities::vaccination_session;
use super::sessions::{find, session_view};
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::booking::appointments::{context, organizer_email};
use crate::booking::cancel::cancel_in;
use crate::booking::entities::{appointment, schedule, slot};
use crate::booking::mails;
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use healthbook_domain::booking::{AppointmentStatus, CancelledBy, SlotStatus};
use healthbook_domain::vaccine::session::VaccinationSession;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The reason the notices give.
const REASON: &str = "Buổi tiêm chủng bị hủy / The vaccination session was cancelled";

/// Cancels a session and every registration in it. Cancelling a cancelled session answers
/// it again.
#[utoipa::path(post, path = "/facilities/{fid}/vaccination-sessions/{sid}/cancel", tag = "vaccination", security(("bearer" = [])),
    params(
        ("fid" = Uuid, Path, description = "Facility id"),
        ("sid" = Uuid, Path, description = "Vaccination session id"),
    ),
    responses(
        (status = 200, description = "Cancelled; each registered person's booker is mailed", body = VaccinationSession),
        (status = 403, description = "Not an administrator of this facility", content_type = "application/problem+json"),
        (status = 404, description = "No such session at this facility", content_type = "application/problem+json"),
    ))]
pub async fn cancel_session(
    State(state): State<AppState>,
    actor: Actor,
    Path((fid, sid)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<VaccinationSession>> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let organizer = organizer_email(&state);
    let txn = state.db.begin_write().await?;
    // The conditional update decides which of two concurrent cancellations does the work.
    let cancelled = vaccination_session::Entity::update_many()
        .col_expr(vaccination_session::Column::CancelledAt, Expr::value(now))
        .col_expr(
            vaccination_session::Column::CancelledBy,
            Expr::value(actor.account_id),
        )
        .filter(vaccination_session::Column::Id.eq(sid))
        .filter(vaccination_session::Column::FacilityId.eq(fid))
        .filter(vaccination_session::Column::CancelledAt.is_null())
        .exec_with_returning(&txn)
        .await?;
    if let Some(row) = cancelled.into_iter().next() {
        schedule::Entity::update_many()
            .col_expr(schedule::Column::Active, Expr::value(false))
            .col_expr(schedule::Column::UpdatedAt, Expr::value(now))
            .filter(schedule::Column::Id.eq(row.schedule_id))
            .exec(&txn)
            .await?;
        slot::Entity::update_many()
            .col_expr(
                slot::Column::Status,
                Expr::value(SlotStatus::Closed.as_str()),
            )
            .col_expr(slot::Column::ClosedReason, Expr::value("session cancelled"))
            .filter(slot::Column::ScheduleId.eq(row.schedule_id))
            .filter(slot::Column::Status.eq(SlotStatus::Open.as_str()))
            .exec(&txn)
            .await?;
        let booked = appointment::Entity::find()
            .filter(
                appointment::Column::SlotId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(slot::Column::Id)
                        .from(slot::Entity)
                        .and_where(slot::Column::ScheduleId.eq(row.schedule_id))
                        .to_owned(),
                ),
            )
            .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
            .order_by_asc(appointment::Column::SlotId)
            .all(&txn)
            .await?;
        let mut notices = 0_u32;
        for registration in booked {
            if let Some(done) = cancel_in(
                &txn,
                &registration,
                CancelledBy::Facility,
                Some(REASON),
                now,
            )
            .await?
            {
                let ctx = context(&txn, &done, &organizer).await?;
                mail::enqueue(
                    &txn,
                    mails::cancellation(&ctx, &done, true, Some(REASON), now),
                    now,
                )
                .await?;
                notices += 1;
            }
        }
        tracing::info!(session.id = %sid, facility.id = %fid, session.cancelled = notices, "vaccination session cancelled");
    }
    let (row, slots) = find(&txn, sid)
        .await?
        .filter(|(row, _)| row.facility_id == fid)
        .ok_or_else(ApiError::not_found)?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(Json(session_view(&row, &slots, now)))
}
