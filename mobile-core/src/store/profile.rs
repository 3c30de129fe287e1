//! The signed-in citizen as last synced: `Me`, and the dependents they act for.

use super::{Store, StoreError, WIPE, from_json, to_json};
use chrono::{DateTime, Utc};
use healthbook_domain::account::{Dependent, Me};
use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

impl Store {
    /// Saves `me` and, from it, the dependents. A different account than the one cached
    /// means another person signed in on this phone: the previous person's data goes first.
    pub fn save_me(&self, me: &Me, synced_at: DateTime<Utc>) -> Result<(), StoreError> {
        let body = to_json(me)?;
        self.with(|db| {
            let tx = db.transaction()?;
            let cached: Option<String> = tx
                .query_row("SELECT account_id FROM profile LIMIT 1", [], |row| row.get(0))
                .optional()?;
            if cached.is_some_and(|cached| cached != me.account_id.to_string()) {
                tx.execute_batch(WIPE)?;
            }
            tx.execute(
                "INSERT INTO profile (account_id, body, synced_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id) DO UPDATE SET body = excluded.body, synced_at = excluded.synced_at",
                params![me.account_id.to_string(), body, synced_at.to_rfc3339()],
            )?;
            replace_dependents(&tx, me.account_id, &me.dependents, synced_at)?;
            tx.commit()?;
            Ok(())
        })
    }

    pub fn save_dependents(
        &self,
        account_id: Uuid,
        dependents: &[Dependent],
        synced_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with(|db| {
            let tx = db.transaction()?;
            replace_dependents(&tx, account_id, dependents, synced_at)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// The cached `Me`, with the dependents as last synced (which may be newer than the
    /// profile when only the list was refreshed), and when the profile was synced.
    pub fn me(&self) -> Result<Option<(Me, DateTime<Utc>)>, StoreError> {
        let row = self.with(|db| {
            Ok(db
                .query_row("SELECT body, synced_at FROM profile LIMIT 1", [], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
                })
                .optional()?)
        })?;
        let Some((body, synced_at)) = row else {
            return Ok(None);
        };
        let mut me: Me = from_json(&body)?;
        me.dependents = self.dependents(me.account_id)?;
        Ok(Some((me, parse_instant(&synced_at)?)))
    }

    pub fn dependents(&self, account_id: Uuid) -> Result<Vec<Dependent>, StoreError> {
        let bodies = self.with(|db| {
            let mut statement = db.prepare_cached(
                "SELECT body FROM dependents WHERE account_id = ?1 ORDER BY position",
            )?;
            let rows = statement
                .query_map(params![account_id.to_string()], |row| {
                    row.get::<_, String>(0)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })?;
        bodies.iter().map(|body| from_json(body)).collect()
    }

    /// The account whose data the store holds, if any.
    pub fn account_id(&self) -> Result<Option<Uuid>, StoreError> {
        let id = self.with(|db| {
            Ok(db
                .query_row("SELECT account_id FROM profile LIMIT 1", [], |row| {
                    row.get::<_, String>(0)
                })
                .optional()?)
        })?;
        id.map(|id| Uuid::parse_str(&id).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }
}

fn replace_dependents(
    tx: &Transaction<'_>,
    account_id: Uuid,
    dependents: &[Dependent],
    synced_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM dependents WHERE account_id = ?1",
        params![account_id.to_string()],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO dependents (citizen_id, account_id, position, body, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, dependent) in dependents.iter().enumerate() {
        insert.execute(params![
            dependent.citizen.citizen_id.to_string(),
            account_id.to_string(),
            position as i64,
            to_json(dependent)?,
            synced_at.to_rfc3339(),
        ])?;
    }
    Ok(())
}

pub(super) fn parse_instant(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}
