use super::conflict::{DoseConflict, dose_conflict_message};
use crate::error::{CommonError, CoreError};
use healthbook_domain::{Lang, ProblemCode};

/// Why a vaccination call failed: a dose the schedule, the screening or the lot refuses
/// (`DoseRefused`, the same conflicts a sync reports), the session's own refusals, and the
/// rest in `Common` (`NotFound` for a session, dose or appointment this account may not see).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum VaccinationError {
    #[error(transparent)]
    Common { error: CommonError },
    #[error("the dose is refused")]
    DoseRefused { conflict: DoseConflict },
    /// Every place of the session is taken (`slot_full`).
    #[error("the session is full")]
    SessionFull,
    /// The facility cancelled the session (`session_cancelled`).
    #[error("the session is cancelled")]
    SessionCancelled,
    /// The session does not offer this vaccine (`vaccine_not_offered`).
    #[error("the session does not offer this vaccine")]
    VaccineNotOffered,
}

impl From<CoreError> for VaccinationError {
    fn from(error: CoreError) -> VaccinationError {
        if let CoreError::Problem(problem) = &error
            && let Some(conflict) = DoseConflict::from_problem(problem)
        {
            return VaccinationError::DoseRefused { conflict };
        }
        match error.problem() {
            Some(ProblemCode::SlotFull) => VaccinationError::SessionFull,
            Some(ProblemCode::SessionCancelled) => VaccinationError::SessionCancelled,
            Some(ProblemCode::VaccineNotOffered) => VaccinationError::VaccineNotOffered,
            _ => VaccinationError::Common {
                error: error.into(),
            },
        }
    }
}

#[uniffi::export]
impl VaccinationError {
    /// What to tell the person, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        let code = match self {
            VaccinationError::Common { error } => return error.user_message(lang),
            VaccinationError::DoseRefused { conflict } => {
                return dose_conflict_message(conflict.clone(), lang);
            }
            VaccinationError::SessionFull => ProblemCode::SlotFull,
            VaccinationError::SessionCancelled => ProblemCode::SessionCancelled,
            VaccinationError::VaccineNotOffered => ProblemCode::VaccineNotOffered,
        };
        code.message(lang).to_owned()
    }
}
