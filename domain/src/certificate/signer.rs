//! Who signs: a trait, so that a hardware security module can replace key files later.

use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};

use super::error::SignError;
use super::key::{Algorithm, KeyId, VerifyingKey};

/// Signs DCC messages. `sign` receives the exact bytes to sign (a COSE `Sig_structure` or
/// a trust-list payload) and returns the signature in COSE form: raw `r ‖ s` for ES256.
pub trait Signer: Send + Sync {
    fn key_id(&self) -> KeyId;
    fn algorithm(&self) -> Algorithm;
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// An ES256 signer over a P-256 key held in memory (ring).
pub struct EcdsaP256Signer {
    key_pair: EcdsaKeyPair,
    key_id: KeyId,
    // ECDSA needs fresh randomness per signature; ring takes it from the operating system.
    rng: SystemRandom,
}

impl EcdsaP256Signer {
    /// `pkcs8_der` is the private key; `signing_certificate_der` the DSC that publishes its
    /// public key. The kid is derived from the certificate, and the two must belong together.
    pub fn from_pkcs8(
        pkcs8_der: &[u8],
        signing_certificate_der: &[u8],
    ) -> Result<EcdsaP256Signer, SignError> {
        let rng = SystemRandom::new();
        let key_pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8_der, &rng)
            .map_err(|_| SignError::BadPrivateKey)?;
        let certified = VerifyingKey::from_certificate_der(signing_certificate_der)?;
        if certified != VerifyingKey::EcdsaP256(key_pair.public_key().as_ref().to_vec()) {
            return Err(SignError::CertificateMismatch);
        }
        Ok(EcdsaP256Signer {
            key_pair,
            key_id: KeyId::from_certificate_der(signing_certificate_der),
            rng,
        })
    }

    /// The uncompressed public point, e.g. to pin a trust-list signing key in an app.
    pub fn public_key(&self) -> &[u8] {
        self.key_pair.public_key().as_ref()
    }
}

impl Signer for EcdsaP256Signer {
    fn key_id(&self) -> KeyId {
        self.key_id
    }

    fn algorithm(&self) -> Algorithm {
        Algorithm::Es256
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        self.key_pair
            .sign(&self.rng, message)
            .map(|signature| signature.as_ref().to_vec())
            .map_err(|_| SignError::Backend("ring could not sign".into()))
    }
}

impl std::fmt::Debug for EcdsaP256Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EcdsaP256Signer({})", self.key_id)
    }
}
