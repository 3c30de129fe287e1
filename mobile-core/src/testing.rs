//! A software passkey authenticator for tests of the bindings on the JVM, where no platform
//! authenticator exists. Compiled only with the `test-authenticator` feature: an app build
//! never contains it.

use healthbook_soft_authenticator::SoftAuthenticator;
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum SoftPasskeyError {
    #[error("the options are not WebAuthn JSON: {detail}")]
    BadOptions { detail: String },
    #[error("the authenticator failed: {detail}")]
    Failed { detail: String },
}

/// Plays the platform: takes `request_json` as the core hands it to Credential Manager and
/// answers the JSON Credential Manager would.
#[derive(uniffi::Object)]
pub struct SoftPasskey {
    inner: Mutex<SoftAuthenticator>,
}

#[uniffi::export]
impl SoftPasskey {
    /// `origin` must be one the server accepts (`HEALTHBOOK_WEBAUTHN_ORIGINS`).
    #[uniffi::constructor]
    pub fn new(origin: String) -> Arc<SoftPasskey> {
        Arc::new(SoftPasskey {
            inner: Mutex::new(SoftAuthenticator::new(&origin)),
        })
    }

    pub fn register(&self, request_json: String) -> Result<String, SoftPasskeyError> {
        self.answer(&request_json, |authenticator, options| {
            authenticator.register(options)
        })
    }

    pub fn authenticate(&self, request_json: String) -> Result<String, SoftPasskeyError> {
        self.answer(&request_json, |authenticator, options| {
            authenticator.authenticate(options)
        })
    }
}

impl SoftPasskey {
    fn answer(
        &self,
        request_json: &str,
        ceremony: impl FnOnce(
            &mut SoftAuthenticator,
            &serde_json::Value,
        )
            -> Result<serde_json::Value, healthbook_soft_authenticator::SoftError>,
    ) -> Result<String, SoftPasskeyError> {
        let options =
            serde_json::from_str(request_json).map_err(|e| SoftPasskeyError::BadOptions {
                detail: e.to_string(),
            })?;
        let mut authenticator = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        ceremony(&mut authenticator, &options)
            .map(|response| response.to_string())
            .map_err(|e| SoftPasskeyError::Failed {
                detail: e.to_string(),
            })
    }
}
