//! The store's schema, versioned in SQLite's `user_version`. Migrations only ever append:
//! a phone may skip app versions, so each step runs in order, each in its own transaction.

use super::keys::KeyVault;
use super::{StoreError, plaintext};
use rusqlite::{Connection, Transaction};

enum Step {
    Sql(&'static str),
    /// A step that needs more than SQL: the platform's keystore, or values rewritten in Rust.
    Rust(fn(&Transaction<'_>, &dyn KeyVault) -> Result<(), StoreError>),
}

/// Step `i` brings the schema from version `i` to `i + 1`.
const STEPS: &[Step] = &[
    // 1: the citizen's profile and dependents, cached entries of the book, the outbox.
    Step::Sql(
        "CREATE TABLE profile (
        account_id TEXT PRIMARY KEY,
        body       TEXT NOT NULL,  -- the last `Me`, as JSON
        synced_at  TEXT NOT NULL
    );
    CREATE TABLE dependents (
        citizen_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        position   INTEGER NOT NULL,
        body       TEXT NOT NULL,  -- a `Dependent`, as JSON
        synced_at  TEXT NOT NULL
    );
    -- What later areas cache per citizen (appointments, book entries, certificates), each
    -- kind with its own JSON body: one table, so the schema does not churn with the API.
    CREATE TABLE entries (
        kind       TEXT NOT NULL,
        id         TEXT NOT NULL,
        citizen_id TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        body       TEXT NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE INDEX entries_by_citizen ON entries (citizen_id, kind, updated_at);
    CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order actions were taken
        id              TEXT NOT NULL UNIQUE,
        account_id      TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        action          TEXT NOT NULL,                      -- an `OfflineAction`, as JSON
        queued_at       TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT
    );",
    ),
    // 2: offline certificate verification. The signed trust and revocation lists exactly as
    // received (their signatures are checked again with the pinned key whenever they are
    // loaded), the pinned key itself, and the certificates the citizen keeps on the phone.
    // The lists name no person and outlive sign-out; the certificates do not.
    Step::Sql(
        "CREATE TABLE signed_lists (
        kind            TEXT PRIMARY KEY,   -- 'trust_list' | 'revocations'
        version         INTEGER NOT NULL,   -- never replaced by a lower one
        issued_at       TEXT NOT NULL,
        max_age_seconds INTEGER NOT NULL,
        etag            TEXT,
        envelope        TEXT NOT NULL,      -- the signed JSON envelope, as received
        fetched_at      TEXT NOT NULL
    );
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE certificates (
        id       TEXT PRIMARY KEY,
        hc1      TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL
    );",
    ),
    // 3: every value that names or describes a person sealed with a data key that the
    // platform's keystore holds (see `plaintext.rs` for the tables' new shape). The rows of
    // a store written before are sealed as they are, the queue included.
    Step::Rust(plaintext::seal_schema_2),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = STEPS.len() as u32;

/// Brings the schema up to date; returns the version found, so that the caller knows
/// whether plaintext was rewritten and must be scrubbed from the file.
pub fn migrate(connection: &mut Connection, vault: &dyn KeyVault) -> Result<u32, StoreError> {
    migrate_to(connection, vault, SCHEMA_VERSION)
}

/// Runs the steps up to schema `target`: tests build the stores of earlier app versions.
pub(super) fn migrate_to(
    connection: &mut Connection,
    vault: &dyn KeyVault,
    target: u32,
) -> Result<u32, StoreError> {
    let found: u32 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        // An app downgrade: refuse rather than misread newer tables.
        return Err(StoreError::NewerSchema {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (index, step) in STEPS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(found as usize)
    {
        let tx = connection.transaction()?;
        match step {
            Step::Sql(sql) => tx.execute_batch(sql)?,
            Step::Rust(run) => run(&tx, vault)?,
        }
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryKeyVault;

    #[test]
    fn a_new_store_reaches_the_current_version_and_stays_there() {
        let mut db = Connection::open_in_memory().unwrap();
        let vault = MemoryKeyVault::default();
        assert_eq!(migrate(&mut db, &vault).unwrap(), 0);
        assert_eq!(migrate(&mut db, &vault).unwrap(), SCHEMA_VERSION);
        let version: u32 = db
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn a_store_from_a_newer_app_is_refused() {
        let mut db = Connection::open_in_memory().unwrap();
        db.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert!(matches!(
            migrate(&mut db, &MemoryKeyVault::default()),
            Err(StoreError::NewerSchema { found, .. }) if found == SCHEMA_VERSION + 1
        ));
    }
}
