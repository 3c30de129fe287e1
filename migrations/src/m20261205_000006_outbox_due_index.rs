//! The outbox's "due" index holds only unsent mail.
//!
//! The first index covered `(sent_at, next_attempt_at)` for every message ever sent: each
//! claim walked the entries of sent mail (and of their dead versions) to reach the few still
//! due, and at hundreds of bookings per second the claim grew slower with every mail. A
//! partial index on `next_attempt_at` where `sent_at IS NULL` stays as small as the backlog,
//! and lets the claim read the oldest due messages in order and stop.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("mail_outbox_pending")
                    .table("mail_outbox")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_outbox_due")
                    .table("mail_outbox")
                    .col("next_attempt_at")
                    .and_where(Expr::col("sent_at").is_null())
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
