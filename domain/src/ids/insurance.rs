//! The health-insurance number: the 15-character card code (mã thẻ BHYT) printed on cards
//! since 2015, or the 10-digit social-insurance number (mã số BHXH) that the card ends with
//! and that newer electronic cards show alone.
//!
//! Card layout (QĐ 1351/QĐ-BHXH, `data/identifiers/bhyt-card-15char.csv`): 2 letters for the
//! participant group, the benefit level 1–5, the 2-digit code of the issuing province (the
//! list before 1 July 2025), then the social-insurance number.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localized};
use crate::units::ProvinceCode;

const CARD_LENGTH: usize = 15;
const SOCIAL_INSURANCE_NUMBER_LENGTH: usize = 10;

/// A well-formed insurance number, upper-case and without spaces. `Debug` is redacted: the
/// number identifies a person and its group reveals their circumstances (poor household,
/// veteran…).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InsuranceNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InsuranceNumberKind {
    /// The 15-character card code.
    Card,
    /// The 10-digit social-insurance number on its own.
    SocialInsuranceNumber,
}

/// Mức hưởng, the card's third character. What each level pays is set by regulation and
/// changes; this type carries the level, not a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct BenefitLevel(u8);

impl BenefitLevel {
    /// 1 to 5.
    pub fn value(self) -> u8 {
        self.0
    }
}

impl InsuranceNumber {
    /// Accepts a card code or a social-insurance number in any case and with spaces anywhere
    /// (cards print the code in groups: `DN 4 01 0123456789`).
    pub fn parse(input: &str) -> Result<InsuranceNumber, InsuranceNumberError> {
        let normalised: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let chars: Vec<char> = normalised.chars().collect();
        match chars.len() {
            0 => Err(InsuranceNumberError::Empty),
            CARD_LENGTH => {
                check_card(&chars)?;
                Ok(InsuranceNumber(normalised))
            }
            SOCIAL_INSURANCE_NUMBER_LENGTH => {
                if chars.iter().all(char::is_ascii_digit) {
                    Ok(InsuranceNumber(normalised))
                } else {
                    Err(InsuranceNumberError::NotDigits)
                }
            }
            found => Err(InsuranceNumberError::WrongLength { found }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> InsuranceNumberKind {
        if self.0.len() == CARD_LENGTH {
            InsuranceNumberKind::Card
        } else {
            InsuranceNumberKind::SocialInsuranceNumber
        }
    }

    /// The lifelong 10-digit social-insurance number: the last 10 characters of a card.
    pub fn social_insurance_number(&self) -> &str {
        self.0
            .get(self.0.len().saturating_sub(SOCIAL_INSURANCE_NUMBER_LENGTH)..)
            .unwrap_or_default()
    }

    /// The participant group (`DN`, `HT`, `TE`…) of a card.
    pub fn participant_group(&self) -> Option<&str> {
        self.card_part(0..2)
    }

    /// The benefit level of a card; a bare social-insurance number does not carry one.
    pub fn benefit_level(&self) -> Option<BenefitLevel> {
        let digit = self.card_part(2..3)?.parse::<u8>().ok()?;
        Some(BenefitLevel(digit))
    }

    /// The code of the province whose social-insurance office issued the card, from the list
    /// before 1 July 2025.
    pub fn issuing_province_code(&self) -> Option<ProvinceCode> {
        match self.card_part(3..5)?.as_bytes() {
            [tens, units] => Some(ProvinceCode::from_ascii_digits(*tens, *units)),
            _ => None,
        }
    }

    fn card_part(&self, range: std::ops::Range<usize>) -> Option<&str> {
        match self.kind() {
            InsuranceNumberKind::Card => self.0.get(range),
            InsuranceNumberKind::SocialInsuranceNumber => None,
        }
    }
}

fn check_card(chars: &[char]) -> Result<(), InsuranceNumberError> {
    let (group, rest) = chars.split_at(2);
    let (benefit_level, rest) = rest.split_at(1);
    let (province, social_insurance_number) = rest.split_at(2);
    if !group.iter().all(char::is_ascii_uppercase) {
        return Err(InsuranceNumberError::ParticipantGroupNotLetters);
    }
    if !benefit_level.iter().all(|c| ('1'..='5').contains(c)) {
        return Err(InsuranceNumberError::BenefitLevelOutOfRange);
    }
    if !province.iter().all(char::is_ascii_digit) {
        return Err(InsuranceNumberError::ProvinceNotDigits);
    }
    if !social_insurance_number.iter().all(char::is_ascii_digit) {
        return Err(InsuranceNumberError::NotDigits);
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsuranceNumberError {
    #[error("the health-insurance number is empty")]
    Empty,
    #[error(
        "a health-insurance number has 15 characters (card) or 10 digits (social-insurance number), not {found}"
    )]
    WrongLength { found: usize },
    #[error("a health-insurance card code starts with 2 letters")]
    ParticipantGroupNotLetters,
    #[error("the third character of a health-insurance card code is a benefit level from 1 to 5")]
    BenefitLevelOutOfRange,
    #[error("characters 4 and 5 of a health-insurance card code are a province code of 2 digits")]
    ProvinceNotDigits,
    #[error("a social-insurance number has 10 digits")]
    NotDigits,
}

impl Localized for InsuranceNumberError {
    fn code(&self) -> &'static str {
        match self {
            InsuranceNumberError::Empty => "insurance_number_empty",
            InsuranceNumberError::WrongLength { .. } => "insurance_number_wrong_length",
            InsuranceNumberError::ParticipantGroupNotLetters => {
                "insurance_number_group_not_letters"
            }
            InsuranceNumberError::BenefitLevelOutOfRange => {
                "insurance_number_benefit_level_out_of_range"
            }
            InsuranceNumberError::ProvinceNotDigits => "insurance_number_province_not_digits",
            InsuranceNumberError::NotDigits => "insurance_number_not_digits",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{self}."),
            Lang::Vi => match self {
                InsuranceNumberError::Empty => "Chưa nhập mã thẻ BHYT.".to_owned(),
                InsuranceNumberError::WrongLength { found } => format!(
                    "Mã thẻ BHYT gồm 15 ký tự, hoặc mã số BHXH gồm 10 chữ số; không phải {found} ký tự."
                ),
                InsuranceNumberError::ParticipantGroupNotLetters => {
                    "Mã thẻ BHYT bắt đầu bằng 2 chữ cái (mã đối tượng).".to_owned()
                }
                InsuranceNumberError::BenefitLevelOutOfRange => {
                    "Ký tự thứ 3 của mã thẻ BHYT là mức hưởng, từ 1 đến 5.".to_owned()
                }
                InsuranceNumberError::ProvinceNotDigits => {
                    "Ký tự thứ 4 và 5 của mã thẻ BHYT là mã tỉnh gồm 2 chữ số.".to_owned()
                }
                InsuranceNumberError::NotDigits => "Mã số BHXH gồm 10 chữ số.".to_owned(),
            },
        }
    }
}

impl fmt::Debug for InsuranceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InsuranceNumber([redacted])")
    }
}

impl fmt::Display for InsuranceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for InsuranceNumber {
    type Err = InsuranceNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InsuranceNumber::parse(s)
    }
}

impl TryFrom<String> for InsuranceNumber {
    type Error = InsuranceNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        InsuranceNumber::parse(&s)
    }
}

impl From<InsuranceNumber> for String {
    fn from(number: InsuranceNumber) -> String {
        number.0
    }
}

impl AsRef<str> for InsuranceNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_code_exposes_its_parts() {
        let card = InsuranceNumber::parse("DN4010123456789").unwrap();
        assert_eq!(card.kind(), InsuranceNumberKind::Card);
        assert_eq!(card.participant_group(), Some("DN"));
        assert_eq!(card.benefit_level().map(BenefitLevel::value), Some(4));
        assert_eq!(
            card.issuing_province_code(),
            Some(ProvinceCode::parse("01").unwrap())
        );
        assert_eq!(card.social_insurance_number(), "0123456789");
    }

    #[test]
    fn insurance_number_normalises_case_and_spaces() {
        let card = InsuranceNumber::parse(" dn 4 01 0123 456 789 ").unwrap();
        assert_eq!(card.as_str(), "DN4010123456789");
    }

    #[test]
    fn bare_social_insurance_number_has_no_benefit_level() {
        let number = InsuranceNumber::parse("0123456789").unwrap();
        assert_eq!(number.kind(), InsuranceNumberKind::SocialInsuranceNumber);
        assert_eq!(number.social_insurance_number(), "0123456789");
        assert_eq!(number.benefit_level(), None);
        assert_eq!(number.participant_group(), None);
        assert_eq!(number.issuing_province_code(), None);
    }

    #[test]
    fn card_code_rejects_each_malformed_part() {
        let cases = [
            (
                "D14010123456789",
                InsuranceNumberError::ParticipantGroupNotLetters,
            ),
            (
                "ĐN4010123456789",
                InsuranceNumberError::ParticipantGroupNotLetters,
            ),
            (
                "DN6010123456789",
                InsuranceNumberError::BenefitLevelOutOfRange,
            ),
            (
                "DN0010123456789",
                InsuranceNumberError::BenefitLevelOutOfRange,
            ),
            ("DN4A10123456789", InsuranceNumberError::ProvinceNotDigits),
            ("DN401012345678X", InsuranceNumberError::NotDigits),
            ("012345678X", InsuranceNumberError::NotDigits),
            (
                "DN401012345678",
                InsuranceNumberError::WrongLength { found: 14 },
            ),
            ("", InsuranceNumberError::Empty),
        ];
        for (input, expected) in cases {
            assert_eq!(InsuranceNumber::parse(input), Err(expected), "{input}");
        }
    }

    #[test]
    fn insurance_number_debug_is_redacted() {
        let card = InsuranceNumber::parse("HN2010123456789").unwrap();
        assert_eq!(format!("{card:?}"), "InsuranceNumber([redacted])");
    }

    #[test]
    fn insurance_number_serialises_normalised() {
        let card: InsuranceNumber = serde_json::from_str("\"dn4010123456789\"").unwrap();
        assert_eq!(serde_json::to_string(&card).unwrap(), "\"DN4010123456789\"");
    }

    #[test]
    fn insurance_number_errors_have_distinct_codes() {
        let errors = [
            InsuranceNumberError::Empty,
            InsuranceNumberError::WrongLength { found: 3 },
            InsuranceNumberError::ParticipantGroupNotLetters,
            InsuranceNumberError::BenefitLevelOutOfRange,
            InsuranceNumberError::ProvinceNotDigits,
            InsuranceNumberError::NotDigits,
        ];
        let codes: std::collections::HashSet<_> = errors.iter().map(Localized::code).collect();
        assert_eq!(codes.len(), errors.len());
        for error in &errors {
            assert!(!error.message(Lang::Vi).is_empty());
            assert!(error.message(Lang::En).ends_with('.'));
        }
    }
}
