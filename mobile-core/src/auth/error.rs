use crate::error::{CommonError, CoreError};
use healthbook_domain::{Lang, ProblemCode};

/// Why a sign-in or registration step failed.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum AuthError {
    #[error(transparent)]
    Common { error: CommonError },
    /// Wrong, expired, already used, or too many attempts: one answer for all, on purpose.
    #[error("the code is not valid")]
    InvalidCode,
    #[error("the passkey was not accepted")]
    PasskeyRejected,
    /// The platform's passkey answer or the server's options could not be read.
    #[error("the passkey exchange is malformed: {detail}")]
    MalformedPasskey { detail: String },
}

impl From<CoreError> for AuthError {
    fn from(error: CoreError) -> AuthError {
        match error.problem() {
            Some(ProblemCode::InvalidCode) => AuthError::InvalidCode,
            Some(ProblemCode::PasskeyRejected) => AuthError::PasskeyRejected,
            _ => AuthError::Common {
                error: error.into(),
            },
        }
    }
}

impl From<CommonError> for AuthError {
    fn from(error: CommonError) -> AuthError {
        AuthError::Common { error }
    }
}

impl From<crate::passkey::MalformedOptions> for AuthError {
    fn from(error: crate::passkey::MalformedOptions) -> AuthError {
        AuthError::MalformedPasskey {
            detail: error.to_string(),
        }
    }
}

#[uniffi::export]
impl AuthError {
    /// What to tell the person, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        let code = match self {
            AuthError::Common { error } => return error.user_message(lang),
            AuthError::InvalidCode => ProblemCode::InvalidCode,
            AuthError::PasskeyRejected | AuthError::MalformedPasskey { .. } => {
                ProblemCode::PasskeyRejected
            }
        };
        code.message(lang).to_owned()
    }
}
