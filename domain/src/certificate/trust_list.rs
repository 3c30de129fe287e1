//! The trust-list document: the server publishes it signed, the phone caches it and builds
//! its [`TrustStore`] from it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::envelope::{self, EnvelopeError, Opened, SignedEnvelope, VersionedDocument};
use super::error::SignError;
use super::key::{KeyId, VerifyingKey};
use super::payload::CertificateType;
use super::signer::Signer;
use super::trust::{AllowedUses, LoadedTrust, SkippedEntry, TrustEntry, TrustError, TrustStore};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ReceivedDocument")]
pub struct TrustListDocument {
    /// Grows with every publication.
    pub version: u64,
    pub issued_at: DateTime<Utc>,
    pub max_age_seconds: u64,
    pub entries: Vec<TrustListEntry>,
    /// Entries of a received list that are not even shaped as entries (a kid that is not 8
    /// bytes of base64, a use this version does not know), by their position in the list.
    /// Never written out; empty in a document built here.
    #[serde(skip)]
    pub unreadable_entries: Vec<SkippedEntry>,
}

/// The document as it arrives: each entry is read on its own, so that one a newer or broken
/// publisher wrote differently leaves the rest of the list usable.
#[derive(Deserialize)]
struct ReceivedDocument {
    version: u64,
    issued_at: DateTime<Utc>,
    max_age_seconds: u64,
    entries: Vec<serde_json::Value>,
}

impl From<ReceivedDocument> for TrustListDocument {
    fn from(received: ReceivedDocument) -> TrustListDocument {
        let mut entries = Vec::with_capacity(received.entries.len());
        let mut unreadable_entries = Vec::new();
        for (index, value) in received.entries.into_iter().enumerate() {
            let text = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_owned);
            let (kid, country) = (text("kid"), text("country"));
            match serde_json::from_value::<TrustListEntry>(value) {
                Ok(entry) => entries.push(entry),
                Err(error) => unreadable_entries.push(SkippedEntry::new(
                    index,
                    kid,
                    country,
                    &TrustError::Unreadable(error.to_string()),
                )),
            }
        }
        TrustListDocument {
            version: received.version,
            issued_at: received.issued_at,
            max_age_seconds: received.max_age_seconds,
            entries,
            unreadable_entries,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustListEntry {
    pub kid: KeyId,
    /// Standard base64 of the DSC's DER.
    pub certificate: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// Empty means every type.
    pub allowed_uses: Vec<CertificateType>,
    /// ISO 3166 alpha-2 code of the issuing country.
    pub country: String,
}

impl TrustListEntry {
    /// Describes a DSC for publication; everything but the country comes from the DER.
    pub fn from_certificate_der(
        certificate_der: &[u8],
        country: &str,
    ) -> Result<TrustListEntry, TrustError> {
        let entry = TrustEntry::from_certificate_der(certificate_der)?;
        Ok(TrustListEntry {
            kid: entry.key_id,
            certificate: STANDARD.encode(certificate_der),
            not_before: entry.not_before,
            not_after: entry.not_after,
            allowed_uses: if entry.allowed == AllowedUses::ANY {
                Vec::new()
            } else {
                entry.allowed.types()
            },
            country: country.to_owned(),
        })
    }

    /// The verifier's entry. The certificate is re-read rather than believed: its kid must
    /// match, and the listed validity and uses can only narrow what the certificate says.
    pub fn trust_entry(&self) -> Result<TrustEntry, TrustError> {
        let der = STANDARD
            .decode(&self.certificate)
            .map_err(|_| TrustError::Base64)?;
        let mut entry = TrustEntry::from_certificate_der(&der)?;
        if entry.key_id != self.kid {
            return Err(TrustError::KidMismatch {
                listed: self.kid,
                computed: entry.key_id,
            });
        }
        entry.allowed = entry
            .allowed
            .intersect(AllowedUses::from_types(&self.allowed_uses));
        entry.not_before = entry.not_before.max(self.not_before);
        entry.not_after = entry.not_after.min(self.not_after);
        entry.country = Some(self.country.clone());
        Ok(entry)
    }
}

impl TrustListDocument {
    /// The store of every usable entry; each entry that cannot be used is skipped and
    /// reported, never a reason to distrust the others.
    pub fn trust_store(&self) -> LoadedTrust {
        let mut loaded = LoadedTrust {
            store: TrustStore::new(),
            skipped: self.unreadable_entries.clone(),
        };
        let unreadable: BTreeSet<usize> = self
            .unreadable_entries
            .iter()
            .map(|skipped| skipped.index as usize)
            .collect();
        let positions = (0usize..).filter(|index| !unreadable.contains(index));
        for (entry, index) in self.entries.iter().zip(positions) {
            loaded.add(
                index,
                Some(entry.kid.to_base64()),
                Some(entry.country.clone()),
                entry.trust_entry(),
            );
        }
        loaded.skipped.sort_by_key(|skipped| skipped.index);
        loaded
    }
}

impl VersionedDocument for TrustListDocument {
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

pub fn sign_trust_list(
    document: &TrustListDocument,
    signer: &dyn Signer,
) -> Result<SignedEnvelope, SignError> {
    envelope::seal(document, signer)
}

/// Opens a trust list signed by the pinned trust-list key (build it with
/// [`VerifyingKey::from_certificate_der`] or [`VerifyingKey::ecdsa_p256`]).
pub fn verify_trust_list(
    envelope: &SignedEnvelope,
    trust_list_key: &VerifyingKey,
    previously_seen_version: Option<u64>,
    now: DateTime<Utc>,
) -> Result<Opened<TrustListDocument>, EnvelopeError> {
    envelope::open(envelope, trust_list_key, previously_seen_version, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate;
    use crate::certificate::envelope::EnvelopeError;
    use crate::certificate::error::SignatureError;
    use crate::certificate::test_support::{dsc, measles_dose, p384_certificate};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("instant")
    }

    fn document(version: u64) -> TrustListDocument {
        let vaccination_only = dsc(&[2]);
        TrustListDocument {
            version,
            issued_at: at("2026-11-01T00:00:00Z"),
            max_age_seconds: 7 * 24 * 3600,
            entries: vec![
                TrustListEntry::from_certificate_der(&vaccination_only.der, "VN").expect("entry"),
            ],
            unreadable_entries: Vec::new(),
        }
    }

    #[test]
    fn a_signed_trust_list_opens_and_builds_the_store() {
        let list_signer = dsc(&[]);
        let key = VerifyingKey::from_certificate_der(&list_signer.der).expect("key");
        let document = document(7);
        let envelope = sign_trust_list(&document, &list_signer.signer).expect("signed");
        assert_eq!(envelope.alg, "ES256");
        assert_eq!(
            envelope.kid,
            KeyId::from_certificate_der(&list_signer.der).to_base64()
        );
        let opened =
            verify_trust_list(&envelope, &key, Some(6), at("2026-11-02T00:00:00Z")).expect("opens");
        assert_eq!(opened.document, document);
        assert!(!opened.stale);

        let loaded = opened.document.trust_store();
        assert!(loaded.skipped.is_empty());
        let store = loaded.store;
        let entry = &store.signers(&document.entries[0].kid)[0];
        assert_eq!(
            document.entries[0].allowed_uses,
            vec![CertificateType::Vaccination]
        );
        assert!(entry.allowed.allows(CertificateType::Vaccination));
        assert!(!entry.allowed.allows(CertificateType::Test));
        assert_eq!(entry.country.as_deref(), Some("VN"));
    }

    #[test]
    fn a_tampered_payload_or_another_key_is_refused() {
        let list_signer = dsc(&[]);
        let key = VerifyingKey::from_certificate_der(&list_signer.der).expect("key");
        let mut envelope = sign_trust_list(&document(1), &list_signer.signer).expect("signed");
        let now = at("2026-11-02T00:00:00Z");

        let stranger = dsc(&[]);
        let other_key = VerifyingKey::from_certificate_der(&stranger.der).expect("key");
        assert_eq!(
            verify_trust_list(&envelope, &other_key, None, now),
            Err(EnvelopeError::Signature(SignatureError::Invalid))
        );

        let mut payload = URL_SAFE_NO_PAD
            .decode(&envelope.payload)
            .expect("base64url");
        let version_digit = payload.iter().position(|b| *b == b'1').expect("a digit");
        payload[version_digit] = b'9';
        envelope.payload = URL_SAFE_NO_PAD.encode(&payload);
        assert_eq!(
            verify_trust_list(&envelope, &key, None, now),
            Err(EnvelopeError::Signature(SignatureError::Invalid))
        );
    }

    #[test]
    fn an_older_version_is_a_rollback_and_an_old_list_is_stale() {
        let list_signer = dsc(&[]);
        let key = VerifyingKey::from_certificate_der(&list_signer.der).expect("key");
        let envelope = sign_trust_list(&document(4), &list_signer.signer).expect("signed");
        assert_eq!(
            verify_trust_list(&envelope, &key, Some(5), at("2026-11-02T00:00:00Z")),
            Err(EnvelopeError::Rollback {
                seen: 5,
                offered: 4
            })
        );
        assert!(verify_trust_list(&envelope, &key, Some(4), at("2026-11-02T00:00:00Z")).is_ok());
        let late = verify_trust_list(&envelope, &key, Some(4), at("2026-11-08T00:00:01Z"))
            .expect("still usable");
        assert!(late.stale);
    }

    #[test]
    fn an_entry_whose_kid_is_not_its_certificates_is_skipped() {
        let mut document = document(1);
        document.entries[0].kid = KeyId::from_bytes([0; 8]);
        let loaded = document.trust_store();
        assert!(loaded.store.is_empty());
        assert_eq!(loaded.skipped.len(), 1);
        assert_eq!(loaded.skipped[0].code, "trust_entry_kid_mismatch");
        assert_eq!(loaded.skipped[0].kid.as_deref(), Some("AAAAAAAAAAA="));
    }

    /// A list entry for a DSC whose key this verifier cannot use, written as a publisher
    /// that does not check keys would.
    fn entry_for(der: &[u8], country: &str) -> TrustListEntry {
        TrustListEntry {
            kid: KeyId::from_certificate_der(der),
            certificate: STANDARD.encode(der),
            not_before: at("2020-01-01T00:00:00Z"),
            not_after: at("2100-01-01T00:00:00Z"),
            allowed_uses: Vec::new(),
            country: country.to_owned(),
        }
    }

    #[test]
    fn an_unsupported_key_costs_its_own_entry_and_the_others_still_verify() {
        let list_signer = dsc(&[]);
        let key = VerifyingKey::from_certificate_der(&list_signer.der).expect("key");
        let p384 = p384_certificate();
        let vaccinations = dsc(&[2]);
        let document = TrustListDocument {
            entries: vec![
                entry_for(&p384, "DE"),
                TrustListEntry::from_certificate_der(&vaccinations.der, "VN").expect("entry"),
            ],
            ..document(2)
        };
        let envelope = sign_trust_list(&document, &list_signer.signer).expect("signed");
        let now = at("2026-11-02T00:00:00Z");
        let opened = verify_trust_list(&envelope, &key, None, now).expect("opens");

        let loaded = opened.document.trust_store();
        assert_eq!(loaded.store.len(), 1);
        assert_eq!(
            loaded.skipped,
            vec![SkippedEntry {
                index: 0,
                kid: Some(KeyId::from_certificate_der(&p384).to_base64()),
                country: Some("DE".into()),
                code: "trust_entry_unsupported_key".into(),
                reason: "the signing certificate holds neither a P-256 nor an RSA key".into(),
            }]
        );
        let issued = certificate::encode(
            &measles_dose(at("2026-08-03T00:00:00Z")),
            &vaccinations.signer,
        )
        .expect("issued");
        assert!(certificate::verify(&issued, &loaded.store, now).is_ok());
    }

    #[test]
    fn an_entry_this_version_cannot_read_is_skipped_and_the_rest_kept() {
        let list_signer = dsc(&[]);
        let key = VerifyingKey::from_certificate_der(&list_signer.der).expect("key");
        let good = document(3);
        let mut json = serde_json::to_value(&good).expect("json");
        let entry = json["entries"][0].clone();
        let mut short_kid = entry.clone();
        short_kid["kid"] = "AAAA".into();
        let mut new_use = entry.clone();
        new_use["allowed_uses"] = serde_json::json!(["vaccination", "booster_pass"]);
        json["entries"] = serde_json::json!([short_kid, entry, new_use, 42]);
        let envelope = envelope::seal(&json, &list_signer.signer).expect("signed");

        let opened = verify_trust_list(&envelope, &key, None, at("2026-11-02T00:00:00Z"))
            .expect("one odd entry does not void the list");
        assert_eq!(opened.document.entries, good.entries);
        let loaded = opened.document.trust_store();
        assert_eq!(loaded.store.len(), 1);
        let skipped: Vec<(u32, &str, Option<&str>)> = loaded
            .skipped
            .iter()
            .map(|s| (s.index, s.code.as_str(), s.kid.as_deref()))
            .collect();
        let kid = good.entries[0].kid.to_base64();
        assert_eq!(
            skipped,
            vec![
                (0, "trust_entry_unreadable", Some("AAAA")),
                (2, "trust_entry_unreadable", Some(kid.as_str())),
                (3, "trust_entry_unreadable", None),
            ]
        );
        assert!(
            loaded.skipped[1].reason.contains("booster_pass"),
            "{:?}",
            loaded.skipped[1]
        );
    }
}
