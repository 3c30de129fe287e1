//! Unique vaccination certificate identifiers (UVCI), as the eHealth Network's guidelines
//! (Annex 2) and the DCC schema FAQ define them:
//! `URN:UVCI:01:VN:<opaque unique string>#<checksum>`.
//!
//! The checksum is Luhn mod N over the whole identifier before `#` (prefix included), with
//! the code points of `ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:` (N = 38; `#` is excluded
//! because it only ever separates the checksum).

use std::fmt;
use thiserror::Error;
use uuid::Uuid;

const LUHN_ALPHABET: &[u8; 38] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:";
const PREFIX: &str = "URN:UVCI:";
const VERSION: &str = "01";
const COUNTRY: &str = "VN";
/// The DCC schema's `maxLength` for `ci`.
const MAX_LEN: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UvciError {
    #[error("a UVCI starts with URN:UVCI:01:")]
    Prefix,
    #[error("a UVCI names a two-letter country after its version")]
    Country,
    #[error("the unique part may hold only A-Z, 0-9 and /, and may not be empty")]
    Characters,
    #[error("a UVCI ends with # and a checksum character")]
    MissingChecksum,
    #[error("the checksum does not match")]
    Checksum,
    #[error("a UVCI is at most 80 characters")]
    TooLong,
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uvci(String);

impl Uvci {
    /// A Vietnamese UVCI whose unique part is the caller's UUID (32 hex digits).
    pub fn from_uuid(id: Uuid) -> Uvci {
        let mut opaque = [0u8; 32];
        let opaque = id.simple().encode_upper(&mut opaque);
        let body = format!("{PREFIX}{VERSION}:{COUNTRY}:{opaque}");
        let check = checksum(&body).unwrap_or('0');
        Uvci(format!("{body}#{check}"))
    }

    /// A Vietnamese UVCI around a unique part the caller chose (`A-Z`, `0-9`, `/`).
    pub fn new(opaque: &str) -> Result<Uvci, UvciError> {
        if !is_opaque(opaque) {
            return Err(UvciError::Characters);
        }
        let body = format!("{PREFIX}{VERSION}:{COUNTRY}:{opaque}");
        let check = checksum(&body).ok_or(UvciError::Characters)?;
        let uvci = format!("{body}#{check}");
        if uvci.len() > MAX_LEN {
            return Err(UvciError::TooLong);
        }
        Ok(Uvci(uvci))
    }

    /// Parses a checksummed UVCI of any country.
    pub fn parse(text: &str) -> Result<Uvci, UvciError> {
        if text.len() > MAX_LEN {
            return Err(UvciError::TooLong);
        }
        let rest = text
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.strip_prefix(VERSION))
            .and_then(|rest| rest.strip_prefix(':'))
            .ok_or(UvciError::Prefix)?;
        let (country, rest) = rest.split_once(':').ok_or(UvciError::Country)?;
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(UvciError::Country);
        }
        let (opaque, check) = rest.rsplit_once('#').ok_or(UvciError::MissingChecksum)?;
        if !is_opaque(opaque) {
            return Err(UvciError::Characters);
        }
        let body = text
            .get(..text.len() - check.len() - 1)
            .ok_or(UvciError::MissingChecksum)?;
        let expected = checksum(body).ok_or(UvciError::Characters)?;
        let mut check_chars = check.chars();
        match (check_chars.next(), check_chars.next()) {
            (Some(found), None) if found == expected => Ok(Uvci(text.to_owned())),
            (Some(_), None) => Err(UvciError::Checksum),
            _ => Err(UvciError::MissingChecksum),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISO 3166 country code inside the UVCI.
    pub fn country(&self) -> &str {
        self.0
            .get(PREFIX.len() + VERSION.len() + 1..PREFIX.len() + VERSION.len() + 3)
            .unwrap_or("")
    }

    /// The unique part between the country and the checksum.
    pub fn opaque(&self) -> &str {
        let start = PREFIX.len() + VERSION.len() + 4;
        let end = self.0.len().saturating_sub(2);
        self.0.get(start..end).unwrap_or("")
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Uvci {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Uvci {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uvci({})", self.0)
    }
}

fn is_opaque(opaque: &str) -> bool {
    !opaque.is_empty()
        && !opaque.starts_with('/')
        && opaque
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'/')
}

/// Luhn mod N check character over `text`; `None` if a character is outside the alphabet.
pub fn checksum(text: &str) -> Option<char> {
    let n = LUHN_ALPHABET.len();
    let mut factor = 2;
    let mut sum = 0;
    for byte in text.bytes().rev() {
        let code_point = LUHN_ALPHABET.iter().position(|c| *c == byte)?;
        let addend = factor * code_point;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / n + addend % n;
    }
    let check = (n - sum % n) % n;
    LUHN_ALPHABET.get(check).map(|b| char::from(*b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_the_schema_projects_example() {
        // From the DCC schema's examples: URN:UVCI:01:NL:DADFCC47C7334E45A906DB12FD859FB7#1
        assert_eq!(
            checksum("URN:UVCI:01:NL:DADFCC47C7334E45A906DB12FD859FB7"),
            Some('1')
        );
        assert!(Uvci::parse("URN:UVCI:01:NL:DADFCC47C7334E45A906DB12FD859FB7#1").is_ok());
        assert_eq!(
            Uvci::parse("URN:UVCI:01:NL:DADFCC47C7334E45A906DB12FD859FB7#2"),
            Err(UvciError::Checksum)
        );
    }

    #[test]
    fn generated_uvci_is_vietnamese_and_parses_back() {
        let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let uvci = Uvci::from_uuid(id);
        assert_eq!(
            uvci.as_str(),
            "URN:UVCI:01:VN:0123456789ABCDEF0123456789ABCDEF#X"
        );
        assert_eq!(uvci.country(), "VN");
        assert_eq!(uvci.opaque(), "0123456789ABCDEF0123456789ABCDEF");
        assert_eq!(Uvci::parse(uvci.as_str()), Ok(uvci));
    }

    #[test]
    fn malformed_uvcis_are_refused_with_a_reason() {
        assert_eq!(Uvci::parse("urn:uvci:01:VN:ABC#A"), Err(UvciError::Prefix));
        assert_eq!(
            Uvci::parse("URN:UVCI:01:VNM:ABC#A"),
            Err(UvciError::Country)
        );
        assert_eq!(
            Uvci::parse("URN:UVCI:01:VN:ABC"),
            Err(UvciError::MissingChecksum)
        );
        assert_eq!(
            Uvci::parse("URN:UVCI:01:VN:abc#A"),
            Err(UvciError::Characters)
        );
        assert_eq!(Uvci::new(""), Err(UvciError::Characters));
        assert_eq!(Uvci::new("A".repeat(80).as_str()), Err(UvciError::TooLong));
        assert!(Uvci::new("HCM/2026/000123").is_ok());
    }
}
