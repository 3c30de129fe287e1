//! Schema 3: the store sealed. Before it, names, birth dates, appointments, certificates and
//! queued actions (a child's national ID among them) lay in the file as plain JSON and text.
//!
//! The step draws the first data key, rebuilds each personal table with its values sealed
//! (the clear columns are opaque ids, the timestamps that order rows, and problem codes), and
//! copies the rows over as they are: the queue keeps its order and keys, the cache stays
//! readable offline. The caller scrubs the file afterwards, since the plain rows' pages and
//! the journal still held them.

use super::keys::{self, KeyVault};
use super::seal::Sealer;
use super::{StoreError, certificates, entries, outbox, profile};
use rusqlite::{Transaction, params};

const SCHEMA_3: &str = "
    ALTER TABLE profile RENAME TO plain_profile;
    ALTER TABLE dependents RENAME TO plain_dependents;
    DROP INDEX entries_by_citizen;
    ALTER TABLE entries RENAME TO plain_entries;
    ALTER TABLE outbox RENAME TO plain_outbox;
    ALTER TABLE certificates RENAME TO plain_certificates;

    CREATE TABLE data_keys (
        name    TEXT PRIMARY KEY,  -- the key's name in the platform's keystore, never the key
        current INTEGER NOT NULL,  -- 1: seals the rows; 0: retired, for the keystore to forget
        probe   BLOB NOT NULL      -- a known text sealed with the key: tells a lost key
    );
    CREATE UNIQUE INDEX data_keys_one_current ON data_keys (current) WHERE current = 1;

    CREATE TABLE profile (
        account_id TEXT PRIMARY KEY,
        body       BLOB NOT NULL,  -- the last `Me`, as JSON, sealed
        synced_at  TEXT NOT NULL
    );
    CREATE TABLE dependents (
        citizen_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        position   INTEGER NOT NULL,
        body       BLOB NOT NULL,  -- a `Dependent`, as JSON, sealed
        synced_at  TEXT NOT NULL
    );
    CREATE TABLE entries (
        kind       TEXT NOT NULL,
        id         TEXT NOT NULL,
        citizen_id TEXT NOT NULL,
        updated_at TEXT NOT NULL,  -- when it was cached
        body       BLOB NOT NULL,  -- as the API returned it, sealed
        PRIMARY KEY (kind, id)
    );
    CREATE INDEX entries_by_citizen ON entries (citizen_id, kind, updated_at);
    CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              TEXT NOT NULL UNIQUE,
        account_id      TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        action          BLOB NOT NULL,  -- an `OfflineAction`, as JSON, sealed
        queued_at       TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT            -- a problem code, never a body
    );
    CREATE TABLE certificates (
        id       TEXT PRIMARY KEY,
        digest   BLOB NOT NULL UNIQUE,  -- keyed digest of the text: the same one saved twice
        hc1      BLOB NOT NULL,         -- the certificate's text, sealed
        added_at TEXT NOT NULL
    );
";

const DROP_PLAIN: &str = "
    DROP TABLE plain_profile;
    DROP TABLE plain_dependents;
    DROP TABLE plain_entries;
    DROP TABLE plain_outbox;
    DROP TABLE plain_certificates;
";

pub(super) fn seal_schema_2(tx: &Transaction<'_>, vault: &dyn KeyVault) -> Result<(), StoreError> {
    tx.execute_batch(SCHEMA_3)?;
    let sealer = keys::replace(tx, vault)?;
    seal_profile(tx, &sealer)?;
    seal_dependents(tx, &sealer)?;
    seal_entries(tx, &sealer)?;
    seal_outbox(tx, &sealer)?;
    seal_certificates(tx, &sealer)?;
    tx.execute_batch(DROP_PLAIN)?;
    Ok(())
}

fn seal_profile(tx: &Transaction<'_>, sealer: &Sealer) -> Result<(), StoreError> {
    let mut read = tx.prepare("SELECT account_id, body, synced_at FROM plain_profile")?;
    let mut write =
        tx.prepare("INSERT INTO profile (account_id, body, synced_at) VALUES (?1, ?2, ?3)")?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let account_id: String = row.get(0)?;
        let body: String = row.get(1)?;
        let synced_at: String = row.get(2)?;
        let sealed = sealer.seal(&profile::place(&account_id), body.as_bytes())?;
        write.execute(params![account_id, sealed, synced_at])?;
    }
    Ok(())
}

fn seal_dependents(tx: &Transaction<'_>, sealer: &Sealer) -> Result<(), StoreError> {
    let mut read = tx.prepare(
        "SELECT citizen_id, account_id, position, body, synced_at FROM plain_dependents",
    )?;
    let mut write = tx.prepare(
        "INSERT INTO dependents (citizen_id, account_id, position, body, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let citizen_id: String = row.get(0)?;
        let account_id: String = row.get(1)?;
        let position: i64 = row.get(2)?;
        let body: String = row.get(3)?;
        let synced_at: String = row.get(4)?;
        let place = profile::dependent_place(&account_id, &citizen_id);
        let sealed = sealer.seal(&place, body.as_bytes())?;
        write.execute(params![citizen_id, account_id, position, sealed, synced_at])?;
    }
    Ok(())
}

fn seal_entries(tx: &Transaction<'_>, sealer: &Sealer) -> Result<(), StoreError> {
    let mut read =
        tx.prepare("SELECT kind, id, citizen_id, updated_at, body FROM plain_entries")?;
    let mut write = tx.prepare(
        "INSERT INTO entries (kind, id, citizen_id, updated_at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        let id: String = row.get(1)?;
        let citizen_id: String = row.get(2)?;
        let updated_at: String = row.get(3)?;
        let body: String = row.get(4)?;
        let sealed = sealer.seal(&entries::place(&kind, &id, &citizen_id), body.as_bytes())?;
        write.execute(params![kind, id, citizen_id, updated_at, sealed])?;
    }
    Ok(())
}

fn seal_outbox(tx: &Transaction<'_>, sealer: &Sealer) -> Result<(), StoreError> {
    let mut read = tx.prepare(
        "SELECT seq, id, account_id, idempotency_key, action, queued_at, attempts, last_error
         FROM plain_outbox ORDER BY seq",
    )?;
    let mut write = tx.prepare(
        "INSERT INTO outbox
             (seq, id, account_id, idempotency_key, action, queued_at, attempts, last_error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let id: String = row.get(1)?;
        let account_id: String = row.get(2)?;
        let key: String = row.get(3)?;
        let action: String = row.get(4)?;
        let queued_at: String = row.get(5)?;
        let attempts: i64 = row.get(6)?;
        let last_error: Option<String> = row.get(7)?;
        let sealed = sealer.seal(&outbox::place(&id, &account_id), action.as_bytes())?;
        write.execute(params![
            seq, id, account_id, key, sealed, queued_at, attempts, last_error
        ])?;
    }
    Ok(())
}

fn seal_certificates(tx: &Transaction<'_>, sealer: &Sealer) -> Result<(), StoreError> {
    let mut read = tx.prepare("SELECT id, hc1, added_at FROM plain_certificates")?;
    let mut write =
        tx.prepare("INSERT INTO certificates (id, digest, hc1, added_at) VALUES (?1, ?2, ?3, ?4)")?;
    let mut rows = read.query([])?;
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let hc1: String = row.get(1)?;
        let added_at: String = row.get(2)?;
        let sealed = sealer.seal(&certificates::place(&id), hc1.as_bytes())?;
        write.execute(params![id, sealer.digest(hc1.as_bytes()), sealed, added_at])?;
    }
    Ok(())
}
