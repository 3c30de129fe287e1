//! Certificate signing: the public half of every signing key the service has used (country
//! signing CA, document signers, the trust-list signer) and the signed lists it publishes.
//!
//! Private keys never enter the database: they stay in key files or a hardware module.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("signing_keys")
                    .col(pk_uuid("id"))
                    // Standard base64 of the first 8 bytes of SHA-256 over the certificate.
                    .col(string_len_uniq("kid", 16))
                    // `csca`, `dsc` or `trust_list`.
                    .col(string_len("role", 16))
                    // The role this key currently signs for, NULL once retired. Unique, so
                    // that two processes rotating at once cannot both make a key active.
                    .col(string_len_null("active_for", 16).unique_key())
                    // Standard base64 of the X.509 certificate's DER.
                    .col(text("certificate"))
                    .col(text("subject"))
                    .col(string_len_null("issuer_kid", 16))
                    .col(timestamp_with_time_zone("not_before"))
                    .col(timestamp_with_time_zone("not_after"))
                    // End of the private key's usage period (DSC 6 months, CSCA 1 year).
                    .col(timestamp_with_time_zone("signing_until"))
                    // Comma-separated certificate types; empty means every type.
                    .col(string_len("allowed_uses", 64))
                    // `generated` (key files in the data directory) or `configured` (PEM files
                    // named in the configuration).
                    .col(string_len("source", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("retired_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("signing_keys_role")
                    .table("signing_keys")
                    .col("role")
                    .col("not_after")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("published_lists")
                    // `trust_list` or `revocations`.
                    .col(string_len("kind", 32).primary_key())
                    // Grows by one with every publication, across processes and restarts.
                    .col(big_integer("version"))
                    // SHA-256 (hex) of what the list says, to republish only on change.
                    .col(string_len("content_hash", 64))
                    .col(timestamp_with_time_zone("issued_at"))
                    // The signed envelope exactly as served, so every process serves the
                    // same bytes for one version.
                    .col(text("envelope"))
                    .to_owned(),
            )
            .await
    }
}
