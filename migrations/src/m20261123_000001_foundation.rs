//! The plumbing every capability relies on (mail outbox) and the reference data the demo
//! shows from the first start: facilities, their specialties, practitioners, vaccines.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("mail_outbox")
                    .col(pk_uuid("id"))
                    .col(text("recipient"))
                    .col(text("subject"))
                    .col(text("body_text"))
                    .col(text_null("body_html"))
                    // JSON array of {filename, content_type, content_base64}.
                    .col(text_null("attachments"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(integer("attempts").default(0))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(uuid_null("claim_token"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_outbox_pending")
                    .table("mail_outbox")
                    .col("sent_at")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("facilities")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("code", 5))
                    .col(text("name"))
                    // Lower-case, diacritics removed: "bach mai" must find "Bạch Mai".
                    .col(text("name_folded"))
                    .col(string_len("level", 32))
                    .col(string_len("province_code", 2))
                    .col(string_len("commune_code", 5))
                    .col(text("address"))
                    .col(text_null("phone"))
                    .col(text("opening_hours"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("facilities_province", "province_code"),
            ("facilities_commune", "commune_code"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("facilities")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("facility_services")
                    .col(uuid("facility_id"))
                    .col(string_len("service", 32))
                    .primary_key(Index::create().col("facility_id").col("service"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("facility_services", "facility_id")
                            .to("facilities", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("facility_specialties")
                    .col(uuid("facility_id"))
                    .col(string_len("specialty", 32))
                    .primary_key(Index::create().col("facility_id").col("specialty"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("facility_specialties", "facility_id")
                            .to("facilities", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("practitioners")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("licence_number", 32))
                    .col(text("full_name"))
                    .col(text("title"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("practitioner_specialties")
                    .col(uuid("practitioner_id"))
                    .col(string_len("specialty", 32))
                    .primary_key(Index::create().col("practitioner_id").col("specialty"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("practitioner_specialties", "practitioner_id")
                            .to("practitioners", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("practitioner_facilities")
                    .col(uuid("practitioner_id"))
                    .col(uuid("facility_id"))
                    .primary_key(Index::create().col("practitioner_id").col("facility_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("practitioner_facilities", "practitioner_id")
                            .to("practitioners", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("practitioner_facilities", "facility_id")
                            .to("facilities", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("vaccines")
                    .col(string_len("code", 64).primary_key())
                    .col(text("name_vi"))
                    .col(text("name_en"))
                    // `expanded` (the national programme, free) or `service` (paid).
                    .col(string_len("programme", 16))
                    .col(text("products"))
                    .col(text("schedule_note"))
                    .col(integer("doses"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Forward-only: a rollback is a new migration, never a drop of health data.
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
