//! COSE_Sign1 (RFC 9052) as the DCC uses it: parsing with `coset`, writing by hand.
//!
//! Writing is done by hand because the structure is fixed (a two-entry protected header,
//! an empty unprotected one) and building it through a generic CBOR value tree would cost
//! a noticeable share of an ES256 signature.

use ciborium::Value;
use coset::{AsCborValue, CoseSign1, RegisteredLabelWithPrivate, iana::EnumI64};

use super::cbor::{
    MAJOR_ARRAY, MAJOR_MAP, MAJOR_TAG, MAJOR_UNSIGNED, write_bytes, write_head, write_int,
    write_text,
};
use super::cwt;
use super::error::{CoseError, SignError, SignatureError};
use super::key::{Algorithm, KeyId, VerifyingKey};
use super::signer::Signer;

/// CBOR tag of a CWT (RFC 8392), which some issuers wrap around the COSE message.
pub const CWT_TAG: u64 = 61;
/// CBOR tag of COSE_Sign1.
pub const COSE_SIGN1_TAG: u64 = 18;

const HEADER_ALG: u8 = 1;
const HEADER_KID: u8 = 4;
const SIGNATURE1_CONTEXT: &str = "Signature1";

/// A parsed COSE_Sign1 whose signature has not been checked yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoseSign1Message {
    /// The protected header exactly as it was serialised: the signature covers these bytes.
    pub protected: Vec<u8>,
    pub key_id: KeyId,
    /// The COSE algorithm number, kept raw so that an unsupported one can be named.
    pub algorithm: i64,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

impl CoseSign1Message {
    /// Checks the signature with `key`; returns the algorithm that was used.
    pub fn verify_signature(&self, key: &VerifyingKey) -> Result<Algorithm, SignatureError> {
        let algorithm = Algorithm::from_cose_id(self.algorithm)
            .ok_or(SignatureError::UnsupportedAlgorithm(self.algorithm))?;
        let signed = sig_structure(&self.protected, &self.payload);
        key.verify(algorithm, &signed, &self.signature)?;
        Ok(algorithm)
    }
}

/// Parses a COSE_Sign1 with or without its tag 18, optionally inside CWT tag 61.
/// The kid and the algorithm are read from the protected header first: a protected kid
/// wins over an unprotected one, because only the protected one is signed.
pub fn parse(bytes: &[u8]) -> Result<CoseSign1Message, CoseError> {
    let mut value = cwt::decode_value(bytes).map_err(|_| CoseError::Malformed)?;
    if let Value::Tag(CWT_TAG, inner) = value {
        value = *inner;
    }
    if let Value::Tag(COSE_SIGN1_TAG, inner) = value {
        value = *inner;
    }
    let sign1 = CoseSign1::from_cbor_value(value).map_err(|_| CoseError::Malformed)?;
    let protected = &sign1.protected.header;
    let unprotected = &sign1.unprotected;

    let kid_bytes = [&protected.key_id, &unprotected.key_id]
        .into_iter()
        .find(|kid| !kid.is_empty())
        .ok_or(CoseError::MissingKeyId)?;
    let key_id = KeyId::from_slice(kid_bytes).ok_or(CoseError::KeyIdLength(kid_bytes.len()))?;

    let algorithm = match protected.alg.as_ref().or(unprotected.alg.as_ref()) {
        Some(RegisteredLabelWithPrivate::Assigned(alg)) => alg.to_i64(),
        Some(RegisteredLabelWithPrivate::PrivateUse(alg)) => *alg,
        Some(RegisteredLabelWithPrivate::Text(_)) => return Err(CoseError::AlgorithmLabel),
        None => return Err(CoseError::MissingAlgorithm),
    };
    let payload = sign1.payload.ok_or(CoseError::MissingPayload)?;
    Ok(CoseSign1Message {
        // An empty protected header travels as a zero-length bstr and is signed as one.
        protected: sign1.protected.original_data.unwrap_or_default(),
        key_id,
        algorithm,
        payload,
        signature: sign1.signature,
    })
}

/// Signs `payload` (CWT claims) and returns the tagged COSE_Sign1 bytes.
pub fn sign(payload: &[u8], signer: &dyn Signer) -> Result<Vec<u8>, SignError> {
    let protected = protected_header(signer.algorithm(), &signer.key_id());
    let signature = signer.sign(&sig_structure(&protected, payload))?;
    let mut out = Vec::with_capacity(payload.len() + protected.len() + signature.len() + 16);
    write_head(&mut out, MAJOR_TAG, COSE_SIGN1_TAG);
    write_head(&mut out, MAJOR_ARRAY, 4);
    write_bytes(&mut out, &protected);
    write_head(&mut out, MAJOR_MAP, 0);
    write_bytes(&mut out, payload);
    write_bytes(&mut out, &signature);
    Ok(out)
}

/// `{1: alg, 4: kid}` in the deterministic order of RFC 8949 §4.2.
pub fn protected_header(algorithm: Algorithm, key_id: &KeyId) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    write_head(&mut out, MAJOR_MAP, 2);
    write_head(&mut out, MAJOR_UNSIGNED, u64::from(HEADER_ALG));
    write_int(&mut out, algorithm.cose_id());
    write_head(&mut out, MAJOR_UNSIGNED, u64::from(HEADER_KID));
    write_bytes(&mut out, key_id.as_bytes());
    out
}

/// The `Sig_structure` of RFC 9052 §4.4 with empty external AAD: what is really signed.
pub fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(protected.len() + payload.len() + 24);
    write_head(&mut out, MAJOR_ARRAY, 4);
    write_text(&mut out, SIGNATURE1_CONTEXT);
    write_bytes(&mut out, protected);
    write_bytes(&mut out, &[]);
    write_bytes(&mut out, payload);
    out
}
