//! Weekly schedules of a facility: created by its administrators, materialised into slots
//! for the booking horizon at once, and retired when they end.

use super::entities::{
    facility, facility_room, facility_service, facility_specialty, practitioner_facility, schedule,
    schedule_session, slot,
};
use super::error::BookingError;
use super::settings;
use super::slots::{materialise, template_of};
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::booking::api::ScheduleSpec;
use healthbook_domain::booking::time::{format_time, local_date, minute_of_day};
use healthbook_domain::booking::{
    CreateScheduleRequest, Issue, Schedule, SessionTimes, SlotStatus, WeeklyTemplate,
};
use healthbook_domain::facility::ServiceType;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

pub async fn schedule_view(
    db: &impl ConnectionTrait,
    row: &schedule::Model,
    template: &WeeklyTemplate,
    now: DateTime<Utc>,
) -> Result<Schedule, DbErr> {
    let ahead = slot::Entity::find()
        .filter(slot::Column::ScheduleId.eq(row.id))
        .filter(slot::Column::StartsAt.gt(now))
        .count(db)
        .await?;
    Ok(Schedule {
        id: row.id,
        facility_id: row.facility_id,
        service: ServiceType::parse(&row.service).unwrap_or(ServiceType::Examination),
        specialty: row.specialty.clone(),
        practitioner_id: row.practitioner_id,
        room: row.room.clone(),
        queue: row.queue.clone(),
        slot_minutes: u32::try_from(row.slot_minutes).unwrap_or(0),
        capacity: u32::try_from(row.capacity).unwrap_or(0),
        valid_from: row.valid_from,
        valid_until: row.valid_until,
        open_on_holidays: row.open_on_holidays,
        sessions: template
            .sessions
            .iter()
            .map(|s| SessionTimes {
                day: s.day,
                start: format_time(s.start),
                end: format_time(s.end),
            })
            .collect(),
        active: row.active,
        slots_ahead: u32::try_from(ahead).unwrap_or(u32::MAX),
    })
}

/// Checks what the facility must have for this schedule: the service, the specialty, the
/// practitioner, the room, and no clash with another schedule of the same room or person.
async fn check_against_facility(
    txn: &impl ConnectionTrait,
    fid: Uuid,
    spec: &ScheduleSpec,
) -> Result<(), BookingError> {
    let offered = facility_service::Entity::find_by_id((fid, spec.service.as_str().to_owned()))
        .one(txn)
        .await?;
    if offered.is_none() {
        return Err(BookingError::ServiceNotOffered);
    }
    if let Some(code) = &spec.specialty
        && facility_specialty::Entity::find_by_id((fid, code.clone()))
            .one(txn)
            .await?
            .is_none()
    {
        return Err(BookingError::Invalid(vec![Issue::new(
            "specialty",
            "specialty_not_offered",
            "Cơ sở không có chuyên khoa này.",
            "The facility does not have this specialty.",
        )]));
    }
    if let Some(pid) = spec.practitioner_id
        && practitioner_facility::Entity::find_by_id((pid, fid))
            .one(txn)
            .await?
            .is_none()
    {
        return Err(BookingError::UnknownPractitioner);
    }
    if let Some(room) = &spec.room
        && facility_room::Entity::find_by_id((fid, room.clone()))
            .one(txn)
            .await?
            .is_none()
    {
        return Err(BookingError::UnknownRoom);
    }
    let mut same_resource = Condition::any();
    if let Some(room) = &spec.room {
        same_resource = same_resource.add(schedule::Column::Room.eq(room.as_str()));
    }
    if let Some(pid) = spec.practitioner_id {
        same_resource = same_resource.add(schedule::Column::PractitionerId.eq(pid));
    }
    if spec.room.is_none() && spec.practitioner_id.is_none() {
        return Ok(());
    }
    let others = schedule::Entity::find()
        .filter(schedule::Column::FacilityId.eq(fid))
        .filter(schedule::Column::Active.eq(true))
        .filter(same_resource)
        .all(txn)
        .await?;
    for other in others {
        if template_of(txn, &other).await?.clashes_with(&spec.template) {
            return Err(BookingError::ScheduleConflict);
        }
    }
    Ok(())
}

/// Stores a schedule and materialises its slots up to the horizon, in the caller's
/// transaction. Also used by the demo data.
pub async fn create_in(
    txn: &impl ConnectionTrait,
    fid: Uuid,
    spec: &ScheduleSpec,
    created_by: Option<Uuid>,
    horizon_days: u32,
    now: DateTime<Utc>,
) -> Result<schedule::Model, BookingError> {
    check_against_facility(txn, fid, spec).await?;
    let row = schedule::ActiveModel {
        id: Set(Uuid::now_v7()),
        facility_id: Set(fid),
        service: Set(spec.service.as_str().to_owned()),
        specialty: Set(spec.specialty.clone()),
        practitioner_id: Set(spec.practitioner_id),
        room: Set(spec.room.clone()),
        queue: Set(spec.queue.clone()),
        slot_minutes: Set(i32::try_from(spec.template.slot_minutes).unwrap_or(i32::MAX)),
        capacity: Set(i32::try_from(spec.capacity).unwrap_or(i32::MAX)),
        valid_from: Set(spec.template.valid_from),
        valid_until: Set(spec.template.valid_until),
        open_on_holidays: Set(spec.template.open_on_holidays),
        active: Set(true),
        generated_until: Set(None),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let row = schedule::Entity::insert(row)
        .exec_with_returning(txn)
        .await?;
    let sessions = spec
        .template
        .sessions
        .iter()
        .map(|s| schedule_session::ActiveModel {
            schedule_id: Set(row.id),
            day: Set(i32::from(s.day.number())),
            start_minute: Set(i32::try_from(minute_of_day(s.start)).unwrap_or(0)),
            end_minute: Set(i32::try_from(minute_of_day(s.end)).unwrap_or(0)),
        });
    schedule_session::Entity::insert_many(sessions)
        .exec_without_returning(txn)
        .await?;
    let today = local_date(now);
    let from = today.max(spec.template.valid_from);
    let until = today + Duration::days(i64::from(horizon_days));
    materialise(txn, &row, &spec.template, from, until).await?;
    Ok(row)
}

/// Adds a weekly schedule; its slots exist at once for the booking horizon.
#[utoipa::path(post, path = "/facilities/{fid}/schedules", tag = "booking", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    request_body = CreateScheduleRequest,
    responses(
        (status = 201, description = "Created, with its slots", body = Schedule),
        (status = 403, description = "Not an administrator of this facility", content_type = "application/problem+json"),
        (status = 409, description = "`schedule_conflict`: the room or practitioner is busy then", content_type = "application/problem+json"),
        (status = 422, description = "`schedule_overlap`, invalid fields, `service_not_offered`, `unknown_room`, `unknown_practitioner`", content_type = "application/problem+json"),
    ))]
pub async fn create_schedule(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidJson(request): ValidJson<CreateScheduleRequest>,
) -> ApiResult<(StatusCode, Json<Schedule>)> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let spec = request.parse().map_err(BookingError::from)?;
    let policy = settings::current(&state.db, now).await?;
    let txn = state.db.begin_write().await?;
    facility::Entity::find_by_id(fid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let row = create_in(
        &txn,
        fid,
        &spec,
        Some(actor.account_id),
        policy.horizon_days,
        now,
    )
    .await?;
    let view = schedule_view(&txn, &row, &spec.template, now).await?;
    txn.commit().await?;
    tracing::info!(schedule.id = %row.id, facility.id = %fid, schedule.slots = view.slots_ahead, "schedule created");
    Ok((StatusCode::CREATED, Json(view)))
}

/// The facility's schedules, active first.
#[utoipa::path(get, path = "/facilities/{fid}/schedules", tag = "booking",
    params(("fid" = Uuid, Path, description = "Facility id")),
    responses(
        (status = 200, description = "The schedules", body = Vec<Schedule>),
        (status = 404, description = "No such facility", content_type = "application/problem+json"),
    ))]
pub async fn list_schedules(
    State(state): State<AppState>,
    Path(fid): Path<Uuid>,
) -> ApiResult<Json<Vec<Schedule>>> {
    let now = state.clock.now();
    facility::Entity::find_by_id(fid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let rows = schedule::Entity::find()
        .filter(schedule::Column::FacilityId.eq(fid))
        .order_by_desc(schedule::Column::Active)
        .order_by_asc(schedule::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let template = template_of(&state.db, row).await?;
        out.push(schedule_view(&state.db, row, &template, now).await?);
    }
    Ok(Json(out))
}

/// Retires a schedule: no new slots, and its open future slots close. Bookings already made
/// stay; cancel them with a closure if the sessions will not be held.
#[utoipa::path(post, path = "/facilities/{fid}/schedules/{sid}/retire", tag = "booking", security(("bearer" = [])),
    params(
        ("fid" = Uuid, Path, description = "Facility id"),
        ("sid" = Uuid, Path, description = "Schedule id"),
    ),
    responses(
        (status = 200, description = "Retired", body = Schedule),
        (status = 403, description = "Not an administrator of this facility", content_type = "application/problem+json"),
        (status = 404, description = "No such schedule at this facility", content_type = "application/problem+json"),
    ))]
pub async fn retire_schedule(
    State(state): State<AppState>,
    actor: Actor,
    Path((fid, sid)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Schedule>> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let txn = state.db.begin_write().await?;
    let row = schedule::Entity::find_by_id(sid)
        .one(&txn)
        .await?
        .filter(|row| row.facility_id == fid)
        .ok_or_else(ApiError::not_found)?;
    schedule::Entity::update_many()
        .col_expr(schedule::Column::Active, Expr::value(false))
        .col_expr(schedule::Column::UpdatedAt, Expr::value(now))
        .filter(schedule::Column::Id.eq(sid))
        .exec(&txn)
        .await?;
    slot::Entity::update_many()
        .col_expr(
            slot::Column::Status,
            Expr::value(SlotStatus::Closed.as_str()),
        )
        .col_expr(slot::Column::ClosedReason, Expr::value("schedule retired"))
        .filter(slot::Column::ScheduleId.eq(sid))
        .filter(slot::Column::StartsAt.gt(now))
        .filter(slot::Column::Status.eq(SlotStatus::Open.as_str()))
        .exec(&txn)
        .await?;
    let row = schedule::Model {
        active: false,
        ..row
    };
    let template = template_of(&txn, &row).await?;
    let view = schedule_view(&txn, &row, &template, now).await?;
    txn.commit().await?;
    Ok(Json(view))
}
