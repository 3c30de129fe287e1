//! libFuzzer's entry into the HC1 target (`cargo +nightly fuzz run hc1_decode`, from
//! `domain/`); the target itself is `healthbook_domain_fuzz::hc1_decode`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| healthbook_domain_fuzz::hc1_decode(data));
