//! Booking: rooms, weekly schedules and their closures, materialised slots, appointments,
//! per-day queue counters, and the platform's booking settings.
//!
//! Capacity, "one active booking per citizen and slot" and queue numbers are enforced here,
//! by constraints, not by application code: `slots.booked` only moves through a conditional
//! update, `appointments.active_key` is unique and NULL once an appointment is cancelled
//! (a portable stand-in for a partial unique index, since NULLs never collide on either
//! backend), and `(facility, queue, day, number)` is unique.

use crate::shape::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("facility_rooms")
                    .col(uuid("facility_id"))
                    .col(string_len("code", 32))
                    .col(text("name"))
                    .primary_key(Index::create().col("facility_id").col("code"))
                    .foreign_key(&mut fk("facility_rooms", "facility_id", "facilities"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("booking_settings")
                    // Always 1: one row of platform-wide policy, read in each booking.
                    .col(integer("id").primary_key())
                    .col(integer("cancel_cutoff_minutes"))
                    .col(integer("max_future_appointments"))
                    .col(integer("reminder_lead_minutes"))
                    .col(integer("horizon_days"))
                    .col(uuid_null("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("schedules")
                    .col(pk_uuid("id"))
                    .col(uuid("facility_id"))
                    // `examination`, `vaccination` or `teleconsultation`.
                    .col(string_len("service", 32))
                    .col(string_len_null("specialty", 32))
                    .col(uuid_null("practitioner_id"))
                    .col(string_len_null("room", 32))
                    // The queue whose numbers the bookings take (room or service).
                    .col(string_len("queue", 64))
                    .col(integer("slot_minutes"))
                    .col(integer("capacity"))
                    .col(date("valid_from"))
                    .col(date_null("valid_until"))
                    .col(boolean("open_on_holidays"))
                    .col(boolean("active"))
                    // Slots exist up to and including this local date.
                    .col(date_null("generated_until"))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("schedules", "facility_id", "facilities"))
                    .foreign_key(&mut fk("schedules", "practitioner_id", "practitioners"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "schedules_facility",
            "schedules",
            &["facility_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("schedule_sessions")
                    .col(uuid("schedule_id"))
                    // ISO day of the week: 1 is Monday, 7 Sunday.
                    .col(integer("day"))
                    // Local minutes since midnight (Asia/Ho_Chi_Minh).
                    .col(integer("start_minute"))
                    .col(integer("end_minute"))
                    .primary_key(
                        Index::create()
                            .col("schedule_id")
                            .col("day")
                            .col("start_minute"),
                    )
                    .foreign_key(&mut fk("schedule_sessions", "schedule_id", "schedules"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("closures")
                    .col(pk_uuid("id"))
                    .col(uuid("facility_id"))
                    // `holiday`, `closure` or `leave`.
                    .col(string_len("kind", 16))
                    .col(date("date_from"))
                    .col(date("date_until"))
                    // A window of each day, in local minutes; the whole day when absent.
                    .col(integer_null("start_minute"))
                    .col(integer_null("end_minute"))
                    .col(uuid_null("schedule_id"))
                    .col(uuid_null("practitioner_id"))
                    .col(text("reason"))
                    .col(integer("slots_closed"))
                    .col(integer("appointments_cancelled"))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("closures", "facility_id", "facilities"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "closures_facility_until",
            "closures",
            &["facility_id", "date_until"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("slots")
                    .col(pk_uuid("id"))
                    .col(uuid("schedule_id"))
                    .col(uuid("facility_id"))
                    .col(string_len("service", 32))
                    .col(string_len_null("specialty", 32))
                    .col(uuid_null("practitioner_id"))
                    .col(string_len_null("room", 32))
                    .col(string_len("queue", 64))
                    // The local date (Asia/Ho_Chi_Minh) of the start: the day of the queue.
                    .col(date("local_date"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(integer("capacity"))
                    // Only ever changed by `booked = booked ± 1` under `booked < capacity`.
                    .col(integer("booked").default(0))
                    // `open` or `closed`.
                    .col(string_len("status", 16))
                    .col(text_null("closed_reason"))
                    .foreign_key(&mut fk("slots", "schedule_id", "schedules"))
                    .foreign_key(&mut fk("slots", "facility_id", "facilities"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "slots_schedule_start",
            "slots",
            &["schedule_id", "starts_at"],
            true,
        )
        .await?;
        index(
            manager,
            "slots_facility_start",
            "slots",
            &["facility_id", "starts_at"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("appointments")
                    .col(pk_uuid("id"))
                    // Crockford base 32 with a check character, as shown at the kiosk.
                    .col(string_len_uniq("code", 16))
                    .col(uuid("slot_id"))
                    .col(uuid("facility_id"))
                    .col(uuid("citizen_id"))
                    // The account that booked: the citizen's own, or a guardian's.
                    .col(uuid("booked_by"))
                    .col(string_len("service", 32))
                    .col(string_len_null("specialty", 32))
                    .col(uuid_null("practitioner_id"))
                    .col(string_len_null("room", 32))
                    .col(string_len("queue", 64))
                    .col(date("local_date"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(integer("queue_number"))
                    // `booked`, `checked_in`, `no_show` or `cancelled`.
                    .col(string_len("status", 16))
                    // `citizen:slot` while the appointment holds its place; NULL once
                    // cancelled. Unique: one active booking per citizen and slot.
                    .col(string_len_null("active_key", 80).unique_key())
                    // Bumped on every change; the calendar file's SEQUENCE.
                    .col(integer("revision").default(0))
                    .col(timestamp_with_time_zone_null("reminder_due_at"))
                    .col(timestamp_with_time_zone_null("reminder_sent_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    // `citizen` or `facility`.
                    .col(string_len_null("cancelled_by", 16))
                    .col(text_null("cancel_reason"))
                    .col(timestamp_with_time_zone_null("checked_in_at"))
                    .col(timestamp_with_time_zone_null("no_show_at"))
                    // The staff account that checked in or recorded the no-show.
                    .col(uuid_null("attended_by"))
                    .foreign_key(&mut fk("appointments", "slot_id", "slots"))
                    .foreign_key(&mut fk("appointments", "facility_id", "facilities"))
                    .foreign_key(&mut fk("appointments", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("appointments", "booked_by", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "appointments_queue_number",
            "appointments",
            &["facility_id", "queue", "local_date", "queue_number"],
            true,
        )
        .await?;
        index(
            manager,
            "appointments_citizen_start",
            "appointments",
            &["citizen_id", "starts_at"],
            false,
        )
        .await?;
        index(
            manager,
            "appointments_booker_start",
            "appointments",
            &["booked_by", "starts_at"],
            false,
        )
        .await?;
        index(
            manager,
            "appointments_facility_day",
            "appointments",
            &["facility_id", "local_date"],
            false,
        )
        .await?;
        index(
            manager,
            "appointments_slot",
            "appointments",
            &["slot_id"],
            false,
        )
        .await?;
        index(
            manager,
            "appointments_reminder_due",
            "appointments",
            &["reminder_due_at"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("queue_counters")
                    .col(uuid("facility_id"))
                    .col(string_len("queue", 64))
                    .col(date("local_date"))
                    // The last number issued; the next booking takes last_number + 1.
                    .col(integer("last_number"))
                    .primary_key(
                        Index::create()
                            .col("facility_id")
                            .col("queue")
                            .col("local_date"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("booking_citizen_locks")
                    // A row per citizen that has booked: bookings of one citizen take its
                    // lock, so the cap on future appointments holds under concurrency.
                    .col(uuid("citizen_id").primary_key())
                    .col(timestamp_with_time_zone("touched_at"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
