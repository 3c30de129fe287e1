//! What can go wrong in identity and access, and how each case reads to a client.

use crate::error::ApiError;
use axum::http::StatusCode;
use healthbook_domain::problem::ProblemCode;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no valid session")]
    Unauthenticated,
    #[error("a passkey session is required")]
    StepUpRequired,
    #[error("not allowed")]
    Forbidden,
    #[error("wrong, expired or used code")]
    InvalidCode,
    #[error("account locked")]
    Locked { retry_after: Option<Duration> },
    #[error("passkey response rejected: {0}")]
    PasskeyRejected(String),
    #[error("email already registered")]
    EmailTaken,
    #[error("email not verified")]
    EmailNotVerified,
    #[error("the last passkey cannot be removed")]
    LastPasskey,
    #[error("too many requests")]
    RateLimited { retry_after: Duration },
    #[error("the population registry did not confirm the identity")]
    RegistryMismatch,
    #[error("population registry unavailable: {0}")]
    RegistryUnavailable(String),
    #[error("a child can have at most two guardians")]
    TooManyGuardians,
    #[error("the recovery is still waiting")]
    RecoveryNotReady { ready_in: Duration },
    #[error("no such recovery can be completed")]
    RecoveryInvalid,
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> ApiError {
        use AuthError::*;
        let (status, code, text) = match &error {
            Unauthenticated => (StatusCode::UNAUTHORIZED, ProblemCode::Unauthenticated, None),
            StepUpRequired => (StatusCode::FORBIDDEN, ProblemCode::StepUpRequired, None),
            Forbidden => (StatusCode::FORBIDDEN, ProblemCode::Forbidden, None),
            InvalidCode => (StatusCode::BAD_REQUEST, ProblemCode::InvalidCode, None),
            Locked { .. } => (StatusCode::FORBIDDEN, ProblemCode::AccountLocked, None),
            PasskeyRejected(_) => (StatusCode::UNAUTHORIZED, ProblemCode::PasskeyRejected, None),
            EmailTaken => (
                StatusCode::CONFLICT,
                ProblemCode::EmailAlreadyRegistered,
                None,
            ),
            EmailNotVerified => (StatusCode::FORBIDDEN, ProblemCode::EmailNotVerified, None),
            LastPasskey => (StatusCode::CONFLICT, ProblemCode::LastPasskey, None),
            RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                ProblemCode::RateLimited,
                None,
            ),
            RegistryMismatch => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::RegistryMismatch,
                None,
            ),
            RegistryUnavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ProblemCode::RegistryUnavailable,
                None,
            ),
            TooManyGuardians => (StatusCode::CONFLICT, ProblemCode::TooManyGuardians, None),
            RecoveryNotReady { .. } => (StatusCode::CONFLICT, ProblemCode::RecoveryNotReady, None),
            RecoveryInvalid => (StatusCode::BAD_REQUEST, ProblemCode::RecoveryInvalid, None),
        };
        let retry_after = match &error {
            RateLimited { retry_after } => Some(*retry_after),
            RecoveryNotReady { ready_in } => Some(*ready_in),
            Locked { retry_after } => *retry_after,
            RegistryUnavailable(_) => Some(Duration::from_secs(30)),
            _ => None,
        };
        let mut api = match text {
            Some(text) => ApiError::with_detail(status, code, text),
            None => ApiError::new(status, code),
        };
        if let Some(after) = retry_after {
            api = api.with_retry_after(after);
        }
        match error {
            PasskeyRejected(reason) => api.with_source(anyhow::anyhow!(reason)),
            RegistryUnavailable(reason) => api.with_source(anyhow::anyhow!(reason)),
            _ => api,
        }
    }
}
