//! The certificates the citizen keeps on the phone, as the `HC1:` text they were scanned or
//! pasted from. The text is the certificate: everything shown is decoded from it again, and
//! verified again, each time it is read. It is sealed, and found again by a keyed digest.

use super::profile::parse_instant;
use super::seal::{Place, Sealer};
use super::{Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedHc1 {
    pub id: Uuid,
    pub hc1: String,
    pub added_at: DateTime<Utc>,
}

pub(super) fn place(id: &str) -> Place {
    Place::new("certificates", &[id])
}

impl Store {
    /// Keeps `hc1`; the same text saved twice is kept once, under its first id.
    pub fn save_certificate(
        &self,
        hc1: &str,
        added_at: DateTime<Utc>,
    ) -> Result<SavedHc1, StoreError> {
        self.with_sealer(|db, sealer| {
            let digest = sealer.digest(hc1.as_bytes());
            let tx = db.transaction()?;
            let existing: Option<(String, String)> = tx
                .query_row(
                    "SELECT id, added_at FROM certificates WHERE digest = ?1",
                    params![digest],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let saved = match existing {
                Some((id, at)) => SavedHc1 {
                    id: Uuid::parse_str(&id).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    hc1: hc1.to_owned(),
                    added_at: parse_instant(&at)?,
                },
                None => {
                    let id = Uuid::new_v4();
                    let sealed = sealer.seal(&place(&id.to_string()), hc1.as_bytes())?;
                    tx.execute(
                        "INSERT INTO certificates (id, digest, hc1, added_at)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![id.to_string(), digest, sealed, added_at.to_rfc3339()],
                    )?;
                    SavedHc1 {
                        id,
                        hc1: hc1.to_owned(),
                        added_at,
                    }
                }
            };
            tx.commit()?;
            Ok(saved)
        })
    }

    /// The saved certificates, newest first.
    pub fn certificates(&self) -> Result<Vec<SavedHc1>, StoreError> {
        self.with_sealer(|db, sealer| {
            let mut statement = db.prepare_cached(
                "SELECT id, hc1, added_at FROM certificates ORDER BY added_at DESC, id",
            )?;
            let rows = statement
                .query_map([], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Vec<u8>>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(id, hc1, added_at)| open(sealer, &id, &hc1, &added_at))
                .collect()
        })
    }

    /// Forgets a saved certificate; `false` when there was none with that id.
    pub fn remove_certificate(&self, id: Uuid) -> Result<bool, StoreError> {
        self.with(|db| {
            Ok(db.execute(
                "DELETE FROM certificates WHERE id = ?1",
                params![id.to_string()],
            )? == 1)
        })
    }
}

fn open(sealer: &Sealer, id: &str, hc1: &[u8], added_at: &str) -> Result<SavedHc1, StoreError> {
    let hc1 = String::from_utf8(sealer.open(&place(id), hc1)?)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(SavedHc1 {
        id: Uuid::parse_str(id).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        hc1,
        added_at: parse_instant(added_at)?,
    })
}
