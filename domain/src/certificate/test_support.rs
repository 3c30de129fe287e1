//! Test signers: a fresh P-256 DSC made with rcgen, with chosen key usages.

use super::cwt::Claims;
use super::payload::{self, Dcc, Event, PersonName, VaccinationEntry};
use super::routine::targets_for_schedule_id;
use super::signer::EcdsaP256Signer;
use super::uvci::Uvci;
use chrono::{DateTime, NaiveDate, Utc};

pub(crate) struct TestDsc {
    pub der: Vec<u8>,
    pub signer: EcdsaP256Signer,
}

/// A DSC valid 2020–2100 with the given DCC key-usage arcs (`1` test, `2` vaccination,
/// `3` recovery); none means "any type".
pub(crate) fn dsc(uses: &[u64]) -> TestDsc {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CountryName, "VN");
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2100, 1, 1);
    params.extended_key_usages = uses
        .iter()
        .map(|usage| {
            rcgen::ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 4, 1, 1847, 2021, 1, *usage])
        })
        .collect();
    let der = params
        .self_signed(&key)
        .expect("certificate")
        .der()
        .to_vec();
    let signer = EcdsaP256Signer::from_pkcs8(&key.serialize_der(), &der).expect("signer");
    TestDsc { der, signer }
}

/// A DSC with a P-384 key, as some published test material has: a key DCC verifiers do not
/// check ES256 signatures with.
pub(crate) fn p384_certificate() -> Vec<u8> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CountryName, "DE");
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2100, 1, 1);
    params
        .self_signed(&key)
        .expect("certificate")
        .der()
        .to_vec()
}

/// A child's first measles dose, issued at `issued_at` for five years.
pub(crate) fn measles_dose(issued_at: DateTime<Utc>) -> Claims {
    let disease = targets_for_schedule_id("measles_1").expect("programme antigen")[0];
    Claims {
        issuer: "VN".into(),
        issued_at,
        expires_at: issued_at + chrono::Duration::days(365 * 5),
        dcc: Dcc {
            ver: payload::SCHEMA_VERSION.into(),
            nam: PersonName {
                r#fn: Some("Trần".into()),
                fnt: "TRAN".into(),
                gn: Some("Bảo Châu".into()),
                gnt: Some("BAO<CHAU".into()),
            },
            dob: "2025-11-02".into(),
            event: Event::Vaccination(VaccinationEntry {
                tg: disease.snomed_ct().into(),
                vp: "J07BD01".into(),
                mp: "MVVAC".into(),
                ma: "POLYVAC".into(),
                dn: 1,
                sd: 1,
                dt: NaiveDate::from_ymd_opt(2026, 8, 3).expect("date"),
                co: "VN".into(),
                is: "Bộ Y tế".into(),
                ci: Uvci::from_uuid(uuid::Uuid::from_u128(42)).into_string(),
            }),
        },
    }
}
