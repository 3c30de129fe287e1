//! The root object the apps hold for their whole life, and the shared state behind it.

use crate::account::AccountClient;
use crate::auth::AuthClient;
use crate::booking::BookingClient;
use crate::certificates::CertificatesClient;
use crate::clock::{Clock, SystemClock};
use crate::http::{Api, RetryPolicy};
use crate::offline::OfflineClient;
use crate::session::{Session, TokenStore};
use crate::store::{KeyVault, Store, StoreError};
use healthbook_domain::Lang;
use std::path::Path;
use std::sync::Arc;

/// How the app configures the core, once, at start.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClientConfig {
    /// `https://api.healthbook.gov.vn` (no trailing path); `http://10.0.2.2:8080` from the
    /// Android emulator to a server on the developer's machine.
    pub base_url: String,
    /// The offline store's file, in storage no other app can read and no backup copies:
    /// Android `Context.noBackupFilesDir`, iOS Application Support excluded from backups.
    pub store_path: String,
    /// The language of server messages and of validation messages.
    pub lang: Lang,
    /// Shown in the list of sessions ("Pixel 8"), so the citizen recognises this phone.
    pub device_name: Option<String>,
}

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ClientError {
    #[error("the server address is not a valid http(s) URL")]
    InvalidBaseUrl,
    #[error("the offline store cannot be opened: {detail}")]
    Storage { detail: String },
}

/// What every sub-client shares.
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
    /// UI thread, which must never wait for the disk.
    pub async fn store<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(&store))
            .await
            .map_err(|_| StoreError::Task)?
    }
}

/// The one object an app creates: it holds the session and the offline store and hands out
/// a sub-client per area.
#[derive(uniffi::Object)]
pub struct HealthBookClient {
    core: Arc<Core>,
}

#[uniffi::export]
impl HealthBookClient {
    /// Opens the offline store (creating or migrating it) with the data key `key_vault`
    /// keeps, and reads the saved session from `token_store`. Fast and local: no network.
    #[uniffi::constructor]
    pub fn new(
        config: ClientConfig,
        token_store: Arc<dyn TokenStore>,
        key_vault: Arc<dyn KeyVault>,
    ) -> Result<Arc<HealthBookClient>, ClientError> {
        let store = Store::open(Path::new(&config.store_path), key_vault).map_err(storage)?;
        HealthBookClient::assemble(config, token_store, store, Arc::new(SystemClock))
    }

    pub fn auth(&self) -> Arc<AuthClient> {
        Arc::new(AuthClient::new(self.core.clone()))
    }

    pub fn account(&self) -> Arc<AccountClient> {
        Arc::new(AccountClient::new(self.core.clone()))
    }

    pub fn booking(&self) -> Arc<BookingClient> {
        Arc::new(BookingClient::new(self.core.clone()))
    }

    pub fn certificates(&self) -> Arc<CertificatesClient> {
        Arc::new(CertificatesClient::new(self.core.clone()))
    }

    pub fn offline(&self) -> Arc<OfflineClient> {
        Arc::new(OfflineClient::new(self.core.clone()))
    }

    /// Whether a session is held that has not expired. Memory only: cheap enough to call
    /// while drawing a screen.
    pub fn is_signed_in(&self) -> bool {
        self.core.session.token().is_some()
    }
}

impl HealthBookClient {
    /// The same client over a given store and clock, for tests.
    pub fn assemble(
        config: ClientConfig,
        token_store: Arc<dyn TokenStore>,
        store: Store,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<HealthBookClient>, ClientError> {
        let base_url = config.base_url.trim();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(ClientError::InvalidBaseUrl);
        }
        let session = Arc::new(Session::load(token_store, clock.clone()));
        let api = Api::new(
            base_url,
            config.lang,
            session.clone(),
            RetryPolicy::default(),
        )
        .map_err(|_| ClientError::InvalidBaseUrl)?;
        Ok(Arc::new(HealthBookClient {
            core: Arc::new(Core {
                api,
                session,
                store: Arc::new(store),
                clock,
                lang: config.lang,
                device_name: config.device_name,
            }),
        }))
    }
}

fn storage(error: StoreError) -> ClientError {
    ClientError::Storage {
        detail: error.to_string(),
    }
}

/// The core's version, for an app's "about" screen and bug reports.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
