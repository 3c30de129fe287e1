//! `GET /v1/facilities/{fid}/stock`: the lots a facility holds, with their balances, expiry,
//! vaccine vial monitor and quarantine.

use super::entities::{balance, lot};
use super::view::lot_balance;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use healthbook_domain::vaccine::stock::StockList;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

/// The facility's lots and balances (a lot emptied stays listed with 0 doses).
#[utoipa::path(get, path = "/facilities/{fid}/stock", tag = "vaccination", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    responses(
        (status = 200, description = "Every lot the facility holds or held, soonest expiry first", body = StockList),
        (status = 403, description = "Not staff of this facility", content_type = "application/problem+json"),
    ))]
pub async fn list_stock(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
) -> ApiResult<Json<StockList>> {
    state
        .authorize(&actor, Action::WorkAtFacility, Resource::Facility(fid))
        .await?;
    let today = state.clock.today();
    let held = balance::Entity::find()
        .filter(balance::Column::FacilityId.eq(fid))
        .all(&state.db)
        .await?;
    let lots: HashMap<Uuid, lot::Model> = lot::Entity::find()
        .filter(lot::Column::Id.is_in(held.iter().map(|b| b.lot_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|lot| (lot.id, lot))
        .collect();
    let mut items: Vec<_> = held
        .iter()
        .filter_map(|b| lots.get(&b.lot_id).map(|lot| lot_balance(lot, b, today)))
        .collect();
    items.sort_by(|a, b| {
        (a.expires_on, &a.vaccine, &a.lot_number).cmp(&(b.expires_on, &b.vaccine, &b.lot_number))
    });
    Ok(Json(StockList { items }))
}
