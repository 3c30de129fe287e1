//! Appointment codes: what a citizen shows at the reception kiosk, as text or as a QR code.
//!
//! Twelve Crockford base-32 characters (60 random bits) and a Luhn mod 32 check character,
//! shown in groups of four or five: `7KQM-2X9D-H4TA-R`. Crockford's alphabet has no I, L, O
//! or U, and reading normalises the look-alikes (O→0, I/L→1), so a code read aloud or typed
//! from paper still parses, and a single mistyped character or swapped neighbours is caught
//! by the check character before anything is looked up.

use crate::i18n::{Lang, Localized};
use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DATA_LENGTH: usize = 12;
/// What the kiosk finds in the QR code: the prefix tells it is one of ours.
pub const QR_PREFIX: &str = "HBAPPT:";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AppointmentCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AppointmentCodeError {
    #[error("an appointment code has 13 characters")]
    WrongLength,
    #[error("an appointment code uses digits and letters other than I, L, O and U")]
    BadCharacter,
    #[error("the check character does not match: a character is mistyped")]
    BadCheck,
}

impl Localized for AppointmentCodeError {
    fn code(&self) -> &'static str {
        "appointment_code_invalid"
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => "Mã lịch hẹn không hợp lệ; hãy kiểm tra lại từng ký tự.".into(),
            Lang::En => "This is not a valid appointment code; check each character.".into(),
        }
    }
}

fn value_of(c: u8) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|a| *a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Luhn mod N over base-32 values: the check value that makes the sequence valid.
fn check_value(values: &[u32]) -> u32 {
    let mut factor = 2;
    let mut sum = 0;
    for value in values.iter().rev() {
        let addend = factor * value;
        factor = if factor == 2 { 1 } else { 2 };
        sum += addend / 32 + addend % 32;
    }
    (32 - sum % 32) % 32
}

fn symbol(value: u32) -> char {
    ALPHABET
        .get(usize::try_from(value).unwrap_or(0))
        .map_or('0', |b| char::from(*b))
}

impl AppointmentCode {
    /// A code from 60 random bits (the caller draws them: this crate has no randomness).
    pub fn from_random(bits: u64) -> AppointmentCode {
        let values: Vec<u32> = (0..DATA_LENGTH)
            .map(|i| u32::try_from((bits >> (5 * (DATA_LENGTH - 1 - i))) & 31).unwrap_or(0))
            .collect();
        let mut text: String = values.iter().map(|v| symbol(*v)).collect();
        text.push(symbol(check_value(&values)));
        AppointmentCode(text)
    }

    /// Reads a code as typed: case, hyphens, spaces and look-alike letters do not matter.
    pub fn parse(input: &str) -> Result<AppointmentCode, AppointmentCodeError> {
        let input = input.trim();
        let input = input.strip_prefix(QR_PREFIX).unwrap_or(input);
        let cleaned: Vec<u8> = input.bytes().filter(|b| *b != b'-' && *b != b' ').collect();
        if cleaned.len() != DATA_LENGTH + 1 {
            return Err(AppointmentCodeError::WrongLength);
        }
        let values = cleaned
            .iter()
            .map(|b| value_of(*b))
            .collect::<Option<Vec<u32>>>()
            .ok_or(AppointmentCodeError::BadCharacter)?;
        let (data, check) = values.split_at(DATA_LENGTH);
        if check.first() != Some(&check_value(data)) {
            return Err(AppointmentCodeError::BadCheck);
        }
        Ok(AppointmentCode(values.iter().map(|v| symbol(*v)).collect()))
    }

    /// The canonical 13 characters, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped for reading: `7KQM-2X9D-H4TA-R`.
    pub fn display(&self) -> String {
        let mut out = String::with_capacity(16);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// The text of the QR code the kiosk scans.
    pub fn qr_text(&self) -> String {
        format!("{QR_PREFIX}{}", self.0)
    }
}

impl fmt::Display for AppointmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl TryFrom<String> for AppointmentCode {
    type Error = AppointmentCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        AppointmentCode::parse(&value)
    }
}

impl From<AppointmentCode> for String {
    fn from(code: AppointmentCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn display_groups_by_four() {
        let code = AppointmentCode::from_random(0x0FED_CBA9_8765_4321);
        assert_eq!(code.as_str().len(), 13);
        assert_eq!(code.display().len(), 16);
        assert_eq!(AppointmentCode::parse(&code.display()), Ok(code.clone()));
        assert_eq!(AppointmentCode::parse(&code.qr_text()), Ok(code));
    }

    #[test]
    fn look_alikes_and_case_are_forgiven() {
        let code = AppointmentCode::from_random(0);
        assert_eq!(code.as_str(), "0000000000000");
        assert_eq!(AppointmentCode::parse("oooo-oooo-oooo-o"), Ok(code));
        assert_eq!(
            AppointmentCode::parse("0000-0000-000"),
            Err(AppointmentCodeError::WrongLength)
        );
        assert_eq!(
            AppointmentCode::parse("0000-0000-0000-U"),
            Err(AppointmentCodeError::BadCharacter)
        );
    }

    proptest! {
        #[test]
        fn every_code_round_trips(bits in any::<u64>()) {
            let code = AppointmentCode::from_random(bits);
            prop_assert_eq!(AppointmentCode::parse(code.as_str()), Ok(code.clone()));
            prop_assert_eq!(AppointmentCode::parse(&code.display().to_lowercase()), Ok(code));
        }

        #[test]
        fn a_single_substitution_is_caught(bits in any::<u64>(), position in 0usize..13, delta in 1u32..32) {
            let code = AppointmentCode::from_random(bits);
            let mut bytes: Vec<u8> = code.as_str().bytes().collect();
            let value = value_of(bytes[position]).unwrap();
            bytes[position] = ALPHABET[((value + delta) % 32) as usize];
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(AppointmentCode::parse(&typo), Err(AppointmentCodeError::BadCheck));
        }

        #[test]
        fn parse_never_panics(text in ".{0,30}") {
            let _ = AppointmentCode::parse(&text);
        }
    }
}
