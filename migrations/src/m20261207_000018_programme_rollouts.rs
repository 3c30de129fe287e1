//! Where the programme's roll-out antigens (rotavirus, pneumococcal) have started: one row per
//! province and antigen that its authority recorded. No row: the national programme applies.
//! `offered_from` NULL: the province has not started and has no date yet.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("programme_rollouts")
                    .if_not_exists()
                    .col(string_len("province_code", 2))
                    .col(string_len("antigen", 48))
                    .col(date_null("offered_from"))
                    .col(uuid("set_by"))
                    .col(timestamp_with_time_zone("set_at"))
                    .primary_key(Index::create().col("province_code").col("antigen"))
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
