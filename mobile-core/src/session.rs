//! The signed-in session: the token lives in the platform's keystore, behind [`TokenStore`],
//! and in memory for the life of the client.

use crate::clock::Clock;
use healthbook_domain::Sensitive;
use healthbook_domain::account::SessionGrant;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Implemented by the app over Android Keystore or the iOS Keychain. The core calls it when a
/// session starts and ends, and hands it the session already encoded: the app keeps the text
/// as it is (sealed by the keystore), never reads it, and never writes it anywhere else, so
/// that both apps save the same thing and only the core knows its shape. Calls are short and
/// synchronous, and must not call back into the core: the session is locked while they run,
/// so that a start and an end never interleave.
#[uniffi::export(foreign)]
pub trait TokenStore: Send + Sync {
    /// The text saved last, if any.
    fn load(&self) -> Option<Sensitive<String>>;
    /// Replaces the saved text.
    fn save(&self, session: Sensitive<String>);
    /// Forgets the saved session (sign-out, expiry, revocation).
    fn clear(&self);
}

/// The session as the core saves it through [`TokenStore`]. `version` lets a later core read
/// what an earlier one wrote; text it cannot read is a session lost, not an error.
#[derive(Serialize, Deserialize)]
struct Saved {
    version: u32,
    grant: SessionGrant,
}

const SAVED_VERSION: u32 = 1;

fn encode(grant: &SessionGrant) -> Option<Sensitive<String>> {
    let saved = Saved {
        version: SAVED_VERSION,
        grant: grant.clone(),
    };
    serde_json::to_string(&saved).ok().map(Sensitive::new)
}

fn decode(text: &Sensitive<String>) -> Option<SessionGrant> {
    serde_json::from_str::<Saved>(text.expose())
        .ok()
        .filter(|saved| saved.version == SAVED_VERSION)
        .map(|saved| saved.grant)
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
        let text = store.load();
        let saved = text.as_ref().and_then(decode);
        if text.is_some() && saved.is_none() {
            // Written by another version in a shape this one cannot read: sign in again.
            tracing::info!("the saved session could not be read and is forgotten");
            store.clear();
        }
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
            match encode(&grant) {
                Some(text) => self.store.save(text),
                // Kept for this run only: the next start asks to sign in again.
                None => self.store.clear(),
            }
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

    /// The keystore as the apps keep it: the core's text, as it is.
    #[derive(Default)]
    pub struct MemoryTokens(pub Mutex<Option<Sensitive<String>>>);

    impl TokenStore for MemoryTokens {
        fn load(&self) -> Option<Sensitive<String>> {
            self.0.lock().unwrap().clone()
        }
        fn save(&self, session: Sensitive<String>) {
            *self.0.lock().unwrap() = Some(session);
        }
        fn clear(&self) {
            *self.0.lock().unwrap() = None;
        }
    }

    impl MemoryTokens {
        /// A session saved as the core saves it.
        pub fn holding(grant: &SessionGrant) -> MemoryTokens {
            MemoryTokens(Mutex::new(encode(grant)))
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
        let tokens = Arc::new(MemoryTokens::holding(&grant(now - Duration::minutes(1))));
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
        let tokens = Arc::new(MemoryTokens::holding(&grant(now - Duration::minutes(1))));
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
        let tokens = Arc::new(MemoryTokens::holding(&grant(now + Duration::hours(1))));
        let session = Session::load(tokens, Arc::new(FixedClock(now)));
        assert_eq!(session.token().as_deref(), Some("token"));
    }

    #[test]
    fn the_keystore_holds_the_session_as_the_core_wrote_it() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let tokens = Arc::new(MemoryTokens::default());
        let session = Session::load(tokens.clone(), Arc::new(FixedClock(now)));
        let mut started = grant(now + Duration::hours(1));
        started.assurance = Assurance::Passkey;
        session.start(started);

        let text = tokens.load().unwrap();
        let saved: serde_json::Value = serde_json::from_str(text.expose()).unwrap();
        assert_eq!(saved["version"], 1);
        assert_eq!(saved["grant"]["assurance"], "passkey");
        assert_eq!(saved["grant"]["expires_at"], "2026-11-23T09:00:00Z");
        let restored = Session::load(tokens, Arc::new(FixedClock(now)));
        assert_eq!(restored.grant().unwrap().assurance, Assurance::Passkey);
        assert_eq!(restored.token().as_deref(), Some("token"));
    }

    #[test]
    fn a_saved_session_the_core_cannot_read_is_forgotten() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        // What an app wrote itself before the core encoded the session.
        let tokens = Arc::new(MemoryTokens(Mutex::new(Some(Sensitive::new(
            r#"{"token":"t","session_id":"x","assurance":"BASIC"}"#.to_owned(),
        )))));
        let session = Session::load(tokens.clone(), Arc::new(FixedClock(now)));
        assert_eq!(session.token(), None);
        assert!(tokens.load().is_none(), "the unreadable text was kept");
    }
}
