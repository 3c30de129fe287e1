//! The data key that seals the store. The core draws it (32 random bytes) and the platform
//! keeps it, wrapped by a key of its own keystore, under a name; the file holds only the
//! name and a probe that tells whether the key the platform returns is the right one.
//!
//! Ending a person's time on the phone replaces the key: the new one is saved before the
//! rows that use it are committed, and the old one is forgotten after, so a crash at any
//! point leaves a key that opens every committed row, and at worst a retired name that the
//! next opening forgets.

use super::StoreError;
use super::seal::{Place, Sealer};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// Implemented by the app over Android Keystore or the iOS Keychain: keeps the offline
/// store's data keys, each under a name the core chooses, readable by this app on this
/// device only and never in a backup. Calls are short and synchronous.
#[uniffi::export(foreign)]
pub trait KeyVault: Send + Sync {
    /// The key saved under `name`, or nothing when none is (never saved, or forgotten).
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, KeyVaultError>;
    /// Saves `key` under `name`. Returns only once the key would survive a restart.
    fn save(&self, name: String, key: Vec<u8>) -> Result<(), KeyVaultError>;
    /// Forgets the key saved under `name`, if any: whatever it sealed becomes unreadable.
    fn forget(&self, name: String) -> Result<(), KeyVaultError>;
}

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum KeyVaultError {
    /// The keystore cannot be used now (the phone not yet unlocked since it started, a
    /// keystore failure). Nothing is lost: the core asks again at its next start.
    #[error("the platform keystore is unavailable: {detail}")]
    Unavailable { detail: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyVaultError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> KeyVaultError {
        KeyVaultError::Unavailable {
            detail: error.reason,
        }
    }
}

/// A keystore that lives as long as the process: for tests, benchmarks and previews.
#[derive(Default)]
pub struct MemoryKeyVault(Mutex<HashMap<String, Vec<u8>>>);

impl MemoryKeyVault {
    /// The names of the keys held now.
    pub fn names(&self) -> Vec<String> {
        self.keys().keys().cloned().collect()
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl KeyVault for MemoryKeyVault {
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, KeyVaultError> {
        Ok(self.keys().get(&name).cloned())
    }

    fn save(&self, name: String, key: Vec<u8>) -> Result<(), KeyVaultError> {
        self.keys().insert(name, key);
        Ok(())
    }

    fn forget(&self, name: String) -> Result<(), KeyVaultError> {
        self.keys().remove(&name);
        Ok(())
    }
}

/// What the probe seals; the text itself is no secret.
const PROBE: &[u8] = b"healthbook offline store";

fn probe_place(name: &str) -> Place {
    Place::new("data_keys", &[name])
}

/// Draws a key, has the platform keep it, and makes it the one that seals from now on. The
/// key in use before, if any, is retired: [`forget_retired`] has the platform forget it
/// once the caller has committed.
pub(super) fn replace(tx: &Transaction<'_>, vault: &dyn KeyVault) -> Result<Sealer, StoreError> {
    let mut key = Sealer::generate()?;
    let sealer = Sealer::new(&key).ok_or(StoreError::Crypto)?;
    let name = format!("healthbook.store.{}", Uuid::new_v4());
    let saved = vault.save(name.clone(), key.clone());
    key.fill(0);
    saved?;
    tx.execute("UPDATE data_keys SET current = 0 WHERE current = 1", [])?;
    tx.execute(
        "INSERT INTO data_keys (name, current, probe) VALUES (?1, 1, ?2)",
        params![name, sealer.seal(&probe_place(&name), PROBE)?],
    )?;
    Ok(sealer)
}

/// The sealer of the current key, or `None` when the platform no longer holds that key (or
/// holds another under its name): what it sealed is then lost for good.
pub(super) fn unlock(db: &Connection, vault: &dyn KeyVault) -> Result<Option<Sealer>, StoreError> {
    let current: Option<(String, Vec<u8>)> = db
        .query_row(
            "SELECT name, probe FROM data_keys WHERE current = 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((name, probe)) = current else {
        return Ok(None);
    };
    let Some(mut key) = vault.load(name.clone())? else {
        return Ok(None);
    };
    let sealer = Sealer::new(&key);
    key.fill(0);
    Ok(sealer.filter(|sealer| sealer.open(&probe_place(&name), &probe).is_ok()))
}

/// Has the platform forget every retired key. One it cannot forget now stays listed and is
/// tried again at the next opening: nothing it sealed is in the file any more, so waiting
/// costs nothing but the keystore entry.
pub(super) fn forget_retired(db: &Connection, vault: &dyn KeyVault) -> Result<(), StoreError> {
    let retired = {
        let mut statement = db.prepare_cached("SELECT name FROM data_keys WHERE current = 0")?;
        statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?
    };
    for name in retired {
        match vault.forget(name.clone()) {
            Ok(()) => {
                db.execute("DELETE FROM data_keys WHERE name = ?1", params![name])?;
            }
            Err(error) => {
                tracing::warn!(error = %error, "a retired store key could not be forgotten yet");
            }
        }
    }
    Ok(())
}

impl From<KeyVaultError> for StoreError {
    fn from(error: KeyVaultError) -> StoreError {
        StoreError::Keystore(error.to_string())
    }
}
