//! Test signers: a fresh P-256 DSC made with rcgen, with chosen key usages.

use super::signer::EcdsaP256Signer;

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
