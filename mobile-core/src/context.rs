//! What every sub-client shares: the API, the session, the store, the clock and the language.
//! The areas depend on this and on nothing above them, so that the root object can hand them
//! out without any area reaching back to it.

use crate::clock::Clock;
use crate::error::CoreError;
use crate::http::Api;
use crate::session::Session;
use crate::store::{Store, StoreError};
use healthbook_domain::Lang;
use std::sync::Arc;
use uuid::Uuid;

pub(crate) struct Core {
    pub api: Api,
    pub session: Arc<Session>,
    pub store: Arc<Store>,
    pub clock: Arc<dyn Clock>,
    pub lang: Lang,
    pub device_name: Option<String>,
}

impl Core {
    /// Runs store work on tokio's blocking pool: the future may be polled on the app's
    /// UI thread, which must never wait for the disk. A session that lapsed since the last
    /// store work has its cached data forgotten first, so nothing reads it afterwards.
    pub async fn store<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, CoreError> {
        let store = self.store.clone();
        let session = self.session.clone();
        let lapsed = session.take_lapsed();
        let outcome = tokio::task::spawn_blocking(move || {
            if lapsed && let Err(error) = store.end_session() {
                session.note_lapsed();
                return Err(error);
            }
            work(&store)
        })
        .await
        .map_err(|_| StoreError::Task)?;
        Ok(outcome?)
    }

    /// The account of a session that has not expired.
    pub fn account_id(&self) -> Result<Uuid, CoreError> {
        Ok(self
            .session
            .grant()
            .filter(|_| self.session.token().is_some())
            .ok_or(CoreError::NotSignedIn)?
            .account_id)
    }
}
