//! Identity and access: accounts, citizens and guardianships, staff roles, passkeys,
//! sessions, one-time codes, WebAuthn ceremonies, the authentication audit trail, and the
//! idempotency records that make retried requests safe.

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
                    .table("accounts")
                    .col(pk_uuid("id"))
                    // `citizen` or `staff`.
                    .col(string_len("kind", 16))
                    .col(text("email"))
                    // The address lower-cased: one account per mailbox, whatever the case.
                    .col(text_uniq("email_key"))
                    .col(timestamp_with_time_zone_null("email_verified_at"))
                    .col(text("display_name"))
                    .col(text_null("phone"))
                    .col(string_len("lang", 2))
                    // `active` or `locked` (by support, until unlocked).
                    .col(string_len("status", 16))
                    // Temporary lockout after repeated failures.
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("citizens")
                    .col(pk_uuid("id"))
                    // Absent for a dependent child who has no account of their own.
                    .col(uuid_null("account_id").unique_key())
                    // One health book per citizen: the number is unique.
                    .col(string_len_uniq("national_id", 12))
                    .col(text("full_name"))
                    .col(date("date_of_birth"))
                    .col(string_len("sex", 8))
                    .col(string_len("verification", 16))
                    .col(timestamp_with_time_zone_null("verified_at"))
                    // `registry` or `support`.
                    .col(string_len_null("verified_by", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("citizens", "account_id", "accounts"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("guardianships")
                    .col(uuid("guardian_id"))
                    .col(uuid("dependent_id"))
                    // `active`, `invited` (a second guardian who has not accepted yet) or `ended`.
                    .col(string_len("status", 16))
                    .col(uuid_null("invited_by"))
                    .col(text_null("invite_email_key"))
                    // The 18th birthday; absent when the adult granted guardianship again.
                    .col(date_null("ends_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .primary_key(Index::create().col("guardian_id").col("dependent_id"))
                    .foreign_key(&mut fk("guardianships", "guardian_id", "citizens"))
                    .foreign_key(&mut fk("guardianships", "dependent_id", "citizens"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "guardianships_dependent",
            "guardianships",
            &["dependent_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("staff_roles")
                    .col(pk_uuid("id"))
                    .col(uuid("account_id"))
                    .col(string_len("role", 32))
                    .col(uuid_null("facility_id"))
                    .col(string_len_null("admin_unit", 5))
                    .col(uuid_null("granted_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("staff_roles", "account_id", "accounts"))
                    .foreign_key(&mut fk("staff_roles", "facility_id", "facilities"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "staff_roles_account",
            "staff_roles",
            &["account_id"],
            false,
        )
        .await?;
        index(
            manager,
            "staff_roles_facility",
            "staff_roles",
            &["facility_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("passkeys")
                    .col(pk_uuid("id"))
                    .col(uuid("account_id"))
                    // base64url of the WebAuthn credential id: unique across all accounts.
                    .col(text_uniq("credential_id"))
                    // The verifier's credential record (public key, counter, flags) as JSON.
                    .col(text("credential"))
                    .col(text("name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .foreign_key(&mut fk("passkeys", "account_id", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "passkeys_account",
            "passkeys",
            &["account_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(pk_uuid("id"))
                    // SHA-256 of the bearer token, hex: the token itself is never stored.
                    .col(string_len_uniq("token_hash", 64))
                    .col(uuid("account_id"))
                    .col(string_len("assurance", 16))
                    .col(text_null("device_name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .col(timestamp_with_time_zone("idle_expires_at"))
                    .col(timestamp_with_time_zone("absolute_expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(&mut fk("sessions", "account_id", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "sessions_account",
            "sessions",
            &["account_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("email_codes")
                    .col(pk_uuid("id"))
                    .col(uuid("account_id"))
                    // `verify_email`, `sign_in`, `recovery` or `staff_enrolment`.
                    .col(string_len("purpose", 32))
                    .col(string_len("code_hash", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone_null("consumed_at"))
                    .foreign_key(&mut fk("email_codes", "account_id", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "email_codes_account_purpose",
            "email_codes",
            &["account_id", "purpose"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("webauthn_ceremonies")
                    .col(pk_uuid("id"))
                    // `register`, `login` or `discoverable_login`.
                    .col(string_len("kind", 32))
                    .col(uuid_null("account_id"))
                    .col(uuid_null("session_id"))
                    .col(text_null("passkey_name"))
                    .col(text("state"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("auth_events")
                    .col(pk_uuid("id"))
                    .col(uuid_null("account_id"))
                    .col(string_len("kind", 48))
                    .col(timestamp_with_time_zone("at"))
                    // The support officer who acted, when it was not the account holder.
                    .col(uuid_null("actor_account_id"))
                    .col(text_null("ip"))
                    // JSON with no secrets: session id, passkey id, reason.
                    .col(text_null("detail"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "auth_events_account_at",
            "auth_events",
            &["account_id", "at"],
            false,
        )
        .await?;
        index(manager, "auth_events_at", "auth_events", &["at"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("idempotency_records")
                    // The caller's account id, or `public` for unauthenticated requests.
                    .col(string_len("scope", 64))
                    .col(string_len("key", 128))
                    .col(string_len("request_hash", 64))
                    .col(integer("status"))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("scope").col("key"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idempotency_records_created",
            "idempotency_records",
            &["created_at"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
