//! Cached entries of later areas (appointments, the book, certificates): per citizen, per
//! kind, each a JSON body as the API returned it.

use super::profile::parse_instant;
use super::{Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::params;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct CachedEntry {
    pub kind: String,
    pub id: String,
    pub citizen_id: Uuid,
    pub updated_at: DateTime<Utc>,
    pub body: serde_json::Value,
}

const INSERT: &str = "INSERT OR REPLACE INTO entries (kind, id, citizen_id, updated_at, body)
     VALUES (?1, ?2, ?3, ?4, ?5)";

impl Store {
    /// Replaces the citizen's entries of `kind` with `entries`, in one transaction.
    pub fn replace_entries(
        &self,
        citizen_id: Uuid,
        kind: &str,
        entries: &[CachedEntry],
    ) -> Result<(), StoreError> {
        self.with(|db| {
            let tx = db.transaction()?;
            tx.execute(
                "DELETE FROM entries WHERE citizen_id = ?1 AND kind = ?2",
                params![citizen_id.to_string(), kind],
            )?;
            {
                let mut insert = tx.prepare_cached(INSERT)?;
                for entry in entries {
                    insert.execute(params![
                        kind,
                        entry.id,
                        citizen_id.to_string(),
                        entry.updated_at.to_rfc3339(),
                        entry.body.to_string(),
                    ])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Replaces every entry of `kind`, whoever it is about: for lists the server returns for
    /// the whole account at once (the citizen's and their dependents' appointments).
    pub fn replace_kind(&self, kind: &str, entries: &[CachedEntry]) -> Result<(), StoreError> {
        self.with(|db| {
            let tx = db.transaction()?;
            tx.execute("DELETE FROM entries WHERE kind = ?1", params![kind])?;
            {
                let mut insert = tx.prepare_cached(INSERT)?;
                for entry in entries {
                    insert.execute(params![
                        kind,
                        entry.id,
                        entry.citizen_id.to_string(),
                        entry.updated_at.to_rfc3339(),
                        entry.body.to_string(),
                    ])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Adds or replaces one entry (an appointment just booked, cancelled or moved).
    pub fn put_entry(&self, entry: &CachedEntry) -> Result<(), StoreError> {
        self.with(|db| {
            db.execute(
                INSERT,
                params![
                    entry.kind,
                    entry.id,
                    entry.citizen_id.to_string(),
                    entry.updated_at.to_rfc3339(),
                    entry.body.to_string(),
                ],
            )?;
            Ok(())
        })
    }

    /// Every entry of `kind`, oldest `updated_at` first.
    pub fn entries_of_kind(&self, kind: &str) -> Result<Vec<CachedEntry>, StoreError> {
        let rows = self.with(|db| {
            let mut statement = db.prepare_cached(
                "SELECT id, citizen_id, updated_at, body FROM entries
                 WHERE kind = ?1 ORDER BY updated_at, id",
            )?;
            let rows = statement
                .query_map(params![kind], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })?;
        rows.into_iter()
            .map(|(id, citizen_id, updated_at, body)| {
                Ok(CachedEntry {
                    kind: kind.to_owned(),
                    id,
                    citizen_id: Uuid::parse_str(&citizen_id)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    updated_at: parse_instant(&updated_at)?,
                    body: serde_json::from_str(&body)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    /// The citizen's entries of every kind, newest first.
    pub fn entries(&self, citizen_id: Uuid) -> Result<Vec<CachedEntry>, StoreError> {
        let rows = self.with(|db| {
            let mut statement = db.prepare_cached(
                "SELECT kind, id, updated_at, body FROM entries
                 WHERE citizen_id = ?1 ORDER BY updated_at DESC",
            )?;
            let rows = statement
                .query_map(params![citizen_id.to_string()], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })?;
        rows.into_iter()
            .map(|(kind, id, updated_at, body)| {
                Ok(CachedEntry {
                    kind,
                    id,
                    citizen_id,
                    updated_at: parse_instant(&updated_at)?,
                    body: serde_json::from_str(&body)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }
}
