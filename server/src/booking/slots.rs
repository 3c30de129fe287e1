//! Slots: materialised from the weekly schedules for a rolling horizon, and listed with their
//! remaining capacity.
//!
//! Slots are rows, not computed on each read: a booking is then one conditional
//! `UPDATE slots SET booked = booked + 1 WHERE id = ? AND booked < capacity`, which the
//! database makes atomic across every process; closures and edits are applied to rows once;
//! and the list of free slots is an index range scan. The horizon is extended by the
//! periodic job (`reminders.rs`); inserting is idempotent on `(schedule_id, starts_at)`, so two
//! processes extending at once produce each slot once.

use super::entities::{closure, facility, schedule, schedule_session, slot};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::http::{ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use healthbook_domain::booking::schedule::{Closure, Session};
use healthbook_domain::booking::time::{
    format_time, local_date, parse_date, time_of_minute, to_local,
};
use healthbook_domain::booking::{
    DayOfWeek, HolidayCalendar, Slot, SlotSnapshot, SlotStatus, WeeklyTemplate, generate_slots,
};
use healthbook_domain::facility::ServiceType;
use healthbook_domain::page::{Page, page_size};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Rows per insert statement: well under SQLite's limit on bound parameters.
const INSERT_CHUNK: usize = 400;
/// The longest range one slot query may ask for.
pub const MAX_RANGE_DAYS: i64 = 31;

pub fn slot_view(row: &slot::Model) -> Slot {
    let capacity = u32::try_from(row.capacity).unwrap_or(0);
    let booked = u32::try_from(row.booked).unwrap_or(0);
    Slot {
        id: row.id,
        facility_id: row.facility_id,
        schedule_id: row.schedule_id,
        service: ServiceType::parse(&row.service).unwrap_or(ServiceType::Examination),
        specialty: row.specialty.clone(),
        practitioner_id: row.practitioner_id,
        room: row.room.clone(),
        date: row.local_date,
        start: format_time(to_local(row.starts_at).time()),
        end: format_time(to_local(row.ends_at).time()),
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        capacity,
        booked,
        remaining: capacity.saturating_sub(booked),
        status: if row.status == SlotStatus::Open.as_str() {
            SlotStatus::Open
        } else {
            SlotStatus::Closed
        },
    }
}

/// The weekly template of a stored schedule.
pub async fn template_of(
    db: &impl ConnectionTrait,
    row: &schedule::Model,
) -> Result<WeeklyTemplate, DbErr> {
    let sessions = schedule_session::Entity::find()
        .filter(schedule_session::Column::ScheduleId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| {
            Some(Session {
                day: DayOfWeek::from_number(u8::try_from(s.day).ok()?)?,
                start: time_of_minute(u32::try_from(s.start_minute).ok()?)?,
                end: time_of_minute(u32::try_from(s.end_minute).ok()?)?,
            })
        })
        .collect();
    Ok(WeeklyTemplate {
        sessions,
        slot_minutes: u32::try_from(row.slot_minutes).unwrap_or(0),
        valid_from: row.valid_from,
        valid_until: row.valid_until,
        open_on_holidays: row.open_on_holidays,
    })
}

pub fn closure_window(row: &closure::Model) -> Closure {
    let minute = |m: Option<i32>| {
        m.and_then(|m| u32::try_from(m).ok())
            .and_then(time_of_minute)
    };
    Closure {
        from: row.date_from,
        until: row.date_until,
        window: minute(row.start_minute).zip(minute(row.end_minute)),
    }
}

/// Closures of the facility that apply to this schedule between two dates.
async fn closures_for(
    db: &impl ConnectionTrait,
    row: &schedule::Model,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Closure>, DbErr> {
    let mut practitioner = Condition::any().add(closure::Column::PractitionerId.is_null());
    if let Some(pid) = row.practitioner_id {
        practitioner = practitioner.add(closure::Column::PractitionerId.eq(pid));
    }
    Ok(closure::Entity::find()
        .filter(closure::Column::FacilityId.eq(row.facility_id))
        .filter(closure::Column::DateUntil.gte(from))
        .filter(closure::Column::DateFrom.lte(until))
        .filter(
            Condition::any()
                .add(closure::Column::ScheduleId.is_null())
                .add(closure::Column::ScheduleId.eq(row.id)),
        )
        .filter(practitioner)
        .all(db)
        .await?
        .iter()
        .map(closure_window)
        .collect())
}

/// Creates the slots of `row` from `from` to `until` that do not exist yet, and records how
/// far the schedule is materialised. Returns the number of slots created.
pub async fn materialise(
    txn: &impl ConnectionTrait,
    row: &schedule::Model,
    template: &WeeklyTemplate,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<u64, DbErr> {
    if until < from || !row.active {
        return Ok(0);
    }
    let closures = closures_for(txn, row, from, until).await?;
    let holidays = HolidayCalendar::covering(from, until);
    let times = generate_slots(template, &closures, &holidays, from, until);
    let mut created = 0;
    for chunk in times.chunks(INSERT_CHUNK) {
        let rows = chunk.iter().map(|t| slot::ActiveModel {
            id: Set(Uuid::now_v7()),
            schedule_id: Set(row.id),
            facility_id: Set(row.facility_id),
            service: Set(row.service.clone()),
            specialty: Set(row.specialty.clone()),
            practitioner_id: Set(row.practitioner_id),
            room: Set(row.room.clone()),
            queue: Set(row.queue.clone()),
            local_date: Set(t.date),
            starts_at: Set(t.starts_at),
            ends_at: Set(t.ends_at),
            capacity: Set(row.capacity),
            booked: Set(0),
            status: Set(SlotStatus::Open.as_str().to_owned()),
            closed_reason: Set(None),
        });
        created += slot::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([slot::Column::ScheduleId, slot::Column::StartsAt])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    schedule::Entity::update_many()
        .col_expr(schedule::Column::GeneratedUntil, Expr::value(until))
        .filter(schedule::Column::Id.eq(row.id))
        .filter(
            Condition::any()
                .add(schedule::Column::GeneratedUntil.is_null())
                .add(schedule::Column::GeneratedUntil.lt(until)),
        )
        .exec(txn)
        .await?;
    Ok(created)
}

/// Extends every active schedule to `today + horizon_days`, one transaction per schedule so
/// that a long run never holds the single SQLite connection for long.
pub async fn extend_horizon(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
    horizon_days: u32,
) -> Result<u64, DbErr> {
    let today = local_date(now);
    let until = today + Duration::days(i64::from(horizon_days));
    let due = schedule::Entity::find()
        .filter(schedule::Column::Active.eq(true))
        .filter(
            Condition::any()
                .add(schedule::Column::GeneratedUntil.is_null())
                .add(schedule::Column::GeneratedUntil.lt(until)),
        )
        .all(db)
        .await?;
    let mut created = 0;
    for row in due {
        let from = Ord::max(
            row.generated_until
                .map_or(today, |done| done + Duration::days(1)),
            today,
        );
        let txn = db.begin_write().await?;
        let template = template_of(&txn, &row).await?;
        created += materialise(&txn, &row, &template, from, until).await?;
        txn.commit().await?;
    }
    Ok(created)
}

pub use healthbook_domain::booking::SlotQuery;

#[derive(Serialize, Deserialize)]
struct SlotCursor {
    starts_at: DateTime<Utc>,
    id: Uuid,
}

pub(super) fn date_field(field: &str, text: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    match text {
        None => Ok(None),
        Some(text) => parse_date(text)
            .map(Some)
            .map_err(|e| ApiError::validation(vec![FieldError::from_localized(field, &e)])),
    }
}

/// The range a date query names, checked: `to` not before `from`, at most 31 days.
pub fn date_range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let from_date = date_field("from", from)?.unwrap_or(today);
    let to_date = date_field("to", to)?.unwrap_or(from_date + Duration::days(6));
    if to_date < from_date || (to_date - from_date).num_days() >= MAX_RANGE_DAYS {
        return Err(ApiError::validation(vec![FieldError::new(
            "to",
            "date_range_invalid",
            Text::new(
                "Khoảng ngày phải từ ngày bắt đầu trở đi và không quá 31 ngày.",
                "The range must not end before it starts nor span more than 31 days.",
            ),
        )]));
    }
    Ok((from_date, to_date))
}

/// The slots of a facility between two local dates, with their remaining capacity.
#[utoipa::path(get, path = "/facilities/{fid}/slots", tag = "booking",
    params(("fid" = Uuid, Path, description = "Facility id"), SlotQuery),
    responses(
        (status = 200, description = "A page of slots in time order", body = Page<Slot>),
        (status = 404, description = "No such facility", content_type = "application/problem+json"),
        (status = 422, description = "A malformed, ambiguous or reversed date range", content_type = "application/problem+json"),
    ))]
pub async fn list_slots(
    State(state): State<AppState>,
    Path(fid): Path<Uuid>,
    ValidQuery(query): ValidQuery<SlotQuery>,
) -> ApiResult<Json<Page<Slot>>> {
    let today = local_date(state.clock.now());
    let (from, to) = date_range(query.from.as_deref(), query.to.as_deref(), today)?;
    facility::Entity::find_by_id(fid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let limit = page_size(query.limit);
    let mut select = slot::Entity::find()
        .filter(slot::Column::FacilityId.eq(fid))
        .filter(slot::Column::LocalDate.gte(from))
        .filter(slot::Column::LocalDate.lte(to))
        .order_by_asc(slot::Column::StartsAt)
        .order_by_asc(slot::Column::Id)
        .limit(limit + 1);
    if let Some(service) = query.service {
        select = select.filter(slot::Column::Service.eq(service.as_str()));
    }
    if let Some(specialty) = &query.specialty {
        select = select.filter(slot::Column::Specialty.eq(specialty.as_str()));
    }
    if let Some(pid) = query.practitioner_id {
        select = select.filter(slot::Column::PractitionerId.eq(pid));
    }
    if query.available {
        select = select
            .filter(slot::Column::Status.eq(SlotStatus::Open.as_str()))
            .filter(Expr::col(slot::Column::Booked).lt(Expr::col(slot::Column::Capacity)))
            .filter(slot::Column::StartsAt.gt(state.clock.now()));
    }
    if let Some(raw) = &query.cursor {
        let after: SlotCursor = cursor::decode(raw)?;
        select = select.filter(
            Expr::col(slot::Column::StartsAt)
                .gt(after.starts_at)
                .or(Expr::col(slot::Column::StartsAt)
                    .eq(after.starts_at)
                    .and(Expr::col(slot::Column::Id).gt(after.id))),
        );
    }
    let mut rows = select.all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|last| {
            cursor::encode(&SlotCursor {
                starts_at: last.starts_at,
                id: last.id,
            })
        })
    } else {
        None
    };
    Ok(Json(Page {
        items: rows.iter().map(slot_view).collect(),
        next_cursor,
    }))
}

/// A stored slot as the booking rules read it (`booking::refusal`).
pub fn snapshot(row: &slot::Model) -> SlotSnapshot {
    SlotSnapshot::stored(
        &row.service,
        &row.status,
        row.starts_at,
        row.capacity,
        row.booked,
    )
}
