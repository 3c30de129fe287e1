//! The vaccine catalogue is compiled into `healthbook-domain` (`vaccine::catalogue()`), as
//! the administrative units are, so the `vaccines` table that `seed-demo` used to fill goes.
//!
//! Why no table: every process has the catalogue from its first instruction, the same in the
//! server and on the phone, and a copy in the database could only lag behind the binary (two
//! releases running side by side would rewrite it in turn). Rows that will name a vaccine
//! (lots, stock, doses) store its stable code and check it against the catalogue at the edge,
//! as facilities store a commune code. The table held nothing but a copy of the CSV files, so
//! nothing is lost.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("vaccines").if_exists().to_owned())
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
