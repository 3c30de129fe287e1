//! `GET /v1/facilities/{fid}/stock/report?month=2026-12`: the month of each lot and each
//! vaccine at a facility, computed from the ledger by `domain`'s `month_figures`, so that
//! `opening + in − out = closing` always and the current month closes on the balances.

use super::entities::{lot, movement};
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::error::{ApiError, ApiResult};
use crate::http::ValidQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use healthbook_domain::FieldIssue;
use healthbook_domain::vaccine::stock::{
    LedgerLine, LotMonth, Month, MonthFigures, MovementKind, StockReport, VaccineMonth,
    month_figures,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `YYYY-MM`; the current month when absent.
    #[validate(length(max = 7))]
    #[param(max_length = 7, example = "2026-12")]
    pub month: Option<String>,
}

/// The facility's stock report of one month: per lot and per vaccine, the opening balance,
/// doses received, transferred in and out, used, wasted, written off, and the closing balance.
#[utoipa::path(get, path = "/facilities/{fid}/stock/report", tag = "vaccination", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"), ReportQuery),
    responses(
        (status = 200, description = "The month's figures, balancing to the ledger", body = StockReport),
        (status = 403, description = "Not staff of this facility", content_type = "application/problem+json"),
        (status = 422, description = "A month that is not `YYYY-MM`", content_type = "application/problem+json"),
    ))]
pub async fn stock_report(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidQuery(query): ValidQuery<ReportQuery>,
) -> ApiResult<Json<StockReport>> {
    state
        .authorize(&actor, Action::WorkAtFacility, Resource::Facility(fid))
        .await?;
    let month = match &query.month {
        None => Month::of(state.clock.today()),
        Some(text) => Month::parse(text).ok_or_else(|| {
            ApiError::invalid(vec![FieldIssue::new(
                "month",
                "month_invalid",
                "Tháng phải có dạng YYYY-MM.",
                "The month must be YYYY-MM.",
            )])
        })?,
    };
    // Every row before the month's end: those before it make the opening balances.
    let rows = movement::Entity::find()
        .filter(movement::Column::FacilityId.eq(fid))
        .filter(movement::Column::OccurredOn.lt(month.end()))
        .order_by_asc(movement::Column::Id)
        .all(&state.db)
        .await?;
    let mut by_lot: BTreeMap<Uuid, Vec<LedgerLine>> = BTreeMap::new();
    for row in &rows {
        let Some(kind) = MovementKind::parse(&row.kind) else {
            continue;
        };
        by_lot.entry(row.lot_id).or_default().push(LedgerLine {
            kind,
            delta: row.doses,
            occurred_on: row.occurred_on,
        });
    }
    let lots: HashMap<Uuid, lot::Model> = lot::Entity::find()
        .filter(lot::Column::Id.is_in(by_lot.keys().copied()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|lot| (lot.id, lot))
        .collect();
    let mut lot_months = Vec::new();
    let mut vaccines: BTreeMap<String, MonthFigures> = BTreeMap::new();
    for (lot_id, lines) in &by_lot {
        let Some(lot) = lots.get(lot_id) else {
            continue;
        };
        let figures = month_figures(lines, month);
        if figures == MonthFigures::default() {
            continue;
        }
        vaccines
            .entry(lot.vaccine.clone())
            .or_default()
            .add(&figures);
        lot_months.push(LotMonth {
            lot_id: *lot_id,
            vaccine: lot.vaccine.clone(),
            product: lot.product.clone(),
            lot_number: lot.lot_number.clone(),
            expires_on: lot.expires_on,
            figures,
        });
    }
    lot_months.sort_by(|a, b| {
        (&a.vaccine, a.expires_on, &a.lot_number).cmp(&(&b.vaccine, b.expires_on, &b.lot_number))
    });
    Ok(Json(StockReport {
        facility_id: fid,
        month: month.to_string(),
        lots: lot_months,
        vaccines: vaccines
            .into_iter()
            .map(|(vaccine, figures)| VaccineMonth { vaccine, figures })
            .collect(),
    }))
}
