//! The numeric codes of provinces (2 digits) and communes (5 digits) in the national list
//! of administrative units. A parsed code is well formed; whether it names a unit is a
//! look-up ([`super::province`], [`super::commune`]).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localized};

/// A 2-digit province code, such as `01` for Hà Nội. The same numbering serves the current
/// provinces and the former ones: the 34 provinces of 2025 kept codes of the old list.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProvinceCode(pub(super) u8);

/// A 5-digit commune code (mã xã, phường, đặc khu), such as `00004` for Phường Ba Đình.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommuneCode(pub(super) u32);

impl ProvinceCode {
    /// Accepts exactly 2 ASCII digits, surrounding whitespace ignored.
    pub fn parse(input: &str) -> Result<ProvinceCode, ProvinceCodeError> {
        match parse_digits(input, 2) {
            Ok(value) => u8::try_from(value)
                .map(ProvinceCode)
                .map_err(|_| ProvinceCodeError::NotDigits),
            Err(DigitsError::WrongLength(found)) => Err(ProvinceCodeError::WrongLength { found }),
            Err(DigitsError::NotDigits) => Err(ProvinceCodeError::NotDigits),
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// For identifiers that embed a province code in digits they have already validated.
    pub(crate) fn from_ascii_digits(tens: u8, units: u8) -> ProvinceCode {
        let digit = |byte: u8| byte.saturating_sub(b'0') % 10;
        ProvinceCode(digit(tens) * 10 + digit(units))
    }
}

impl CommuneCode {
    /// Accepts exactly 5 ASCII digits, surrounding whitespace ignored.
    pub fn parse(input: &str) -> Result<CommuneCode, CommuneCodeError> {
        match parse_digits(input, 5) {
            Ok(value) => Ok(CommuneCode(value)),
            Err(DigitsError::WrongLength(found)) => Err(CommuneCodeError::WrongLength { found }),
            Err(DigitsError::NotDigits) => Err(CommuneCodeError::NotDigits),
        }
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

enum DigitsError {
    WrongLength(usize),
    NotDigits,
}

fn parse_digits(input: &str, width: usize) -> Result<u32, DigitsError> {
    let trimmed = input.trim();
    let length = trimmed.chars().count();
    if length != width {
        return Err(DigitsError::WrongLength(length));
    }
    trimmed.bytes().try_fold(0u32, |value, byte| {
        if byte.is_ascii_digit() {
            Ok(value * 10 + u32::from(byte - b'0'))
        } else {
            Err(DigitsError::NotDigits)
        }
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvinceCodeError {
    #[error("a province code has 2 digits, not {found}")]
    WrongLength { found: usize },
    #[error("a province code has only digits")]
    NotDigits,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommuneCodeError {
    #[error("a commune code has 5 digits, not {found}")]
    WrongLength { found: usize },
    #[error("a commune code has only digits")]
    NotDigits,
}

impl Localized for ProvinceCodeError {
    fn code(&self) -> &'static str {
        match self {
            ProvinceCodeError::WrongLength { .. } => "province_code_wrong_length",
            ProvinceCodeError::NotDigits => "province_code_not_digits",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ProvinceCodeError::WrongLength { found }, Lang::Vi) => {
                format!("Mã tỉnh gồm 2 chữ số, không phải {found} ký tự.")
            }
            (ProvinceCodeError::NotDigits, Lang::Vi) => "Mã tỉnh chỉ gồm chữ số.".to_owned(),
            (_, Lang::En) => format!("{self}."),
        }
    }
}

impl Localized for CommuneCodeError {
    fn code(&self) -> &'static str {
        match self {
            CommuneCodeError::WrongLength { .. } => "commune_code_wrong_length",
            CommuneCodeError::NotDigits => "commune_code_not_digits",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CommuneCodeError::WrongLength { found }, Lang::Vi) => {
                format!("Mã xã, phường gồm 5 chữ số, không phải {found} ký tự.")
            }
            (CommuneCodeError::NotDigits, Lang::Vi) => "Mã xã, phường chỉ gồm chữ số.".to_owned(),
            (_, Lang::En) => format!("{self}."),
        }
    }
}

impl fmt::Display for ProvinceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl fmt::Debug for ProvinceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProvinceCode({self})")
    }
}

impl fmt::Display for CommuneCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

impl fmt::Debug for CommuneCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommuneCode({self})")
    }
}

impl FromStr for ProvinceCode {
    type Err = ProvinceCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProvinceCode::parse(s)
    }
}

impl FromStr for CommuneCode {
    type Err = CommuneCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CommuneCode::parse(s)
    }
}

impl TryFrom<String> for ProvinceCode {
    type Error = ProvinceCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ProvinceCode::parse(&s)
    }
}

impl TryFrom<String> for CommuneCode {
    type Error = CommuneCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CommuneCode::parse(&s)
    }
}

impl From<ProvinceCode> for String {
    fn from(code: ProvinceCode) -> String {
        code.to_string()
    }
}

impl From<CommuneCode> for String {
    fn from(code: CommuneCode) -> String {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_keep_their_leading_zeros() {
        assert_eq!(ProvinceCode::parse("01").unwrap().to_string(), "01");
        assert_eq!(CommuneCode::parse(" 00004 ").unwrap().to_string(), "00004");
        assert_eq!(
            serde_json::to_string(&CommuneCode::parse("00004").unwrap()).unwrap(),
            "\"00004\""
        );
    }

    #[test]
    fn province_code_rejects_one_digit_and_letters() {
        assert_eq!(
            ProvinceCode::parse("1"),
            Err(ProvinceCodeError::WrongLength { found: 1 })
        );
        assert_eq!(ProvinceCode::parse("0a"), Err(ProvinceCodeError::NotDigits));
        assert_eq!(ProvinceCode::parse("٠١"), Err(ProvinceCodeError::NotDigits));
    }

    #[test]
    fn commune_code_rejects_numbers_serde_cannot_read_as_strings() {
        assert!(serde_json::from_str::<CommuneCode>("4").is_err());
        assert_eq!(
            serde_json::from_str::<CommuneCode>("\"0000x\"").map_err(|e| e.to_string()),
            Err("a commune code has only digits".to_owned())
        );
    }

    proptest! {
        #[test]
        fn province_code_display_parses_back(value in 0u8..100) {
            let code = ProvinceCode(value);
            prop_assert_eq!(ProvinceCode::parse(&code.to_string()), Ok(code));
        }

        #[test]
        fn commune_code_display_parses_back(value in 0u32..100_000) {
            let code = CommuneCode(value);
            prop_assert_eq!(CommuneCode::parse(&code.to_string()), Ok(code));
        }

        #[test]
        fn code_parsers_never_panic(s in any::<String>()) {
            let _ = ProvinceCode::parse(&s);
            let _ = CommuneCode::parse(&s);
        }
    }
}
