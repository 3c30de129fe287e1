//! Requests about one's data (access, correction, restriction, objection, deletion) with
//! their statutory clocks. The citizen files and follows them; a correction is routed to the
//! facility that wrote the entry; support works the queue, sees what is overdue, acknowledges
//! and answers.

use super::entities::{book_entry, data_request};
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::{ValidJson, ValidQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::book::check::check_reason;
use healthbook_domain::book::requests::{
    CloseDataRequest, DataRequest, NewDataRequest, RETENTION_REASON, RequestKind, RequestStatus,
    clocks, overdue, restricts_sharing,
};
use healthbook_domain::{FieldIssue, ProblemCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;
use uuid::Uuid;

fn view(row: data_request::Model, today: NaiveDate) -> Result<DataRequest, ApiError> {
    let unknown = || ApiError::internal(anyhow::anyhow!("data request with an unknown code"));
    let status = RequestStatus::parse(&row.status).ok_or_else(unknown)?;
    let due = healthbook_domain::book::requests::Clocks {
        acknowledge_by: row.acknowledge_by,
        answer_by: row.answer_by,
    };
    Ok(DataRequest {
        id: row.id,
        citizen_id: row.citizen_id,
        kind: RequestKind::parse(&row.kind).ok_or_else(unknown)?,
        status,
        entry_id: row.entry_id,
        facility_id: row.facility_id,
        details: row.details,
        received_at: row.received_at,
        acknowledge_by: row.acknowledge_by,
        answer_by: row.answer_by,
        overdue: overdue(status, due, today),
        acknowledged_at: row.acknowledged_at,
        closed_at: row.closed_at,
        outcome: row.outcome,
    })
}

fn issue(field: &str, code: &str, vi: &str, en: &str) -> ApiError {
    ApiError::invalid(vec![FieldIssue::new(field, code, vi, en)])
}

/// Where a correction goes: the facility that wrote the entry's latest version.
async fn correction_target(
    db: &impl ConnectionTrait,
    cid: Uuid,
    entry_id: Option<Uuid>,
) -> Result<Uuid, ApiError> {
    let entry_id = entry_id.ok_or_else(|| {
        issue(
            "entry_id",
            "required",
            "Hãy chọn mục cần sửa.",
            "Choose the entry to correct.",
        )
    })?;
    let latest = book_entry::Entity::find()
        .filter(book_entry::Column::EntryId.eq(entry_id))
        .filter(book_entry::Column::CitizenId.eq(cid))
        .order_by_desc(book_entry::Column::Version)
        .one(db)
        .await?
        .ok_or_else(|| {
            issue(
                "entry_id",
                "unknown_entry",
                "Không có mục này trong sổ.",
                "There is no such entry in the book.",
            )
        })?;
    match latest.facility_id {
        Some(facility) if !latest.self_reported => Ok(facility),
        _ => Err(issue(
            "entry_id",
            "entry_self_reported",
            "Mục này do bạn tự khai báo: bạn có thể tự sửa trong ứng dụng.",
            "You reported this entry yourself: correct it in the app.",
        )),
    }
}

/// Files a request about the citizen's data; its clocks start today.
#[utoipa::path(post, path = "/citizens/{cid}/requests", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id")),
    request_body = NewDataRequest,
    responses(
        (status = 201, description = "The request with its clocks; an access request is answered at once, a deletion of clinical records becomes a restriction with its reason", body = DataRequest),
        (status = 404, description = "No such citizen, or not yours", content_type = "application/problem+json"),
        (status = 422, description = "`details` too short, a correction without its entry (`unknown_entry`, `entry_self_reported`)", content_type = "application/problem+json"),
    ))]
pub async fn file_request(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
    ValidJson(request): ValidJson<NewDataRequest>,
) -> ApiResult<(StatusCode, Json<DataRequest>)> {
    let details = check_reason("details", &request.details)
        .map_err(|issue| ApiError::invalid(vec![issue]))?;
    let now = state.clock.now();
    let today = state.clock.today();
    let txn = state.db.begin_write().await?;
    state
        .authorize_in(&txn, &actor, Action::ManageConsents, Resource::Citizen(cid))
        .await?;
    let facility = match request.kind {
        RequestKind::Correction => Some(correction_target(&txn, cid, request.entry_id).await?),
        _ => None,
    };
    let (status, outcome) = match request.kind {
        // The copy is self-service: the answer says where it is.
        RequestKind::Access => (
            RequestStatus::Completed,
            Some(format!(
                "Bản sao sổ sức khỏe: /v1/citizens/{cid}/fhir (FHIR R4) và /v1/citizens/{cid}/book.pdf. / A copy of the book: /v1/citizens/{cid}/fhir (FHIR R4) and /v1/citizens/{cid}/book.pdf."
            )),
        ),
        RequestKind::Deletion if holds_clinical_records(&txn, cid).await? => (
            RequestStatus::RestrictedInstead,
            Some(RETENTION_REASON.to_owned()),
        ),
        _ => (RequestStatus::Received, None),
    };
    let due = clocks(request.kind, today);
    let closed = (!status.is_open()).then_some(now);
    let row = data_request::Model {
        id: Uuid::now_v7(),
        citizen_id: cid,
        kind: request.kind.as_str().to_owned(),
        status: status.as_str().to_owned(),
        entry_id: request
            .entry_id
            .filter(|_| request.kind == RequestKind::Correction),
        facility_id: facility,
        details,
        requested_by: actor.account_id,
        received_at: now,
        acknowledge_by: due.acknowledge_by,
        answer_by: due.answer_by,
        acknowledged_at: closed,
        closed_at: closed,
        closed_by: None,
        outcome,
    };
    data_request::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok((StatusCode::CREATED, Json(view(row, today)?)))
}

/// Since when `cid`'s book is restricted (`requests::restricts_sharing`), if it is: the
/// consents given before that instant open nothing.
pub(crate) async fn restricted_since(
    db: &impl ConnectionTrait,
    cid: Uuid,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let requests = data_request::Entity::find()
        .filter(data_request::Column::CitizenId.eq(cid))
        .all(db)
        .await?;
    Ok(restricted_since_among(&requests))
}

/// The instant the latest restriction among a citizen's `requests` took effect.
pub(crate) fn restricted_since_among(requests: &[data_request::Model]) -> Option<DateTime<Utc>> {
    requests
        .iter()
        .filter(|row| {
            matches!(
                (RequestKind::parse(&row.kind), RequestStatus::parse(&row.status)),
                (Some(kind), Some(status)) if restricts_sharing(kind, status)
            )
        })
        .filter_map(|row| row.closed_at)
        .max()
}

/// Whether the book holds entries a professional wrote: those are kept for the legal period.
async fn holds_clinical_records(db: &impl ConnectionTrait, cid: Uuid) -> Result<bool, ApiError> {
    Ok(book_entry::Entity::find()
        .filter(book_entry::Column::CitizenId.eq(cid))
        .filter(book_entry::Column::SelfReported.eq(false))
        .one(db)
        .await?
        .is_some())
}

/// The citizen's requests, newest first, with their clocks.
#[utoipa::path(get, path = "/citizens/{cid}/requests", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id")),
    responses(
        (status = 200, description = "The requests", body = Vec<DataRequest>),
        (status = 404, description = "No such citizen, or not yours", content_type = "application/problem+json"),
    ))]
pub async fn list_requests(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
) -> ApiResult<Json<Vec<DataRequest>>> {
    state
        .authorize(&actor, Action::ManageConsents, Resource::Citizen(cid))
        .await?;
    let today = state.clock.today();
    data_request::Entity::find()
        .filter(data_request::Column::CitizenId.eq(cid))
        .order_by_desc(data_request::Column::ReceivedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|row| view(row, today))
        .collect::<Result<Vec<_>, _>>()
        .map(Json)
}

#[derive(Debug, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only requests past a clock.
    #[serde(default)]
    pub overdue: bool,
}

/// Open requests, the nearest deadline first: support's work queue.
#[utoipa::path(get, path = "/admin/data-requests", tag = "admin", security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "Open requests with their clocks", body = Vec<DataRequest>),
        (status = 403, description = "`forbidden`: support only", content_type = "application/problem+json"),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    actor: Actor,
    ValidQuery(query): ValidQuery<QueueQuery>,
) -> ApiResult<Json<Vec<DataRequest>>> {
    state
        .authorize(&actor, Action::Support, Resource::Platform)
        .await?;
    let today = state.clock.today();
    let open = RequestStatus::OPEN.map(|s| s.as_str());
    let requests = data_request::Entity::find()
        .filter(data_request::Column::Status.is_in(open))
        .order_by_asc(data_request::Column::AnswerBy)
        .limit(500)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|row| view(row, today))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(
        requests
            .into_iter()
            .filter(|r| !query.overdue || r.overdue)
            .collect(),
    ))
}

async fn decide(
    state: &AppState,
    actor: &Actor,
    rid: Uuid,
    change: impl FnOnce(DateTime<Utc>) -> Vec<(data_request::Column, sea_orm::sea_query::SimpleExpr)>,
    from: &[RequestStatus],
) -> Result<DataRequest, ApiError> {
    state
        .authorize(actor, Action::Support, Resource::Platform)
        .await?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let mut update = data_request::Entity::update_many()
        .filter(data_request::Column::Id.eq(rid))
        .filter(data_request::Column::Status.is_in(from.iter().map(|s| s.as_str())));
    for (column, value) in change(now) {
        update = update.col_expr(column, value);
    }
    let changed = update.exec(&txn).await?.rows_affected;
    let row = data_request::Entity::find_by_id(rid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if changed == 0 {
        return Err(ApiError::conflict(ProblemCode::RequestClosed));
    }
    txn.commit().await?;
    view(row, state.clock.today())
}

/// Tells the citizen their request was received and is being worked on.
#[utoipa::path(post, path = "/admin/data-requests/{rid}/acknowledge", tag = "admin", security(("bearer" = [])),
    params(("rid" = Uuid, Path, description = "Request id")),
    responses(
        (status = 200, description = "Acknowledged", body = DataRequest),
        (status = 403, description = "`forbidden`: support only", content_type = "application/problem+json"),
        (status = 404, description = "No such request", content_type = "application/problem+json"),
        (status = 409, description = "`request_closed`: already acknowledged or answered", content_type = "application/problem+json"),
    ))]
pub async fn acknowledge(
    State(state): State<AppState>,
    actor: Actor,
    Path(rid): Path<Uuid>,
) -> ApiResult<Json<DataRequest>> {
    let by = actor.account_id;
    decide(
        &state,
        &actor,
        rid,
        |now| {
            vec![
                (
                    data_request::Column::Status,
                    Expr::value(RequestStatus::Acknowledged.as_str()),
                ),
                (data_request::Column::AcknowledgedAt, Expr::value(now)),
                (data_request::Column::ClosedBy, Expr::value(by)),
            ]
        },
        &[RequestStatus::Received],
    )
    .await
    .map(Json)
}

/// Answers a request: done, or refused with the reason.
#[utoipa::path(post, path = "/admin/data-requests/{rid}/close", tag = "admin", security(("bearer" = [])),
    params(("rid" = Uuid, Path, description = "Request id")),
    request_body = CloseDataRequest,
    responses(
        (status = 200, description = "Answered", body = DataRequest),
        (status = 403, description = "`forbidden`: support only", content_type = "application/problem+json"),
        (status = 404, description = "No such request", content_type = "application/problem+json"),
        (status = 409, description = "`request_closed`: already answered", content_type = "application/problem+json"),
        (status = 422, description = "`status` must be `completed` or `refused`; `outcome` too short", content_type = "application/problem+json"),
    ))]
pub async fn close(
    State(state): State<AppState>,
    actor: Actor,
    Path(rid): Path<Uuid>,
    ValidJson(request): ValidJson<CloseDataRequest>,
) -> ApiResult<Json<DataRequest>> {
    if !matches!(
        request.status,
        RequestStatus::Completed | RequestStatus::Refused
    ) {
        return Err(issue(
            "status",
            "status_invalid",
            "Chỉ có thể trả lời là đã thực hiện hoặc từ chối.",
            "A request is answered as completed or refused.",
        ));
    }
    let outcome = check_reason("outcome", &request.outcome)
        .map_err(|issue| ApiError::invalid(vec![issue]))?;
    let by = actor.account_id;
    decide(
        &state,
        &actor,
        rid,
        |now| {
            vec![
                (
                    data_request::Column::Status,
                    Expr::value(request.status.as_str()),
                ),
                (data_request::Column::ClosedAt, Expr::value(now)),
                (data_request::Column::ClosedBy, Expr::value(by)),
                (data_request::Column::Outcome, Expr::value(outcome)),
            ]
        },
        &RequestStatus::OPEN,
    )
    .await
    .map(Json)
}

/// Corrections routed to a facility: the entries it wrote that a citizen says are wrong.
#[utoipa::path(get, path = "/facilities/{fid}/correction-requests", tag = "book", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    responses(
        (status = 200, description = "Open correction requests", body = Vec<DataRequest>),
        (status = 403, description = "`forbidden`: not staff of the facility", content_type = "application/problem+json"),
    ))]
pub async fn facility_corrections(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
) -> ApiResult<Json<Vec<DataRequest>>> {
    state
        .authorize(&actor, Action::WorkAtFacility, Resource::Facility(fid))
        .await?;
    let today = state.clock.today();
    let open = RequestStatus::OPEN.map(|s| s.as_str());
    data_request::Entity::find()
        .filter(data_request::Column::FacilityId.eq(fid))
        .filter(data_request::Column::Kind.eq(RequestKind::Correction.as_str()))
        .filter(data_request::Column::Status.is_in(open))
        .order_by_asc(data_request::Column::AnswerBy)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|row| view(row, today))
        .collect::<Result<Vec<_>, _>>()
        .map(Json)
}
