//! The XML 130 fuzz target on stable Rust, for a bounded time (`bounded.rs`), seeded with the
//! synthetic envelope, its inner files and signed envelopes. A panic leaves its input in
//! `target/xml130-fuzz-crash.bin`.
//!
//! `cargo run --release --manifest-path domain/fuzz/Cargo.toml --no-default-features \
//!   --target-dir target --bin xml130_bounded -- [SECONDS] [SEED]`

use healthbook_domain_fuzz::bounded::{Campaign, arguments};
use healthbook_domain_fuzz::xml130_envelope;
use std::path::Path;
use std::process::ExitCode;

/// Larger than the sample envelope (8 KB), small enough for many inputs a second.
const MAX_LEN: usize = 64 * 1024;

fn main() -> ExitCode {
    let (seconds, seed) = arguments(0x5eed_0130);
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/xml130");
    let signed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/xmldsig");
    let seeds: Vec<Vec<u8>> = [
        "sample-giamdinhhs-synthetic.xml",
        "sample-inner-xml1.xml",
        "sample-inner-xml2.xml",
        "sample-inner-xml3.xml",
    ]
    .iter()
    .map(|file| data.join(file))
    .chain(
        ["rsa-sha256-c14n.xml", "ecdsa-sha256-c14n-comments.xml"]
            .iter()
            .map(|file| signed.join(file)),
    )
    .filter_map(|path| std::fs::read(path).ok())
    .collect();
    if seeds.len() != 6 {
        eprintln!("xml130 fuzz: the samples are missing from domain/data/xml130 or domain/tests");
        return ExitCode::FAILURE;
    }
    eprintln!("xml130 fuzz: {} seeds, {seconds} s, seed {seed}", seeds.len());
    Campaign {
        name: "xml130",
        target: xml130_envelope,
        seeds: &seeds,
        max_len: MAX_LEN,
    }
    .run_for(seconds, seed)
}
