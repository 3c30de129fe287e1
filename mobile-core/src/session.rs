//! The signed-in session: the token lives in the platform's keystore, behind [`TokenStore`],
//! and in memory for the life of the client.

use crate::clock::Clock;
use healthbook_domain::account::SessionGrant;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Implemented by the app over Android Keystore (e.g. EncryptedSharedPreferences) or the iOS
/// Keychain. The core calls it when a session starts and ends; it never writes the token
/// anywhere else. Calls are short and synchronous, and must not call back into the core:
/// the session is locked while they run, so that a start and an end never interleave.
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
    /// The session ended without the person signing out (it expired, or the server refused
    /// its token): what the phone cached for it is still to be forgotten.
    lapsed: AtomicBool,
}

impl Session {
    pub fn load(store: Arc<dyn TokenStore>, clock: Arc<dyn Clock>) -> Session {
        let saved = store.load();
        Session {
            store,
            clock,
            current: Mutex::new(saved),
            lapsed: AtomicBool::new(false),
        }
    }

    /// The bearer token of a session that has not expired. An expired one is forgotten here,
    /// so the app learns `NotSignedIn` without a round trip.
    pub fn token(&self) -> Option<String> {
        let now = self.clock.now();
        self.end_if(|grant| grant.expires_at <= now);
        self.with(|current| current.as_ref().map(|grant| grant.token.expose().clone()))
    }

    pub fn grant(&self) -> Option<SessionGrant> {
        self.with(|current| current.clone())
    }

    pub fn start(&self, grant: SessionGrant) {
        self.with(|current| {
            self.store.save(grant.clone());
            *current = Some(grant);
        });
    }

    /// The person signed out: forgets the token. The caller wipes what was cached.
    pub fn clear(&self) {
        self.with(|current| {
            self.store.clear();
            *current = None;
        });
        self.lapsed.store(false, Ordering::SeqCst);
    }

    /// The server no longer honours `token` (expired, revoked, signed out elsewhere):
    /// forgets it, unless a newer session replaced it meanwhile.
    pub fn refused(&self, token: &str) {
        self.end_if(|grant| grant.token.expose() == token);
    }

    /// Whether a session lapsed since the last call: the caller then forgets what the phone
    /// cached for it.
    pub fn take_lapsed(&self) -> bool {
        self.lapsed.swap(false, Ordering::SeqCst)
    }

    /// Notes a lapse again, when forgetting its data failed and must be tried again.
    pub fn note_lapsed(&self) {
        self.lapsed.store(true, Ordering::SeqCst);
    }

    /// Ends the current session if `ended` says so, in memory and in the keystore at once,
    /// so that a session started meanwhile is never the one forgotten.
    fn end_if(&self, ended: impl FnOnce(&SessionGrant) -> bool) {
        let lapsed = self.with(|current| match current {
            Some(grant) if ended(grant) => {
                self.store.clear();
                *current = None;
                true
            }
            _ => false,
        });
        if lapsed {
            self.note_lapsed();
        }
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
    fn a_refusal_of_an_older_token_leaves_a_newer_session_alone() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let tokens = Arc::new(MemoryTokens::default());
        let session = Session::load(tokens.clone(), Arc::new(FixedClock(now)));
        let mut newer = grant(now + Duration::hours(1));
        newer.token = Sensitive::new("newer".into());
        session.start(newer);

        session.refused("token");
        assert_eq!(session.token().as_deref(), Some("newer"));
        assert!(!session.take_lapsed());

        session.refused("newer");
        assert_eq!(session.token(), None);
        assert!(tokens.load().is_none());
        assert!(session.take_lapsed(), "the lapse was not noted");
    }

    #[test]
    fn signing_out_is_not_a_lapse() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let tokens = Arc::new(MemoryTokens::default());
        tokens.save(grant(now - Duration::minutes(1)));
        let session = Session::load(tokens, Arc::new(FixedClock(now)));
        assert_eq!(session.token(), None);
        session.clear();
        assert!(!session.take_lapsed());
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
