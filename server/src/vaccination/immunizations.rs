//! A citizen's doses and due list, for the citizen, a guardian, and staff under the book's
//! access rules (care, consent, break-glass): section III of the book, read through the one
//! authorization entry, which logs every reader but the citizen.

use super::history;
use crate::auth::actor::Actor;
use crate::book::read::{EntriesQuery, section_page};
use crate::error::ApiResult;
use crate::http::ValidQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use healthbook_domain::book::{BookEntry, Section, Sections};
use healthbook_domain::booking::time::local_date;
use healthbook_domain::page::Page;
use healthbook_domain::vaccine::due::due;
use healthbook_domain::vaccine::session::DueToday;
use uuid::Uuid;

/// The doses of section III, newest first.
#[utoipa::path(get, path = "/citizens/{cid}/immunizations", tag = "vaccination", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), EntriesQuery),
    responses(
        (status = 200, description = "A page of doses", body = Page<BookEntry>),
        (status = 404, description = "No such citizen, or no relationship that opens the doses", content_type = "application/problem+json"),
    ))]
pub async fn list_immunizations(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
    ValidQuery(query): ValidQuery<EntriesQuery>,
) -> ApiResult<Json<Page<BookEntry>>> {
    Ok(Json(
        section_page(&state, &actor, cid, Section::Immunizations, &query).await?,
    ))
}

/// Where the citizen stands for each antigen today (Việt Nam's date): complete, due, overdue,
/// too early, not offered in the province, contraindicated.
#[utoipa::path(get, path = "/citizens/{cid}/immunizations/due", tag = "vaccination", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id")),
    responses(
        (status = 200, description = "The due list of today", body = DueToday),
        (status = 404, description = "No such citizen, or no relationship that opens the doses", content_type = "application/problem+json"),
    ))]
pub async fn due_today(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
) -> ApiResult<Json<DueToday>> {
    let today = local_date(state.clock.now());
    let db = &state.db;
    state
        .read_record(
            &actor,
            cid,
            Sections::one(Section::Immunizations),
            async |_| {
                let (person, doses) = history::of_citizen(db, cid, today).await?;
                Ok(Json(DueToday {
                    date: today,
                    antigens: due(&person, &doses, today),
                }))
            },
        )
        .await
}
