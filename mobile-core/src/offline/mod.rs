//! What works without network: the cached profile and dependents, the queue of actions taken
//! offline, and the sync that sends them when the network is back.

mod sync;

pub use sync::{ActionResult, SyncOutcome, SyncReport};

use crate::Timestamp;
use crate::client::Core;
use crate::error::{Common, CoreError};
use crate::store::{QueuedAction, StoreError};
use healthbook_domain::account::{AddDependentRequest, Dependent, Me};
use healthbook_domain::booking::{Appointment, BookAppointmentRequest, Slot};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

/// An action taken while offline. Stored as JSON in the outbox: a variant's shape may grow
/// optional fields only, since a phone may hold actions queued by an older app version.
#[derive(Debug, Clone, Serialize, Deserialize, uniffi::Enum)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OfflineAction {
    AddDependent {
        request: AddDependentRequest,
    },
    /// A booking; `slot` is the slot as it was listed, for the "waiting to be sent" line.
    BookAppointment {
        request: BookAppointmentRequest,
        slot: Slot,
    },
}

/// A queued action, as the app lists it ("waiting to be sent").
#[derive(Debug, Clone, uniffi::Record)]
pub struct PendingAction {
    pub id: Uuid,
    pub action: OfflineAction,
    pub queued_at: Timestamp,
    /// Attempts that failed for a reason that may pass (server busy); 0 while simply offline.
    pub attempts: u32,
    /// The problem code of the last such failure.
    pub last_error: Option<String>,
}

impl From<QueuedAction<OfflineAction>> for PendingAction {
    fn from(queued: QueuedAction<OfflineAction>) -> PendingAction {
        PendingAction {
            id: queued.id,
            action: queued.action,
            queued_at: queued.queued_at,
            attempts: queued.attempts,
            last_error: queued.last_error,
        }
    }
}

/// Why an offline read or a sync failed. Being offline during a sync is not an error: the
/// report says what is left.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum OfflineError {
    /// The queue is kept; it is sent after the next sign-in.
    #[error("no one is signed in")]
    NotSignedIn,
    #[error("local storage failed: {detail}")]
    Storage { detail: String },
    #[error("unexpected failure ({code}): {detail}")]
    Unexpected { code: String, detail: String },
}

impl From<StoreError> for OfflineError {
    fn from(error: StoreError) -> OfflineError {
        OfflineError::Storage {
            detail: error.to_string(),
        }
    }
}

impl From<CoreError> for OfflineError {
    fn from(error: CoreError) -> OfflineError {
        match Common::of(error) {
            Common::NotSignedIn => OfflineError::NotSignedIn,
            Common::Storage(detail) => OfflineError::Storage { detail },
            Common::Unexpected { code, detail, .. } => OfflineError::Unexpected { code, detail },
            Common::Invalid(_) => OfflineError::Unexpected {
                code: "validation_failed".to_owned(),
                detail: String::new(),
            },
            Common::AccountLocked => OfflineError::Unexpected {
                code: "account_locked".to_owned(),
                detail: String::new(),
            },
            Common::RateLimited(_) | Common::Offline | Common::Unavailable => {
                OfflineError::Unexpected {
                    code: "unavailable".to_owned(),
                    detail: String::new(),
                }
            }
        }
    }
}

pub(crate) async fn enqueue(
    core: &Arc<Core>,
    account_id: Uuid,
    action: OfflineAction,
    idempotency_key: Uuid,
) -> Result<PendingAction, StoreError> {
    let queued_at = core.clock.now();
    let stored = action.clone();
    let id = core
        .store(move |store| store.enqueue(account_id, &stored, idempotency_key, queued_at))
        .await?;
    Ok(PendingAction {
        id,
        action,
        queued_at,
        attempts: 0,
        last_error: None,
    })
}

#[derive(uniffi::Object)]
pub struct OfflineClient {
    core: Arc<Core>,
}

impl OfflineClient {
    pub(crate) fn new(core: Arc<Core>) -> OfflineClient {
        OfflineClient { core }
    }

    async fn account_id(&self) -> Result<Option<Uuid>, OfflineError> {
        if let Some(grant) = self.core.session.grant() {
            return Ok(Some(grant.account_id));
        }
        Ok(self.core.store(|store| store.account_id()).await?)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl OfflineClient {
    /// The profile as last synced, with its dependents; `None` before the first sync.
    pub async fn me(&self) -> Result<Option<Me>, OfflineError> {
        Ok(self.core.store(|store| store.me()).await?.map(|(me, _)| me))
    }

    /// When the profile was last synced, for a "last updated" line.
    pub async fn synced_at(&self) -> Result<Option<Timestamp>, OfflineError> {
        Ok(self.core.store(|store| store.me()).await?.map(|(_, at)| at))
    }

    pub async fn dependents(&self) -> Result<Vec<Dependent>, OfflineError> {
        let Some(account_id) = self.account_id().await? else {
            return Ok(Vec::new());
        };
        Ok(self
            .core
            .store(move |store| store.dependents(account_id))
            .await?)
    }

    /// The appointments as last read (`booking().appointments()`, and every booking,
    /// cancellation and move since), in time order.
    pub async fn appointments(&self) -> Result<Vec<Appointment>, OfflineError> {
        let entries = self
            .core
            .store(|store| store.entries_of_kind(crate::booking::APPOINTMENT))
            .await?;
        Ok(crate::booking::cached(entries))
    }

    /// Actions waiting to be sent, oldest first.
    pub async fn pending(&self) -> Result<Vec<PendingAction>, OfflineError> {
        let Some(account_id) = self.account_id().await? else {
            return Ok(Vec::new());
        };
        let queued = self
            .core
            .store(move |store| store.queued::<OfflineAction>(account_id))
            .await?;
        Ok(queued.into_iter().map(PendingAction::from).collect())
    }

    /// Sends the queued actions in the order they were taken. Call it when the platform
    /// reports the network back and when the app comes to the foreground.
    pub async fn sync(&self) -> Result<SyncReport, OfflineError> {
        sync::run(&self.core).await
    }
}
