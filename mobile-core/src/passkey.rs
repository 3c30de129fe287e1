//! Passkey ceremonies between the server and the platform's authenticator.
//!
//! The server's options are WebAuthn JSON. Android's Credential Manager takes that JSON as
//! is (`request_json`) and answers JSON, which goes back unchanged. iOS's
//! AuthenticationServices takes the pieces (relying party, challenge, user id) and answers
//! raw bytes: the core reads the pieces out and assembles the answer JSON, so the Swift code
//! does no WebAuthn encoding of its own.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use healthbook_domain::account::CeremonyOptions;
use serde_json::{Value, json};
use uuid::Uuid;

/// What the platform needs to create a passkey.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PasskeyCreation {
    pub ceremony_id: Uuid,
    /// `PublicKeyCredentialCreationOptionsJSON`: for `CreatePublicKeyCredentialRequest`.
    pub request_json: String,
    pub rp_id: String,
    pub challenge: Vec<u8>,
    pub user_id: Vec<u8>,
    pub user_name: String,
}

/// What the platform needs to sign in with a passkey.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PasskeyRequest {
    pub ceremony_id: Uuid,
    /// `PublicKeyCredentialRequestOptionsJSON`: for `GetPublicKeyCredentialOption`.
    pub request_json: String,
    pub rp_id: String,
    pub challenge: Vec<u8>,
    /// Empty for a discoverable sign-in: the platform offers every passkey of the site.
    pub allow_credentials: Vec<Vec<u8>>,
}

/// An iOS `ASAuthorizationPlatformPublicKeyCredentialRegistration`, as bytes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlatformRegistration {
    pub credential_id: Vec<u8>,
    pub client_data_json: Vec<u8>,
    pub attestation_object: Vec<u8>,
}

/// An iOS `ASAuthorizationPlatformPublicKeyCredentialAssertion`, as bytes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlatformAssertion {
    pub credential_id: Vec<u8>,
    pub client_data_json: Vec<u8>,
    pub authenticator_data: Vec<u8>,
    pub signature: Vec<u8>,
    pub user_handle: Option<Vec<u8>>,
}

/// The options lacked a field every WebAuthn ceremony has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the WebAuthn options lack {0}")]
pub struct MalformedOptions(pub &'static str);

fn public_key(options: &CeremonyOptions) -> &Value {
    options.options.get("publicKey").unwrap_or(&options.options)
}

fn text<'a>(value: &'a Value, pointer: &'static str) -> Result<&'a str, MalformedOptions> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or(MalformedOptions(pointer))
}

fn bytes(value: &Value, pointer: &'static str) -> Result<Vec<u8>, MalformedOptions> {
    B64.decode(text(value, pointer)?.trim_end_matches('='))
        .map_err(|_| MalformedOptions(pointer))
}

impl PasskeyCreation {
    pub fn from_options(options: &CeremonyOptions) -> Result<PasskeyCreation, MalformedOptions> {
        let key = public_key(options);
        Ok(PasskeyCreation {
            ceremony_id: options.ceremony_id,
            request_json: key.to_string(),
            rp_id: text(key, "/rp/id")?.to_owned(),
            challenge: bytes(key, "/challenge")?,
            user_id: bytes(key, "/user/id")?,
            user_name: text(key, "/user/name")?.to_owned(),
        })
    }
}

impl PasskeyRequest {
    pub fn from_options(options: &CeremonyOptions) -> Result<PasskeyRequest, MalformedOptions> {
        let key = public_key(options);
        let allow_credentials = key
            .get("allowCredentials")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|c| c.get("id").and_then(Value::as_str))
                    .filter_map(|id| B64.decode(id.trim_end_matches('=')).ok())
                    .collect()
            })
            .unwrap_or_default();
        Ok(PasskeyRequest {
            ceremony_id: options.ceremony_id,
            request_json: key.to_string(),
            rp_id: text(key, "/rpId")?.to_owned(),
            challenge: bytes(key, "/challenge")?,
            allow_credentials,
        })
    }
}

impl PlatformRegistration {
    /// The `RegistrationResponseJSON` a browser would have produced from these bytes.
    pub fn to_response_json(&self) -> Value {
        json!({
            "id": B64.encode(&self.credential_id),
            "rawId": B64.encode(&self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": B64.encode(&self.client_data_json),
                "attestationObject": B64.encode(&self.attestation_object),
                "transports": ["internal", "hybrid"],
            },
            "clientExtensionResults": {},
        })
    }
}

impl PlatformAssertion {
    /// The `AuthenticationResponseJSON` a browser would have produced from these bytes.
    pub fn to_response_json(&self) -> Value {
        let mut response = json!({
            "clientDataJSON": B64.encode(&self.client_data_json),
            "authenticatorData": B64.encode(&self.authenticator_data),
            "signature": B64.encode(&self.signature),
        });
        if let (Some(handle), Some(object)) = (&self.user_handle, response.as_object_mut()) {
            object.insert("userHandle".to_owned(), Value::String(B64.encode(handle)));
        }
        json!({
            "id": B64.encode(&self.credential_id),
            "rawId": B64.encode(&self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": response,
            "clientExtensionResults": {},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creation_options() -> CeremonyOptions {
        CeremonyOptions {
            ceremony_id: Uuid::nil(),
            options: json!({"publicKey": {
                "rp": {"id": "localhost", "name": "HealthBook"},
                "user": {"id": "AQID", "name": "an@example.vn", "displayName": "Nguyễn Văn An"},
                "challenge": "BAUG",
                "pubKeyCredParams": [{"type": "public-key", "alg": -7}]
            }}),
        }
    }

    #[test]
    fn creation_pieces_are_read_out_of_the_options() {
        let creation = PasskeyCreation::from_options(&creation_options()).unwrap();
        assert_eq!(creation.rp_id, "localhost");
        assert_eq!(creation.challenge, vec![4, 5, 6]);
        assert_eq!(creation.user_id, vec![1, 2, 3]);
        let inner: Value = serde_json::from_str(&creation.request_json).unwrap();
        assert_eq!(
            inner["rp"]["id"], "localhost",
            "the JSON is the inner publicKey object"
        );
    }

    #[test]
    fn request_options_without_allow_list_mean_a_discoverable_sign_in() {
        let options = CeremonyOptions {
            ceremony_id: Uuid::nil(),
            options: json!({"publicKey": {"rpId": "localhost", "challenge": "AAAA"}}),
        };
        let request = PasskeyRequest::from_options(&options).unwrap();
        assert!(request.allow_credentials.is_empty());
    }

    #[test]
    fn options_without_a_challenge_are_refused() {
        let options = CeremonyOptions {
            ceremony_id: Uuid::nil(),
            options: json!({"publicKey": {"rpId": "localhost"}}),
        };
        assert_eq!(
            PasskeyRequest::from_options(&options),
            Err(MalformedOptions("/challenge"))
        );
    }

    #[test]
    fn platform_bytes_become_webauthn_json() {
        let assertion = PlatformAssertion {
            credential_id: vec![1],
            client_data_json: b"{}".to_vec(),
            authenticator_data: vec![2],
            signature: vec![3],
            user_handle: None,
        };
        let json = assertion.to_response_json();
        assert_eq!(json["rawId"], "AQ");
        assert_eq!(json["response"]["clientDataJSON"], "e30");
        assert!(json["response"].get("userHandle").is_none());
    }
}
