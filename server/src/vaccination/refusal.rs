//! A dose the schedule refuses (`vaccine::due::check_dose`), as the client sees it: the one
//! mapping that registration and recording a dose share.

use crate::error::ApiError;
use healthbook_domain::vaccine::due::DoseRefusal;

impl From<DoseRefusal> for ApiError {
    /// A vaccine or product that does not exist is a field of the request that is wrong
    /// (422 naming `vaccine` or `product`); a dose the person may not have (yet) conflicts
    /// with their history (409). `dose_too_early` names the first day the dose may be given
    /// in the body's `earliest`.
    fn from(refusal: DoseRefusal) -> ApiError {
        let code = refusal.code();
        match refusal {
            DoseRefusal::UnknownVaccine => ApiError::field("vaccine", &code),
            DoseRefusal::UnknownProduct => ApiError::field("product", &code),
            DoseRefusal::TooEarly { earliest, .. } => {
                ApiError::conflict(code).with_earliest(earliest)
            }
            DoseRefusal::TooLate { .. }
            | DoseRefusal::LiveInPregnancy
            | DoseRefusal::Contraindicated { .. }
            | DoseRefusal::SeriesComplete
            | DoseRefusal::NotOffered { .. } => ApiError::conflict(code),
        }
    }
}
