use crate::error::{CommonError, CoreError};
use healthbook_domain::{Lang, ProblemCode};

/// Why a booking call failed: the refusals a booking screen acts on, and the rest in
/// `Common` (`NotFound` for a facility, slot or appointment this account may not see).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum BookingError {
    #[error(transparent)]
    Common { error: CommonError },
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
}

impl From<CoreError> for BookingError {
    fn from(error: CoreError) -> BookingError {
        match error.problem() {
            Some(ProblemCode::SlotFull) => BookingError::SlotFull,
            Some(ProblemCode::SlotClosed) => BookingError::SlotClosed,
            Some(ProblemCode::SlotInPast) => BookingError::SlotInPast,
            Some(ProblemCode::AlreadyBooked) => BookingError::AlreadyBooked,
            Some(ProblemCode::TooManyAppointments) => BookingError::TooManyAppointments {
                detail: error.detail(),
            },
            Some(ProblemCode::CancellationTooLate) => BookingError::CancellationTooLate,
            Some(ProblemCode::AppointmentNotActive) => BookingError::NotActive,
            _ => BookingError::Common {
                error: error.into(),
            },
        }
    }
}

#[uniffi::export]
impl BookingError {
    /// What to tell the person, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        let code = match self {
            BookingError::Common { error } => return error.user_message(lang),
            BookingError::TooManyAppointments { detail } if !detail.trim().is_empty() => {
                return detail.clone();
            }
            BookingError::SlotFull => ProblemCode::SlotFull,
            BookingError::SlotClosed => ProblemCode::SlotClosed,
            BookingError::SlotInPast => ProblemCode::SlotInPast,
            BookingError::AlreadyBooked => ProblemCode::AlreadyBooked,
            BookingError::TooManyAppointments { .. } => ProblemCode::TooManyAppointments,
            BookingError::CancellationTooLate => ProblemCode::CancellationTooLate,
            BookingError::NotActive => ProblemCode::AppointmentNotActive,
        };
        code.message(lang).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::tests::problem;

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
    }

    #[test]
    fn the_rest_is_the_shared_vocabulary() {
        let common = |status, code| match BookingError::from(problem(status, code)) {
            BookingError::Common { error } => error,
            other => panic!("{other:?}"),
        };
        assert!(matches!(
            common(422, "same_slot"),
            CommonError::Refused { code, .. } if code == "same_slot"
        ));
        assert_eq!(common(404, "slot_not_found"), CommonError::NotFound);
        assert_eq!(common(503, "service_unavailable"), CommonError::Unavailable);
        assert_eq!(common(401, "unauthenticated"), CommonError::NotSignedIn);
    }

    #[test]
    fn the_cap_is_named_when_the_server_named_it() {
        let capped = BookingError::TooManyAppointments {
            detail: "Mỗi người được giữ tối đa 5 lịch hẹn sắp tới.".into(),
        };
        assert_eq!(
            capped.user_message(Lang::Vi),
            "Mỗi người được giữ tối đa 5 lịch hẹn sắp tới."
        );
        assert_eq!(
            BookingError::SlotFull.user_message(Lang::En),
            ProblemCode::SlotFull.message(Lang::En)
        );
    }
}
