//! The offline store: one SQLite file in the app's private storage holding what the citizen
//! last synced and the actions taken while offline. Reads never touch the network.
//!
//! Every value that names or describes a person is sealed (`seal.rs`) with a data key that
//! the platform's keystore holds (`keys.rs`): the file alone, a backup of it or a copy taken
//! off the phone reads as ids, timestamps and ciphertext. When a person's time on the phone
//! ends (sign-out, a session that lapsed, another account), their rows are deleted with
//! `secure_delete` on, the journal is emptied, and the key is replaced, so that whatever is
//! left in free pages could only be read with a key the keystore has forgotten.
//!
//! One connection behind a mutex: the store is small, writes are rare, and SQLite serialises
//! writers anyway. Callers on an async path reach it through `tokio::task::spawn_blocking`,
//! never on the thread that polls the future.

mod certificates;
mod entries;
mod keys;
mod lists;
mod migrations;
mod outbox;
mod plaintext;
mod profile;
mod seal;

use rusqlite::Connection;
use seal::Sealer;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

pub use certificates::SavedHc1;
pub use entries::CachedEntry;
pub use keys::{KeyVault, KeyVaultError, MemoryKeyVault};
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
    #[error("the keystore failed: {0}")]
    Keystore(String),
    #[error("the system's random source failed")]
    Crypto,
    #[error("the store's background task failed")]
    Task,
}

pub struct Store {
    inner: Mutex<Inner>,
    vault: Arc<dyn KeyVault>,
}

struct Inner {
    db: Connection,
    sealer: Sealer,
}

/// The schema that first sealed personal values: a store found older held them in clear.
const FIRST_SEALED_SCHEMA: u32 = 3;

impl Store {
    /// Opens (creating if needed) the store at `path`, brings its schema up to date, and
    /// unlocks it with the data key `vault` holds.
    pub fn open(path: &Path, vault: Arc<dyn KeyVault>) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Corrupt(format!("cannot create the store's folder: {e}"))
            })?;
        }
        Store::prepare(Connection::open(path)?, vault)
    }

    /// A store that lives only as long as the client, with its key in memory: for tests and
    /// previews.
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::prepare(
            Connection::open_in_memory()?,
            Arc::new(MemoryKeyVault::default()),
        )
    }

    fn prepare(mut db: Connection, vault: Arc<dyn KeyVault>) -> Result<Store, StoreError> {
        // WAL lets a read run beside the sync's writes; NORMAL is durable across app crashes
        // (only a power cut may lose the last commit, which the next sync restores).
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "NORMAL")?;
        db.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted rows and freed pages are overwritten with zeros, not left for a later
        // write to cover.
        db.pragma_update(None, "secure_delete", "ON")?;
        let found = migrations::migrate(&mut db, vault.as_ref())?;
        let sealer = match keys::unlock(&db, vault.as_ref())? {
            Some(sealer) => sealer,
            None => start_over(&mut db, vault.as_ref())?,
        };
        if found < FIRST_SEALED_SCHEMA {
            scrub(&db)?;
        }
        keys::forget_retired(&db, vault.as_ref())?;
        Ok(Store {
            inner: Mutex::new(Inner { db, sealer }),
            vault,
        })
    }

    /// Runs `f` with the connection, for values that are stored in clear. Held only for the
    /// length of `f`, never across an await.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        f(&mut self.lock().db)
    }

    /// Runs `f` with the connection and the sealer of the current key.
    fn with_sealer<T>(
        &self,
        f: impl FnOnce(&mut Connection, &Sealer) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut inner = self.lock();
        let Inner { db, sealer } = &mut *inner;
        f(db, sealer)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // SQLite rolls back an unfinished transaction, and the sealer is replaced only after
        // a commit, so a connection whose user panicked is still consistent.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets everything about the person, the queue included, and the key that sealed
    /// it: sign-out.
    pub fn wipe(&self) -> Result<(), StoreError> {
        self.forget_person(&mut self.lock(), Queue::Drop)
    }

    /// The session lapsed (expired, or refused by the server): forgets what was cached for
    /// it and replaces the key. Queued actions stay, sealed with the new key, to be sent
    /// after the next sign-in. Returns whether there was anything to forget.
    pub fn end_session(&self) -> Result<bool, StoreError> {
        let mut inner = self.lock();
        let cached: bool = inner.db.query_row(
            "SELECT EXISTS (SELECT 1 FROM profile) OR EXISTS (SELECT 1 FROM dependents)
                 OR EXISTS (SELECT 1 FROM entries)",
            [],
            |row| row.get(0),
        )?;
        if cached {
            self.forget_person(&mut inner, Queue::Keep)?;
        }
        Ok(cached)
    }

    fn forget_person(&self, inner: &mut Inner, queue: Queue) -> Result<(), StoreError> {
        let Inner { db, sealer } = inner;
        let tx = db.transaction()?;
        tx.execute_batch(CACHED)?;
        if queue == Queue::Drop {
            tx.execute("DELETE FROM outbox", [])?;
        }
        let replacement = keys::replace(&tx, self.vault.as_ref())?;
        if queue == Queue::Keep {
            outbox::reseal(&tx, sealer, &replacement)?;
        }
        tx.commit()?;
        *sealer = replacement;
        scrub(db)?;
        keys::forget_retired(db, self.vault.as_ref())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queue {
    Keep,
    Drop,
}

/// What a session caches about a person. The signed lists and the pinned key name no one
/// and stay: a phone that changes hands still verifies certificates offline.
const CACHED: &str = "DELETE FROM profile; DELETE FROM dependents; DELETE FROM entries; \
     DELETE FROM certificates;";

/// The keystore no longer holds the key of this file (an app reinstalled over a restored
/// file, a keystore reset): nothing sealed can be read again, so it goes, and a new key
/// starts. The cache refills at the next sync; queued actions are lost with the key.
fn start_over(db: &mut Connection, vault: &dyn KeyVault) -> Result<Sealer, StoreError> {
    tracing::warn!(
        "the offline store's key is gone from the keystore; its sealed rows are dropped"
    );
    let tx = db.transaction()?;
    tx.execute_batch(CACHED)?;
    tx.execute("DELETE FROM outbox", [])?;
    let sealer = keys::replace(&tx, vault)?;
    tx.commit()?;
    scrub(db)?;
    Ok(sealer)
}

/// Moves the pages that `secure_delete` zeroed into the file and empties the write-ahead
/// log, whose frames still hold the pages as they were before.
fn scrub(db: &Connection) -> Result<(), StoreError> {
    db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
