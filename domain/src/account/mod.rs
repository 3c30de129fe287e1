//! Accounts, sign-in and sessions: the request and response shapes shared by the server
//! and the mobile core, and the rules that check them before anything is stored. One file per
//! concern: registration, sessions and codes, passkeys, staff roles, people and guardianship.

mod passkeys;
mod people;
mod registration;
mod session;
mod staff;
mod status;

pub use crate::issue::FieldIssue;
pub use passkeys::*;
pub use people::*;
pub use registration::*;
pub use session::*;
pub use staff::*;
pub use status::*;

use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Me {
    pub account_id: Uuid,
    pub email: String,
    pub email_verified: bool,
    pub lang: Lang,
    pub assurance: Assurance,
    pub session_id: Uuid,
    pub citizen: Option<CitizenProfile>,
    pub roles: Vec<RoleGrant>,
    pub dependents: Vec<Dependent>,
    pub passkeys: u32,
    /// When a waiting recovery of the account opens, if one waits: the owner may cancel it.
    #[serde(default)]
    pub recovery_pending_until: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sensitive;
    use crate::ids::Sex;
    use chrono::NaiveDate;

    #[test]
    fn each_staff_role_has_its_own_scope() {
        let facility = Some(Uuid::from_u128(7));
        assert_eq!(StaffRole::Doctor.scope(facility, None), Ok(None));
        assert_eq!(
            StaffRole::Doctor.scope(None, None),
            Err(StaffScopeError::Mismatch)
        );
        assert_eq!(StaffRole::Support.scope(None, None), Ok(None));
        assert_eq!(
            StaffRole::Support.scope(facility, None),
            Err(StaffScopeError::Mismatch)
        );
        // An authority of a former province is one of its successor.
        assert_eq!(
            StaffRole::Authority
                .scope(None, Some("02"))
                .map(|u| u.map(|u| u.code())),
            Ok(Some("08".to_owned()))
        );
        assert_eq!(
            StaffRole::Authority.scope(None, Some("99")),
            Err(StaffScopeError::UnknownUnit)
        );
        assert_eq!(
            StaffRole::Authority.scope(facility, Some("01")),
            Err(StaffScopeError::Mismatch)
        );
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn request() -> RegisterRequest {
        RegisterRequest {
            national_id: Sensitive::new("001090000001".into()),
            full_name: "  Nguyễn   Văn An ".into(),
            date_of_birth: date(1990, 5, 17),
            sex: Sex::Male,
            email: "an@example.vn".into(),
            phone: "0912 345 678".into(),
            lang: None,
        }
    }

    #[test]
    fn valid_registration_is_normalised() {
        let valid = request().parse(date(2026, 11, 23)).unwrap();
        assert_eq!(valid.full_name, "Nguyễn Văn An");
        assert_eq!(valid.phone.e164(), "+84912345678");
        assert_eq!(valid.lang, Lang::Vi);
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let mut bad = request();
        bad.national_id = Sensitive::new("12345".into());
        bad.email = "not-an-email".into();
        bad.phone = "12".into();
        bad.full_name = " ".into();
        let issues = bad.parse(date(2026, 11, 23)).unwrap_err();
        let fields: Vec<_> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["national_id", "full_name", "email", "phone"]);
    }

    #[test]
    fn national_id_must_agree_with_birth_year_and_sex() {
        let mut bad = request();
        bad.sex = Sex::Female;
        let issues = bad.parse(date(2026, 11, 23)).unwrap_err();
        assert_eq!(issues[0].code, "national_id_sex_mismatch");
        let mut bad = request();
        bad.date_of_birth = date(1991, 5, 17);
        let issues = bad.parse(date(2026, 11, 23)).unwrap_err();
        assert_eq!(issues[0].code, "national_id_birth_year_mismatch");
    }

    #[test]
    fn birth_date_in_the_future_is_refused() {
        assert_eq!(
            check_date_of_birth(date(2030, 1, 1), date(2026, 11, 23)),
            Err(BirthDateError::InFuture)
        );
    }

    #[test]
    fn age_counts_whole_years_and_leap_day_birthdays() {
        assert_eq!(age_on(date(2008, 11, 24), date(2026, 11, 23)), 17);
        assert_eq!(age_on(date(2008, 11, 23), date(2026, 11, 23)), 18);
        assert_eq!(birthday(date(2008, 2, 29), 18), date(2026, 3, 1));
        assert_eq!(birthday(date(2008, 2, 29), 16), date(2024, 2, 29));
    }

    #[test]
    fn dependent_must_be_a_minor() {
        let request = AddDependentRequest {
            national_id: Sensitive::new("001208000123".into()),
            full_name: "Nguyễn Bảo Ngọc".into(),
            date_of_birth: date(2008, 3, 2),
            sex: Sex::Male,
        };
        let issues = request.parse(date(2026, 11, 23)).unwrap_err();
        assert!(
            issues.iter().any(|i| i.code == "dependent_not_a_minor"),
            "{issues:?}"
        );
    }

    #[test]
    fn a_code_field_keeps_six_digits() {
        assert_eq!(code_digits_typed(" 123 456 "), "123456");
        assert_eq!(code_digits_typed("1234567"), "123456");
        assert_eq!(code_digits_typed("12a3"), "123");
    }

    #[test]
    fn masking_keeps_only_the_last_three_digits() {
        assert_eq!(mask_national_id("001090000001"), "•••••••••001");
    }
}
