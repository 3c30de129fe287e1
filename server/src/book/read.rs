//! Reading the book: the whole of it as the caller may see it, and its visits and home
//! readings page by page. Every read goes through the authorization module, which writes the
//! access-log entry of anyone but the citizen before a byte is sent.

use super::store::{self, Selection};
use crate::auth::actor::Actor;
use crate::auth::entities::citizen;
use crate::auth::people::profile;
use crate::authz::{Action, RecordGrant, Resource};
use crate::error::{ApiError, ApiResult};
use crate::http::{ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use healthbook_domain::book::{Book, BookEntry, EntryBody, ObservationKind, Section, Sections};
use healthbook_domain::page::{Page, page_size};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// Opens `sections` of `cid`'s book for reading: the grant says what of it the caller sees.
/// Opens the book for a read whose answer holds the access log itself (the FHIR bundle):
/// the line of this very read is written first, so the answer includes it. Other reads go
/// through [`AppState::read_record`], which writes the line beside the read.
pub async fn open_for_reading(
    state: &AppState,
    actor: &Actor,
    cid: Uuid,
    sections: Sections,
) -> Result<RecordGrant, ApiError> {
    state
        .authorize(
            actor,
            Action::ReadHealthRecord,
            Resource::Record {
                citizen: cid,
                sections,
            },
        )
        .await?
        .record()
}

pub async fn citizen_row(db: &impl ConnectionTrait, cid: Uuid) -> Result<citizen::Model, ApiError> {
    citizen::Entity::find_by_id(cid)
        .one(db)
        .await?
        // Access was granted, so the row exists unless it vanished in between.
        .ok_or_else(ApiError::not_found)
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookQuery {
    /// Only entries changed after this instant (RFC 3339): what a cached copy lacks.
    pub since: Option<DateTime<Utc>>,
}

/// The health book: every section the caller may see, each entry at its latest version.
#[utoipa::path(get, path = "/citizens/{cid}/book", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), BookQuery),
    responses(
        (status = 200, description = "The book as the caller may see it", body = Book),
        (status = 404, description = "No such citizen, or no relationship that opens the book", content_type = "application/problem+json"),
    ))]
pub async fn get_book(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
    ValidQuery(query): ValidQuery<BookQuery>,
) -> ApiResult<Json<Book>> {
    let db = &state.db;
    state
        .read_record(&actor, cid, Sections::ALL, async |grant| {
            let person = citizen_row(db, cid).await?;
            let selection = Selection {
                since: query.since,
                ..Selection::of(&grant)
            };
            let entries = store::entries(db, cid, selection).await?;
            Ok(Json(Book {
                citizen: profile(&person),
                sections: grant.sections.list(),
                entries,
            }))
        })
        .await
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// Only readings of this kind (for `/observations`).
    pub kind: Option<ObservationKind>,
    pub cursor: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct EntryCursor {
    recorded_at: DateTime<Utc>,
    entry_id: Uuid,
}

/// One page of a section's entries, newest first.
pub(crate) async fn section_page(
    state: &AppState,
    actor: &Actor,
    cid: Uuid,
    section: Section,
    query: &EntriesQuery,
) -> Result<Page<BookEntry>, ApiError> {
    let after: Option<EntryCursor> = query.cursor.as_deref().map(cursor::decode).transpose()?;
    let db = &state.db;
    let entries = state
        .read_record(actor, cid, Sections::one(section), async |grant| {
            store::entries(db, cid, Selection::of(&grant)).await
        })
        .await?;
    let limit = usize::try_from(page_size(query.limit)).unwrap_or(20);
    let mut items: Vec<BookEntry> = entries
        .into_iter()
        .filter(|entry| match (&entry.body, query.kind) {
            (EntryBody::Observation(reading), Some(kind)) => reading.kind == kind,
            _ => true,
        })
        .filter(|entry| {
            after.as_ref().is_none_or(|after| {
                (entry.provenance.recorded_at, entry.entry_id) < (after.recorded_at, after.entry_id)
            })
        })
        .take(limit + 1)
        .collect();
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        items.last().map(|last| {
            cursor::encode(&EntryCursor {
                recorded_at: last.provenance.recorded_at,
                entry_id: last.entry_id,
            })
        })
    });
    Ok(Page {
        items,
        next_cursor: next_cursor.flatten(),
    })
}

/// The visits (section IV), newest first.
#[utoipa::path(get, path = "/citizens/{cid}/encounters", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), EntriesQuery),
    responses(
        (status = 200, description = "A page of visits", body = Page<BookEntry>),
        (status = 404, description = "No such citizen, or no relationship that opens the visits", content_type = "application/problem+json"),
    ))]
pub async fn list_encounters(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
    ValidQuery(query): ValidQuery<EntriesQuery>,
) -> ApiResult<Json<Page<BookEntry>>> {
    Ok(Json(
        section_page(&state, &actor, cid, Section::Visits, &query).await?,
    ))
}

/// The home readings, newest first, optionally of one kind (for a chart).
#[utoipa::path(get, path = "/citizens/{cid}/observations", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), EntriesQuery),
    responses(
        (status = 200, description = "A page of readings", body = Page<BookEntry>),
        (status = 404, description = "No such citizen, or no relationship that opens the readings", content_type = "application/problem+json"),
    ))]
pub async fn list_observations(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
    ValidQuery(query): ValidQuery<EntriesQuery>,
) -> ApiResult<Json<Page<BookEntry>>> {
    Ok(Json(
        section_page(&state, &actor, cid, Section::Readings, &query).await?,
    ))
}
