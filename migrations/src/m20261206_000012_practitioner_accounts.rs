//! A practitioner may be the person behind a staff account: the account that signs in as
//! them. It lets a consent name one practitioner rather than a whole facility (only that
//! account then reads under it), and later gives a doctor "my queue".
//!
//! No foreign keys here: SQLite cannot add one to an existing table, and the schema is the
//! same on both backends. The server checks both ids when it writes them, and neither
//! practitioners nor accounts are ever deleted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("practitioners")
                    .add_column(uuid_null("account_id"))
                    .to_owned(),
            )
            .await?;
        // One account is one person: it signs in as one practitioner at most.
        manager
            .create_index(
                Index::create()
                    .name("practitioners_account")
                    .table("practitioners")
                    .col("account_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("consents")
                    .add_column(uuid_null("practitioner_id"))
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
