//! Places on hold: a citizen (or a guardian) takes a place for a few minutes while filling in
//! the details, then books it; a hold nobody booked gives its place back by itself.
//!
//! A hold is decided as a booking is (`book::precheck`, then under the citizen's lock the
//! domain's `refusal` with the count of appointments and holds to come) and takes its place
//! with the same conditional update, so holds count against the slot's capacity and the
//! citizen's cap alike. Asking again for a slot one already holds answers the same hold:
//! a hold is not renewed by asking. A lapsed hold of one's own that nobody took over is
//! ended and its place goes to the new one. See migration 22 for how a hold's place moves.

use super::book::{booking_for, books_for, lock_and_count, precheck, prepare};
use super::entities::{slot, slot_hold};
use super::error::BookingError;
use super::places::{NewBooking, active_key, end_hold, hold_of, take_place, why_no_place};
use super::settings;
use super::waitlist::give_back;
use crate::auth::actor::Actor;
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, SubsecRound, Utc};
use healthbook_domain::booking::{
    BookingSnapshot, HoldSlotRequest, HoldState, Policy, SlotHold, refusal,
};
use healthbook_domain::facility::ServiceType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};
use uuid::Uuid;

/// Holds a place of the slot for the citizen, inside the caller's transaction: the hold, and
/// whether this call made it (`false`: the citizen's hold that was already there).
pub async fn hold_place(
    txn: &DatabaseTransaction,
    booking: &NewBooking,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(slot_hold::Model, bool), BookingError> {
    let attempt = booking.attempt(policy);
    let prepared = prepare(txn, booking, now).await?;
    precheck(prepared.as_ref(), &attempt, now)?;
    let prepared = prepared.ok_or(BookingError::SlotNotFound)?;
    let (holds_place, upcoming) = lock_and_count(txn, booking, now).await?;
    let own = hold_of(txn, booking.citizen_id, booking.slot_id).await?;
    if let Some(live) = own.as_ref().filter(|h| h.expires_at > now) {
        return Ok((live.clone(), false));
    }
    let locked = BookingSnapshot {
        slot: Some(prepared.slot()),
        holds_place,
        holding: false,
        upcoming: Some(upcoming),
    };
    if let Some(refused) = refusal(&locked, &attempt, now) {
        return Err(refused.into());
    }
    let reused = match own {
        Some(lapsed) => end_hold(txn, lapsed.id, HoldState::Lapsed, now).await?,
        None => false,
    };
    if !reused {
        match take_place(txn, booking.slot_id, now).await {
            Err(BookingError::SlotFull) => {
                return Err(why_no_place(txn, booking, &attempt, now).await?);
            }
            other => {
                other?;
            }
        }
    }
    let row = slot_hold::Model {
        id: Uuid::now_v7(),
        slot_id: booking.slot_id,
        citizen_id: booking.citizen_id,
        held_by: booking.booked_by,
        state: HoldState::Held.as_str().to_owned(),
        active_key: Some(active_key(booking.citizen_id, booking.slot_id)),
        created_at: now,
        expires_at: now + policy.hold_for,
        ended_at: None,
    };
    slot_hold::Entity::insert(slot_hold::ActiveModel::from(row.clone()))
        .exec_without_returning(txn)
        .await?;
    Ok((row, true))
}

/// Gives a held place back; whether this call did (a hold already ended gives nothing).
pub async fn release(
    txn: &DatabaseTransaction,
    hold: &slot_hold::Model,
    now: DateTime<Utc>,
) -> Result<bool, BookingError> {
    if !end_hold(txn, hold.id, HoldState::Released, now).await? {
        return Ok(false);
    }
    give_back(txn, hold.slot_id, now).await?;
    Ok(true)
}

/// Gives on the places of holds that lapsed and that no booking took over: to the next person
/// waiting (an unanswered waitlist offer passes on), else back to the slot so that lists count
/// them free; how many. Not needed for a booking to be right (it takes lapsed places over by
/// itself): the booking job runs it every few seconds.
pub async fn give_back_lapsed(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let lapsed: Vec<Uuid> = slot_hold::Entity::find()
        .select_only()
        .column(slot_hold::Column::Id)
        .filter(slot_hold::Column::State.eq(HoldState::Held.as_str()))
        .filter(slot_hold::Column::ExpiresAt.lte(now))
        .limit(500)
        .into_tuple()
        .all(db)
        .await?;
    let mut given = 0;
    for id in lapsed {
        let txn = db.begin_write().await?;
        let Some(hold) = slot_hold::Entity::find_by_id(id).one(&txn).await? else {
            continue;
        };
        // A booking may have taken it over meanwhile: then it is no longer `held`.
        if end_hold(&txn, id, HoldState::Lapsed, now).await? {
            give_back(&txn, hold.slot_id, now).await?;
            given += 1;
        }
        txn.commit().await?;
    }
    Ok(given)
}

pub(super) async fn hold_view(
    db: &impl ConnectionTrait,
    hold: &slot_hold::Model,
    now: DateTime<Utc>,
) -> Result<SlotHold, ApiError> {
    let slot = slot::Entity::find_by_id(hold.slot_id)
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(SlotHold {
        id: hold.id,
        slot_id: hold.slot_id,
        citizen_id: hold.citizen_id,
        facility_id: slot.facility_id,
        service: ServiceType::parse(&slot.service).unwrap_or(ServiceType::Examination),
        starts_at: slot.starts_at,
        expires_at: hold.expires_at,
        state: HoldState::stored(&hold.state, hold.expires_at, now),
    })
}

/// The hold, for a caller who may book for its citizen; anyone else is told there is none.
async fn load_for(
    state: &AppState,
    actor: &Actor,
    hid: Uuid,
) -> Result<slot_hold::Model, ApiError> {
    let hold = slot_hold::Entity::find_by_id(hid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    books_for(state, actor, hold.citizen_id).await?;
    Ok(hold)
}

/// Holds a place in a slot for the caller or a dependent while they confirm.
#[utoipa::path(post, path = "/slots/{sid}/hold", tag = "booking", security(("bearer" = [])),
    params(("sid" = Uuid, Path, description = "Slot id")),
    request_body = HoldSlotRequest,
    responses(
        (status = 201, description = "Held until `expiresAt`; book the slot for the same person to keep it", body = SlotHold),
        (status = 200, description = "The person already holds a place in this slot: that hold, unchanged", body = SlotHold),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 403, description = "An enrolment session (`forbidden`)", content_type = "application/problem+json"),
        (status = 404, description = "`not_found` (a citizen who is not you nor your dependent) or `slot_not_found`", content_type = "application/problem+json"),
        (status = 409, description = "`slot_full`, `slot_closed`, `slot_in_past`, `already_booked` or `too_many_appointments` (holds count against the cap)", content_type = "application/problem+json"),
        (status = 422, description = "`wrong_service` or invalid fields", content_type = "application/problem+json"),
    ))]
pub async fn hold_slot(
    State(state): State<AppState>,
    actor: Actor,
    Path(sid): Path<Uuid>,
    ValidJson(request): ValidJson<HoldSlotRequest>,
) -> ApiResult<(StatusCode, Json<SlotHold>)> {
    // Stored instants have microseconds; the answer must read the same as a later GET.
    let now = state.clock.now().trunc_subsecs(6);
    let citizen_id = booking_for(&state, &actor, request.citizen_id).await?;
    let policy = settings::current(&state.db, now).await?;
    let booking = NewBooking {
        citizen_id,
        booked_by: actor.account_id,
        slot_id: sid,
        service: request.service,
    };
    let txn = state.db.begin_write().await?;
    let (hold, created) = hold_place(&txn, &booking, &policy, now).await?;
    let answer = hold_view(&txn, &hold, now).await?;
    txn.commit().await?;
    let status = if created {
        tracing::debug!(hold.id = %hold.id, slot.id = %sid, "place held");
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer)))
}

/// A hold, as it stands.
#[utoipa::path(get, path = "/holds/{hid}", tag = "booking", security(("bearer" = [])),
    params(("hid" = Uuid, Path, description = "Hold id")),
    responses(
        (status = 200, description = "The hold; past `expiresAt` it reads `lapsed`", body = SlotHold),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 404, description = "No such hold, or not yours", content_type = "application/problem+json"),
    ))]
pub async fn get_hold(
    State(state): State<AppState>,
    actor: Actor,
    Path(hid): Path<Uuid>,
) -> ApiResult<Json<SlotHold>> {
    let hold = load_for(&state, &actor, hid).await?;
    Ok(Json(hold_view(&state.db, &hold, state.clock.now()).await?))
}

/// Gives a held place back at once. Releasing a hold already booked, given back or lapsed
/// answers it as it stands.
#[utoipa::path(delete, path = "/holds/{hid}", tag = "booking", security(("bearer" = [])),
    params(("hid" = Uuid, Path, description = "Hold id")),
    responses(
        (status = 200, description = "The hold, released (or as it already stood)", body = SlotHold),
        (status = 401, description = "`unauthenticated`", content_type = "application/problem+json"),
        (status = 404, description = "No such hold, or not yours", content_type = "application/problem+json"),
    ))]
pub async fn release_hold(
    State(state): State<AppState>,
    actor: Actor,
    Path(hid): Path<Uuid>,
) -> ApiResult<Json<SlotHold>> {
    let now = state.clock.now().trunc_subsecs(6);
    let hold = load_for(&state, &actor, hid).await?;
    let txn = state.db.begin_write().await?;
    release(&txn, &hold, now).await?;
    let hold = slot_hold::Entity::find_by_id(hid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let answer = hold_view(&txn, &hold, now).await?;
    txn.commit().await?;
    // The place may have gone to someone waiting, with a mail.
    state.mailer.wake();
    Ok(Json(answer))
}
