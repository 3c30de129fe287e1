//! Doses exchanged as FHIR R4 `Immunization` (`domain::fhir::exchange` reads and writes them):
//! one resource posted by a service-vaccination system or the national immunisation system,
//! an NDJSON file of historic doses (the COVID-19 platform's records) with a report, and a
//! citizen's doses as a searchset.
//!
//! An import is the work of a vaccinator of the importing facility: vaccinators are the role
//! that writes doses into a book (`staff_may_write`), and a facility's system speaks through
//! one of them until systems have credentials of their own. Each resource is idempotent by its
//! source system and id (`immunization_imports`).

pub mod bulk;
pub mod export;
mod import;

use crate::auth::actor::Actor;
use crate::auth::error::AuthError;
use crate::authz::{Action, Relationship, Resource};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use healthbook_domain::account::StaffRole;
use healthbook_domain::fhir::exchange::parse_immunization;
use import::{Failure, Outcome};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which facility imports: needed only of a vaccinator of several.
#[derive(Debug, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    pub facility_id: Option<Uuid>,
}

/// What one imported resource became.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportedImmunization {
    /// `created`, `corrected`, `unchanged` or `withdrawn`.
    pub outcome: String,
    /// The dose's entry in the citizen's book.
    pub entry_id: Uuid,
}

/// The facility the caller imports for, as one of its vaccinators.
async fn importing_facility(
    state: &AppState,
    actor: &Actor,
    asked: Option<Uuid>,
) -> Result<Uuid, ApiError> {
    let mine: Vec<Uuid> = actor.facilities_with(StaffRole::Vaccinator).collect();
    let facility = match (asked, mine.as_slice()) {
        (Some(fid), _) => fid,
        (None, [one]) => *one,
        _ => return Err(AuthError::Forbidden.into()),
    };
    let relationship = state
        .authorize(actor, Action::WorkAtFacility, Resource::Facility(facility))
        .await?;
    match relationship {
        Relationship::Staff(_) if mine.contains(&facility) => Ok(facility),
        _ => Err(AuthError::Forbidden.into()),
    }
}

/// One dose given elsewhere, as a FHIR R4 Immunization.
#[utoipa::path(post, path = "/fhir/Immunization", tag = "vaccination", security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = String, content_type = "application/fhir+json", description = "A FHIR R4 Immunization: the person in a contained Patient (national identifier, birth date), the source system's id in `identifier`"),
    responses(
        (status = 201, description = "The dose, new in the citizen's book", body = ImportedImmunization),
        (status = 200, description = "Sent before: `unchanged`, `corrected` (a new version of the entry) or `withdrawn` (entered in error)", body = ImportedImmunization),
        (status = 403, description = "`forbidden`: the caller is not a vaccinator of the facility", content_type = "application/problem+json"),
        (status = 422, description = "`fhir_malformed`, `fhir_source_id_missing`, `fhir_status_not_completed`, `fhir_unknown_vaccine_code`, `fhir_patient_not_matched`, `fhir_occurrence_missing`, `fhir_occurrence_in_future`", content_type = "application/problem+json"),
    ))]
pub async fn import_immunization(
    State(state): State<AppState>,
    actor: Actor,
    crate::http::ValidQuery(query): crate::http::ValidQuery<ImportQuery>,
    body: String,
) -> ApiResult<Response> {
    let facility = importing_facility(&state, &actor, query.facility_id).await?;
    let now = state.clock.now();
    let imported = parse_immunization(&body, now).map_err(refused)?;
    let txn = state.db.begin().await?;
    match import::import(&state, &txn, &actor, facility, &imported, now).await {
        Ok(outcome) => {
            txn.commit().await?;
            Ok(answer(outcome))
        }
        Err(failure) => {
            txn.rollback().await?;
            Err(match failure {
                Failure::Refused(refusal) => refused(refusal),
                Failure::Error(error) => error,
            })
        }
    }
}

fn refused(refusal: healthbook_domain::fhir::exchange::Refusal) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, refusal.problem())
}

fn answer(outcome: Outcome) -> Response {
    let (status, word) = match outcome {
        Outcome::Created(_) => (StatusCode::CREATED, "created"),
        Outcome::Corrected(_) => (StatusCode::OK, "corrected"),
        Outcome::Unchanged(_) => (StatusCode::OK, "unchanged"),
        Outcome::Withdrawn(_) => (StatusCode::OK, "withdrawn"),
    };
    let body = ImportedImmunization {
        outcome: word.to_owned(),
        entry_id: outcome.entry_id(),
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        axum::Json(body),
    )
        .into_response()
}
