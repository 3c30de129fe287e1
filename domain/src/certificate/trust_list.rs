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
use super::trust::{AllowedUses, TrustEntry, TrustError, TrustStore};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustListDocument {
    /// Grows with every publication.
    pub version: u64,
    pub issued_at: DateTime<Utc>,
    pub max_age_seconds: u64,
    pub entries: Vec<TrustListEntry>,
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
    pub fn trust_store(&self) -> Result<TrustStore, TrustError> {
        let entries = self
            .entries
            .iter()
            .map(TrustListEntry::trust_entry)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustStore::from_entries(entries))
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
    use crate::certificate::envelope::EnvelopeError;
    use crate::certificate::error::SignatureError;
    use crate::certificate::test_support::dsc;
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

        let store = opened.document.trust_store().expect("store");
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
    fn an_entry_whose_kid_is_not_its_certificates_is_refused() {
        let mut document = document(1);
        document.entries[0].kid = KeyId::from_bytes([0; 8]);
        assert!(matches!(
            document.trust_store(),
            Err(TrustError::KidMismatch { .. })
        ));
    }
}
