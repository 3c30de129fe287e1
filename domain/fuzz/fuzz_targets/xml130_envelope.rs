//! libFuzzer's entry into the XML 130 target (`cargo +nightly fuzz run xml130_envelope`, from
//! `domain/`); the target itself is `healthbook_domain_fuzz::xml130_envelope`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| healthbook_domain_fuzz::xml130_envelope(data));
