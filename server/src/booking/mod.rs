//! Booking: facilities, practitioners, schedules, slots, appointments.
//!
//! One engine for every service a citizen books (examination, vaccination,
//! teleconsultation): a schedule names its service, its slots carry it, and a booking must
//! name the same service. Capacity, "one active booking per citizen and slot" and queue
//! numbers are enforced by the database inside one transaction per use case (see `book.rs`).

pub(crate) mod appointments;
mod attendance;
mod availability;
pub(crate) mod book;
mod book_slot;
pub(crate) mod cancel;
mod closures;
pub mod confirmations;
mod day_list;
pub mod demo;
pub mod entities;
pub mod error;
mod facilities;
mod facility_admin;
pub mod holds;
pub(crate) mod mails;
mod places;
mod practitioner_account;
mod practitioners;
mod queues;
pub mod reminders;
mod reschedule;
pub(crate) mod schedules;
pub mod settings;
pub mod slots;
mod waitlist;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use appointments::organizer_of;
pub use book::{BookingPath, book_along};
pub use facilities::facility_views;
pub use places::{NewBooking, Parties, active_key};

/// Pages served outside the API: the waiting hall's queue screen.
pub fn display_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(queues::display))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(facilities::list_facilities))
        .routes(routes!(facilities::get_facility))
        .routes(routes!(practitioners::list_facility_practitioners))
        .routes(routes!(slots::list_slots))
        .routes(routes!(availability::availability))
        .routes(routes!(
            schedules::create_schedule,
            schedules::list_schedules
        ))
        .routes(routes!(schedules::retire_schedule))
        .routes(routes!(closures::create_closure, closures::list_closures))
        .routes(routes!(day_list::day_list))
        .routes(routes!(
            book::book_appointment,
            appointments::list_appointments
        ))
        .routes(routes!(appointments::get_appointment))
        .routes(routes!(holds::hold_slot))
        .routes(routes!(holds::get_hold, holds::release_hold))
        .routes(routes!(queues::call_queue))
        .routes(routes!(queues::get_queue))
        .routes(routes!(queues::appointment_queue))
        .routes(routes!(waitlist::join_waitlist))
        .routes(routes!(waitlist::list_waitlist))
        .routes(routes!(waitlist::leave_waitlist))
        .routes(routes!(appointments::appointment_qr))
        .routes(routes!(cancel::cancel_appointment))
        .routes(routes!(reschedule::reschedule_appointment))
        .routes(routes!(attendance::check_in))
        .routes(routes!(attendance::no_show))
        .routes(routes!(facility_admin::create_facility))
        .routes(routes!(
            facility_admin::get_facility_admin,
            facility_admin::update_facility
        ))
        .routes(routes!(
            practitioners::create_practitioner,
            practitioners::list_practitioners
        ))
        .routes(routes!(practitioners::update_practitioner))
        .routes(routes!(
            practitioner_account::link_account,
            practitioner_account::unlink_account
        ))
        .routes(routes!(settings::get_settings, settings::put_settings))
}
