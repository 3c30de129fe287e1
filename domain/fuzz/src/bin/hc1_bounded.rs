//! The HC1 fuzz target on stable Rust, for a bounded time: the conformance vectors' HC1
//! texts and COSE messages as seeds, then seeded random mutations of them (and of earlier
//! mutants), each fed to the same target as libFuzzer's. A panic fails the run and leaves
//! the input in `target/hc1-fuzz-crash.bin`.
//!
//! `cargo run --release --manifest-path domain/fuzz/Cargo.toml --no-default-features \
//!   --target-dir target --bin hc1_bounded -- [SECONDS] [SEED]`

use healthbook_domain::certificate;
use healthbook_domain_fuzz::hc1_decode;
use healthbook_domain_fuzz::mutate::{Rng, mutate};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Longer than any real certificate's COSE message or HC1 text.
const MAX_LEN: usize = 4096;
/// Mutants kept to mutate further, so that stacked mutations reach past the first layer.
const POOL: usize = 512;

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

fn run(data: &[u8]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| hc1_decode(data))).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panic".to_owned())
    })
}

fn crash(data: &[u8], seed: u64, iteration: u64, message: &str) -> ExitCode {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/hc1-fuzz-crash.bin");
    let _ = std::fs::write(&path, data);
    eprintln!(
        "hc1 fuzz: panic at iteration {iteration} (seed {seed}): {message}\ninput ({} bytes) saved to {}",
        data.len(),
        path.display()
    );
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let seed: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(0x5eed_0c01);
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
    // Panics are caught and reported once, with their input; the default hook would print
    // each of them besides.
    std::panic::set_hook(Box::new(|_| {}));
    for (at, input) in seeds.iter().enumerate() {
        if let Err(message) = run(input) {
            return crash(input, seed, at as u64, &message);
        }
    }

    let mut rng = Rng::new(seed);
    let mut pool: Vec<Vec<u8>> = Vec::with_capacity(POOL);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut iterations: u64 = 0;
    while Instant::now() < deadline {
        for _ in 0..64 {
            let from_pool = !pool.is_empty() && rng.below(2) == 0;
            let base = if from_pool {
                &pool[rng.below(pool.len())]
            } else {
                &seeds[rng.below(seeds.len())]
            };
            let other = &seeds[rng.below(seeds.len())];
            let input = mutate(&mut rng, base, other, MAX_LEN);
            iterations += 1;
            if let Err(message) = run(&input) {
                return crash(&input, seed, iterations, &message);
            }
            if pool.len() < POOL {
                pool.push(input);
            } else {
                let at = rng.below(POOL);
                pool[at] = input;
            }
        }
    }
    eprintln!(
        "hc1 fuzz: {iterations} inputs in {seconds} s ({} a second), no panic",
        iterations / seconds.max(1)
    );
    ExitCode::SUCCESS
}
