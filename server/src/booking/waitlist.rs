//! Waitlists of full slots. A citizen (or a guardian) joins the waitlist of a slot with no
//! place; when a place of it frees — a cancellation, a move, a hold given back or lapsed —
//! the transaction that frees it offers it to the first person waiting, as a hold of
//! [`WAITLIST_OFFER_FOR`], and queues the mail that says so. The place never goes back to the
//! slot in between, so no one else can take it and no place is offered twice: the offer and
//! the freeing commit together, and of two transactions freeing places at once each offers to
//! a different person (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite runs one writer).
//!
//! An offer is a hold like any other: booking the slot takes it, and one left unanswered
//! lapses, whereupon the booking job (every 10 seconds) gives its place to the next person
//! waiting; a booking may take a lapsed place over first, as with any lapsed hold.

use super::appointments::mail_context;
use super::book::{booking_for, books_for};
use super::entities::{facility, slot, slot_hold, waitlist_entry};
use super::error::BookingError;
use super::holds::{self, hold_view};
use super::mails::{self, MailContext};
use super::places::{active_key, hold_of, holds_place, release_place};
use crate::auth::actor::Actor;
use crate::auth::entities::{account, citizen};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, SubsecRound, Utc};
use healthbook_domain::booking::rules::WAITLIST_OFFER_FOR;
use healthbook_domain::booking::{
    HoldState, JoinWaitlistRequest, Refusal, SlotStatus, WaitlistEntry, WaitlistState, slot_refusal,
};
use healthbook_domain::facility::ServiceType;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

const WAITING: &str = "waiting";
const OFFERED: &str = "offered";
const LEFT: &str = "left";

/// Gives a freed place of the slot to the first person waiting, or back to the slot when
/// nobody waits or the slot no longer takes bookings. Every path that frees a place calls
/// this instead of [`release_place`].
pub async fn give_back(
    txn: &DatabaseTransaction,
    slot_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if offer_next(txn, slot_id, now).await? {
        return Ok(());
    }
    release_place(txn, slot_id).await
}

/// Offers the slot's freed place to the first person waiting who still needs it; whether
/// someone took the offer.
async fn offer_next(
    txn: &DatabaseTransaction,
    slot_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(slot) = slot::Entity::find_by_id(slot_id).one(txn).await? else {
        return Ok(false);
    };
    if slot.status != SlotStatus::Open.as_str() || slot.starts_at <= now {
        return Ok(false);
    }
    loop {
        let Some(entry) = waitlist_entry::Entity::find()
            .filter(waitlist_entry::Column::SlotId.eq(slot_id))
            .filter(waitlist_entry::Column::State.eq(WAITING))
            .order_by_asc(waitlist_entry::Column::CreatedAt)
            .order_by_asc(waitlist_entry::Column::Id)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .one(txn)
            .await?
        else {
            return Ok(false);
        };
        // Someone who got a place of the slot meanwhile waits for nothing.
        let has_place = holds_place(txn, entry.citizen_id, slot_id).await?
            || hold_of(txn, entry.citizen_id, slot_id).await?.is_some();
        if has_place {
            end(txn, entry.id, LEFT, None, now).await?;
            continue;
        }
        let until = now + WAITLIST_OFFER_FOR;
        let hold = slot_hold::Model {
            id: Uuid::now_v7(),
            slot_id,
            citizen_id: entry.citizen_id,
            held_by: entry.joined_by,
            state: HoldState::Held.as_str().to_owned(),
            active_key: Some(active_key(entry.citizen_id, slot_id)),
            created_at: now,
            expires_at: until,
            ended_at: None,
        };
        slot_hold::Entity::insert(slot_hold::ActiveModel::from(hold.clone()))
            .exec_without_returning(txn)
            .await?;
        end(txn, entry.id, OFFERED, Some(hold.id), now).await?;
        if let Some(ctx) = offer_context(txn, &entry, &slot).await? {
            let offer = mails::waitlist_offer(
                &ctx,
                &slot.service,
                slot.specialty.as_deref(),
                slot.starts_at,
                until,
            );
            mail::enqueue(txn, offer, now).await?;
        }
        tracing::debug!(slot.id = %slot_id, hold.id = %hold.id, "freed place offered from the waitlist");
        return Ok(true);
    }
}

/// Moves an entry on from `waiting` (or an offered one to `left`), naming the hold offered.
async fn end(
    txn: &DatabaseTransaction,
    entry: Uuid,
    state: &str,
    hold: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update = waitlist_entry::Entity::update_many()
        .col_expr(waitlist_entry::Column::State, Expr::value(state))
        .col_expr(waitlist_entry::Column::EndedAt, Expr::value(now))
        .col_expr(
            waitlist_entry::Column::ActiveKey,
            Expr::value(Option::<String>::None),
        );
    if let Some(hold) = hold {
        update = update.col_expr(waitlist_entry::Column::HoldId, Expr::value(hold));
    }
    update
        .filter(waitlist_entry::Column::Id.eq(entry))
        .filter(waitlist_entry::Column::State.ne(LEFT))
        .exec(txn)
        .await
        .map(drop)
}

/// Whom the offer's mail goes to (the account that joined), about whom, and where.
async fn offer_context(
    txn: &DatabaseTransaction,
    entry: &waitlist_entry::Model,
    slot: &slot::Model,
) -> Result<Option<MailContext>, DbErr> {
    let booker = account::Entity::find_by_id(entry.joined_by)
        .one(txn)
        .await?;
    let person = citizen::Entity::find_by_id(entry.citizen_id)
        .one(txn)
        .await?;
    let place = facility::Entity::find_by_id(slot.facility_id)
        .one(txn)
        .await?;
    let (Some(booker), Some(person), Some(place)) = (booker, person, place) else {
        return Ok(None);
    };
    // No calendar file goes with an offer, so no organiser is named.
    Ok(Some(mail_context(&booker, &person, &place, "")))
}

/// An entry as its citizen reads it: where it stands, its place in the line while waiting,
/// and the place offered while it is.
async fn view(
    db: &impl ConnectionTrait,
    entry: &waitlist_entry::Model,
    now: DateTime<Utc>,
) -> Result<WaitlistEntry, ApiError> {
    let slot = slot::Entity::find_by_id(entry.slot_id)
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let hold = match entry.hold_id {
        Some(id) => slot_hold::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let hold_state = hold
        .as_ref()
        .map(|h| HoldState::stored(&h.state, h.expires_at, now));
    let state = WaitlistState::read(&entry.state, hold_state);
    let position = if state == WaitlistState::Waiting {
        let ahead = waitlist_entry::Entity::find()
            .filter(waitlist_entry::Column::SlotId.eq(entry.slot_id))
            .filter(waitlist_entry::Column::State.eq(WAITING))
            .filter(
                Expr::col(waitlist_entry::Column::CreatedAt)
                    .lt(entry.created_at)
                    .or(Expr::col(waitlist_entry::Column::CreatedAt)
                        .eq(entry.created_at)
                        .and(Expr::col(waitlist_entry::Column::Id).lt(entry.id))),
            )
            .count(db)
            .await?;
        Some(u32::try_from(ahead).unwrap_or(u32::MAX).saturating_add(1))
    } else {
        None
    };
    let offer = match (&hold, state) {
        (Some(hold), WaitlistState::Offered) => Some(hold_view(db, hold, now).await?),
        _ => None,
    };
    Ok(WaitlistEntry {
        id: entry.id,
        slot_id: entry.slot_id,
        service: ServiceType::parse(&slot.service).unwrap_or(ServiceType::Examination),
        citizen_id: entry.citizen_id,
        facility_id: slot.facility_id,
        starts_at: slot.starts_at,
        state,
        position,
        offer,
    })
}

/// Joins, inside the caller's transaction: the entry, and whether this call made it.
async fn join(
    txn: &DatabaseTransaction,
    slot_id: Uuid,
    citizen_id: Uuid,
    joined_by: Uuid,
    now: DateTime<Utc>,
) -> Result<(waitlist_entry::Model, bool), BookingError> {
    let slot = slot::Entity::find_by_id(slot_id)
        .one(txn)
        .await?
        .ok_or(BookingError::SlotNotFound)?;
    let key = active_key(citizen_id, slot_id);
    if let Some(waiting) = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::ActiveKey.eq(&key))
        .one(txn)
        .await?
    {
        return Ok((waiting, false));
    }
    match slot_refusal(&super::slots::snapshot(&slot), now) {
        Some(Refusal::SlotFull) => {}
        Some(refused) => return Err(refused.into()),
        None => return Err(BookingError::SlotNotFull),
    }
    if holds_place(txn, citizen_id, slot_id).await?
        || hold_of(txn, citizen_id, slot_id).await?.is_some()
    {
        return Err(BookingError::AlreadyBooked);
    }
    // A lapsed hold's place is free to take: book it rather than wait.
    let lapsed = slot_hold::Entity::find()
        .filter(slot_hold::Column::SlotId.eq(slot_id))
        .filter(slot_hold::Column::State.eq(HoldState::Held.as_str()))
        .filter(slot_hold::Column::ExpiresAt.lte(now))
        .count(txn)
        .await?;
    if lapsed > 0 {
        return Err(BookingError::SlotNotFull);
    }
    let row = waitlist_entry::Model {
        id: Uuid::now_v7(),
        slot_id,
        citizen_id,
        joined_by,
        state: WAITING.to_owned(),
        active_key: Some(key),
        hold_id: None,
        created_at: now,
        ended_at: None,
    };
    waitlist_entry::Entity::insert(waitlist_entry::ActiveModel::from(row.clone()))
        .exec_without_returning(txn)
        .await
        .map_err(|e| super::error::on_unique(e, "active_key", BookingError::AlreadyBooked))?;
    Ok((row, true))
}

/// Joins the waitlist of a full slot, for the caller or a dependent.
#[utoipa::path(post, path = "/slots/{sid}/waitlist", tag = "booking", security(("bearer" = [])),
    params(("sid" = Uuid, Path, description = "Slot id")),
    request_body = JoinWaitlistRequest,
    responses(
        (status = 201, description = "Waiting; `position` 1 is offered the next place that frees", body = WaitlistEntry),
        (status = 200, description = "The person already waits for this slot: that entry", body = WaitlistEntry),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "An enrolment session (`forbidden`)", content_type = "application/problem+json"),
        (status = 404, description = "`not_found` (a citizen who is not you nor your dependent) or `slot_not_found`", content_type = "application/problem+json"),
        (status = 409, description = "`slot_not_full` (book it instead), `slot_closed`, `slot_in_past` or `already_booked`", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", content_type = "application/problem+json"),
    ))]
pub async fn join_waitlist(
    State(state): State<AppState>,
    actor: Actor,
    Path(sid): Path<Uuid>,
    ValidJson(request): ValidJson<JoinWaitlistRequest>,
) -> ApiResult<(StatusCode, Json<WaitlistEntry>)> {
    let now = state.clock.now().trunc_subsecs(6);
    let citizen_id = booking_for(&state, &actor, request.citizen_id).await?;
    let txn = state.db.begin_write().await?;
    let (entry, created) = join(&txn, sid, citizen_id, actor.account_id, now).await?;
    let answer = view(&txn, &entry, now).await?;
    txn.commit().await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer)))
}

/// The waitlists the caller joined (for themself or a dependent), newest first, with the
/// places offered.
#[utoipa::path(get, path = "/waitlist", tag = "booking", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's waitlist entries, newest first (at most 50)", body = Vec<WaitlistEntry>),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
    ))]
pub async fn list_waitlist(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<WaitlistEntry>>> {
    let now = state.clock.now();
    let rows = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::JoinedBy.eq(actor.account_id))
        .order_by_desc(waitlist_entry::Column::CreatedAt)
        .limit(50)
        .all(&state.db)
        .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        entries.push(view(&state.db, row, now).await?);
    }
    Ok(Json(entries))
}

/// Leaves a waitlist; a place on offer is given to the next person waiting.
#[utoipa::path(delete, path = "/waitlist/{wid}", tag = "booking", security(("bearer" = [])),
    params(("wid" = Uuid, Path, description = "Waitlist entry id")),
    responses(
        (status = 200, description = "The entry as it now stands", body = WaitlistEntry),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 404, description = "No such entry, or not yours", content_type = "application/problem+json"),
    ))]
pub async fn leave_waitlist(
    State(state): State<AppState>,
    actor: Actor,
    Path(wid): Path<Uuid>,
) -> ApiResult<Json<WaitlistEntry>> {
    let now = state.clock.now().trunc_subsecs(6);
    let entry = waitlist_entry::Entity::find_by_id(wid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    books_for(&state, &actor, entry.citizen_id).await?;
    let txn = state.db.begin_write().await?;
    end(&txn, entry.id, LEFT, None, now).await?;
    if let Some(offered) = entry.hold_id
        && let Some(hold) = slot_hold::Entity::find_by_id(offered).one(&txn).await?
    {
        holds::release(&txn, &hold, now).await?;
    }
    let entry = waitlist_entry::Entity::find_by_id(wid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let answer = view(&txn, &entry, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(Json(answer))
}
