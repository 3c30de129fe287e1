//! Doses given, the reactions reported after them, and citizens' feedback on vaccination.
//!
//! `immunizations.standing_key` holds "citizen, vaccine, product, day" while the dose stands
//! and NULL once it is marked entered in error: a unique index on it makes the same dose
//! recorded twice a constraint violation on both backends (NULLs never collide), and frees
//! the key when a mistaken dose is withdrawn.
//!
//! `lot_id` has no foreign key: the lots belong to the stock ledger, whose table may be
//! created by a migration of its own, and the dose keeps the id it was given from.

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
                    .table("immunizations")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("citizen_id"))
                    .col(uuid("facility_id"))
                    // The dose's entry in section III of the book.
                    .col(uuid("book_entry_id"))
                    .col(string_len("vaccine", 32))
                    .col(string_len_null("product", 64))
                    .col(uuid("lot_id"))
                    .col(integer("dose_number"))
                    .col(date("given_on"))
                    // `expanded` or `service`.
                    .col(string_len("programme", 16))
                    .col(string_len("site", 32))
                    .col(string_len("route", 32))
                    // The answers and the outcome, as JSON (`ScreeningAnswers`, `ScreeningResult`).
                    .col(text("screening"))
                    .col(uuid_null("appointment_id"))
                    .col(uuid("recorded_by"))
                    // `recorded`, `corrected` or `entered_in_error`.
                    .col(string_len("status", 16))
                    .col(text_null("standing_key"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("immunizations", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("immunizations", "facility_id", "facilities"))
                    .foreign_key(&mut fk("immunizations", "recorded_by", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "immunizations_standing_key",
            "immunizations",
            &["standing_key"],
            true,
        )
        .await?;
        index(
            manager,
            "immunizations_citizen",
            "immunizations",
            &["citizen_id", "given_on"],
            false,
        )
        .await?;
        index(
            manager,
            "immunizations_lot",
            "immunizations",
            &["lot_id"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("immunization_reactions")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("immunization_id"))
                    .col(uuid("citizen_id"))
                    // Copied from the dose, so that the follow-up list and the counts per lot
                    // read one table.
                    .col(uuid("facility_id"))
                    .col(uuid("lot_id"))
                    .col(uuid("reported_by"))
                    // `citizen`, `guardian` or the staff role.
                    .col(string_len("reporter_role", 16))
                    .col(date("onset_on"))
                    // Codes of `domain::vaccine::aefi::SYMPTOMS`, comma-separated.
                    .col(text("symptoms"))
                    .col(string_len("severity", 16))
                    .col(boolean("hospitalised"))
                    .col(boolean("life_threatening"))
                    .col(boolean("death"))
                    .col(boolean("serious"))
                    .col(text_null("note"))
                    // `open` until someone closes the follow-up.
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        "immunization_reactions",
                        "immunization_id",
                        "immunizations",
                    ))
                    .foreign_key(&mut fk("immunization_reactions", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("immunization_reactions", "reported_by", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "immunization_reactions_facility",
            "immunization_reactions",
            &["facility_id", "status", "created_at"],
            false,
        )
        .await?;
        index(
            manager,
            "immunization_reactions_lot",
            "immunization_reactions",
            &["lot_id", "onset_on"],
            false,
        )
        .await?;
        index(
            manager,
            "immunization_reactions_citizen",
            "immunization_reactions",
            &["citizen_id"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("vaccination_feedback")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("facility_id"))
                    .col(uuid_null("session_id"))
                    .col(uuid_null("appointment_id"))
                    .col(uuid("citizen_id"))
                    .col(small_integer("rating"))
                    .col(text("text"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(text_null("response"))
                    .col(uuid_null("responded_by"))
                    .col(timestamp_with_time_zone_null("responded_at"))
                    .foreign_key(&mut fk("vaccination_feedback", "facility_id", "facilities"))
                    .foreign_key(&mut fk("vaccination_feedback", "citizen_id", "citizens"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "vaccination_feedback_facility",
            "vaccination_feedback",
            &["facility_id", "created_at"],
            false,
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
