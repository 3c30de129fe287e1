//! Accounts, sign-in and sessions: the request and response shapes shared by the server
//! and the mobile core, and the rules that check a registration before anything is stored.

use crate::Sensitive;
use crate::i18n::{Lang, Localized};
use crate::ids::{EmailAddress, NationalId, PhoneNumber, Sex};
pub use crate::issue::FieldIssue;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How strongly a session was authenticated. Health data needs `Passkey`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    /// Opened with an email code: the account, dependents and bookings, and enrolling the
    /// first passkey. Email is not an authentication factor for health data.
    Basic,
    /// Opened with a passkey (user verification required): everything the roles allow.
    Passkey,
    /// Opened by account recovery or staff enrolment: may only register a passkey.
    Enrolment,
}

impl Assurance {
    pub fn as_str(self) -> &'static str {
        match self {
            Assurance::Basic => "basic",
            Assurance::Passkey => "passkey",
            Assurance::Enrolment => "enrolment",
        }
    }

    pub fn parse(value: &str) -> Option<Assurance> {
        match value {
            "basic" => Some(Assurance::Basic),
            "passkey" => Some(Assurance::Passkey),
            "enrolment" => Some(Assurance::Enrolment),
            _ => None,
        }
    }
}

/// Staff roles. Each is bound to a facility, except `support` (national) and `authority`
/// (an administrative unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Doctor,
    Vaccinator,
    FacilityAdmin,
    Support,
    Authority,
}

impl StaffRole {
    pub const ALL: [StaffRole; 5] = [
        StaffRole::Doctor,
        StaffRole::Vaccinator,
        StaffRole::FacilityAdmin,
        StaffRole::Support,
        StaffRole::Authority,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Doctor => "doctor",
            StaffRole::Vaccinator => "vaccinator",
            StaffRole::FacilityAdmin => "facility_admin",
            StaffRole::Support => "support",
            StaffRole::Authority => "authority",
        }
    }

    pub fn parse(value: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Roles that act at one facility and must name it.
    pub fn needs_facility(self) -> bool {
        matches!(
            self,
            StaffRole::Doctor | StaffRole::Vaccinator | StaffRole::FacilityAdmin
        )
    }

    /// Where a grant of this role applies: a facility for the roles that work at one, an
    /// administrative unit (a current one; a former code is read as its successor) for an
    /// authority, nothing for support. Returns the unit to store, in its current code.
    pub fn scope(
        self,
        facility: Option<uuid::Uuid>,
        admin_unit: Option<&str>,
    ) -> Result<Option<crate::admin::AdminUnit>, StaffScopeError> {
        match (self.needs_facility(), self, facility, admin_unit) {
            (true, _, Some(_), None) => Ok(None),
            (false, StaffRole::Authority, None, Some(code)) => crate::admin::AdminUnit::parse(code)
                .map(Some)
                .map_err(|_| StaffScopeError::UnknownUnit),
            (false, StaffRole::Support, None, None) => Ok(None),
            _ => Err(StaffScopeError::Mismatch),
        }
    }
}

/// Why a staff grant's facility or unit does not fit its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffScopeError {
    #[error(
        "doctors, vaccinators and facility admins name a facility; authorities a unit; support neither"
    )]
    Mismatch,
    #[error("no current administrative unit has this code")]
    UnknownUnit,
}

/// Whether the population registry confirmed the citizen's number, name and date of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    Verified,
    Unverified,
}

// ---------------------------------------------------------------------------------------
// Registration

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RegisterRequest {
    /// The 12-digit personal identification number (CCCD).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "001090000001"))]
    pub national_id: Sensitive<String>,
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub email: String,
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

impl RegisterRequest {
    /// Checks every field and returns all problems at once, so the form can show them all.
    pub fn parse(&self, today: NaiveDate) -> Result<Registration, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let national_id = NationalId::parse(self.national_id.expose())
            .map_err(|e| issues.push(FieldIssue::of("national_id", &e)))
            .ok();
        let full_name = check_full_name(&self.full_name)
            .map_err(|e| issues.push(FieldIssue::of("full_name", &e)))
            .ok();
        let date_of_birth = check_date_of_birth(self.date_of_birth, today)
            .map_err(|e| issues.push(FieldIssue::of("date_of_birth", &e)))
            .ok();
        let email = EmailAddress::parse(&self.email)
            .map_err(|e| issues.push(FieldIssue::of("email", &e)))
            .ok();
        let phone = PhoneNumber::parse(&self.phone)
            .map_err(|e| issues.push(FieldIssue::of("phone", &e)))
            .ok();
        if let (Some(id), Some(dob)) = (&national_id, date_of_birth)
            && let Err(mismatch) = id.check_against(dob, self.sex)
        {
            issues.push(FieldIssue::of("national_id", &mismatch));
        }
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

/// Length of every one-time code sent by mail.
pub const EMAIL_CODE_DIGITS: usize = 6;
/// How long a mailed code stays valid, in minutes.
pub const EMAIL_CODE_MINUTES: i64 = 10;
/// Wrong guesses allowed on one code before it is void.
pub const EMAIL_CODE_MAX_ATTEMPTS: i32 = 5;

/// What a code field keeps of what is typed or pasted ("123 456"): its ASCII digits, at most
/// [`EMAIL_CODE_DIGITS`] of them.
pub fn code_digits_typed(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_digit)
        .take(EMAIL_CODE_DIGITS)
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyEmailRequest {
    #[validate(length(min = 3, max = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "123456"))]
    pub code: Sensitive<String>,
    /// Shown in the list of sessions ("Pixel 8", "iPhone của Lan").
    #[validate(length(max = 100))]
    #[serde(default)]
    pub device_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpStartRequest {
    #[validate(length(min = 3, max = 254))]
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpFinishRequest {
    #[validate(length(min = 3, max = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "123456"))]
    pub code: Sensitive<String>,
    #[validate(length(max = 100))]
    #[serde(default)]
    pub device_name: Option<String>,
}

/// Always the same answer, whether or not the address has an account: the response must not
/// tell an attacker which addresses are registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CodeSent {
    pub expires_in_seconds: i64,
}

/// A new session. The token is shown once; the app keeps it in the platform keystore.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionGrant {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub token: Sensitive<String>,
    pub session_id: Uuid,
    pub account_id: Uuid,
    pub assurance: Assurance,
    pub expires_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------
// Passkeys

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRegisterStart {
    /// A name for the passkey ("Pixel 8"), shown in the list of passkeys.
    #[validate(length(min = 1, max = 100))]
    pub name: String,
}

/// The WebAuthn options to hand to the platform (Credential Manager, AuthenticationServices).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CeremonyOptions {
    pub ceremony_id: Uuid,
    /// `PublicKeyCredentialCreationOptions` or `…RequestOptions` as WebAuthn JSON, under
    /// the key `publicKey`.
    pub options: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRegisterFinish {
    pub ceremony_id: Uuid,
    /// The platform's `RegistrationResponseJSON`.
    pub credential: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyLoginStart {
    /// Absent for a discoverable ("usernameless") sign-in; present to sign in after typing
    /// the address.
    #[validate(length(min = 3, max = 254))]
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyLoginFinish {
    pub ceremony_id: Uuid,
    /// The platform's `AuthenticationResponseJSON`.
    pub credential: serde_json::Value,
    #[validate(length(max = 100))]
    #[serde(default)]
    pub device_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PasskeyInfo {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Whether the authenticator made a discoverable credential, when it said so.
    #[serde(default)]
    pub discoverable: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyRename {
    #[validate(length(min = 1, max = 100))]
    pub name: String,
}

// ---------------------------------------------------------------------------------------
// The caller

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RoleGrant {
    pub role: StaffRole,
    pub facility_id: Option<Uuid>,
    /// Province or commune code, for `authority`.
    pub admin_unit: Option<String>,
}

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

/// Hides all but the last three digits of an identification number.
pub fn mask_national_id(id: &str) -> String {
    let count = id.chars().count();
    id.chars()
        .enumerate()
        .map(|(i, c)| if i + 3 < count { '•' } else { c })
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AddDependentRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "001224000123"))]
    pub national_id: Sensitive<String>,
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
        let national_id = NationalId::parse(self.national_id.expose())
            .map_err(|e| issues.push(FieldIssue::of("national_id", &e)))
            .ok();
        let full_name = check_full_name(&self.full_name)
            .map_err(|e| issues.push(FieldIssue::of("full_name", &e)))
            .ok();
        let date_of_birth = check_date_of_birth(self.date_of_birth, today)
            .map_err(|e| issues.push(FieldIssue::of("date_of_birth", &e)))
            .ok();
        if let Some(dob) = date_of_birth
            && age_on(dob, today) >= ADULT_AGE
        {
            issues.push(FieldIssue::of("date_of_birth", &NotAMinor));
        }
        if let (Some(id), Some(dob)) = (&national_id, date_of_birth)
            && let Err(mismatch) = id.check_against(dob, self.sex)
        {
            issues.push(FieldIssue::of("national_id", &mismatch));
        }
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionInfo {
    pub id: Uuid,
    pub device_name: Option<String>,
    pub assurance: Assurance,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The session this list was requested with.
    pub current: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogoutRequest {
    /// End every session of the account, not only this one.
    #[serde(default)]
    pub everywhere: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

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
