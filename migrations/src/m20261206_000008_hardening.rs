//! Hardening of identity and access.
//!
//! - `server_secrets`: keys every process of a deployment shares and that must not live in
//!   Redis (the MAC of cached session snapshots), created once by whichever process starts
//!   first.
//! - `sessions.passkey_id`: the passkey that opened a session, so that removing the passkey
//!   ends its sessions.
//! - `passkeys.discoverable`: what the authenticator said of the credential (`credProps.rk`),
//!   when it said anything.
//! - `account_recoveries`: a recovery waits, cancellable from any passkey session, before it
//!   opens an enrolment session.
//! - `national_id_displacements`: an unverified holder of an identification number loses it
//!   to its registry-verified owner; support keeps the trail.
//! - `server_processes`: each serving process says it is alive, so that a deployment of
//!   several processes without a shared cache is refused.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("server_secrets")
                    .col(string_len("name", 64).primary_key())
                    // base64url of random bytes.
                    .col(text("value"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;

        // One column per statement: SQLite adds columns one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .add_column(uuid_null("passkey_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_passkey")
                    .table("sessions")
                    .col("passkey_id")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("passkeys")
                    .add_column(boolean_null("discoverable"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("account_recoveries")
                    .col(pk_uuid("id"))
                    .col(uuid("account_id"))
                    // `registry` or `support`.
                    .col(string_len("second_proof", 16))
                    // SHA-256 of the secret the recovering device holds, hex.
                    .col(string_len("secret_hash", 64))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone("ready_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    .col(uuid_null("cancelled_by_session"))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("account_recoveries", "account_id")
                            .to("accounts", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("account_recoveries_account")
                    .table("account_recoveries")
                    .col("account_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("national_id_displacements")
                    .col(pk_uuid("id"))
                    .col(uuid("citizen_id"))
                    .col(string_len("national_id", 12))
                    .col(uuid("displaced_by"))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("server_processes")
                    .col(pk_uuid("id"))
                    .col(boolean("shared_cache"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone("seen_at"))
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
