//! The document signer certificates (DSCs) a verifier trusts, and what each may sign.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use thiserror::Error;
use x509_parser::prelude::X509Certificate;

use super::error::KeyError;
use super::key::{KeyId, VerifyingKey};
use super::payload::CertificateType;

/// DER of the extended-key-usage extension's OID, 2.5.29.37.
const OID_EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
/// DER of 1.3.6.1.4.1.1847.2021.1 — the DCC key-usage arc; the last arc names the type.
const OID_DCC_KEY_USAGE_ARC: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x8e, 0x37, 0x8f, 0x65, 0x01];
/// DER of 1.3.6.1.4.1.0.1847.2021.1: the form with an extra `0` arc that the hcert
/// specification also lists and that the EU test DSCs carry; both mean the same.
const OID_DCC_KEY_USAGE_ARC_LEGACY: &[u8] = &[
    0x2b, 0x06, 0x01, 0x04, 0x01, 0x00, 0x8e, 0x37, 0x8f, 0x65, 0x01,
];
const DER_SEQUENCE: u8 = 0x30;
const DER_OID: u8 = 0x06;

/// Which certificate types a signer may sign: `1.3.6.1.4.1.1847.2021.1.1` test, `.2`
/// vaccination, `.3` recovery. A DSC with none of these OIDs may sign every type, as the
/// DCC specification says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AllowedUses {
    pub test: bool,
    pub vaccination: bool,
    pub recovery: bool,
}

impl AllowedUses {
    pub const ANY: AllowedUses = AllowedUses {
        test: true,
        vaccination: true,
        recovery: true,
    };

    pub fn allows(&self, certificate_type: CertificateType) -> bool {
        match certificate_type {
            CertificateType::Test => self.test,
            CertificateType::Vaccination => self.vaccination,
            CertificateType::Recovery => self.recovery,
        }
    }

    pub fn from_types(types: &[CertificateType]) -> AllowedUses {
        if types.is_empty() {
            return AllowedUses::ANY;
        }
        AllowedUses {
            test: types.contains(&CertificateType::Test),
            vaccination: types.contains(&CertificateType::Vaccination),
            recovery: types.contains(&CertificateType::Recovery),
        }
    }

    /// What both allow: a trust list can narrow what a certificate says, never widen it.
    pub fn intersect(self, other: AllowedUses) -> AllowedUses {
        AllowedUses {
            test: self.test && other.test,
            vaccination: self.vaccination && other.vaccination,
            recovery: self.recovery && other.recovery,
        }
    }

    pub fn types(&self) -> Vec<CertificateType> {
        [
            (self.test, CertificateType::Test),
            (self.vaccination, CertificateType::Vaccination),
            (self.recovery, CertificateType::Recovery),
        ]
        .into_iter()
        .filter_map(|(allowed, kind)| allowed.then_some(kind))
        .collect()
    }

    /// Reads the DCC key-usage OIDs from a DSC's extended-key-usage extension. The extension
    /// is read by hand: some DSCs carry an *empty* one (DER `30 00`), which strict X.509
    /// parsers reject; it means "no restriction".
    pub(crate) fn from_certificate(certificate: &X509Certificate<'_>) -> AllowedUses {
        let Some(extension) = certificate
            .extensions()
            .iter()
            .find(|extension| extension.oid.as_bytes() == OID_EXTENDED_KEY_USAGE)
        else {
            return AllowedUses::ANY;
        };
        let mut uses = AllowedUses {
            test: false,
            vaccination: false,
            recovery: false,
        };
        let mut any_dcc_oid = false;
        for oid in der_oids_in_sequence(extension.value) {
            let Some((&last, arc)) = oid.split_last() else {
                continue;
            };
            if arc != OID_DCC_KEY_USAGE_ARC && arc != OID_DCC_KEY_USAGE_ARC_LEGACY {
                continue;
            }
            match last {
                1 => uses.test = true,
                2 => uses.vaccination = true,
                3 => uses.recovery = true,
                _ => continue,
            }
            any_dcc_oid = true;
        }
        if any_dcc_oid { uses } else { AllowedUses::ANY }
    }
}

/// The OID contents of a DER `SEQUENCE OF OBJECT IDENTIFIER`; stops at anything else.
fn der_oids_in_sequence(der: &[u8]) -> Vec<&[u8]> {
    let mut oids = Vec::new();
    let Some((DER_SEQUENCE, body)) = der_element(der).map(|(tag, body, _)| (tag, body)) else {
        return oids;
    };
    let mut rest = body;
    while let Some((tag, content, after)) = der_element(rest) {
        if tag == DER_OID {
            oids.push(content);
        }
        rest = after;
    }
    oids
}

/// One DER element: (tag, contents, what follows). Short and long length forms.
fn der_element(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let (digits, rest) = rest.split_at_checked(count)?;
        let length = digits
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (length, rest)
    };
    let (content, after) = rest.split_at_checked(length)?;
    Some((tag, content, after))
}

/// Why a trust-list entry cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrustError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("the trust-list entry's kid {listed} is not the kid {computed} of its certificate")]
    KidMismatch { listed: KeyId, computed: KeyId },
    #[error("the trust-list entry's kid is not 8 bytes of base64")]
    BadKid,
    #[error("the trust-list entry's certificate is not valid base64")]
    Base64,
    #[error("the trust-list entry is of type {0}, not a document signer (DSC)")]
    NotADocumentSigner(String),
    #[error("the trust-list entry's thumbprint is not the SHA-256 of its certificate")]
    ThumbprintMismatch,
    #[error("the trust-list entry cannot be read: {0}")]
    Unreadable(String),
}

impl TrustError {
    /// A stable machine code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            TrustError::Key(KeyError::BadCertificate) => "trust_entry_bad_certificate",
            TrustError::Key(KeyError::UnsupportedKey) => "trust_entry_unsupported_key",
            TrustError::Key(KeyError::BadPublicKey) => "trust_entry_bad_public_key",
            TrustError::KidMismatch { .. } => "trust_entry_kid_mismatch",
            TrustError::BadKid => "trust_entry_bad_kid",
            TrustError::Base64 => "trust_entry_bad_base64",
            TrustError::NotADocumentSigner(_) => "trust_entry_not_a_signer",
            TrustError::ThumbprintMismatch => "trust_entry_thumbprint_mismatch",
            TrustError::Unreadable(_) => "trust_entry_unreadable",
        }
    }
}

/// A trust-list entry left out of the trust store, and why. One bad entry (a key of a kind
/// we cannot check, a certificate that does not parse) costs that signer only: the others
/// still verify, and whoever loaded the list is told what was left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SkippedEntry {
    /// The entry's position in the list, from 0.
    pub index: u32,
    /// The kid the list gives for it, as written, when it gives one.
    pub kid: Option<String>,
    /// The country the list gives for it, when it gives one.
    pub country: Option<String>,
    /// Stable: `trust_entry_unsupported_key`, `trust_entry_bad_certificate`,
    /// `trust_entry_bad_public_key`, `trust_entry_kid_mismatch`, `trust_entry_bad_kid`,
    /// `trust_entry_bad_base64`, `trust_entry_not_a_signer`, `trust_entry_thumbprint_mismatch`,
    /// `trust_entry_unreadable`.
    pub code: String,
    /// What is wrong, in English.
    pub reason: String,
}

impl SkippedEntry {
    pub fn new(
        index: usize,
        kid: Option<String>,
        country: Option<String>,
        error: &TrustError,
    ) -> SkippedEntry {
        SkippedEntry {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            kid,
            country,
            code: error.code().to_owned(),
            reason: error.to_string(),
        }
    }
}

/// The trust store a list yields, with the entries it had to leave out.
#[derive(Debug, Clone, Default)]
pub struct LoadedTrust {
    pub store: TrustStore,
    pub skipped: Vec<SkippedEntry>,
}

impl LoadedTrust {
    /// Takes one listed entry into the store, or notes why it stays out.
    pub fn add(
        &mut self,
        index: usize,
        kid: Option<String>,
        country: Option<String>,
        entry: Result<TrustEntry, TrustError>,
    ) {
        match entry {
            Ok(entry) => self.store.insert(entry),
            Err(error) => self
                .skipped
                .push(SkippedEntry::new(index, kid, country, &error)),
        }
    }
}

/// One trusted document signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustEntry {
    pub key_id: KeyId,
    pub key: VerifyingKey,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub allowed: AllowedUses,
    /// The `C` of the certificate's subject, when it has one.
    pub country: Option<String>,
}

impl TrustEntry {
    pub fn from_certificate_der(certificate_der: &[u8]) -> Result<TrustEntry, TrustError> {
        let (_, certificate) = x509_parser::parse_x509_certificate(certificate_der)
            .map_err(|_| KeyError::BadCertificate)?;
        let validity = certificate.validity();
        let time = |seconds: i64| {
            DateTime::<Utc>::from_timestamp(seconds, 0).ok_or(KeyError::BadCertificate)
        };
        Ok(TrustEntry {
            key_id: KeyId::from_certificate_der(certificate_der),
            key: VerifyingKey::from_certificate(&certificate)?,
            not_before: time(validity.not_before.timestamp())?,
            not_after: time(validity.not_after.timestamp())?,
            allowed: AllowedUses::from_certificate(&certificate),
            country: certificate
                .subject()
                .iter_country()
                .next()
                .and_then(|country| country.as_str().ok())
                .map(str::to_owned),
        })
    }

    /// A signer known only by its kid and bare public key, as some national lists publish
    /// it: no certificate, so no validity period or key usage to narrow what it may sign.
    pub fn from_public_key_der(key_id: KeyId, spki_der: &[u8]) -> Result<TrustEntry, TrustError> {
        Ok(TrustEntry {
            key_id,
            key: VerifyingKey::from_public_key_der(spki_der)?,
            not_before: DateTime::<Utc>::MIN_UTC,
            not_after: DateTime::<Utc>::MAX_UTC,
            allowed: AllowedUses::ANY,
            country: None,
        })
    }

    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

/// The trusted signers, by kid. Kids are 64 bits, so two signers may share one: each is
/// tried in turn.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    by_kid: HashMap<KeyId, Vec<TrustEntry>>,
}

impl TrustStore {
    pub fn new() -> TrustStore {
        TrustStore::default()
    }

    pub fn from_entries(entries: impl IntoIterator<Item = TrustEntry>) -> TrustStore {
        let mut store = TrustStore::new();
        for entry in entries {
            store.insert(entry);
        }
        store
    }

    /// Builds a store from DSC certificates (DER).
    pub fn from_certificates<'a>(
        certificates_der: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<TrustStore, TrustError> {
        let entries = certificates_der
            .into_iter()
            .map(TrustEntry::from_certificate_der)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustStore::from_entries(entries))
    }

    pub fn insert(&mut self, entry: TrustEntry) {
        self.by_kid.entry(entry.key_id).or_default().push(entry);
    }

    pub fn signers(&self, key_id: &KeyId) -> &[TrustEntry] {
        self.by_kid
            .get(key_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.by_kid.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_kid.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::test_support::dsc;

    #[test]
    fn key_usage_comes_from_the_dcc_oids() {
        let uses = |arcs: &[u64]| {
            TrustEntry::from_certificate_der(&dsc(arcs).der)
                .expect("entry")
                .allowed
        };
        assert_eq!(uses(&[]), AllowedUses::ANY);
        assert_eq!(
            uses(&[1]),
            AllowedUses {
                test: true,
                vaccination: false,
                recovery: false
            }
        );
        assert_eq!(
            uses(&[2, 3]),
            AllowedUses {
                test: false,
                vaccination: true,
                recovery: true
            }
        );
        // An unknown arc under the DCC prefix restricts nothing.
        assert_eq!(uses(&[9]), AllowedUses::ANY);
    }

    #[test]
    fn an_empty_eku_extension_means_any_use() {
        assert!(der_oids_in_sequence(&[0x30, 0x00]).is_empty());
        assert!(der_oids_in_sequence(&[0x30]).is_empty());
        assert!(der_oids_in_sequence(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_empty());
    }

    #[test]
    fn the_store_finds_signers_by_kid() {
        let first = dsc(&[]);
        let store = TrustStore::from_certificates([first.der.as_slice()]).expect("store");
        let kid = KeyId::from_certificate_der(&first.der);
        assert_eq!(store.signers(&kid).len(), 1);
        assert!(store.signers(&KeyId::from_bytes([0; 8])).is_empty());
        assert!(TrustStore::from_certificates([&b"not a certificate"[..]]).is_err());
    }
}
