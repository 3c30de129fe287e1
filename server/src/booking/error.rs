//! What can go wrong in booking, and how each case reads to a client.

use crate::error::{ApiError, FieldError, Text};
use axum::http::StatusCode;
use healthbook_domain::Localized;
use healthbook_domain::booking::{Issue, Refusal, TimeRule};
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
    issues
        .into_iter()
        .map(|issue| {
            FieldError::new(
                issue.field,
                issue.code,
                Text::new(issue.message_vi, issue.message_en),
            )
        })
        .collect()
}

fn invalid_request(issues: Vec<Issue>) -> ApiError {
    // Overlapping sessions get their own top-level code: apps tell them apart.
    if issues.iter().any(|i| i.code == "schedule_overlap") {
        return ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "schedule_overlap",
            Text::new(
                "Các buổi trong lịch bị trùng giờ nhau.",
                "Sessions of the schedule overlap.",
            ),
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
            SlotNotFound => (
                StatusCode::NOT_FOUND,
                "slot_not_found",
                Text::new("Không tìm thấy khung giờ này.", "There is no such slot."),
            ),
            SlotFull => (
                conflict,
                "slot_full",
                Text::new(
                    "Khung giờ này đã hết chỗ. Hãy chọn khung giờ khác.",
                    "This slot is full. Please choose another one.",
                ),
            ),
            SlotClosed => (
                conflict,
                "slot_closed",
                Text::new(
                    "Khung giờ này đã đóng (ngày nghỉ hoặc cơ sở tạm ngừng).",
                    "This slot is closed (a holiday or a closure).",
                ),
            ),
            WrongService => (
                invalid,
                "wrong_service",
                Text::new(
                    "Khung giờ này thuộc dịch vụ khác.",
                    "This slot is for another service.",
                ),
            ),
            WrongFacility => (
                invalid,
                "wrong_facility",
                Text::new(
                    "Chỉ đổi lịch sang khung giờ cùng cơ sở.",
                    "An appointment can only move to a slot of the same facility.",
                ),
            ),
            SameSlot => (
                invalid,
                "same_slot",
                Text::new(
                    "Lịch hẹn đã ở khung giờ này.",
                    "The appointment is already in this slot.",
                ),
            ),
            AlreadyBooked => (
                conflict,
                "already_booked",
                Text::new(
                    "Người này đã đặt khung giờ này rồi.",
                    "This person already holds a booking in this slot.",
                ),
            ),
            TooManyAppointments { limit } => (
                conflict,
                "too_many_appointments",
                Text::new(
                    format!("Mỗi người được giữ tối đa {limit} lịch hẹn sắp tới."),
                    format!("A person may hold at most {limit} upcoming appointments."),
                ),
            ),
            NotActive => (
                conflict,
                "appointment_not_active",
                Text::new(
                    "Lịch hẹn này không còn hiệu lực (đã hủy, đã tiếp đón hoặc vắng mặt).",
                    "This appointment is no longer active (cancelled, checked in or missed).",
                ),
            ),
            Time(rule) => (conflict, rule.code(), Text::of(rule)),
            ScheduleConflict => (
                conflict,
                "schedule_conflict",
                Text::new(
                    "Lịch trùng giờ với một lịch khác của cùng phòng hoặc cùng người hành nghề.",
                    "The schedule overlaps another schedule of the same room or practitioner.",
                ),
            ),
            ServiceNotOffered => (
                invalid,
                "service_not_offered",
                Text::new(
                    "Cơ sở không cung cấp dịch vụ này.",
                    "The facility does not offer this service.",
                ),
            ),
            UnknownPractitioner => (
                invalid,
                "unknown_practitioner",
                Text::new(
                    "Người hành nghề không làm việc tại cơ sở này.",
                    "The practitioner does not work at this facility.",
                ),
            ),
            UnknownRoom => (
                invalid,
                "unknown_room",
                Text::new(
                    "Cơ sở không có phòng này.",
                    "The facility has no such room.",
                ),
            ),
            UnknownSchedule => (
                invalid,
                "unknown_schedule",
                Text::new(
                    "Cơ sở không có lịch này.",
                    "The facility has no such schedule.",
                ),
            ),
            FacilityCodeTaken => (
                conflict,
                "facility_code_taken",
                Text::new(
                    "Mã cơ sở này đã được dùng.",
                    "This facility code is already in use.",
                ),
            ),
            LicenceTaken => (
                conflict,
                "licence_number_taken",
                Text::new(
                    "Số chứng chỉ hành nghề này đã có.",
                    "This licence number is already registered.",
                ),
            ),
            Db(_) | Invalid(_) => return ApiError::internal(error),
        };
        ApiError::new(status, code, text)
    }
}
