//! Passkey ceremonies and the passkeys of an account, as the apps see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRegisterStart {
    /// A name for the passkey ("Pixel 8"), shown in the list of passkeys.
    #[validate(length(min = 1, max = 100))]
    pub name: String,
}

/// The WebAuthn options to hand to the platform (Credential Manager, AuthenticationServices).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CeremonyOptions {
    pub ceremony_id: Uuid,
    /// `PublicKeyCredentialCreationOptions` or `…RequestOptions` as WebAuthn JSON, under
    /// the key `publicKey`.
    pub options: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRegisterFinish {
    pub ceremony_id: Uuid,
    /// The platform's `RegistrationResponseJSON`.
    pub credential: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyLoginStart {
    /// Absent for a discoverable ("usernameless") sign-in; present to sign in after typing
    /// the address.
    #[validate(length(min = 3, max = 254))]
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyLoginFinish {
    pub ceremony_id: Uuid,
    /// The platform's `AuthenticationResponseJSON`.
    pub credential: serde_json::Value,
    #[validate(length(max = 100))]
    #[serde(default)]
    pub device_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PasskeyInfo {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Whether the authenticator made a discoverable credential, when it said so.
    #[serde(default)]
    pub discoverable: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRename {
    #[validate(length(min = 1, max = 100))]
    pub name: String,
}

// ---------------------------------------------------------------------------------------
// The caller
