use crate::error::{Common, CoreError, FieldProblem};

/// Why a call about the signed-in account failed.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum AccountError {
    #[error("the input is not valid")]
    InvalidInput { issues: Vec<FieldProblem> },
    #[error("no one is signed in")]
    NotSignedIn,
    /// The call needs a passkey session; offer passkey sign-in.
    #[error("sign in with a passkey to continue")]
    StepUpRequired,
    #[error("not found")]
    NotFound,
    /// The last passkey cannot be removed: the account would have no way in for health data.
    #[error("the last passkey cannot be removed")]
    LastPasskey,
    /// The server refused because of the account's current state; `code` says which.
    #[error("refused: {code}")]
    Conflict { code: String, detail: String },
    #[error("the account is locked")]
    AccountLocked,
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

impl From<CoreError> for AccountError {
    fn from(error: CoreError) -> AccountError {
        if let CoreError::Problem(problem) = &error {
            match (problem.status, problem.code.as_str()) {
                (_, "step_up_required") => return AccountError::StepUpRequired,
                (_, "last_passkey") => return AccountError::LastPasskey,
                (404, _) => return AccountError::NotFound,
                (409, code) => {
                    return AccountError::Conflict {
                        code: code.to_owned(),
                        detail: problem.detail.clone(),
                    };
                }
                _ => {}
            }
        }
        match Common::of(error) {
            Common::Invalid(issues) => AccountError::InvalidInput { issues },
            Common::NotSignedIn => AccountError::NotSignedIn,
            Common::AccountLocked => AccountError::AccountLocked,
            Common::RateLimited(retry_after_seconds) => AccountError::RateLimited {
                retry_after_seconds,
            },
            Common::Offline => AccountError::Offline,
            Common::Unavailable => AccountError::Unavailable,
            Common::Storage(detail) => AccountError::Storage { detail },
            Common::Unexpected {
                status,
                code,
                detail,
            } => AccountError::Unexpected {
                status,
                code,
                detail,
            },
        }
    }
}

impl From<crate::store::StoreError> for AccountError {
    fn from(error: crate::store::StoreError) -> AccountError {
        AccountError::Storage {
            detail: error.to_string(),
        }
    }
}
