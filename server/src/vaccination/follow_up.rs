//! The follow-up of reactions after a dose: the facility's list, newest first, and closing a
//! report once it has been investigated (outcome and note), which takes it off the open list.
//!
//! Closing is for the staff of the facility that gave the dose and for the authorities of
//! the province or commune the facility lies in: the ones the serious reaction's alert went
//! to. Anyone else gets the 404 of a report that does not exist. The report is the
//! facility's investigation record, not the citizen's book (no book entry is read or
//! written); the close is kept on the row and in the audit trail.

use super::entities::reaction;
use super::reactions::{OPEN, flags_of, severity_of, symptoms_of};
use crate::auth::actor::Actor;
use crate::auth::audit::{self, Event, Record};
use crate::authz::{Action, Resource};
use crate::booking::entities::facility;
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::{ValidJson, ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use healthbook_domain::book::check::check_reason;
use healthbook_domain::page::{Page, page_size};
use healthbook_domain::problem::ProblemCode;
use healthbook_domain::units::AdminUnit;
use healthbook_domain::vaccine::aefi::ReactionOutcome;
use healthbook_domain::vaccine::doses::{CloseFollowUp, ReactionFollowUp};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;
use validator::Validate;

/// A reaction whose follow-up has ended.
const CLOSED: &str = "closed";

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// `open` for the reactions still followed up, `closed` for those done; all when absent.
    #[validate(length(max = 16))]
    #[param(max_length = 16)]
    pub status: Option<String>,
    /// Only the serious ones.
    pub serious: Option<bool>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    pub cursor: Option<String>,
}

fn follow_up_view(row: &reaction::Model) -> Result<ReactionFollowUp, ApiError> {
    let outcome = match row.outcome.as_deref() {
        None => None,
        Some(text) => Some(ReactionOutcome::parse(text).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("a reaction of an unknown outcome"))
        })?),
    };
    Ok(ReactionFollowUp {
        id: row.id,
        immunization_id: row.immunization_id,
        lot_id: row.lot_id,
        onset_on: row.onset_on,
        symptoms: symptoms_of(row),
        severity: severity_of(row)?,
        flags: flags_of(row),
        serious: row.serious,
        status: row.status.clone(),
        created_at: row.created_at,
        outcome,
        closing_note: row.closing_note.clone(),
        closed_at: row.closed_at,
    })
}

/// The facility's follow-up list, newest first: its administrators follow each report up.
#[utoipa::path(get, path = "/facilities/{fid}/reactions", tag = "vaccination", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"), FollowUpQuery),
    responses(
        (status = 200, description = "Reactions to the facility's doses", body = Page<ReactionFollowUp>),
        (status = 403, description = "Not an administrator of this facility", content_type = "application/problem+json"),
    ))]
pub async fn reactions_to_follow_up(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidQuery(query): ValidQuery<FollowUpQuery>,
) -> ApiResult<Json<Page<ReactionFollowUp>>> {
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let limit = page_size(query.limit);
    let mut select = reaction::Entity::find()
        .filter(reaction::Column::FacilityId.eq(fid))
        .order_by_desc(reaction::Column::Id)
        .limit(limit + 1);
    if let Some(status) = &query.status {
        select = select.filter(reaction::Column::Status.eq(status.as_str()));
    }
    if let Some(serious) = query.serious {
        select = select.filter(reaction::Column::Serious.eq(serious));
    }
    if let Some(raw) = &query.cursor {
        let before: Uuid = cursor::decode(raw)?;
        select = select.filter(reaction::Column::Id.lt(before));
    }
    let mut rows = select.all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|last| cursor::encode(&last.id))
    } else {
        None
    };
    let items = rows
        .iter()
        .map(follow_up_view)
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Json(Page { items, next_cursor }))
}

/// Closes a reaction's follow-up with its outcome and what the investigation found.
#[utoipa::path(post, path = "/reactions/{rid}/close", tag = "vaccination", security(("bearer" = [])),
    params(("rid" = Uuid, Path, description = "Reaction id")),
    request_body = CloseFollowUp,
    responses(
        (status = 200, description = "The reaction, closed: it leaves the open follow-up list", body = ReactionFollowUp),
        (status = 404, description = "No such reaction, or not one of the caller's facility nor of their unit", content_type = "application/problem+json"),
        (status = 409, description = "`follow_up_closed`", content_type = "application/problem+json"),
        (status = 422, description = "An unknown outcome, a note too short or too long", content_type = "application/problem+json"),
    ))]
pub async fn close_reaction_follow_up(
    State(state): State<AppState>,
    actor: Actor,
    Path(rid): Path<Uuid>,
    ValidJson(request): ValidJson<CloseFollowUp>,
) -> ApiResult<Json<ReactionFollowUp>> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let row = reaction::Entity::find_by_id(rid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let place = facility::Entity::find_by_id(row.facility_id)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    may_close(&state, &actor, &place).await?;
    // Checked after access: a caller who may not see the report learns nothing from a 422.
    let note =
        check_reason("note", &request.note).map_err(|issue| ApiError::invalid(vec![issue]))?;
    let closed = reaction::Entity::update_many()
        .col_expr(reaction::Column::Status, Expr::value(CLOSED))
        .col_expr(
            reaction::Column::Outcome,
            Expr::value(request.outcome.as_str()),
        )
        .col_expr(reaction::Column::ClosingNote, Expr::value(note))
        .col_expr(reaction::Column::ClosedBy, Expr::value(actor.account_id))
        .col_expr(reaction::Column::ClosedAt, Expr::value(now))
        .filter(reaction::Column::Id.eq(rid))
        .filter(reaction::Column::Status.eq(OPEN))
        .exec_with_returning(&txn)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::conflict(ProblemCode::FollowUpClosed))?;
    audit::record(
        &txn,
        Record::of(actor.account_id, Event::ReactionFollowUpClosed)
            .by(actor.account_id)
            .with(json!({
                "reaction_id": rid,
                "facility_id": place.id,
                "outcome": request.outcome.as_str(),
            })),
        now,
    )
    .await?;
    txn.commit().await?;
    // The outcome and the note stay in the database: the log names the report only.
    tracing::info!(reaction.id = %rid, facility.id = %place.id, "reaction follow-up closed");
    Ok(Json(follow_up_view(&closed)?))
}

/// The facility's staff, or an authority over the unit it lies in; anyone else is told the
/// report does not exist.
async fn may_close(
    state: &AppState,
    actor: &Actor,
    place: &facility::Model,
) -> Result<(), ApiError> {
    let action = Action::FollowUpReactions;
    if state
        .authorize(actor, action, Resource::Facility(place.id))
        .await
        .is_ok()
    {
        return Ok(());
    }
    let unit = AdminUnit::parse(&place.commune_code).map_err(|_| ApiError::not_found())?;
    state
        .authorize(actor, action, Resource::Unit(unit))
        .await
        .map(|_| ())
        .map_err(|_| ApiError::not_found())
}
