use crate::error::{CommonError, CoreError};
use healthbook_domain::{Lang, ProblemCode};

/// Why a call about the signed-in account failed.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum AccountError {
    #[error(transparent)]
    Common { error: CommonError },
    /// The last passkey cannot be removed: the account would have no way in for health data.
    #[error("the last passkey cannot be removed")]
    LastPasskey,
}

impl From<CoreError> for AccountError {
    fn from(error: CoreError) -> AccountError {
        match error.problem() {
            Some(ProblemCode::LastPasskey) => AccountError::LastPasskey,
            _ => AccountError::Common {
                error: error.into(),
            },
        }
    }
}

impl From<CommonError> for AccountError {
    fn from(error: CommonError) -> AccountError {
        AccountError::Common { error }
    }
}

#[uniffi::export]
impl AccountError {
    /// What to tell the person, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        match self {
            AccountError::Common { error } => error.user_message(lang),
            AccountError::LastPasskey => ProblemCode::LastPasskey.message(lang).to_owned(),
        }
    }
}
