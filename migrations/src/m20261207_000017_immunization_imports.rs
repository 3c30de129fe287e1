//! Doses imported from another system (a service-vaccination system, the national
//! immunisation system, the COVID-19 platform's records), one row per source id.
//!
//! The unique (source system, source id) index makes an import idempotent on both backends:
//! a re-sent resource finds its row and the book entry it became, and two imports of the
//! same resource at once leave one row. `fingerprint` is the content the entry was last
//! written from, so that a changed version becomes a correction and an unchanged one nothing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("immunization_imports")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(string_len("source_system", 255))
                    .col(string_len("source_id", 255))
                    .col(uuid("citizen_id"))
                    // The facility whose vaccinator imported it.
                    .col(uuid("facility_id"))
                    .col(uuid("book_entry_id"))
                    .col(text("fingerprint"))
                    // `recorded`, `corrected` or `entered_in_error`.
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("immunization_imports", "citizen_id")
                            .to("citizens", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("immunization_imports", "facility_id")
                            .to("facilities", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("immunization_imports_source")
                    .table("immunization_imports")
                    .col("source_system")
                    .col("source_id")
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("immunization_imports_citizen")
                    .table("immunization_imports")
                    .col("citizen_id")
                    .if_not_exists()
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
