//! Writing the book: new entries (a history item, a visit, a home reading), corrections and
//! entered-in-error marks, and section I as a merge patch. Each write runs in one
//! transaction with its access-log entry and its `Idempotency-Key` claim, so an app that
//! retries a queued write after a lost answer gets the first answer back, not a duplicate.

use super::entities::{insurance_card, residence};
use super::store::{self, Author, Revision};
use crate::auth::actor::Actor;
use crate::auth::entities::account;
use crate::authz::{Action, Basis, RecordGrant, Resource};
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use healthbook_domain::FieldIssue;
use healthbook_domain::book::access::staff_may_write;
use healthbook_domain::book::check::{check_reason, merge_patch};
use healthbook_domain::book::{
    Administrative, BookEntry, CorrectEntryRequest, Encounter, EnteredInErrorRequest, EntryBody,
    EntryKind, NewEntryRequest, Observation, PatchProfileRequest, Sections,
};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::Serialize;
use uuid::Uuid;

/// Opens `kind`'s section of `cid`'s book for writing in `txn` (the access-log entry joins
/// the write), and checks that the caller may write that kind at all. `revising` is the
/// entry a correction or an error mark is about; none for a new entry.
pub(crate) async fn open_for_writing(
    state: &AppState,
    txn: &impl ConnectionTrait,
    actor: &Actor,
    cid: Uuid,
    kind: EntryKind,
    revising: Option<Uuid>,
) -> Result<(RecordGrant, Author), ApiError> {
    let revision = revising.is_some();
    let grant = state
        .authorize_in(
            txn,
            actor,
            Action::WriteHealthRecord,
            Resource::Record {
                citizen: cid,
                sections: Sections::one(kind.section()),
            },
        )
        .await?
        .record()?;
    // A revision's author side is checked against the entry itself (`store::revise`): a
    // citizen asking to change a clinical entry learns it is not theirs to change.
    let allowed = match (grant.basis.staff(), revision) {
        (Some((role, _)), _) => staff_may_write(role, kind),
        (None, true) => true,
        (None, false) => kind.citizen_may_write(),
    };
    if !allowed {
        return Err(crate::auth::error::AuthError::Forbidden.into());
    }
    // A correction request opens the one entry it is about, to revise, and nothing else: the
    // write is refused as if the book were closed (the access-log line goes with the
    // rolled-back transaction).
    if let Basis::Correction { entry, .. } = grant.basis
        && revising != Some(entry)
    {
        return Err(ApiError::not_found());
    }
    // The session's snapshot carries the name; one cached before it did is read here.
    let name = if actor.display_name.is_empty() {
        account::Entity::find_by_id(actor.account_id)
            .one(txn)
            .await?
            .map(|a| a.display_name)
            .unwrap_or_default()
    } else {
        actor.display_name.clone()
    };
    let author = Author::from_grant(&grant, actor.account_id, name);
    Ok((grant, author))
}

/// Runs `write` in a transaction that also claims the request's idempotency key, and
/// answers 201 (or 200 for a change of an existing entry) with what it returns.
async fn keyed<T, F>(
    state: &AppState,
    actor: &Actor,
    key: &IdempotencyKey,
    route: &str,
    request: &impl Serialize,
    status: StatusCode,
    write: F,
) -> ApiResult<Response>
where
    T: Serialize,
    F: AsyncFnOnce(&sea_orm::DatabaseTransaction, DateTime<Utc>) -> Result<T, ApiError>,
{
    let now = state.clock.now();
    let fingerprint = idempotency::fingerprint(route, request);
    let scope = actor.account_id.to_string();
    idempotency::keyed(
        &state.db,
        &scope,
        key,
        &fingerprint,
        now,
        status,
        async |txn| write(txn, now).await,
    )
    .await
}

/// Fills in what the writer's side decides: a visit happens at the writer's facility.
fn stamp(body: &mut EntryBody, grant: &RecordGrant) {
    if let (EntryBody::Encounter(visit), Some((_, facility))) = (body, grant.basis.staff()) {
        visit.facility_id = Some(facility);
    }
}

/// Where a request holds the entry's fields, for the names of fields at fault.
const GENERIC_BODY: &str = "body.data.";

async fn append_entry(
    state: &AppState,
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    cid: Uuid,
    (mut body, prefix): (EntryBody, &str),
    now: DateTime<Utc>,
) -> Result<BookEntry, ApiError> {
    let (grant, author) = open_for_writing(state, txn, actor, cid, body.kind(), None).await?;
    stamp(&mut body, &grant);
    store::check(&mut body, now, prefix)?;
    store::append(txn, cid, &author, body, now).await
}

/// A new entry of any kind the caller may write: citizens and guardians their history and
/// readings (marked self-reported), doctors visits and history, vaccinators doses.
#[utoipa::path(post, path = "/citizens/{cid}/entries", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same entry")),
    request_body = NewEntryRequest,
    responses(
        (status = 201, description = "The entry as recorded", body = BookEntry),
        (status = 403, description = "`forbidden`: the caller may read the book but not write this kind", content_type = "application/problem+json"),
        (status = 404, description = "No such citizen, or no relationship that opens the section for writing", content_type = "application/problem+json"),
        (status = 409, description = "`entry_exists`: a kind the book holds once; correct the existing entry", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named (unknown ICD-10 code, reading out of range, wrong unit)", content_type = "application/problem+json"),
    ))]
pub async fn create_entry(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(cid): Path<Uuid>,
    ValidJson(request): ValidJson<NewEntryRequest>,
) -> ApiResult<Response> {
    let body = request.body.clone();
    keyed(
        &state,
        &actor,
        &key,
        "book-entry",
        &request,
        StatusCode::CREATED,
        async |txn, now| append_entry(&state, txn, &actor, cid, (body, GENERIC_BODY), now).await,
    )
    .await
}

/// A home reading, posted by the citizen or a guardian (and queued by the app when offline).
#[utoipa::path(post, path = "/citizens/{cid}/observations", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same reading")),
    request_body = Observation,
    responses(
        (status = 201, description = "The reading as recorded", body = BookEntry),
        (status = 404, description = "No such citizen, or not yours", content_type = "application/problem+json"),
        (status = 422, description = "`out_of_range`, `unit_invalid` and other field problems, each named", content_type = "application/problem+json"),
    ))]
pub async fn create_observation(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(cid): Path<Uuid>,
    ValidJson(reading): ValidJson<Observation>,
) -> ApiResult<Response> {
    let body = EntryBody::Observation(reading.clone());
    keyed(
        &state,
        &actor,
        &key,
        "book-observation",
        &reading,
        StatusCode::CREATED,
        async |txn, now| append_entry(&state, txn, &actor, cid, (body, ""), now).await,
    )
    .await
}

/// A visit, recorded by a doctor of the facility where the citizen is checked in today (or
/// who opened the book in an emergency).
#[utoipa::path(post, path = "/citizens/{cid}/encounters", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same visit")),
    request_body = Encounter,
    responses(
        (status = 201, description = "The visit as recorded", body = BookEntry),
        (status = 403, description = "`forbidden`: the caller may not record visits", content_type = "application/problem+json"),
        (status = 404, description = "No such citizen, or no care relationship today", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (an unknown ICD-10 code names `diagnoses[i].icd10`)", content_type = "application/problem+json"),
    ))]
pub async fn create_encounter(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(cid): Path<Uuid>,
    ValidJson(visit): ValidJson<Encounter>,
) -> ApiResult<Response> {
    let body = EntryBody::Encounter(visit.clone());
    keyed(
        &state,
        &actor,
        &key,
        "book-encounter",
        &visit,
        StatusCode::CREATED,
        async |txn, now| append_entry(&state, txn, &actor, cid, (body, ""), now).await,
    )
    .await
}

/// The entry's kind, read before authorizing so that the right section is opened. A caller
/// who may not see the book gets the same 404 whether the entry exists or not.
async fn kind_of(
    txn: &impl ConnectionTrait,
    cid: Uuid,
    entry_id: Uuid,
) -> Result<EntryKind, ApiError> {
    use super::entities::book_entry;
    use sea_orm::{ColumnTrait, QueryFilter};
    let row = book_entry::Entity::find()
        .filter(book_entry::Column::EntryId.eq(entry_id))
        .filter(book_entry::Column::CitizenId.eq(cid))
        .one(txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    EntryKind::parse(&row.kind).ok_or_else(ApiError::not_found)
}

/// A correction: a new version of the entry with the whole new body and a reason.
#[utoipa::path(post, path = "/citizens/{cid}/entries/{eid}/corrections", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), ("eid" = Uuid, Path, description = "Entry id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same version")),
    request_body = CorrectEntryRequest,
    responses(
        (status = 200, description = "The entry at its new version", body = BookEntry),
        (status = 403, description = "`not_the_author`: a clinical entry is corrected by its facility; the citizen corrects self-reported ones", content_type = "application/problem+json"),
        (status = 404, description = "No such entry, or not visible to the caller", content_type = "application/problem+json"),
        (status = 409, description = "`version_conflict`: a newer version exists", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, `reason` too short, or a change of kind", content_type = "application/problem+json"),
    ))]
pub async fn correct_entry(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path((cid, eid)): Path<(Uuid, Uuid)>,
    ValidJson(request): ValidJson<CorrectEntryRequest>,
) -> ApiResult<Response> {
    let reason = check_reason("reason", &request.reason).map_err(|i| ApiError::invalid(vec![i]))?;
    let fingerprint_of = request.clone();
    keyed(
        &state,
        &actor,
        &key,
        "book-correction",
        &fingerprint_of,
        StatusCode::OK,
        async |txn, now| {
            let kind = kind_of(txn, cid, eid).await?;
            let (grant, author) =
                open_for_writing(&state, txn, &actor, cid, kind, Some(eid)).await?;
            let mut body = request.body;
            stamp(&mut body, &grant);
            store::check(&mut body, now, GENERIC_BODY)?;
            let revision = Revision::Correct {
                body: Box::new(body),
                reason,
            };
            store::revise(txn, cid, eid, request.base_version, &author, revision, now).await
        },
    )
    .await
}

/// Marks an entry as recorded by mistake; it stays in the book, marked, and is never shown
/// as fact again.
#[utoipa::path(post, path = "/citizens/{cid}/entries/{eid}/entered-in-error", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), ("eid" = Uuid, Path, description = "Entry id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same version")),
    request_body = EnteredInErrorRequest,
    responses(
        (status = 200, description = "The entry, marked", body = BookEntry),
        (status = 403, description = "`not_the_author`", content_type = "application/problem+json"),
        (status = 404, description = "No such entry, or not visible to the caller", content_type = "application/problem+json"),
        (status = 409, description = "`version_conflict`", content_type = "application/problem+json"),
        (status = 422, description = "`reason` missing or too short", content_type = "application/problem+json"),
    ))]
pub async fn mark_entered_in_error(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path((cid, eid)): Path<(Uuid, Uuid)>,
    ValidJson(request): ValidJson<EnteredInErrorRequest>,
) -> ApiResult<Response> {
    let reason = check_reason("reason", &request.reason).map_err(|i| ApiError::invalid(vec![i]))?;
    keyed(
        &state,
        &actor,
        &key,
        "book-entered-in-error",
        &request,
        StatusCode::OK,
        async |txn, now| {
            let kind = kind_of(txn, cid, eid).await?;
            let (_, author) = open_for_writing(&state, txn, &actor, cid, kind, Some(eid)).await?;
            let revision = Revision::EnteredInError { reason };
            store::revise(txn, cid, eid, request.base_version, &author, revision, now).await
        },
    )
    .await
}

/// Section I, changed by a JSON merge patch on the version the app last saw.
#[utoipa::path(patch, path = "/citizens/{cid}/profile", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same version")),
    request_body = PatchProfileRequest,
    responses(
        (status = 200, description = "Section I at its new version", body = BookEntry),
        (status = 404, description = "No such citizen, or not yours", content_type = "application/problem+json"),
        (status = 409, description = "`version_conflict`: the section changed since `base_version`", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named; a field of the wrong type names it", content_type = "application/problem+json"),
    ))]
pub async fn patch_profile(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(cid): Path<Uuid>,
    ValidJson(request): ValidJson<PatchProfileRequest>,
) -> ApiResult<Response> {
    if !request.changes.is_object() {
        return Err(ApiError::invalid(vec![FieldIssue::new(
            "changes",
            "not_an_object",
            "Phần thay đổi phải là một đối tượng JSON.",
            "The changes must be a JSON object.",
        )]));
    }
    let fingerprint_of = request.clone();
    keyed(
        &state,
        &actor,
        &key,
        "book-profile",
        &fingerprint_of,
        StatusCode::OK,
        async |txn, now| {
            let (_, author) =
                open_for_writing(&state, txn, &actor, cid, EntryKind::Administrative, None).await?;
            let current = store::current_of_kind(txn, cid, EntryKind::Administrative).await?;
            let (mut document, base) = match &current {
                Some(row) => {
                    let stored: EntryBody =
                        serde_json::from_str(&row.body).map_err(ApiError::internal)?;
                    let EntryBody::Administrative(section) = stored else {
                        return Err(ApiError::internal(anyhow::anyhow!(
                            "section I holds another kind"
                        )));
                    };
                    (
                        serde_json::to_value(section).map_err(ApiError::internal)?,
                        Some(row),
                    )
                }
                None => (serde_json::json!({}), None),
            };
            if request.base_version != base.map(|row| u32::try_from(row.version).unwrap_or(0)) {
                return Err(ApiError::conflict(
                    healthbook_domain::ProblemCode::VersionConflict,
                ));
            }
            merge_patch(&mut document, &request.changes);
            let section: Administrative =
                serde_path_to_error::deserialize(document).map_err(wrong_type)?;
            let mut body = EntryBody::Administrative(section);
            store::check(&mut body, now, "changes.")?;
            let entry = match base {
                None => store::append(txn, cid, &author, body, now).await?,
                Some(row) => {
                    let revision = Revision::Correct {
                        body: Box::new(body),
                        reason: "Cập nhật thông tin hành chính / Administrative data updated"
                            .to_owned(),
                    };
                    let version = u32::try_from(row.version).unwrap_or(0);
                    store::revise(txn, cid, row.entry_id, version, &author, revision, now).await?
                }
            };
            keep_insurance_card(txn, cid, &entry).await?;
            keep_residence(txn, cid, &entry).await?;
            Ok(entry)
        },
    )
    .await
}

/// A field of the wrong type or an unknown one, named by its path (`blood_group.abo`).
fn wrong_type(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let field = if path.is_empty() || path == "." {
        "changes".to_owned()
    } else {
        format!("changes.{path}")
    };
    ApiError::invalid(vec![FieldIssue::new(
        field,
        "wrong_type",
        "Trường này có kiểu dữ liệu không đúng.",
        "This field has the wrong type.",
    )])
}

/// Keeps the commune the citizen lives in (the due lists' residents) in step with section I.
async fn keep_residence(
    txn: &impl ConnectionTrait,
    cid: Uuid,
    entry: &BookEntry,
) -> Result<(), ApiError> {
    residence::Entity::delete_by_id(cid).exec(txn).await?;
    if let EntryBody::Administrative(section) = &entry.body
        && let Some(commune_code) = section.residence()
    {
        residence::Entity::insert(residence::ActiveModel {
            citizen_id: Set(cid),
            commune_code: Set(commune_code.to_owned()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// Keeps the searchable copy of the insurance number in step with section I.
async fn keep_insurance_card(
    txn: &impl ConnectionTrait,
    cid: Uuid,
    entry: &BookEntry,
) -> Result<(), ApiError> {
    insurance_card::Entity::delete_by_id(cid).exec(txn).await?;
    if let EntryBody::Administrative(section) = &entry.body
        && let Some(number) = &section.insurance_number
    {
        insurance_card::Entity::insert(insurance_card::ActiveModel {
            citizen_id: Set(cid),
            number: Set(number.clone()),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}
