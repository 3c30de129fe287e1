//! A fuzz target run on stable Rust for a bounded time: the seeds first, then seeded random
//! mutations of them (and of earlier mutants). A panic fails the run and leaves its input in
//! `target/<name>-fuzz-crash.bin`.

use crate::mutate::{Rng, mutate};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Mutants kept to mutate further, so that stacked mutations reach past the first layer.
const POOL: usize = 512;

/// What one run is: the target, its name in messages and files, and its inputs' bound.
pub struct Campaign<'a> {
    pub name: &'a str,
    pub target: fn(&[u8]),
    pub seeds: &'a [Vec<u8>],
    pub max_len: usize,
}

/// The seconds and the seed from the command line: `[SECONDS] [SEED]`.
pub fn arguments(default_seed: u64) -> (u64, u64) {
    let mut args = std::env::args().skip(1);
    let seconds = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(default_seed);
    (seconds, seed)
}

fn run(target: fn(&[u8]), data: &[u8]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| target(data))).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panic".to_owned())
    })
}

fn crash(name: &str, data: &[u8], seed: u64, iteration: u64, message: &str) -> ExitCode {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../target/{name}-fuzz-crash.bin"));
    let _ = std::fs::write(&path, data);
    eprintln!(
        "{name} fuzz: panic at iteration {iteration} (seed {seed}): {message}\ninput ({} bytes) saved to {}",
        data.len(),
        path.display()
    );
    ExitCode::FAILURE
}

impl Campaign<'_> {
    pub fn run_for(&self, seconds: u64, seed: u64) -> ExitCode {
        let Campaign {
            name,
            target,
            seeds,
            max_len,
        } = *self;
        // Panics are caught and reported once, with their input; the default hook would
        // print each of them besides.
        std::panic::set_hook(Box::new(|_| {}));
        for (at, input) in seeds.iter().enumerate() {
            if let Err(message) = run(target, input) {
                return crash(name, input, seed, at as u64, &message);
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
                let input = mutate(&mut rng, base, other, max_len);
                iterations += 1;
                if let Err(message) = run(target, &input) {
                    return crash(name, &input, seed, iterations, &message);
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
            "{name} fuzz: {iterations} inputs in {seconds} s ({} a second), no panic",
            iterations / seconds.max(1)
        );
        ExitCode::SUCCESS
    }
}
