//! Properties of the certificate codec: what we issue verifies and reads back unchanged,
//! any single altered byte is caught, and no input makes a decoding step panic.

// Helpers outside #[test] fns fail loudly on broken fixtures, as tests should.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use healthbook_domain::certificate::{
    self, Claims, Dcc, EcdsaP256Signer, Event, PersonName, RecoveryEntry, TestEntry, TrustEntry,
    TrustStore, Uvci, VaccinationEntry, VerifyError, cose, cwt, hc1, routine::TargetDisease,
    schema, schema::Strictness,
};
use proptest::prelude::*;
use std::sync::LazyLock;

struct Issuer {
    signer: EcdsaP256Signer,
    trust: TrustStore,
}

/// One DSC for the whole run: generating keys per case would only slow the search down.
static ISSUER: LazyLock<Issuer> = LazyLock::new(|| {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CountryName, "VN");
    params.not_before = rcgen::date_time_ymd(2000, 1, 1);
    params.not_after = rcgen::date_time_ymd(2100, 1, 1);
    let der = params
        .self_signed(&key)
        .expect("certificate")
        .der()
        .to_vec();
    Issuer {
        signer: EcdsaP256Signer::from_pkcs8(&key.serialize_der(), &der).expect("signer"),
        trust: TrustStore::from_certificates([der.as_slice()]).expect("trust store"),
    }
});

/// Text as a careful issuer writes it: no surrounding whitespace (verifiers trim it).
fn trimmed_text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[\\p{{L}}\\p{{N}}' .,-]{{1,{max}}}"))
        .expect("regex")
        .prop_map(|text| text.trim().to_owned())
        .prop_filter("non-empty", |text| !text.is_empty())
}

fn icao_name() -> impl Strategy<Value = String> {
    "[A-Z<]{1,40}"
}

fn code() -> impl Strategy<Value = String> {
    "[A-Za-z0-9/-]{1,20}"
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..365 * 60)
        .prop_map(|days| NaiveDate::from_ymd_opt(1990, 1, 1).expect("date") + Duration::days(days))
}

fn date_of_birth() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (1900u32..2100).prop_map(|year| year.to_string()),
        (1900u32..2100, 1u32..13).prop_map(|(y, m)| format!("{y}-{m:02}")),
        date().prop_map(|d| d.format("%Y-%m-%d").to_string()),
    ]
}

fn uvci() -> impl Strategy<Value = String> {
    any::<u128>().prop_map(|bits| Uvci::from_uuid(uuid::Uuid::from_u128(bits)).into_string())
}

fn target() -> impl Strategy<Value = String> {
    proptest::sample::select(TargetDisease::ALL.to_vec()).prop_map(|d| d.snomed_ct().to_owned())
}

fn event() -> impl Strategy<Value = Event> {
    let vaccination = (
        target(),
        code(),
        code(),
        code(),
        1u32..10,
        1u32..10,
        date(),
        uvci(),
        trimmed_text(80),
    )
        .prop_map(|(tg, vp, mp, ma, dn, sd, dt, ci, is)| {
            Event::Vaccination(VaccinationEntry {
                tg,
                vp,
                mp,
                ma,
                dn,
                sd,
                dt,
                co: "VN".into(),
                is,
                ci,
            })
        });
    let test = (
        target(),
        code(),
        proptest::option::of(trimmed_text(80)),
        date(),
        uvci(),
    )
        .prop_map(|(tg, tt, tc, day, ci)| {
            Event::Test(TestEntry {
                tg,
                tt,
                nm: None,
                ma: Some("1232".into()),
                sc: format!("{}T08:30:00Z", day.format("%Y-%m-%d")),
                dr: None,
                tr: "260415000".into(),
                tc,
                co: "VN".into(),
                is: "Bộ Y tế".into(),
                ci,
            })
        });
    let recovery = (target(), date(), uvci()).prop_map(|(tg, fr, ci)| {
        Event::Recovery(RecoveryEntry {
            tg,
            fr,
            co: "VN".into(),
            is: "Bộ Y tế".into(),
            df: fr + Duration::days(11),
            du: fr + Duration::days(180),
            ci,
        })
    });
    prop_oneof![vaccination, test, recovery]
}

fn dcc() -> impl Strategy<Value = Dcc> {
    (
        proptest::option::of(trimmed_text(80)),
        icao_name(),
        proptest::option::of(trimmed_text(80)),
        proptest::option::of(icao_name()),
        date_of_birth(),
        event(),
    )
        .prop_map(|(family, fnt, given, gnt, dob, event)| Dcc {
            ver: "1.3.0".into(),
            nam: PersonName {
                r#fn: family,
                fnt,
                gn: given,
                gnt,
            },
            dob,
            event,
        })
}

fn claims() -> impl Strategy<Value = (Claims, DateTime<Utc>)> {
    (
        dcc(),
        1_600_000_000i64..2_500_000_000,
        1i64..2000,
        0u32..=100,
    )
        .prop_map(|(dcc, issued, valid_days, elapsed_percent)| {
            let issued_at = Utc.timestamp_opt(issued, 0).single().expect("instant");
            let expires_at = issued_at + Duration::days(valid_days);
            let now = issued_at + (expires_at - issued_at) * (elapsed_percent as i32) / 100;
            let claims = Claims {
                issuer: "VN".into(),
                issued_at,
                expires_at,
                dcc,
            };
            (claims, now)
        })
}

/// The COSE bytes inside an `HC1:` text.
fn cose_of(hc1_text: &str) -> Vec<u8> {
    let base45 = hc1::unprefix(hc1_text).expect("prefix");
    hc1::inflate(&hc1::base45_decode(base45).expect("base45")).expect("zlib")
}

fn hc1_of(cose_bytes: &[u8]) -> String {
    format!(
        "{}{}",
        hc1::PREFIX,
        hc1::base45_encode(&hc1::deflate(cose_bytes).expect("zlib"))
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn issued_certificates_verify_and_read_back_unchanged((claims, now) in claims()) {
        let text = certificate::encode(&claims, &ISSUER.signer).expect("issued");
        prop_assert!(text.starts_with("HC1:"));
        let verified = certificate::verify(&text, &ISSUER.trust, now).expect("verified");
        prop_assert_eq!(&verified.dcc, &claims.dcc);
        prop_assert_eq!(verified.issuer.as_deref(), Some("VN"));
        prop_assert_eq!(verified.issued_at, claims.issued_at);
        prop_assert_eq!(verified.expires_at, claims.expires_at);
        prop_assert_eq!(verified.certificate_type, claims.dcc.certificate_type());
        prop_assert_eq!(verified.key_id, cose::parse(&cose_of(&text)).expect("COSE").key_id);
    }

    #[test]
    fn issued_certificates_start_a_zlib_stream_that_strict_verifiers_inflate((claims, _) in claims()) {
        // Verifiers that check the header inflate only a 32 KiB window (`0x78`), at any level.
        let text = certificate::encode(&claims, &ISSUER.signer).expect("issued");
        let compressed = hc1::base45_decode(hc1::unprefix(&text).expect("prefix")).expect("base45");
        let header = [compressed[0], compressed[1]];
        prop_assert!(
            [[0x78, 0x01], [0x78, 0x5E], [0x78, 0x9C], [0x78, 0xDA]].contains(&header),
            "the zlib stream starts {:02X?}", header
        );
    }

    #[test]
    fn flipping_any_byte_of_the_cose_message_is_caught(
        (claims, now) in claims(),
        position in any::<proptest::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let text = certificate::encode(&claims, &ISSUER.signer).expect("issued");
        let mut cose_bytes = cose_of(&text);
        let at = position.index(cose_bytes.len());
        cose_bytes[at] ^= mask;
        let result = certificate::verify(&hc1_of(&cose_bytes), &ISSUER.trust, now);
        prop_assert!(result.is_err(), "byte {} ^ {:#04x} still verified", at, mask);
    }

    #[test]
    fn flipping_any_byte_of_the_base45_text_is_caught(
        (claims, now) in claims(),
        position in any::<proptest::sample::Index>(),
        mask in 1u8..=127,
    ) {
        let text = certificate::encode(&claims, &ISSUER.signer).expect("issued");
        let mut bytes = text.into_bytes();
        let at = position.index(bytes.len());
        bytes[at] ^= mask;
        let altered = String::from_utf8_lossy(&bytes);
        let result = certificate::verify(&altered, &ISSUER.trust, now);
        prop_assert!(result.is_err(), "character {} ^ {:#04x} still verified", at, mask);
    }

    #[test]
    fn verification_outside_the_validity_period_fails((claims, _) in claims(), late in 1i64..100_000) {
        let text = certificate::encode(&claims, &ISSUER.signer).expect("issued");
        let after = claims.expires_at + Duration::seconds(late);
        let before = claims.issued_at - Duration::seconds(late);
        let expired = matches!(certificate::verify(&text, &ISSUER.trust, after), Err(VerifyError::Expired { .. }));
        let early = matches!(certificate::verify(&text, &ISSUER.trust, before), Err(VerifyError::NotYetValid { .. }));
        prop_assert!(expired);
        prop_assert!(early);
    }

    #[test]
    fn arbitrary_text_never_panics_the_text_steps(text in ".{0,600}") {
        let _ = hc1::unprefix(&text);
        let _ = hc1::base45_decode(&text);
        let _ = certificate::decode_unverified(&text);
        let _ = certificate::verify(&text, &ISSUER.trust, fixed_now());
        let _ = Uvci::parse(&text);
        let _ = certificate::KeyId::from_base64(&text);
        let prefixed = format!("HC1:{text}");
        let _ = certificate::verify(&prefixed, &ISSUER.trust, fixed_now());
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_binary_steps(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = hc1::inflate(&bytes);
        let _ = hc1::inflate_with_limit(&bytes, 16);
        let _ = cose::parse(&bytes);
        let _ = cwt::decode(&bytes);
        if let Ok(value) = cwt::decode_value(&bytes)
            && let Ok(json) = cwt::to_json(&value)
        {
            let _ = schema::validate(&json, Strictness::Strict);
            let _ = schema::validate(&json, Strictness::Lenient);
            let _ = Dcc::from_json(json);
        }
        let _ = TrustEntry::from_certificate_der(&bytes);
        let _ = certificate::verify(&hc1_of(&bytes), &ISSUER.trust, fixed_now());
        let _ = certificate::read_dsc_list(&bytes);
        let _ = certificate::read_signer_certificates(&bytes);
        let _ = certificate::VerifyingKey::from_public_key_der(&bytes);
    }

    #[test]
    fn base45_decoding_agrees_with_the_reference_crate(
        text in "[0-9A-Z $%*+\\-./:a]{0,40}",
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        // Where both decode they agree; we are stricter on one point only: a final pair
        // worth more than 255 is an error in RFC 9285, the crate keeps its low byte.
        let ours = hc1::base45_decode(&text).ok();
        let reference = base45::decode(&text).ok();
        if ours.is_some() || reference.is_none() {
            prop_assert_eq!(&ours, &reference);
        } else {
            const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
            let value = |c: char| ALPHABET.find(c).unwrap_or(0);
            let tail: Vec<char> = text.chars().rev().take(2).collect();
            let final_pair_overflows = text.len() % 3 == 2 && value(tail[1]) + 45 * value(tail[0]) > 255;
            prop_assert!(final_pair_overflows, "{:?}: only the crate decodes it", text);
        }
        let encoded = hc1::base45_encode(&bytes);
        prop_assert_eq!(hc1::base45_decode(&encoded), Ok(bytes));
    }

    #[test]
    fn arbitrary_json_never_panics_the_schema_or_the_reader(json in json_value()) {
        let _ = schema::validate(&json, Strictness::Strict);
        let _ = schema::validate(&json, Strictness::Lenient);
        let _ = certificate::read_dsc_list(json.to_string().as_bytes());
        let wrapped = serde_json::json!({"certificates": [json.clone()], "AAAAAAAAAAA=": [json.clone()]});
        let _ = certificate::read_dsc_list(wrapped.to_string().as_bytes());
        let _ = serde_json::from_value::<certificate::TrustListDocument>(
            serde_json::json!({"version": 1, "issued_at": "2026-01-01T00:00:00Z",
                               "max_age_seconds": 60, "entries": [json.clone()]}),
        )
        .map(|document| document.trust_store());
        let _ = Dcc::from_json(json);
    }

    #[test]
    fn what_the_schema_accepts_strictly_the_reader_reads(dcc in dcc()) {
        let json = dcc.to_json();
        prop_assert!(schema::validate(&json, Strictness::Strict).is_ok());
        prop_assert_eq!(Dcc::from_json(json).expect("readable"), dcc);
    }
}

/// The never-panic properties do not depend on time; any instant will do.
fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .expect("instant")
}

/// JSON shaped like a DCC, with the wrong types, nulls, padding and extra members mixed in.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{Value, json};
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|n| json!(n)),
        ".{0,20}".prop_map(Value::String),
        Just(json!(" 1.3.0 ")),
        Just(json!("2021-02-30")),
    ];
    let keys = proptest::sample::select(vec![
        "ver", "nam", "dob", "v", "t", "r", "fn", "fnt", "gn", "gnt", "tg", "vp", "mp", "ma", "dn",
        "sd", "dt", "co", "is", "ci", "sc", "fr", "df", "du", "tt", "tr", "x",
    ]);
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map(keys.clone(), inner, 0..8).prop_map(|map| {
                Value::Object(map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}
