//! The queue on the day (`domain::booking::queue`): reception calls the next number in, the
//! waiting hall's screen and anyone's phone read where the queue stands, and a patient sees
//! their place and a likely time, told by mail when three numbers are left before theirs.
//!
//! A call is one transaction: the number in service is marked served, the lowest checked-in
//! number not yet called is called (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two desks
//! calling at once call two numbers), and the patients who are now near get their notice
//! through the outbox, once each (`near_notice_at`).

use super::appointments::{context, load_for, organizer_email};
use super::entities::{appointment, facility};
use super::mails;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::booking::queue::{NOTICE_AHEAD, Ticket, position, queue_state};
use healthbook_domain::booking::time::local_date;
use healthbook_domain::booking::{AppointmentStatus, QueuePosition, QueueState};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// The day's appointments of a queue that are or were in it (booked or checked in).
async fn day_of(
    db: &impl ConnectionTrait,
    facility: Uuid,
    queue: &str,
    date: NaiveDate,
) -> Result<Vec<appointment::Model>, DbErr> {
    appointment::Entity::find()
        .filter(appointment::Column::FacilityId.eq(facility))
        .filter(appointment::Column::Queue.eq(queue))
        .filter(appointment::Column::LocalDate.eq(date))
        .filter(appointment::Column::Status.is_in([
            AppointmentStatus::Booked.as_str(),
            AppointmentStatus::CheckedIn.as_str(),
        ]))
        .order_by_asc(appointment::Column::QueueNumber)
        .all(db)
        .await
}

fn ticket(row: &appointment::Model) -> Ticket {
    Ticket {
        number: u32::try_from(row.queue_number).unwrap_or(0),
        checked_in_at: row.checked_in_at,
        called_at: row.called_at,
        served_at: row.served_at,
    }
}

fn tickets(rows: &[appointment::Model]) -> Vec<Ticket> {
    rows.iter().map(ticket).collect()
}

async fn known_facility(state: &AppState, fid: Uuid) -> Result<facility::Model, ApiError> {
    facility::Entity::find_by_id(fid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Ends the service in progress and calls the next number; the queue as it now stands.
async fn call_next(
    state: &AppState,
    fid: Uuid,
    queue: &str,
    now: DateTime<Utc>,
) -> Result<QueueState, ApiError> {
    let today = local_date(now);
    let txn = state.db.begin_write().await?;
    appointment::Entity::update_many()
        .col_expr(appointment::Column::ServedAt, Expr::value(now))
        .filter(appointment::Column::FacilityId.eq(fid))
        .filter(appointment::Column::Queue.eq(queue))
        .filter(appointment::Column::LocalDate.eq(today))
        .filter(appointment::Column::CalledAt.is_not_null())
        .filter(appointment::Column::ServedAt.is_null())
        .exec(&txn)
        .await?;
    // Picked and locked by one statement, called by the next: inside an `UPDATE … WHERE id IN
    // (…)` PostgreSQL may run a `LIMIT 1` subquery more than once and call two numbers.
    let next: Option<Uuid> = appointment::Entity::find()
        .select_only()
        .column(appointment::Column::Id)
        .filter(appointment::Column::FacilityId.eq(fid))
        .filter(appointment::Column::Queue.eq(queue))
        .filter(appointment::Column::LocalDate.eq(today))
        .filter(appointment::Column::Status.eq(AppointmentStatus::CheckedIn.as_str()))
        .filter(appointment::Column::CalledAt.is_null())
        .order_by_asc(appointment::Column::QueueNumber)
        .limit(1)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .into_tuple()
        .one(&txn)
        .await?;
    if let Some(id) = next {
        appointment::Entity::update_many()
            .col_expr(appointment::Column::CalledAt, Expr::value(now))
            .filter(appointment::Column::Id.eq(id))
            .filter(appointment::Column::CalledAt.is_null())
            .exec(&txn)
            .await?;
    }
    let rows = day_of(&txn, fid, queue, today).await?;
    let state_now = queue_state(queue, today, &tickets(&rows));
    // The patients now near their turn (or nearer, having arrived late) who were not told.
    let near: Vec<u32> = state_now
        .waiting
        .iter()
        .take(usize::try_from(NOTICE_AHEAD).unwrap_or(usize::MAX) + 1)
        .copied()
        .collect();
    let organizer = organizer_email(state);
    let mut noticed = 0;
    for row in rows.iter().filter(|r| {
        r.near_notice_at.is_none() && near.contains(&u32::try_from(r.queue_number).unwrap_or(0))
    }) {
        let told = appointment::Entity::update_many()
            .col_expr(appointment::Column::NearNoticeAt, Expr::value(now))
            .filter(appointment::Column::Id.eq(row.id))
            .filter(appointment::Column::NearNoticeAt.is_null())
            .exec(&txn)
            .await?;
        if told.rows_affected == 1 {
            let ctx = context(&txn, row, &organizer).await?;
            let ahead = position(queue, today, &tickets(&rows), ticket(row).number, now)
                .and_then(|p| p.ahead)
                .unwrap_or(0);
            mail::enqueue(&txn, mails::turn_near(&ctx, row, ahead), now).await?;
            noticed += 1;
        }
    }
    txn.commit().await?;
    if noticed > 0 {
        state.mailer.wake();
    }
    Ok(state_now)
}

/// Calls the next number of a queue in: the one in service is done.
#[utoipa::path(post, path = "/facilities/{fid}/queues/{queue}/call", tag = "booking", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"), ("queue" = String, Path, description = "Queue name, as on the appointments")),
    responses(
        (status = 200, description = "The queue after the call; `serving` names the number called (none when nobody waits)", body = QueueState),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "Not staff of this facility", content_type = "application/problem+json"),
        (status = 404, description = "No such facility", content_type = "application/problem+json"),
    ))]
pub async fn call_queue(
    State(state): State<AppState>,
    actor: Actor,
    Path((fid, queue)): Path<(Uuid, String)>,
) -> ApiResult<Json<QueueState>> {
    state
        .authorize(&actor, Action::WorkAtFacility, Resource::Facility(fid))
        .await?;
    known_facility(&state, fid).await?;
    let now = state.clock.now();
    Ok(Json(call_next(&state, fid, &queue, now).await?))
}

/// Where a queue stands today: numbers and times only.
#[utoipa::path(get, path = "/facilities/{fid}/queues/{queue}", tag = "booking",
    params(("fid" = Uuid, Path, description = "Facility id"), ("queue" = String, Path, description = "Queue name, as on the appointments")),
    responses(
        (status = 200, description = "The queue today", body = QueueState),
        (status = 404, description = "No such facility", content_type = "application/problem+json"),
    ))]
pub async fn get_queue(
    State(state): State<AppState>,
    Path((fid, queue)): Path<(Uuid, String)>,
) -> ApiResult<Json<QueueState>> {
    known_facility(&state, fid).await?;
    let today = local_date(state.clock.now());
    let rows = day_of(&state.db, fid, &queue, today).await?;
    Ok(Json(queue_state(&queue, today, &tickets(&rows))))
}

/// Where an appointment stands in its queue today, and when it is likely to be called.
#[utoipa::path(get, path = "/appointments/{aid}/queue", tag = "booking", security(("bearer" = [])),
    params(("aid" = Uuid, Path, description = "Appointment id")),
    responses(
        (status = 200, description = "Its number, stage, the numbers ahead and a likely call time", body = QueuePosition),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 404, description = "No such appointment, not yours, or not in a queue today", content_type = "application/problem+json"),
    ))]
pub async fn appointment_queue(
    State(state): State<AppState>,
    actor: Actor,
    Path(aid): Path<Uuid>,
) -> ApiResult<Json<QueuePosition>> {
    let (row, _) = load_for(&state, &actor, aid, Action::BookFor).await?;
    let now = state.clock.now();
    let rows = day_of(&state.db, row.facility_id, &row.queue, row.local_date).await?;
    position(
        &row.queue,
        row.local_date,
        &tickets(&rows),
        ticket(&row).number,
        now,
    )
    .map(Json)
    .ok_or_else(ApiError::not_found)
}

/// The waiting hall's screen for one queue: a plain page that refreshes itself.
#[utoipa::path(get, path = "/display/{fid}/{queue}", tag = "booking",
    params(("fid" = Uuid, Path, description = "Facility id"), ("queue" = String, Path, description = "Queue name")),
    responses(
        (status = 200, description = "An HTML page for a screen in the waiting hall", content_type = "text/html", body = String),
        (status = 400, description = "A malformed id", content_type = "application/problem+json"),
        (status = 404, description = "No such facility", content_type = "application/problem+json"),
    ))]
pub async fn display(
    State(state): State<AppState>,
    Path((fid, queue)): Path<(Uuid, String)>,
) -> ApiResult<Html<String>> {
    let place = known_facility(&state, fid).await?;
    let today = local_date(state.clock.now());
    let rows = day_of(&state.db, fid, &queue, today).await?;
    let now = queue_state(&queue, today, &tickets(&rows));
    Ok(Html(display_page(&place.name, &now)))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn numbers(list: &[u32]) -> String {
    if list.is_empty() {
        return "—".to_owned();
    }
    list.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Vietnamese first and English after, as the signs in a Vietnamese hospital are.
fn display_page(facility: &str, queue: &QueueState) -> String {
    let serving = queue
        .serving
        .first()
        .map_or_else(|| "—".to_owned(), u32::to_string);
    let average = queue
        .average_service_seconds
        .map(|s| {
            format!(
                "<p class=\"avg\">Thời gian khám trung bình / Average visit: {} phút / min</p>",
                s.div_ceil(60)
            )
        })
        .unwrap_or_default();
    format!(
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"refresh\" content=\"10\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{queue_name} — {facility}</title>\
<style>body{{font-family:sans-serif;background:#0b3d2e;color:#fff;text-align:center;margin:0;padding:2vh}}\
.now{{font-size:30vh;font-weight:bold;line-height:1}}h1{{font-size:5vh}}h2{{font-size:4vh}}\
.waiting{{font-size:6vh}}.avg{{font-size:3vh;opacity:.8}}</style></head>\
<body><h1>{facility} · {queue_name}</h1>\
<h2>Mời số / Now serving</h2><div class=\"now\" id=\"serving\">{serving}</div>\
<h2>Số tiếp theo / Next</h2><div class=\"waiting\" id=\"waiting\">{waiting}</div>{average}</body></html>\n",
        facility = escape(facility),
        queue_name = escape(&queue.queue),
        waiting = numbers(&queue.waiting.iter().take(8).copied().collect::<Vec<_>>()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_display_escapes_what_staff_typed() {
        let queue = QueueState {
            queue: "<script>".to_owned(),
            date: NaiveDate::from_ymd_opt(2030, 6, 1).unwrap(),
            serving: vec![12],
            waiting: vec![13, 15],
            not_arrived: 0,
            served: 11,
            average_service_seconds: Some(400),
        };
        let page = display_page("Bệnh viện \"A&B\"", &queue);
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;") && page.contains("&quot;A&amp;B&quot;"));
        assert!(page.contains(">12<") && page.contains("13 · 15") && page.contains("7 phút"));
    }
}
