//! Places in a slot, the primitives every booking change is made of: take one, give one
//! back, number the queue, lock the citizen, say why there was no place, and move a place on
//! hold (migration 22) to whoever it goes to. The booking paths (`book`, `book_slot`), holds,
//! cancellation and rescheduling all build on these and on nothing of each other.

use super::entities::{appointment, citizen_lock, queue_counter, slot, slot_hold};
use super::error::BookingError;
use super::mails::MailContext;
use super::slots::snapshot;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::Lang;
use healthbook_domain::booking::HoldState;
use healthbook_domain::booking::{
    BookingAttempt, BookingSnapshot, Policy, Refusal, SlotStatus, refusal, slot_refusal,
};
use healthbook_domain::facility::ServiceType;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
pub struct NewBooking {
    pub citizen_id: Uuid,
    /// The account that books: the citizen's own or a guardian's.
    pub booked_by: Uuid,
    pub slot_id: Uuid,
    pub service: ServiceType,
}

impl NewBooking {
    /// What the booking rules hold this booking to.
    pub fn attempt(&self, policy: &Policy) -> BookingAttempt {
        BookingAttempt {
            service: self.service,
            max_future_appointments: policy.max_future_appointments,
        }
    }
}

/// The key that makes "one active booking per citizen and slot" a unique constraint.
pub fn active_key(citizen: Uuid, slot: Uuid) -> String {
    format!("{citizen}:{slot}")
}

/// Takes the citizen's lock row for the rest of the transaction.
pub(super) async fn lock_citizen(
    txn: &DatabaseTransaction,
    citizen: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    citizen_lock::Entity::insert(citizen_lock::ActiveModel {
        citizen_id: Set(citizen),
        touched_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(citizen_lock::Column::CitizenId)
            .update_column(citizen_lock::Column::TouchedAt)
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await
    .map(|_| ())
}

/// Whether the citizen holds an active booking of the slot.
pub(super) async fn holds_place(
    txn: &impl ConnectionTrait,
    citizen: Uuid,
    slot: Uuid,
) -> Result<bool, DbErr> {
    let held = appointment::Entity::find()
        .filter(appointment::Column::ActiveKey.eq(active_key(citizen, slot)))
        .one(txn)
        .await?;
    Ok(held.is_some())
}

/// Takes one place in the slot, or says why there is none. With no free place, the place of
/// a lapsed hold is taken over.
pub async fn take_place(
    txn: &DatabaseTransaction,
    slot_id: Uuid,
    now: DateTime<Utc>,
) -> Result<slot::Model, BookingError> {
    let taken = slot::Entity::update_many()
        .col_expr(slot::Column::Booked, Expr::col(slot::Column::Booked).add(1))
        .filter(slot::Column::Id.eq(slot_id))
        .filter(Expr::col(slot::Column::Booked).lt(Expr::col(slot::Column::Capacity)))
        .filter(slot::Column::Status.eq(SlotStatus::Open.as_str()))
        .filter(slot::Column::StartsAt.gt(now))
        .exec_with_returning(txn)
        .await?;
    if let Some(row) = taken.into_iter().next() {
        return Ok(row);
    }
    let row = slot::Entity::find_by_id(slot_id)
        .one(txn)
        .await?
        .ok_or(BookingError::SlotNotFound)?;
    let refused = slot_refusal(&snapshot(&row), now);
    if matches!(refused, Some(Refusal::SlotFull) | None)
        && take_over_lapsed_hold(txn, slot_id, now).await?
    {
        return Ok(row);
    }
    // The update re-checked the slot atomically. A slot that has a place again by now had
    // none then: full.
    Err(refused.unwrap_or(Refusal::SlotFull).into())
}

/// Ends one lapsed hold of the slot, the longest lapsed first, so that its place is the
/// caller's; whether there was one. Holds another transaction is ending are skipped, not
/// waited for. The row is picked and locked by one statement and ended by the next: inside an
/// `UPDATE … WHERE id IN (…)` PostgreSQL may run a `LIMIT 1` subquery more than once and end
/// two.
async fn take_over_lapsed_hold(
    txn: &DatabaseTransaction,
    slot_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let oldest: Option<Uuid> = slot_hold::Entity::find()
        .select_only()
        .column(slot_hold::Column::Id)
        .filter(slot_hold::Column::SlotId.eq(slot_id))
        .filter(slot_hold::Column::State.eq(HoldState::Held.as_str()))
        .filter(slot_hold::Column::ExpiresAt.lte(now))
        .order_by_asc(slot_hold::Column::ExpiresAt)
        .limit(1)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .into_tuple()
        .one(txn)
        .await?;
    match oldest {
        Some(id) => end_hold(txn, id, HoldState::Lapsed, now).await,
        None => Ok(false),
    }
}

/// Moves a hold out of `held` to `to`, once: whether this call did. Whoever moves it gets its
/// place (a booking that converts it, a new hold over a lapsed one); releasing it must also
/// give the place back.
pub(super) async fn end_hold(
    txn: &DatabaseTransaction,
    hold_id: Uuid,
    to: HoldState,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let ended = slot_hold::Entity::update_many()
        .col_expr(slot_hold::Column::State, Expr::value(to.as_str()))
        .col_expr(slot_hold::Column::EndedAt, Expr::value(now))
        .col_expr(
            slot_hold::Column::ActiveKey,
            Expr::value(Option::<String>::None),
        )
        .filter(slot_hold::Column::Id.eq(hold_id))
        .filter(slot_hold::Column::State.eq(HoldState::Held.as_str()))
        .exec(txn)
        .await?;
    Ok(ended.rows_affected == 1)
}

/// The citizen's hold of the slot still `held` (lapsed or not).
pub(super) async fn hold_of(
    db: &impl ConnectionTrait,
    citizen: Uuid,
    slot: Uuid,
) -> Result<Option<slot_hold::Model>, DbErr> {
    slot_hold::Entity::find()
        .filter(slot_hold::Column::ActiveKey.eq(active_key(citizen, slot)))
        .one(db)
        .await
}

/// The citizen's places on hold in other slots than `slot`, not lapsed: they count against
/// the cap on appointments to come.
pub(super) async fn holds_elsewhere(
    db: &impl ConnectionTrait,
    citizen: Uuid,
    slot: Uuid,
    now: DateTime<Utc>,
) -> Result<u32, DbErr> {
    let count = slot_hold::Entity::find()
        .filter(slot_hold::Column::CitizenId.eq(citizen))
        .filter(slot_hold::Column::State.eq(HoldState::Held.as_str()))
        .filter(slot_hold::Column::ExpiresAt.gt(now))
        .filter(slot_hold::Column::SlotId.ne(slot))
        .count(db)
        .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// Gives a place back (cancellation, the old slot of a reschedule).
pub async fn release_place(txn: &DatabaseTransaction, slot_id: Uuid) -> Result<(), DbErr> {
    slot::Entity::update_many()
        .col_expr(slot::Column::Booked, Expr::col(slot::Column::Booked).sub(1))
        .filter(slot::Column::Id.eq(slot_id))
        .filter(slot::Column::Booked.gt(0))
        .exec(txn)
        .await
        .map(|_| ())
}

/// The next number of a queue on a day: unique and gapless, because the counter row is
/// incremented in the booking's own transaction and rolls back with it.
pub async fn next_queue_number(
    txn: &DatabaseTransaction,
    facility: Uuid,
    queue: &str,
    day: NaiveDate,
) -> Result<i32, DbErr> {
    let row = queue_counter::Entity::insert(queue_counter::ActiveModel {
        facility_id: Set(facility),
        queue: Set(queue.to_owned()),
        local_date: Set(day),
        last_number: Set(1),
    })
    .on_conflict(
        OnConflict::columns([
            queue_counter::Column::FacilityId,
            queue_counter::Column::Queue,
            queue_counter::Column::LocalDate,
        ])
        .value(
            queue_counter::Column::LastNumber,
            Expr::col((queue_counter::Entity, queue_counter::Column::LastNumber)).add(1),
        )
        .to_owned(),
    )
    .exec_with_returning(txn)
    .await?;
    Ok(row.last_number)
}

/// Who and where a booking is about, for the answer and its mail: the slot's facility, the
/// citizen and the booking account.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Parties {
    pub facility_name: String,
    pub facility_address: String,
    pub citizen_name: String,
    pub citizen_account: Option<Uuid>,
    pub booker_email: String,
    pub booker_name: String,
    pub booker_lang: String,
}

impl Parties {
    pub fn context(&self, booker: Uuid, organizer_email: &str) -> MailContext {
        MailContext {
            booker_email: self.booker_email.clone(),
            booker_name: self.booker_name.clone(),
            lang: Lang::from_code(&self.booker_lang),
            citizen_name: self.citizen_name.clone(),
            for_dependent: self.citizen_account != Some(booker),
            facility_name: self.facility_name.clone(),
            facility_address: self.facility_address.clone(),
            organizer_email: organizer_email.to_owned(),
        }
    }
}

/// Why a slot had no place for this booking, once the conditional update found none: the
/// slot and the citizen's hold read again and decided on.
pub async fn why_no_place(
    txn: &impl ConnectionTrait,
    booking: &NewBooking,
    attempt: &BookingAttempt,
    now: DateTime<Utc>,
) -> Result<BookingError, DbErr> {
    let row = slot::Entity::find_by_id(booking.slot_id).one(txn).await?;
    let seen = BookingSnapshot {
        slot: row.as_ref().map(snapshot),
        holds_place: holds_place(txn, booking.citizen_id, booking.slot_id).await?,
        holding: false,
        upcoming: None,
    };
    // A slot that has a place again by now had none a moment ago: full.
    Ok(refusal(&seen, attempt, now)
        .unwrap_or(Refusal::SlotFull)
        .into())
}
