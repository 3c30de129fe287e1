//! PostgreSQL: a booking's writes in one statement, `book_slot(…)`.
//!
//! A booking checks the slot without a lock, takes the citizen's lock, counts the citizen's
//! future appointments, takes a place in the slot, draws the queue number, inserts the
//! appointment and queues its confirmation mail (composed when it is sent, see migration 5).
//! Issued one by one from the server, that is seven round trips inside a transaction, and on a
//! busy database the round trips, not the writes, are what a booking costs. This function runs
//! the same steps, in the same order and with the same locks, inside the database: one
//! statement, which is a transaction of its own, or a part of the caller's.
//!
//! The server's step-by-step path (`server/src/booking/book.rs`) stays the one SQLite runs;
//! this function mirrors it. Its refusals and their order are those of
//! `healthbook_domain::booking::refusal`, which the step-by-step path calls and PL/pgSQL cannot:
//! a booking test runs both paths over every reason. A change to one is a change to the other.
//!
//! Every statement of a PL/pgSQL function takes a fresh snapshot under READ COMMITTED, so
//! the count after the citizen's lock sees whatever a concurrent booking of the same citizen
//! committed while this one waited, exactly as the separate statements do.
//!
//! On SQLite this migration does nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const BOOK_SLOT: &str = r#"
CREATE FUNCTION book_slot(
    p_appointment uuid,
    p_code varchar,
    p_slot uuid,
    p_service varchar,
    p_citizen uuid,
    p_booked_by uuid,
    p_now timestamptz,
    p_max_future integer,
    p_reminder_lead_seconds bigint,
    p_mail uuid,
    OUT refusal text,
    OUT booking appointments)
LANGUAGE plpgsql AS $$
DECLARE
    seen slots%ROWTYPE;
    upcoming integer;
    holds_slot boolean;
    taken slots%ROWTYPE;
    issued integer;
    reminder_at timestamptz;
BEGIN
    -- The checks that need no lock, in the order of `book::precheck`: a slot seen full is
    -- refused before any write.
    SELECT * INTO seen FROM slots WHERE id = p_slot;
    IF NOT FOUND THEN
        refusal := 'slot_not_found';
        RETURN;
    ELSIF seen.service <> p_service THEN
        refusal := 'wrong_service';
        RETURN;
    ELSIF seen.status <> 'open' THEN
        refusal := 'slot_closed';
        RETURN;
    ELSIF seen.starts_at <= p_now THEN
        refusal := 'slot_in_past';
        RETURN;
    ELSIF seen.booked >= seen.capacity THEN
        PERFORM 1 FROM appointments WHERE active_key = p_citizen::text || ':' || p_slot::text;
        refusal := CASE WHEN FOUND THEN 'already_booked' ELSE 'slot_full' END;
        RETURN;
    END IF;

    INSERT INTO booking_citizen_locks (citizen_id, touched_at) VALUES (p_citizen, p_now)
    ON CONFLICT (citizen_id) DO UPDATE SET touched_at = EXCLUDED.touched_at;

    SELECT count(*), coalesce(bool_or(a.slot_id = p_slot), false)
    INTO upcoming, holds_slot
    FROM appointments a
    WHERE a.citizen_id = p_citizen AND a.status = 'booked' AND a.starts_at > p_now;
    IF holds_slot THEN
        refusal := 'already_booked';
        RETURN;
    END IF;
    IF upcoming >= p_max_future THEN
        refusal := 'too_many_appointments';
        RETURN;
    END IF;

    UPDATE slots s SET booked = s.booked + 1
    WHERE s.id = p_slot AND s.booked < s.capacity AND s.status = 'open' AND s.starts_at > p_now
    RETURNING s.* INTO taken;
    IF NOT FOUND THEN
        refusal := 'no_place';
        RETURN;
    END IF;

    INSERT INTO queue_counters AS q (facility_id, queue, local_date, last_number)
    VALUES (taken.facility_id, taken.queue, taken.local_date, 1)
    ON CONFLICT (facility_id, queue, local_date) DO UPDATE SET last_number = q.last_number + 1
    RETURNING q.last_number INTO issued;

    -- The reminder rule of `rules::reminder_due_at`: a lead time before the start, unless
    -- that moment has already passed.
    reminder_at := taken.starts_at - p_reminder_lead_seconds * interval '1 second';
    IF reminder_at <= p_now THEN
        reminder_at := NULL;
    END IF;

    INSERT INTO appointments AS a (
        id, code, slot_id, facility_id, citizen_id, booked_by, service, specialty,
        practitioner_id, room, queue, local_date, starts_at, ends_at, queue_number, status,
        active_key, revision, reminder_due_at, created_at, updated_at)
    VALUES (
        p_appointment, p_code, taken.id, taken.facility_id, p_citizen, p_booked_by,
        taken.service, taken.specialty, taken.practitioner_id, taken.room, taken.queue,
        taken.local_date, taken.starts_at, taken.ends_at, issued, 'booked',
        p_citizen::text || ':' || p_slot::text, 0, reminder_at, p_now, p_now)
    RETURNING a.* INTO booking;

    INSERT INTO mail_outbox (
        id, recipient, subject, body_text, created_at, next_attempt_at, attempts,
        template, template_ref)
    VALUES (
        p_mail, '', '', '', p_now, p_now, 0, 'appointment_confirmation', p_appointment);
END
$$
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(BOOK_SLOT)
            .await
            .map(|_| ())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
