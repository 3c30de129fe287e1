//! The signed-in citizen as last synced: `Me`, and the dependents they act for.

use super::seal::{Place, Sealer};
use super::{Inner, Queue, Store, StoreError};
use chrono::{DateTime, Utc};
use healthbook_domain::account::{Dependent, Me};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use uuid::Uuid;

pub(super) fn place(account_id: &str) -> Place {
    Place::new("profile", &[account_id])
}

pub(super) fn dependent_place(account_id: &str, citizen_id: &str) -> Place {
    Place::new("dependents", &[account_id, citizen_id])
}

impl Store {
    /// Saves `me` and, from it, the dependents. Data of another account than this one
    /// means another person signed in on this phone: the previous person's data goes
    /// first, queued actions and key included.
    pub fn save_me(&self, me: &Me, synced_at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if holds_another_account(&inner.db, me.account_id)? {
            self.forget_person(&mut inner, Queue::Drop)?;
        }
        let Inner { db, sealer } = &mut *inner;
        let account_id = me.account_id.to_string();
        let body = sealer.seal_json(&place(&account_id), me)?;
        let tx = db.transaction()?;
        tx.execute(
            "INSERT INTO profile (account_id, body, synced_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (account_id) DO UPDATE SET body = excluded.body, synced_at = excluded.synced_at",
            params![account_id, body, synced_at.to_rfc3339()],
        )?;
        replace_dependents(&tx, sealer, me.account_id, &me.dependents, synced_at)?;
        tx.commit()?;
        Ok(())
    }

    pub fn save_dependents(
        &self,
        account_id: Uuid,
        dependents: &[Dependent],
        synced_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with_sealer(|db, sealer| {
            let tx = db.transaction()?;
            replace_dependents(&tx, sealer, account_id, dependents, synced_at)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// The cached `Me`, with the dependents as last synced (which may be newer than the
    /// profile when only the list was refreshed), and when the profile was synced.
    pub fn me(&self) -> Result<Option<(Me, DateTime<Utc>)>, StoreError> {
        let cached = self.with_sealer(|db, sealer| {
            let row = db
                .query_row(
                    "SELECT account_id, body, synced_at FROM profile LIMIT 1",
                    [],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, Vec<u8>>(1)?,
                            row.get::<_, String>(2)?,
                        ))
                    },
                )
                .optional()?;
            row.map(|(account_id, body, synced_at)| {
                let me: Me = sealer.open_json(&place(&account_id), &body)?;
                Ok((me, parse_instant(&synced_at)?))
            })
            .transpose()
        })?;
        let Some((mut me, synced_at)) = cached else {
            return Ok(None);
        };
        me.dependents = self.dependents(me.account_id)?;
        Ok(Some((me, synced_at)))
    }

    pub fn dependents(&self, account_id: Uuid) -> Result<Vec<Dependent>, StoreError> {
        let account_id = account_id.to_string();
        self.with_sealer(|db, sealer| {
            let mut statement = db.prepare_cached(
                "SELECT citizen_id, body FROM dependents WHERE account_id = ?1 ORDER BY position",
            )?;
            let rows = statement
                .query_map(params![account_id], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter()
                .map(|(citizen_id, body)| {
                    sealer.open_json(&dependent_place(&account_id, citizen_id), body)
                })
                .collect()
        })
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

/// Whether the store holds a profile or queued actions of an account other than `account_id`.
fn holds_another_account(db: &Connection, account_id: Uuid) -> Result<bool, StoreError> {
    Ok(db.query_row(
        "SELECT EXISTS (SELECT 1 FROM profile WHERE account_id <> ?1)
             OR EXISTS (SELECT 1 FROM dependents WHERE account_id <> ?1)
             OR EXISTS (SELECT 1 FROM outbox WHERE account_id <> ?1)",
        params![account_id.to_string()],
        |row| row.get(0),
    )?)
}

fn replace_dependents(
    tx: &Transaction<'_>,
    sealer: &Sealer,
    account_id: Uuid,
    dependents: &[Dependent],
    synced_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let account_id = account_id.to_string();
    tx.execute(
        "DELETE FROM dependents WHERE account_id = ?1",
        params![account_id],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO dependents (citizen_id, account_id, position, body, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, dependent) in dependents.iter().enumerate() {
        let citizen_id = dependent.citizen.citizen_id.to_string();
        let body = sealer.seal_json(&dependent_place(&account_id, &citizen_id), dependent)?;
        insert.execute(params![
            citizen_id,
            account_id,
            position as i64,
            body,
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
