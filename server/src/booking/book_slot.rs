//! PostgreSQL's booking path: the steps of `book::book` on SQLite (read, check, then
//! `step_by_step`) in one call of the database function `book_slot` (migration 6), with the
//! parties of the answer joined to it: one round trip where the steps take seven. Same locks,
//! same order, same confirmation row. PL/pgSQL cannot call `booking::refusal`, so the function
//! repeats its checks in its order and returns the same codes (`Refusal::from_code` reads
//! them); `tests/tests/booking.rs` runs both paths over every refusal to keep them in step.

use super::entities::appointment;
use super::error::{BookingError, on_unique};
use super::places::{NewBooking, Parties, why_no_place};
use chrono::{DateTime, Utc};
use healthbook_domain::booking::{Policy, Refusal};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement};
use uuid::Uuid;

const CALL: &str = "SELECT b.refusal, (b.booking).*, \
        f.name AS facility_name, f.address AS facility_address, \
        c.full_name AS citizen_name, c.account_id AS citizen_account, \
        a.email AS booker_email, a.display_name AS booker_name, a.lang AS booker_lang \
    FROM book_slot($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS b \
    LEFT JOIN facilities f ON f.id = (b.booking).facility_id \
    LEFT JOIN citizens c ON c.id = $5 \
    LEFT JOIN accounts a ON a.id = $6";

/// Books in one statement, inside the caller's transaction or as one of its own; `now` has
/// microsecond precision.
pub async fn in_one_call(
    txn: &impl ConnectionTrait,
    booking: &NewBooking,
    policy: &Policy,
    now: DateTime<Utc>,
    code: &str,
) -> Result<(appointment::Model, Parties), BookingError> {
    let limit = policy.max_future_appointments;
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        CALL,
        [
            Uuid::now_v7().into(),
            code.into(),
            booking.slot_id.into(),
            booking.service.as_str().into(),
            booking.citizen_id.into(),
            booking.booked_by.into(),
            now.into(),
            i32::try_from(limit).unwrap_or(i32::MAX).into(),
            policy.reminder_lead.num_seconds().into(),
            // The confirmation's outbox row.
            Uuid::now_v7().into(),
        ],
    );
    let row = txn
        .query_one_raw(statement)
        .await
        .map_err(|e| on_unique(e, "active_key", BookingError::AlreadyBooked))?
        .ok_or_else(|| DbErr::Custom("book_slot returned no row".to_owned()))?;
    let refusal: Option<String> = row.try_get("", "refusal")?;
    let attempt = booking.attempt(policy);
    match refusal.as_deref() {
        None => Ok((
            appointment::Model::from_query_result(&row, "")?,
            Parties::from_query_result(&row, "")?,
        )),
        Some("no_place") => Err(why_no_place(txn, booking, &attempt, now).await?),
        Some(code) => Err(Refusal::from_code(code, &attempt)
            .map(BookingError::from)
            .unwrap_or_else(|| {
                BookingError::Db(DbErr::Custom(format!(
                    "book_slot refused with an unknown reason: {code}"
                )))
            })),
    }
}
