//! The end of a reaction's follow-up: how it ended, what the investigation found, who closed
//! it and when. The row keeps them, so the follow-up list shows the closed report as it was
//! closed; `status` turns `closed` in the same update.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds columns one at a time.
        let columns = [
            string_len_null("outcome", 32),
            text_null("closing_note"),
            uuid_null("closed_by"),
            timestamp_with_time_zone_null("closed_at"),
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table("immunization_reactions")
                        .add_column(column)
                        .to_owned(),
                )
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
