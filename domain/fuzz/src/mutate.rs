//! A small seeded mutator for the bounded stable run: what libFuzzer's default mutations do
//! most (bit flips, interesting bytes, truncation, insertion, deletion, duplication, splices
//! of two inputs), without its coverage feedback. Deterministic for a seed, so a failure in
//! CI replays with the seed it prints.

/// xorshift64*: small, fast, and enough for choosing mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..bound` (`0` when `bound` is `0`).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next_u64() % bound as u64) as usize
        }
    }
}

/// Bytes that sit on boundaries of CBOR heads, lengths and signed/unsigned ranges.
const INTERESTING: &[u8] = &[
    0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x3f, 0x40, 0x5f, 0x60, 0x7f, 0x80, 0x9f, 0xa0,
    0xbf, 0xc0, 0xd2, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb, 0xff,
];

/// One to eight stacked mutations of `input`; `other` is the splice partner.
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8], max_len: usize) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..=rng.below(8) {
        let len = data.len();
        match rng.below(9) {
            0 if len > 0 => {
                let at = rng.below(len);
                data[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                data[at] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 if len > 0 => {
                let at = rng.below(len);
                data[at] = rng.next_u64() as u8;
            }
            3 => data.truncate(rng.below(len + 1)),
            4 => {
                let at = rng.below(len + 1);
                let count = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..count).map(|_| rng.next_u64() as u8).collect();
                data.splice(at..at, bytes);
            }
            5 if len > 0 => {
                let from = rng.below(len);
                let to = (from + 1 + rng.below(32)).min(len);
                data.drain(from..to);
            }
            6 if len > 0 => {
                let from = rng.below(len);
                let to = (from + 1 + rng.below(64)).min(len);
                let copy = data[from..to].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, copy);
            }
            7 if !other.is_empty() => {
                // The head of this input, the tail of the other.
                let cut = rng.below(len + 1);
                let from = rng.below(other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            8 if len > 1 => {
                // A length or count byte nudged by one, the classic off-by-one.
                let at = rng.below(len);
                data[at] = if rng.below(2) == 0 {
                    data[at].wrapping_add(1)
                } else {
                    data[at].wrapping_sub(1)
                };
            }
            _ => {}
        }
    }
    data.truncate(max_len);
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_mutates_the_same_way() {
        let input = b"HC1:6BFOXN*TS0BI$ZD".to_vec();
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            assert_eq!(
                mutate(&mut a, &input, b"other", 64),
                mutate(&mut b, &input, b"other", 64)
            );
        }
    }

    #[test]
    fn mutations_change_inputs_and_respect_the_limit() {
        let input = vec![0x42; 100];
        let mut rng = Rng::new(1);
        let changed = (0..1000)
            .map(|_| mutate(&mut rng, &input, b"xyz", 80))
            .inspect(|out| assert!(out.len() <= 80))
            .filter(|out| out[..] != input[..80.min(out.len())] || out.len() != 80)
            .count();
        assert!(changed > 900, "{changed}");
    }
}
