//! Places on hold: a citizen takes a place for a few minutes while confirming, and booking
//! the slot takes that place; a hold not booked in time gives its place back by itself.
//!
//! A hold takes its place as a booking does (`slots.booked + 1`, the same conditional
//! update), so capacity stays one counter that the database guards. Its row leaves `held`
//! exactly once, by a conditional update: `converted` (the place is the appointment's),
//! `released` (the citizen gave it back: `booked - 1`) or `lapsed`. A hold past `expires_at`
//! that is still `held` is a free place: a slot's `booked` is read less those, and the next
//! booking that finds no other place lapses one (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and
//! takes its place over, `booked` unchanged. No sweeper is needed for that to be right; the
//! booking job lapses what nobody took, so that lists stay exact and waitlists move on.
//!
//! `active_key` (`citizen:slot` while held, NULL after) makes "one hold per citizen and slot"
//! a unique constraint. `book_slot` (migration 6) is replaced by one that converts the
//! citizen's hold and takes over lapsed places, mirroring the server's step-by-step path.
//! `booking_settings.hold_minutes` is how long a hold lasts.

use crate::shape::{fk, index};
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const BOOK_SLOT: &str = r#"
CREATE OR REPLACE FUNCTION book_slot(
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
    lapsed integer;
    holding boolean;
    upcoming integer;
    holds_slot boolean;
    taken slots%ROWTYPE;
    issued integer;
    reminder_at timestamptz;
    key text := p_citizen::text || ':' || p_slot::text;
BEGIN
    -- The checks that need no lock, in the order of `book::precheck`: a slot seen full is
    -- refused before any write. Lapsed holds are free places; the citizen's own hold is a
    -- place of theirs.
    SELECT * INTO seen FROM slots WHERE id = p_slot;
    SELECT count(*) INTO lapsed FROM slot_holds
    WHERE slot_id = p_slot AND state = 'held' AND expires_at <= p_now;
    PERFORM 1 FROM slot_holds WHERE active_key = key AND state = 'held' AND expires_at > p_now;
    holding := FOUND;
    IF seen.id IS NULL THEN
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
    ELSIF seen.booked - lapsed >= seen.capacity THEN
        PERFORM 1 FROM appointments WHERE active_key = key;
        IF FOUND THEN
            refusal := 'already_booked';
            RETURN;
        ELSIF NOT holding THEN
            refusal := 'slot_full';
            RETURN;
        END IF;
    END IF;

    INSERT INTO booking_citizen_locks (citizen_id, touched_at) VALUES (p_citizen, p_now)
    ON CONFLICT (citizen_id) DO UPDATE SET touched_at = EXCLUDED.touched_at;

    SELECT count(*), coalesce(bool_or(a.slot_id = p_slot), false)
    INTO upcoming, holds_slot
    FROM appointments a
    WHERE a.citizen_id = p_citizen AND a.status = 'booked' AND a.starts_at > p_now;
    upcoming := upcoming + (SELECT count(*) FROM slot_holds h
        WHERE h.citizen_id = p_citizen AND h.state = 'held' AND h.expires_at > p_now
          AND h.slot_id <> p_slot);
    IF holds_slot THEN
        refusal := 'already_booked';
        RETURN;
    END IF;
    IF upcoming >= p_max_future THEN
        refusal := 'too_many_appointments';
        RETURN;
    END IF;

    -- The citizen's own hold (lapsed or not, as long as nobody took its place): the place
    -- is already counted.
    UPDATE slot_holds SET state = 'converted', ended_at = p_now, active_key = NULL
    WHERE active_key = key AND state = 'held';
    IF FOUND THEN
        SELECT * INTO taken FROM slots WHERE id = p_slot;
    ELSE
        UPDATE slots s SET booked = s.booked + 1
        WHERE s.id = p_slot AND s.booked < s.capacity AND s.status = 'open' AND s.starts_at > p_now
        RETURNING s.* INTO taken;
        IF NOT FOUND THEN
            -- Take over the place of a lapsed hold, if the slot still takes bookings.
            SELECT * INTO taken FROM slots s
            WHERE s.id = p_slot AND s.status = 'open' AND s.starts_at > p_now;
            IF FOUND THEN
                UPDATE slot_holds SET state = 'lapsed', ended_at = p_now, active_key = NULL
                WHERE id = (SELECT h.id FROM slot_holds h
                    WHERE h.slot_id = p_slot AND h.state = 'held' AND h.expires_at <= p_now
                    ORDER BY h.expires_at LIMIT 1 FOR UPDATE SKIP LOCKED);
            END IF;
            IF NOT FOUND THEN
                refusal := 'no_place';
                RETURN;
            END IF;
        END IF;
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
        key, 0, reminder_at, p_now, p_now)
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
        manager
            .create_table(
                Table::create()
                    .table("slot_holds")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("slot_id"))
                    .col(uuid("citizen_id"))
                    .col(uuid("held_by"))
                    // held, converted, released, lapsed
                    .col(string_len("state", 16))
                    .col(string_len_null("active_key", 80))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .foreign_key(&mut fk("slot_holds", "slot_id", "slots"))
                    .foreign_key(&mut fk("slot_holds", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("slot_holds", "held_by", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_slot_holds_active",
            "slot_holds",
            &["active_key"],
            true,
        )
        .await?;
        index(
            manager,
            "ix_slot_holds_slot",
            "slot_holds",
            &["slot_id", "state", "expires_at"],
            false,
        )
        .await?;
        // The booking job's look for lapsed holds.
        index(
            manager,
            "ix_slot_holds_expiry",
            "slot_holds",
            &["state", "expires_at"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_slot_holds_citizen",
            "slot_holds",
            &["citizen_id", "state"],
            false,
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("booking_settings")
                    .add_column(integer("hold_minutes").default(5))
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(BOOK_SLOT)
                .await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
