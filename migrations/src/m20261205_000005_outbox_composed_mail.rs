//! The outbox: an index of due mail only, and mail composed when it is sent.
//!
//! The first index covered `(sent_at, next_attempt_at)` for every message ever sent: each
//! claim walked the entries of sent mail (and of their dead versions) to reach the few still
//! due, and at hundreds of bookings per second the claim grew slower with every mail. A
//! partial index on `next_attempt_at` where `sent_at IS NULL` stays as small as the backlog,
//! and lets the claim read the oldest due messages in order and stop.
//!
//! A row may also name a `template` and the row it is about (`template_ref`) instead of
//! holding the rendered mail: the worker composes it when it sends it. A booking then writes
//! a small row in its own statement, rather than rendering a mail with a calendar file and
//! writing it in a transaction of several round trips. Such a row's `recipient`, `subject`
//! and `body_text` stay empty.

use sea_orm_migration::{prelude::*, schema::*};

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
            .await?;
        // One column per statement: SQLite adds columns one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table("mail_outbox")
                    .add_column(string_len_null("template", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("mail_outbox")
                    .add_column(uuid_null("template_ref"))
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
