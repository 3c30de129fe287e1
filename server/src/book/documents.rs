//! The book as documents: a PDF of the whole record in the QĐ 831 layout, and one per visit
//! (QĐ 31/2026 lets citizens download each visit). Both show exactly what the caller may see,
//! and reading them is an access like any other.

use super::read::citizen_row;
use super::store::{self, Selection};
use crate::auth::actor::Actor;
use crate::auth::people::profile;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use healthbook_domain::book::{Book, EntryBody, Section, Sections};
use uuid::Uuid;

fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Lays out on a blocking thread: a long book takes a few milliseconds of CPU.
async fn render<F>(work: F) -> Result<Vec<u8>, ApiError>
where
    F: FnOnce() -> Result<Vec<u8>, super::pdf::PdfError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// The book as a PDF, in the caller's language.
#[utoipa::path(get, path = "/citizens/{cid}/book.pdf", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id")),
    responses(
        (status = 200, description = "The book as the caller may see it", content_type = "application/pdf"),
        (status = 404, description = "No such citizen, or no relationship that opens the book", content_type = "application/problem+json"),
    ))]
pub async fn book_pdf(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
) -> ApiResult<Response> {
    let db = &state.db;
    let book = state
        .read_record(&actor, cid, Sections::ALL, async |grant| {
            let person = citizen_row(db, cid).await?;
            let entries = store::entries(db, cid, Selection::of(&grant)).await?;
            Ok(Book {
                citizen: profile(&person),
                sections: grant.sections.list(),
                entries,
            })
        })
        .await?;
    let (lang, now) = (actor.lang, state.clock.now());
    let bytes = render(move || super::pdf::book_pdf(&book, lang, now)).await?;
    Ok(pdf(bytes, "so-suc-khoe.pdf"))
}

/// One visit as a PDF.
#[utoipa::path(get, path = "/citizens/{cid}/encounters/{eid}/pdf", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), ("eid" = Uuid, Path, description = "Entry id of the visit")),
    responses(
        (status = 200, description = "The visit", content_type = "application/pdf"),
        (status = 404, description = "No such visit, or not visible to the caller", content_type = "application/problem+json"),
    ))]
pub async fn visit_pdf(
    State(state): State<AppState>,
    actor: Actor,
    Path((cid, eid)): Path<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let db = &state.db;
    let (person, visit) = state
        .read_record(&actor, cid, Sections::one(Section::Visits), async |grant| {
            let person = citizen_row(db, cid).await?;
            let visit = store::entry(db, cid, eid, Selection::of(&grant)).await?;
            Ok((person, visit))
        })
        .await?;
    let visit = visit
        .filter(|entry| matches!(entry.body, EntryBody::Encounter(_)))
        .ok_or_else(ApiError::not_found)?;
    let facility = visit.provenance.facility_name.clone();
    let citizen = profile(&person);
    let (lang, now) = (actor.lang, state.clock.now());
    let bytes =
        render(move || super::pdf::visit_pdf(&citizen, &visit, facility.as_deref(), lang, now))
            .await?;
    Ok(pdf(bytes, "lan-kham.pdf"))
}
