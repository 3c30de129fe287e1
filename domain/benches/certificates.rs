//! Certificate throughput on one thread, next to ring's raw ES256 rates in the same run.
//!
//! `cargo bench -p healthbook-domain --bench certificates`

// A benchmark binary reports on stdout and stops on a broken fixture.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use flate2::{Compress, Compression, FlushCompress};
use healthbook_domain::certificate::{
    self, Claims, Dcc, EcdsaP256Signer, Event, PersonName, Signer, TrustStore, Uvci,
    VaccinationEntry, cose, cwt, hc1,
};
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
    UnparsedPublicKey,
};
use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

const RUN_FOR: Duration = Duration::from_millis(1500);

/// Calls `work` repeatedly for about `RUN_FOR` after a short warm-up; returns calls/s.
fn rate(mut work: impl FnMut()) -> f64 {
    let warm_up = Instant::now();
    while warm_up.elapsed() < RUN_FOR / 5 {
        work();
    }
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < RUN_FOR {
        for _ in 0..32 {
            work();
        }
        calls += 32;
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

/// Like [`rate`] for several operations at once, taking turns in batches of 32 calls, so
/// that each meets the same load from other processes: on a shared machine the ratios
/// between them hold where separate runs drift apart.
fn rates_side_by_side<'w, 'f>(works: &mut [&'w mut (dyn FnMut() + 'f)]) -> Vec<f64> {
    for work in works.iter_mut() {
        let warm_up = Instant::now();
        while warm_up.elapsed() < RUN_FOR / 5 {
            work();
        }
    }
    let mut spent = vec![Duration::ZERO; works.len()];
    let mut calls = 0u64;
    let start = Instant::now();
    while start.elapsed() < RUN_FOR * works.len() as u32 {
        for (work, spent) in works.iter_mut().zip(spent.iter_mut()) {
            let batch = Instant::now();
            for _ in 0..32 {
                work();
            }
            *spent += batch.elapsed();
        }
        calls += 32;
    }
    spent
        .iter()
        .map(|spent| calls as f64 / spent.as_secs_f64())
        .collect()
}

fn claims() -> Claims {
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    Claims {
        issuer: "VN".into(),
        issued_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
        expires_at: Utc.with_ymd_and_hms(2027, 11, 23, 9, 0, 0).unwrap(),
        dcc: Dcc {
            ver: "1.3.0".into(),
            nam: PersonName {
                r#fn: Some("Nguyễn".into()),
                fnt: "NGUYEN".into(),
                gn: Some("Thị Minh Anh".into()),
                gnt: Some("THI<MINH<ANH".into()),
            },
            dob: "1990-04-12".into(),
            event: Event::Vaccination(VaccinationEntry {
                tg: "840539006".into(),
                vp: "J07BN01".into(),
                mp: "EU/1/20/1528".into(),
                ma: "ORG-100030215".into(),
                dn: 2,
                sd: 2,
                dt: day,
                co: "VN".into(),
                is: "Bộ Y tế (Ministry of Health of Viet Nam)".into(),
                ci: Uvci::from_uuid(uuid::Uuid::from_u128(0x1234_5678_9abc_def0)).into_string(),
            }),
        },
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
}

fn zlib_once(level: u32, window_bits: Option<u8>, data: &[u8]) -> Vec<u8> {
    let mut compressor = match window_bits {
        Some(bits) => Compress::new_with_window_bits(Compression::new(level), true, bits),
        None => Compress::new(Compression::new(level), true),
    };
    let mut out = Vec::with_capacity(data.len() + 64);
    compressor
        .compress_vec(data, &mut out, FlushCompress::Finish)
        .unwrap();
    out
}

fn main() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.not_before = rcgen::date_time_ymd(2026, 1, 1);
    params.not_after = rcgen::date_time_ymd(2030, 1, 1);
    let dsc = params.self_signed(&key).unwrap().der().to_vec();
    let pkcs8 = key.serialize_der();
    let signer = EcdsaP256Signer::from_pkcs8(&pkcs8, &dsc).unwrap();
    let trust = TrustStore::from_certificates([dsc.as_slice()]).unwrap();

    let claims = claims();
    let payload = cwt::encode(&claims).unwrap();
    let cose_bytes = cose::sign(&payload, &signer).unwrap();
    let text = certificate::encode(&claims, &signer).unwrap();
    certificate::verify(&text, &trust, now()).expect("the benchmark certificate verifies");
    let to_be_signed = cose::sig_structure(
        &cose::protected_header(signer.algorithm(), &signer.key_id()),
        &payload,
    );

    // ring alone, same curve, same message size.
    let rng = SystemRandom::new();
    let raw_key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).unwrap();
    let raw_signature = raw_key.sign(&rng, &to_be_signed).unwrap();
    let raw_public = UnparsedPublicKey::new(
        &ECDSA_P256_SHA256_FIXED,
        raw_key.public_key().as_ref().to_vec(),
    );

    println!(
        "HC1 certificate benchmark — one thread, {:?} per row",
        RUN_FOR
    );
    println!(
        "payload: CWT {} B, COSE {} B, HC1 text {} chars\n",
        payload.len(),
        cose_bytes.len(),
        text.len()
    );
    let _ = std::io::stdout().flush();

    let signing = rates_side_by_side(&mut [
        &mut || {
            black_box(raw_key.sign(&rng, black_box(&to_be_signed)).unwrap());
        },
        &mut || {
            black_box(cose::sign(black_box(&payload), &signer).unwrap());
        },
        &mut || {
            black_box(certificate::encode(black_box(&claims), &signer).unwrap());
        },
    ]);
    let (raw_sign, cose_sign, issue) = (signing[0], signing[1], signing[2]);
    let verifying = rates_side_by_side(&mut [
        &mut || {
            raw_public
                .verify(black_box(&to_be_signed), black_box(raw_signature.as_ref()))
                .unwrap();
        },
        &mut || {
            black_box(certificate::verify(black_box(&text), &trust, now()).unwrap());
        },
    ]);
    let (raw_verify, verify) = (verifying[0], verifying[1]);

    println!("| operation | per second | µs each | vs raw ring |");
    println!("|---|---:|---:|---:|");
    let row = |name: &str, per_second: f64, baseline: Option<(f64, &str)>| {
        let ratio = baseline
            .map(|(base, label)| format!("{:.0} % of raw {label}", 100.0 * per_second / base))
            .unwrap_or_else(|| "—".into());
        println!(
            "| {name} | {per_second:.0} | {:.1} | {ratio} |",
            1e6 / per_second
        );
    };
    row("ring ES256 sign (raw)", raw_sign, None);
    row("ring ES256 verify (raw)", raw_verify, None);
    row(
        "COSE_Sign1 signature (cose::sign)",
        cose_sign,
        Some((raw_sign, "sign")),
    );
    row(
        "HC1 issuance (certificate::encode)",
        issue,
        Some((raw_sign, "sign")),
    );
    row(
        "HC1 verification (certificate::verify)",
        verify,
        Some((raw_verify, "verify")),
    );

    println!("\nWhere one verification's time goes:");
    println!("| step | µs each |");
    println!("|---|---:|");
    let step = |name: &str, per_second: f64| println!("| {name} | {:.1} |", 1e6 / per_second);
    let base45 = hc1::unprefix(&text).unwrap();
    let compressed = hc1::base45_decode(base45).unwrap();
    let message = cose::parse(&cose_bytes).unwrap();
    let decoded = cwt::decode(&message.payload).unwrap();
    step(
        "Base45 decode",
        rate(|| {
            black_box(hc1::base45_decode(black_box(base45)).unwrap());
        }),
    );
    step(
        "zlib inflate",
        rate(|| {
            black_box(hc1::inflate(black_box(&compressed)).unwrap());
        }),
    );
    step(
        "COSE parse (coset)",
        rate(|| {
            black_box(cose::parse(black_box(&cose_bytes)).unwrap());
        }),
    );
    step(
        "signature check (ring, with Sig_structure)",
        rate(|| {
            black_box(certificate::find_signer(black_box(&message), &trust).unwrap());
        }),
    );
    step(
        "CWT decode to JSON",
        rate(|| {
            black_box(cwt::decode(black_box(&message.payload)).unwrap());
        }),
    );
    step(
        "schema check + typed read",
        rate(|| {
            let mut json = decoded.dcc.clone();
            healthbook_domain::certificate::payload::normalize(&mut json);
            healthbook_domain::certificate::schema::validate(
                &json,
                healthbook_domain::certificate::Strictness::Lenient,
            )
            .unwrap();
            black_box(Dcc::from_json(json).unwrap());
        }),
    );

    println!("\nzlib on the {} B COSE message:", cose_bytes.len());
    println!("| compressor | per second | µs each | bytes |");
    println!("|---|---:|---:|---:|");
    let zrow = |name: &str, per_second: f64, size: usize| {
        println!(
            "| {name} | {per_second:.0} | {:.1} | {size} |",
            1e6 / per_second
        );
    };
    zrow(
        "fresh default encoder (level 6, 32 KiB window) per certificate",
        rate(|| {
            black_box(zlib_once(6, None, black_box(&cose_bytes)));
        }),
        zlib_once(6, None, &cose_bytes).len(),
    );
    let window = |bits: u8| format!("{} KiB window", (1u32 << bits) / 1024);
    for (level, bits) in [(1u32, 12u8), (1, 15), (6, 15), (9, 15)] {
        zrow(
            &format!("fresh encoder, level {level}, {}", window(bits)),
            rate(|| {
                black_box(zlib_once(level, Some(bits), black_box(&cose_bytes)));
            }),
            zlib_once(level, Some(bits), &cose_bytes).len(),
        );
    }
    // The reused compressors and hc1::deflate take turns, so the windows compare fairly.
    let combinations = [(1u32, 12u8), (1, 15), (6, 15), (9, 15)];
    let mut compressors: Vec<Compress> = combinations
        .iter()
        .map(|&(level, bits)| Compress::new_with_window_bits(Compression::new(level), true, bits))
        .collect();
    let mut sizes = vec![0; combinations.len()];
    let mut works: Vec<Box<dyn FnMut() + '_>> = compressors
        .iter_mut()
        .zip(sizes.iter_mut())
        .map(|(reused, size)| {
            let cose_bytes = &cose_bytes;
            Box::new(move || {
                reused.reset();
                let mut out = Vec::with_capacity(cose_bytes.len() + 64);
                reused
                    .compress_vec(black_box(cose_bytes), &mut out, FlushCompress::Finish)
                    .unwrap();
                *size = out.len();
            }) as Box<dyn FnMut() + '_>
        })
        .collect();
    works.push(Box::new(|| {
        black_box(hc1::deflate(black_box(&cose_bytes)).unwrap());
    }));
    let mut borrowed: Vec<_> = works.iter_mut().map(|work| &mut **work).collect();
    let per_second = rates_side_by_side(&mut borrowed);
    drop(borrowed);
    drop(works);
    for (index, &(level, bits)) in combinations.iter().enumerate() {
        zrow(
            &format!("reused encoder, level {level}, {}", window(bits)),
            per_second[index],
            sizes[index],
        );
    }
    let deflated = hc1::deflate(&cose_bytes).unwrap();
    zrow(
        &format!(
            "hc1::deflate (reused per thread, level {}, {}; starts {:02X?})",
            hc1::COMPRESSION_LEVEL,
            window(hc1::WINDOW_BITS),
            &deflated[..2]
        ),
        per_second[combinations.len()],
        deflated.len(),
    );
}
