//! The facility's list of appointments for a day, in queue order, for reception and doctors;
//! also finds an appointment by the code a citizen shows at the kiosk.

use super::appointments::views;
use super::entities::appointment;
use super::settings;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::{ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use healthbook_domain::booking::time::{local_date, parse_date};
use healthbook_domain::booking::{Appointment, AppointmentCode, AppointmentStatus};
use healthbook_domain::page::{Page, page_size};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayListQuery {
    /// Local date, `YYYY-MM-DD`; today when absent.
    #[param(format = Date)]
    pub date: Option<String>,
    /// Only this queue (a room, or a service).
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub queue: Option<String>,
    pub status: Option<AppointmentStatus>,
    /// The code the citizen shows (typed or scanned): finds that appointment, any day.
    #[validate(length(max = 40))]
    #[param(max_length = 40)]
    pub code: Option<String>,
    pub cursor: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct DayCursor {
    queue: String,
    number: i32,
}

/// The facility's appointments of one day, by queue and number.
#[utoipa::path(get, path = "/facilities/{fid}/appointments", tag = "booking", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"), DayListQuery),
    responses(
        (status = 200, description = "A page of the day's appointments", body = Page<Appointment>),
        (status = 403, description = "Not staff of this facility", content_type = "application/problem+json"),
        (status = 422, description = "A malformed date or code", content_type = "application/problem+json"),
    ))]
pub async fn day_list(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidQuery(query): ValidQuery<DayListQuery>,
) -> ApiResult<Json<Page<Appointment>>> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::WorkAtFacility, Resource::Facility(fid))
        .await?;
    let limit = page_size(query.limit);
    let mut select = appointment::Entity::find()
        .filter(appointment::Column::FacilityId.eq(fid))
        .order_by_asc(appointment::Column::Queue)
        .order_by_asc(appointment::Column::QueueNumber)
        .limit(limit + 1);
    if let Some(text) = &query.code {
        let code = AppointmentCode::parse(text)
            .map_err(|e| ApiError::validation(vec![FieldError::from_localized("code", &e)]))?;
        select = select.filter(appointment::Column::Code.eq(code.as_str()));
    } else {
        let day = match &query.date {
            Some(text) => parse_date(text)
                .map_err(|e| ApiError::validation(vec![FieldError::from_localized("date", &e)]))?,
            None => local_date(now),
        };
        select = select.filter(appointment::Column::LocalDate.eq(day));
    }
    if let Some(queue) = &query.queue {
        select = select.filter(appointment::Column::Queue.eq(queue.as_str()));
    }
    if let Some(status) = query.status {
        select = select.filter(appointment::Column::Status.eq(status.as_str()));
    }
    if let Some(raw) = &query.cursor {
        let after: DayCursor = cursor::decode(raw)?;
        select = select.filter(
            Expr::col(appointment::Column::Queue)
                .gt(after.queue.clone())
                .or(Expr::col(appointment::Column::Queue)
                    .eq(after.queue)
                    .and(Expr::col(appointment::Column::QueueNumber).gt(after.number))),
        );
    }
    let mut rows = select.all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        rows.last().map(|last| {
            cursor::encode(&DayCursor {
                queue: last.queue.clone(),
                number: last.queue_number,
            })
        })
    } else {
        None
    };
    let policy = settings::current(&state.db, now).await?;
    Ok(Json(Page {
        items: views(&state.db, &rows, &policy).await?,
        next_cursor,
    }))
}
