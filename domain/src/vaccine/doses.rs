//! What the apps send and receive when a dose is given, corrected, reacted to or commented
//! on: the shapes the server answers and the mobile core queues offline.

use super::Programme;
use super::aefi::{ReactionOutcome, ReactionSeverity, SeriousFlags};
use super::due::Antigen;
use super::screening::{ScreeningAnswers, ScreeningResult};
use crate::problem::ProblemCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A dose about to be given. The person is named by their id or by the appointment's code
/// (the appointment QR), one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AdministerRequest {
    #[serde(default)]
    pub citizen_id: Option<Uuid>,
    #[serde(default)]
    pub appointment_code: Option<String>,
    /// The catalogue code (`penta`, `hepa`).
    pub vaccine: String,
    /// The trade name, for a paid vaccine (`Twinrix`).
    #[serde(default)]
    pub product: Option<String>,
    pub lot_id: Uuid,
    /// When given, must be the number the schedule counts.
    #[serde(default)]
    pub dose_number: Option<u32>,
    #[validate(length(min = 1, max = 32))]
    pub site: String,
    #[validate(length(min = 1, max = 32))]
    pub route: String,
    pub programme: Programme,
    pub screening: ScreeningAnswers,
    /// The day the dose was given (Việt Nam's date), when it is recorded later: a phone at
    /// an outreach site with no network sends it when it syncs. Today when absent; at most
    /// `LATE_RECORDING_DAYS` back, never ahead.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub given_on: Option<NaiveDate>,
}

/// How many days back a dose may be recorded: a week covers an outreach round in the hills
/// without network and its return to the station; older doses are history, entered as such
/// (imported or self-declared), not as given by this vaccinator.
pub const LATE_RECORDING_DAYS: u64 = 7;

impl AdministerRequest {
    /// The day the dose was given, or why that day cannot be recorded.
    pub fn given_day(&self, today: NaiveDate) -> Result<NaiveDate, ProblemCode> {
        let Some(day) = self.given_on else {
            return Ok(today);
        };
        let oldest = today - chrono::Days::new(LATE_RECORDING_DAYS);
        if day > today || day < oldest {
            Err(ProblemCode::DoseDayOutOfRange)
        } else {
            Ok(day)
        }
    }
}

/// The next dose of the series, proposed at the first day it may be given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NextDose {
    pub vaccine: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    pub dose_number: u32,
    pub earliest: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommended: Option<NaiveDate>,
    pub antigens: Vec<Antigen>,
}

/// A dose as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Dose {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub facility_id: Uuid,
    /// The dose's entry in section III of the citizen's book.
    pub book_entry_id: Uuid,
    pub vaccine: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    pub lot_id: Uuid,
    pub dose_number: u32,
    pub given_on: NaiveDate,
    pub programme: Programme,
    pub site: String,
    pub route: String,
    pub screening: ScreeningResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_id: Option<Uuid>,
    /// `recorded`, `corrected` or `entered_in_error`.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// The answer to a dose given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Administered {
    pub dose: Dose,
    /// None when the series is complete (or the vaccine is not a series).
    pub next: Option<NextDose>,
}

/// A correction of a dose: the fields that change, the version of the book entry it
/// corrects, and why. The dose stays; its book entry gets a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoseCorrection {
    pub base_version: u32,
    #[serde(default)]
    #[validate(length(min = 1, max = 32))]
    pub site: Option<String>,
    #[serde(default)]
    #[validate(length(min = 1, max = 32))]
    pub route: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub reason: String,
}

/// A dose withdrawn as recorded by mistake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoseEnteredInError {
    pub base_version: u32,
    pub reason: String,
}

/// A reaction after a dose, as its reporter tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReactionReport {
    pub onset_on: NaiveDate,
    /// Codes of the AEFI list (`GET /v1/vaccines/reactions/symptoms`).
    #[validate(length(min = 1, max = 16))]
    pub symptoms: Vec<String>,
    pub severity: ReactionSeverity,
    #[serde(default)]
    pub serious: SeriousFlags,
    #[serde(default)]
    #[validate(length(max = 2000))]
    pub note: Option<String>,
}

/// A reaction as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Reaction {
    pub id: Uuid,
    pub immunization_id: Uuid,
    pub citizen_id: Uuid,
    pub facility_id: Uuid,
    pub lot_id: Uuid,
    /// `citizen`, `guardian` or the staff role of the reporter.
    pub reporter_role: String,
    pub onset_on: NaiveDate,
    pub symptoms: Vec<String>,
    pub severity: ReactionSeverity,
    pub flags: SeriousFlags,
    /// Serious in WHO's sense: the facility and the province are alerted at once.
    pub serious: bool,
    /// `open` while it is followed up.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// Reactions to one lot at a facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LotReactions {
    pub lot_id: Uuid,
    pub reactions: u32,
    pub serious: u32,
    /// A cluster of serious reactions (`aefi::is_cluster`): the lot is held pending review.
    pub cluster: bool,
}

/// Feedback on a vaccination session or a facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackRequest {
    #[serde(default)]
    pub session_id: Option<Uuid>,
    #[serde(default)]
    pub appointment_id: Option<Uuid>,
    #[validate(range(min = 1, max = 5))]
    pub rating: u8,
    #[validate(length(min = 1, max = 2000))]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Feedback {
    pub id: Uuid,
    pub facility_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_id: Option<Uuid>,
    pub citizen_id: Uuid,
    pub rating: u8,
    pub text: String,
    pub created_at: DateTime<Utc>,
    /// The facility's answer, once it has given one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<DateTime<Utc>>,
}

/// A facility's answer to a citizen's feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackAnswer {
    #[validate(length(min = 1, max = 2000))]
    pub text: String,
}

/// The end of a reaction's follow-up: how it ended, and what the investigation found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloseFollowUp {
    pub outcome: ReactionOutcome,
    /// At least 10 characters, at most 500 (a reason's bounds in the book).
    #[validate(length(min = 10, max = 500))]
    pub note: String,
}

/// A reaction on a facility's follow-up list: the event, not the person. Who it happened to
/// is read in their book, under the book's own access rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReactionFollowUp {
    pub id: Uuid,
    pub immunization_id: Uuid,
    pub lot_id: Uuid,
    pub onset_on: NaiveDate,
    pub symptoms: Vec<String>,
    pub severity: ReactionSeverity,
    pub flags: SeriousFlags,
    pub serious: bool,
    /// `open` while it is followed up, then `closed`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<ReactionOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded_on(given_on: Option<NaiveDate>) -> AdministerRequest {
        AdministerRequest {
            citizen_id: Some(Uuid::nil()),
            appointment_code: None,
            vaccine: "penta".to_owned(),
            product: None,
            lot_id: Uuid::nil(),
            dose_number: None,
            site: "left_thigh".to_owned(),
            route: "im".to_owned(),
            programme: Programme::Expanded,
            screening: ScreeningAnswers {
                group: super::super::screening::ScreeningGroup::Child,
                temperature_tenths: 368,
                answers: Vec::new(),
            },
            given_on,
        }
    }

    #[test]
    fn a_dose_is_given_today_or_up_to_a_week_back_never_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let days_back = |n: u64| today - chrono::Days::new(n);
        assert_eq!(recorded_on(None).given_day(today), Ok(today));
        assert_eq!(
            recorded_on(Some(days_back(7))).given_day(today),
            Ok(days_back(7))
        );
        assert_eq!(
            recorded_on(Some(days_back(8))).given_day(today),
            Err(ProblemCode::DoseDayOutOfRange)
        );
        assert_eq!(
            recorded_on(Some(today + chrono::Days::new(1))).given_day(today),
            Err(ProblemCode::DoseDayOutOfRange)
        );
    }
}
