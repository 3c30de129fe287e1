//! Registering a citizen: the form, the rules that check it before anything is stored, and
//! the answer.

use crate::Sensitive;
use crate::i18n::{Lang, Localized};
use crate::ids::{EmailAddress, NationalId, PhoneNumber, Sex};
use crate::issue::FieldIssue;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Whether the population registry confirmed the citizen's number, name and date of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    Verified,
    Unverified,
}

impl Verification {
    pub fn as_str(self) -> &'static str {
        match self {
            Verification::Verified => "verified",
            Verification::Unverified => "unverified",
        }
    }

    /// A stored value; anything but "verified" is unverified, so a damaged row never grants
    /// what only the registry's confirmation may.
    pub fn from_stored(value: &str) -> Verification {
        if value == Verification::Verified.as_str() {
            Verification::Verified
        } else {
            Verification::Unverified
        }
    }
}

// ---------------------------------------------------------------------------------------
// Registration

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RegisterRequest {
    /// The 12-digit personal identification number (CCCD).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "001090000001", pattern = r"^\s*[0-9]{12}\s*$"))]
    pub national_id: Sensitive<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(example = "0912345678"))]
    pub phone: String,
    /// Language of the mails the account receives; Vietnamese when absent.
    #[serde(default)]
    pub lang: Option<Lang>,
}

/// A registration whose every field holds a valid value.
#[derive(Debug, Clone)]
pub struct Registration {
    pub national_id: NationalId,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub email: EmailAddress,
    pub phone: PhoneNumber,
    pub lang: Lang,
}

/// A full name as people write it: 1 to 100 characters, at least one letter, no control
/// characters. Vietnamese names carry diacritics; nothing is folded or capitalised.
pub fn check_full_name(name: &str) -> Result<String, NameError> {
    let trimmed = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if trimmed.is_empty() {
        return Err(NameError::Empty);
    }
    if trimmed.chars().count() > 100 {
        return Err(NameError::TooLong);
    }
    if trimmed.chars().any(char::is_control) || !trimmed.chars().any(char::is_alphabetic) {
        return Err(NameError::Invalid);
    }
    Ok(trimmed)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than 100 characters")]
    TooLong,
    #[error("the name must contain letters and no control characters")]
    Invalid,
}

impl Localized for NameError {
    fn code(&self) -> &'static str {
        match self {
            NameError::Empty => "name_empty",
            NameError::TooLong => "name_too_long",
            NameError::Invalid => "name_invalid",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (NameError::Empty, Lang::Vi) => "Họ tên không được để trống.".into(),
            (NameError::TooLong, Lang::Vi) => "Họ tên dài quá 100 ký tự.".into(),
            (NameError::Invalid, Lang::Vi) => {
                "Họ tên phải có chữ cái và không chứa ký tự điều khiển.".into()
            }
            (NameError::Empty, Lang::En) => "The name is empty.".into(),
            (NameError::TooLong, Lang::En) => "The name is longer than 100 characters.".into(),
            (NameError::Invalid, Lang::En) => {
                "The name must contain letters and no control characters.".into()
            }
        }
    }
}

/// Dates of birth in the future or more than 130 years ago are typing mistakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BirthDateError {
    #[error("the date of birth is in the future")]
    InFuture,
    #[error("the date of birth is more than 130 years ago")]
    TooOld,
}

impl Localized for BirthDateError {
    fn code(&self) -> &'static str {
        match self {
            BirthDateError::InFuture => "date_of_birth_in_future",
            BirthDateError::TooOld => "date_of_birth_too_old",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (BirthDateError::InFuture, Lang::Vi) => "Ngày sinh không thể ở tương lai.".into(),
            (BirthDateError::TooOld, Lang::Vi) => "Ngày sinh cách đây hơn 130 năm.".into(),
            (BirthDateError::InFuture, Lang::En) => "The date of birth is in the future.".into(),
            (BirthDateError::TooOld, Lang::En) => {
                "The date of birth is more than 130 years ago.".into()
            }
        }
    }
}

pub fn check_date_of_birth(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, BirthDateError> {
    if date > today {
        return Err(BirthDateError::InFuture);
    }
    if today.year() - date.year() > 130 {
        return Err(BirthDateError::TooOld);
    }
    Ok(date)
}

/// The three facts that name a person (number, name, date of birth), each checked, every
/// issue collected: what a registration and a dependent share.
pub(super) fn check_identity(
    national_id: &str,
    full_name: &str,
    date_of_birth: NaiveDate,
    today: NaiveDate,
    issues: &mut Vec<FieldIssue>,
) -> (Option<NationalId>, Option<String>, Option<NaiveDate>) {
    let national_id = NationalId::parse(national_id)
        .map_err(|e| issues.push(FieldIssue::of("national_id", &e)))
        .ok();
    let full_name = check_full_name(full_name)
        .map_err(|e| issues.push(FieldIssue::of("full_name", &e)))
        .ok();
    let date_of_birth = check_date_of_birth(date_of_birth, today)
        .map_err(|e| issues.push(FieldIssue::of("date_of_birth", &e)))
        .ok();
    (national_id, full_name, date_of_birth)
}

/// A number that encodes another birth year or sex than the form says is at fault.
pub(super) fn check_number_matches(
    national_id: Option<&NationalId>,
    date_of_birth: Option<NaiveDate>,
    sex: Sex,
    issues: &mut Vec<FieldIssue>,
) {
    if let (Some(id), Some(dob)) = (national_id, date_of_birth)
        && let Err(mismatch) = id.check_against(dob, sex)
    {
        issues.push(FieldIssue::of("national_id", &mismatch));
    }
}

impl RegisterRequest {
    /// Checks every field and returns all problems at once, so the form can show them all.
    pub fn parse(&self, today: NaiveDate) -> Result<Registration, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let (national_id, full_name, date_of_birth) = check_identity(
            self.national_id.expose(),
            &self.full_name,
            self.date_of_birth,
            today,
            &mut issues,
        );
        let email = EmailAddress::parse(&self.email)
            .map_err(|e| issues.push(FieldIssue::of("email", &e)))
            .ok();
        let phone = PhoneNumber::parse(&self.phone)
            .map_err(|e| issues.push(FieldIssue::of("phone", &e)))
            .ok();
        check_number_matches(national_id.as_ref(), date_of_birth, self.sex, &mut issues);
        match (national_id, full_name, date_of_birth, email, phone) {
            (Some(national_id), Some(full_name), Some(date_of_birth), Some(email), Some(phone))
                if issues.is_empty() =>
            {
                Ok(Registration {
                    national_id,
                    full_name,
                    date_of_birth,
                    sex: self.sex,
                    email,
                    phone,
                    lang: self.lang.unwrap_or_default(),
                })
            }
            _ => Err(issues),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RegisterResponse {
    pub account_id: Uuid,
    pub citizen_id: Uuid,
    /// The registry check's outcome; an unverified account can book but receives no certificate.
    pub verification: Verification,
    /// A 6-digit code was mailed to the address: send it to `POST /v1/auth/email/verify`.
    pub email_verification_sent: bool,
}

// ---------------------------------------------------------------------------------------
// Email codes
