use crate::error::{Common, CoreError, FieldProblem};

/// Why a booking call failed. Each variant is a different thing for the screen to say; the
/// server's stable problem codes decide which.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum BookingError {
    #[error("the input is not valid")]
    InvalidInput { issues: Vec<FieldProblem> },
    #[error("no one is signed in")]
    NotSignedIn,
    /// No such facility, slot or appointment — or not one this account may see.
    #[error("not found")]
    NotFound,
    /// Every place of the slot is taken: pick another (`slot_full`).
    #[error("the slot is full")]
    SlotFull,
    /// The facility closed the slot (a holiday, a closure, leave) (`slot_closed`).
    #[error("the slot is closed")]
    SlotClosed,
    /// The slot has started (`slot_in_past`).
    #[error("the slot has already started")]
    SlotInPast,
    /// This person already holds a booking in this slot (`already_booked`).
    #[error("already booked in this slot")]
    AlreadyBooked,
    /// The cap on upcoming appointments per person is reached (`too_many_appointments`);
    /// `detail` names the cap.
    #[error("too many upcoming appointments")]
    TooManyAppointments { detail: String },
    /// The cancellation cut-off has passed (`cancellation_too_late`): call the facility.
    #[error("too late to cancel or reschedule")]
    CancellationTooLate,
    /// Cancelled, checked in or missed already (`appointment_not_active`).
    #[error("the appointment is no longer active")]
    NotActive,
    /// Another refusal of the request's content (`wrong_service`, `wrong_facility`,
    /// `same_slot`…) or state; `code` says which, `detail` in the client's language.
    #[error("refused: {code}")]
    Refused { code: String, detail: String },
    #[error("the account is locked")]
    AccountLocked,
    #[error("too many requests; try again later")]
    RateLimited { retry_after_seconds: Option<u64> },
    #[error("the server cannot be reached")]
    Offline,
    #[error("the service is temporarily unavailable")]
    Unavailable,
    #[error("local storage failed: {detail}")]
    Storage { detail: String },
    #[error("unexpected answer ({status} {code}): {detail}")]
    Unexpected {
        status: u16,
        code: String,
        detail: String,
    },
}

impl From<CoreError> for BookingError {
    fn from(error: CoreError) -> BookingError {
        if let CoreError::Problem(problem) = &error {
            let specific = match problem.code.as_str() {
                "slot_full" => Some(BookingError::SlotFull),
                "slot_closed" => Some(BookingError::SlotClosed),
                "slot_in_past" => Some(BookingError::SlotInPast),
                "already_booked" => Some(BookingError::AlreadyBooked),
                "too_many_appointments" => Some(BookingError::TooManyAppointments {
                    detail: problem.detail.clone(),
                }),
                "cancellation_too_late" => Some(BookingError::CancellationTooLate),
                "appointment_not_active" => Some(BookingError::NotActive),
                _ => None,
            };
            if let Some(specific) = specific {
                return specific;
            }
            match (problem.status, problem.code.as_str()) {
                (404, _) => return BookingError::NotFound,
                (422, "validation_failed") | (401, _) | (429, _) | (502..=504, _) => {}
                (_, "account_locked") => {}
                (403 | 409 | 422, code) => {
                    return BookingError::Refused {
                        code: code.to_owned(),
                        detail: problem.detail.clone(),
                    };
                }
                _ => {}
            }
        }
        match Common::of(error) {
            Common::Invalid(issues) => BookingError::InvalidInput { issues },
            Common::NotSignedIn => BookingError::NotSignedIn,
            Common::AccountLocked => BookingError::AccountLocked,
            Common::RateLimited(retry_after_seconds) => BookingError::RateLimited {
                retry_after_seconds,
            },
            Common::Offline => BookingError::Offline,
            Common::Unavailable => BookingError::Unavailable,
            Common::Storage(detail) => BookingError::Storage { detail },
            Common::Unexpected {
                status,
                code,
                detail,
            } => BookingError::Unexpected {
                status,
                code,
                detail,
            },
        }
    }
}

impl From<crate::store::StoreError> for BookingError {
    fn from(error: crate::store::StoreError) -> BookingError {
        BookingError::Storage {
            detail: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Problem;

    fn problem(status: u16, code: &str) -> CoreError {
        CoreError::Problem(Problem {
            status,
            code: code.to_owned(),
            detail: "why".to_owned(),
            errors: Vec::new(),
            retry_after_seconds: None,
        })
    }

    #[test]
    fn booking_codes_become_their_own_variants() {
        assert!(matches!(
            problem(409, "slot_full").into(),
            BookingError::SlotFull
        ));
        assert!(matches!(
            problem(409, "cancellation_too_late").into(),
            BookingError::CancellationTooLate
        ));
        assert!(matches!(
            problem(409, "too_many_appointments").into(),
            BookingError::TooManyAppointments { detail } if detail == "why"
        ));
        assert!(matches!(
            problem(422, "same_slot").into(),
            BookingError::Refused { code, .. } if code == "same_slot"
        ));
        assert!(matches!(
            problem(404, "slot_not_found").into(),
            BookingError::NotFound
        ));
        assert!(matches!(
            problem(503, "service_unavailable").into(),
            BookingError::Unavailable
        ));
        assert!(matches!(
            problem(401, "unauthenticated").into(),
            BookingError::NotSignedIn
        ));
    }
}
