//! The EU DCC conformance vectors (tests/conformance/dcc), one test per vector file, and
//! our own negative cases for what upstream lists but does not supply (CO4, CO24–CO27).
//!
//! For each `EXPECTED*` flag a vector carries, only that step runs, from that step's own
//! input field, and its success must equal the flag (tests/conformance/README.md).

// Helpers outside #[test] fns fail loudly on broken fixtures, as tests should.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDateTime, Utc};
use healthbook_domain::certificate::{
    self, Dcc, TrustEntry, TrustStore, cose, cwt, hc1, schema, schema::Strictness,
};
use serde_json::Value;
use sha2::Digest as _;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn conformance_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// Every vector file, found by walking the directory.
fn vector_files() -> BTreeSet<String> {
    fn walk(dir: &Path, root: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("readable conformance directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, root, found);
            } else if path.extension().is_some_and(|ext| ext == "json")
                && path.parent().is_some_and(|p| p.ends_with("2DCode/raw"))
            {
                let relative = path.strip_prefix(root).expect("under root");
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = conformance_root().join("dcc");
    let mut found = BTreeSet::new();
    walk(&root, &root, &mut found);
    found
}

struct Vector {
    name: String,
    json: Value,
}

impl Vector {
    fn load(relative: &str) -> Vector {
        let path = conformance_root().join("dcc").join(relative);
        let text = std::fs::read_to_string(&path).expect("vector file");
        Vector {
            name: relative.to_owned(),
            json: serde_json::from_str(&text).expect("vector is JSON"),
        }
    }

    fn text(&self, field: &str) -> Option<&str> {
        self.json.get(field).and_then(Value::as_str)
    }

    fn hex(&self, field: &str) -> Option<Vec<u8>> {
        self.text(field)
            .map(|hex| decode_hex(hex).expect("vector hex field"))
    }

    fn trust_entry(&self) -> Option<TrustEntry> {
        let der = STANDARD
            .decode(self.json["TESTCTX"]["CERTIFICATE"].as_str()?)
            .ok()?;
        TrustEntry::from_certificate_der(&der).ok()
    }

    fn clock(&self) -> DateTime<Utc> {
        let text = self.json["TESTCTX"]["VALIDATIONCLOCK"]
            .as_str()
            .expect("VALIDATIONCLOCK");
        DateTime::parse_from_rfc3339(text)
            .map(|at| at.with_timezone(&Utc))
            .or_else(|_| {
                NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").map(|at| at.and_utc())
            })
            .expect("RFC 3339 clock")
    }

    fn expected(&self) -> Vec<(String, bool)> {
        self.json["EXPECTEDRESULTS"]
            .as_object()
            .map(|flags| {
                flags
                    .iter()
                    .map(|(flag, value)| (flag.clone(), value.as_bool().expect("boolean flag")))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The outcome of one step; `None` means "nothing to judge" (PICTUREDECODE without image).
fn run_step(vector: &Vector, flag: &str) -> Option<bool> {
    Some(match flag {
        "EXPECTEDPICTUREDECODE" => {
            let png = vector.text("2DCODE")?;
            picture_decode(png).as_deref() == vector.text("PREFIX")
        }
        "EXPECTEDUNPREFIX" => {
            let prefixed = vector.text("PREFIX").expect("PREFIX");
            hc1::unprefix(prefixed).ok() == vector.text("BASE45")
        }
        "EXPECTEDB45DECODE" => {
            let text = vector.text("BASE45").expect("BASE45");
            hc1::base45_decode(text).ok() == vector.hex("COMPRESSED")
        }
        "EXPECTEDCOMPRESSION" => {
            let compressed = vector.hex("COMPRESSED").expect("COMPRESSED");
            hc1::inflate(&compressed).ok() == vector.hex("COSE")
        }
        "EXPECTEDVERIFY" => verify_step(vector),
        "EXPECTEDDECODE" => decode_step(vector),
        "EXPECTEDVALIDJSON" => {
            let prefixed = vector.text("PREFIX").expect("PREFIX");
            let expected = vector.json.get("JSON").expect("JSON");
            certificate::decode_unverified(prefixed)
                .ok()
                .and_then(|decoded| Dcc::from_json(decoded.claims.dcc).ok())
                .is_some_and(|dcc| dcc.to_json() == *expected)
        }
        "EXPECTEDSCHEMAVALIDATION" => {
            schema::validate(&payload_json(vector), Strictness::Strict).is_ok()
        }
        "EXPECTEDEXPIRATIONCHECK" => cose_claims(vector)
            .is_some_and(|claims| certificate::check_validity(&claims, vector.clock()).is_ok()),
        "EXPECTEDKEYUSAGE" => {
            let signer = vector.trust_entry().expect("usable TESTCTX.CERTIFICATE");
            cose_claims(vector)
                .and_then(|claims| Dcc::from_json(claims.dcc).ok())
                .is_some_and(|dcc| {
                    certificate::check_key_usage(&signer, dcc.certificate_type()).is_ok()
                })
        }
        "EXPECTEDVALIDOBJECT" => {
            let json = vector.json.get("JSON").expect("JSON").clone();
            schema::validate(&json, Strictness::Strict).is_ok() && Dcc::from_json(json).is_ok()
        }
        "EXPECTEDENCODE" => {
            let json = vector.json.get("JSON").expect("JSON").clone();
            let expected = cbor_json(&vector.hex("CBOR").expect("CBOR"));
            Dcc::from_json(json).ok().is_some_and(|dcc| {
                let mut encoded = Vec::new();
                ciborium::into_writer(&dcc, &mut encoded).expect("CBOR encoding");
                cbor_json(&encoded).is_some() && cbor_json(&encoded) == expected
            })
        }
        other => panic!("{}: the codec offers no step for {other}", vector.name),
    })
}

/// VERIFY ← COSE: the signature checks with the vector's one certificate, and the kid
/// (protected first) names that certificate.
fn verify_step(vector: &Vector) -> bool {
    let cose_bytes = vector.hex("COSE").expect("COSE");
    let Some(signer) = vector.trust_entry() else {
        return false;
    };
    let trust = TrustStore::from_entries([signer]);
    cose::parse(&cose_bytes)
        .ok()
        .is_some_and(|message| certificate::find_signer(&message, &trust).is_ok())
}

/// DECODE ← COSE payload vs CBOR (either the DCC map or, as in DE/*, the whole CWT map),
/// and vs JSON where present; CBOR alone when there is no COSE.
fn decode_step(vector: &Vector) -> bool {
    let Some(expected) = vector.hex("CBOR").as_deref().and_then(cbor_json) else {
        return false;
    };
    let Some(cose_bytes) = vector.hex("COSE") else {
        return true;
    };
    let Ok(message) = cose::parse(&cose_bytes) else {
        return false;
    };
    let (Ok(claims), Some(whole_cwt)) =
        (cwt::decode(&message.payload), cbor_json(&message.payload))
    else {
        return false;
    };
    let matches_cbor = claims.dcc == expected || whole_cwt == expected;
    let matches_json = vector
        .json
        .get("JSON")
        .is_none_or(|json| *json == claims.dcc);
    matches_cbor && matches_json
}

fn cbor_json(bytes: &[u8]) -> Option<Value> {
    cwt::decode_value(bytes)
        .ok()
        .and_then(|value| cwt::to_json(&value).ok())
}

/// SCHEMAVALIDATION's input: `JSON`, or the decoded `CBOR` where there is none (DGC1).
fn payload_json(vector: &Vector) -> Value {
    match vector.json.get("JSON") {
        Some(json) => json.clone(),
        None => cbor_json(&vector.hex("CBOR").expect("CBOR")).expect("decodable CBOR"),
    }
}

fn cose_claims(vector: &Vector) -> Option<cwt::CwtClaims> {
    let cose_bytes = vector.hex("COSE").expect("COSE");
    let message = cose::parse(&cose_bytes).ok()?;
    cwt::decode(&message.payload).ok()
}

/// PICTUREDECODE ← 2DCODE: the base64 PNG's QR code, read with rqrr.
fn picture_decode(png_base64: &str) -> Option<String> {
    let png = STANDARD.decode(png_base64).ok()?;
    let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .ok()?
        .to_luma8();
    let (width, height) = image.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(width as usize, height as usize, |x, y| {
            image.get_pixel(x as u32, y as u32).0[0]
        });
    prepared
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

fn run_vector(relative: &str) {
    let vector = Vector::load(relative);
    let expected = vector.expected();
    assert!(!expected.is_empty(), "{relative}: no expected results");
    let mut failures = Vec::new();
    for (flag, want) in expected {
        if let Some(got) = run_step(&vector, &flag)
            && got != want
        {
            failures.push(format!("{flag}: expected {want}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{relative}: {failures:?}");
}

macro_rules! vectors {
    ($($test:ident => $file:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                run_vector($file);
            }
        )*
        const LISTED: &[&str] = &[$($file),*];
    };
}

vectors! {
    at_1 => "AT/2DCode/raw/1.json",
    at_2 => "AT/2DCode/raw/2.json",
    at_3 => "AT/2DCode/raw/3.json",
    at_4 => "AT/2DCode/raw/4.json",
    de_1 => "DE/2DCode/raw/1.json",
    de_2 => "DE/2DCode/raw/2.json",
    de_3 => "DE/2DCode/raw/3.json",
    de_4 => "DE/2DCode/raw/4.json",
    it_2 => "IT/2DCode/raw/2.json",
    it_3 => "IT/2DCode/raw/3.json",
    it_4 => "IT/2DCode/raw/4.json",
    se_1 => "SE/2DCode/raw/1.json",
    se_2 => "SE/2DCode/raw/2.json",
    se_3 => "SE/2DCode/raw/3.json",
    se_4 => "SE/2DCode/raw/4.json",
    se_5 => "SE/2DCode/raw/5.json",
    common_b1 => "common/2DCode/raw/B1.json",
    common_cbo1 => "common/2DCode/raw/CBO1.json",
    common_cbo2 => "common/2DCode/raw/CBO2.json",
    common_co1 => "common/2DCode/raw/CO1.json",
    common_co2 => "common/2DCode/raw/CO2.json",
    common_co3 => "common/2DCode/raw/CO3.json",
    common_co5 => "common/2DCode/raw/CO5.json",
    common_co6 => "common/2DCode/raw/CO6.json",
    common_co7 => "common/2DCode/raw/CO7.json",
    common_co8 => "common/2DCode/raw/CO8.json",
    common_co9 => "common/2DCode/raw/CO9.json",
    common_co10 => "common/2DCode/raw/CO10.json",
    common_co11 => "common/2DCode/raw/CO11.json",
    common_co12 => "common/2DCode/raw/CO12.json",
    common_co13 => "common/2DCode/raw/CO13.json",
    common_co14 => "common/2DCode/raw/CO14.json",
    common_co15 => "common/2DCode/raw/CO15.json",
    common_co16 => "common/2DCode/raw/CO16.json",
    common_co17 => "common/2DCode/raw/CO17.json",
    common_co18 => "common/2DCode/raw/CO18.json",
    common_co19 => "common/2DCode/raw/CO19.json",
    common_co20 => "common/2DCode/raw/CO20.json",
    common_co21 => "common/2DCode/raw/CO21.json",
    common_co22 => "common/2DCode/raw/CO22.json",
    common_co23 => "common/2DCode/raw/CO23.json",
    common_co28 => "common/2DCode/raw/CO28.json",
    common_dgc1 => "common/2DCode/raw/DGC1.json",
    common_dgc2 => "common/2DCode/raw/DGC2.json",
    common_dgc3 => "common/2DCode/raw/DGC3.json",
    common_dgc4 => "common/2DCode/raw/DGC4.json",
    common_dgc5 => "common/2DCode/raw/DGC5.json",
    common_dgc6 => "common/2DCode/raw/DGC6.json",
    common_h1 => "common/2DCode/raw/H1.json",
    common_h2 => "common/2DCode/raw/H2.json",
    common_h3 => "common/2DCode/raw/H3.json",
    common_q1 => "common/2DCode/raw/Q1.json",
    common_z1 => "common/2DCode/raw/Z1.json",
    common_z2 => "common/2DCode/raw/Z2.json",
}

#[test]
fn every_vector_file_has_its_own_test() {
    let listed: BTreeSet<String> = LISTED.iter().map(|file| (*file).to_owned()).collect();
    assert_eq!(
        vector_files(),
        listed,
        "add a line to vectors! for each new file"
    );
    assert_eq!(listed.len(), 54);
}

#[test]
fn all_schema_flags_are_exercised() {
    let flagged = vector_files()
        .iter()
        .filter(|file| {
            Vector::load(file)
                .expected()
                .iter()
                .any(|(flag, _)| flag == "EXPECTEDSCHEMAVALIDATION")
        })
        .count();
    assert_eq!(flagged, 23);
}

/// The negative vectors must be refused with an error, never a panic.
#[test]
fn broken_inputs_are_errors_at_their_own_layer() {
    use certificate::VerifyError as E;
    type Layer = fn(&E) -> bool;
    let cases: [(&str, Layer); 7] = [
        ("common/2DCode/raw/H1.json", |e| {
            matches!(e, E::BadPrefix(_))
        }),
        ("common/2DCode/raw/H2.json", |e| {
            matches!(e, E::BadPrefix(_))
        }),
        ("common/2DCode/raw/H3.json", |e| {
            matches!(e, E::BadPrefix(_))
        }),
        ("common/2DCode/raw/B1.json", |e| {
            matches!(e, E::BadBase45(_))
        }),
        ("common/2DCode/raw/Z1.json", |e| matches!(e, E::BadZlib(_))),
        ("common/2DCode/raw/Z2.json", |e| matches!(e, E::BadZlib(_))),
        ("common/2DCode/raw/CBO2.json", |e| {
            matches!(e, E::BadCose(_) | E::BadCbor(_))
        }),
    ];
    for (file, expected) in cases {
        let vector = Vector::load(file);
        let trust = TrustStore::from_entries(vector.trust_entry());
        let error = certificate::verify(
            vector.text("PREFIX").expect("PREFIX"),
            &trust,
            vector.clock(),
        )
        .expect_err(file);
        assert!(expected(&error), "{file}: {error:?}");
    }
}

/// The whole chain accepts the valid foreign certificates at their own clocks.
#[test]
fn verify_accepts_valid_foreign_certificates() {
    for file in [
        "DE/2DCode/raw/1.json",
        "SE/2DCode/raw/2.json",
        "common/2DCode/raw/CO28.json",
    ] {
        let vector = Vector::load(file);
        let trust = TrustStore::from_entries(vector.trust_entry());
        let verified = certificate::verify(
            vector.text("PREFIX").expect("PREFIX"),
            &trust,
            vector.clock(),
        )
        .unwrap_or_else(|error| panic!("{file}: {error}"));
        assert_eq!(verified.dcc.to_json(), vector.json["JSON"], "{file}");
    }
}

/// The vectors' signers published together, as the DCC gateway's trust-list download lists
/// document signers: every VERIFY flag comes out as with the vector's one certificate, and
/// the valid foreign certificates pass the whole chain.
#[test]
fn a_gateway_list_of_the_vectors_signers_verifies_as_each_signer_alone() {
    let vectors: Vec<Vector> = vector_files()
        .iter()
        .map(|file| Vector::load(file))
        .collect();
    let mut seen = BTreeSet::new();
    let mut entries = Vec::new();
    for vector in &vectors {
        let Some(der) = vector.json["TESTCTX"]["CERTIFICATE"]
            .as_str()
            .and_then(|text| STANDARD.decode(text).ok())
        else {
            continue;
        };
        if !seen.insert(der.clone()) {
            continue;
        }
        let digest = sha2::Sha256::digest(&der);
        let country = vector.name.split('/').next().unwrap_or("EU");
        entries.push(serde_json::json!({
            "kid": STANDARD.encode(&digest[..8]),
            "timestamp": "2021-06-01T00:00:00Z",
            "country": country,
            "certificateType": "DSC",
            "thumbprint": digest.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "signature": "",
            "rawData": STANDARD.encode(&der),
        }));
    }
    let list = serde_json::Value::Array(entries).to_string();
    let read = certificate::read_dsc_list(list.as_bytes()).expect("a gateway list");
    assert!(read.trust.skipped.is_empty(), "{:?}", read.trust.skipped);
    assert_eq!(read.trust.store.len(), seen.len());

    let mut checked = 0;
    for vector in &vectors {
        let Some(expected) = vector.json["EXPECTEDRESULTS"]["EXPECTEDVERIFY"].as_bool() else {
            continue;
        };
        let cose_bytes = vector.hex("COSE").expect("COSE");
        let verifies = cose::parse(&cose_bytes)
            .ok()
            .is_some_and(|message| certificate::find_signer(&message, &read.trust.store).is_ok());
        assert_eq!(verifies, expected, "{}", vector.name);
        checked += 1;
    }
    assert!(checked >= 28, "only {checked} VERIFY flags");
    for file in [
        "DE/2DCode/raw/1.json",
        "SE/2DCode/raw/2.json",
        "IT/2DCode/raw/2.json",
    ] {
        let vector = Vector::load(file);
        let text = vector.text("PREFIX").expect("PREFIX");
        certificate::verify(text, &read.trust.store, vector.clock())
            .unwrap_or_else(|error| panic!("{file}: {error}"));
    }
}

/// CO4, CO24–CO27: built here with ring-generated keys and rcgen-made DSCs.
mod own_negatives {
    use super::*;
    use certificate::{
        Algorithm, CoseError, EcdsaP256Signer, KeyId, SignatureError, Signer, VerifyError,
    };
    use coset::{
        CborSerializable, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana,
        iana::EnumI64,
    };

    struct Dsc {
        der: Vec<u8>,
        signer: EcdsaP256Signer,
    }

    fn dsc() -> Dsc {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.not_before = rcgen::date_time_ymd(2026, 1, 1);
        params.not_after = rcgen::date_time_ymd(2028, 1, 1);
        let der = params
            .self_signed(&key)
            .expect("certificate")
            .der()
            .to_vec();
        let signer = EcdsaP256Signer::from_pkcs8(&key.serialize_der(), &der).expect("signer");
        Dsc { der, signer }
    }

    fn now() -> DateTime<Utc> {
        "2026-06-01T00:00:00Z".parse().expect("instant")
    }

    fn payload() -> Vec<u8> {
        let vector = Vector::load("common/2DCode/raw/CO3.json");
        let message = cose::parse(&vector.hex("COSE").expect("COSE")).expect("COSE parses");
        message.payload
    }

    /// A COSE_Sign1 with the given header values, signed (correctly) by `dsc`.
    fn sign_with_headers(dsc: &Dsc, alg: iana::Algorithm, kid: &[u8], stretch: usize) -> Vec<u8> {
        let protected = HeaderBuilder::new()
            .algorithm(alg)
            .key_id(kid.to_vec())
            .build();
        let sign1 = CoseSign1Builder::new()
            .protected(protected)
            .payload(payload())
            .create_signature(&[], |tbs| {
                let mut signature = dsc.signer.sign(tbs).expect("signature");
                signature.extend(std::iter::repeat_n(0u8, stretch));
                signature
            })
            .build();
        sign1.to_tagged_vec().expect("COSE bytes")
    }

    fn verify_cose(cose_bytes: &[u8], trust: &TrustStore) -> Result<(), VerifyError> {
        let message = cose::parse(cose_bytes)?;
        certificate::find_signer(&message, trust).map(|_| ())
    }

    fn hc1_of(cose_bytes: &[u8]) -> String {
        format!(
            "HC1:{}",
            hc1::base45_encode(&hc1::deflate(cose_bytes).expect("deflate"))
        )
    }

    #[test]
    fn control_a_correct_es256_message_verifies() {
        let dsc = dsc();
        let trust = TrustStore::from_certificates([dsc.der.as_slice()]).expect("trust");
        let kid = KeyId::from_certificate_der(&dsc.der);
        let cose_bytes = sign_with_headers(&dsc, iana::Algorithm::ES256, kid.as_bytes(), 0);
        assert_eq!(verify_cose(&cose_bytes, &trust), Ok(()));
    }

    #[test]
    fn co4_an_algorithm_other_than_es256_or_ps256_is_refused() {
        let dsc = dsc();
        let trust = TrustStore::from_certificates([dsc.der.as_slice()]).expect("trust");
        let kid = KeyId::from_certificate_der(&dsc.der);
        for alg in [
            iana::Algorithm::ES384,
            iana::Algorithm::EdDSA,
            iana::Algorithm::RS256,
        ] {
            let cose_bytes = sign_with_headers(&dsc, alg, kid.as_bytes(), 0);
            assert_eq!(
                verify_cose(&cose_bytes, &trust),
                Err(VerifyError::BadSignature(
                    SignatureError::UnsupportedAlgorithm(alg.to_i64())
                )),
                "{alg:?}"
            );
            let error =
                certificate::verify(&hc1_of(&cose_bytes), &trust, now()).expect_err("refused");
            assert!(matches!(error, VerifyError::BadSignature(_)), "{error:?}");
        }
    }

    #[test]
    fn co24_an_overlong_ecdsa_signature_is_refused() {
        let dsc = dsc();
        let trust = TrustStore::from_certificates([dsc.der.as_slice()]).expect("trust");
        let kid = KeyId::from_certificate_der(&dsc.der);
        for extra in [1, 2, 64] {
            let cose_bytes = sign_with_headers(&dsc, iana::Algorithm::ES256, kid.as_bytes(), extra);
            assert_eq!(
                verify_cose(&cose_bytes, &trust),
                Err(VerifyError::BadSignature(SignatureError::Length {
                    expected: 64,
                    found: 64 + extra
                }))
            );
        }
    }

    #[test]
    fn co25_co26_a_kid_shorter_or_longer_than_8_bytes_is_refused() {
        let dsc = dsc();
        let trust = TrustStore::from_certificates([dsc.der.as_slice()]).expect("trust");
        let kid = KeyId::from_certificate_der(&dsc.der);
        let short = &kid.as_bytes()[..7];
        let mut long = kid.as_bytes().to_vec();
        long.push(0);
        for (kid, length) in [
            (short.to_vec(), 7),
            (long, 9),
            (kid.as_bytes()[..1].to_vec(), 1),
        ] {
            let cose_bytes = sign_with_headers(&dsc, iana::Algorithm::ES256, &kid, 0);
            assert_eq!(
                verify_cose(&cose_bytes, &trust),
                Err(VerifyError::BadCose(CoseError::KeyIdLength(length)))
            );
        }
    }

    #[test]
    fn co27_an_algorithm_that_does_not_fit_the_key_is_refused() {
        // PS256 in the header, a P-256 key in the DSC.
        let dsc = dsc();
        let trust = TrustStore::from_certificates([dsc.der.as_slice()]).expect("trust");
        let kid = KeyId::from_certificate_der(&dsc.der);
        let cose_bytes = sign_with_headers(&dsc, iana::Algorithm::PS256, kid.as_bytes(), 0);
        assert!(matches!(
            verify_cose(&cose_bytes, &trust),
            Err(VerifyError::BadSignature(
                SignatureError::AlgorithmKeyMismatch {
                    algorithm: Algorithm::Ps256,
                    ..
                }
            ))
        ));

        // ES256 in the header, an RSA key in the DSC (CO1's PS256 certificate, alg rewritten).
        let vector = Vector::load("common/2DCode/raw/CO1.json");
        let trust = TrustStore::from_entries(vector.trust_entry());
        let original =
            coset::CoseSign1::from_tagged_slice(&vector.hex("COSE").expect("COSE")).expect("COSE");
        let mut rewritten = original.clone();
        rewritten.protected = coset::ProtectedHeader {
            original_data: None,
            header: HeaderBuilder::new()
                .algorithm(iana::Algorithm::ES256)
                .key_id(original.protected.header.key_id.clone())
                .build(),
        };
        let cose_bytes = rewritten.to_vec().expect("COSE bytes");
        assert!(matches!(
            verify_cose(&cose_bytes, &trust),
            Err(VerifyError::BadSignature(
                SignatureError::AlgorithmKeyMismatch {
                    algorithm: Algorithm::Es256,
                    ..
                }
            ))
        ));
    }
}
