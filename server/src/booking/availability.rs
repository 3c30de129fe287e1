//! Public availability (`GET /v1/availability`): free places by province or commune, service
//! and date, for the national booking portal and other apps, as CoWIN's `calendarByDistrict`
//! served India's. Unauthenticated and holding no personal data: facilities, times and counts.
//!
//! A portal polls it, so the answer carries an `ETag` (a hash of the body: `If-None-Match`
//! gets `304` without it) and a short `max-age` that lets a shared cache in front answer the
//! crowd; each client address is rate-limited. Free places count lapsed holds as free, as
//! a booking does (migration 22), so the counts are what a booking would find.

use super::entities::{facility, slot, slot_hold};
use super::facilities::{after_cursor, paged};
use super::slots::date_field;
use crate::auth::actor::ClientIp;
use crate::auth::limits::{self, Rule};
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::http::{ValidQuery, conditional};
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::booking::time::{format_time, to_local};
use healthbook_domain::booking::{
    Availability, AvailabilityQuery, DayAvailability, FacilityAvailability, FreeSlot, HoldState,
    SlotStatus,
};
use healthbook_domain::facility::FacilityLevel;
use healthbook_domain::text::hex;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

/// A portal refreshing every few seconds for its users stays well inside; a scraper walking
/// every commune does not.
const PER_CLIENT: Rule = Rule {
    name: "availability:ip",
    max: 300,
    window: std::time::Duration::from_secs(60),
};
const CACHE_CONTROL: &str = "public, max-age=30";
const DEFAULT_PAGE: u64 = 20;

/// The slots a booking could take now: open, ahead, of the service and dates asked, with a
/// place free or a lapsed hold's place to take over.
fn bookable(
    query: &AvailabilityQuery,
    range: (chrono::NaiveDate, chrono::NaiveDate),
    now: DateTime<Utc>,
) -> Condition {
    let lapsed = Query::select()
        .expr(Expr::val(1))
        .from(slot_hold::Entity)
        .and_where(
            Expr::col((slot_hold::Entity, slot_hold::Column::SlotId))
                .equals((slot::Entity, slot::Column::Id)),
        )
        .and_where(slot_hold::Column::State.eq(HoldState::Held.as_str()))
        .and_where(slot_hold::Column::ExpiresAt.lte(now))
        .to_owned();
    let mut condition = Condition::all()
        .add(slot::Column::Status.eq(SlotStatus::Open.as_str()))
        .add(slot::Column::StartsAt.gt(now))
        .add(slot::Column::Service.eq(query.service.as_str()))
        .add(slot::Column::LocalDate.gte(range.0))
        .add(slot::Column::LocalDate.lte(range.1))
        .add(
            Condition::any()
                .add(
                    Expr::col((slot::Entity, slot::Column::Booked))
                        .lt(Expr::col((slot::Entity, slot::Column::Capacity))),
                )
                .add(Expr::exists(lapsed)),
        );
    if let Some(specialty) = &query.specialty {
        condition = condition.add(slot::Column::Specialty.eq(specialty.as_str()));
    }
    condition
}

fn unit_required() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "province",
        "unit_required",
        Text::new(
            "Cần chọn tỉnh/thành phố hoặc xã/phường.",
            "Name a province or a commune.",
        ),
    )])
}

/// Free places by province or commune, service and date.
#[utoipa::path(get, path = "/availability", tag = "booking",
    params(AvailabilityQuery),
    responses(
        (status = 200, description = "Facilities with free places, by name, a page at a time; `ETag` and `Cache-Control: public, max-age=30`", body = Availability),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 422, description = "No province nor commune (`unit_required`), a malformed date or an out-of-range `days` or `limit`", content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address", content_type = "application/problem+json"),
    ))]
pub async fn availability(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ValidQuery(query): ValidQuery<AvailabilityQuery>,
) -> ApiResult<Response> {
    limits::check(&state, PER_CLIENT, &ip).await?;
    if query.province.is_none() && query.commune.is_none() {
        return Err(unit_required());
    }
    let from = date_field("date", Some(&query.date))?.ok_or_else(unit_required)?;
    let days = Ord::max(query.days.unwrap_or(1), 1);
    let to = from + Duration::days(i64::from(days) - 1);
    let now = state.clock.now();
    let answer = find(&state, &query, (from, to), now).await?;
    Ok(respond(&answer, &headers))
}

async fn find(
    state: &AppState,
    query: &AvailabilityQuery,
    range: (chrono::NaiveDate, chrono::NaiveDate),
    now: DateTime<Utc>,
) -> Result<Availability, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    let with_places: SelectStatement = Query::select()
        .column(slot::Column::FacilityId)
        .from(slot::Entity)
        .cond_where(bookable(query, range, now))
        .to_owned();
    let mut select = facility::Entity::find()
        .filter(facility::Column::Id.in_subquery(with_places))
        .order_by_asc(facility::Column::NameFolded)
        .order_by_asc(facility::Column::Id)
        .limit(limit + 1);
    if let Some(province) = &query.province {
        select = select.filter(facility::Column::ProvinceCode.eq(province.as_str()));
    }
    if let Some(commune) = &query.commune {
        select = select.filter(facility::Column::CommuneCode.eq(commune.as_str()));
    }
    let select = after_cursor(select, query.cursor.as_deref())?;
    let (facilities, next_cursor) = paged(select.all(&state.db).await?, limit);
    let slots = slot::Entity::find()
        .filter(bookable(query, range, now))
        .filter(slot::Column::FacilityId.is_in(facilities.iter().map(|f| f.id)))
        .order_by_asc(slot::Column::StartsAt)
        .order_by_asc(slot::Column::Id)
        .all(&state.db)
        .await?;
    let lapsed = lapsed_holds(state, &slots, now).await?;
    let mut by_facility: HashMap<Uuid, Vec<DayAvailability>> = HashMap::new();
    for row in &slots {
        let taken = row.booked - lapsed.get(&row.id).copied().unwrap_or(0);
        let free = u32::try_from(row.capacity - taken).unwrap_or(0);
        if free == 0 {
            continue;
        }
        let days = by_facility.entry(row.facility_id).or_default();
        if days.last().is_none_or(|d| d.date != row.local_date) {
            days.push(DayAvailability {
                date: row.local_date,
                free: 0,
                slots: Vec::new(),
            });
        }
        if let Some(day) = days.last_mut() {
            day.free += free;
            day.slots.push(FreeSlot {
                slot_id: row.id,
                specialty: row.specialty.clone(),
                start: format_time(to_local(row.starts_at).time()),
                end: format_time(to_local(row.ends_at).time()),
                free,
            });
        }
    }
    Ok(Availability {
        service: query.service,
        from: range.0,
        to: range.1,
        facilities: facilities
            .into_iter()
            .map(|row| FacilityAvailability {
                days: by_facility.remove(&row.id).unwrap_or_default(),
                facility_id: row.id,
                level: FacilityLevel::parse(&row.level).unwrap_or(FacilityLevel::CommuneStation),
                name: row.name,
                address: row.address,
                province_code: row.province_code,
                commune_code: row.commune_code,
            })
            .collect(),
        next_cursor,
    })
}

/// Per slot, its holds that lapsed with nobody taking their place over yet.
async fn lapsed_holds(
    state: &AppState,
    slots: &[slot::Model],
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, i32>, DbErr> {
    let held: Vec<Uuid> = slot_hold::Entity::find()
        .select_only()
        .column(slot_hold::Column::SlotId)
        .filter(slot_hold::Column::SlotId.is_in(slots.iter().map(|s| s.id)))
        .filter(slot_hold::Column::State.eq(HoldState::Held.as_str()))
        .filter(slot_hold::Column::ExpiresAt.lte(now))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut lapsed = HashMap::new();
    for slot in held {
        *lapsed.entry(slot).or_insert(0) += 1;
    }
    Ok(lapsed)
}

/// The answer with its `ETag` (a hash of the body), or `304` when the caller already has it.
fn respond(answer: &Availability, request: &HeaderMap) -> Response {
    let body = serde_json::to_vec(answer).unwrap_or_default();
    let etag = format!("\"{}\"", &hex(&Sha256::digest(&body))[..32]);
    conditional::respond(request, &etag, CACHE_CONTROL, body)
}
