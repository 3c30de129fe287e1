//! The book as a FHIR R4 Bundle (`domain::fhir` maps it): what the caller may see, with the
//! consents and the access log when the caller is the citizen or a guardian, since a given
//! instant for incremental reads.

use super::access_log;
use super::consents;
use super::entities::access_log as log_table;
use super::read::{citizen_row, open_for_reading};
use super::store::{self, Selection};
use crate::auth::actor::Actor;
use crate::auth::entities::{citizen, guardianship};
use crate::authz::Basis;
use crate::booking::entities::facility;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use healthbook_domain::book::{EntryBody, Section, Sections};
use healthbook_domain::fhir::{Export, FacilityFacts, GuardianFacts, PatientFacts, bundle};
use healthbook_domain::ids::Sex;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use std::collections::BTreeSet;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FhirQuery {
    /// Only resources recorded after this instant (RFC 3339); the Patient always comes.
    #[serde(rename = "_since")]
    #[param(rename = "_since")]
    pub since: Option<DateTime<Utc>>,
}

/// The book as a FHIR R4 Bundle of type `collection`.
#[utoipa::path(get, path = "/citizens/{cid}/fhir", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), FhirQuery),
    responses(
        (status = 200, description = "A FHIR R4 Bundle", content_type = "application/fhir+json"),
        (status = 404, description = "No such citizen, or no relationship that opens the book", content_type = "application/problem+json"),
    ))]
pub async fn get_fhir(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
    crate::http::ValidQuery(query): crate::http::ValidQuery<FhirQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let grant = open_for_reading(&state, &actor, cid, Sections::ALL).await?;
    let db = &state.db;
    let person = citizen_row(db, cid).await?;
    let entries = store::entries(
        db,
        cid,
        Selection {
            since: query.since,
            ..Selection::of(&grant)
        },
    )
    .await?;
    let own = matches!(grant.basis, Basis::Own | Basis::Guardian);
    let (consents, log) = if own {
        let lines = log_table::Entity::find()
            .filter(log_table::Column::CitizenId.eq(cid))
            .filter(match query.since {
                Some(since) => log_table::Column::At.gt(since),
                None => log_table::Column::At.is_not_null(),
            })
            .order_by_desc(log_table::Column::At)
            .all(db)
            .await?;
        (
            consents::of_citizen(db, cid, state.clock.today()).await?,
            access_log::views(db, lines).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let guardian_ids: Vec<Uuid> = guardianship::Entity::find()
        .filter(guardianship::Column::DependentId.eq(cid))
        .filter(guardianship::in_force(state.clock.today()))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.guardian_id)
        .collect();
    let guardians = citizen::Entity::find()
        .filter(citizen::Column::Id.is_in(guardian_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|g| GuardianFacts {
            citizen_id: g.id,
            full_name: g.full_name,
        })
        .collect();
    let facility_ids: BTreeSet<Uuid> = entries
        .iter()
        .filter_map(|e| e.provenance.facility_id)
        .chain(consents.iter().map(|c| c.facility_id))
        .chain(log.iter().filter_map(|l| l.facility_id))
        .collect();
    let facilities = facility_facts(db, facility_ids).await?;
    // Identity numbers belong to section I: they travel only with it.
    let administrative_open = grant.sections.contains(Section::Administrative);
    let administrative = entries.iter().find_map(|e| match &e.body {
        EntryBody::Administrative(section) => Some(section.clone()),
        _ => None,
    });
    let patient = PatientFacts {
        citizen_id: person.id,
        full_name: person.full_name.clone(),
        date_of_birth: person.date_of_birth,
        sex: Sex::from_stored(&person.sex).unwrap_or(Sex::Male),
        national_id: administrative_open.then(|| person.national_id.clone()),
        insurance_number: administrative
            .as_ref()
            .and_then(|a| a.insurance_number.clone())
            .filter(|_| administrative_open),
        administrative,
        guardians,
    };
    let document = bundle(&Export {
        patient: &patient,
        entries: &entries,
        consents: &consents,
        access_log: &log,
        facilities: &facilities,
        generated_at: state.clock.now(),
        since: query.since,
    });
    // The typed Bundle is written straight into the body's bytes, in one pass.
    let body = document.to_json().map_err(ApiError::internal)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/fhir+json")],
        body,
    )
        .into_response())
}

/// The facilities an export names, each once: a book's hundreds of entries name a handful.
pub(crate) async fn facility_facts(
    db: &impl sea_orm::ConnectionTrait,
    ids: BTreeSet<Uuid>,
) -> Result<Vec<FacilityFacts>, ApiError> {
    Ok(facility::Entity::find()
        .filter(facility::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|f| FacilityFacts {
            id: f.id,
            name: f.name,
            code: Some(f.code),
        })
        .collect())
}
