//! The health book: versioned entries with their provenance, consents, break-glass openings,
//! episodes of care, the insurance numbers staff may search by, the access log, and requests
//! about one's data.
//!
//! `book_entries` and `access_log` are append-only, and the database says so: triggers
//! refuse every UPDATE and DELETE (and TRUNCATE on PostgreSQL), so no code path — ours, a
//! script, an operator's mistyped statement — can rewrite a clinical entry or erase a trace
//! of who read one. A correction is a new row with the next version.

use crate::shape::{fk, index};
use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const APPEND_ONLY: [&str; 2] = ["book_entries", "access_log"];

fn append_only_sqlite(table: &str) -> String {
    format!(
        "CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} \
         BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
         CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} \
         BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
    )
}

fn append_only_postgres(table: &str) -> String {
    format!(
        "CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} \
         FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
         CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} \
         FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite();"
    )
}

const REFUSE_REWRITE: &str = r#"
CREATE OR REPLACE FUNCTION refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("book_entries")
                    .if_not_exists()
                    // One row per version; `entry_id` is the entry across its versions.
                    .col(pk_uuid("id"))
                    .col(uuid("entry_id"))
                    .col(integer("version"))
                    .col(uuid("citizen_id"))
                    .col(string_len("kind", 32))
                    .col(string_len("section", 16))
                    // `recorded`, `corrected` or `entered_in_error`, as of this version.
                    .col(string_len("status", 16))
                    .col(string_len_null("category", 24))
                    // The entry's body as JSON, checked by `domain::book::check` first.
                    .col(text("body"))
                    .col(text_null("reason"))
                    .col(boolean("self_reported"))
                    .col(string_len("source", 16))
                    .col(string_len("author_role", 16))
                    .col(uuid_null("author_account_id"))
                    .col(text_null("author_name"))
                    .col(uuid_null("facility_id"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(&mut fk("book_entries", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("book_entries", "author_account_id", "accounts"))
                    .foreign_key(&mut fk("book_entries", "facility_id", "facilities"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "book_entries_entry_version",
            "book_entries",
            &["entry_id", "version"],
            true,
        )
        .await?;
        index(
            manager,
            "book_entries_citizen_recorded",
            "book_entries",
            &["citizen_id", "recorded_at"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("consents")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("citizen_id"))
                    .col(uuid("facility_id"))
                    .col(string_len("purpose", 16))
                    .col(string_len("sections", 128))
                    .col(string_len("categories", 128))
                    .col(timestamp_with_time_zone("valid_from"))
                    .col(date("valid_until"))
                    // The exact text shown, with its template version and language.
                    .col(text("text"))
                    .col(string_len("text_version", 16))
                    .col(string_len("text_lang", 2))
                    .col(string_len("channel", 8))
                    .col(uuid("granted_by"))
                    .col(text("granted_by_name"))
                    .col(boolean("granted_by_guardian"))
                    .col(boolean_null("child_assent"))
                    .col(timestamp_with_time_zone_null("withdrawn_at"))
                    .col(uuid_null("withdrawn_by"))
                    .foreign_key(&mut fk("consents", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("consents", "facility_id", "facilities"))
                    .foreign_key(&mut fk("consents", "granted_by", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "consents_citizen_facility",
            "consents",
            &["citizen_id", "facility_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("break_glass")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("citizen_id"))
                    .col(uuid("account_id"))
                    .col(uuid("facility_id"))
                    .col(text("doctor_name"))
                    .col(text("reason"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("reviewed_at"))
                    .col(uuid_null("reviewed_by"))
                    .col(boolean_null("justified"))
                    .col(text_null("review_note"))
                    .foreign_key(&mut fk("break_glass", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("break_glass", "account_id", "accounts"))
                    .foreign_key(&mut fk("break_glass", "facility_id", "facilities"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "break_glass_citizen_account",
            "break_glass",
            &["citizen_id", "account_id", "expires_at"],
            false,
        )
        .await?;
        index(
            manager,
            "break_glass_facility_review",
            "break_glass",
            &["facility_id", "reviewed_at"],
            false,
        )
        .await?;

        // The number on a citizen's insurance card, kept beside section I so that staff can
        // find the citizen by it without reading every book.
        manager
            .create_table(
                Table::create()
                    .table("insurance_cards")
                    .if_not_exists()
                    .col(pk_uuid("citizen_id"))
                    .col(string_len_uniq("number", 15))
                    .foreign_key(&mut fk("insurance_cards", "citizen_id", "citizens"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("access_log")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("citizen_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(uuid("actor_account_id"))
                    .col(string_len("actor_role", 16))
                    .col(uuid_null("facility_id"))
                    // `guardian`, `care`, `consent`, `break_glass`, `lookup`.
                    .col(string_len("basis", 16))
                    .col(uuid_null("basis_id"))
                    .col(text_null("basis_ref"))
                    // `read`, `write`, `find`.
                    .col(string_len("action", 8))
                    .col(string_len("sections", 128))
                    .foreign_key(&mut fk("access_log", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("access_log", "actor_account_id", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "access_log_citizen_at",
            "access_log",
            &["citizen_id", "at"],
            false,
        )
        .await?;

        // Episodes of care other than a check-in, opened by the capability doing the work
        // (a vaccination, a teleconsultation, a home visit) for its length.
        manager
            .create_table(
                Table::create()
                    .table("care_episodes")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("citizen_id"))
                    .col(uuid("facility_id"))
                    .col(string_len("kind", 24))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(uuid_null("opened_by"))
                    .foreign_key(&mut fk("care_episodes", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("care_episodes", "facility_id", "facilities"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "care_episodes_citizen_facility",
            "care_episodes",
            &["citizen_id", "facility_id", "ends_at"],
            false,
        )
        .await?;

        // Requests about one's data, with their statutory clocks.
        manager
            .create_table(
                Table::create()
                    .table("data_requests")
                    .if_not_exists()
                    .col(pk_uuid("id"))
                    .col(uuid("citizen_id"))
                    .col(string_len("kind", 16))
                    .col(string_len("status", 24))
                    .col(uuid_null("entry_id"))
                    .col(uuid_null("facility_id"))
                    .col(text("details"))
                    .col(uuid("requested_by"))
                    .col(timestamp_with_time_zone("received_at"))
                    .col(date("acknowledge_by"))
                    .col(date("answer_by"))
                    .col(timestamp_with_time_zone_null("acknowledged_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(uuid_null("closed_by"))
                    .col(text_null("outcome"))
                    .foreign_key(&mut fk("data_requests", "citizen_id", "citizens"))
                    .foreign_key(&mut fk("data_requests", "facility_id", "facilities"))
                    .foreign_key(&mut fk("data_requests", "requested_by", "accounts"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "data_requests_citizen",
            "data_requests",
            &["citizen_id", "received_at"],
            false,
        )
        .await?;
        index(
            manager,
            "data_requests_open",
            "data_requests",
            &["status", "answer_by"],
            false,
        )
        .await?;

        let connection = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                connection.execute_unprepared(REFUSE_REWRITE).await?;
                for table in APPEND_ONLY {
                    connection
                        .execute_unprepared(&append_only_postgres(table))
                        .await?;
                }
            }
            _ => {
                for table in APPEND_ONLY {
                    connection
                        .execute_unprepared(&append_only_sqlite(table))
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
