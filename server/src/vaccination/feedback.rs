//! Citizens' feedback on a vaccination session or a facility (the seeds' "phản ánh"): a
//! rating and a text, read by the facility's administrators.

use super::entities::feedback;
use crate::auth::actor::Actor;
use crate::auth::error::AuthError;
use crate::authz::{Action, Resource};
use crate::booking::entities::{appointment, facility};
use crate::error::{ApiError, ApiResult};
use crate::http::idempotency::{self, IdempotencyKey};
use crate::http::{ValidJson, ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use healthbook_domain::page::{Page, page_size};
use healthbook_domain::vaccine::doses::{Feedback, FeedbackRequest};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use uuid::Uuid;
use validator::Validate;

#[utoipa::path(post, path = "/facilities/{fid}/feedback", tag = "vaccination", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same feedback")),
    request_body = FeedbackRequest,
    responses(
        (status = 201, description = "The feedback as recorded", body = Feedback),
        (status = 403, description = "`forbidden`: only citizens send feedback", content_type = "application/problem+json"),
        (status = 404, description = "No such facility, or an appointment that is not the caller's there", content_type = "application/problem+json"),
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
    let limit = page_size(query.limit);
    let mut select = feedback::Entity::find()
        .filter(feedback::Column::FacilityId.eq(fid))
        .order_by_desc(feedback::Column::Id)
        .limit(limit + 1);
    if let Some(raw) = &query.cursor {
        let before: Uuid = cursor::decode(raw)?;
        select = select.filter(feedback::Column::Id.lt(before));
    }
    let mut rows = select.all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|last| cursor::encode(&last.id))
    } else {
        None
    };
    Ok(Json(Page {
        items: rows.iter().map(view).collect(),
        next_cursor,
    }))
}
