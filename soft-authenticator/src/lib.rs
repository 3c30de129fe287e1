//! A software WebAuthn authenticator, for tests only.
//!
//! Phones create passkeys in their platform authenticator; tests cannot reach one. This
//! authenticator answers the same JSON a platform would: it takes the server's
//! `publicKey` creation or request options and returns `RegistrationResponseJSON` or
//! `AuthenticationResponseJSON`. Its credentials are discoverable (it returns the user
//! handle), user verification is always performed, and signatures are ES256 — the shape of
//! a real passkey, so the server's verifier runs unmodified. Attestation is `none`.
//!
//! It can also be told to misbehave (another origin, no user verification, a replayed
//! counter) to prove the server refuses such responses.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ciborium::Value as Cbor;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum SoftError {
    #[error("options lack {0}")]
    MissingField(&'static str),
    #[error("no credential for this relying party")]
    NoCredential,
    #[error("crypto failure")]
    Crypto,
}

/// One stored credential: what a platform keeps in its keychain.
#[derive(Clone, Serialize, Deserialize)]
pub struct Credential {
    pub id: Vec<u8>,
    pub rp_id: String,
    pub user_handle: Vec<u8>,
    pub user_name: String,
    pkcs8: Vec<u8>,
    pub counter: u32,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("rp_id", &self.rp_id)
            .field("user_name", &self.user_name)
            .finish_non_exhaustive()
    }
}

/// Deviations from a correct authenticator, to test that the server refuses them.
#[derive(Debug, Clone, Default)]
pub struct Misbehaviour {
    /// Put this origin in clientDataJSON instead of the configured one.
    pub origin: Option<String>,
    /// Clear the user-verified flag.
    pub skip_user_verification: bool,
    /// Do not advance the signature counter (a cloned authenticator).
    pub freeze_counter: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SoftAuthenticator {
    origin: String,
    credentials: Vec<Credential>,
    #[serde(skip)]
    pub misbehaviour: Misbehaviour,
}

const FLAG_USER_PRESENT: u8 = 0x01;
const FLAG_USER_VERIFIED: u8 = 0x04;
const FLAG_ATTESTED_DATA: u8 = 0x40;

impl SoftAuthenticator {
    /// `origin` is what the platform puts in clientDataJSON: `https://app.example` for the
    /// web, `android:apk-key-hash:…` for an Android app.
    pub fn new(origin: &str) -> SoftAuthenticator {
        SoftAuthenticator {
            origin: origin.to_owned(),
            credentials: Vec::new(),
            misbehaviour: Misbehaviour::default(),
        }
    }

    pub fn credentials(&self) -> &[Credential] {
        &self.credentials
    }

    /// Forgets every credential: a lost phone.
    pub fn wipe(&mut self) {
        self.credentials.clear();
    }

    /// Answers `navigator.credentials.create()`. `options` is the server's JSON, either the
    /// `publicKey` object itself or an object holding it.
    pub fn register(&mut self, options: &Value) -> Result<Value, SoftError> {
        let options = options.get("publicKey").unwrap_or(options);
        let challenge = text(options, "/challenge")?;
        let rp_id = text(options, "/rp/id")?;
        let user_handle = decode(text(options, "/user/id")?)?;
        let user_name = options
            .pointer("/user/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();

        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .map_err(|_| SoftError::Crypto)?;
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|_| SoftError::Crypto)?;
        let mut id = vec![0u8; 16];
        rng.fill(&mut id).map_err(|_| SoftError::Crypto)?;

        let public = key.public_key().as_ref(); // 0x04 || x || y
        let cose_key = Cbor::Map(vec![
            (Cbor::Integer(1.into()), Cbor::Integer(2.into())),
            (Cbor::Integer(3.into()), Cbor::Integer((-7).into())),
            (Cbor::Integer((-1).into()), Cbor::Integer(1.into())),
            (
                Cbor::Integer((-2).into()),
                Cbor::Bytes(public[1..33].to_vec()),
            ),
            (
                Cbor::Integer((-3).into()),
                Cbor::Bytes(public[33..65].to_vec()),
            ),
        ]);
        let mut auth_data = self.auth_data_prefix(rp_id, FLAG_ATTESTED_DATA, 0);
        auth_data.extend_from_slice(&[0u8; 16]); // AAGUID: none
        auth_data.extend_from_slice(&u16::try_from(id.len()).unwrap_or(16).to_be_bytes());
        auth_data.extend_from_slice(&id);
        ciborium::into_writer(&cose_key, &mut auth_data).map_err(|_| SoftError::Crypto)?;

        let attestation = Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(vec![])),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]);
        let mut attestation_object = Vec::new();
        ciborium::into_writer(&attestation, &mut attestation_object)
            .map_err(|_| SoftError::Crypto)?;
        let client_data = self.client_data("webauthn.create", challenge);
        // Its credentials are always discoverable; say so when the relying party asks.
        let extension_results = if options
            .pointer("/extensions/credProps")
            .and_then(Value::as_bool)
            .unwrap_or(false)
        {
            json!({ "credProps": { "rk": true } })
        } else {
            json!({})
        };

        self.credentials.push(Credential {
            id: id.clone(),
            rp_id: rp_id.to_owned(),
            user_handle,
            user_name,
            pkcs8: pkcs8.as_ref().to_vec(),
            counter: 0,
        });
        Ok(json!({
            "id": B64.encode(&id),
            "rawId": B64.encode(&id),
            "type": "public-key",
            "response": {
                "clientDataJSON": B64.encode(client_data),
                "attestationObject": B64.encode(attestation_object),
                "transports": ["internal"],
            },
            "clientExtensionResults": extension_results,
        }))
    }

    /// Answers `navigator.credentials.get()`: with `allowCredentials` it uses one of those;
    /// without, it picks this relying party's most recent credential (discoverable sign-in).
    pub fn authenticate(&mut self, options: &Value) -> Result<Value, SoftError> {
        let options = options.get("publicKey").unwrap_or(options);
        let challenge = text(options, "/challenge")?.to_owned();
        let rp_id = text(options, "/rpId")?.to_owned();
        let allowed: Vec<Vec<u8>> = options
            .get("allowCredentials")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|c| c.get("id").and_then(Value::as_str))
                    .filter_map(|id| B64.decode(id).ok())
                    .collect()
            })
            .unwrap_or_default();
        let freeze = self.misbehaviour.freeze_counter;
        let index = self
            .credentials
            .iter()
            .rposition(|c| c.rp_id == rp_id && (allowed.is_empty() || allowed.contains(&c.id)))
            .ok_or(SoftError::NoCredential)?;
        if !freeze {
            self.credentials[index].counter += 1;
        }
        let credential = self.credentials[index].clone();

        let auth_data = self.auth_data_prefix(&rp_id, 0, credential.counter);
        let client_data = self.client_data("webauthn.get", &challenge);
        let client_hash = ring::digest::digest(&ring::digest::SHA256, &client_data);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(client_hash.as_ref());
        let rng = SystemRandom::new();
        let key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &credential.pkcs8, &rng)
                .map_err(|_| SoftError::Crypto)?;
        let signature = key.sign(&rng, &signed).map_err(|_| SoftError::Crypto)?;
        Ok(json!({
            "id": B64.encode(&credential.id),
            "rawId": B64.encode(&credential.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": B64.encode(client_data),
                "authenticatorData": B64.encode(auth_data),
                "signature": B64.encode(signature.as_ref()),
                "userHandle": B64.encode(&credential.user_handle),
            },
            "clientExtensionResults": {},
        }))
    }

    fn auth_data_prefix(&self, rp_id: &str, extra_flags: u8, counter: u32) -> Vec<u8> {
        let mut flags = FLAG_USER_PRESENT | extra_flags;
        if !self.misbehaviour.skip_user_verification {
            flags |= FLAG_USER_VERIFIED;
        }
        let mut data = ring::digest::digest(&ring::digest::SHA256, rp_id.as_bytes())
            .as_ref()
            .to_vec();
        data.push(flags);
        data.extend_from_slice(&counter.to_be_bytes());
        data
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        let origin = self.misbehaviour.origin.as_deref().unwrap_or(&self.origin);
        json!({ "type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }
}

fn text<'a>(options: &'a Value, pointer: &'static str) -> Result<&'a str, SoftError> {
    options
        .pointer(pointer)
        .and_then(Value::as_str)
        .ok_or(SoftError::MissingField(pointer))
}

fn decode(value: &str) -> Result<Vec<u8>, SoftError> {
    B64.decode(value.trim_end_matches('='))
        .map_err(|_| SoftError::MissingField("base64url value"))
}
