//! What the apps' form fields keep of typed text, and how they read a typed date: `domain`'s
//! rules, exported, so that no app filters digits or parses dates by a rule of its own.

use chrono::NaiveDate;
use healthbook_domain::FieldIssue;
use healthbook_domain::account::{EMAIL_CODE_DIGITS, code_digits_typed};
use healthbook_domain::booking::time;
use healthbook_domain::ids::NationalId;

/// Why typed text cannot be read.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum InputError {
    /// Show `issue.message(lang)` beside the field.
    #[error("{}", issue.code)]
    Invalid { issue: FieldIssue },
}

/// What an identification-number field keeps of what was typed or pasted: the digits.
#[uniffi::export]
pub fn national_id_digits(typed: String) -> String {
    NationalId::digits_typed(&typed)
}

/// What a one-time-code field keeps of what was typed or pasted: at most [`code_length`]
/// digits.
#[uniffi::export]
pub fn code_digits(typed: String) -> String {
    code_digits_typed(&typed)
}

/// How many digits a mailed code has: its field is complete at this length.
#[uniffi::export]
pub fn code_length() -> u32 {
    u32::try_from(EMAIL_CODE_DIGITS).unwrap_or(u32::MAX)
}

/// A date typed into `field`, written `YYYY-MM-DD` as the server reads dates (day-month
/// forms are refused as ambiguous, never guessed).
#[uniffi::export]
pub fn parse_date(field: String, typed: String) -> Result<NaiveDate, InputError> {
    time::parse_date(&typed).map_err(|error| InputError::Invalid {
        issue: FieldIssue::of(field, &error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use healthbook_domain::Lang;

    #[test]
    fn fields_keep_what_the_domain_rules_read() {
        assert_eq!(national_id_digits("001 190 000 001".into()), "001190000001");
        assert_eq!(code_digits("12 34 567".into()), "123456");
        assert_eq!(code_length(), 6);
    }

    #[test]
    fn a_typed_date_is_read_or_its_field_is_named() {
        assert_eq!(
            parse_date("date_of_birth".into(), " 2020-03-02 ".into()).unwrap(),
            NaiveDate::from_ymd_opt(2020, 3, 2).unwrap()
        );
        let InputError::Invalid { issue } =
            parse_date("date_of_birth".into(), "02/03/2020".into()).unwrap_err();
        assert_eq!(issue.field, "date_of_birth");
        assert_eq!(issue.code, "date_ambiguous");
        assert!(issue.message(Lang::Vi).contains("YYYY-MM-DD"));
    }
}
