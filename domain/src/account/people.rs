//! Citizens as their apps show them, dependents and the rules of guardianship: a child is
//! a dependent until the 18th birthday, on the Việt Nam date.

use crate::Sensitive;
use crate::i18n::{Lang, Localized};
use crate::ids::{NationalId, Sex};
use crate::issue::FieldIssue;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::registration::{Verification, check_identity, check_number_matches};

/// Age in whole years on `on`.
pub fn age_on(date_of_birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - date_of_birth.year();
    if (on.month(), on.day()) < (date_of_birth.month(), date_of_birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// The day a person turns `years` old (29 February births turn on 1 March in common years).
pub fn birthday(date_of_birth: NaiveDate, years: u32) -> NaiveDate {
    let year = date_of_birth.year() + i32::try_from(years).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, date_of_birth.month(), date_of_birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(date_of_birth)
}

/// Age of majority in Việt Nam: guardianship of a dependent ends on this birthday.
pub const ADULT_AGE: u32 = 18;

/// A citizen as their own app (or a guardian's) shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CitizenProfile {
    pub citizen_id: Uuid,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    /// Masked except for its last three digits: the full number is never sent back.
    pub national_id_masked: String,
    pub verification: Verification,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Dependent {
    pub citizen: CitizenProfile,
    /// Guardianship ends on this date (the 18th birthday) unless the adult grants it again.
    pub guardianship_ends_on: Option<NaiveDate>,
}

/// Hides all but the last three digits of an identification number.
pub fn mask_national_id(id: &str) -> String {
    let count = id.chars().count();
    id.chars()
        .enumerate()
        .map(|(i, c)| if i + 3 < count { '•' } else { c })
        .collect()
}

/// A child a facility reported born to the caller (a birth certificate in the files it
/// sent) who is not yet their dependent. The app offers to add the child with what the
/// facility knew, once the child has an identification number; adding a dependent born that
/// day (of that sex, where known) takes the offer and puts the birth in the child's book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExpectedChild {
    pub id: Uuid,
    pub born_on: NaiveDate,
    /// None when the facility could not tell.
    pub sex: Option<Sex>,
    /// The name the parents meant to give, as the facility wrote it.
    pub intended_name: Option<String>,
    pub weight_grams: Option<u32>,
    pub facility_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AddDependentRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "001224000123", pattern = r"^\s*[0-9]{12}\s*$"))]
    pub national_id: Sensitive<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
}

/// A dependent whose every field is valid, and who is a minor today.
#[derive(Debug, Clone)]
pub struct NewDependent {
    pub national_id: NationalId,
    pub full_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a dependent must be under 18")]
pub struct NotAMinor;

impl Localized for NotAMinor {
    fn code(&self) -> &'static str {
        "dependent_not_a_minor"
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => "Người phụ thuộc phải dưới 18 tuổi.".into(),
            Lang::En => "A dependent must be under 18.".into(),
        }
    }
}

impl AddDependentRequest {
    pub fn parse(&self, today: NaiveDate) -> Result<NewDependent, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let (national_id, full_name, date_of_birth) = check_identity(
            self.national_id.expose(),
            &self.full_name,
            self.date_of_birth,
            today,
            &mut issues,
        );
        if let Some(dob) = date_of_birth
            && age_on(dob, today) >= ADULT_AGE
        {
            issues.push(FieldIssue::of("date_of_birth", &NotAMinor));
        }
        check_number_matches(national_id.as_ref(), date_of_birth, self.sex, &mut issues);
        match (national_id, full_name, date_of_birth) {
            (Some(national_id), Some(full_name), Some(date_of_birth)) if issues.is_empty() => {
                Ok(NewDependent {
                    national_id,
                    full_name,
                    date_of_birth,
                    sex: self.sex,
                })
            }
            _ => Err(issues),
        }
    }
}
