//! Facilities' own systems and what they send: the systems (each an account of kind `system`,
//! so that the access log and the book name it like anyone else), their keys (a hash only),
//! the receipts of the envelopes they sent, and each visit received, by facility and `MA_LK`,
//! in every version sent.
//!
//! `intake_visits.files` keeps the visit's inner files as received (JSON of table → base64),
//! so that a visit can be imported later — when its citizen registers — and a resend compared
//! with what came before. A visit waiting for its citizen keeps the identification number it
//! will be matched by.

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
                    .table("facility_systems")
                    .if_not_exists()
                    // The system's account.
                    .col(pk_uuid("id"))
                    .col(uuid("facility_id"))
                    .col(text("name"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("disabled_at"))
                    .foreign_key(&mut fk("facility_systems", "id", "accounts"))
                    .foreign_key(&mut fk("facility_systems", "facility_id", "facilities"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "facility_systems_facility",
            "facility_systems",
            &["facility_id"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("system_keys")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("system_id"))
                    // SHA-256 of the secret, hex: the secret itself is shown once.
                    .col(string_len("secret_hash", 64))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    // Set when a newer key replaces it: it keeps working until then.
                    .col(timestamp_with_time_zone_null("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .foreign_key(&mut fk("system_keys", "system_id", "facility_systems"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "system_keys_system",
            "system_keys",
            &["system_id"],
            false,
        )
        .await?;
        index(
            manager,
            "system_keys_secret",
            "system_keys",
            &["secret_hash"],
            true,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("intake_receipts")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("system_id"))
                    .col(uuid("facility_id"))
                    // SHA-256 of the envelope as received, hex; the file is kept under it.
                    .col(string_len("envelope_hash", 64))
                    .col(big_integer("size"))
                    // `accepted` or `refused`.
                    .col(string_len("outcome", 16))
                    .col(integer("visits"))
                    .col(boolean("signed"))
                    // The envelope's problem, or each visit's problems (JSON).
                    .col(text("problems"))
                    .col(timestamp_with_time_zone("received_at"))
                    .foreign_key(&mut fk("intake_receipts", "system_id", "facility_systems"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "intake_receipts_facility",
            "intake_receipts",
            &["facility_id", "received_at"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table("intake_visits")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("facility_id"))
                    .col(string_len("ma_lk", 100))
                    .col(integer("version"))
                    // SHA-256 over the visit's inner files, hex: a resend with the same is
                    // the same visit.
                    .col(string_len("content_hash", 64))
                    .col(uuid("receipt_id"))
                    .col(text("files"))
                    .col(string_len_null("national_id", 12))
                    .col(string_len_null("insurance_number", 15))
                    .col(uuid_null("citizen_id"))
                    // The book entry the visit became (its latest version is this visit's).
                    .col(uuid_null("entry_id"))
                    // `imported`, `waiting` (no book for the person yet) or `superseded`.
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("received_at"))
                    .foreign_key(&mut fk("intake_visits", "receipt_id", "intake_receipts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "intake_visits_version",
            "intake_visits",
            &["facility_id", "ma_lk", "version"],
            true,
        )
        .await?;
        index(
            manager,
            "intake_visits_waiting",
            "intake_visits",
            &["national_id", "status"],
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
