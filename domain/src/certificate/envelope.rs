//! The signed JSON envelope in which the server publishes its trust list and revocation
//! list, and in which the phone receives them:
//! `{ "payload": base64url(json), "kid": …, "alg": "ES256", "signature": base64url(r‖s) }`.
//!
//! The signature covers the payload bytes exactly as sent, so the verifier never has to
//! reproduce a canonical JSON form.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::error::{SignError, SignatureError};
use super::key::{Algorithm, VerifyingKey};
use super::signer::Signer;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedEnvelope {
    /// base64url (no padding) of the JSON document's bytes.
    pub payload: String,
    /// The signer's kid, standard base64 (informative: the verifier pins its key).
    pub kid: String,
    pub alg: String,
    /// base64url (no padding) of the signature: raw `r ‖ s` for ES256.
    pub signature: String,
}

/// A document that is published in versions and goes stale.
pub trait VersionedDocument: Serialize + DeserializeOwned {
    /// Grows with every publication; a verifier refuses to go back.
    fn version(&self) -> u64;
    fn issued_at(&self) -> DateTime<Utc>;
    /// After this many seconds past `issued_at` the document is stale (still usable).
    fn max_age_seconds(&self) -> u64;
}

/// A document whose signature and version were accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened<T> {
    pub document: T,
    /// Older than its max age at `now`: the app should say so and fetch a new one, but an
    /// offline verifier keeps working with what it has.
    pub stale: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EnvelopeError {
    #[error("the envelope's {0} is not base64url")]
    Base64(&'static str),
    #[error("the envelope's algorithm {0:?} is not supported")]
    Algorithm(String),
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("the signed document is not the expected JSON: {0}")]
    Json(String),
    #[error("version {offered} is older than version {seen}, which was already accepted")]
    Rollback { seen: u64, offered: u64 },
}

/// Serialises `document` and signs the bytes.
pub fn seal<T: Serialize>(document: &T, signer: &dyn Signer) -> Result<SignedEnvelope, SignError> {
    let payload = serde_json::to_vec(document)
        .map_err(|error| SignError::Backend(format!("serialising the document: {error}")))?;
    let signature = signer.sign(&payload)?;
    Ok(SignedEnvelope {
        payload: URL_SAFE_NO_PAD.encode(&payload),
        kid: signer.key_id().to_base64(),
        alg: signer.algorithm().name().to_owned(),
        signature: URL_SAFE_NO_PAD.encode(signature),
    })
}

/// Checks the signature with the pinned `key`, refuses a version older than
/// `previously_seen_version`, and reports staleness at `now`.
pub fn open<T: VersionedDocument>(
    envelope: &SignedEnvelope,
    key: &VerifyingKey,
    previously_seen_version: Option<u64>,
    now: DateTime<Utc>,
) -> Result<Opened<T>, EnvelopeError> {
    let algorithm = Algorithm::from_name(&envelope.alg)
        .ok_or_else(|| EnvelopeError::Algorithm(envelope.alg.clone()))?;
    let payload = URL_SAFE_NO_PAD
        .decode(&envelope.payload)
        .map_err(|_| EnvelopeError::Base64("payload"))?;
    let signature = URL_SAFE_NO_PAD
        .decode(&envelope.signature)
        .map_err(|_| EnvelopeError::Base64("signature"))?;
    key.verify(algorithm, &payload, &signature)?;
    let document: T =
        serde_json::from_slice(&payload).map_err(|error| EnvelopeError::Json(error.to_string()))?;
    if let Some(seen) = previously_seen_version
        && document.version() < seen
    {
        return Err(EnvelopeError::Rollback {
            seen,
            offered: document.version(),
        });
    }
    let max_age =
        TimeDelta::try_seconds(i64::try_from(document.max_age_seconds()).unwrap_or(i64::MAX))
            .unwrap_or(TimeDelta::MAX);
    let stale = document
        .issued_at()
        .checked_add_signed(max_age)
        .is_some_and(|fresh_until| now > fresh_until);
    Ok(Opened { document, stale })
}
