//! Places in a slot, the primitives every booking change is made of: take one, give one
//! back, number the queue, lock the citizen, say why there was no place. The booking paths
//! (`book`, `book_slot`), cancellation and rescheduling all build on these and on nothing of
//! each other.

use super::entities::{appointment, citizen_lock, queue_counter, slot};
use super::error::BookingError;
use super::mails::MailContext;
use super::slots::snapshot;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::Lang;
use healthbook_domain::booking::{
    BookingAttempt, BookingSnapshot, Policy, Refusal, SlotStatus, refusal, slot_refusal,
};
use healthbook_domain::facility::ServiceType;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    FromQueryResult, QueryFilter,
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
async fn holds_place(txn: &impl ConnectionTrait, citizen: Uuid, slot: Uuid) -> Result<bool, DbErr> {
    let held = appointment::Entity::find()
        .filter(appointment::Column::ActiveKey.eq(active_key(citizen, slot)))
        .one(txn)
        .await?;
    Ok(held.is_some())
}

/// Takes one place in the slot, or says why there is none.
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
    // The update re-checked the slot atomically. A slot that has a place again by now had
    // none then: full.
    Err(slot_refusal(&snapshot(&row), now)
        .unwrap_or(Refusal::SlotFull)
        .into())
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
        upcoming: None,
    };
    // A slot that has a place again by now had none a moment ago: full.
    Ok(refusal(&seen, attempt, now)
        .unwrap_or(Refusal::SlotFull)
        .into())
}
