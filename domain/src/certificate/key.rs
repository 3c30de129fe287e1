//! Key ids, signature algorithms and the public keys that check signatures.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{ECDSA_P256_SHA256_FIXED, RSA_PSS_2048_8192_SHA256, UnparsedPublicKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;
use x509_parser::prelude::{FromDer, SubjectPublicKeyInfo, X509Certificate};

use super::error::{KeyError, SignatureError};

/// The DCC key id: the first 8 bytes of SHA-256 over the signing certificate's DER.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; KeyId::LEN]);

impl KeyId {
    pub const LEN: usize = 8;

    pub fn from_certificate_der(certificate_der: &[u8]) -> KeyId {
        let digest = Sha256::digest(certificate_der);
        let mut kid = [0u8; KeyId::LEN];
        kid.copy_from_slice(&digest[..KeyId::LEN]);
        KeyId(kid)
    }

    /// A kid taken from a COSE header; `None` unless it is exactly 8 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Option<KeyId> {
        <[u8; KeyId::LEN]>::try_from(bytes).ok().map(KeyId)
    }

    pub const fn from_bytes(bytes: [u8; KeyId::LEN]) -> KeyId {
        KeyId(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; KeyId::LEN] {
        &self.0
    }

    /// Standard base64, the way DCC trust lists write kids.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    pub fn from_base64(text: &str) -> Option<KeyId> {
        STANDARD
            .decode(text)
            .ok()
            .and_then(|bytes| KeyId::from_slice(&bytes))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.to_base64())
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl Serialize for KeyId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for KeyId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        KeyId::from_base64(&text)
            .ok_or_else(|| serde::de::Error::custom("a kid is 8 bytes in standard base64"))
    }
}

/// The signature algorithms a DCC may use: we sign with ES256 and accept PS256 from others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    #[serde(rename = "ES256")]
    Es256,
    #[serde(rename = "PS256")]
    Ps256,
}

impl Algorithm {
    pub const fn cose_id(self) -> i64 {
        match self {
            Algorithm::Es256 => -7,
            Algorithm::Ps256 => -37,
        }
    }

    pub const fn from_cose_id(id: i64) -> Option<Algorithm> {
        match id {
            -7 => Some(Algorithm::Es256),
            -37 => Some(Algorithm::Ps256),
            _ => None,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Es256 => "ES256",
            Algorithm::Ps256 => "PS256",
        }
    }

    pub fn from_name(name: &str) -> Option<Algorithm> {
        match name {
            "ES256" => Some(Algorithm::Es256),
            "PS256" => Some(Algorithm::Ps256),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of key a certificate holds, for error messages about mismatches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    EcdsaP256,
    Rsa,
}

/// A public key able to check DCC signatures.
#[derive(Clone, PartialEq, Eq)]
pub enum VerifyingKey {
    /// The uncompressed SEC1 point (65 bytes).
    EcdsaP256(Vec<u8>),
    /// The PKCS#1 `RSAPublicKey` DER.
    Rsa(Vec<u8>),
}

const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const P256_POINT_LEN: usize = 65;
const P256_SIGNATURE_LEN: usize = 64;

impl VerifyingKey {
    pub fn from_certificate_der(certificate_der: &[u8]) -> Result<VerifyingKey, KeyError> {
        let (_, certificate) = x509_parser::parse_x509_certificate(certificate_der)
            .map_err(|_| KeyError::BadCertificate)?;
        VerifyingKey::from_certificate(&certificate)
    }

    pub(crate) fn from_certificate(certificate: &X509Certificate<'_>) -> Result<Self, KeyError> {
        VerifyingKey::from_spki(certificate.public_key())
    }

    /// A key from a DER `SubjectPublicKeyInfo`, as lists that publish bare keys carry it.
    pub fn from_public_key_der(spki_der: &[u8]) -> Result<VerifyingKey, KeyError> {
        let (rest, spki) =
            SubjectPublicKeyInfo::from_der(spki_der).map_err(|_| KeyError::BadPublicKey)?;
        if !rest.is_empty() {
            return Err(KeyError::BadPublicKey);
        }
        VerifyingKey::from_spki(&spki)
    }

    fn from_spki(spki: &SubjectPublicKeyInfo<'_>) -> Result<Self, KeyError> {
        let algorithm = spki.algorithm.algorithm.as_bytes();
        let key_bytes = spki.subject_public_key.data.as_ref();
        if algorithm == OID_EC_PUBLIC_KEY {
            let curve = spki.algorithm.parameters.as_ref().map(|p| p.data);
            if curve != Some(OID_P256) {
                return Err(KeyError::UnsupportedKey);
            }
            VerifyingKey::ecdsa_p256(key_bytes)
        } else if algorithm == OID_RSA_ENCRYPTION || algorithm == OID_RSASSA_PSS {
            Ok(VerifyingKey::Rsa(key_bytes.to_vec()))
        } else {
            Err(KeyError::UnsupportedKey)
        }
    }

    /// A P-256 key from its uncompressed point (`04 ‖ x ‖ y`), e.g. a pinned trust-list key.
    pub fn ecdsa_p256(point: &[u8]) -> Result<VerifyingKey, KeyError> {
        if point.len() != P256_POINT_LEN || point.first() != Some(&0x04) {
            return Err(KeyError::UnsupportedKey);
        }
        Ok(VerifyingKey::EcdsaP256(point.to_vec()))
    }

    pub fn kind(&self) -> KeyKind {
        match self {
            VerifyingKey::EcdsaP256(_) => KeyKind::EcdsaP256,
            VerifyingKey::Rsa(_) => KeyKind::Rsa,
        }
    }

    /// Checks `signature` over `message`: ES256 as raw `r ‖ s`, PS256 as RSASSA-PSS with
    /// SHA-256, MGF1-SHA-256 and a 32-byte salt.
    pub fn verify(
        &self,
        algorithm: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        match (algorithm, self) {
            (Algorithm::Es256, VerifyingKey::EcdsaP256(point)) => {
                // ring rejects other lengths too; saying so here gives a precise reason.
                if signature.len() != P256_SIGNATURE_LEN {
                    return Err(SignatureError::Length {
                        expected: P256_SIGNATURE_LEN,
                        found: signature.len(),
                    });
                }
                UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, signature)
                    .map_err(|_| SignatureError::Invalid)
            }
            (Algorithm::Ps256, VerifyingKey::Rsa(der)) => {
                UnparsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, der)
                    .verify(message, signature)
                    .map_err(|_| SignatureError::Invalid)
            }
            (algorithm, key) => Err(SignatureError::AlgorithmKeyMismatch {
                algorithm,
                key: key.kind(),
            }),
        }
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyingKey::EcdsaP256(_) => f.write_str("VerifyingKey::EcdsaP256"),
            VerifyingKey::Rsa(der) => write!(f, "VerifyingKey::Rsa({} bytes)", der.len()),
        }
    }
}
