use super::pin::PinError;
use crate::error::{CommonError, CoreError, Own};
use healthbook_domain::Lang;
use healthbook_domain::certificate::EnvelopeError;

/// Why a certificates call failed. A certificate that does not verify is not an error: it is
/// a [`super::VerificationOutcome`].
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum CertificateError {
    #[error(transparent)]
    Common { error: CommonError },
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
    /// The text is not a health certificate at all, so there is nothing to keep; `detail`
    /// says why, in the client's language.
    #[error("not a health certificate ({code})")]
    NotACertificate { code: String, detail: String },
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
        CertificateError::Common {
            error: error.into(),
        }
    }
}

impl From<CommonError> for CertificateError {
    fn from(error: CommonError) -> CertificateError {
        CertificateError::Common { error }
    }
}

#[uniffi::export]
impl CertificateError {
    /// What to tell the person, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        match self {
            CertificateError::Common { error } => error.user_message(lang),
            CertificateError::NoPinnedKey | CertificateError::InvalidKey { .. } => {
                Own::NoTrustListKey.message(lang)
            }
            CertificateError::ListRejected { .. } => Own::ListRejected.message(lang),
            CertificateError::NotACertificate { detail, .. } => detail.clone(),
        }
    }
}
