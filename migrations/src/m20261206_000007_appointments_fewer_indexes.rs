//! Two indexes fewer on `appointments`, the table every booking inserts into.
//!
//! The facility's day list reads `(facility, day)` and orders by queue and number: the
//! queue-number index, reordered to `(facility, day, queue, number)`, serves it and keeps
//! numbers unique, so `appointments_facility_day` goes. No query looks appointments up by the
//! account that booked them (lists go by citizen), and accounts are never deleted, so
//! `appointments_booker_start` only cost each insert a write.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn drop(manager: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    manager
        // `IF EXISTS`: SQLite runs a migration's statements outside a transaction, so a run
        // that stopped half-way must be able to start again.
        .drop_index(
            Index::drop()
                .name(name)
                .table("appointments")
                .if_exists()
                .to_owned(),
        )
        .await
}

async fn create(
    manager: &SchemaManager<'_>,
    name: &str,
    columns: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table("appointments");
    for column in columns {
        statement.col(*column);
    }
    if unique {
        statement.unique();
    }
    manager.create_index(statement.to_owned()).await
}

const QUEUE_NUMBER: &str = "appointments_queue_number";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "appointments_facility_day").await?;
        drop(manager, "appointments_booker_start").await?;
        drop(manager, QUEUE_NUMBER).await?;
        create(
            manager,
            QUEUE_NUMBER,
            &["facility_id", "local_date", "queue", "queue_number"],
            true,
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
