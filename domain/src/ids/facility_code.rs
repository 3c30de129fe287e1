//! The health-facility code (mã cơ sở khám bệnh, chữa bệnh), issued by the competent
//! authority and used in every XML 130 table (`MA_CSKCB`, `MA_DKBD`, `MA_NOI_DI`,
//! `MA_NOI_DEN`).
//!
//! QĐ 130/QĐ-BYT types it as a string of 5 characters ("gồm có 05 ký tự"); issued codes are 5
//! digits whose first two are the province under which the facility was registered (the list
//! before 1 July 2025). It is a string, not a number: `01001` and `1001` are different
//! values, and the leading zero must survive every round trip. The decorated forms of
//! `MA_CSKCB_THUOC` (`C.XXXXX`, `HC.XXXXX`) carry a facility code but are not one.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::i18n::{Lang, Localized};
use crate::units::{FormerProvince, ProvinceCode, former_province};

const LENGTH: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FacilityCode(String);

impl FacilityCode {
    /// Accepts 5 ASCII digits, surrounding whitespace ignored.
    pub fn parse(input: &str) -> Result<FacilityCode, FacilityCodeError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(FacilityCodeError::Empty);
        }
        if !trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FacilityCodeError::NotDigits);
        }
        match trimmed.len() {
            LENGTH => Ok(FacilityCode(trimmed.to_owned())),
            found => Err(FacilityCodeError::WrongLength { found }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first two digits: the code of the province the facility was registered under.
    pub fn province_code(&self) -> ProvinceCode {
        match self.0.as_bytes() {
            [tens, units, ..] => ProvinceCode::from_ascii_digits(*tens, *units),
            _ => ProvinceCode::from_ascii_digits(b'0', b'0'),
        }
    }

    /// That province in the list before 1 July 2025; `None` for a code outside it.
    pub fn registration_province(&self) -> Option<&'static FormerProvince> {
        former_province(self.province_code())
    }

    /// Codes are issued by the authority and our province list may lag behind it, so an
    /// unknown province is reported, not rejected.
    pub fn warnings(&self) -> Vec<FacilityCodeWarning> {
        if self.registration_province().is_some() {
            Vec::new()
        } else {
            vec![FacilityCodeWarning::UnknownProvince {
                code: self.province_code(),
            }]
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FacilityCodeError {
    #[error("the health-facility code is empty")]
    Empty,
    #[error("a health-facility code has only digits")]
    NotDigits,
    #[error("a health-facility code has 5 digits, not {found}")]
    WrongLength { found: usize },
}

impl Localized for FacilityCodeError {
    fn code(&self) -> &'static str {
        match self {
            FacilityCodeError::Empty => "facility_code_empty",
            FacilityCodeError::NotDigits => "facility_code_not_digits",
            FacilityCodeError::WrongLength { .. } => "facility_code_wrong_length",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("{self}."),
            Lang::Vi => match self {
                FacilityCodeError::Empty => "Chưa nhập mã cơ sở khám bệnh, chữa bệnh.".to_owned(),
                FacilityCodeError::NotDigits => {
                    "Mã cơ sở khám bệnh, chữa bệnh chỉ gồm chữ số.".to_owned()
                }
                FacilityCodeError::WrongLength { found } => {
                    format!("Mã cơ sở khám bệnh, chữa bệnh gồm 5 chữ số, không phải {found}.")
                }
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FacilityCodeWarning {
    #[error("the health-facility code starts with {code}, which is not a known province")]
    UnknownProvince { code: ProvinceCode },
}

impl Localized for FacilityCodeWarning {
    fn code(&self) -> &'static str {
        match self {
            FacilityCodeWarning::UnknownProvince { .. } => "facility_code_unknown_province",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FacilityCodeWarning::UnknownProvince { code }, Lang::Vi) => format!(
                "Mã cơ sở khám bệnh, chữa bệnh bắt đầu bằng {code}, không phải mã tỉnh đã biết."
            ),
            (_, Lang::En) => format!("{self}."),
        }
    }
}

impl fmt::Display for FacilityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for FacilityCode {
    type Err = FacilityCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FacilityCode::parse(s)
    }
}

impl TryFrom<String> for FacilityCode {
    type Error = FacilityCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        FacilityCode::parse(&s)
    }
}

impl From<FacilityCode> for String {
    fn from(code: FacilityCode) -> String {
        code.0
    }
}

impl AsRef<str> for FacilityCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facility_code_keeps_its_leading_zero() {
        let code = FacilityCode::parse(" 01999 ").unwrap();
        assert_eq!(code.as_str(), "01999");
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"01999\"");
        assert_eq!(code.province_code().to_string(), "01");
    }

    #[test]
    fn facility_code_names_its_registration_province() {
        let code = FacilityCode::parse("02001").unwrap();
        assert_eq!(code.registration_province().unwrap().name, "Tỉnh Hà Giang");
        assert!(code.warnings().is_empty());
    }

    #[test]
    fn facility_code_with_unknown_province_is_only_a_warning() {
        let code = FacilityCode::parse("99001").unwrap();
        assert_eq!(
            code.warnings(),
            vec![FacilityCodeWarning::UnknownProvince {
                code: ProvinceCode::parse("99").unwrap()
            }]
        );
        assert_eq!(code.warnings()[0].code(), "facility_code_unknown_province");
    }

    #[test]
    fn facility_code_rejects_numbers_that_lost_their_zero_and_decorated_forms() {
        assert_eq!(
            FacilityCode::parse("1999"),
            Err(FacilityCodeError::WrongLength { found: 4 })
        );
        assert_eq!(
            FacilityCode::parse("C.01999"),
            Err(FacilityCodeError::NotDigits)
        );
        assert_eq!(FacilityCode::parse(""), Err(FacilityCodeError::Empty));
    }
}
