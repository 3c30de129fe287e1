//! Finding facilities: by administrative unit, service, specialty and diacritic-blind text.

use super::entities::{facility, facility_service, facility_specialty, slot};
use crate::error::{ApiError, ApiResult};
use crate::http::{ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use healthbook_domain::booking::SlotStatus;
use healthbook_domain::facility::{Facility, FacilityLevel, ServiceType};
use healthbook_domain::page::{Page, page_size};
use healthbook_domain::text::fold;
use healthbook_domain::units;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

pub use healthbook_domain::facility::FacilityQuery;

#[derive(Serialize, Deserialize)]
struct FacilityCursor {
    name: String,
    id: Uuid,
}

/// Lists facilities, ordered by name, a page at a time.
#[utoipa::path(get, path = "/facilities", tag = "facilities",
    params(FacilityQuery),
    responses(
        (status = 200, description = "A page of facilities", body = Page<Facility>),
        (status = 422, description = "A filter is not valid", content_type = "application/problem+json")
    ))]
pub async fn list_facilities(
    State(state): State<AppState>,
    ValidQuery(query): ValidQuery<FacilityQuery>,
) -> ApiResult<Json<Page<Facility>>> {
    let limit = page_size(query.limit);
    let mut select = facility::Entity::find()
        .order_by_asc(facility::Column::NameFolded)
        .order_by_asc(facility::Column::Id)
        .limit(limit + 1);
    if let Some(text) = query.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
        select = select.filter(
            Expr::col(facility::Column::NameFolded).like(crate::db::contains_pattern(&text)),
        );
    }
    if let Some(province) = &query.province {
        select = select.filter(facility::Column::ProvinceCode.eq(province.as_str()));
    }
    if let Some(commune) = &query.commune {
        select = select.filter(facility::Column::CommuneCode.eq(commune.as_str()));
    }
    if let Some(level) = query.level {
        select = select.filter(facility::Column::Level.eq(level.as_str()));
    }
    if let Some(service) = query.service {
        select = select.filter(
            facility::Column::Id.in_subquery(
                Query::select()
                    .column(facility_service::Column::FacilityId)
                    .from(facility_service::Entity)
                    .and_where(Expr::col(facility_service::Column::Service).eq(service.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(specialty) = &query.specialty {
        select = select.filter(
            facility::Column::Id.in_subquery(
                Query::select()
                    .column(facility_specialty::Column::FacilityId)
                    .from(facility_specialty::Entity)
                    .and_where(
                        Expr::col(facility_specialty::Column::Specialty).eq(specialty.as_str()),
                    )
                    .to_owned(),
            ),
        );
    }
    if query.bookable {
        let mut free = Query::select();
        free.column(slot::Column::FacilityId)
            .from(slot::Entity)
            .and_where(Expr::col(slot::Column::Status).eq(SlotStatus::Open.as_str()))
            .and_where(Expr::col(slot::Column::Booked).lt(Expr::col(slot::Column::Capacity)))
            .and_where(Expr::col(slot::Column::StartsAt).gt(state.clock.now()));
        if let Some(service) = query.service {
            free.and_where(Expr::col(slot::Column::Service).eq(service.as_str()));
        }
        select = select.filter(facility::Column::Id.in_subquery(free.to_owned()));
    }
    let select = after_cursor(select, query.cursor.as_deref())?;
    let (rows, next_cursor) = paged(select.all(&state.db).await?, limit);
    let items = facility_views(&state.db, rows).await?;
    Ok(Json(Page { items, next_cursor }))
}

/// Facilities after `raw` (a cursor of [`paged`]) in name order; all of them without one.
pub(super) fn after_cursor(
    select: Select<facility::Entity>,
    raw: Option<&str>,
) -> Result<Select<facility::Entity>, ApiError> {
    let Some(raw) = raw else {
        return Ok(select);
    };
    let after: FacilityCursor = cursor::decode(raw)?;
    Ok(select.filter(
        Expr::col(facility::Column::NameFolded)
            .gt(after.name.clone())
            .or(Expr::col(facility::Column::NameFolded)
                .eq(after.name)
                .and(Expr::col(facility::Column::Id).gt(after.id))),
    ))
}

/// A page of facilities read with one row more than `limit` (ordered by folded name, then
/// id): the page, and the cursor of the next one when that extra row came.
pub(super) fn paged(
    mut rows: Vec<facility::Model>,
    limit: u64,
) -> (Vec<facility::Model>, Option<String>) {
    if rows.len() as u64 <= limit {
        return (rows, None);
    }
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = rows.last().map(|last| {
        cursor::encode(&FacilityCursor {
            name: last.name_folded.clone(),
            id: last.id,
        })
    });
    (rows, next)
}

/// One facility by its id.
#[utoipa::path(get, path = "/facilities/{fid}", tag = "facilities",
    params(("fid" = Uuid, Path, description = "Facility id")),
    responses(
        (status = 200, description = "The facility", body = Facility),
        (status = 404, description = "No such facility", content_type = "application/problem+json")
    ))]
pub async fn get_facility(
    State(state): State<AppState>,
    Path(fid): Path<Uuid>,
) -> ApiResult<Json<Facility>> {
    let row = facility::Entity::find_by_id(fid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut views = facility_views(&state.db, vec![row]).await?;
    views.pop().map(Json).ok_or_else(ApiError::not_found)
}

/// Joins services and specialties to facility rows with two queries, whatever the count.
pub async fn facility_views(
    db: &impl ConnectionTrait,
    rows: Vec<facility::Model>,
) -> Result<Vec<Facility>, sea_orm::DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut services: HashMap<Uuid, Vec<ServiceType>> = HashMap::new();
    for row in facility_service::Entity::find()
        .filter(facility_service::Column::FacilityId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        if let Some(service) = ServiceType::parse(&row.service) {
            services.entry(row.facility_id).or_default().push(service);
        }
    }
    let mut specialties: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in facility_specialty::Entity::find()
        .filter(facility_specialty::Column::FacilityId.is_in(ids))
        .order_by_asc(facility_specialty::Column::Specialty)
        .all(db)
        .await?
    {
        specialties
            .entry(row.facility_id)
            .or_default()
            .push(row.specialty);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut services = services.remove(&row.id).unwrap_or_default();
            services.sort_by_key(|s| s.as_str());
            Facility {
                province_name: province_name(&row.province_code),
                commune_name: commune_name(&row.commune_code),
                level: FacilityLevel::parse(&row.level).unwrap_or(FacilityLevel::CommuneStation),
                services,
                specialties: specialties.remove(&row.id).unwrap_or_default(),
                id: row.id,
                code: row.code,
                name: row.name,
                province_code: row.province_code,
                commune_code: row.commune_code,
                address: row.address,
                phone: row.phone,
                opening_hours: row.opening_hours,
            }
        })
        .collect())
}

fn province_name(code: &str) -> String {
    units::ProvinceCode::parse(code)
        .ok()
        .and_then(units::province)
        .map(|p| p.name.to_owned())
        .unwrap_or_default()
}

fn commune_name(code: &str) -> String {
    units::CommuneCode::parse(code)
        .ok()
        .and_then(units::commune)
        .map(|c| c.name.to_owned())
        .unwrap_or_default()
}
