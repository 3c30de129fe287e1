//! Revocation the DCC way: the list names no person, only truncated hashes.
//!
//! Each hash is the first 128 bits of a SHA-256 over one of:
//! - `UCI`: the certificate identifier `ci`, as written;
//! - `COUNTRYCODEUCI`: the issuing country (CWT `iss`) followed by `ci`;
//! - `SIGNATURE`: the COSE signature; for ECDSA only its `r` half, because `s` can be
//!   replaced by `n − s` and the signature still verifies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt;

use super::VerifiedCertificate;
use super::envelope::{self, EnvelopeError, Opened, SignedEnvelope, VersionedDocument};
use super::error::SignError;
use super::key::{Algorithm, VerifyingKey};
use super::signer::Signer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RevocationHashType {
    #[serde(rename = "UCI")]
    Uci,
    #[serde(rename = "COUNTRYCODEUCI")]
    CountryCodeUci,
    #[serde(rename = "SIGNATURE")]
    Signature,
}

/// The first 16 bytes of a SHA-256; written as 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RevocationHash(pub [u8; 16]);

impl RevocationHash {
    pub fn of(bytes: &[u8]) -> RevocationHash {
        let digest = Sha256::digest(bytes);
        let mut truncated = [0u8; 16];
        truncated.copy_from_slice(&digest[..16]);
        RevocationHash(truncated)
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Option<RevocationHash> {
        if text.len() != 32 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (index, byte) in bytes.iter_mut().enumerate() {
            let pair = text.get(index * 2..index * 2 + 2)?;
            *byte = u8::from_str_radix(pair, 16).ok()?;
        }
        Some(RevocationHash(bytes))
    }
}

impl fmt::Debug for RevocationHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for RevocationHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for RevocationHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        RevocationHash::from_hex(&text)
            .ok_or_else(|| serde::de::Error::custom("a revocation hash is 32 hex digits"))
    }
}

/// The three hashes under which a certificate can be revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevocationHashes {
    pub uci: RevocationHash,
    /// Absent when the certificate names no issuing country.
    pub country_code_uci: Option<RevocationHash>,
    pub signature: RevocationHash,
}

impl RevocationHashes {
    pub fn iter(&self) -> impl Iterator<Item = (RevocationHashType, RevocationHash)> + '_ {
        [
            Some((RevocationHashType::Uci, self.uci)),
            self.country_code_uci
                .map(|hash| (RevocationHashType::CountryCodeUci, hash)),
            Some((RevocationHashType::Signature, self.signature)),
        ]
        .into_iter()
        .flatten()
    }
}

pub fn revocation_hashes(certificate: &VerifiedCertificate) -> RevocationHashes {
    let uci = certificate.dcc.event.certificate_id();
    let signature = match certificate.algorithm {
        Algorithm::Es256 => certificate
            .signature
            .get(..certificate.signature.len() / 2)
            .unwrap_or_default(),
        Algorithm::Ps256 => &certificate.signature,
    };
    RevocationHashes {
        uci: RevocationHash::of(uci.as_bytes()),
        country_code_uci: certificate
            .issuer
            .as_ref()
            .map(|country| RevocationHash::of(format!("{country}{uci}").as_bytes())),
        signature: RevocationHash::of(signature),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationListDocument {
    pub version: u64,
    pub issued_at: DateTime<Utc>,
    pub max_age_seconds: u64,
    pub entries: Vec<RevocationListEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationListEntry {
    pub hash_type: RevocationHashType,
    pub hash: RevocationHash,
}

impl VersionedDocument for RevocationListDocument {
    fn version(&self) -> u64 {
        self.version
    }
    fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }
    fn max_age_seconds(&self) -> u64 {
        self.max_age_seconds
    }
}

/// A revocation list ready for lookups.
#[derive(Debug, Clone, Default)]
pub struct RevocationIndex {
    revoked: HashSet<(RevocationHashType, RevocationHash)>,
}

impl RevocationIndex {
    pub fn from_document(document: &RevocationListDocument) -> RevocationIndex {
        RevocationIndex {
            revoked: document
                .entries
                .iter()
                .map(|entry| (entry.hash_type, entry.hash))
                .collect(),
        }
    }

    pub fn is_revoked(&self, certificate: &VerifiedCertificate) -> bool {
        revocation_hashes(certificate)
            .iter()
            .any(|entry| self.revoked.contains(&entry))
    }

    pub fn len(&self) -> usize {
        self.revoked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.revoked.is_empty()
    }
}

pub fn sign_revocation_list(
    document: &RevocationListDocument,
    signer: &dyn Signer,
) -> Result<SignedEnvelope, SignError> {
    envelope::seal(document, signer)
}

pub fn verify_revocation_list(
    envelope: &SignedEnvelope,
    list_key: &VerifyingKey,
    previously_seen_version: Option<u64>,
    now: DateTime<Utc>,
) -> Result<Opened<RevocationListDocument>, EnvelopeError> {
    envelope::open(envelope, list_key, previously_seen_version, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::key::KeyId;
    use crate::certificate::payload::{CertificateType, Dcc, Event, PersonName, VaccinationEntry};
    use chrono::NaiveDate;

    fn certificate(
        issuer: Option<&str>,
        algorithm: Algorithm,
        signature: Vec<u8>,
    ) -> VerifiedCertificate {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
        VerifiedCertificate {
            issuer: issuer.map(str::to_owned),
            issued_at: day.and_hms_opt(0, 0, 0).expect("time").and_utc(),
            expires_at: day.and_hms_opt(0, 0, 0).expect("time").and_utc(),
            key_id: KeyId::from_bytes([1; 8]),
            algorithm,
            certificate_type: CertificateType::Vaccination,
            dcc: Dcc {
                ver: "1.3.0".into(),
                nam: PersonName {
                    r#fn: None,
                    fnt: "NGUYEN".into(),
                    gn: None,
                    gnt: None,
                },
                dob: "2000".into(),
                event: Event::Vaccination(VaccinationEntry {
                    tg: "840539006".into(),
                    vp: "1119349007".into(),
                    mp: "EU/1/20/1528".into(),
                    ma: "ORG-100030215".into(),
                    dn: 1,
                    sd: 2,
                    dt: day,
                    co: "NL".into(),
                    is: "Ministry".into(),
                    ci: "URN:UVCI:01:NL:DADFCC47C7334E45A906DB12FD859FB7#1".into(),
                }),
            },
            signature,
        }
    }

    #[test]
    fn hashes_are_truncated_sha256_as_the_dcc_revocation_design_says() {
        // ES256: only r, the first half of r ‖ s, is hashed.
        let mut signature: Vec<u8> = (0..32).collect();
        signature.extend([0xff; 32]);
        let hashes = revocation_hashes(&certificate(Some("NL"), Algorithm::Es256, signature));
        assert_eq!(hashes.uci.to_hex(), "5b4921329a20645624fffeca38463c34");
        assert_eq!(
            hashes.country_code_uci.map(|hash| hash.to_hex()).as_deref(),
            Some("e1dc1b4e3727f19651f991c5cedddaa7")
        );
        assert_eq!(
            hashes.signature.to_hex(),
            "630dcd2966c4336691125448bbb25b4f"
        );

        // PS256: the whole signature is hashed.
        let rsa = revocation_hashes(&certificate(None, Algorithm::Ps256, (0..32).collect()));
        assert_eq!(rsa.signature.to_hex(), "630dcd2966c4336691125448bbb25b4f");
        assert_eq!(rsa.country_code_uci, None);
    }

    #[test]
    fn a_certificate_is_revoked_by_any_of_its_hashes_and_only_by_those() {
        let revoked = certificate(Some("NL"), Algorithm::Es256, vec![9; 64]);
        let other = certificate(Some("VN"), Algorithm::Es256, vec![8; 64]);
        for (hash_type, hash) in revocation_hashes(&revoked).iter() {
            let index = RevocationIndex::from_document(&RevocationListDocument {
                version: 1,
                issued_at: revoked.issued_at,
                max_age_seconds: 86_400,
                entries: vec![RevocationListEntry { hash_type, hash }],
            });
            assert!(index.is_revoked(&revoked), "{hash_type:?}");
            let other_is_revoked = index.is_revoked(&other);
            // `other` shares the UCI, so only the UCI hash reaches it too.
            assert_eq!(
                other_is_revoked,
                hash_type == RevocationHashType::Uci,
                "{hash_type:?}"
            );
        }
    }

    #[test]
    fn hashes_travel_as_hex() {
        let hash = RevocationHash::of(b"x");
        assert_eq!(RevocationHash::from_hex(&hash.to_hex()), Some(hash));
        assert_eq!(RevocationHash::from_hex("zz"), None);
        let json = serde_json::to_string(&RevocationListEntry {
            hash_type: RevocationHashType::CountryCodeUci,
            hash,
        })
        .expect("json");
        assert!(json.contains("\"COUNTRYCODEUCI\""), "{json}");
    }
}
