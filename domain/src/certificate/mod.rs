//! The vaccination-certificate codec: EU Digital COVID Certificate (DCC) compatible.
//!
//! `HC1:` + Base45( zlib( COSE_Sign1( CWT{ iss, iat, exp, -260: {1: DCC} } ) ) ), signed with
//! ES256 (PS256 accepted when verifying), kid = SHA-256(DSC DER)[..8]. The server issues with
//! [`encode`]; the phone verifies offline with [`verify`] against a [`TrustStore`] built
//! from the signed trust list. Every layer is also a public step of its own (`hc1`, `cose`,
//! `cwt`, `schema`, [`check_validity`], [`check_key_usage`]) with its own error type.
//!
//! Nothing here reads the clock: `now` is always a parameter.

mod cbor;
pub mod cose;
pub mod cwt;
pub mod dsc_list;
pub mod envelope;
pub mod error;
pub mod hc1;
pub mod key;
pub mod payload;
pub mod revocation;
pub mod routine;
pub mod schema;
pub mod signer;
pub mod trust;
pub mod trust_list;
pub mod uvci;

#[cfg(test)]
pub(crate) mod test_support;

use chrono::{DateTime, Utc};

pub use cose::CoseSign1Message;
pub use cwt::{Claims, CwtClaims};
pub use dsc_list::{DscList, DscListError, DscListFormat, read_dsc_list, read_signer_certificates};
pub use envelope::{EnvelopeError, Opened, SignedEnvelope};
pub use error::{
    Base45Error, CborError, CoseError, EncodeError, KeyError, PrefixError, SignError,
    SignatureError, VerifyError, ZlibError,
};
pub use key::{Algorithm, KeyId, VerifyingKey};
pub use payload::{
    CertificateType, Dcc, Event, PersonName, RecoveryEntry, TestEntry, VaccinationEntry,
};
pub use revocation::{
    RevocationHashType, RevocationHashes, RevocationIndex, RevocationListDocument,
    revocation_hashes, sign_revocation_list, verify_revocation_list,
};
pub use schema::{SchemaViolation, Strictness};
pub use signer::{EcdsaP256Signer, Signer};
pub use trust::{AllowedUses, LoadedTrust, SkippedEntry, TrustEntry, TrustError, TrustStore};
pub use trust_list::{TrustListDocument, TrustListEntry, sign_trust_list, verify_trust_list};
pub use uvci::{Uvci, UvciError};

/// A certificate whose signature, validity period, signer and content were all accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCertificate {
    /// The issuing country (CWT `iss`), when the issuer wrote one.
    pub issuer: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub key_id: KeyId,
    pub algorithm: Algorithm,
    pub certificate_type: CertificateType,
    pub dcc: Dcc,
    /// The COSE signature, kept for the revocation list's SIGNATURE hash.
    pub signature: Vec<u8>,
}

/// A certificate taken apart without any check of trust: for showing what a QR code says
/// when its signer is unknown, and for tests of the individual layers.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedCertificate {
    pub cose: CoseSign1Message,
    pub claims: CwtClaims,
}

/// Issues a certificate: checks the claims (strictly), writes the CWT, signs it, and
/// returns the `HC1:` text a QR code carries.
pub fn encode(claims: &Claims, signer: &dyn Signer) -> Result<String, EncodeError> {
    let is_country =
        claims.issuer.len() == 2 && claims.issuer.bytes().all(|b| b.is_ascii_uppercase());
    if !is_country {
        return Err(EncodeError::Issuer);
    }
    if claims.expires_at < claims.issued_at {
        return Err(EncodeError::Validity);
    }
    schema::validate(&claims.dcc.to_json(), Strictness::Strict)?;
    let payload = cwt::encode(claims)?;
    let cose = cose::sign(&payload, signer)?;
    let compressed = hc1::deflate(&cose).map_err(|_| EncodeError::Compress)?;
    let mut text = String::with_capacity(hc1::PREFIX.len() + compressed.len() * 3 / 2 + 2);
    text.push_str(hc1::PREFIX);
    text.push_str(&hc1::base45_encode(&compressed));
    Ok(text)
}

/// Undoes the transport layers: prefix, Base45, zlib, COSE, CWT. Checks nothing else.
pub fn decode_unverified(hc1_text: &str) -> Result<UnverifiedCertificate, VerifyError> {
    let cose = open_transport(hc1_text)?;
    let claims = cwt::decode(&cose.payload)?;
    Ok(UnverifiedCertificate { cose, claims })
}

/// Prefix, Base45, zlib and COSE: what stands between a scanned text and a signed message.
fn open_transport(hc1_text: &str) -> Result<CoseSign1Message, VerifyError> {
    let base45 = hc1::unprefix(hc1_text)?;
    let compressed = hc1::base45_decode(base45)?;
    let cose_bytes = hc1::inflate(&compressed)?;
    Ok(cose::parse(&cose_bytes)?)
}

/// Verifies an `HC1:` text against the trusted signers at `now`.
pub fn verify(
    hc1_text: &str,
    trust: &TrustStore,
    now: DateTime<Utc>,
) -> Result<VerifiedCertificate, VerifyError> {
    let cose = open_transport(hc1_text)?;
    let (signer, algorithm) = find_signer(&cose, trust)?;
    let claims = cwt::decode(&cose.payload)?;
    let (issued_at, expires_at) = check_validity(&claims, now)?;
    if !signer.valid_at(issued_at) {
        return Err(VerifyError::SignerNotValid);
    }
    let mut dcc_json = claims.dcc;
    payload::normalize(&mut dcc_json);
    schema::validate(&dcc_json, Strictness::Lenient)?;
    let dcc = Dcc::from_json(dcc_json).map_err(|error| {
        VerifyError::SchemaViolation(SchemaViolation {
            problems: vec![schema::Problem {
                path: String::new(),
                rule: if error.is_data() {
                    "has a member of the wrong shape"
                } else {
                    "is unreadable"
                },
            }],
        })
    })?;
    let certificate_type = dcc.certificate_type();
    check_key_usage(signer, certificate_type)?;
    Ok(VerifiedCertificate {
        issuer: claims.issuer,
        issued_at,
        expires_at,
        key_id: cose.key_id,
        algorithm,
        certificate_type,
        dcc,
        signature: cose.signature,
    })
}

/// Finds the trusted signer whose key verifies the message (several may share a kid).
pub fn find_signer<'t>(
    cose: &CoseSign1Message,
    trust: &'t TrustStore,
) -> Result<(&'t TrustEntry, Algorithm), VerifyError> {
    let candidates = trust.signers(&cose.key_id);
    let mut last_error = None;
    for candidate in candidates {
        match cose.verify_signature(&candidate.key) {
            Ok(algorithm) => return Ok((candidate, algorithm)),
            Err(error) => last_error = Some(error),
        }
    }
    Err(match last_error {
        Some(error) => VerifyError::BadSignature(error),
        None => VerifyError::UnknownKeyId(cose.key_id),
    })
}

/// `iat ≤ now ≤ exp`; both claims are required. Returns them as instants.
pub fn check_validity(
    claims: &CwtClaims,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), VerifyError> {
    let instant = |claim: Option<i64>, key: i64| {
        claim
            .and_then(|seconds| DateTime::<Utc>::from_timestamp(seconds, 0))
            .ok_or(VerifyError::BadCbor(CborError::MissingClaim(key)))
    };
    let issued_at = instant(claims.issued_at, cwt::CLAIM_IAT)?;
    let expires_at = instant(claims.expires_at, cwt::CLAIM_EXP)?;
    if now < issued_at {
        return Err(VerifyError::NotYetValid {
            valid_from: issued_at,
        });
    }
    if now > expires_at {
        return Err(VerifyError::Expired {
            expired_at: expires_at,
        });
    }
    Ok((issued_at, expires_at))
}

/// The signer's extended key usage must allow this certificate type.
pub fn check_key_usage(
    signer: &TrustEntry,
    certificate_type: CertificateType,
) -> Result<(), VerifyError> {
    if signer.allowed.allows(certificate_type) {
        Ok(())
    } else {
        Err(VerifyError::KeyUsage { certificate_type })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::routine::TargetDisease;
    use crate::certificate::test_support::{dsc, measles_dose};
    use chrono::{NaiveDate, TimeZone};

    fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
            .single()
            .expect("instant")
    }

    #[test]
    fn a_routine_vaccination_travels_in_the_same_container() {
        let signer = dsc(&[2]);
        let trust = TrustStore::from_certificates([signer.der.as_slice()]).expect("trust");
        let claims = measles_dose(at(2026, 8, 3));
        let text = encode(&claims, &signer.signer).expect("issued");
        let verified = verify(&text, &trust, at(2026, 9, 1)).expect("verified");
        assert_eq!(verified.dcc, claims.dcc);
        assert_eq!(verified.certificate_type, CertificateType::Vaccination);
        let Event::Vaccination(entry) = &verified.dcc.event else {
            panic!("a vaccination");
        };
        assert_eq!(
            TargetDisease::from_snomed_ct(&entry.tg),
            Some(TargetDisease::Measles)
        );
    }

    /// What verifiers that check the zlib header accept: CMF `0x78` (deflate, 32 KiB window)
    /// with the FLEVEL byte of levels 0–1, 2–5, 6 and 7–9.
    const STANDARD_ZLIB_HEADERS: [[u8; 2]; 4] =
        [[0x78, 0x01], [0x78, 0x5E], [0x78, 0x9C], [0x78, 0xDA]];

    #[test]
    fn issued_certificates_start_their_zlib_stream_with_a_standard_header() {
        let signer = dsc(&[2]);
        for days in [0, 1, 400] {
            let text = encode(
                &measles_dose(at(2026, 8, 3) + chrono::Duration::days(days)),
                &signer.signer,
            )
            .expect("issued");
            let compressed =
                hc1::base45_decode(hc1::unprefix(&text).expect("prefix")).expect("base45");
            let header = [compressed[0], compressed[1]];
            assert!(
                STANDARD_ZLIB_HEADERS.contains(&header),
                "the zlib stream starts {header:02X?}"
            );
        }
    }

    #[test]
    fn a_signer_limited_to_tests_cannot_sign_vaccinations() {
        let signer = dsc(&[1]);
        let trust = TrustStore::from_certificates([signer.der.as_slice()]).expect("trust");
        let text = encode(&measles_dose(at(2026, 8, 3)), &signer.signer).expect("issued");
        assert_eq!(
            verify(&text, &trust, at(2026, 9, 1)),
            Err(VerifyError::KeyUsage {
                certificate_type: CertificateType::Vaccination
            })
        );
    }

    #[test]
    fn a_certificate_issued_outside_its_signers_validity_is_refused() {
        // The test DSCs are valid 2020–2100.
        let signer = dsc(&[]);
        let trust = TrustStore::from_certificates([signer.der.as_slice()]).expect("trust");
        let text = encode(&measles_dose(at(2019, 6, 1)), &signer.signer).expect("issued");
        assert_eq!(
            verify(&text, &trust, at(2020, 6, 1)),
            Err(VerifyError::SignerNotValid)
        );
    }

    #[test]
    fn an_unknown_signer_is_named_by_its_kid() {
        let signer = dsc(&[]);
        let text = encode(&measles_dose(at(2026, 8, 3)), &signer.signer).expect("issued");
        assert_eq!(
            verify(&text, &TrustStore::new(), at(2026, 9, 1)),
            Err(VerifyError::UnknownKeyId(KeyId::from_certificate_der(
                &signer.der
            )))
        );
    }

    #[test]
    fn issuance_is_strict() {
        let signer = dsc(&[]);
        let mut claims = measles_dose(at(2026, 8, 3));
        claims.dcc.nam.fnt = "Tran".into();
        assert!(matches!(
            encode(&claims, &signer.signer),
            Err(EncodeError::Schema(_))
        ));
        let mut claims = measles_dose(at(2026, 8, 3));
        claims.issuer = "Viet Nam".into();
        assert_eq!(encode(&claims, &signer.signer), Err(EncodeError::Issuer));
        let mut claims = measles_dose(at(2026, 8, 3));
        claims.expires_at = at(2026, 1, 1);
        assert_eq!(encode(&claims, &signer.signer), Err(EncodeError::Validity));
    }

    #[test]
    fn the_verifier_reads_sloppy_but_meaningful_payloads() {
        // Padding, nulls and a whole-number float, as the DCC special cases allow.
        let json = serde_json::json!({
            "ver": "1.3.0",
            "nam": {"fnt": " NGUYEN ", "gn": null},
            "dob": "1990-04-12",
            "v": [{"tg": "840539006", "vp": "J07BN01", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
                   "dn": 2.0, "sd": 2, "dt": "2021-08-01T00:00:00", "co": "VN", "is": "MoH", "ci": "X"}]
        });
        let mut cleaned = json.clone();
        payload::normalize(&mut cleaned);
        assert!(schema::validate(&cleaned, Strictness::Lenient).is_ok());
        assert!(schema::validate(&cleaned, Strictness::Strict).is_err());
        let dcc = Dcc::from_json(json).expect("readable");
        assert_eq!(dcc.nam.fnt, "NGUYEN");
        let Event::Vaccination(entry) = dcc.event else {
            panic!("a vaccination");
        };
        assert_eq!(
            (entry.dn, entry.dt),
            (2, NaiveDate::from_ymd_opt(2021, 8, 1).expect("date"))
        );
    }
}
