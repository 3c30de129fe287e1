//! What can go wrong in identity and access, and how each case reads to a client.

use crate::error::{ApiError, Text};
use axum::http::StatusCode;
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
            Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                Text::new(
                    "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
                    "Your session is missing, expired or revoked. Please sign in again.",
                ),
            ),
            StepUpRequired => (
                StatusCode::FORBIDDEN,
                "step_up_required",
                Text::new(
                    "Thao tác này cần đăng nhập bằng khóa truy cập (passkey).",
                    "This needs a session opened with a passkey.",
                ),
            ),
            Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                Text::new(
                    "Bạn không có quyền thực hiện thao tác này.",
                    "You are not allowed to do this.",
                ),
            ),
            InvalidCode => (
                StatusCode::BAD_REQUEST,
                "invalid_code",
                Text::new(
                    "Mã không đúng, đã hết hạn hoặc đã được dùng. Hãy yêu cầu mã mới.",
                    "The code is wrong, expired or already used. Ask for a new one.",
                ),
            ),
            Locked { .. } => (
                StatusCode::FORBIDDEN,
                "account_locked",
                Text::new(
                    "Tài khoản đang bị khóa. Vui lòng thử lại sau hoặc liên hệ bộ phận hỗ trợ.",
                    "The account is locked. Try again later or contact support.",
                ),
            ),
            PasskeyRejected(_) => (
                StatusCode::UNAUTHORIZED,
                "passkey_rejected",
                Text::new(
                    "Không xác thực được khóa truy cập. Vui lòng thử lại.",
                    "The passkey could not be verified. Please try again.",
                ),
            ),
            EmailTaken => (
                StatusCode::CONFLICT,
                "email_already_registered",
                Text::new(
                    "Địa chỉ email này đã được dùng cho một tài khoản khác.",
                    "This email address is already used by another account.",
                ),
            ),
            EmailNotVerified => (
                StatusCode::FORBIDDEN,
                "email_not_verified",
                Text::new(
                    "Hãy xác minh địa chỉ email trước.",
                    "Verify your email address first.",
                ),
            ),
            LastPasskey => (
                StatusCode::CONFLICT,
                "last_passkey",
                Text::new(
                    "Không thể xóa khóa truy cập cuối cùng. Hãy thêm khóa khác trước.",
                    "The last passkey cannot be removed. Add another one first.",
                ),
            ),
            RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                Text::new(
                    "Bạn đã thử quá nhiều lần. Vui lòng đợi rồi thử lại.",
                    "Too many attempts. Please wait and try again.",
                ),
            ),
            RegistryMismatch => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "registry_mismatch",
                Text::new(
                    "Thông tin không khớp với Cơ sở dữ liệu quốc gia về dân cư.",
                    "The details do not match the national population database.",
                ),
            ),
            RegistryUnavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "registry_unavailable",
                Text::new(
                    "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư. Vui lòng thử lại sau.",
                    "The national population database cannot be reached. Please try again later.",
                ),
            ),
            TooManyGuardians => (
                StatusCode::CONFLICT,
                "too_many_guardians",
                Text::new(
                    "Một trẻ có tối đa hai người giám hộ.",
                    "A child can have at most two guardians.",
                ),
            ),
            RecoveryNotReady { .. } => (
                StatusCode::CONFLICT,
                "recovery_not_ready",
                Text::new(
                    "Yêu cầu khôi phục đang trong thời gian chờ để chủ tài khoản có thể hủy nếu không phải họ. Vui lòng thử lại sau.",
                    "The recovery is waiting, so that the owner can cancel it if it was not them. Try again later.",
                ),
            ),
            RecoveryInvalid => (
                StatusCode::BAD_REQUEST,
                "recovery_invalid",
                Text::new(
                    "Yêu cầu khôi phục không tồn tại, đã bị hủy, đã hết hạn hoặc đã được dùng.",
                    "The recovery is unknown, cancelled, expired or already completed.",
                ),
            ),
        };
        let retry_after = match &error {
            RateLimited { retry_after } => Some(*retry_after),
            RecoveryNotReady { ready_in } => Some(*ready_in),
            Locked { retry_after } => *retry_after,
            RegistryUnavailable(_) => Some(Duration::from_secs(30)),
            _ => None,
        };
        let mut api = ApiError::new(status, code, text);
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
