//! Actions taken while offline, in the order they were taken, each with the idempotency key
//! it will be sent with on every attempt — so that the server acts on it once, however many
//! times the phone loses the answer.

use super::profile::parse_instant;
use super::seal::{Place, Sealer};
use super::{Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct QueuedAction<A> {
    pub id: Uuid,
    pub idempotency_key: Uuid,
    pub action: A,
    pub queued_at: DateTime<Utc>,
    pub attempts: u32,
    pub last_error: Option<String>,
}

pub(super) fn place(id: &str, account_id: &str) -> Place {
    Place::new("outbox", &[id, account_id])
}

impl Store {
    pub fn enqueue<A: Serialize>(
        &self,
        account_id: Uuid,
        action: &A,
        idempotency_key: Uuid,
        queued_at: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::new_v4();
        self.with_sealer(|db, sealer| {
            let body =
                sealer.seal_json(&place(&id.to_string(), &account_id.to_string()), action)?;
            db.execute(
                "INSERT INTO outbox (id, account_id, idempotency_key, action, queued_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id.to_string(),
                    account_id.to_string(),
                    idempotency_key.to_string(),
                    body,
                    queued_at.to_rfc3339()
                ],
            )?;
            Ok(())
        })?;
        Ok(id)
    }

    /// The account's queued actions, oldest first.
    pub fn queued<A: DeserializeOwned>(
        &self,
        account_id: Uuid,
    ) -> Result<Vec<QueuedAction<A>>, StoreError> {
        type Row = (String, String, Vec<u8>, String, u32, Option<String>);
        let account_id = account_id.to_string();
        self.with_sealer(|db, sealer| {
            let mut statement = db.prepare_cached(
                "SELECT id, idempotency_key, action, queued_at, attempts, last_error
                 FROM outbox WHERE account_id = ?1 ORDER BY seq",
            )?;
            let rows: Vec<Row> = statement
                .query_map(params![account_id], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(id, key, action, queued_at, attempts, last_error)| {
                    Ok(QueuedAction {
                        action: sealer.open_json(&place(&id, &account_id), &action)?,
                        id: parse_uuid(&id)?,
                        idempotency_key: parse_uuid(&key)?,
                        queued_at: parse_instant(&queued_at)?,
                        attempts,
                        last_error,
                    })
                })
                .collect()
        })
    }

    /// Removes an action the server has settled, whether it applied it or refused it.
    pub fn settle(&self, id: Uuid) -> Result<(), StoreError> {
        self.with(|db| {
            db.execute("DELETE FROM outbox WHERE id = ?1", params![id.to_string()])?;
            Ok(())
        })
    }

    /// Counts a failed attempt that may succeed later; `reason` is a problem code, never a
    /// request body.
    pub fn record_attempt(&self, id: Uuid, reason: &str) -> Result<(), StoreError> {
        self.with(|db| {
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                params![id.to_string(), reason],
            )?;
            Ok(())
        })
    }
}

/// Seals every queued action again with `new`, in place, so that the queue outlives the key
/// it was sealed with. An action that `old` cannot open was lost already; it is dropped
/// rather than kept as ciphertext no key opens.
pub(super) fn reseal(tx: &Transaction<'_>, old: &Sealer, new: &Sealer) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, String, Vec<u8>)> = {
        let mut statement = tx.prepare("SELECT seq, id, account_id, action FROM outbox")?;
        statement
            .query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?
    };
    for (seq, id, account_id, action) in rows {
        let place = place(&id, &account_id);
        match old.open(&place, &action) {
            Ok(clear) => {
                tx.execute(
                    "UPDATE outbox SET action = ?2 WHERE seq = ?1",
                    params![seq, new.seal(&place, &clear)?],
                )?;
            }
            Err(error) => {
                tracing::warn!(error = %error, "a queued action that no longer opens is dropped");
                tx.execute("DELETE FROM outbox WHERE seq = ?1", params![seq])?;
            }
        }
    }
    Ok(())
}

fn parse_uuid(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}
