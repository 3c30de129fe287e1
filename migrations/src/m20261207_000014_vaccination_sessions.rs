//! Vaccination sessions, the vaccine a registration is for, and where citizens live.
//!
//! A session is a day of vaccination at a facility or at an outreach place; its places are
//! the slots of a one-day booking schedule (service `vaccination`), so capacity and queue
//! numbers are booking's. `appointments.vaccine` is set in the booking's transaction right
//! after the booking (`book_slot` inserts the row and knows nothing of vaccines).
//! `residences` is the queryable copy of the commune a citizen lives in (section I of the
//! book: the current address, else the permanent one), kept in step with section I in its
//! writing transaction, so that due lists find a commune's residents through an index.
//!
//! No foreign keys on the new columns of existing tables: SQLite cannot add one to an
//! existing table, and the schema is the same on both backends.

use crate::shape::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("vaccination_sessions")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("facility_id"))
                    // `fixed` (at the facility) or `outreach` (at `place_name`).
                    .col(string_len("kind", 16))
                    .col(text_null("place_name"))
                    // The commune the session serves: the facility's, or the outreach place's.
                    .col(string_len("commune_code", 5))
                    .col(date("local_date"))
                    .col(integer("start_minute"))
                    .col(integer("end_minute"))
                    // Catalogue codes, comma-separated (`penta,opv,mr`).
                    .col(text("vaccines"))
                    .col(uuid("schedule_id"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    .col(uuid_null("cancelled_by"))
                    .foreign_key(&mut fk("vaccination_sessions", "facility_id", "facilities"))
                    .foreign_key(&mut fk("vaccination_sessions", "schedule_id", "schedules"))
                    .foreign_key(&mut fk("vaccination_sessions", "created_by", "accounts"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("vaccination_sessions_facility_date")
                    .table("vaccination_sessions")
                    .col("facility_id")
                    .col("local_date")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("vaccination_sessions_schedule")
                    .table("vaccination_sessions")
                    .col("schedule_id")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table("appointments")
                    .add_column(string_len_null("vaccine", 32))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("residences")
                    .if_not_exists()
                    .col(pk_uuid("citizen_id"))
                    .col(string_len("commune_code", 5))
                    .foreign_key(&mut fk("residences", "citizen_id", "citizens"))
                    .to_owned(),
            )
            .await?;
        // A commune's residents in citizen order: the due list's keyset scan.
        manager
            .create_index(
                Index::create()
                    .name("residences_commune_citizen")
                    .table("residences")
                    .col("commune_code")
                    .col("citizen_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
