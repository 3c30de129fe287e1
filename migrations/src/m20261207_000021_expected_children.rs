//! Children a facility reported born (a birth certificate, XML9, in a visit it sent) to a
//! mother whose book the visit went into: each is offered to her as a dependent-to-be until
//! she adds the child (who then gets the birth in their own book) or dismisses it.
//!
//! One row per facility, visit (`MA_LK`) and child (`ordinal`, twins being two); a changed
//! resend replaces the rows still `expected`. `encounter` is the birth as the child's book
//! will tell it (JSON of the entry body), written by `system_id` under `receipt_id`.

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
                    .table("expected_children")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("facility_id"))
                    .col(uuid("system_id"))
                    .col(uuid("receipt_id"))
                    .col(string_len("ma_lk", 100))
                    .col(integer("ordinal"))
                    .col(uuid("guardian_id"))
                    .col(date("born_on"))
                    .col(string_len_null("sex", 8))
                    .col(text_null("intended_name"))
                    .col(integer_null("weight_grams"))
                    .col(text("encounter"))
                    // expected, added, dismissed
                    .col(string_len("status", 16))
                    .col(uuid_null("dependent_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .foreign_key(&mut fk("expected_children", "facility_id", "facilities"))
                    .foreign_key(&mut fk("expected_children", "guardian_id", "citizens"))
                    .foreign_key(&mut fk("expected_children", "dependent_id", "citizens"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_expected_children_visit",
            "expected_children",
            &["facility_id", "ma_lk", "ordinal"],
            true,
        )
        .await?;
        index(
            manager,
            "ix_expected_children_guardian",
            "expected_children",
            &["guardian_id", "status"],
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
