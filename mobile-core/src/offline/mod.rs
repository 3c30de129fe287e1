//! What works without network: the cached profile, dependents and appointments, the queue of
//! actions taken offline, and the sync that sends them when the network is back.

mod sync;

pub use sync::{SyncOutcome, SyncReport};

use crate::Timestamp;
use crate::context::Core;
use crate::error::{CommonError, CoreError};
use crate::queue::{OfflineAction, PendingAction};
use healthbook_domain::Lang;
use healthbook_domain::account::{Dependent, Me};
use healthbook_domain::booking::Appointment;
use std::sync::Arc;
use uuid::Uuid;

/// Why an offline read or a sync failed. Being offline during a sync is not an error: the
/// report says what is left. A signed-out phone keeps its queue for the next sign-in
/// (`NotSignedIn`).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum OfflineError {
    #[error(transparent)]
    Common { error: CommonError },
}

impl From<CoreError> for OfflineError {
    fn from(error: CoreError) -> OfflineError {
        OfflineError::Common {
            error: error.into(),
        }
    }
}

#[uniffi::export]
impl OfflineError {
    /// What to tell the person, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        match self {
            OfflineError::Common { error } => error.user_message(lang),
        }
    }
}

#[derive(uniffi::Object)]
pub struct OfflineClient {
    core: Arc<Core>,
}

impl OfflineClient {
    pub(crate) fn new(core: Arc<Core>) -> OfflineClient {
        OfflineClient { core }
    }

    /// The account whose data the phone holds: the session's, else the cached profile's.
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
        Ok(sync::run(&self.core).await?)
    }
}
