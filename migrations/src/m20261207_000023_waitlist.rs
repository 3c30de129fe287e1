//! Waitlists of full slots: who waits, in the order they joined, and the place each was
//! offered. When a place of the slot frees (a cancellation, a move, a hold given back or
//! lapsed), the transaction that frees it gives it to the first person waiting as a hold
//! (`hold_id`) instead of back to the slot, so a freed place is offered once and to one
//! person. `active_key` (`citizen:slot` while waiting) keeps one entry per person and slot.

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
                    .table("waitlist_entries")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("slot_id"))
                    .col(uuid("citizen_id"))
                    .col(uuid("joined_by"))
                    // waiting, offered, left
                    .col(string_len("state", 16))
                    .col(string_len_null("active_key", 80))
                    .col(uuid_null("hold_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .foreign_key(&mut fk("waitlist_entries", "slot_id", "slots"))
                    .foreign_key(&mut fk("waitlist_entries", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("waitlist_entries", "joined_by", "accounts"))
                    .foreign_key(&mut fk("waitlist_entries", "hold_id", "slot_holds"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ux_waitlist_entries_active",
            "waitlist_entries",
            &["active_key"],
            true,
        )
        .await?;
        index(
            manager,
            "ix_waitlist_entries_slot",
            "waitlist_entries",
            &["slot_id", "state", "created_at"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_waitlist_entries_joined_by",
            "waitlist_entries",
            &["joined_by", "state"],
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
