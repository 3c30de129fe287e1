//! HealthBook's schema: forward-only migrations that run unchanged on SQLite and PostgreSQL.
//!
//! Architecture invariant: a migration never branches on the backend; what cannot be said
//! portably is not said. Money is an integer count of đồng (VND has no minor unit), instants
//! are `timestamp with time zone` in UTC, ids are UUIDs.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_identity;
mod m20261123_000003_certificates;
mod m20261124_000004_booking;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_identity::Migration),
            Box::new(m20261123_000003_certificates::Migration),
            Box::new(m20261124_000004_booking::Migration),
        ]
    }
}
