//! Changing a dose after the fact, by the facility that gave it: a correction (site, route,
//! a note) is a new version of the dose's book entry with its reason, never an overwrite;
//! an entered-in-error mark withdraws the dose, which frees its "same person, vaccine, day"
//! key so that the dose really given can be recorded.
//!
//! A withdrawn dose does not go back to stock. Recording a dose in error means the record was
//! wrong, not that no vial was opened: the dose was most often given to someone else or
//! drawn and wasted, and a balance that quietly grows back would claim doses the fridge may
//! not hold. What the fridge really holds is set right by the stock ledger's own adjustment,
//! counted by a person.

use super::doses::{DoseAccess, close_follow_up, find_for, open_follow_up, view};
use super::entities::immunization;
use crate::auth::actor::Actor;
use crate::book::store::{self, Revision, Selection};
use crate::book::write::open_for_writing;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use healthbook_domain::book::check::check_reason;
use healthbook_domain::book::{
    BookEntry, Categories, EntryBody, EntryKind, EntryStatus, Section, Sections,
};
use healthbook_domain::booking::time::local_date;
use healthbook_domain::vaccine::doses::{Dose, DoseCorrection, DoseEnteredInError};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A dose after a change, with its book entry at the new version.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DoseRevised {
    pub dose: Dose,
    pub entry: BookEntry,
}

#[utoipa::path(post, path = "/immunizations/{iid}/corrections", tag = "vaccination", security(("bearer" = [])),
    params(("iid" = Uuid, Path, description = "Dose id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same version")),
    request_body = DoseCorrection,
    responses(
        (status = 200, description = "The dose and its book entry at the new version", body = DoseRevised),
        (status = 404, description = "No such dose, or not given at the caller's facility, or the citizen not in its care today", content_type = "application/problem+json"),
        (status = 409, description = "`version_conflict`: a newer version exists, or the dose was withdrawn", content_type = "application/problem+json"),
        (status = 422, description = "`reason` missing or too short; invalid fields", content_type = "application/problem+json"),
    ))]
pub async fn correct_dose(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(iid): Path<Uuid>,
    ValidJson(request): ValidJson<DoseCorrection>,
) -> ApiResult<Response> {
    let reason = check_reason("reason", &request.reason).map_err(|i| ApiError::invalid(vec![i]))?;
    let fingerprint = idempotency::fingerprint("immunization-correction", &(iid, &request));
    let now = state.clock.now();
    idempotency::keyed(
        &state.db,
        &actor.account_id.to_string(),
        &key,
        &fingerprint,
        now,
        StatusCode::OK,
        async |txn| {
            let dose = find_for(txn, &actor, iid, DoseAccess::Facility, local_date(now)).await?;
            let episode = open_follow_up(txn, &actor, &dose, now).await?;
            let (_, author) = open_for_writing(
                &state,
                txn,
                &actor,
                dose.citizen_id,
                EntryKind::Immunization,
                Some(dose.book_entry_id),
            )
            .await?;
            let current = current_entry(txn, &dose).await?;
            let EntryBody::Immunization(mut given) = current.body else {
                return Err(ApiError::internal(anyhow::anyhow!(
                    "a dose's entry of another kind"
                )));
            };
            if let Some(site) = &request.site {
                given.site = Some(site.clone());
            }
            if let Some(route) = &request.route {
                given.route = Some(route.clone());
            }
            if request.note.is_some() {
                given.note = request.note.clone();
            }
            let mut body = EntryBody::Immunization(given.clone());
            store::check(&mut body, now, "")?;
            let revision = Revision::Correct {
                body: Box::new(body),
                reason,
            };
            let entry = store::revise(
                txn,
                dose.citizen_id,
                dose.book_entry_id,
                request.base_version,
                &author,
                revision,
                now,
            )
            .await?;
            close_follow_up(txn, episode, now).await?;
            let row = update(
                txn,
                dose.id,
                EntryStatus::Corrected,
                given.site.unwrap_or(dose.site.clone()),
                given.route.unwrap_or(dose.route.clone()),
            )
            .await?;
            Ok(DoseRevised {
                dose: view(&row)?,
                entry,
            })
        },
    )
    .await
}

#[utoipa::path(post, path = "/immunizations/{iid}/entered-in-error", tag = "vaccination", security(("bearer" = [])),
    params(("iid" = Uuid, Path, description = "Dose id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same version")),
    request_body = DoseEnteredInError,
    responses(
        (status = 200, description = "The dose, withdrawn, and its book entry marked", body = DoseRevised),
        (status = 404, description = "No such dose, or not given at the caller's facility, or the citizen not in its care today", content_type = "application/problem+json"),
        (status = 409, description = "`version_conflict`: a newer version exists, or the dose was already withdrawn", content_type = "application/problem+json"),
        (status = 422, description = "`reason` missing or too short", content_type = "application/problem+json"),
    ))]
pub async fn mark_dose_entered_in_error(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(iid): Path<Uuid>,
    ValidJson(request): ValidJson<DoseEnteredInError>,
) -> ApiResult<Response> {
    let reason = check_reason("reason", &request.reason).map_err(|i| ApiError::invalid(vec![i]))?;
    let fingerprint = idempotency::fingerprint("immunization-error", &(iid, &request));
    let now = state.clock.now();
    idempotency::keyed(
        &state.db,
        &actor.account_id.to_string(),
        &key,
        &fingerprint,
        now,
        StatusCode::OK,
        async |txn| {
            let dose = find_for(txn, &actor, iid, DoseAccess::Facility, local_date(now)).await?;
            let episode = open_follow_up(txn, &actor, &dose, now).await?;
            let (_, author) = open_for_writing(
                &state,
                txn,
                &actor,
                dose.citizen_id,
                EntryKind::Immunization,
                Some(dose.book_entry_id),
            )
            .await?;
            let entry = store::revise(
                txn,
                dose.citizen_id,
                dose.book_entry_id,
                request.base_version,
                &author,
                Revision::EnteredInError { reason },
                now,
            )
            .await?;
            close_follow_up(txn, episode, now).await?;
            let row = update(
                txn,
                dose.id,
                EntryStatus::EnteredInError,
                dose.site.clone(),
                dose.route.clone(),
            )
            .await?;
            Ok(DoseRevised {
                dose: view(&row)?,
                entry,
            })
        },
    )
    .await
}

/// The dose's book entry as it stands, read once the book is open to the caller.
async fn current_entry(
    txn: &DatabaseTransaction,
    dose: &immunization::Model,
) -> Result<BookEntry, ApiError> {
    let selection = Selection {
        sections: Sections::one(Section::Immunizations),
        categories: Categories::ALL,
        since: None,
    };
    store::entry(txn, dose.citizen_id, dose.book_entry_id, selection)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The dose's row after a new version of its entry: a withdrawn dose gives up its key.
async fn update(
    txn: &DatabaseTransaction,
    iid: Uuid,
    status: EntryStatus,
    site: String,
    route: String,
) -> Result<immunization::Model, ApiError> {
    let mut update = immunization::Entity::update_many()
        .col_expr(immunization::Column::Status, Expr::value(status.as_str()))
        .col_expr(immunization::Column::Site, Expr::value(site))
        .col_expr(immunization::Column::Route, Expr::value(route));
    if status == EntryStatus::EnteredInError {
        update = update.col_expr(
            immunization::Column::StandingKey,
            Expr::value(Option::<String>::None),
        );
    }
    update
        .filter(immunization::Column::Id.eq(iid))
        .exec_with_returning(txn)
        .await?
        .into_iter()
        .next()
        .ok_or_else(ApiError::not_found)
}
