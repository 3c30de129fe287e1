//! The signed trust list and revocation list as last received, and the pinned key that
//! checks them. Nothing here trusts what it reads: the certificates area verifies every
//! envelope again with the pinned key before it uses it.

use super::profile::parse_instant;
use super::{Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

/// Which of the two published lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    TrustList,
    Revocations,
}

impl ListKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::TrustList => "trust_list",
            ListKind::Revocations => "revocations",
        }
    }
}

/// A signed list as the server sent it, with what was read from it when it was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredList {
    pub version: u64,
    pub issued_at: DateTime<Utc>,
    pub max_age_seconds: u64,
    pub etag: Option<String>,
    /// The envelope's JSON, byte for byte.
    pub envelope: String,
    pub fetched_at: DateTime<Utc>,
}

const PIN: &str = "trust_list_key";

impl Store {
    pub fn signed_list(&self, kind: ListKind) -> Result<Option<StoredList>, StoreError> {
        type Row = (i64, String, i64, Option<String>, String, String);
        let row: Option<Row> = self.with(|db| {
            Ok(db
                .query_row(
                    "SELECT version, issued_at, max_age_seconds, etag, envelope, fetched_at
                     FROM signed_lists WHERE kind = ?1",
                    params![kind.as_str()],
                    |row| {
                        Ok((
                            row.get(0)?,
                            row.get(1)?,
                            row.get(2)?,
                            row.get(3)?,
                            row.get(4)?,
                            row.get(5)?,
                        ))
                    },
                )
                .optional()?)
        })?;
        row.map(
            |(version, issued_at, max_age, etag, envelope, fetched_at)| {
                Ok(StoredList {
                    version: u64::try_from(version)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    issued_at: parse_instant(&issued_at)?,
                    max_age_seconds: u64::try_from(max_age)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    etag,
                    envelope,
                    fetched_at: parse_instant(&fetched_at)?,
                })
            },
        )
        .transpose()
    }

    /// Keeps `list` unless a higher version is already stored: a list is never rolled back,
    /// even by two refreshes that race. Returns whether it was stored.
    pub fn save_signed_list(&self, kind: ListKind, list: &StoredList) -> Result<bool, StoreError> {
        let version =
            i64::try_from(list.version).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let max_age =
            i64::try_from(list.max_age_seconds).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.with(|db| {
            let changed = db.execute(
                "INSERT INTO signed_lists
                     (kind, version, issued_at, max_age_seconds, etag, envelope, fetched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (kind) DO UPDATE SET
                     version = excluded.version, issued_at = excluded.issued_at,
                     max_age_seconds = excluded.max_age_seconds, etag = excluded.etag,
                     envelope = excluded.envelope, fetched_at = excluded.fetched_at
                 WHERE excluded.version >= signed_lists.version",
                params![
                    kind.as_str(),
                    version,
                    list.issued_at.to_rfc3339(),
                    max_age,
                    list.etag,
                    list.envelope,
                    list.fetched_at.to_rfc3339(),
                ],
            )?;
            Ok(changed == 1)
        })
    }

    /// Notes that the server confirmed the stored copy is current (`304 Not Modified`).
    pub fn touch_signed_list(
        &self,
        kind: ListKind,
        fetched_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with(|db| {
            db.execute(
                "UPDATE signed_lists SET fetched_at = ?2 WHERE kind = ?1",
                params![kind.as_str(), fetched_at.to_rfc3339()],
            )?;
            Ok(())
        })
    }

    /// The pinned trust-list key, as the app gave it (PEM or the signing-key JSON).
    pub fn pinned_key(&self) -> Result<Option<String>, StoreError> {
        self.with(|db| {
            Ok(db
                .query_row(
                    "SELECT value FROM settings WHERE key = ?1",
                    params![PIN],
                    |row| row.get(0),
                )
                .optional()?)
        })
    }

    /// Pins a key. A key other than the one pinned before drops the stored lists: they were
    /// signed by the old key and cannot be checked with the new one.
    pub fn pin_key(&self, key: &str, replaces_lists: bool) -> Result<(), StoreError> {
        self.with(|db| {
            let tx = db.transaction()?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![PIN, key],
            )?;
            if replaces_lists {
                tx.execute("DELETE FROM signed_lists", [])?;
            }
            tx.commit()?;
            Ok(())
        })
    }
}
