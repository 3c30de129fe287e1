//! The root object the apps hold for their whole life, and the shared state behind it.

use crate::account::AccountClient;
use crate::auth::AuthClient;
use crate::book::BookClient;
use crate::booking::BookingClient;
use crate::certificates::CertificatesClient;
use crate::clock::{Clock, SystemClock};
use crate::context::Core;
use crate::http::{Api, RetryPolicy};
use crate::offline::OfflineClient;
use crate::session::{Session, TokenStore};
use crate::store::{KeyVault, Store, StoreError};
use crate::vaccination::{VaccinationClient, VaccinatorClient};
use healthbook_domain::Lang;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

/// How the app configures the core, once, at start.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClientConfig {
    /// `https://api.healthbook.gov.vn` (no trailing path). Plain `http://` only to this
    /// device itself (`127.0.0.0/8`, `::1`, `localhost`): a developer's server, reached from
    /// the Android emulator through `adb reverse tcp:8080 tcp:8080`.
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
    /// `http://` to another machine: tokens and health data would cross the network in
    /// clear. Use `https://`.
    #[error("the server address must use https (plain http only to this device itself)")]
    InsecureBaseUrl,
    #[error("the offline store cannot be opened: {detail}")]
    Storage { detail: String },
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
        check_base_url(&config.base_url)?;
        let store = Store::open(Path::new(&config.store_path), key_vault).map_err(storage)?;
        HealthBookClient::assemble(config, token_store, store, Arc::new(SystemClock))
    }

    pub fn auth(&self) -> Arc<AuthClient> {
        Arc::new(AuthClient::new(self.core.clone()))
    }

    pub fn account(&self) -> Arc<AccountClient> {
        Arc::new(AccountClient::new(self.core.clone()))
    }

    pub fn book(&self) -> Arc<BookClient> {
        Arc::new(BookClient::new(self.core.clone()))
    }

    pub fn booking(&self) -> Arc<BookingClient> {
        Arc::new(BookingClient::new(self.core.clone()))
    }

    pub fn certificates(&self) -> Arc<CertificatesClient> {
        Arc::new(CertificatesClient::new(self.core.clone()))
    }

    pub fn vaccination(&self) -> Arc<VaccinationClient> {
        Arc::new(VaccinationClient::new(self.core.clone()))
    }

    /// A vaccinator's work: the day, the visit behind a scanned code, doses (also offline).
    pub fn vaccinator(&self) -> Arc<VaccinatorClient> {
        Arc::new(VaccinatorClient::new(self.core.clone()))
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
        let base_url = check_base_url(&config.base_url)?;
        let session = Arc::new(Session::load(token_store, clock.clone()));
        if session.token().is_none() {
            // No live session: what one cached and could not forget before the app stopped
            // (it expired meanwhile, or the app was killed first) goes now.
            session.take_lapsed();
            store.end_session().map_err(storage)?;
        }
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

/// The address trimmed, once it is `https://`, or `http://` to this device itself.
fn check_base_url(text: &str) -> Result<&str, ClientError> {
    let text = text.trim();
    let url = reqwest::Url::parse(text).map_err(|_| ClientError::InvalidBaseUrl)?;
    let host = url.host_str().ok_or(ClientError::InvalidBaseUrl)?;
    match url.scheme() {
        "https" => Ok(text),
        "http" if is_loopback(host) => Ok(text),
        "http" => Err(ClientError::InsecureBaseUrl),
        _ => Err(ClientError::InvalidBaseUrl),
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// The core's version, for an app's "about" screen and bug reports.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::session::tests::{self as session_tests, MemoryTokens};
    use crate::store::MemoryKeyVault;
    use crate::store::tests as store_tests;
    use chrono::Duration;

    #[test]
    fn plain_http_is_refused_except_to_this_device() {
        for url in [
            "http://api.healthbook.gov.vn",
            "http://10.0.2.2:8080",
            "http://192.168.1.20:8080",
            "http://[2001:db8::1]:8080",
            "http://localhost.example.vn",
            "http://128.0.0.1",
            " HTTP://api.healthbook.gov.vn ",
        ] {
            assert!(
                matches!(check_base_url(url), Err(ClientError::InsecureBaseUrl)),
                "{url}"
            );
        }
        for url in [
            "http://127.0.0.1:8080",
            "http://127.8.9.10",
            "http://[::1]:8080",
            "http://localhost:8080",
            "http://LOCALHOST",
            "https://api.healthbook.gov.vn",
            "https://10.0.2.2:8443",
        ] {
            assert!(check_base_url(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn an_address_that_is_not_an_http_url_is_invalid() {
        for url in [
            "",
            "api.healthbook.gov.vn",
            "ftp://api.healthbook.gov.vn",
            "https://",
        ] {
            assert!(
                matches!(check_base_url(url), Err(ClientError::InvalidBaseUrl)),
                "{url:?}"
            );
        }
    }

    /// A clock the test moves forward.
    struct MovingClock(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

    impl Clock for MovingClock {
        fn now(&self) -> chrono::DateTime<chrono::Utc> {
            *self.0.lock().unwrap()
        }
    }

    fn config() -> ClientConfig {
        ClientConfig {
            // Nothing listens there: these tests never touch the network.
            base_url: "http://127.0.0.1:9".to_owned(),
            store_path: String::new(),
            lang: Lang::Vi,
            device_name: None,
        }
    }

    /// A phone whose store holds a person's profile, a child, and an action queued offline.
    fn phone_with_a_person(
        dir: &Path,
        keys: Arc<MemoryKeyVault>,
        account: uuid::Uuid,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Store {
        let store = Store::open(&dir.join("store.sqlite"), keys).unwrap();
        store
            .save_me(
                &store_tests::me(account, vec![store_tests::child("Khôi")]),
                now,
            )
            .unwrap();
        store
            .enqueue(account, &"queued", uuid::Uuid::new_v4(), now)
            .unwrap();
        store
    }

    #[tokio::test]
    async fn an_expired_session_takes_the_cached_person_with_it_and_keeps_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Arc::new(MemoryKeyVault::default());
        let now = store_tests::at("2026-11-23T08:00:00Z");
        let grant = session_tests::grant(now + Duration::hours(1));
        let tokens = Arc::new(MemoryTokens::holding(&grant));
        let account = grant.account_id;
        let store = phone_with_a_person(dir.path(), keys.clone(), account, now);
        let clock = Arc::new(MovingClock(std::sync::Mutex::new(now)));
        let client = HealthBookClient::assemble(config(), tokens, store, clock.clone()).unwrap();
        assert!(client.offline().me().await.unwrap().is_some());
        let key_before = keys.names();

        *clock.0.lock().unwrap() = now + Duration::hours(2);
        assert!(!client.is_signed_in());
        assert!(client.offline().me().await.unwrap().is_none());
        assert_ne!(keys.names(), key_before, "the data key was kept");

        let reopened = Store::open(&dir.path().join("store.sqlite"), keys).unwrap();
        assert!(reopened.me().unwrap().is_none());
        assert_eq!(
            reopened.queued::<String>(account).unwrap()[0].action,
            "queued"
        );
    }

    #[test]
    fn a_client_started_without_a_session_forgets_what_the_last_one_cached() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Arc::new(MemoryKeyVault::default());
        let now = store_tests::at("2026-11-23T08:00:00Z");
        let store = phone_with_a_person(dir.path(), keys.clone(), uuid::Uuid::new_v4(), now);
        let key_before = keys.names();

        HealthBookClient::assemble(
            config(),
            Arc::new(MemoryTokens::default()),
            store,
            Arc::new(FixedClock(now)),
        )
        .unwrap();

        let reopened = Store::open(&dir.path().join("store.sqlite"), keys.clone()).unwrap();
        assert!(reopened.me().unwrap().is_none());
        assert_ne!(keys.names(), key_before, "the data key was kept");
    }

    #[test]
    fn a_client_is_not_built_over_plain_http_to_another_machine() {
        let dir = tempfile::tempdir().unwrap();
        let config = ClientConfig {
            base_url: "http://10.0.2.2:8080".to_owned(),
            store_path: dir.path().join("store.sqlite").display().to_string(),
            lang: Lang::Vi,
            device_name: None,
        };
        let refused = HealthBookClient::new(
            config,
            Arc::new(MemoryTokens::default()),
            Arc::new(MemoryKeyVault::default()),
        );
        assert!(matches!(refused, Err(ClientError::InsecureBaseUrl)));
        assert!(!dir.path().join("store.sqlite").exists());
    }
}
