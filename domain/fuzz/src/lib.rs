//! The fuzz targets of the domain's decoders: the HC1 certificate's and the XML 130 envelope's.
//!
//! The HC1 decoder's fuzz target, shared by libFuzzer (`fuzz_targets/hc1_decode.rs`, nightly)
//! and the bounded stable run of CI (`src/bin/hc1_bounded.rs`).
//!
//! Arbitrary bytes into the whole HC1 verification chain, twice: once as the scanned text
//! itself, once wrapped as `HC1:` + Base45 + zlib so that the COSE, CWT and DCC layers see
//! the fuzzer's bytes directly.

use chrono::{DateTime, Utc};
use healthbook_domain::certificate::{
    self, AllowedUses, KeyId, TrustEntry, TrustStore, VerifyingKey, hc1, payload, schema,
};
use std::sync::LazyLock;

/// The P-256 base point: a valid public key, so inputs carrying kid 11…11 reach ring.
const P256_GENERATOR: [u8; 65] = [
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40,
    0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2,
    0x96, 0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e,
    0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51,
    0xf5,
];

static TRUST: LazyLock<TrustStore> = LazyLock::new(|| {
    let mut store = TrustStore::new();
    if let Ok(key) = VerifyingKey::ecdsa_p256(&P256_GENERATOR) {
        store.insert(TrustEntry {
            key_id: KeyId::from_bytes([0x11; 8]),
            key,
            not_before: DateTime::<Utc>::MIN_UTC,
            not_after: DateTime::<Utc>::MAX_UTC,
            allowed: AllowedUses::ANY,
            country: Some("VN".into()),
        });
    }
    store
});

/// One input through the decoder; returns normally or panics (the finding).
pub fn hc1_decode(data: &[u8]) {
    let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();

    let text = String::from_utf8_lossy(data);
    let _ = certificate::verify(&text, &TRUST, now);

    let Ok(compressed) = hc1::deflate(data) else {
        return;
    };
    let wrapped = format!("{}{}", hc1::PREFIX, hc1::base45_encode(&compressed));
    let _ = certificate::verify(&wrapped, &TRUST, now);
    if let Ok(decoded) = certificate::decode_unverified(&wrapped) {
        let _ = certificate::check_validity(&decoded.claims, now);
        let mut json = decoded.claims.dcc;
        payload::normalize(&mut json);
        let _ = schema::validate(&json, schema::Strictness::Strict);
        let _ = certificate::Dcc::from_json(json);
    }
}

/// One input through the XML 130 reader: as an envelope; as the inner file of each table;
/// and base64-wrapped as the summary of an envelope's visit, so that the visit checks see the
/// fuzzer's records.
pub fn xml130_envelope(data: &[u8]) {
    use base64::Engine as _;
    use healthbook_domain::xml130::{self, Limits, envelope};
    let limits = Limits::default();
    let _ = xml130::validate(data, "01999", limits);
    let _ = healthbook_domain::xmldsig::verify(|| Ok(data), limits.max_depth);
    for table in 0..=15 {
        let _ = envelope::records(data, table, &limits);
    }
    let wrapped = format!(
        "<GIAMDINHHS><THONGTINDONVI><MACSKCB>01999</MACSKCB></THONGTINDONVI><THONGTINHOSO>\
         <DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>{}</NOIDUNGFILE>\
         </FILEHOSO></HOSO></DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>",
        base64::engine::general_purpose::STANDARD.encode(data)
    );
    let _ = xml130::validate(wrapped.as_bytes(), "01999", limits);
}

pub mod bounded;
pub mod mutate;
