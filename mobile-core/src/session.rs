//! The signed-in session: the token lives in the platform's keystore, behind [`TokenStore`],
//! and in memory for the life of the client.

use crate::clock::Clock;
use healthbook_domain::account::SessionGrant;
use std::sync::{Arc, Mutex};

/// Implemented by the app over Android Keystore (e.g. EncryptedSharedPreferences) or the iOS
/// Keychain. The core calls it when a session starts and ends; it never writes the token
/// anywhere else. Calls are short and synchronous.
#[uniffi::export(foreign)]
pub trait TokenStore: Send + Sync {
    /// The session saved last, if any.
    fn load(&self) -> Option<SessionGrant>;
    /// Replaces the saved session.
    fn save(&self, grant: SessionGrant);
    /// Forgets the saved session (sign-out, expiry, revocation).
    fn clear(&self);
}

pub struct Session {
    store: Arc<dyn TokenStore>,
    clock: Arc<dyn Clock>,
    current: Mutex<Option<SessionGrant>>,
}

impl Session {
    pub fn load(store: Arc<dyn TokenStore>, clock: Arc<dyn Clock>) -> Session {
        let saved = store.load();
        let session = Session {
            store,
            clock,
            current: Mutex::new(None),
        };
        if let Some(grant) = saved {
            session.replace(Some(grant));
        }
        session
    }

    /// The bearer token of a session that has not expired. An expired one is forgotten here,
    /// so the app learns `NotSignedIn` without a round trip.
    pub fn token(&self) -> Option<String> {
        let now = self.clock.now();
        let mut expired = false;
        let token = self.with(|current| match current {
            Some(grant) if grant.expires_at > now => Some(grant.token.expose().clone()),
            Some(_) => {
                expired = true;
                None
            }
            None => None,
        });
        if expired {
            self.clear();
        }
        token
    }

    pub fn grant(&self) -> Option<SessionGrant> {
        self.with(|current| current.clone())
    }

    pub fn start(&self, grant: SessionGrant) {
        self.store.save(grant.clone());
        self.replace(Some(grant));
    }

    pub fn clear(&self) {
        self.store.clear();
        self.replace(None);
    }

    fn replace(&self, grant: Option<SessionGrant>) {
        self.with(|current| *current = grant);
    }

    fn with<T>(&self, f: impl FnOnce(&mut Option<SessionGrant>) -> T) -> T {
        // A panic while holding this lock cannot leave a half-written grant behind, so a
        // poisoned lock is still safe to use.
        let mut guard = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use chrono::{DateTime, Duration, Utc};
    use healthbook_domain::Sensitive;
    use healthbook_domain::account::Assurance;
    use uuid::Uuid;

    #[derive(Default)]
    pub struct MemoryTokens(pub Mutex<Option<SessionGrant>>);

    impl TokenStore for MemoryTokens {
        fn load(&self) -> Option<SessionGrant> {
            self.0.lock().unwrap().clone()
        }
        fn save(&self, grant: SessionGrant) {
            *self.0.lock().unwrap() = Some(grant);
        }
        fn clear(&self) {
            *self.0.lock().unwrap() = None;
        }
    }

    pub fn grant(expires_at: DateTime<Utc>) -> SessionGrant {
        SessionGrant {
            token: Sensitive::new("token".into()),
            session_id: Uuid::nil(),
            account_id: Uuid::nil(),
            assurance: Assurance::Basic,
            expires_at,
        }
    }

    #[test]
    fn an_expired_session_is_forgotten_in_memory_and_in_the_keystore() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let tokens = Arc::new(MemoryTokens::default());
        tokens.save(grant(now - Duration::minutes(1)));
        let session = Session::load(tokens.clone(), Arc::new(FixedClock(now)));
        assert_eq!(session.token(), None);
        assert!(tokens.load().is_none());
    }

    #[test]
    fn a_live_session_is_read_from_the_keystore_once() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let tokens = Arc::new(MemoryTokens::default());
        tokens.save(grant(now + Duration::hours(1)));
        let session = Session::load(tokens, Arc::new(FixedClock(now)));
        assert_eq!(session.token().as_deref(), Some("token"));
    }
}
