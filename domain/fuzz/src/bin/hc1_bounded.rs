//! The HC1 fuzz target on stable Rust, for a bounded time (`bounded.rs`): the conformance
//! vectors' HC1 texts and COSE messages as seeds, each fed, with its mutants, to the same
//! target as libFuzzer's. A panic leaves its input in `target/hc1-fuzz-crash.bin`.
//!
//! `cargo run --release --manifest-path domain/fuzz/Cargo.toml --no-default-features \
//!   --target-dir target --bin hc1_bounded -- [SECONDS] [SEED]`

use healthbook_domain::certificate;
use healthbook_domain_fuzz::bounded::{Campaign, arguments};
use healthbook_domain_fuzz::hc1_decode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Longer than any real certificate's COSE message or HC1 text.
const MAX_LEN: usize = 4096;

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// The HC1 text and the COSE message of every conformance vector.
fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/dcc");
    let mut files = Vec::new();
    json_files(&root, &mut files);
    files.sort();
    let mut seeds = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(vector) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if let Some(hc1) = vector["PREFIX"].as_str() {
            seeds.push(hc1.as_bytes().to_vec());
        }
        if let Some(cose) = vector["COSE"].as_str().and_then(hex) {
            seeds.push(cose);
        }
    }
    seeds
}

fn main() -> ExitCode {
    let (seconds, seed) = arguments(0x5eed_0c01);
    let seeds = seeds();
    // Real inputs, or this run proves nothing: the texts must reach the decoder's end.
    let decodable = seeds
        .iter()
        .filter_map(|s| std::str::from_utf8(s).ok())
        .filter(|s| certificate::decode_unverified(s).is_ok())
        .count();
    if seeds.is_empty() || decodable == 0 {
        eprintln!("hc1 fuzz: no decodable seed found under domain/tests/conformance");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "hc1 fuzz: {} seeds ({decodable} HC1 texts that decode), {seconds} s, seed {seed}",
        seeds.len()
    );
    Campaign {
        name: "hc1",
        target: hc1_decode,
        seeds: &seeds,
        max_len: MAX_LEN,
    }
    .run_for(seconds, seed)
}
