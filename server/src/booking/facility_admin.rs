//! Administration of facilities: support creates them; support and a facility's
//! administrators maintain them and their rooms (practitioners are in `practitioners`).

use super::entities::{facility, facility_room, facility_service, facility_specialty};
use super::error::{BookingError, on_unique};
use super::facilities::facility_views;
use super::practitioners::practitioners_at;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use healthbook_domain::booking::{
    CreateFacilityRequest, FacilityAdminView, Room, UpdateFacilityRequest,
};
use healthbook_domain::facility::ServiceType;
use healthbook_domain::text::fold;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

async fn replace_services(
    txn: &impl ConnectionTrait,
    fid: Uuid,
    services: &[ServiceType],
) -> Result<(), DbErr> {
    facility_service::Entity::delete_many()
        .filter(facility_service::Column::FacilityId.eq(fid))
        .exec(txn)
        .await?;
    let mut services = services.to_vec();
    services.sort_by_key(|s| s.as_str());
    services.dedup();
    if services.is_empty() {
        return Ok(());
    }
    facility_service::Entity::insert_many(services.iter().map(|s| facility_service::ActiveModel {
        facility_id: Set(fid),
        service: Set(s.as_str().to_owned()),
    }))
    .exec_without_returning(txn)
    .await
    .map(|_| ())
}

async fn replace_specialties(
    txn: &impl ConnectionTrait,
    fid: Uuid,
    specialties: &[String],
) -> Result<(), DbErr> {
    facility_specialty::Entity::delete_many()
        .filter(facility_specialty::Column::FacilityId.eq(fid))
        .exec(txn)
        .await?;
    if specialties.is_empty() {
        return Ok(());
    }
    facility_specialty::Entity::insert_many(specialties.iter().map(|s| {
        facility_specialty::ActiveModel {
            facility_id: Set(fid),
            specialty: Set(s.clone()),
        }
    }))
    .exec_without_returning(txn)
    .await
    .map(|_| ())
}

/// Replaces the rooms of a facility (schedules keep the room codes they name).
pub async fn replace_rooms(
    txn: &impl ConnectionTrait,
    fid: Uuid,
    rooms: &[Room],
) -> Result<(), DbErr> {
    facility_room::Entity::delete_many()
        .filter(facility_room::Column::FacilityId.eq(fid))
        .exec(txn)
        .await?;
    if rooms.is_empty() {
        return Ok(());
    }
    facility_room::Entity::insert_many(rooms.iter().map(|r| facility_room::ActiveModel {
        facility_id: Set(fid),
        code: Set(r.code.clone()),
        name: Set(r.name.clone()),
    }))
    .exec_without_returning(txn)
    .await
    .map(|_| ())
}

async fn admin_view(db: &impl ConnectionTrait, fid: Uuid) -> Result<FacilityAdminView, ApiError> {
    let row = facility::Entity::find_by_id(fid)
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let facility = facility_views(db, vec![row])
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)?;
    let rooms = facility_room::Entity::find()
        .filter(facility_room::Column::FacilityId.eq(fid))
        .order_by_asc(facility_room::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Room {
            code: r.code,
            name: r.name,
        })
        .collect();
    Ok(FacilityAdminView {
        facility,
        rooms,
        practitioners: practitioners_at(db, fid).await?,
    })
}

/// Registers a facility.
#[utoipa::path(post, path = "/admin/facilities", tag = "admin", security(("bearer" = [])),
    request_body = CreateFacilityRequest,
    responses(
        (status = 201, description = "Registered", body = FacilityAdminView),
        (status = 403, description = "Support only", content_type = "application/problem+json"),
        (status = 409, description = "`facility_code_taken`", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", content_type = "application/problem+json"),
    ))]
pub async fn create_facility(
    State(state): State<AppState>,
    actor: Actor,
    ValidJson(request): ValidJson<CreateFacilityRequest>,
) -> ApiResult<(StatusCode, Json<FacilityAdminView>)> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::Support, Resource::Platform)
        .await?;
    let fields = request.parse().map_err(BookingError::from)?;
    let (Some(code), Some(commune), Some(province)) =
        (fields.code, fields.commune_code, fields.province_code)
    else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "parsed facility lacks fields"
        )));
    };
    let id = Uuid::now_v7();
    let name = request.name.trim().to_owned();
    let txn = state.db.begin_write().await?;
    facility::Entity::insert(facility::ActiveModel {
        id: Set(id),
        code: Set(code.as_str().to_owned()),
        name_folded: Set(fold(&name)),
        name: Set(name),
        level: Set(request.level.as_str().to_owned()),
        province_code: Set(province),
        commune_code: Set(commune),
        address: Set(request.address.trim().to_owned()),
        phone: Set(fields.phone.flatten()),
        opening_hours: Set(request.opening_hours.trim().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|e| on_unique(e, "code", BookingError::FacilityCodeTaken))?;
    replace_services(&txn, id, &request.services).await?;
    replace_specialties(&txn, id, &fields.specialties.unwrap_or_default()).await?;
    replace_rooms(&txn, id, &fields.rooms.unwrap_or_default()).await?;
    let view = admin_view(&txn, id).await?;
    txn.commit().await?;
    tracing::info!(facility.id = %id, "facility registered");
    Ok((StatusCode::CREATED, Json(view)))
}

/// A facility with its rooms and practitioners.
#[utoipa::path(get, path = "/admin/facilities/{fid}", tag = "admin", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    responses(
        (status = 200, description = "The facility", body = FacilityAdminView),
        (status = 403, description = "Not support nor an administrator of this facility", content_type = "application/problem+json"),
    ))]
pub async fn get_facility_admin(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
) -> ApiResult<Json<FacilityAdminView>> {
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    Ok(Json(admin_view(&state.db, fid).await?))
}

/// Changes a facility: absent fields stay; given lists replace the whole list.
#[utoipa::path(patch, path = "/admin/facilities/{fid}", tag = "admin", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    request_body = UpdateFacilityRequest,
    responses(
        (status = 200, description = "The facility as it is now", body = FacilityAdminView),
        (status = 403, description = "Not support nor an administrator of this facility", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", content_type = "application/problem+json"),
    ))]
pub async fn update_facility(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidJson(request): ValidJson<UpdateFacilityRequest>,
) -> ApiResult<Json<FacilityAdminView>> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let fields = request.parse().map_err(BookingError::from)?;
    let txn = state.db.begin_write().await?;
    facility::Entity::find_by_id(fid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut update = facility::Entity::update_many()
        .col_expr(facility::Column::UpdatedAt, Expr::value(now))
        .filter(facility::Column::Id.eq(fid));
    if let Some(name) = &request.name {
        let name = name.trim();
        update = update
            .col_expr(facility::Column::Name, Expr::value(name))
            .col_expr(facility::Column::NameFolded, Expr::value(fold(name)));
    }
    if let Some(level) = request.level {
        update = update.col_expr(facility::Column::Level, Expr::value(level.as_str()));
    }
    if let (Some(commune), Some(province)) = (&fields.commune_code, &fields.province_code) {
        update = update
            .col_expr(facility::Column::CommuneCode, Expr::value(commune.clone()))
            .col_expr(
                facility::Column::ProvinceCode,
                Expr::value(province.clone()),
            );
    }
    if let Some(address) = &request.address {
        update = update.col_expr(facility::Column::Address, Expr::value(address.trim()));
    }
    if let Some(phone) = fields.phone {
        update = update.col_expr(facility::Column::Phone, Expr::value(phone));
    }
    if let Some(hours) = &request.opening_hours {
        update = update.col_expr(facility::Column::OpeningHours, Expr::value(hours.trim()));
    }
    update.exec(&txn).await?;
    if let Some(services) = &request.services {
        replace_services(&txn, fid, services).await?;
    }
    if let Some(specialties) = &fields.specialties {
        replace_specialties(&txn, fid, specialties).await?;
    }
    if let Some(rooms) = &fields.rooms {
        replace_rooms(&txn, fid, rooms).await?;
    }
    let view = admin_view(&txn, fid).await?;
    txn.commit().await?;
    Ok(Json(view))
}
