//! Moving an appointment to another slot of the same facility and service, atomically: the
//! new place is taken and the old one given back in one transaction, so if the new slot is
//! full nothing changes and the old booking stays.

use super::appointments::{context, load_for, organizer_email, view};
use super::entities::{appointment, slot};
use super::error::{BookingError, on_unique};
use super::mails::{self, Kind};
use super::places::{active_key, next_queue_number, take_place};
use super::settings;
use super::slots::snapshot;
use super::waitlist::give_back;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource, allows};
use crate::error::ApiResult;
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey, NextAction};
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use healthbook_domain::booking::rules::{check_cancellable, reminder_due_at};
use healthbook_domain::booking::{AppointmentStatus, RescheduleAppointmentRequest, slot_refusal};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Moves an appointment to another slot. Its id and code stay; it takes a new queue number.
#[utoipa::path(post, path = "/appointments/{aid}/reschedule", tag = "booking", security(("bearer" = [])),
    params(
        ("aid" = Uuid, Path, description = "Appointment id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe"),
    ),
    request_body = RescheduleAppointmentRequest,
    responses(
        (status = 200, description = "Moved; the new confirmation is mailed", body = healthbook_domain::booking::Appointment),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "An enrolment session (`forbidden`), or staff with a basic session (`step_up_required`); the same for any id", content_type = "application/problem+json"),
        (status = 404, description = "No such appointment or slot, or not yours", content_type = "application/problem+json"),
        (status = 409, description = "`slot_full` (the old booking stays), `slot_closed`, `slot_in_past`, `already_booked`, `cancellation_too_late`, `appointment_not_active`", content_type = "application/problem+json"),
        (status = 422, description = "`wrong_service`, `wrong_facility`, `same_slot`", content_type = "application/problem+json"),
    ))]
pub async fn reschedule_appointment(
    State(state): State<AppState>,
    actor: Actor,
    Path(aid): Path<Uuid>,
    key: IdempotencyKey,
    ValidJson(request): ValidJson<RescheduleAppointmentRequest>,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let (row, _) = load_for(&state, &actor, aid, Action::BookFor).await?;
    let may_override_cut_off = allows(
        &actor,
        Action::OverrideCutOff,
        Resource::Appointment {
            citizen: row.citizen_id,
            facility: row.facility_id,
        },
    );
    let policy = settings::current(&state.db, now).await?;
    let organizer = organizer_email(&state);
    let fingerprint = idempotency::fingerprint(&format!("reschedule:{aid}"), &request);
    let pending = match idempotency::begin(
        &state.db,
        &actor.account_id.to_string(),
        &key,
        &fingerprint,
        now,
    )
    .await?
    {
        NextAction::Proceed(pending) => pending,
        NextAction::Replay(replay) => return Ok(replay),
    };
    let txn = pending.txn();
    // Lock the appointment first (as cancellation does), so that the checks below hold.
    let locked = appointment::Entity::update_many()
        .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
        .filter(appointment::Column::Id.eq(row.id))
        .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
        .exec_with_returning(txn)
        .await?;
    let current = locked.into_iter().next().ok_or(BookingError::NotActive)?;
    if !may_override_cut_off {
        check_cancellable(current.starts_at, now, policy.cancel_cutoff)
            .map_err(BookingError::from)?;
    }
    let target = slot::Entity::find_by_id(request.slot_id)
        .one(txn)
        .await?
        .ok_or(BookingError::SlotNotFound)?;
    if target.id == current.slot_id {
        return Err(BookingError::SameSlot.into());
    }
    if target.facility_id != current.facility_id {
        return Err(BookingError::WrongFacility.into());
    }
    if target.service != current.service {
        return Err(BookingError::WrongService.into());
    }
    // Closed, started or visibly full: refused before a place moves (the conditional update
    // of `take_place` still decides capacity).
    if let Some(refused) = slot_refusal(&snapshot(&target), now) {
        return Err(BookingError::from(refused).into());
    }
    // Slots are locked in id order whichever way the move goes.
    let target = if target.id < current.slot_id {
        let taken = take_place(txn, target.id, now).await?;
        give_back(txn, current.slot_id, now).await?;
        taken
    } else {
        give_back(txn, current.slot_id, now).await?;
        take_place(txn, target.id, now).await?
    };
    let number =
        next_queue_number(txn, target.facility_id, &target.queue, target.local_date).await?;
    let moved = appointment::Entity::update_many()
        .col_expr(appointment::Column::SlotId, Expr::value(target.id))
        .col_expr(
            appointment::Column::Specialty,
            Expr::value(target.specialty.clone()),
        )
        .col_expr(
            appointment::Column::PractitionerId,
            Expr::value(target.practitioner_id),
        )
        .col_expr(appointment::Column::Room, Expr::value(target.room.clone()))
        .col_expr(
            appointment::Column::Queue,
            Expr::value(target.queue.clone()),
        )
        .col_expr(
            appointment::Column::LocalDate,
            Expr::value(target.local_date),
        )
        .col_expr(appointment::Column::StartsAt, Expr::value(target.starts_at))
        .col_expr(appointment::Column::EndsAt, Expr::value(target.ends_at))
        .col_expr(appointment::Column::QueueNumber, Expr::value(number))
        .col_expr(
            appointment::Column::ActiveKey,
            Expr::value(Some(active_key(current.citizen_id, target.id))),
        )
        .col_expr(
            appointment::Column::Revision,
            Expr::col(appointment::Column::Revision).add(1),
        )
        .col_expr(
            appointment::Column::ReminderDueAt,
            Expr::value(reminder_due_at(target.starts_at, now, policy.reminder_lead)),
        )
        .col_expr(
            appointment::Column::ReminderSentAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(appointment::Column::Id.eq(current.id))
        .exec_with_returning(txn)
        .await
        .map_err(|e| on_unique(e, "active_key", BookingError::AlreadyBooked))?
        .into_iter()
        .next()
        .ok_or(BookingError::NotActive)?;
    let ctx = context(txn, &moved, &organizer).await?;
    mail::enqueue(
        txn,
        mails::appointment_mail(Kind::Rescheduled, &ctx, &moved, &policy, now),
        now,
    )
    .await?;
    let appointment = view(&moved, &ctx, &policy);
    pending.finish(StatusCode::OK, &appointment).await?;
    state.mailer.wake();
    Ok((StatusCode::OK, Json(appointment)).into_response())
}
