//! Vietnamese telephone numbers, kept in E.164 (`+84…`).
//!
//! National forms since the 2018 renumbering: mobile numbers are `0` + 9 digits with the
//! second digit 3, 5, 7, 8 or 9; fixed lines are `02` + area code + subscriber number, 11
//! digits. Which network owns a mobile prefix changes over time, so the carrier table is
//! never used to reject a number.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localized};

const COUNTRY_CODE: &str = "84";
const MOBILE_LENGTH: usize = 10;
const FIXED_LINE_LENGTH: usize = 11;

/// A Vietnamese telephone number. `Debug` masks the middle digits, as a phone number is
/// personal data; `Display` gives E.164.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber {
    /// Without the leading `+`: `84912345678`.
    international_digits: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    FixedLine,
}

impl PhoneNumber {
    /// Accepts the national form (`0912345678`), the international one with or without `+`
    /// (`+84 91 234 5678`, `84912345678`, `0084…`), grouped with spaces, dots, hyphens or
    /// brackets. The trunk `0` kept after the country code (`+84 0912…`) is forgiven.
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneNumberError> {
        let dialled = Dialled::read(input)?;
        let national = dialled.national()?;
        kind_of(&national)?;
        let international_digits =
            format!("{COUNTRY_CODE}{}", national.get(1..).unwrap_or_default());
        Ok(PhoneNumber {
            international_digits,
        })
    }

    /// `+84912345678`.
    pub fn e164(&self) -> String {
        format!("+{}", self.international_digits)
    }

    /// `0912345678`.
    pub fn national(&self) -> String {
        format!("0{}", self.subscriber_digits())
    }

    pub fn kind(&self) -> PhoneKind {
        if self.subscriber_digits().starts_with('2') {
            PhoneKind::FixedLine
        } else {
            PhoneKind::Mobile
        }
    }

    /// The digits after the country code or the trunk `0`.
    fn subscriber_digits(&self) -> &str {
        self.international_digits
            .get(COUNTRY_CODE.len()..)
            .unwrap_or_default()
    }
}

/// The digits as typed, and whether a `+` or `00` announced a country code.
struct Dialled {
    digits: String,
    international: bool,
}

impl Dialled {
    fn read(input: &str) -> Result<Dialled, PhoneNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let mut digits = String::with_capacity(trimmed.len());
        let mut plus = false;
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if digits.is_empty() && !plus => plus = true,
                '.' | '-' | '(' | ')' => {}
                c if c.is_whitespace() => {}
                _ => return Err(PhoneNumberError::InvalidCharacter),
            }
        }
        if digits.is_empty() {
            return Err(PhoneNumberError::InvalidCharacter);
        }
        if !plus && let Some(rest) = digits.strip_prefix("00") {
            return Ok(Dialled {
                digits: rest.to_owned(),
                international: true,
            });
        }
        Ok(Dialled {
            digits,
            international: plus,
        })
    }

    /// The national form, `0` first.
    fn national(&self) -> Result<String, PhoneNumberError> {
        let after_country_code = self.digits.strip_prefix(COUNTRY_CODE);
        if self.international {
            let subscriber = after_country_code.ok_or(PhoneNumberError::NotVietnamese)?;
            let subscriber = subscriber.strip_prefix('0').unwrap_or(subscriber);
            return Ok(format!("0{subscriber}"));
        }
        // A national number starts with 0, so leading 84 can only be the country code typed
        // without `+`.
        match after_country_code {
            Some(subscriber) if !subscriber.is_empty() => Ok(format!("0{subscriber}")),
            _ => Ok(self.digits.clone()),
        }
    }
}

fn kind_of(national: &str) -> Result<PhoneKind, PhoneNumberError> {
    let bytes = national.as_bytes();
    let second = match bytes {
        [b'0', second, ..] => *second,
        _ => return Err(PhoneNumberError::UnknownPrefix),
    };
    match (second, bytes.len()) {
        (b'3' | b'5' | b'7' | b'8' | b'9', MOBILE_LENGTH) => Ok(PhoneKind::Mobile),
        (b'2', FIXED_LINE_LENGTH) => Ok(PhoneKind::FixedLine),
        (b'1', FIXED_LINE_LENGTH) => Err(PhoneNumberError::RenumberedMobile),
        (b'2' | b'3' | b'5' | b'7' | b'8' | b'9', found) => {
            Err(PhoneNumberError::WrongLength { found })
        }
        _ => Err(PhoneNumberError::UnknownPrefix),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error("the phone number is empty")]
    Empty,
    #[error("a phone number has only digits, spaces, dots, hyphens, brackets and a leading +")]
    InvalidCharacter,
    #[error("only Vietnamese phone numbers (+84) are accepted")]
    NotVietnamese,
    #[error(
        "a Vietnamese phone number has 10 digits (mobile) or 11 digits (fixed line), not {found}"
    )]
    WrongLength { found: usize },
    #[error("this 11-digit mobile number was renumbered to 10 digits in 2018")]
    RenumberedMobile,
    #[error("a Vietnamese phone number starts with 02, 03, 05, 07, 08 or 09")]
    UnknownPrefix,
}

impl Localized for PhoneNumberError {
    fn code(&self) -> &'static str {
        match self {
            PhoneNumberError::Empty => "phone_number_empty",
            PhoneNumberError::InvalidCharacter => "phone_number_invalid_character",
            PhoneNumberError::NotVietnamese => "phone_number_not_vietnamese",
            PhoneNumberError::WrongLength { .. } => "phone_number_wrong_length",
            PhoneNumberError::RenumberedMobile => "phone_number_renumbered_mobile",
            PhoneNumberError::UnknownPrefix => "phone_number_unknown_prefix",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{self}."),
            Lang::Vi => match self {
                PhoneNumberError::Empty => "Chưa nhập số điện thoại.".to_owned(),
                PhoneNumberError::InvalidCharacter => {
                    "Số điện thoại chỉ gồm chữ số, có thể kèm dấu cách, dấu chấm, gạch ngang và dấu + ở đầu.".to_owned()
                }
                PhoneNumberError::NotVietnamese => {
                    "Chỉ chấp nhận số điện thoại Việt Nam (+84).".to_owned()
                }
                PhoneNumberError::WrongLength { found } => format!(
                    "Số điện thoại di động gồm 10 chữ số, số cố định gồm 11 chữ số; không phải {found}."
                ),
                PhoneNumberError::RenumberedMobile => {
                    "Số di động 11 số này đã được chuyển sang 10 số từ năm 2018; vui lòng nhập số mới.".to_owned()
                }
                PhoneNumberError::UnknownPrefix => {
                    "Số điện thoại Việt Nam bắt đầu bằng 02, 03, 05, 07, 08 hoặc 09.".to_owned()
                }
            },
        }
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = &self.international_digits;
        let head = digits.get(..4).unwrap_or_default();
        let tail = digits
            .get(digits.len().saturating_sub(2)..)
            .unwrap_or_default();
        write!(f, "PhoneNumber(+{head}…{tail})")
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}", self.international_digits)
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhoneNumber::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PhoneNumber::parse(&s)
    }
}

impl From<PhoneNumber> for String {
    fn from(number: PhoneNumber) -> String {
        number.e164()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(input: &str) -> Result<String, PhoneNumberError> {
        PhoneNumber::parse(input).map(|number| number.e164())
    }

    #[test]
    fn phone_normalises_spaces_dots_and_country_code() {
        for input in [
            "0912345678",
            "+84 91 234 5678",
            "84912345678",
            "091.234.5678",
            "091-234-5678",
            "(+84) 912 345 678",
            "0084912345678",
            "+84 0912 345 678",
        ] {
            assert_eq!(e164(input), Ok("+84912345678".to_owned()), "{input}");
        }
    }

    #[test]
    fn phone_gives_national_form_and_kind() {
        let mobile = PhoneNumber::parse("+84912345678").unwrap();
        assert_eq!(mobile.national(), "0912345678");
        assert_eq!(mobile.kind(), PhoneKind::Mobile);
        assert_eq!(mobile.to_string(), "+84912345678");

        let hanoi = PhoneNumber::parse("024 3825 1234").unwrap();
        assert_eq!(hanoi.kind(), PhoneKind::FixedLine);
        assert_eq!(hanoi.e164(), "+842438251234");
        assert_eq!(hanoi.national(), "02438251234");
    }

    #[test]
    fn phone_accepts_mobile_prefixes_missing_from_the_carrier_table() {
        assert_eq!(e164("0301234567"), Ok("+84301234567".to_owned()));
        assert_eq!(e164("0571234567"), Ok("+84571234567".to_owned()));
    }

    #[test]
    fn phone_rejects_wrong_lengths_and_prefixes() {
        assert_eq!(
            PhoneNumber::parse("091234567"),
            Err(PhoneNumberError::WrongLength { found: 9 })
        );
        assert_eq!(
            PhoneNumber::parse("0243825123"),
            Err(PhoneNumberError::WrongLength { found: 10 })
        );
        assert_eq!(
            PhoneNumber::parse("0612345678"),
            Err(PhoneNumberError::UnknownPrefix)
        );
        assert_eq!(
            PhoneNumber::parse("01234567890"),
            Err(PhoneNumberError::RenumberedMobile)
        );
    }

    #[test]
    fn phone_rejects_other_countries_and_letters() {
        assert_eq!(
            PhoneNumber::parse("+1 415 555 0100"),
            Err(PhoneNumberError::NotVietnamese)
        );
        assert_eq!(
            PhoneNumber::parse("0912 ABC 678"),
            Err(PhoneNumberError::InvalidCharacter)
        );
        assert_eq!(
            PhoneNumber::parse("0912+345678"),
            Err(PhoneNumberError::InvalidCharacter)
        );
        assert_eq!(PhoneNumber::parse("  "), Err(PhoneNumberError::Empty));
    }

    #[test]
    fn phone_debug_masks_the_middle() {
        let number = PhoneNumber::parse("0912345678").unwrap();
        assert_eq!(format!("{number:?}"), "PhoneNumber(+8491…78)");
    }

    #[test]
    fn phone_serialises_as_e164() {
        let number: PhoneNumber = serde_json::from_str("\"091.234.5678\"").unwrap();
        assert_eq!(serde_json::to_string(&number).unwrap(), "\"+84912345678\"");
    }
}
