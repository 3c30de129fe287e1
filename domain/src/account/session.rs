//! Sessions and one-time codes: how a session was opened, the code and sign-in shapes,
//! and what a session lists about itself.

use crate::Sensitive;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How strongly a session was authenticated. Health data needs `Passkey`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    /// Opened with an email code: the account, dependents and bookings, and enrolling the
    /// first passkey. Email is not an authentication factor for health data.
    Basic,
    /// Opened with a passkey (user verification required): everything the roles allow.
    Passkey,
    /// Opened by account recovery or staff enrolment: may only register a passkey.
    Enrolment,
}

impl Assurance {
    pub fn as_str(self) -> &'static str {
        match self {
            Assurance::Basic => "basic",
            Assurance::Passkey => "passkey",
            Assurance::Enrolment => "enrolment",
        }
    }

    pub fn parse(value: &str) -> Option<Assurance> {
        match value {
            "basic" => Some(Assurance::Basic),
            "passkey" => Some(Assurance::Passkey),
            "enrolment" => Some(Assurance::Enrolment),
            _ => None,
        }
    }
}

/// Length of every one-time code sent by mail.
pub const EMAIL_CODE_DIGITS: usize = 6;
/// How long a mailed code stays valid, in minutes.
pub const EMAIL_CODE_MINUTES: i64 = 10;
/// Wrong guesses allowed on one code before it is void.
pub const EMAIL_CODE_MAX_ATTEMPTS: i32 = 5;

/// What a code field keeps of what is typed or pasted ("123 456"): its ASCII digits, at most
/// [`EMAIL_CODE_DIGITS`] of them.
pub fn code_digits_typed(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_digit)
        .take(EMAIL_CODE_DIGITS)
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyEmailRequest {
    #[validate(length(min = 3, max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, min_length = 3, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "123456"))]
    pub code: Sensitive<String>,
    /// Shown in the list of sessions ("Pixel 8", "iPhone của Lan").
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[serde(default)]
    pub device_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpStartRequest {
    #[validate(length(min = 3, max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, min_length = 3, max_length = 254))]
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpFinishRequest {
    #[validate(length(min = 3, max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, min_length = 3, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "123456"))]
    pub code: Sensitive<String>,
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[serde(default)]
    pub device_name: Option<String>,
}

/// Always the same answer, whether or not the address has an account: the response must not
/// tell an attacker which addresses are registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CodeSent {
    pub expires_in_seconds: i64,
}

/// A new session. The token is shown once; the app keeps it in the platform keystore.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionGrant {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: Sensitive<String>,
    pub session_id: Uuid,
    pub account_id: Uuid,
    pub assurance: Assurance,
    pub expires_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------
// Passkeys

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionInfo {
    pub id: Uuid,
    pub device_name: Option<String>,
    pub assurance: Assurance,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The session this list was requested with.
    pub current: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogoutRequest {
    /// End every session of the account, not only this one.
    #[serde(default)]
    pub everywhere: bool,
}
