//! The document signer in use, and the rules it keeps before it signs: its key's usage
//! period, its certificate's validity (a DSC never signs a certificate that would outlive
//! it), and its extended key usage.

use chrono::{DateTime, Utc};
use healthbook_domain::certificate::{
    self, CertificateType, Claims, EncodeError, KeyId, Signer, TrustEntry,
};
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IssueError {
    #[error("the document signer {kid} signs only from {from}")]
    SignerNotYetValid { kid: KeyId, from: DateTime<Utc> },
    #[error(
        "the document signer {kid} stopped signing at {until}: rotate it (healthbook keys rotate)"
    )]
    SignerRetired { kid: KeyId, until: DateTime<Utc> },
    #[error("the certificate would be issued at {issued_at}, outside its signer's validity")]
    IssuedOutsideSigner { issued_at: DateTime<Utc> },
    #[error(
        "the certificate would expire at {expires_at}, after its signer's certificate ({signer_not_after})"
    )]
    OutlivesSigner {
        expires_at: DateTime<Utc>,
        signer_not_after: DateTime<Utc>,
    },
    #[error("the document signer {kid} may not sign {certificate_type:?} certificates")]
    KeyUsage {
        kid: KeyId,
        certificate_type: CertificateType,
    },
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// A DSC able to sign: the key (behind the domain's [`Signer`], so a hardware module can
/// stand in) with what its certificate allows.
pub struct DocumentSigner {
    signer: Arc<dyn Signer>,
    certificate: TrustEntry,
    signing_until: DateTime<Utc>,
}

impl std::fmt::Debug for DocumentSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentSigner")
            .field("kid", &self.certificate.key_id)
            .field("not_after", &self.certificate.not_after)
            .field("signing_until", &self.signing_until)
            .finish_non_exhaustive()
    }
}

impl DocumentSigner {
    pub fn new(
        signer: Arc<dyn Signer>,
        certificate: TrustEntry,
        signing_until: DateTime<Utc>,
    ) -> DocumentSigner {
        DocumentSigner {
            signer,
            certificate,
            signing_until,
        }
    }

    pub fn kid(&self) -> KeyId {
        self.certificate.key_id
    }

    pub fn not_after(&self) -> DateTime<Utc> {
        self.certificate.not_after
    }

    pub fn signing_until(&self) -> DateTime<Utc> {
        self.signing_until
    }

    /// Whether this signer may sign at `now` (its key's usage period).
    pub fn check_period(&self, now: DateTime<Utc>) -> Result<(), IssueError> {
        if now < self.certificate.not_before {
            return Err(IssueError::SignerNotYetValid {
                kid: self.kid(),
                from: self.certificate.not_before,
            });
        }
        if now >= self.signing_until {
            return Err(IssueError::SignerRetired {
                kid: self.kid(),
                until: self.signing_until,
            });
        }
        Ok(())
    }

    /// Signs `claims` into the `HC1:` text, after checking every rule above.
    pub fn issue(&self, claims: &Claims, now: DateTime<Utc>) -> Result<String, IssueError> {
        self.check_period(now)?;
        if !self.certificate.valid_at(claims.issued_at) {
            return Err(IssueError::IssuedOutsideSigner {
                issued_at: claims.issued_at,
            });
        }
        if claims.expires_at > self.certificate.not_after {
            return Err(IssueError::OutlivesSigner {
                expires_at: claims.expires_at,
                signer_not_after: self.certificate.not_after,
            });
        }
        let certificate_type = claims.dcc.certificate_type();
        if !self.certificate.allowed.allows(certificate_type) {
            return Err(IssueError::KeyUsage {
                kid: self.kid(),
                certificate_type,
            });
        }
        Ok(certificate::encode(claims, self.signer.as_ref())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificates::keys::{self, Role};
    use chrono::{Duration, TimeZone};
    use healthbook_domain::certificate::{
        Dcc, Event, PersonName, TestEntry, TrustStore, VaccinationEntry,
    };

    fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, 0, 0, 0).unwrap()
    }

    fn signer(uses: &[CertificateType]) -> (DocumentSigner, Vec<u8>) {
        let csca = keys::generate_csca("VN", at(2026, 1, 1)).unwrap();
        let dsc = keys::issue(Role::Dsc, &csca, "VN", uses, at(2026, 1, 1)).unwrap();
        let entry = TrustEntry::from_certificate_der(&dsc.certificate_der).unwrap();
        let until = keys::signing_until(Role::Dsc, entry.not_before, entry.not_after);
        (
            DocumentSigner::new(dsc.signer().unwrap(), entry, until),
            dsc.certificate_der,
        )
    }

    fn person() -> PersonName {
        PersonName {
            r#fn: Some("Nguyễn".into()),
            fnt: "NGUYEN".into(),
            gn: Some("An".into()),
            gnt: Some("AN".into()),
        }
    }

    fn vaccination(issued_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Claims {
        Claims {
            issuer: "VN".into(),
            issued_at,
            expires_at,
            dcc: Dcc {
                ver: "1.3.0".into(),
                nam: person(),
                dob: "1990-04-12".into(),
                event: Event::Vaccination(VaccinationEntry {
                    tg: "840539006".into(),
                    vp: "J07BN01".into(),
                    mp: "EU/1/20/1528".into(),
                    ma: "ORG-100030215".into(),
                    dn: 2,
                    sd: 2,
                    dt: issued_at.date_naive(),
                    co: "VN".into(),
                    is: "Bộ Y tế".into(),
                    ci: "URN:UVCI:01:VN:ABC#1".into(),
                }),
            },
        }
    }

    #[test]
    fn signs_what_it_may_and_the_result_verifies() {
        let (signer, der) = signer(&[CertificateType::Vaccination]);
        let now = at(2026, 3, 1);
        let text = signer
            .issue(&vaccination(now, at(2027, 3, 1)), now)
            .unwrap();
        let trust = TrustStore::from_certificates([der.as_slice()]).unwrap();
        let verified = certificate::verify(&text, &trust, at(2026, 4, 1)).unwrap();
        assert_eq!(verified.key_id, signer.kid());
    }

    #[test]
    fn refuses_a_certificate_that_outlives_the_signer() {
        let (signer, _) = signer(&[CertificateType::Vaccination]);
        let now = at(2026, 3, 1);
        let too_long = signer.not_after() + Duration::seconds(1);
        assert!(matches!(
            signer.issue(&vaccination(now, too_long), now),
            Err(IssueError::OutlivesSigner { .. })
        ));
        assert!(
            signer
                .issue(&vaccination(now, signer.not_after()), now)
                .is_ok()
        );
    }

    #[test]
    fn refuses_a_type_its_extended_key_usage_forbids() {
        let (signer, _) = signer(&[CertificateType::Vaccination]);
        let now = at(2026, 3, 1);
        let mut claims = vaccination(now, at(2026, 6, 1));
        claims.dcc.event = Event::Test(TestEntry {
            tg: "840539006".into(),
            tt: "LP6464-4".into(),
            nm: None,
            ma: None,
            sc: "2026-02-28T10:00:00Z".into(),
            dr: None,
            tr: "260415000".into(),
            tc: Some("Trạm y tế".into()),
            co: "VN".into(),
            is: "Bộ Y tế".into(),
            ci: "URN:UVCI:01:VN:TEST#1".into(),
        });
        assert_eq!(
            signer.issue(&claims, now),
            Err(IssueError::KeyUsage {
                kid: signer.kid(),
                certificate_type: CertificateType::Test
            })
        );
        let (any_use, _) = self::signer(&[]);
        assert!(any_use.issue(&claims, now).is_ok());
    }

    #[test]
    fn stops_signing_when_its_key_usage_period_ends() {
        let (signer, _) = signer(&[CertificateType::Vaccination]);
        let late = signer.signing_until();
        assert!(matches!(
            signer.issue(&vaccination(late, late + Duration::days(30)), late),
            Err(IssueError::SignerRetired { .. })
        ));
        let early = at(2025, 12, 31);
        assert!(matches!(
            signer.issue(&vaccination(early, at(2026, 6, 1)), early),
            Err(IssueError::SignerNotYetValid { .. })
        ));
    }
}
