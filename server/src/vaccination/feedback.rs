//! Citizens' feedback on a vaccination session or a facility (the seeds' "phản ánh"): a
//! rating and a text, read by the facility's administrators, who answer it once. The citizen
//! reads their feedback with its answer, and hears of the answer by mail (through the outbox,
//! in the answer's transaction); the mail says that an answer came, the app shows it.

use super::entities::{feedback, vaccination_session};
use super::mails;
use crate::auth::actor::Actor;
use crate::auth::audit::{self, Event, Record};
use crate::auth::error::AuthError;
use crate::authz::{Action, Relationship, Resource};
use crate::booking::entities::{appointment, facility};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::{ValidJson, ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use healthbook_domain::FieldIssue;
use healthbook_domain::account::StaffRole;
use healthbook_domain::booking::time::local_date;
use healthbook_domain::page::{Page, page_size};
use healthbook_domain::problem::ProblemCode;
use healthbook_domain::vaccine::doses::{Feedback, FeedbackAnswer, FeedbackRequest};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;
use validator::Validate;

#[utoipa::path(post, path = "/facilities/{fid}/feedback", tag = "vaccination", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same feedback")),
    request_body = FeedbackRequest,
    responses(
        (status = 201, description = "The feedback as recorded", body = Feedback),
        (status = 403, description = "`forbidden`: only citizens send feedback", content_type = "application/problem+json"),
        (status = 404, description = "No such facility, or a session or an appointment that is not one of the facility's (an appointment: of the caller's there)", content_type = "application/problem+json"),
        (status = 422, description = "A rating outside 1–5, an empty or too long text", content_type = "application/problem+json"),
    ))]
pub async fn send_feedback(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(fid): Path<Uuid>,
    ValidJson(request): ValidJson<FeedbackRequest>,
) -> ApiResult<Response> {
    let Some(cid) = actor.citizen_id else {
        return Err(AuthError::Forbidden.into());
    };
    let now = state.clock.now();
    let fingerprint = idempotency::fingerprint("vaccination-feedback", &(fid, &request));
    idempotency::keyed(
        &state.db,
        &actor.account_id.to_string(),
        &key,
        &fingerprint,
        now,
        StatusCode::CREATED,
        async |txn| {
            facility::Entity::find_by_id(fid)
                .one(txn)
                .await?
                .ok_or_else(ApiError::not_found)?;
            if let Some(sid) = request.session_id {
                vaccination_session::Entity::find_by_id(sid)
                    .filter(vaccination_session::Column::FacilityId.eq(fid))
                    .one(txn)
                    .await?
                    .ok_or_else(ApiError::not_found)?;
            }
            if let Some(aid) = request.appointment_id {
                appointment::Entity::find_by_id(aid)
                    .filter(appointment::Column::FacilityId.eq(fid))
                    .filter(appointment::Column::CitizenId.eq(cid))
                    .one(txn)
                    .await?
                    .ok_or_else(ApiError::not_found)?;
            }
            let row = feedback::Model {
                id: Uuid::now_v7(),
                facility_id: fid,
                session_id: request.session_id,
                appointment_id: request.appointment_id,
                citizen_id: cid,
                rating: i16::from(request.rating),
                text: request.text.trim().to_owned(),
                created_at: now,
                response: None,
                responded_by: None,
                responded_at: None,
            };
            feedback::Entity::insert(feedback::ActiveModel {
                id: Set(row.id),
                facility_id: Set(row.facility_id),
                session_id: Set(row.session_id),
                appointment_id: Set(row.appointment_id),
                citizen_id: Set(row.citizen_id),
                rating: Set(row.rating),
                text: Set(row.text.clone()),
                created_at: Set(row.created_at),
                response: Set(None),
                responded_by: Set(None),
                responded_at: Set(None),
            })
            .exec_without_returning(txn)
            .await?;
            Ok(view(&row))
        },
    )
    .await
}

fn view(row: &feedback::Model) -> Feedback {
    Feedback {
        id: row.id,
        facility_id: row.facility_id,
        session_id: row.session_id,
        appointment_id: row.appointment_id,
        citizen_id: row.citizen_id,
        rating: u8::try_from(row.rating).unwrap_or_default(),
        text: row.text.clone(),
        created_at: row.created_at,
        answer: row.response.clone(),
        answered_at: row.responded_at,
    }
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackQuery {
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    pub cursor: Option<String>,
}

/// The facility's feedback, newest first, for its administrators.
#[utoipa::path(get, path = "/facilities/{fid}/feedback", tag = "vaccination", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"), FeedbackQuery),
    responses(
        (status = 200, description = "Feedback on the facility", body = Page<Feedback>),
        (status = 403, description = "Not an administrator of this facility", content_type = "application/problem+json"),
    ))]
pub async fn list_feedback(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidQuery(query): ValidQuery<FeedbackQuery>,
) -> ApiResult<Json<Page<Feedback>>> {
    state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    let select = feedback::Entity::find().filter(feedback::Column::FacilityId.eq(fid));
    Ok(Json(page(&state.db, select, &query).await?))
}

/// One page of `select`, newest first.
async fn page(
    db: &impl ConnectionTrait,
    select: Select<feedback::Entity>,
    query: &FeedbackQuery,
) -> Result<Page<Feedback>, ApiError> {
    let limit = page_size(query.limit);
    let mut select = select.order_by_desc(feedback::Column::Id).limit(limit + 1);
    if let Some(raw) = &query.cursor {
        let before: Uuid = cursor::decode(raw)?;
        select = select.filter(feedback::Column::Id.lt(before));
    }
    let mut rows = select.all(db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|last| cursor::encode(&last.id))
    } else {
        None
    };
    Ok(Page {
        items: rows.iter().map(view).collect(),
        next_cursor,
    })
}

/// The caller's own feedback, newest first, each with the facility's answer once given.
#[utoipa::path(get, path = "/me/vaccination-feedback", tag = "vaccination", security(("bearer" = [])),
    params(FeedbackQuery),
    responses(
        (status = 200, description = "The feedback the caller sent", body = Page<Feedback>),
        (status = 403, description = "`forbidden`: only citizens send feedback", content_type = "application/problem+json"),
    ))]
pub async fn my_feedback(
    State(state): State<AppState>,
    actor: Actor,
    ValidQuery(query): ValidQuery<FeedbackQuery>,
) -> ApiResult<Json<Page<Feedback>>> {
    let Some(cid) = actor.citizen_id else {
        return Err(AuthError::Forbidden.into());
    };
    let select = feedback::Entity::find().filter(feedback::Column::CitizenId.eq(cid));
    Ok(Json(page(&state.db, select, &query).await?))
}

/// The facility's answer to one feedback: given once, by one of its administrators; the
/// citizen is told by mail.
#[utoipa::path(post, path = "/vaccination-feedback/{id}/answer", tag = "vaccination", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Feedback id")),
    request_body = FeedbackAnswer,
    responses(
        (status = 200, description = "The feedback with its answer", body = Feedback),
        (status = 404, description = "No such feedback, or feedback on a facility the caller does not administer", content_type = "application/problem+json"),
        (status = 409, description = "`feedback_answered`", content_type = "application/problem+json"),
        (status = 422, description = "An empty or too long answer", content_type = "application/problem+json"),
    ))]
pub async fn answer_feedback(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
    ValidJson(request): ValidJson<FeedbackAnswer>,
) -> ApiResult<Json<Feedback>> {
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    let row = feedback::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    // The facility's administrators only (not support, who may manage any facility).
    let granted = state
        .authorize(
            &actor,
            Action::ManageFacility,
            Resource::Facility(row.facility_id),
        )
        .await;
    if !matches!(granted, Ok(Relationship::Staff(StaffRole::FacilityAdmin))) {
        return Err(ApiError::not_found());
    }
    let text = request.text.trim();
    if text.is_empty() {
        return Err(ApiError::invalid(vec![FieldIssue::new(
            "text",
            "answer_empty",
            "Câu trả lời không được để trống.",
            "The answer must not be empty.",
        )]));
    }
    let answered = feedback::Entity::update_many()
        .col_expr(feedback::Column::Response, Expr::value(text))
        .col_expr(feedback::Column::RespondedBy, Expr::value(actor.account_id))
        .col_expr(feedback::Column::RespondedAt, Expr::value(now))
        .filter(feedback::Column::Id.eq(id))
        .filter(feedback::Column::Response.is_null())
        .exec_with_returning(&txn)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::conflict(ProblemCode::FeedbackAnswered))?;
    let place = facility::Entity::find_by_id(row.facility_id)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let recipients = mails::citizen_recipients(&txn, row.citizen_id, local_date(now)).await?;
    mails::send_each(
        &txn,
        &recipients,
        |lang, name| mails::feedback_answered_text(lang, name, &place.name),
        now,
    )
    .await?;
    audit::record(
        &txn,
        Record::of(actor.account_id, Event::FeedbackAnswered)
            .by(actor.account_id)
            .with(json!({ "feedback_id": id, "facility_id": row.facility_id })),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    tracing::info!(feedback.id = %id, facility.id = %row.facility_id, "feedback answered");
    Ok(Json(view(&answered)))
}
