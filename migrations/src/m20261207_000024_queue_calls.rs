//! The queue on the day: when reception called a number in and when its service ended, and
//! when its holder was told their turn is near. Statuses stay as they are (a called patient
//! is still `checked_in`); the live queue is read from these instants.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["called_at", "served_at", "near_notice_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("appointments")
                        .add_column(timestamp_with_time_zone_null(column))
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
