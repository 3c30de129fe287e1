//! The offline store: one SQLite file in the app's private storage holding what the citizen
//! last synced and the actions taken while offline. Reads never touch the network.
//!
//! One connection behind a mutex: the store is small, writes are rare, and SQLite serialises
//! writers anyway. Callers on an async path reach it through `tokio::task::spawn_blocking`,
//! never on the thread that polls the future.

mod certificates;
mod entries;
mod lists;
mod migrations;
mod outbox;
mod profile;

use rusqlite::Connection;
use std::path::Path;
use std::sync::Mutex;

pub use certificates::SavedHc1;
pub use entries::CachedEntry;
pub use lists::{ListKind, StoredList};
pub use migrations::SCHEMA_VERSION;
pub use outbox::QueuedAction;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a stored value could not be read: {0}")]
    Corrupt(String),
    #[error(
        "the store was written by a newer version of the app (schema {found}, this build knows {known})"
    )]
    NewerSchema { found: u32, known: u32 },
    #[error("the store's background task failed")]
    Task,
}

pub struct Store {
    connection: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Corrupt(format!("cannot create the store's folder: {e}"))
            })?;
        }
        Store::prepare(Connection::open(path)?)
    }

    /// A store that lives only as long as the client: for tests and previews.
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut connection: Connection) -> Result<Store, StoreError> {
        // WAL lets a read run beside the sync's writes; NORMAL is durable across app crashes
        // (only a power cut may lose the last commit, which the next sync restores).
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut connection)?;
        Ok(Store {
            connection: Mutex::new(connection),
        })
    }

    /// Runs `f` with the connection. Held only for the length of `f`, never across an await.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // SQLite rolls back an unfinished transaction, so a connection whose user panicked
        // is still consistent.
        let mut connection = self
            .connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut connection)
    }

    /// Forgets everything: sign-out, or another account signing in on this phone.
    pub fn wipe(&self) -> Result<(), StoreError> {
        self.with(|db| {
            let tx = db.transaction()?;
            tx.execute_batch(WIPE)?;
            tx.commit()?;
            Ok(())
        })
    }
}

/// Every table that holds a person's data. The signed lists and the pinned key name no one
/// and stay: a phone that changes hands still verifies certificates offline.
const WIPE: &str = "DELETE FROM profile; DELETE FROM dependents; DELETE FROM entries; \
     DELETE FROM outbox; DELETE FROM certificates;";

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests;
