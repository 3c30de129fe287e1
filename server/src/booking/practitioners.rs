//! Practitioners: registered at one or more facilities by support or those facilities'
//! administrators, and listed for citizens choosing a doctor.

use super::entities::{facility, practitioner, practitioner_facility, practitioner_specialty};
use super::error::{BookingError, on_unique};
use crate::auth::actor::Actor;
use crate::authz::{PractitionerScope, practitioner_scope};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use healthbook_domain::booking::admin_api::{check_licence, check_specialty_list};
use healthbook_domain::booking::{
    CreatePractitionerRequest, Practitioner, UpdatePractitionerRequest,
};
use healthbook_domain::text::fold;
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Practitioners with their specialties and facilities, three queries whatever the count.
pub async fn practitioner_views(
    db: &impl ConnectionTrait,
    rows: Vec<practitioner::Model>,
) -> Result<Vec<Practitioner>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut specialties: HashMap<Uuid, Vec<String>> = HashMap::new();
    for row in practitioner_specialty::Entity::find()
        .filter(practitioner_specialty::Column::PractitionerId.is_in(ids.clone()))
        .order_by_asc(practitioner_specialty::Column::Specialty)
        .all(db)
        .await?
    {
        specialties
            .entry(row.practitioner_id)
            .or_default()
            .push(row.specialty);
    }
    let mut facilities: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for row in practitioner_facility::Entity::find()
        .filter(practitioner_facility::Column::PractitionerId.is_in(ids))
        .all(db)
        .await?
    {
        facilities
            .entry(row.practitioner_id)
            .or_default()
            .push(row.facility_id);
    }
    Ok(rows
        .into_iter()
        .map(|row| Practitioner {
            specialties: specialties.remove(&row.id).unwrap_or_default(),
            facility_ids: facilities.remove(&row.id).unwrap_or_default(),
            id: row.id,
            licence_number: row.licence_number,
            full_name: row.full_name,
            title: row.title,
            signs_in: row.account_id.is_some(),
        })
        .collect())
}

/// One practitioner as the API shows it, read in the transaction that just changed it.
pub(super) async fn practitioner_view(
    db: &impl ConnectionTrait,
    pid: Uuid,
) -> Result<Practitioner, ApiError> {
    let row = practitioner::Entity::find_by_id(pid)
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    practitioner_views(db, vec![row])
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)
}

pub(super) async fn practitioners_at(
    db: &impl ConnectionTrait,
    fid: Uuid,
) -> Result<Vec<Practitioner>, DbErr> {
    let ids: Vec<Uuid> = practitioner_facility::Entity::find()
        .filter(practitioner_facility::Column::FacilityId.eq(fid))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.practitioner_id)
        .collect();
    let rows = practitioner::Entity::find()
        .filter(practitioner::Column::Id.is_in(ids))
        .order_by_asc(practitioner::Column::FullName)
        .all(db)
        .await?;
    practitioner_views(db, rows).await
}

/// Refuses unless the caller may attach practitioners to every one of `facilities`.
fn check_covers(scope: &PractitionerScope, facilities: &[Uuid]) -> Result<(), ApiError> {
    if scope.covers(facilities) {
        Ok(())
    } else {
        Err(crate::auth::error::AuthError::Forbidden.into())
    }
}

async fn link_practitioner(
    txn: &impl ConnectionTrait,
    pid: Uuid,
    specialties: Option<&[String]>,
    facilities: Option<&[Uuid]>,
) -> Result<(), BookingError> {
    if let Some(specialties) = specialties {
        practitioner_specialty::Entity::delete_many()
            .filter(practitioner_specialty::Column::PractitionerId.eq(pid))
            .exec(txn)
            .await?;
        if !specialties.is_empty() {
            practitioner_specialty::Entity::insert_many(specialties.iter().map(|s| {
                practitioner_specialty::ActiveModel {
                    practitioner_id: Set(pid),
                    specialty: Set(s.clone()),
                }
            }))
            .exec_without_returning(txn)
            .await?;
        }
    }
    if let Some(facilities) = facilities {
        let mut facilities = facilities.to_vec();
        facilities.sort();
        facilities.dedup();
        let known = facility::Entity::find()
            .filter(facility::Column::Id.is_in(facilities.clone()))
            .all(txn)
            .await?;
        if known.len() != facilities.len() {
            return Err(BookingError::Invalid(vec![
                healthbook_domain::booking::Issue::new(
                    "facility_ids",
                    "unknown_facility",
                    "Có cơ sở không tồn tại.",
                    "A facility does not exist.",
                ),
            ]));
        }
        practitioner_facility::Entity::delete_many()
            .filter(practitioner_facility::Column::PractitionerId.eq(pid))
            .exec(txn)
            .await?;
        if !facilities.is_empty() {
            practitioner_facility::Entity::insert_many(facilities.iter().map(|f| {
                practitioner_facility::ActiveModel {
                    practitioner_id: Set(pid),
                    facility_id: Set(*f),
                }
            }))
            .exec_without_returning(txn)
            .await?;
        }
    }
    Ok(())
}

/// Registers a practitioner at one or more facilities.
#[utoipa::path(post, path = "/admin/practitioners", tag = "admin", security(("bearer" = [])),
    request_body = CreatePractitionerRequest,
    responses(
        (status = 201, description = "Registered", body = Practitioner),
        (status = 403, description = "Not support nor an administrator of every facility named", content_type = "application/problem+json"),
        (status = 409, description = "`licence_number_taken`", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", content_type = "application/problem+json"),
    ))]
pub async fn create_practitioner(
    State(state): State<AppState>,
    actor: Actor,
    ValidJson(request): ValidJson<CreatePractitionerRequest>,
) -> ApiResult<(StatusCode, Json<Practitioner>)> {
    let now = state.clock.now();
    check_covers(&practitioner_scope(&actor)?, &request.facility_ids)?;
    let licence = check_licence(&request.licence_number).map_err(BookingError::from)?;
    let specialties = check_specialty_list(&request.specialties).map_err(BookingError::from)?;
    let id = Uuid::now_v7();
    let txn = state.db.begin_write().await?;
    practitioner::Entity::insert(practitioner::ActiveModel {
        id: Set(id),
        licence_number: Set(licence),
        full_name: Set(request.full_name.trim().to_owned()),
        title: Set(request.title.trim().to_owned()),
        created_at: Set(now),
        account_id: Set(None),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|e| on_unique(e, "licence_number", BookingError::LicenceTaken))?;
    link_practitioner(&txn, id, Some(&specialties), Some(&request.facility_ids)).await?;
    let view = practitioner_view(&txn, id).await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Changes a practitioner: name, title, specialties, facilities.
#[utoipa::path(patch, path = "/admin/practitioners/{pid}", tag = "admin", security(("bearer" = [])),
    params(("pid" = Uuid, Path, description = "Practitioner id")),
    request_body = UpdatePractitionerRequest,
    responses(
        (status = 200, description = "The practitioner as they are now", body = Practitioner),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "Not support nor a facility administrator, `step_up_required` (the same for any id); or a facility named that the caller does not administer", content_type = "application/problem+json"),
        (status = 404, description = "No such practitioner, or none of the caller's facilities", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", content_type = "application/problem+json"),
    ))]
pub async fn update_practitioner(
    State(state): State<AppState>,
    actor: Actor,
    Path(pid): Path<Uuid>,
    ValidJson(request): ValidJson<UpdatePractitionerRequest>,
) -> ApiResult<Json<Practitioner>> {
    // Who may manage practitioners at all is decided before the lookup, and the lookup
    // sees only the caller's: another facility's practitioner is as absent as a random id.
    let scope = practitioner_scope(&actor)?;
    let row = practitioner::Entity::find_by_id(pid)
        .filter(scope.condition())
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let current = practitioner_views(&state.db, vec![row])
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)?;
    let mut involved = current.facility_ids.clone();
    involved.extend(request.facility_ids.iter().flatten().copied());
    check_covers(&scope, &involved)?;
    let specialties = match &request.specialties {
        Some(list) => Some(check_specialty_list(list).map_err(BookingError::from)?),
        None => None,
    };
    let txn = state.db.begin_write().await?;
    let mut update = practitioner::Entity::update_many().filter(practitioner::Column::Id.eq(pid));
    let mut changed = false;
    if let Some(name) = &request.full_name {
        update = update.col_expr(practitioner::Column::FullName, Expr::value(name.trim()));
        changed = true;
    }
    if let Some(title) = &request.title {
        update = update.col_expr(practitioner::Column::Title, Expr::value(title.trim()));
        changed = true;
    }
    if changed {
        update.exec(&txn).await?;
    }
    link_practitioner(
        &txn,
        pid,
        specialties.as_deref(),
        request.facility_ids.as_deref(),
    )
    .await?;
    let view = practitioner_view(&txn, pid).await?;
    txn.commit().await?;
    Ok(Json(view))
}

#[derive(Debug, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PractitionerQuery {
    /// Only those of this facility (required unless the caller is support).
    pub facility_id: Option<Uuid>,
    /// Text in the name, accents ignored.
    #[validate(length(max = 100))]
    pub q: Option<String>,
}

/// Practitioners, for support (all) or a facility's administrators (their facility's).
#[utoipa::path(get, path = "/admin/practitioners", tag = "admin", security(("bearer" = [])),
    params(PractitionerQuery),
    responses(
        (status = 200, description = "Practitioners by name (at most 200)", body = Vec<Practitioner>),
        (status = 403, description = "Not support nor an administrator of the facility", content_type = "application/problem+json"),
    ))]
pub async fn list_practitioners(
    State(state): State<AppState>,
    actor: Actor,
    crate::http::ValidQuery(query): crate::http::ValidQuery<PractitionerQuery>,
) -> ApiResult<Json<Vec<Practitioner>>> {
    let facilities: Vec<Uuid> = query.facility_id.into_iter().collect();
    check_covers(&practitioner_scope(&actor)?, &facilities)?;
    // Names are matched accent-blind in Rust (there is no folded column): read a bounded
    // number of rows, filter, then keep the first page.
    let mut select = practitioner::Entity::find()
        .order_by_asc(practitioner::Column::FullName)
        .limit(5000);
    if let Some(fid) = query.facility_id {
        select = select.filter(
            practitioner::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(practitioner_facility::Column::PractitionerId)
                    .from(practitioner_facility::Entity)
                    .and_where(
                        sea_orm::sea_query::Expr::col(practitioner_facility::Column::FacilityId)
                            .eq(fid),
                    )
                    .to_owned(),
            ),
        );
    }
    let mut rows = select.all(&state.db).await?;
    if let Some(text) = query.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
        rows.retain(|row| fold(&row.full_name).contains(&text));
    }
    rows.truncate(200);
    Ok(Json(practitioner_views(&state.db, rows).await?))
}

/// The practitioners of a facility, for citizens choosing a doctor.
#[utoipa::path(get, path = "/facilities/{fid}/practitioners", tag = "facilities",
    params(("fid" = Uuid, Path, description = "Facility id")),
    responses(
        (status = 200, description = "Practitioners by name", body = Vec<Practitioner>),
        (status = 404, description = "No such facility", content_type = "application/problem+json"),
    ))]
pub async fn list_facility_practitioners(
    State(state): State<AppState>,
    Path(fid): Path<Uuid>,
) -> ApiResult<Json<Vec<Practitioner>>> {
    facility::Entity::find_by_id(fid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(practitioners_at(&state.db, fid).await?))
}
