use super::pin::PinError;
use crate::error::{Common, CoreError};
use healthbook_domain::certificate::EnvelopeError;

/// Why a certificates call failed. A certificate that does not verify is not an error: it is
/// a [`super::VerificationOutcome`].
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum CertificateError {
    /// No trust-list key is pinned yet: the app sets the one it ships with
    /// `setTrustListKey` before the first refresh.
    #[error("no trust-list key is pinned")]
    NoPinnedKey,
    /// The key given to pin cannot be read (`detail` says why).
    #[error("the trust-list key cannot be used: {detail}")]
    InvalidKey { detail: String },
    /// A downloaded list was refused: its signature does not match the pinned key
    /// (`list_bad_signature`), it is older than the one held (`list_rollback`) or it is
    /// malformed (`list_malformed`). The lists held before are kept.
    #[error("the {list} was refused ({code})")]
    ListRejected { list: String, code: String },
    /// The text is not a health certificate at all, so there is nothing to keep.
    #[error("not a health certificate ({code})")]
    NotACertificate { code: String, detail: String },
    #[error("no saved certificate has this id")]
    NotFound,
    #[error("too many requests; try again later")]
    RateLimited { retry_after_seconds: Option<u64> },
    #[error("the server cannot be reached")]
    Offline,
    #[error("the service is temporarily unavailable")]
    Unavailable,
    #[error("local storage failed: {detail}")]
    Storage { detail: String },
    #[error("unexpected answer ({status} {code}): {detail}")]
    Unexpected {
        status: u16,
        code: String,
        detail: String,
    },
}

impl CertificateError {
    pub(crate) fn rejected(list: &str, error: &EnvelopeError) -> CertificateError {
        let code = match error {
            EnvelopeError::Signature(_) | EnvelopeError::Algorithm(_) => "list_bad_signature",
            EnvelopeError::Rollback { .. } => "list_rollback",
            EnvelopeError::Base64(_) | EnvelopeError::Json(_) => "list_malformed",
        };
        CertificateError::ListRejected {
            list: list.to_owned(),
            code: code.to_owned(),
        }
    }
}

impl From<PinError> for CertificateError {
    fn from(error: PinError) -> CertificateError {
        CertificateError::InvalidKey {
            detail: error.to_string(),
        }
    }
}

impl From<CoreError> for CertificateError {
    fn from(error: CoreError) -> CertificateError {
        match Common::of(error) {
            Common::RateLimited(retry_after_seconds) => CertificateError::RateLimited {
                retry_after_seconds,
            },
            Common::Offline => CertificateError::Offline,
            Common::Unavailable => CertificateError::Unavailable,
            Common::Storage(detail) => CertificateError::Storage { detail },
            Common::Unexpected {
                status,
                code,
                detail,
            } => CertificateError::Unexpected {
                status,
                code,
                detail,
            },
            // The lists are public: no session, no lock and no form is involved.
            Common::Invalid(_) | Common::NotSignedIn | Common::AccountLocked => {
                CertificateError::Unexpected {
                    status: 0,
                    code: "unexpected".to_owned(),
                    detail: String::new(),
                }
            }
        }
    }
}

impl From<crate::store::StoreError> for CertificateError {
    fn from(error: crate::store::StoreError) -> CertificateError {
        CertificateError::Storage {
            detail: error.to_string(),
        }
    }
}
