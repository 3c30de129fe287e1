//! The pinned trust-list key: the one key the phone believes without asking the network.
//! Apps ship it in their build; it arrives here as the PEM certificate of the trust-list
//! signer, a PEM public key, or the JSON of `GET /v1/trust-list/signing-key`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use healthbook_domain::certificate::VerifyingKey;
use serde::Deserialize;

/// Why a key given to pin cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("the key is neither PEM nor the signing-key JSON")]
    Unrecognised,
    #[error("the key's base64 is malformed")]
    Base64,
    #[error("the certificate or key is not a P-256 public key")]
    NotP256,
}

/// The parts of `GET /v1/trust-list/signing-key` that carry the key.
#[derive(Deserialize)]
struct PublishedKey {
    #[serde(default)]
    public_key: Option<String>,
    #[serde(default)]
    certificate: Option<String>,
}

/// The DER prefix of a P-256 SubjectPublicKeyInfo: `SEQUENCE { SEQUENCE { id-ecPublicKey,
/// prime256v1 }, BIT STRING (0 unused bits) }`, after which the 65-byte point follows.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

pub fn parse_pin(text: &str) -> Result<VerifyingKey, PinError> {
    let text = text.trim();
    if text.starts_with('{') {
        let published: PublishedKey =
            serde_json::from_str(text).map_err(|_| PinError::Unrecognised)?;
        if let Some(point) = published.public_key {
            let point = STANDARD
                .decode(point.trim())
                .map_err(|_| PinError::Base64)?;
            return VerifyingKey::ecdsa_p256(&point).map_err(|_| PinError::NotP256);
        }
        if let Some(certificate) = published.certificate {
            let der = STANDARD
                .decode(certificate.trim())
                .map_err(|_| PinError::Base64)?;
            return from_certificate(&der);
        }
        return Err(PinError::Unrecognised);
    }
    if let Some(der) = pem_block(text, "CERTIFICATE")? {
        return from_certificate(&der);
    }
    if let Some(der) = pem_block(text, "PUBLIC KEY")? {
        let point = der
            .strip_prefix(P256_SPKI_PREFIX.as_slice())
            .ok_or(PinError::NotP256)?;
        return VerifyingKey::ecdsa_p256(point).map_err(|_| PinError::NotP256);
    }
    Err(PinError::Unrecognised)
}

/// Only ECDSA P-256 signs the lists; an RSA certificate is refused here rather than at the
/// first refresh.
fn from_certificate(der: &[u8]) -> Result<VerifyingKey, PinError> {
    match VerifyingKey::from_certificate_der(der) {
        Ok(key @ VerifyingKey::EcdsaP256(_)) => Ok(key),
        _ => Err(PinError::NotP256),
    }
}

/// The DER inside the first `-----BEGIN <label>-----` block, if there is one.
fn pem_block(text: &str, label: &str) -> Result<Option<Vec<u8>>, PinError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let Some(start) = text.find(&begin) else {
        return Ok(None);
    };
    let body = &text[start + begin.len()..];
    let body = body
        .get(..body.find(&end).ok_or(PinError::Base64)?)
        .unwrap_or(body);
    let base64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD
        .decode(base64)
        .map(Some)
        .map_err(|_| PinError::Base64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_pair() -> (rcgen::KeyPair, Vec<u8>) {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        let der = params.self_signed(&key).unwrap().der().to_vec();
        (key, der)
    }

    fn pem(label: &str, der: &[u8]) -> String {
        let body = STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    #[test]
    fn every_published_form_of_the_key_pins_the_same_key() {
        let (key, der) = key_pair();
        let expected = VerifyingKey::from_certificate_der(&der).unwrap();
        let VerifyingKey::EcdsaP256(point) = &expected else {
            panic!("P-256");
        };
        let json_point = format!(r#"{{"kid":"x","public_key":"{}"}}"#, STANDARD.encode(point));
        let json_certificate = format!(r#"{{"certificate":"{}"}}"#, STANDARD.encode(&der));
        for text in [
            pem("CERTIFICATE", &der),
            key.public_key_pem(),
            json_point,
            json_certificate,
        ] {
            assert_eq!(parse_pin(&text), Ok(expected.clone()), "{text}");
        }
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        assert_eq!(parse_pin("hello"), Err(PinError::Unrecognised));
        assert_eq!(parse_pin("{}"), Err(PinError::Unrecognised));
        assert_eq!(
            parse_pin(r#"{"public_key":"AAAA"}"#),
            Err(PinError::NotP256)
        );
        assert_eq!(
            parse_pin("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----"),
            Err(PinError::Base64)
        );
    }
}
