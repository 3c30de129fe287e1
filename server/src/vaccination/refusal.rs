//! A dose the schedule refuses (`vaccine::due::check_dose`), as the client sees it.

use crate::error::ApiError;
use axum::http::StatusCode;
use healthbook_domain::vaccine::due::DoseRefusal;

impl From<DoseRefusal> for ApiError {
    /// A vaccine or product that does not exist is bad input (422); a dose the person may
    /// not have (yet) conflicts with their history (409). `dose_too_early` names the first
    /// day the dose may be given in the body's `earliest`.
    fn from(refusal: DoseRefusal) -> ApiError {
        let code = refusal.code();
        match refusal {
            DoseRefusal::UnknownVaccine | DoseRefusal::UnknownProduct => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code)
            }
            DoseRefusal::TooEarly { earliest, .. } => {
                ApiError::conflict(code).with_earliest(earliest)
            }
            DoseRefusal::Contraindicated { .. }
            | DoseRefusal::SeriesComplete
            | DoseRefusal::NotOffered { .. } => ApiError::conflict(code),
        }
    }
}
