//! The transport layers around the COSE message: the `HC1:` prefix, Base45 and zlib.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::cell::RefCell;

use super::error::{Base45Error, PrefixError, ZlibError};

/// The context identifier of a version-1 health certificate.
pub const PREFIX: &str = "HC1:";

/// Inflated COSE messages larger than this are refused. A QR code holds under 3 KB of
/// Base45, and real DCCs inflate to well under 4 KB: 64 KiB leaves room for odd issuers
/// while a zip bomb stops after a few microseconds.
pub const MAX_INFLATED_LEN: usize = 64 * 1024;

/// A signed DCC of a few hundred bytes has little to gain from deflate's slower levels:
/// on our certificates level 9 saves one byte over level 1 and costs three times as long,
/// as much as the signature itself (the figures are in docs/certificates.md).
pub const COMPRESSION_LEVEL: u32 = 1;

/// The standard 32 KiB window, whose zlib header starts with `0x78`. A smaller window
/// compresses a DCC just as well, but widely used verifiers (the EU reference app core,
/// Corona-Warn-App, common SDKs) inflate only data that starts with `0x78` and refuse the
/// rest as "not compressed". What a smaller window saved, the compressor kept per thread
/// (below) saves too.
pub const WINDOW_BITS: u8 = 15;

/// Returns the Base45 text after `HC1:`. Other contexts (`HC2:`, `HL0:`) are refused:
/// we do not know what their payload means.
pub fn unprefix(text: &str) -> Result<&str, PrefixError> {
    text.strip_prefix(PREFIX).ok_or(PrefixError::Missing)
}

const BASE45_ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const NOT_BASE45: u8 = u8::MAX;

/// Character → value, `NOT_BASE45` outside the alphabet.
const BASE45_VALUES: [u8; 256] = {
    let mut table = [NOT_BASE45; 256];
    let mut value = 0;
    while value < BASE45_ALPHABET.len() {
        table[BASE45_ALPHABET[value] as usize] = value as u8;
        value += 1;
    }
    table
};

/// RFC 9285 Base45. Written here with a lookup table because it sits on every
/// verification and the general-purpose decoder took a tenth of the whole chain.
pub fn base45_decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let bytes = text.as_bytes();
    if bytes.len() % 3 == 1 {
        return Err(Base45Error::Invalid);
    }
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for chunk in bytes.chunks(3) {
        let mut number = 0u32;
        for &byte in chunk.iter().rev() {
            let value = BASE45_VALUES[usize::from(byte)];
            if value == NOT_BASE45 {
                return Err(Base45Error::Invalid);
            }
            number = number * 45 + u32::from(value);
        }
        match (chunk.len(), u16::try_from(number), u8::try_from(number)) {
            (3, Ok(pair), _) => out.extend_from_slice(&pair.to_be_bytes()),
            (2, _, Ok(single)) => out.push(single),
            _ => return Err(Base45Error::Invalid),
        }
    }
    Ok(out)
}

pub fn base45_encode(data: &[u8]) -> String {
    base45::encode(data)
}

thread_local! {
    // Creating a compressor allocates and clears its hash tables, which costs more than an
    // ES256 signature: each thread keeps one and resets it between certificates.
    static DEFLATER: RefCell<Option<Compress>> = const { RefCell::new(None) };
    static INFLATER: RefCell<Option<Decompress>> = const { RefCell::new(None) };
}

/// zlib-compresses `data` at [`COMPRESSION_LEVEL`].
pub fn deflate(data: &[u8]) -> Result<Vec<u8>, ZlibError> {
    DEFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            let compressor = slot.get_or_insert_with(new_compressor);
            compressor.reset();
            deflate_with(compressor, data)
        }
        Err(_) => deflate_with(&mut new_compressor(), data),
    })
}

fn new_compressor() -> Compress {
    Compress::new_with_window_bits(Compression::new(COMPRESSION_LEVEL), true, WINDOW_BITS)
}

fn deflate_with(compressor: &mut Compress, data: &[u8]) -> Result<Vec<u8>, ZlibError> {
    // zlib's worst case is a few bytes per 16 KiB block over the input size.
    let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
    loop {
        let consumed = usize::try_from(compressor.total_in()).map_err(|_| ZlibError::Corrupt)?;
        let rest = data.get(consumed..).ok_or(ZlibError::Corrupt)?;
        let status = compressor
            .compress_vec(rest, &mut out, FlushCompress::Finish)
            .map_err(|_| ZlibError::Corrupt)?;
        match status {
            Status::StreamEnd => return Ok(out),
            Status::Ok | Status::BufError => out.reserve(out.capacity().max(64)),
        }
    }
}

/// Inflates a zlib stream, refusing output beyond [`MAX_INFLATED_LEN`].
pub fn inflate(data: &[u8]) -> Result<Vec<u8>, ZlibError> {
    inflate_with_limit(data, MAX_INFLATED_LEN)
}

/// Inflates a zlib stream whose output may not exceed `limit` bytes. The whole input must
/// be one complete stream: trailing bytes are an error, not ignored.
pub fn inflate_with_limit(data: &[u8], limit: usize) -> Result<Vec<u8>, ZlibError> {
    INFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            let inflater = slot.get_or_insert_with(|| Decompress::new(true));
            inflater.reset(true);
            inflate_with(inflater, data, limit)
        }
        Err(_) => inflate_with(&mut Decompress::new(true), data, limit),
    })
}

fn inflate_with(
    inflater: &mut Decompress,
    data: &[u8],
    limit: usize,
) -> Result<Vec<u8>, ZlibError> {
    // One byte beyond the limit tells "exactly at the limit" from "over it".
    let ceiling = limit.saturating_add(1);
    let mut out = Vec::with_capacity(data.len().saturating_mul(3).max(256).min(ceiling));
    loop {
        let consumed = usize::try_from(inflater.total_in()).map_err(|_| ZlibError::Corrupt)?;
        let rest = data.get(consumed..).ok_or(ZlibError::Corrupt)?;
        let produced_before = out.len();
        let status = inflater
            .decompress_vec(rest, &mut out, FlushDecompress::Finish)
            .map_err(|_| ZlibError::Corrupt)?;
        if out.len() > limit {
            return Err(ZlibError::TooLarge { limit });
        }
        if status == Status::StreamEnd {
            let used = usize::try_from(inflater.total_in()).map_err(|_| ZlibError::Corrupt)?;
            return match data.len().saturating_sub(used) {
                0 => Ok(out),
                extra => Err(ZlibError::TrailingData(extra)),
            };
        }
        let consumed_now = usize::try_from(inflater.total_in()).map_err(|_| ZlibError::Corrupt)?;
        let room_left = out.len() < out.capacity();
        if room_left && consumed_now == consumed && out.len() == produced_before {
            // Output space was available and nothing moved: the input ran out mid-stream.
            return Err(ZlibError::Truncated);
        }
        if !room_left {
            let target = out.capacity().saturating_mul(2).min(ceiling);
            out.reserve_exact(target.saturating_sub(out.len()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deflate_and_inflate_round_trip() {
        let data: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(inflate(&deflate(&data).expect("deflate")), Ok(data));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit() {
        let mut best = Compress::new(Compression::best(), true);
        let bomb = deflate_with(&mut best, &vec![0u8; 10 * MAX_INFLATED_LEN]).expect("deflate");
        assert!(bomb.len() < 2048, "a bomb is small: {}", bomb.len());
        assert_eq!(
            inflate(&bomb),
            Err(ZlibError::TooLarge {
                limit: MAX_INFLATED_LEN
            })
        );
        assert_eq!(
            inflate_with_limit(&deflate(&[7; 100]).expect("deflate"), 99),
            Err(ZlibError::TooLarge { limit: 99 })
        );
        assert!(inflate_with_limit(&deflate(&[7; 100]).expect("deflate"), 100).is_ok());
    }

    #[test]
    fn truncated_padded_and_raw_streams_are_refused() {
        let stream = deflate(b"a COSE message, more or less").expect("deflate");
        let truncated = &stream[..stream.len() - 3];
        assert_eq!(inflate(truncated), Err(ZlibError::Truncated));
        let mut padded = stream.clone();
        padded.push(0);
        assert_eq!(inflate(&padded), Err(ZlibError::TrailingData(1)));
        assert_eq!(inflate(b"\xd2\x84 not zlib"), Err(ZlibError::Corrupt));
        assert_eq!(inflate(&[]), Err(ZlibError::Truncated));
    }

    #[test]
    fn only_the_hc1_context_is_accepted() {
        assert_eq!(unprefix("HC1:6BF"), Ok("6BF"));
        for text in ["HC2:6BF", "HL0:6BF", "hc1:6BF", "6BF", ""] {
            assert_eq!(unprefix(text), Err(PrefixError::Missing), "{text}");
        }
    }
}
