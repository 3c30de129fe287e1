//! Booking a slot for oneself or a dependent.
//!
//! In the booking's transaction (with an `Idempotency-Key`, after the key's claim), the slot
//! is read and checked without a lock (service, open, not started, not visibly full: a slot
//! seen full is refused before any write), together with who the booking is about; then:
//! 1. the citizen's lock row is taken, so that the citizen's concurrent bookings queue and
//!    the cap on future appointments holds, and the citizen's appointments are counted;
//! 2. the citizen's own hold of the slot, if nobody took its place over, becomes the
//!    booking's place (`holds.rs`); otherwise
//!    `UPDATE slots SET booked = booked + 1 WHERE id = ? AND booked < capacity … RETURNING`
//!    takes a place, or else the place of a lapsed hold is taken over, or there is none: the
//!    database, not this code, decides, and it decides the same way across every process;
//! 3. the per-(facility, queue, day) counter is incremented with `… RETURNING` for the
//!    queue number: a rollback returns the number, so numbers have no gaps;
//! 4. the appointment is inserted (its unique `active_key` backs the one-booking-per-slot
//!    rule), and its confirmation is queued in the outbox, to be composed when it is sent.
//!
//! Every refusal is decided by `healthbook_domain::booking::refusal`, before the lock on what
//! was read and again under it with the count, so each reason and the order of the checks
//! are defined once. SQLite runs these steps one statement at a time ([`prepare`],
//! [`precheck`], [`step_by_step`]); PostgreSQL runs them in one call of `book_slot`
//! ([`book_slot`]), which is the whole transaction when the request carries no
//! `Idempotency-Key`, and which repeats the domain's checks in PL/pgSQL: the booking tests
//! run both paths over every refusal ([`BookingPath`]). A refusal after
//! the lock (already booked, too many appointments, the last place taken meanwhile) has then
//! committed the one write made before it, the citizen's lock row (created or its
//! `touched_at` moved), which nothing reads.
//!
//! Locks are always taken in the order citizen → slot → counter (reschedule: appointment →
//! slots by id → counter), so two transactions never wait on each other in a cycle.

use super::appointments::{organizer_email, view};
use super::book_slot;
use super::confirmations;
use super::entities::{appointment, facility, slot, slot_hold};
use super::error::{BookingError, on_unique};
use super::places::{
    NewBooking, Parties, active_key, end_hold, hold_of, holds_elsewhere, lock_citizen,
    next_queue_number, take_place, why_no_place,
};
use super::settings;
use crate::auth::actor::Actor;
use crate::auth::entities::{account, citizen};
use crate::authz::{Action, Resource};
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey, NextAction};
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SubsecRound, Utc};
use healthbook_domain::booking::rules::reminder_due_at;
use healthbook_domain::booking::{
    Appointment, AppointmentCode, AppointmentStatus, BookAppointmentRequest, BookingAttempt,
    BookingSnapshot, HoldState, Policy, SlotSnapshot, refusal,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use uuid::Uuid;

/// What the step-by-step path reads first, in one statement: the slot and whether the
/// citizen holds a place in it (for the checks that need no lock), and the [`Parties`]. Only
/// refusals are decided on it: a place is taken by the conditional update, which re-checks
/// the slot atomically.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Prepared {
    pub slot_service: String,
    pub slot_status: String,
    pub slot_starts_at: DateTime<Utc>,
    pub slot_capacity: i32,
    pub slot_booked: i32,
    pub slot_held: bool,
    /// The slot's holds past their expiry that nobody took over yet: free places.
    pub slot_lapsed: i64,
    /// Whether one of the slot's places is on hold for the citizen, not lapsed.
    pub slot_holding: bool,
    #[sea_orm(nested)]
    pub parties: Parties,
}

impl Prepared {
    pub(super) fn slot(&self) -> SlotSnapshot {
        let lapsed = i32::try_from(self.slot_lapsed).unwrap_or(i32::MAX);
        SlotSnapshot::stored(
            &self.slot_service,
            &self.slot_status,
            self.slot_starts_at,
            self.slot_capacity,
            self.slot_booked.saturating_sub(lapsed),
        )
    }
}

/// Reads what the step-by-step booking (and a hold) needs; `None` when there is no such slot.
pub(super) async fn prepare(
    db: &impl ConnectionTrait,
    booking: &NewBooking,
    now: DateTime<Utc>,
) -> Result<Option<Prepared>, DbErr> {
    let key = active_key(booking.citizen_id, booking.slot_id);
    let held = Query::select()
        .expr(Expr::val(1))
        .from(appointment::Entity)
        .and_where(Expr::col((appointment::Entity, appointment::Column::ActiveKey)).eq(&key))
        .to_owned();
    let lapsed = Query::select()
        .expr(Expr::col(slot_hold::Column::Id).count())
        .from(slot_hold::Entity)
        .and_where(slot_hold::Column::SlotId.eq(booking.slot_id))
        .and_where(slot_hold::Column::State.eq(HoldState::Held.as_str()))
        .and_where(slot_hold::Column::ExpiresAt.lte(now))
        .to_owned();
    let holding = Query::select()
        .expr(Expr::val(1))
        .from(slot_hold::Entity)
        .and_where(slot_hold::Column::ActiveKey.eq(&key))
        .and_where(slot_hold::Column::State.eq(HoldState::Held.as_str()))
        .and_where(slot_hold::Column::ExpiresAt.gt(now))
        .to_owned();
    let mut select = Query::select();
    select
        .expr_as(
            Expr::col((slot::Entity, slot::Column::Service)),
            "slot_service",
        )
        .expr_as(
            Expr::col((slot::Entity, slot::Column::Status)),
            "slot_status",
        )
        .expr_as(
            Expr::col((slot::Entity, slot::Column::StartsAt)),
            "slot_starts_at",
        )
        .expr_as(
            Expr::col((slot::Entity, slot::Column::Capacity)),
            "slot_capacity",
        )
        .expr_as(
            Expr::col((slot::Entity, slot::Column::Booked)),
            "slot_booked",
        )
        .expr_as(Expr::exists(held), "slot_held")
        .expr_as(
            Expr::SubQuery(None, Box::new(lapsed.into_sub_query_statement())),
            "slot_lapsed",
        )
        .expr_as(Expr::exists(holding), "slot_holding")
        .expr_as(
            Expr::col((facility::Entity, facility::Column::Name)),
            "facility_name",
        )
        .expr_as(
            Expr::col((facility::Entity, facility::Column::Address)),
            "facility_address",
        )
        .expr_as(
            Expr::col((citizen::Entity, citizen::Column::FullName)),
            "citizen_name",
        )
        .expr_as(
            Expr::col((citizen::Entity, citizen::Column::AccountId)),
            "citizen_account",
        )
        .expr_as(
            Expr::col((account::Entity, account::Column::Email)),
            "booker_email",
        )
        .expr_as(
            Expr::col((account::Entity, account::Column::DisplayName)),
            "booker_name",
        )
        .expr_as(
            Expr::col((account::Entity, account::Column::Lang)),
            "booker_lang",
        )
        .from(slot::Entity)
        .inner_join(
            facility::Entity,
            Expr::col((facility::Entity, facility::Column::Id))
                .equals((slot::Entity, slot::Column::FacilityId)),
        )
        .cross_join(citizen::Entity)
        .cross_join(account::Entity)
        .and_where(Expr::col((slot::Entity, slot::Column::Id)).eq(booking.slot_id))
        .and_where(Expr::col((citizen::Entity, citizen::Column::Id)).eq(booking.citizen_id))
        .and_where(Expr::col((account::Entity, account::Column::Id)).eq(booking.booked_by));
    let statement = db.get_database_backend().build(&select);
    // The citizen and the account exist (the caller was authorised for them), so no row
    // means no such slot.
    Prepared::find_by_statement(statement).one(db).await
}

/// The checks that need no lock (1–5 of `booking::refusal`): found, service, open, not
/// started, not visibly full. A slot already seen full is refused without taking any lock;
/// the conditional update in [`take_place`] is what guarantees capacity, this only spares
/// the database the losers' writes.
pub(super) fn precheck(
    prepared: Option<&Prepared>,
    attempt: &BookingAttempt,
    now: DateTime<Utc>,
) -> Result<(), BookingError> {
    let seen = BookingSnapshot {
        slot: prepared.map(Prepared::slot),
        holds_place: prepared.is_some_and(|p| p.slot_held),
        holding: prepared.is_some_and(|p| p.slot_holding),
        upcoming: None,
    };
    match refusal(&seen, attempt, now) {
        Some(refused) => Err(refused.into()),
        None => Ok(()),
    }
}

/// The two ways a booking runs. [`book`] takes the one call on PostgreSQL and the steps
/// elsewhere; [`book_along`] lets a test hold both to the same refusals on PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingPath {
    /// One statement at a time: the path SQLite runs, on any backend.
    StepByStep,
    /// `book_slot(…)` in one round trip: PostgreSQL only.
    OneCall,
}

/// Books alone on PostgreSQL: `book_slot` is one statement, a transaction of its own, so
/// the appointment and its confirmation commit together or not at all without a `BEGIN`.
pub async fn book_alone(
    db: &DatabaseConnection,
    booking: &NewBooking,
    policy: &Policy,
    now: DateTime<Utc>,
    code_bits: u64,
) -> Result<(appointment::Model, Parties), BookingError> {
    let now = now.trunc_subsecs(6);
    let code = AppointmentCode::from_random(code_bits);
    book_slot::in_one_call(db, booking, policy, now, code.as_str()).await
}

/// Books, with the confirmation mail queued, inside the caller's transaction; the
/// appointment and who it is about. `code_bits` are 60 random bits for the appointment code.
pub async fn book(
    txn: &DatabaseTransaction,
    booking: &NewBooking,
    policy: &Policy,
    now: DateTime<Utc>,
    code_bits: u64,
) -> Result<(appointment::Model, Parties), BookingError> {
    let path = if txn.get_database_backend() == DbBackend::Postgres {
        BookingPath::OneCall
    } else {
        BookingPath::StepByStep
    };
    book_along(path, txn, booking, policy, now, code_bits).await
}

/// [`book`] along the given path.
pub async fn book_along(
    path: BookingPath,
    txn: &DatabaseTransaction,
    booking: &NewBooking,
    policy: &Policy,
    now: DateTime<Utc>,
    code_bits: u64,
) -> Result<(appointment::Model, Parties), BookingError> {
    // Stored instants have microseconds; the answer must read the same as a later GET.
    let now = now.trunc_subsecs(6);
    let code = AppointmentCode::from_random(code_bits);
    if path == BookingPath::OneCall {
        return book_slot::in_one_call(txn, booking, policy, now, code.as_str()).await;
    }
    let attempt = booking.attempt(policy);
    let prepared = prepare(txn, booking, now).await?;
    precheck(prepared.as_ref(), &attempt, now)?;
    let prepared = prepared.ok_or(BookingError::SlotNotFound)?;
    let row = step_by_step(
        txn,
        booking,
        &prepared,
        &attempt,
        policy,
        now,
        code.as_str(),
    )
    .await?;
    Ok((row, prepared.parties))
}

/// The booking's steps one statement at a time: the definition of the rules, and the path
/// SQLite runs. PostgreSQL runs the same steps in `book_slot` (see [`book_slot`]).
async fn step_by_step(
    txn: &DatabaseTransaction,
    booking: &NewBooking,
    prepared: &Prepared,
    attempt: &BookingAttempt,
    policy: &Policy,
    now: DateTime<Utc>,
    code: &str,
) -> Result<appointment::Model, BookingError> {
    let (holds_place, upcoming) = lock_and_count(txn, booking, now).await?;
    let locked = BookingSnapshot {
        slot: Some(prepared.slot()),
        holds_place,
        holding: prepared.slot_holding,
        upcoming: Some(upcoming),
    };
    if let Some(refused) = refusal(&locked, attempt, now) {
        return Err(refused.into());
    }
    // The citizen's own hold, lapsed or not, as long as nobody took its place over: the
    // place is already counted in the slot.
    let converted = match hold_of(txn, booking.citizen_id, booking.slot_id).await? {
        Some(hold) => end_hold(txn, hold.id, HoldState::Converted, now).await?,
        None => false,
    };
    let slot = if converted {
        slot::Entity::find_by_id(booking.slot_id)
            .one(txn)
            .await?
            .ok_or(BookingError::SlotNotFound)?
    } else {
        match take_place(txn, booking.slot_id, now).await {
            Err(BookingError::SlotFull) => {
                return Err(why_no_place(txn, booking, attempt, now).await?);
            }
            other => other?,
        }
    };
    let number = next_queue_number(txn, slot.facility_id, &slot.queue, slot.local_date).await?;
    let row = appointment::Model {
        id: Uuid::now_v7(),
        code: code.to_owned(),
        slot_id: slot.id,
        facility_id: slot.facility_id,
        citizen_id: booking.citizen_id,
        booked_by: booking.booked_by,
        service: slot.service.clone(),
        specialty: slot.specialty.clone(),
        practitioner_id: slot.practitioner_id,
        room: slot.room.clone(),
        queue: slot.queue.clone(),
        local_date: slot.local_date,
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
        queue_number: number,
        status: AppointmentStatus::Booked.as_str().to_owned(),
        active_key: Some(active_key(booking.citizen_id, slot.id)),
        revision: 0,
        reminder_due_at: reminder_due_at(slot.starts_at, now, policy.reminder_lead),
        reminder_sent_at: None,
        created_at: now,
        updated_at: now,
        cancelled_at: None,
        cancelled_by: None,
        cancel_reason: None,
        checked_in_at: None,
        no_show_at: None,
        called_at: None,
        served_at: None,
        near_notice_at: None,
        attended_by: None,
        vaccine: None,
    };
    appointment::Entity::insert(appointment::ActiveModel::from(row.clone()))
        .exec_without_returning(txn)
        .await
        .map_err(|e| on_unique(e, "active_key", BookingError::AlreadyBooked))?;
    mail::enqueue_composed(txn, confirmations::TEMPLATE, row.id, now).await?;
    Ok(row)
}

/// Takes the citizen's lock and counts, under it, whether the citizen holds a place in the
/// slot and their appointments to come with their places on hold in other slots.
pub(super) async fn lock_and_count(
    txn: &DatabaseTransaction,
    booking: &NewBooking,
    now: DateTime<Utc>,
) -> Result<(bool, u32), DbErr> {
    lock_citizen(txn, booking.citizen_id, now).await?;
    let upcoming: Vec<Uuid> = appointment::Entity::find()
        .select_only()
        .column(appointment::Column::SlotId)
        .filter(appointment::Column::CitizenId.eq(booking.citizen_id))
        .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
        .filter(appointment::Column::StartsAt.gt(now))
        .into_tuple()
        .all(txn)
        .await?;
    let held = holds_elsewhere(txn, booking.citizen_id, booking.slot_id, now).await?;
    let booked = u32::try_from(upcoming.len()).unwrap_or(u32::MAX);
    Ok((
        upcoming.contains(&booking.slot_id),
        booked.saturating_add(held),
    ))
}

/// Whom a booking, a hold or a waitlist entry is for: the citizen named (a dependent), else
/// the caller; refused as not found unless the caller may book for them.
pub(super) async fn booking_for(
    state: &AppState,
    actor: &Actor,
    named: Option<Uuid>,
) -> Result<Uuid, ApiError> {
    let citizen_id = named.or(actor.citizen_id).ok_or_else(ApiError::not_found)?;
    state
        .authorize(actor, Action::BookFor, Resource::Citizen(citizen_id))
        .await?;
    Ok(citizen_id)
}

/// Whether the caller may book for the citizen a hold or a waitlist entry belongs to, found
/// by its id: anyone else is told there is no such thing, whether or not it exists.
pub(super) async fn books_for(
    state: &AppState,
    actor: &Actor,
    citizen_id: Uuid,
) -> Result<(), ApiError> {
    state
        .authorize(actor, Action::BookFor, Resource::Citizen(citizen_id))
        .await
        .map(drop)
        .map_err(|_| ApiError::not_found())
}

/// Books a slot for the caller or one of their dependents.
#[utoipa::path(post, path = "/appointments", tag = "booking", security(("bearer" = [])),
    request_body = BookAppointmentRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same appointment")),
    responses(
        (status = 201, description = "Booked; the confirmation is mailed with a calendar file", body = Appointment),
        (status = 404, description = "`not_found` (a citizen who is not you nor your dependent) or `slot_not_found`", content_type = "application/problem+json"),
        (status = 409, description = "`slot_full`, `slot_closed`, `slot_in_past`, `already_booked` or `too_many_appointments`", content_type = "application/problem+json"),
        (status = 422, description = "`wrong_service`, invalid fields, or `idempotency_key_reused`", content_type = "application/problem+json"),
    ))]
pub async fn book_appointment(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    ValidJson(request): ValidJson<BookAppointmentRequest>,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let citizen_id = booking_for(&state, &actor, request.citizen_id).await?;
    let policy = settings::current(&state.db, now).await?;
    let booking = NewBooking {
        citizen_id,
        booked_by: actor.account_id,
        slot_id: request.slot_id,
        service: request.service,
    };
    if key.0.is_none() && state.db.get_database_backend() == DbBackend::Postgres {
        // One statement, a transaction of its own: the appointment and its confirmation
        // commit together or not at all.
        let (row, parties) = book_alone(&state.db, &booking, &policy, now, rand::random()).await?;
        state.mailer.wake();
        return Ok(answer(&state, &actor, &row, &parties, &policy).1);
    }
    // With a key, the key is claimed first: a retry of a booking that filled the slot must
    // get its appointment back, not `slot_full`.
    let fingerprint = idempotency::fingerprint("book-appointment", &request);
    let pending = match idempotency::begin(
        &state.db,
        &actor.account_id.to_string(),
        &key,
        &fingerprint,
        now,
    )
    .await?
    {
        NextAction::Proceed(pending) => pending,
        NextAction::Replay(replay) => return Ok(replay),
    };
    let (row, parties) = book(pending.txn(), &booking, &policy, now, rand::random()).await?;
    let (appointment, response) = answer(&state, &actor, &row, &parties, &policy);
    pending.finish(StatusCode::CREATED, &appointment).await?;
    state.mailer.wake();
    Ok(response)
}

/// The answer to a booking, as stored for a retry and as sent.
fn answer(
    state: &AppState,
    actor: &Actor,
    row: &appointment::Model,
    parties: &Parties,
    policy: &Policy,
) -> (Appointment, Response) {
    let ctx = parties.context(actor.account_id, &organizer_email(state));
    let appointment = view(row, &ctx, policy);
    tracing::debug!(appointment.id = %row.id, slot.id = %row.slot_id, "appointment booked");
    let response = (StatusCode::CREATED, Json(appointment.clone())).into_response();
    (appointment, response)
}
