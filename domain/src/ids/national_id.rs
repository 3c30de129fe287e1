//! The 12-digit personal identification number (số định danh cá nhân), printed on the
//! citizen identity card (CCCD / thẻ căn cước).
//!
//! Layout (TT 07/2016/TT-BCA, kept by Luật Căn cước 2023): digits 1–3 the province where the
//! birth was registered (`0` + the former province code), digit 4 sex and century of birth,
//! digits 5–6 the last two digits of the birth year, digits 7–12 random. There is no check
//! digit, so a typo in the random part cannot be caught; [`NationalId::check_against`] catches
//! typos in the first six digits against the declared birth date and sex.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::sex::Sex;
use crate::i18n::{Lang, Localized};
use crate::units::{FormerProvince, ProvinceCode, former_province};

const LENGTH: usize = 12;
/// The old identity card (CMND) number, which people still type out of habit.
const LEGACY_CARD_LENGTH: usize = 9;

/// A well-formed personal identification number. `Debug` is redacted: the number identifies a
/// person and must not reach a log line; `Display` and [`NationalId::as_str`] give it whole for
/// the places that need it (forms, XML 130's `SO_CCCD`).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalId(String);

impl NationalId {
    /// Accepts 12 ASCII digits, surrounding whitespace ignored; anything inside the number
    /// (spaces, dots) is rejected rather than guessed at.
    pub fn parse(input: &str) -> Result<NationalId, NationalIdError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(NationalIdError::Empty);
        }
        if !trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NationalIdError::NotDigits);
        }
        match trimmed.len() {
            LENGTH => Ok(NationalId(trimmed.to_owned())),
            LEGACY_CARD_LENGTH => Err(NationalIdError::LegacyCardNumber),
            found => Err(NationalIdError::WrongLength { found }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What a number field keeps of what is typed or pasted ("001 190 000 001"): the ASCII
    /// digits, in order. The rest is layout, not part of the number; [`NationalId::parse`]
    /// then judges the digits.
    pub fn digits_typed(typed: &str) -> String {
        typed.chars().filter(char::is_ascii_digit).collect()
    }

    /// The first three digits: `0` + the code of the province that registered the birth.
    pub fn birth_registration_prefix(&self) -> &str {
        self.0.get(..3).unwrap_or_default()
    }

    /// The province that registered the birth, from the list before 1 July 2025 (numbers keep
    /// their prefix for life); `None` for a prefix outside that list.
    pub fn birth_registration_province(&self) -> Option<&'static FormerProvince> {
        match self.0.as_bytes() {
            [b'0', tens, units, ..] => {
                former_province(ProvinceCode::from_ascii_digits(*tens, *units))
            }
            _ => None,
        }
    }

    pub fn sex(&self) -> Sex {
        if self.sex_century_digit().is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The century of birth, counted as people do: 20 for 1900–1999, 21 for 2000–2099, up to
    /// 24 for 2300–2399.
    pub fn birth_century(&self) -> u8 {
        20 + self.sex_century_digit() / 2
    }

    /// The last two digits of the birth year.
    pub fn birth_year_suffix(&self) -> u8 {
        self.digit(4) * 10 + self.digit(5)
    }

    pub fn birth_year(&self) -> i32 {
        (i32::from(self.birth_century()) - 1) * 100 + i32::from(self.birth_year_suffix())
    }

    /// What the number alone says may be wrong: the birth registration prefix is unknown.
    pub fn warnings(&self) -> Vec<NationalIdWarning> {
        if self.birth_registration_province().is_some() {
            Vec::new()
        } else {
            vec![NationalIdWarning::UnknownBirthRegistrationPrefix {
                prefix: self.birth_registration_prefix().to_owned(),
            }]
        }
    }

    /// Checks the number against the person's declared birth date and sex. A disagreement in
    /// birth year, century or sex means the number or the declaration is wrong and is an
    /// error (the year first, as the likelier typo); what only looks unusual comes back as
    /// warnings.
    pub fn check_against(
        &self,
        date_of_birth: NaiveDate,
        sex: Sex,
    ) -> Result<Vec<NationalIdWarning>, NationalIdMismatch> {
        let declared_year = date_of_birth.year();
        let on_id = self.birth_year();
        if declared_year != on_id {
            let same_suffix = declared_year.rem_euclid(100) == i32::from(self.birth_year_suffix());
            return Err(if same_suffix {
                NationalIdMismatch::BirthCentury {
                    on_id,
                    declared: declared_year,
                }
            } else {
                NationalIdMismatch::BirthYear {
                    on_id,
                    declared: declared_year,
                }
            });
        }
        if self.sex() != sex {
            return Err(NationalIdMismatch::Sex {
                on_id: self.sex(),
                declared: sex,
            });
        }
        Ok(self.warnings())
    }

    fn sex_century_digit(&self) -> u8 {
        self.digit(3)
    }

    fn digit(&self, index: usize) -> u8 {
        self.0
            .as_bytes()
            .get(index)
            .map_or(0, |byte| byte.saturating_sub(b'0'))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    #[error("the personal identification number is empty")]
    Empty,
    #[error("a personal identification number has only digits")]
    NotDigits,
    #[error(
        "this looks like a 9-digit identity card (CMND) number; give the 12-digit personal identification number"
    )]
    LegacyCardNumber,
    #[error("a personal identification number has 12 digits, not {found}")]
    WrongLength { found: usize },
}

impl Localized for NationalIdError {
    fn code(&self) -> &'static str {
        match self {
            NationalIdError::Empty => "national_id_empty",
            NationalIdError::NotDigits => "national_id_not_digits",
            NationalIdError::LegacyCardNumber => "national_id_legacy_card_number",
            NationalIdError::WrongLength { .. } => "national_id_wrong_length",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{self}."),
            Lang::Vi => match self {
                NationalIdError::Empty => "Chưa nhập số định danh cá nhân.".to_owned(),
                NationalIdError::NotDigits => "Số định danh cá nhân chỉ gồm chữ số.".to_owned(),
                NationalIdError::LegacyCardNumber => {
                    "Đây có vẻ là số CMND 9 số; vui lòng nhập số định danh cá nhân 12 số."
                        .to_owned()
                }
                NationalIdError::WrongLength { found } => {
                    format!("Số định danh cá nhân gồm 12 chữ số, không phải {found}.")
                }
            },
        }
    }
}

/// The number contradicts the declared birth date or sex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdMismatch {
    #[error("the personal identification number is for a person born in {on_id}, not {declared}")]
    BirthYear { on_id: i32, declared: i32 },
    #[error(
        "the century digit of the personal identification number gives the year {on_id}, not {declared}"
    )]
    BirthCentury { on_id: i32, declared: i32 },
    #[error("the personal identification number is for a {} person, not {}", on_id.as_str(), declared.as_str())]
    Sex { on_id: Sex, declared: Sex },
}

impl Localized for NationalIdMismatch {
    fn code(&self) -> &'static str {
        match self {
            NationalIdMismatch::BirthYear { .. } => "national_id_birth_year_mismatch",
            NationalIdMismatch::BirthCentury { .. } => "national_id_birth_century_mismatch",
            NationalIdMismatch::Sex { .. } => "national_id_sex_mismatch",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{self}."),
            Lang::Vi => match self {
                NationalIdMismatch::BirthYear { on_id, declared } => format!(
                    "Số định danh cá nhân ứng với năm sinh {on_id}, không khớp năm sinh {declared}."
                ),
                NationalIdMismatch::BirthCentury { on_id, declared } => format!(
                    "Chữ số thế kỷ trong số định danh cá nhân ứng với năm {on_id}, không khớp năm sinh {declared}."
                ),
                NationalIdMismatch::Sex { on_id, declared } => format!(
                    "Số định danh cá nhân ứng với giới tính {}, không khớp giới tính {}.",
                    on_id.vietnamese(),
                    declared.vietnamese()
                ),
            },
        }
    }
}

/// Something unusual that does not make the number wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdWarning {
    /// The data behind the prefix list is transcribed, not authoritative, so an unknown prefix
    /// is reported for a person to look at, never rejected.
    #[error("the birth registration prefix {prefix} is not a known province")]
    UnknownBirthRegistrationPrefix { prefix: String },
}

impl Localized for NationalIdWarning {
    fn code(&self) -> &'static str {
        match self {
            NationalIdWarning::UnknownBirthRegistrationPrefix { .. } => {
                "national_id_unknown_birth_registration_prefix"
            }
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (NationalIdWarning::UnknownBirthRegistrationPrefix { prefix }, Lang::Vi) => format!(
                "Mã nơi đăng ký khai sinh {prefix} không có trong danh mục tỉnh; vui lòng kiểm tra lại số định danh cá nhân."
            ),
            (_, Lang::En) => format!("{self}."),
        }
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NationalId([redacted])")
    }
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for NationalId {
    type Err = NationalIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NationalId::parse(s)
    }
}

impl TryFrom<String> for NationalId {
    type Error = NationalIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        NationalId::parse(&s)
    }
}

impl From<NationalId> for String {
    fn from(id: NationalId) -> String {
        id.0
    }
}

impl AsRef<str> for NationalId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_field_keeps_the_digits_typed() {
        assert_eq!(
            NationalId::digits_typed(" 001 190.000-001 "),
            "001190000001"
        );
        assert_eq!(NationalId::digits_typed("abc"), "");
        // Other scripts' digits are not the number's: the parser would refuse them.
        assert_eq!(NationalId::digits_typed("٠٠١"), "");
        assert!(NationalId::parse(&NationalId::digits_typed("0011 9000 0001")).is_ok());
    }

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn national_id_reads_sex_century_and_year() {
        let id = NationalId::parse("001090000001").unwrap();
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.birth_century(), 20);
        assert_eq!(id.birth_year_suffix(), 90);
        assert_eq!(id.birth_year(), 1990);

        let id = NationalId::parse("079305123456").unwrap();
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.birth_century(), 21);
        assert_eq!(id.birth_year(), 2005);
    }

    #[test]
    fn national_id_accepts_surrounding_whitespace() {
        let id = NationalId::parse(" \t001090000001\n").unwrap();
        assert_eq!(id.as_str(), "001090000001");
    }

    #[test]
    fn national_id_rejects_11_digits() {
        assert_eq!(
            NationalId::parse("00109000000"),
            Err(NationalIdError::WrongLength { found: 11 })
        );
    }

    #[test]
    fn national_id_rejects_13_digits() {
        assert_eq!(
            NationalId::parse("0010900000011"),
            Err(NationalIdError::WrongLength { found: 13 })
        );
    }

    #[test]
    fn national_id_rejects_inner_spaces_letters_and_other_digits() {
        for input in [
            "001 090 000 001",
            "00109000000a",
            "００１０９００００００１",
            "٠٠١٠٩٠٠٠٠٠٠١",
        ] {
            assert_eq!(
                NationalId::parse(input),
                Err(NationalIdError::NotDigits),
                "{input}"
            );
        }
    }

    #[test]
    fn national_id_points_nine_digit_card_numbers_to_the_new_number() {
        let error = NationalId::parse("012345678").unwrap_err();
        assert_eq!(error, NationalIdError::LegacyCardNumber);
        assert_eq!(error.code(), "national_id_legacy_card_number");
    }

    #[test]
    fn national_id_empty_is_its_own_error() {
        assert_eq!(NationalId::parse("   "), Err(NationalIdError::Empty));
    }

    #[test]
    fn national_id_matching_birth_date_and_sex_passes() {
        let id = NationalId::parse("001090000001").unwrap();
        assert_eq!(id.check_against(date(1990, 5, 17), Sex::Male), Ok(vec![]));
    }

    #[test]
    fn national_id_mismatching_birth_year_is_an_error() {
        let id = NationalId::parse("001090000001").unwrap();
        let mismatch = id.check_against(date(1991, 5, 17), Sex::Male).unwrap_err();
        assert_eq!(
            mismatch,
            NationalIdMismatch::BirthYear {
                on_id: 1990,
                declared: 1991
            }
        );
        assert_eq!(mismatch.code(), "national_id_birth_year_mismatch");
    }

    #[test]
    fn national_id_mismatching_century_is_an_error() {
        let id = NationalId::parse("001090000001").unwrap();
        assert_eq!(
            id.check_against(date(2090, 1, 1), Sex::Male),
            Err(NationalIdMismatch::BirthCentury {
                on_id: 1990,
                declared: 2090
            })
        );
    }

    #[test]
    fn national_id_mismatching_sex_is_an_error() {
        let id = NationalId::parse("001190000001").unwrap();
        assert_eq!(
            id.check_against(date(1990, 1, 1), Sex::Male),
            Err(NationalIdMismatch::Sex {
                on_id: Sex::Female,
                declared: Sex::Male
            })
        );
    }

    #[test]
    fn birth_registration_province_comes_from_the_former_list() {
        let id = NationalId::parse("002090000001").unwrap();
        let province = id.birth_registration_province().unwrap();
        assert_eq!(province.name, "Tỉnh Hà Giang");
        assert_eq!(id.birth_registration_prefix(), "002");
    }

    #[test]
    fn unknown_birth_registration_prefix_is_only_a_warning() {
        for number in ["003090000001", "099090000001", "101090000001"] {
            let id = NationalId::parse(number).unwrap();
            assert!(id.birth_registration_province().is_none());
            let prefix = number.get(..3).unwrap().to_owned();
            assert_eq!(
                id.check_against(date(1990, 1, 1), Sex::Male),
                Ok(vec![NationalIdWarning::UnknownBirthRegistrationPrefix {
                    prefix
                }])
            );
        }
    }

    #[test]
    fn national_id_debug_never_shows_the_number() {
        let id = NationalId::parse("001090000001").unwrap();
        let debug = format!("{id:?} {:?}", Some(&id));
        assert!(!debug.contains("090000001"), "{debug}");
        assert_eq!(format!("{id:?}"), "NationalId([redacted])");
    }

    #[test]
    fn national_id_serialises_as_a_plain_string() {
        let id: NationalId = serde_json::from_str("\" 001090000001 \"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"001090000001\"");
        assert!(serde_json::from_str::<NationalId>("\"00109000000\"").is_err());
        assert!(serde_json::from_str::<NationalId>("1090000001").is_err());
    }

    #[test]
    fn national_id_errors_speak_both_languages() {
        let errors = [
            NationalIdError::Empty,
            NationalIdError::NotDigits,
            NationalIdError::LegacyCardNumber,
            NationalIdError::WrongLength { found: 11 },
        ];
        for error in errors {
            assert_ne!(error.message(Lang::Vi), error.message(Lang::En));
            assert!(error.code().starts_with("national_id_"));
        }
        assert_eq!(
            NationalIdError::WrongLength { found: 11 }.message(Lang::Vi),
            "Số định danh cá nhân gồm 12 chữ số, không phải 11."
        );
    }
}
