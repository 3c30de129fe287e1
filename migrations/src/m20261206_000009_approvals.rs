//! Dual control: requests one support officer makes and a second carries out (creating a
//! support account, locking one). A row is the request as it will be executed, who asked,
//! until when it stands, and who decided.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("approvals")
                    // `IF NOT EXISTS`: SQLite runs a migration's statements outside a
                    // transaction, so a run that stopped half-way must be able to start again.
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    // `create_staff` or `lock_account`.
                    .col(string_len("action", 32))
                    // The request as it will be carried out (JSON, no secrets).
                    .col(text("request"))
                    // The account concerned: the one to lock, or the one created on approval.
                    .col(uuid_null("account_id"))
                    .col(uuid("requested_by"))
                    .col(timestamp_with_time_zone("requested_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    // `pending`, `approved` or `rejected`; a pending row past `expires_at`
                    // is expired and can no longer be approved.
                    .col(string_len("status", 16))
                    .col(uuid_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .foreign_key(
                        &mut ForeignKey::create()
                            .from("approvals", "requested_by")
                            .to("accounts", "id")
                            .on_delete(ForeignKeyAction::Restrict)
                            .to_owned(),
                    )
                    .foreign_key(
                        &mut ForeignKey::create()
                            .from("approvals", "decided_by")
                            .to("accounts", "id")
                            .on_delete(ForeignKeyAction::Restrict)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("approvals_status_requested")
                    .table("approvals")
                    .col("status")
                    .col("requested_at")
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
