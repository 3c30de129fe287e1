//! Vaccine stock: lots, the balance of each lot at each facility, and the ledger of every
//! movement.
//!
//! A balance never goes negative, and the database says so twice: `stock_balances.doses`
//! has a CHECK (`doses >= 0`), and the server only ever lowers it through a conditional
//! `UPDATE … SET doses = doses - n WHERE … AND doses >= n RETURNING …`, which is atomic
//! across processes without a lock held by the application. The CHECK is the backstop for
//! any other writer. `stock_movements` is the ledger: append-only (triggers refuse UPDATE
//! and DELETE, and TRUNCATE on PostgreSQL), one row per change of a balance with its signed
//! delta, so the rows of a lot at a facility sum to its balance.

use crate::shape::{fk, index};
use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const APPEND_ONLY_SQLITE: &str = "
CREATE TRIGGER IF NOT EXISTS stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;
CREATE TRIGGER IF NOT EXISTS stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END;
";

// `refuse_rewrite()` is the health book's migration's function; repeated here so that this
// migration stands on its own.
const APPEND_ONLY_POSTGRES: &str = r#"
CREATE OR REPLACE FUNCTION refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE OR REPLACE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
CREATE OR REPLACE TRIGGER stock_movements_no_truncate BEFORE TRUNCATE ON stock_movements
FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite();
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("vaccine_lots")
                    .col(pk_uuid("id"))
                    // The catalogue's stable code (`penta`), checked against it at the edge.
                    .col(string_len("vaccine", 32))
                    // The trade name on the label.
                    .col(string_len("product", 100))
                    .col(string_len("manufacturer", 100))
                    .col(string_len("lot_number", 64))
                    // The last day the lot may be used.
                    .col(date("expires_on"))
                    .col(small_integer("doses_per_vial"))
                    // The vaccine vial monitor's stage, 1–4 (3 and 4: not used).
                    .col(small_integer("vvm_stage").check(Expr::col("vvm_stage").between(1, 4)))
                    // A quarantine is of the lot everywhere (a cold-chain incident, a
                    // cluster of reactions); a reviewed release clears it.
                    .col(timestamp_with_time_zone_null("quarantined_at"))
                    .col(text_null("quarantine_reason"))
                    .col(uuid_null("quarantined_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "vaccine_lots_product_lot",
            "vaccine_lots",
            &["product", "lot_number"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("stock_balances")
                    .col(uuid("facility_id"))
                    .col(uuid("lot_id"))
                    // Only ever lowered by `doses = doses - n` under `doses >= n`.
                    .col(big_integer("doses").check(Expr::col("doses").gte(0)))
                    .col(timestamp_with_time_zone("updated_at"))
                    .primary_key(Index::create().col("facility_id").col("lot_id"))
                    .foreign_key(&mut fk("stock_balances", "facility_id", "facilities"))
                    .foreign_key(&mut fk("stock_balances", "lot_id", "vaccine_lots"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "stock_balances_lot",
            "stock_balances",
            &["lot_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("stock_movements")
                    .col(pk_uuid("id"))
                    .col(uuid("facility_id"))
                    .col(uuid("lot_id"))
                    // `vaccine::stock::MovementKind`: receipt, allocation_in/out,
                    // transfer_in/out, used, wastage, write_off, quarantine, release.
                    .col(string_len("kind", 32))
                    // The signed change of the balance: the rows of a lot at a facility
                    // sum to its balance.
                    .col(big_integer("doses"))
                    // The other facility of an allocation or a transfer.
                    .col(uuid_null("counterpart_facility_id"))
                    // The dose given, for `used`.
                    .col(uuid_null("immunization_id"))
                    // Why (the wastage or write-off cause, the incident, the review).
                    .col(text_null("reason"))
                    .col(uuid("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    // The local day it happened: the monthly report's day.
                    .col(date("occurred_on"))
                    .foreign_key(&mut fk("stock_movements", "facility_id", "facilities"))
                    .foreign_key(&mut fk("stock_movements", "lot_id", "vaccine_lots"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "stock_movements_facility_day",
            "stock_movements",
            &["facility_id", "occurred_on"],
            false,
        )
        .await?;
        // One `used` row per dose: a dose never takes stock twice.
        index(
            manager,
            "stock_movements_immunization",
            "stock_movements",
            &["immunization_id"],
            true,
        )
        .await?;

        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => db.execute_unprepared(APPEND_ONLY_POSTGRES).await?,
            _ => db.execute_unprepared(APPEND_ONLY_SQLITE).await?,
        };
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "HealthBook migrations are forward-only".to_owned(),
        ))
    }
}
