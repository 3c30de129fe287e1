//! Booking: weekly schedules and the slots they produce, public holidays (Tết by the lunar
//! calendar), the time rules of an appointment, why a booking is refused, appointment codes,
//! calendar files, and the request and response shapes of the booking API.
//!
//! Every service a citizen books (examination, vaccination, teleconsultation) uses the same
//! schedules, slots and appointments; the service is an attribute of the schedule.

pub mod admin_api;
pub mod api;
pub mod availability;
pub mod code;
pub mod holidays;
pub mod ics;
pub mod lunar;
pub mod queue;
pub mod refusal;
pub mod rules;
pub mod schedule;
pub mod slot_query;
pub mod time;

/// The one field-issue type under the name the booking checks used first.
pub use crate::issue::FieldIssue as Issue;
pub use admin_api::{
    CreateFacilityRequest, CreatePractitionerRequest, FacilityAdminView,
    LinkPractitionerAccountRequest, Practitioner, Room, UpdateFacilityRequest,
    UpdatePractitionerRequest,
};
pub use api::{
    Appointment, AppointmentStatus, BookAppointmentRequest, BookingSettings,
    CancelAppointmentRequest, CancelledBy, Closure, ClosureKind, CreateClosureRequest,
    CreateScheduleRequest, HoldSlotRequest, HoldState, JoinWaitlistRequest,
    RescheduleAppointmentRequest, Schedule, SessionTimes, Slot, SlotHold, SlotStatus,
    WaitlistEntry, WaitlistState,
};
pub use availability::{
    Availability, AvailabilityQuery, DayAvailability, FacilityAvailability, FreeSlot,
    MAX_AVAILABILITY_DAYS,
};
pub use code::AppointmentCode;
pub use holidays::{Holiday, HolidayCalendar};
pub use queue::{QueuePosition, QueueStage, QueueState};
pub use refusal::{BookingAttempt, BookingSnapshot, Refusal, SlotSnapshot, refusal, slot_refusal};
pub use rules::{Policy, TimeRule};
pub use schedule::{DayOfWeek, SlotTime, WeeklyTemplate, generate_slots};
pub use slot_query::SlotQuery;
