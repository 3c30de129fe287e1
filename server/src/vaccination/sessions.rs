//! Vaccination sessions: created by a facility's administrators, listed for everyone.
//!
//! A session's places are booking slots: creating one stores a one-day schedule of service
//! `vaccination` with its own queue and materialises its slots at once, so registration takes
//! a place with booking's atomic capacity and gapless queue numbers, and the day list, check-in
//! and reminders see registrations as the appointments they are.

use super::entities::vaccination_session;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::booking::entities::{facility, slot};
use crate::booking::schedules::create_in;
use crate::booking::settings;
use crate::booking::slots::materialise;
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::http::{ValidJson, ValidQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use healthbook_domain::booking::api::ScheduleSpec;
use healthbook_domain::booking::schedule::Session;
use healthbook_domain::booking::time::{
    format_time, local_date, minute_of_day, parse_date, time_of_minute, to_local,
};
use healthbook_domain::booking::{DayOfWeek, SlotStatus, WeeklyTemplate};
use healthbook_domain::facility::ServiceType;
use healthbook_domain::vaccine::session::{
    CreateSessionRequest, SessionKind, SessionSlot, VaccinationSession,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;
use validator::Validate;

/// The longest range one listing may ask for.
const MAX_RANGE_DAYS: i64 = 62;

/// The session as everyone sees it: its place, vaccines and the free places of the time
/// slots still to come. `slots` are the session schedule's slots, in time order.
pub fn session_view(
    row: &vaccination_session::Model,
    slots: &[slot::Model],
    now: DateTime<Utc>,
) -> VaccinationSession {
    let open_ahead = |s: &&slot::Model| {
        s.status == SlotStatus::Open.as_str() && s.starts_at > now && row.cancelled_at.is_none()
    };
    let places = |s: &slot::Model| u32::try_from(s.capacity.saturating_sub(s.booked)).unwrap_or(0);
    let minute = |m: i32| {
        u32::try_from(m)
            .ok()
            .and_then(time_of_minute)
            .map(format_time)
            .unwrap_or_default()
    };
    VaccinationSession {
        id: row.id,
        facility_id: row.facility_id,
        kind: SessionKind::parse(&row.kind).unwrap_or(SessionKind::Fixed),
        place_name: row.place_name.clone(),
        commune_code: row.commune_code.clone(),
        date: row.local_date,
        start: minute(row.start_minute),
        end: minute(row.end_minute),
        vaccines: row.vaccine_codes().map(str::to_owned).collect(),
        remaining: slots.iter().filter(open_ahead).map(places).sum(),
        slots: slots
            .iter()
            .filter(open_ahead)
            .map(|s| SessionSlot {
                slot_id: s.id,
                start: format_time(to_local(s.starts_at).time()),
                end: format_time(to_local(s.ends_at).time()),
                remaining: places(s),
            })
            .collect(),
        cancelled_at: row.cancelled_at,
    }
}

/// The slots of each session's schedule, in time order, in one query.
pub async fn slots_of(
    db: &impl ConnectionTrait,
    sessions: &[vaccination_session::Model],
) -> Result<HashMap<Uuid, Vec<slot::Model>>, DbErr> {
    let schedules: Vec<Uuid> = sessions.iter().map(|s| s.schedule_id).collect();
    let mut by_schedule: HashMap<Uuid, Vec<slot::Model>> = HashMap::new();
    if schedules.is_empty() {
        return Ok(by_schedule);
    }
    for row in slot::Entity::find()
        .filter(slot::Column::ScheduleId.is_in(schedules))
        .order_by_asc(slot::Column::StartsAt)
        .all(db)
        .await?
    {
        by_schedule.entry(row.schedule_id).or_default().push(row);
    }
    Ok(by_schedule)
}

/// A session by id, with its slots; `None` when there is none.
pub async fn find(
    db: &impl ConnectionTrait,
    sid: Uuid,
) -> Result<Option<(vaccination_session::Model, Vec<slot::Model>)>, DbErr> {
    let Some(row) = vaccination_session::Entity::find_by_id(sid).one(db).await? else {
        return Ok(None);
    };
    let mut slots = slots_of(db, std::slice::from_ref(&row)).await?;
    let own = slots.remove(&row.schedule_id).unwrap_or_default();
    Ok(Some((row, own)))
}

/// Adds a vaccination session; its places exist at once.
#[utoipa::path(post, path = "/facilities/{fid}/vaccination-sessions", tag = "vaccination", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    request_body = CreateSessionRequest,
    responses(
        (status = 201, description = "Created, with its time slots", body = VaccinationSession),
        (status = 403, description = "Not an administrator of this facility", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named (`unknown_vaccine`, `date_in_past`…), or `service_not_offered` (the facility does not vaccinate)", content_type = "application/problem+json"),
    ))]
pub async fn create_vaccination_session(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidJson(request): ValidJson<CreateSessionRequest>,
) -> ApiResult<(StatusCode, Json<VaccinationSession>)> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let spec = request.parse(local_date(now)).map_err(ApiError::invalid)?;
    let policy = settings::current(&state.db, now).await?;
    let txn = state.db.begin_write().await?;
    let place = facility::Entity::find_by_id(fid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let id = Uuid::now_v7();
    let template = WeeklyTemplate {
        sessions: vec![Session {
            day: DayOfWeek::of(spec.date),
            start: spec.start,
            end: spec.end,
        }],
        slot_minutes: spec.slot_minutes,
        valid_from: spec.date,
        valid_until: Some(spec.date),
        // A campaign day is held when it is announced, holiday or not.
        open_on_holidays: true,
    };
    let schedule = ScheduleSpec {
        service: ServiceType::Vaccination,
        specialty: None,
        practitioner_id: None,
        room: None,
        // Each session numbers its own queue: an outreach site is not the facility's hall.
        queue: format!("session-{}", &id.simple().to_string()[24..]),
        capacity: spec.capacity,
        template,
    };
    let schedule_row = create_in(
        &txn,
        fid,
        &schedule,
        Some(actor.account_id),
        policy.horizon_days,
        now,
    )
    .await?;
    // A session planned beyond the booking horizon takes registrations at once too.
    materialise(
        &txn,
        &schedule_row,
        &schedule.template,
        spec.date,
        spec.date,
    )
    .await?;
    let minute = |t| i32::try_from(minute_of_day(t)).unwrap_or(0);
    let row = vaccination_session::Entity::insert(vaccination_session::ActiveModel {
        id: Set(id),
        facility_id: Set(fid),
        kind: Set(spec.kind.as_str().to_owned()),
        place_name: Set(spec.place_name.clone()),
        commune_code: Set(spec
            .commune
            .map_or_else(|| place.commune_code.clone(), |c| c.to_string())),
        local_date: Set(spec.date),
        start_minute: Set(minute(spec.start)),
        end_minute: Set(minute(spec.end)),
        vaccines: Set(spec
            .vaccines
            .iter()
            .map(|v| v.code)
            .collect::<Vec<_>>()
            .join(",")),
        schedule_id: Set(schedule_row.id),
        created_by: Set(actor.account_id),
        created_at: Set(now),
        cancelled_at: Set(None),
        cancelled_by: Set(None),
    })
    .exec_with_returning(&txn)
    .await?;
    let mut slots = slots_of(&txn, std::slice::from_ref(&row)).await?;
    let view = session_view(
        &row,
        &slots.remove(&row.schedule_id).unwrap_or_default(),
        now,
    );
    txn.commit().await?;
    tracing::info!(session.id = %row.id, facility.id = %fid, session.places = view.remaining, "vaccination session created");
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionsQuery {
    /// First local date, `YYYY-MM-DD` (today when absent).
    pub from: Option<String>,
    /// Last local date (62 days after `from` at most; `from` + 30 when absent).
    pub to: Option<String>,
}

fn range(query: &SessionsQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let parse = |field: &str, text: &Option<String>| -> Result<Option<NaiveDate>, ApiError> {
        text.as_deref()
            .map(|t| parse_date(t).map_err(|e| ApiError::field(field, &e)))
            .transpose()
    };
    let from = parse("from", &query.from)?.unwrap_or(today);
    let to = parse("to", &query.to)?.unwrap_or(from + Duration::days(30));
    if to < from || (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(ApiError::validation(vec![FieldError::new(
            "to",
            "date_range",
            Text::new(
                "Khoảng ngày phải từ 0 đến 62 ngày, kết thúc không trước ngày bắt đầu.",
                "The range is 0 to 62 days and does not end before it starts.",
            ),
        )]));
    }
    Ok((from, to))
}

/// The facility's vaccination sessions in a date range, cancelled ones included (marked).
#[utoipa::path(get, path = "/facilities/{fid}/vaccination-sessions", tag = "vaccination",
    params(("fid" = Uuid, Path, description = "Facility id"), SessionsQuery),
    responses(
        (status = 200, description = "The sessions, by date and start", body = Vec<VaccinationSession>),
        (status = 404, description = "No such facility", content_type = "application/problem+json"),
        (status = 422, description = "A malformed date or a range over 62 days", content_type = "application/problem+json"),
    ))]
pub async fn list_vaccination_sessions(
    State(state): State<AppState>,
    Path(fid): Path<Uuid>,
    ValidQuery(query): ValidQuery<SessionsQuery>,
) -> ApiResult<Json<Vec<VaccinationSession>>> {
    let now = state.clock.now();
    let (from, to) = range(&query, local_date(now))?;
    facility::Entity::find_by_id(fid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let rows = vaccination_session::Entity::find()
        .filter(vaccination_session::Column::FacilityId.eq(fid))
        .filter(vaccination_session::Column::LocalDate.gte(from))
        .filter(vaccination_session::Column::LocalDate.lte(to))
        .order_by_asc(vaccination_session::Column::LocalDate)
        .order_by_asc(vaccination_session::Column::StartMinute)
        .order_by_asc(vaccination_session::Column::Id)
        .all(&state.db)
        .await?;
    let mut slots = slots_of(&state.db, &rows).await?;
    Ok(Json(
        rows.iter()
            .map(|row| {
                session_view(
                    row,
                    &slots.remove(&row.schedule_id).unwrap_or_default(),
                    now,
                )
            })
            .collect(),
    ))
}
