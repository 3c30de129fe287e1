//! Cached entries of later areas (appointments, the book, certificates): per citizen, per
//! kind, each a JSON body as the API returned it, sealed.

use super::profile::parse_instant;
use super::seal::{Place, Sealer};
use super::{Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct CachedEntry {
    pub kind: String,
    pub id: String,
    pub citizen_id: Uuid,
    pub updated_at: DateTime<Utc>,
    pub body: serde_json::Value,
}

pub(super) fn place(kind: &str, id: &str, citizen_id: &str) -> Place {
    Place::new("entries", &[kind, id, citizen_id])
}

const INSERT: &str = "INSERT OR REPLACE INTO entries (kind, id, citizen_id, updated_at, body)
     VALUES (?1, ?2, ?3, ?4, ?5)";

/// Stores `entry` as an entry of `kind` about `citizen_id` (the callers that replace a
/// citizen's or a kind's entries say which, whatever the entry says).
fn insert(
    db: &Connection,
    sealer: &Sealer,
    kind: &str,
    citizen_id: Uuid,
    entry: &CachedEntry,
) -> Result<(), StoreError> {
    let citizen_id = citizen_id.to_string();
    let body = sealer.seal_json(&place(kind, &entry.id, &citizen_id), &entry.body)?;
    db.prepare_cached(INSERT)?.execute(params![
        kind,
        entry.id,
        citizen_id,
        entry.updated_at.to_rfc3339(),
        body,
    ])?;
    Ok(())
}

impl Store {
    /// Replaces the citizen's entries of `kind` with `entries`, in one transaction.
    pub fn replace_entries(
        &self,
        citizen_id: Uuid,
        kind: &str,
        entries: &[CachedEntry],
    ) -> Result<(), StoreError> {
        self.with_sealer(|db, sealer| {
            let tx = db.transaction()?;
            tx.execute(
                "DELETE FROM entries WHERE citizen_id = ?1 AND kind = ?2",
                params![citizen_id.to_string(), kind],
            )?;
            for entry in entries {
                insert(&tx, sealer, kind, citizen_id, entry)?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Replaces every entry of `kind`, whoever it is about: for lists the server returns for
    /// the whole account at once (the citizen's and their dependents' appointments).
    pub fn replace_kind(&self, kind: &str, entries: &[CachedEntry]) -> Result<(), StoreError> {
        self.with_sealer(|db, sealer| {
            let tx = db.transaction()?;
            tx.execute("DELETE FROM entries WHERE kind = ?1", params![kind])?;
            for entry in entries {
                insert(&tx, sealer, kind, entry.citizen_id, entry)?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Adds or replaces one entry (an appointment just booked, cancelled or moved).
    pub fn put_entry(&self, entry: &CachedEntry) -> Result<(), StoreError> {
        self.with_sealer(|db, sealer| insert(db, sealer, &entry.kind, entry.citizen_id, entry))
    }

    /// Every entry of `kind`, oldest `updated_at` first.
    pub fn entries_of_kind(&self, kind: &str) -> Result<Vec<CachedEntry>, StoreError> {
        self.with_sealer(|db, sealer| {
            let mut statement = db.prepare_cached(
                "SELECT kind, id, citizen_id, updated_at, body FROM entries
                 WHERE kind = ?1 ORDER BY updated_at, id",
            )?;
            let rows = statement
                .query_map(params![kind], read_row)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(|row| row.open(sealer)).collect()
        })
    }

    /// The citizen's entries of every kind, newest first.
    pub fn entries(&self, citizen_id: Uuid) -> Result<Vec<CachedEntry>, StoreError> {
        self.with_sealer(|db, sealer| {
            let mut statement = db.prepare_cached(
                "SELECT kind, id, citizen_id, updated_at, body FROM entries
                 WHERE citizen_id = ?1 ORDER BY updated_at DESC",
            )?;
            let rows = statement
                .query_map(params![citizen_id.to_string()], read_row)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(|row| row.open(sealer)).collect()
        })
    }
}

/// An entry as read, still sealed.
struct Row {
    kind: String,
    id: String,
    citizen_id: String,
    updated_at: String,
    body: Vec<u8>,
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        kind: row.get(0)?,
        id: row.get(1)?,
        citizen_id: row.get(2)?,
        updated_at: row.get(3)?,
        body: row.get(4)?,
    })
}

impl Row {
    fn open(self, sealer: &Sealer) -> Result<CachedEntry, StoreError> {
        let place = place(&self.kind, &self.id, &self.citizen_id);
        Ok(CachedEntry {
            body: sealer.open_json(&place, &self.body)?,
            citizen_id: Uuid::parse_str(&self.citizen_id)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            updated_at: parse_instant(&self.updated_at)?,
            kind: self.kind,
            id: self.id,
        })
    }
}
