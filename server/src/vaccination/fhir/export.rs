//! A citizen's doses as a FHIR R4 searchset of Immunization, for a system that takes them
//! elsewhere: read under the book's access rules through the one authorization entry, which
//! logs every reader but the citizen. The national identifier travels (in each dose's
//! contained Patient) only to a reader whose basis opens section I.

use crate::auth::actor::Actor;
use crate::book::fhir::facility_facts;
use crate::book::read::{citizen_row, open_for_reading};
use crate::book::store::{self, Selection};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use healthbook_domain::book::{Section, Sections};
use healthbook_domain::fhir::PatientFacts;
use healthbook_domain::fhir::exchange::immunizations;
use healthbook_domain::ids::Sex;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The doses of section III as a FHIR R4 Bundle of type `searchset`.
#[utoipa::path(get, path = "/citizens/{cid}/immunizations/fhir", tag = "vaccination", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id")),
    responses(
        (status = 200, description = "A FHIR R4 searchset Bundle of Immunization", content_type = "application/fhir+json"),
        (status = 404, description = "No such citizen, or no relationship that opens the doses", content_type = "application/problem+json"),
    ))]
pub async fn immunizations_as_fhir(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
) -> ApiResult<Response> {
    let asked = Sections::of(&[Section::Immunizations, Section::Administrative]);
    let grant = open_for_reading(&state, &actor, cid, asked).await?;
    if !grant.sections.contains(Section::Immunizations) {
        return Err(ApiError::not_found());
    }
    let db = &state.db;
    let person = citizen_row(db, cid).await?;
    let entries = store::entries(
        db,
        cid,
        Selection {
            sections: Sections::one(Section::Immunizations),
            ..Selection::of(&grant)
        },
    )
    .await?;
    let facility_ids: BTreeSet<Uuid> = entries
        .iter()
        .filter_map(|e| e.provenance.facility_id)
        .collect();
    let facilities = facility_facts(db, facility_ids).await?;
    let patient = PatientFacts {
        citizen_id: person.id,
        full_name: person.full_name.clone(),
        date_of_birth: person.date_of_birth,
        sex: Sex::from_stored(&person.sex).unwrap_or(Sex::Male),
        national_id: grant
            .sections
            .contains(Section::Administrative)
            .then(|| person.national_id.clone()),
        insurance_number: None,
        administrative: None,
        guardians: Vec::new(),
    };
    let bundle = immunizations(&patient, &entries, &facilities, state.clock.now());
    let body = serde_json::to_vec(&bundle).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/fhir+json")], body).into_response())
}
