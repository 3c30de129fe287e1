//! The staff account that signs in as a practitioner. Linking it is what lets a consent name
//! one doctor: only that account reads under it. An administrator links an account that holds
//! a clinical role at one of the practitioner's facilities they administer; support, any.

use super::entities::{practitioner, practitioner_facility};
use super::error::{BookingError, on_unique};
use super::practitioners::practitioner_view;
use crate::auth::actor::Actor;
use crate::auth::audit::{self, Event, Record};
use crate::auth::entities::staff_role;
use crate::authz::{PractitionerScope, practitioner_scope};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use healthbook_domain::book::access::CARE_ROLES;
use healthbook_domain::booking::{Issue, LinkPractitionerAccountRequest, Practitioner};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The practitioner as the caller may see them (another facility's is as absent as a random
/// id), with the facilities of theirs the caller administers.
async fn managed(
    db: &impl ConnectionTrait,
    scope: &PractitionerScope,
    pid: Uuid,
) -> Result<(practitioner::Model, Vec<Uuid>), ApiError> {
    let row = practitioner::Entity::find_by_id(pid)
        .filter(scope.condition())
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let facilities = practitioner_facility::Entity::find()
        .filter(practitioner_facility::Column::PractitionerId.eq(pid))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.facility_id)
        .filter(|facility| scope.covers(&[*facility]))
        .collect();
    Ok((row, facilities))
}

/// Links the staff account that signs in as this practitioner.
#[utoipa::path(put, path = "/admin/practitioners/{pid}/account", tag = "admin", security(("bearer" = [])),
    params(("pid" = Uuid, Path, description = "Practitioner id")),
    request_body = LinkPractitionerAccountRequest,
    responses(
        (status = 200, description = "The practitioner, now signed in as by the account", body = Practitioner),
        (status = 403, description = "Not support nor a facility administrator", content_type = "application/problem+json"),
        (status = 404, description = "No such practitioner, or none of the caller's facilities", content_type = "application/problem+json"),
        (status = 409, description = "`practitioner_account_taken`: the account signs in as another practitioner", content_type = "application/problem+json"),
        (status = 422, description = "`account_not_clinical_staff_here`: the account holds no clinical role at the practitioner's facilities the caller administers", content_type = "application/problem+json"),
    ))]
pub async fn link_account(
    State(state): State<AppState>,
    actor: Actor,
    Path(pid): Path<Uuid>,
    ValidJson(request): ValidJson<LinkPractitionerAccountRequest>,
) -> ApiResult<Json<Practitioner>> {
    let now = state.clock.now();
    let scope = practitioner_scope(&actor)?;
    let txn = state.db.begin_write().await?;
    let (row, facilities) = managed(&txn, &scope, pid).await?;
    let care_roles: Vec<&str> = CARE_ROLES.iter().map(|role| role.as_str()).collect();
    let clinical_here = staff_role::Entity::find()
        .filter(staff_role::Column::AccountId.eq(request.account_id))
        .filter(staff_role::Column::Role.is_in(care_roles))
        .filter(staff_role::Column::FacilityId.is_in(facilities))
        .one(&txn)
        .await?;
    if clinical_here.is_none() {
        return Err(BookingError::Invalid(vec![Issue::new(
            "account_id",
            "account_not_clinical_staff_here",
            "Tài khoản này không phải bác sĩ hay người tiêm chủng của cơ sở nơi người hành nghề làm việc.",
            "This account is not a doctor or vaccinator of a facility where the practitioner works.",
        )])
        .into());
    }
    if row.account_id == Some(request.account_id) {
        return Ok(Json(practitioner_view(&txn, pid).await?));
    }
    practitioner::Entity::update_many()
        .col_expr(
            practitioner::Column::AccountId,
            Expr::value(request.account_id),
        )
        .filter(practitioner::Column::Id.eq(pid))
        .exec(&txn)
        .await
        .map_err(|e| on_unique(e, "account", BookingError::PractitionerAccountTaken))?;
    if let Some(previous) = row.account_id {
        unlinked(&txn, previous, pid, actor.account_id, now).await?;
    }
    audit::record(
        &txn,
        Record::of(request.account_id, Event::PractitionerLinked)
            .by(actor.account_id)
            .with(serde_json::json!({ "practitioner_id": pid })),
        now,
    )
    .await?;
    let view = practitioner_view(&txn, pid).await?;
    txn.commit().await?;
    Ok(Json(view))
}

/// Unlinks the account: consents naming the practitioner open to no one until another is.
#[utoipa::path(delete, path = "/admin/practitioners/{pid}/account", tag = "admin", security(("bearer" = [])),
    params(("pid" = Uuid, Path, description = "Practitioner id")),
    responses(
        (status = 200, description = "The practitioner, signed in as by no account", body = Practitioner),
        (status = 403, description = "Not support nor a facility administrator", content_type = "application/problem+json"),
        (status = 404, description = "No such practitioner, or none of the caller's facilities", content_type = "application/problem+json"),
    ))]
pub async fn unlink_account(
    State(state): State<AppState>,
    actor: Actor,
    Path(pid): Path<Uuid>,
) -> ApiResult<Json<Practitioner>> {
    let now = state.clock.now();
    let scope = practitioner_scope(&actor)?;
    let txn = state.db.begin_write().await?;
    let (row, _) = managed(&txn, &scope, pid).await?;
    if let Some(previous) = row.account_id {
        practitioner::Entity::update_many()
            .col_expr(practitioner::Column::AccountId, Expr::value(None::<Uuid>))
            .filter(practitioner::Column::Id.eq(pid))
            .exec(&txn)
            .await?;
        unlinked(&txn, previous, pid, actor.account_id, now).await?;
    }
    let view = practitioner_view(&txn, pid).await?;
    txn.commit().await?;
    Ok(Json(view))
}

async fn unlinked(
    txn: &sea_orm::DatabaseTransaction,
    account: Uuid,
    pid: Uuid,
    by: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    audit::record(
        txn,
        Record::of(account, Event::PractitionerUnlinked)
            .by(by)
            .with(serde_json::json!({ "practitioner_id": pid })),
        now,
    )
    .await?;
    Ok(())
}
