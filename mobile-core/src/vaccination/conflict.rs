//! Why a dose was not recorded, in the few kinds a vaccinator's screen acts on: mapped once,
//! here, from the server's problem codes (a dose refused online or on a later sync) and from
//! the domain's own refusals (the early warning worked out offline), so that the apps only
//! show them.

use crate::error::Problem;
use chrono::NaiveDate;
use healthbook_domain::vaccine::due::DoseRefusal;
use healthbook_domain::vaccine::stock::LotRefusal;
use healthbook_domain::{Lang, ProblemCode};

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DoseConflict {
    /// The facility holds no dose of the lot any more (`lot_exhausted`): pick another lot.
    LotExhausted,
    /// The lot is past its expiry date (`lot_expired`).
    LotExpired,
    /// The lot is held pending review (`lot_quarantined`), e.g. after a cluster of reactions.
    LotQuarantined,
    /// The vial monitor reached its discard point (`lot_past_vvm_discard_point`).
    LotPastVvmDiscardPoint,
    /// Not a lot of this facility, or a lot of another vaccine (`lot_not_found`,
    /// `lot_other_vaccine`).
    WrongLot { code: String },
    /// The person already has this dose today (`duplicate_dose`).
    DuplicateDose,
    /// Too early in the schedule; `earliest` is the first day it may be given, when known.
    TooEarly { earliest: Option<NaiveDate> },
    /// The person is not due for this dose (`series_complete`, `dose_too_late`,
    /// `not_offered_in_province`, `dose_number_mismatch`); `code` says which.
    NotDue { code: String },
    /// The dose must not be given (`dose_contraindicated`, `live_vaccine_in_pregnancy`,
    /// `screening_contraindicates`).
    Contraindicated { code: String },
    /// The screening asks to wait or to refer the person to a hospital
    /// (`screening_postpones`, `screening_refers`).
    ScreeningDefers { code: String },
    /// Any other refusal, with the server's code and words.
    Other { code: String, detail: String },
}

impl DoseConflict {
    /// The conflict a server refusal of a dose means, when it is one of a dose's own.
    pub(crate) fn from_problem(problem: &Problem) -> Option<DoseConflict> {
        let code = problem.known()?;
        Some(match code {
            ProblemCode::LotExhausted => DoseConflict::LotExhausted,
            ProblemCode::LotExpired => DoseConflict::LotExpired,
            ProblemCode::LotQuarantined => DoseConflict::LotQuarantined,
            ProblemCode::LotPastVvmDiscardPoint => DoseConflict::LotPastVvmDiscardPoint,
            ProblemCode::LotNotFound | ProblemCode::LotOtherVaccine => DoseConflict::WrongLot {
                code: problem.code.clone(),
            },
            ProblemCode::DuplicateDose => DoseConflict::DuplicateDose,
            ProblemCode::DoseTooEarly => DoseConflict::TooEarly {
                earliest: problem.earliest,
            },
            ProblemCode::SeriesComplete
            | ProblemCode::DoseTooLate
            | ProblemCode::NotOfferedInProvince
            | ProblemCode::DoseNumberMismatch => DoseConflict::NotDue {
                code: problem.code.clone(),
            },
            ProblemCode::DoseContraindicated
            | ProblemCode::LiveVaccineInPregnancy
            | ProblemCode::ScreeningContraindicates => DoseConflict::Contraindicated {
                code: problem.code.clone(),
            },
            ProblemCode::ScreeningPostpones | ProblemCode::ScreeningRefers => {
                DoseConflict::ScreeningDefers {
                    code: problem.code.clone(),
                }
            }
            _ => return None,
        })
    }

    /// The same vocabulary for what the domain's schedule check refuses on the phone.
    pub(crate) fn from_refusal(refusal: &DoseRefusal) -> DoseConflict {
        let code = refusal.code().as_str().to_owned();
        match refusal {
            DoseRefusal::TooEarly { earliest, .. } => DoseConflict::TooEarly {
                earliest: Some(*earliest),
            },
            DoseRefusal::TooLate { .. }
            | DoseRefusal::SeriesComplete
            | DoseRefusal::NotOffered { .. } => DoseConflict::NotDue { code },
            DoseRefusal::Contraindicated { .. } | DoseRefusal::LiveInPregnancy => {
                DoseConflict::Contraindicated { code }
            }
            DoseRefusal::UnknownVaccine | DoseRefusal::UnknownProduct => DoseConflict::Other {
                code,
                detail: String::new(),
            },
        }
    }

    /// And for a lot the domain's stock rule refuses on the day.
    pub(crate) fn from_lot(refusal: LotRefusal) -> DoseConflict {
        match refusal {
            LotRefusal::Quarantined => DoseConflict::LotQuarantined,
            LotRefusal::Expired => DoseConflict::LotExpired,
            LotRefusal::PastVvmDiscardPoint => DoseConflict::LotPastVvmDiscardPoint,
        }
    }

    /// The problem code the conflict stands for.
    pub fn code(&self) -> String {
        let known = match self {
            DoseConflict::LotExhausted => ProblemCode::LotExhausted,
            DoseConflict::LotExpired => ProblemCode::LotExpired,
            DoseConflict::LotQuarantined => ProblemCode::LotQuarantined,
            DoseConflict::LotPastVvmDiscardPoint => ProblemCode::LotPastVvmDiscardPoint,
            DoseConflict::DuplicateDose => ProblemCode::DuplicateDose,
            DoseConflict::TooEarly { .. } => ProblemCode::DoseTooEarly,
            DoseConflict::WrongLot { code }
            | DoseConflict::NotDue { code }
            | DoseConflict::Contraindicated { code }
            | DoseConflict::ScreeningDefers { code }
            | DoseConflict::Other { code, .. } => return code.clone(),
        };
        known.as_str().to_owned()
    }
}

/// What to tell the vaccinator, in their language: the problem code's sentence, the server's
/// own words for a code this build does not know.
#[uniffi::export]
pub fn dose_conflict_message(conflict: DoseConflict, lang: Lang) -> String {
    if let DoseConflict::Other { code, detail } = &conflict
        && ProblemCode::parse(code).is_none()
    {
        return detail.clone();
    }
    match ProblemCode::parse(&conflict.code()) {
        Some(code) => code.message(lang).to_owned(),
        None => conflict.code(),
    }
}
