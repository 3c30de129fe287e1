use crate::error::{Common, CoreError, FieldProblem};

/// Why a sign-in or registration step failed. Each variant is a different thing to show.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum AuthError {
    /// Fields to correct; shown beside each field.
    #[error("the input is not valid")]
    InvalidInput { issues: Vec<FieldProblem> },
    #[error("this national ID already has an account")]
    NationalIdAlreadyRegistered,
    #[error("this email address already has an account")]
    EmailAlreadyRegistered,
    /// Wrong, expired, already used, or too many attempts: one answer for all, on purpose.
    #[error("the code is not valid")]
    InvalidCode,
    /// Staff accounts sign in with a passkey only.
    #[error("this account signs in with a passkey")]
    PasskeyRequired,
    #[error("the passkey was not accepted")]
    PasskeyRejected,
    /// The platform's passkey answer or the server's options could not be read.
    #[error("the passkey exchange is malformed: {detail}")]
    MalformedPasskey { detail: String },
    #[error("no one is signed in")]
    NotSignedIn,
    #[error("the account is locked")]
    AccountLocked,
    #[error("too many attempts; try again later")]
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

impl From<CoreError> for AuthError {
    fn from(error: CoreError) -> AuthError {
        match error.code() {
            Some("national_id_already_registered") => {
                return AuthError::NationalIdAlreadyRegistered;
            }
            Some("email_already_registered") => return AuthError::EmailAlreadyRegistered,
            Some("invalid_code") => return AuthError::InvalidCode,
            Some("passkey_required") => return AuthError::PasskeyRequired,
            Some("passkey_rejected") => return AuthError::PasskeyRejected,
            _ => {}
        }
        match Common::of(error) {
            Common::Invalid(issues) => AuthError::InvalidInput { issues },
            Common::NotSignedIn => AuthError::NotSignedIn,
            Common::AccountLocked => AuthError::AccountLocked,
            Common::RateLimited(retry_after_seconds) => AuthError::RateLimited {
                retry_after_seconds,
            },
            Common::Offline => AuthError::Offline,
            Common::Unavailable => AuthError::Unavailable,
            Common::Storage(detail) => AuthError::Storage { detail },
            Common::Unexpected {
                status,
                code,
                detail,
            } => AuthError::Unexpected {
                status,
                code,
                detail,
            },
        }
    }
}

impl From<crate::store::StoreError> for AuthError {
    fn from(error: crate::store::StoreError) -> AuthError {
        AuthError::Storage {
            detail: error.to_string(),
        }
    }
}

impl From<crate::passkey::MalformedOptions> for AuthError {
    fn from(error: crate::passkey::MalformedOptions) -> AuthError {
        AuthError::MalformedPasskey {
            detail: error.to_string(),
        }
    }
}
