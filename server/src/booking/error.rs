//! What can go wrong in booking, and how each case reads to a client.

use crate::error::{ApiError, FieldError, Text};
use axum::http::StatusCode;
use healthbook_domain::Lang;
use healthbook_domain::booking::{Issue, Refusal, TimeRule};
use healthbook_domain::problem::{ProblemCode, too_many_appointments_message};
use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error("invalid request")]
    Invalid(Vec<Issue>),
    #[error("no such slot")]
    SlotNotFound,
    #[error("the slot is full")]
    SlotFull,
    #[error("the slot is closed")]
    SlotClosed,
    #[error("the slot has a free place")]
    SlotNotFull,
    #[error("the slot is of another service")]
    WrongService,
    #[error("the slot is at another facility")]
    WrongFacility,
    #[error("the new slot is the current one")]
    SameSlot,
    #[error("the citizen already holds a booking in this slot")]
    AlreadyBooked,
    #[error("the citizen holds the maximum number of future appointments")]
    TooManyAppointments { limit: u32 },
    #[error("the appointment is no longer active")]
    NotActive,
    #[error("{0}")]
    Time(TimeRule),
    #[error("the schedule clashes with another schedule of the same room or practitioner")]
    ScheduleConflict,
    #[error("the facility does not offer this service")]
    ServiceNotOffered,
    #[error("no such practitioner at this facility")]
    UnknownPractitioner,
    #[error("no such room at this facility")]
    UnknownRoom,
    #[error("no such schedule at this facility")]
    UnknownSchedule,
    #[error("the facility code is taken")]
    FacilityCodeTaken,
    #[error("the licence number is taken")]
    LicenceTaken,
    #[error("the account signs in as another practitioner")]
    PractitionerAccountTaken,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<TimeRule> for BookingError {
    fn from(rule: TimeRule) -> BookingError {
        BookingError::Time(rule)
    }
}

impl From<Refusal> for BookingError {
    fn from(refusal: Refusal) -> BookingError {
        match refusal {
            Refusal::SlotNotFound => BookingError::SlotNotFound,
            Refusal::WrongService => BookingError::WrongService,
            Refusal::SlotClosed => BookingError::SlotClosed,
            Refusal::SlotInPast => BookingError::Time(TimeRule::SlotInPast),
            Refusal::SlotFull => BookingError::SlotFull,
            Refusal::AlreadyBooked => BookingError::AlreadyBooked,
            Refusal::TooManyAppointments { limit } => BookingError::TooManyAppointments { limit },
        }
    }
}

impl From<Vec<Issue>> for BookingError {
    fn from(issues: Vec<Issue>) -> BookingError {
        BookingError::Invalid(issues)
    }
}

/// A unique violation on `appointments.active_key` is a second booking of the same slot by
/// the same citizen that raced past the check; other database errors stay what they are.
pub fn on_unique(error: DbErr, constraint_hint: &str, instead: BookingError) -> BookingError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) if message.contains(constraint_hint) => {
            instead
        }
        _ => BookingError::Db(error),
    }
}

fn fields(issues: Vec<Issue>) -> Vec<FieldError> {
    FieldError::all(issues)
}

fn invalid_request(issues: Vec<Issue>) -> ApiError {
    // Overlapping sessions get their own top-level code: apps tell them apart.
    if issues.iter().any(|i| i.code == "schedule_overlap") {
        return ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ScheduleOverlap,
        )
        .with_fields(fields(issues));
    }
    ApiError::validation(fields(issues))
}

impl From<BookingError> for ApiError {
    fn from(error: BookingError) -> ApiError {
        use BookingError::*;
        let conflict = StatusCode::CONFLICT;
        let invalid = StatusCode::UNPROCESSABLE_ENTITY;
        let error = match error {
            Db(db) => return db.into(),
            Invalid(issues) => return invalid_request(issues),
            other => other,
        };
        let (status, code, text) = match &error {
            SlotNotFound => (StatusCode::NOT_FOUND, ProblemCode::SlotNotFound, None),
            SlotFull => (conflict, ProblemCode::SlotFull, None),
            SlotClosed => (conflict, ProblemCode::SlotClosed, None),
            SlotNotFull => (conflict, ProblemCode::SlotNotFull, None),
            WrongService => (invalid, ProblemCode::WrongService, None),
            WrongFacility => (invalid, ProblemCode::WrongFacility, None),
            SameSlot => (invalid, ProblemCode::SameSlot, None),
            AlreadyBooked => (conflict, ProblemCode::AlreadyBooked, None),
            TooManyAppointments { limit } => (
                conflict,
                ProblemCode::TooManyAppointments,
                Some(Text::new(
                    too_many_appointments_message(*limit, Lang::Vi),
                    too_many_appointments_message(*limit, Lang::En),
                )),
            ),
            NotActive => (conflict, ProblemCode::AppointmentNotActive, None),
            Time(rule) => (conflict, rule.problem(), None),
            ScheduleConflict => (conflict, ProblemCode::ScheduleConflict, None),
            ServiceNotOffered => (invalid, ProblemCode::ServiceNotOffered, None),
            UnknownPractitioner => (invalid, ProblemCode::UnknownPractitioner, None),
            UnknownRoom => (invalid, ProblemCode::UnknownRoom, None),
            UnknownSchedule => (invalid, ProblemCode::UnknownSchedule, None),
            FacilityCodeTaken => (conflict, ProblemCode::FacilityCodeTaken, None),
            LicenceTaken => (conflict, ProblemCode::LicenceNumberTaken, None),
            PractitionerAccountTaken => (conflict, ProblemCode::PractitionerAccountTaken, None),
            Db(_) | Invalid(_) => return ApiError::internal(error),
        };
        match text {
            Some(text) => ApiError::with_detail(status, code, text),
            None => ApiError::new(status, code),
        }
    }
}
