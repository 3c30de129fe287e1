//! HealthBook's schema: forward-only migrations that run unchanged on SQLite and PostgreSQL.
//!
//! Architecture invariant: the schema is the same on both backends; what cannot be said
//! portably is not said. The one exception is a PostgreSQL function that runs a hot path's
//! statements in one round trip (`book_slot`); the server keeps the portable path it
//! mirrors, and the same tests run on both. Money is an integer count of đồng (VND has no minor unit), instants
//! are `timestamp with time zone` in UTC, ids are UUIDs.

pub use sea_orm_migration::prelude::*;

mod shape;

mod m20261123_000001_foundation;
mod m20261123_000002_identity;
mod m20261123_000003_certificates;
mod m20261124_000004_booking;
mod m20261205_000005_outbox_composed_mail;
mod m20261205_000006_book_slot_function;
mod m20261206_000007_appointments_fewer_indexes;
mod m20261206_000008_hardening;
mod m20261206_000009_approvals;
mod m20261206_000010_vaccine_catalogue_compiled_in;
mod m20261206_000011_health_book;
mod m20261206_000012_practitioner_accounts;
mod m20261207_000013_vaccine_stock;
mod m20261207_000014_vaccination_sessions;
mod m20261207_000015_immunizations;
mod m20261207_000016_reaction_follow_up;
mod m20261207_000017_immunization_imports;
mod m20261207_000018_programme_rollouts;
mod m20261207_000019_facility_intake;
mod m20261207_000020_intake_signatures;
mod m20261207_000021_expected_children;
mod m20261207_000022_slot_holds;
mod m20261207_000023_waitlist;
mod m20261207_000024_queue_calls;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_identity::Migration),
            Box::new(m20261123_000003_certificates::Migration),
            Box::new(m20261124_000004_booking::Migration),
            Box::new(m20261205_000005_outbox_composed_mail::Migration),
            Box::new(m20261205_000006_book_slot_function::Migration),
            Box::new(m20261206_000007_appointments_fewer_indexes::Migration),
            Box::new(m20261206_000008_hardening::Migration),
            Box::new(m20261206_000009_approvals::Migration),
            Box::new(m20261206_000010_vaccine_catalogue_compiled_in::Migration),
            Box::new(m20261206_000011_health_book::Migration),
            Box::new(m20261206_000012_practitioner_accounts::Migration),
            Box::new(m20261207_000013_vaccine_stock::Migration),
            Box::new(m20261207_000014_vaccination_sessions::Migration),
            Box::new(m20261207_000015_immunizations::Migration),
            Box::new(m20261207_000016_reaction_follow_up::Migration),
            Box::new(m20261207_000017_immunization_imports::Migration),
            Box::new(m20261207_000018_programme_rollouts::Migration),
            Box::new(m20261207_000019_facility_intake::Migration),
            Box::new(m20261207_000020_intake_signatures::Migration),
            Box::new(m20261207_000021_expected_children::Migration),
            Box::new(m20261207_000022_slot_holds::Migration),
            Box::new(m20261207_000023_waitlist::Migration),
            Box::new(m20261207_000024_queue_calls::Migration),
        ]
    }
}
