//! Closures: a holiday the facility adds (the extra Tết days announced each year), a closure
//! of the facility or of one schedule, a practitioner's leave. Matching open slots close at
//! once, slots materialised later are never created, and on request the appointments already
//! booked in them are cancelled with a notice to each citizen.

use super::appointments::{context, organizer_email};
use super::cancel::cancel_in;
use super::entities::{appointment, closure, facility, practitioner_facility, schedule, slot};
use super::error::BookingError;
use super::mails;
use super::slots::closure_window;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use healthbook_domain::booking::api::ClosureSpec;
use healthbook_domain::booking::time::{format_time, local_date, minute_of_day, to_local};
use healthbook_domain::booking::{
    AppointmentStatus, CancelledBy, Closure, ClosureKind, CreateClosureRequest, SlotStatus,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

const CHUNK: usize = 500;

fn closure_view(row: &closure::Model) -> Closure {
    let window = closure_window(row).window;
    Closure {
        id: row.id,
        facility_id: row.facility_id,
        kind: ClosureKind::parse(&row.kind).unwrap_or(ClosureKind::Closure),
        from: row.date_from,
        until: row.date_until,
        start: window.map(|(start, _)| format_time(start)),
        end: window.map(|(_, end)| format_time(end)),
        schedule_id: row.schedule_id,
        practitioner_id: row.practitioner_id,
        reason: row.reason.clone(),
        slots_closed: u32::try_from(row.slots_closed).unwrap_or(0),
        appointments_cancelled: u32::try_from(row.appointments_cancelled).unwrap_or(0),
    }
}

fn minute(time: chrono::NaiveTime) -> i32 {
    i32::try_from(minute_of_day(time)).unwrap_or(0)
}

/// Closes slots of the facility (all, one schedule's, or one practitioner's) for a period.
#[utoipa::path(post, path = "/facilities/{fid}/closures", tag = "booking", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    request_body = CreateClosureRequest,
    responses(
        (status = 201, description = "Recorded; slots closed and, on request, appointments cancelled", body = Closure),
        (status = 403, description = "Not an administrator of this facility", content_type = "application/problem+json"),
        (status = 422, description = "Malformed or ambiguous dates, `unknown_schedule`, `unknown_practitioner`", content_type = "application/problem+json"),
    ))]
pub async fn create_closure(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidJson(request): ValidJson<CreateClosureRequest>,
) -> ApiResult<(StatusCode, Json<Closure>)> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let spec: ClosureSpec = request.parse().map_err(BookingError::from)?;
    let organizer = organizer_email(&state);
    let txn = state.db.begin_write().await?;
    facility::Entity::find_by_id(fid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if let Some(sid) = spec.schedule_id
        && schedule::Entity::find_by_id(sid)
            .one(&txn)
            .await?
            .is_none_or(|s| s.facility_id != fid)
    {
        return Err(BookingError::UnknownSchedule.into());
    }
    if let Some(pid) = spec.practitioner_id
        && practitioner_facility::Entity::find_by_id((pid, fid))
            .one(&txn)
            .await?
            .is_none()
    {
        return Err(BookingError::UnknownPractitioner.into());
    }
    let mut row = closure::Model {
        id: Uuid::now_v7(),
        facility_id: fid,
        kind: spec.kind.as_str().to_owned(),
        date_from: spec.from,
        date_until: spec.until,
        start_minute: spec.window.map(|(start, _)| minute(start)),
        end_minute: spec.window.map(|(_, end)| minute(end)),
        schedule_id: spec.schedule_id,
        practitioner_id: spec.practitioner_id,
        reason: spec.reason.clone(),
        slots_closed: 0,
        appointments_cancelled: 0,
        created_by: Some(actor.account_id),
        created_at: now,
    };
    let window = closure_window(&row);

    let mut candidates = slot::Entity::find()
        .filter(slot::Column::FacilityId.eq(fid))
        .filter(slot::Column::LocalDate.gte(spec.from))
        .filter(slot::Column::LocalDate.lte(spec.until))
        .filter(slot::Column::Status.eq(SlotStatus::Open.as_str()))
        .filter(slot::Column::StartsAt.gt(now))
        .order_by_asc(slot::Column::Id);
    if let Some(sid) = spec.schedule_id {
        candidates = candidates.filter(slot::Column::ScheduleId.eq(sid));
    }
    if let Some(pid) = spec.practitioner_id {
        candidates = candidates.filter(slot::Column::PractitionerId.eq(pid));
    }
    let closing: Vec<Uuid> = candidates
        .all(&txn)
        .await?
        .into_iter()
        .filter(|s| {
            window.covers(
                s.local_date,
                to_local(s.starts_at).time(),
                to_local(s.ends_at).time(),
            )
        })
        .map(|s| s.id)
        .collect();
    let reason = if spec.reason.is_empty() {
        spec.kind.as_str().to_owned()
    } else {
        spec.reason.clone()
    };
    for chunk in closing.chunks(CHUNK) {
        slot::Entity::update_many()
            .col_expr(
                slot::Column::Status,
                Expr::value(SlotStatus::Closed.as_str()),
            )
            .col_expr(slot::Column::ClosedReason, Expr::value(reason.clone()))
            .filter(slot::Column::Id.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?;
    }
    row.slots_closed = i32::try_from(closing.len()).unwrap_or(i32::MAX);

    if spec.cancel_appointments {
        let mut cancelled = 0;
        for chunk in closing.chunks(CHUNK) {
            let booked = appointment::Entity::find()
                .filter(appointment::Column::SlotId.is_in(chunk.iter().copied()))
                .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
                .order_by_asc(appointment::Column::SlotId)
                .all(&txn)
                .await?;
            for appt in booked {
                if let Some(done) =
                    cancel_in(&txn, &appt, CancelledBy::Facility, Some(&reason), now).await?
                {
                    let ctx = context(&txn, &done, &organizer).await?;
                    mail::enqueue(
                        &txn,
                        mails::cancellation(&ctx, &done, true, Some(&reason), now),
                        now,
                    )
                    .await?;
                    cancelled += 1;
                }
            }
        }
        row.appointments_cancelled = cancelled;
    }
    let saved = closure::Entity::insert(closure::ActiveModel {
        id: Set(row.id),
        facility_id: Set(row.facility_id),
        kind: Set(row.kind.clone()),
        date_from: Set(row.date_from),
        date_until: Set(row.date_until),
        start_minute: Set(row.start_minute),
        end_minute: Set(row.end_minute),
        schedule_id: Set(row.schedule_id),
        practitioner_id: Set(row.practitioner_id),
        reason: Set(row.reason.clone()),
        slots_closed: Set(row.slots_closed),
        appointments_cancelled: Set(row.appointments_cancelled),
        created_by: Set(row.created_by),
        created_at: Set(row.created_at),
    })
    .exec_with_returning(&txn)
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    tracing::info!(
        closure.id = %saved.id,
        facility.id = %fid,
        closure.slots = saved.slots_closed,
        closure.cancelled = saved.appointments_cancelled,
        "closure recorded"
    );
    Ok((StatusCode::CREATED, Json(closure_view(&saved))))
}

/// The facility's closures that have not ended yet.
#[utoipa::path(get, path = "/facilities/{fid}/closures", tag = "booking",
    params(("fid" = Uuid, Path, description = "Facility id")),
    responses(
        (status = 200, description = "Current and future closures", body = Vec<Closure>),
        (status = 404, description = "No such facility", content_type = "application/problem+json"),
    ))]
pub async fn list_closures(
    State(state): State<AppState>,
    Path(fid): Path<Uuid>,
) -> ApiResult<Json<Vec<Closure>>> {
    let today = local_date(state.clock.now());
    facility::Entity::find_by_id(fid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let rows = closure::Entity::find()
        .filter(closure::Column::FacilityId.eq(fid))
        .filter(closure::Column::DateUntil.gte(today))
        .order_by_asc(closure::Column::DateFrom)
        .all(&state.db)
        .await?;
    Ok(Json(rows.iter().map(closure_view).collect()))
}
