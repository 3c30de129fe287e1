//! Why a booking is refused: each reason once, and the one order in which they are checked.
//!
//! A booking decides twice on what it has read. Before any lock it reads the slot and whether
//! the citizen already holds a place in it, and refuses what it can without writing; after
//! taking the citizen's lock it counts the citizen's appointments to come and decides again,
//! now with the checks that need that count. [`refusal`] is that decision both times. The
//! server's step-by-step path (`server/src/booking/book.rs`) calls it; PostgreSQL's `book_slot`
//! function (migration 6) cannot call Rust and runs the same checks in the same order in
//! PL/pgSQL, one round trip, and a test runs both paths over one table of cases
//! (`tests/tests/booking.rs`) so that the two stay in step. The reason codes are the ones
//! `book_slot` returns and the API answers.
//!
//! The order, first match wins:
//! 1. `slot_not_found`: there is no such slot;
//! 2. `wrong_service`: the slot is of another service than the request names;
//! 3. `slot_closed`: the slot is not open (a closure, a retired schedule);
//! 4. `slot_in_past`: the slot has started;
//! 5. the slot is full: `already_booked` when the citizen holds one of its places, no refusal
//!    when one of its places is on hold for the citizen (the booking takes that place),
//!    otherwise `slot_full`;
//!
//! and once the citizen's lock is held (the count is known):
//! 6. `already_booked`: the citizen holds a place in this slot;
//! 7. `too_many_appointments`: the citizen holds the most appointments to come the policy
//!    allows.
//!
//! A place on hold counts as taken, for the slot's capacity and for the holder's cap, until it
//! is booked, given back or has lapsed: a slot's `booked` is then read less its lapsed holds,
//! whose places the next booking takes over.
//!
//! Passing every check is not a place: the conditional update that takes one is the database's
//! decision, and when it finds none the slot is read again and checks 3–5 say why.

use super::SlotStatus;
use super::rules::check_bookable;
use crate::facility::ServiceType;
use chrono::{DateTime, Utc};

/// Why a booking was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    SlotNotFound,
    WrongService,
    SlotClosed,
    SlotInPast,
    SlotFull,
    AlreadyBooked,
    /// The citizen holds `limit` appointments to come, the policy's cap.
    TooManyAppointments {
        limit: u32,
    },
}

impl Refusal {
    /// The reason's code: what `book_slot` returns and the problem's `code`.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::SlotNotFound => "slot_not_found",
            Refusal::WrongService => "wrong_service",
            Refusal::SlotClosed => "slot_closed",
            Refusal::SlotInPast => "slot_in_past",
            Refusal::SlotFull => "slot_full",
            Refusal::AlreadyBooked => "already_booked",
            Refusal::TooManyAppointments { .. } => "too_many_appointments",
        }
    }

    /// The refusal a code names, for `attempt` (whose cap a `too_many_appointments` is).
    pub fn from_code(code: &str, attempt: &BookingAttempt) -> Option<Refusal> {
        Some(match code {
            "slot_not_found" => Refusal::SlotNotFound,
            "wrong_service" => Refusal::WrongService,
            "slot_closed" => Refusal::SlotClosed,
            "slot_in_past" => Refusal::SlotInPast,
            "slot_full" => Refusal::SlotFull,
            "already_booked" => Refusal::AlreadyBooked,
            "too_many_appointments" => Refusal::TooManyAppointments {
                limit: attempt.max_future_appointments,
            },
            _ => return None,
        })
    }
}

/// A slot as a booking reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotSnapshot {
    /// `None` for a stored service this version does not know: no request names it.
    pub service: Option<ServiceType>,
    pub status: SlotStatus,
    pub starts_at: DateTime<Utc>,
    pub capacity: i32,
    pub booked: i32,
}

impl SlotSnapshot {
    /// A slot as stored: a status other than `open` reads as closed and a service this
    /// version does not know as none, as `book_slot` compares them.
    pub fn stored(
        service: &str,
        status: &str,
        starts_at: DateTime<Utc>,
        capacity: i32,
        booked: i32,
    ) -> SlotSnapshot {
        SlotSnapshot {
            service: ServiceType::parse(service),
            status: SlotStatus::parse(status).unwrap_or(SlotStatus::Closed),
            starts_at,
            capacity,
            booked,
        }
    }
}

/// What a booking knows when it decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingSnapshot {
    /// The slot as read; `None` when there is no such slot.
    pub slot: Option<SlotSnapshot>,
    /// Whether the citizen holds an active booking of this slot.
    pub holds_place: bool,
    /// Whether one of the slot's places is on hold for the citizen (and not lapsed): the
    /// booking takes it, so a slot full with it is not full for them.
    pub holding: bool,
    /// The citizen's booked appointments still to come and their places on hold in other
    /// slots, counted under the citizen's lock; `None` before the lock is taken, which leaves
    /// checks 6 and 7 for later.
    pub upcoming: Option<u32>,
}

/// What is asked for, and the limit it is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingAttempt {
    pub service: ServiceType,
    /// The policy's cap on a citizen's appointments to come.
    pub max_future_appointments: u32,
}

/// The booking's decision on what it has read, in the order of the module's list; `None`
/// lets it go on.
pub fn refusal(
    snapshot: &BookingSnapshot,
    attempt: &BookingAttempt,
    now: DateTime<Utc>,
) -> Option<Refusal> {
    let Some(slot) = &snapshot.slot else {
        return Some(Refusal::SlotNotFound);
    };
    if slot.service != Some(attempt.service) {
        return Some(Refusal::WrongService);
    }
    match slot_refusal(slot, now) {
        Some(Refusal::SlotFull) if snapshot.holds_place => return Some(Refusal::AlreadyBooked),
        Some(Refusal::SlotFull) if snapshot.holding => {}
        Some(refusal) => return Some(refusal),
        None => {}
    }
    let upcoming = snapshot.upcoming?;
    if snapshot.holds_place {
        Some(Refusal::AlreadyBooked)
    } else if upcoming >= attempt.max_future_appointments {
        Some(Refusal::TooManyAppointments {
            limit: attempt.max_future_appointments,
        })
    } else {
        None
    }
}

/// Checks 3–5 on the slot alone: why it takes no booking now, whoever asks. Also what a
/// failed conditional update is explained by (a reschedule's target slot included).
pub fn slot_refusal(slot: &SlotSnapshot, now: DateTime<Utc>) -> Option<Refusal> {
    if slot.status != SlotStatus::Open {
        Some(Refusal::SlotClosed)
    } else if check_bookable(slot.starts_at, now).is_err() {
        Some(Refusal::SlotInPast)
    } else if slot.booked >= slot.capacity {
        Some(Refusal::SlotFull)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2030-06-01T03:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn open_slot() -> SlotSnapshot {
        SlotSnapshot {
            service: Some(ServiceType::Examination),
            status: SlotStatus::Open,
            starts_at: now() + Duration::days(1),
            capacity: 2,
            booked: 0,
        }
    }

    fn attempt() -> BookingAttempt {
        BookingAttempt {
            service: ServiceType::Examination,
            max_future_appointments: 2,
        }
    }

    fn decide(slot: Option<SlotSnapshot>, holds: bool, upcoming: Option<u32>) -> Option<Refusal> {
        let snapshot = BookingSnapshot {
            slot,
            holds_place: holds,
            holding: false,
            upcoming,
        };
        refusal(&snapshot, &attempt(), now())
    }

    #[test]
    fn a_place_on_hold_for_the_citizen_is_theirs_to_book_in_a_full_slot() {
        let full = SlotSnapshot {
            booked: 2,
            ..open_slot()
        };
        let holding = |upcoming| BookingSnapshot {
            slot: Some(full),
            holds_place: false,
            holding: true,
            upcoming,
        };
        assert_eq!(refusal(&holding(None), &attempt(), now()), None);
        assert_eq!(refusal(&holding(Some(1)), &attempt(), now()), None);
        // The hold is no way around the cap, nor around a closed or started slot.
        assert_eq!(
            refusal(&holding(Some(2)), &attempt(), now()),
            Some(Refusal::TooManyAppointments { limit: 2 })
        );
        let closed = BookingSnapshot {
            slot: Some(SlotSnapshot {
                status: SlotStatus::Closed,
                ..full
            }),
            ..holding(None)
        };
        assert_eq!(
            refusal(&closed, &attempt(), now()),
            Some(Refusal::SlotClosed)
        );
    }

    #[test]
    fn each_reason_is_given_for_its_own_case() {
        let slot = open_slot();
        let full = SlotSnapshot { booked: 2, ..slot };
        assert_eq!(decide(None, false, None), Some(Refusal::SlotNotFound));
        let vaccination = SlotSnapshot {
            service: Some(ServiceType::Vaccination),
            ..slot
        };
        assert_eq!(
            decide(Some(vaccination), false, None),
            Some(Refusal::WrongService)
        );
        let unknown = SlotSnapshot {
            service: None,
            ..slot
        };
        assert_eq!(
            decide(Some(unknown), false, None),
            Some(Refusal::WrongService)
        );
        let closed = SlotSnapshot {
            status: SlotStatus::Closed,
            ..slot
        };
        assert_eq!(decide(Some(closed), false, None), Some(Refusal::SlotClosed));
        let started = SlotSnapshot {
            starts_at: now(),
            ..slot
        };
        assert_eq!(
            decide(Some(started), false, None),
            Some(Refusal::SlotInPast)
        );
        assert_eq!(decide(Some(full), false, None), Some(Refusal::SlotFull));
        assert_eq!(decide(Some(full), true, None), Some(Refusal::AlreadyBooked));
        assert_eq!(
            decide(Some(slot), true, Some(1)),
            Some(Refusal::AlreadyBooked)
        );
        assert_eq!(
            decide(Some(slot), false, Some(2)),
            Some(Refusal::TooManyAppointments { limit: 2 })
        );
        assert_eq!(decide(Some(slot), false, Some(1)), None);
    }

    #[test]
    fn the_citizen_checks_wait_for_the_count_made_under_the_lock() {
        // A held place in a slot with room and a citizen at the cap pass the lock-free checks.
        assert_eq!(decide(Some(open_slot()), true, None), None);
        assert_eq!(decide(Some(open_slot()), false, None), None);
    }

    #[test]
    fn the_first_failing_check_in_the_documented_order_wins() {
        let worst = SlotSnapshot {
            service: Some(ServiceType::Vaccination),
            status: SlotStatus::Closed,
            starts_at: now() - Duration::hours(1),
            capacity: 1,
            booked: 1,
        };
        assert_eq!(
            decide(Some(worst), true, Some(9)),
            Some(Refusal::WrongService)
        );
        let closed = SlotSnapshot {
            service: Some(ServiceType::Examination),
            ..worst
        };
        assert_eq!(
            decide(Some(closed), true, Some(9)),
            Some(Refusal::SlotClosed)
        );
        let started = SlotSnapshot {
            status: SlotStatus::Open,
            ..closed
        };
        assert_eq!(
            decide(Some(started), true, Some(9)),
            Some(Refusal::SlotInPast)
        );
        let full = SlotSnapshot {
            starts_at: now() + Duration::hours(1),
            ..started
        };
        assert_eq!(decide(Some(full), false, Some(9)), Some(Refusal::SlotFull));
        assert_eq!(
            decide(Some(open_slot()), true, Some(9)),
            Some(Refusal::AlreadyBooked)
        );
    }

    #[test]
    fn a_stored_slot_reads_as_book_slot_compares_it() {
        let slot = SlotSnapshot::stored("examination", "open", now(), 3, 1);
        assert_eq!(slot.service, Some(ServiceType::Examination));
        assert_eq!(slot.status, SlotStatus::Open);
        let odd = SlotSnapshot::stored("surgery", "paused", now(), 3, 1);
        assert_eq!(odd.service, None);
        assert_eq!(odd.status, SlotStatus::Closed);
    }

    #[test]
    fn codes_are_distinct_and_read_back() {
        let all = [
            Refusal::SlotNotFound,
            Refusal::WrongService,
            Refusal::SlotClosed,
            Refusal::SlotInPast,
            Refusal::SlotFull,
            Refusal::AlreadyBooked,
            Refusal::TooManyAppointments { limit: 2 },
        ];
        for refusal in all {
            assert_eq!(
                Refusal::from_code(refusal.code(), &attempt()),
                Some(refusal)
            );
        }
        let codes: std::collections::BTreeSet<&str> = all.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), all.len());
        assert_eq!(Refusal::from_code("no_place", &attempt()), None);
    }

    fn slot_strategy() -> impl Strategy<Value = SlotSnapshot> {
        (
            prop_oneof![
                Just(None),
                Just(Some(ServiceType::Examination)),
                Just(Some(ServiceType::Vaccination)),
            ],
            prop_oneof![Just(SlotStatus::Open), Just(SlotStatus::Closed)],
            -3i64..3,
            0i32..4,
            0i32..5,
        )
            .prop_map(|(service, status, hours, capacity, booked)| SlotSnapshot {
                service,
                status,
                starts_at: now() + Duration::hours(hours),
                capacity,
                booked,
            })
    }

    proptest! {
        #[test]
        fn a_booking_that_passes_fits_the_slot_and_the_cap(
            slot in slot_strategy(),
            holds in any::<bool>(),
            holding in any::<bool>(),
            upcoming in 0u32..4,
        ) {
            let snapshot = BookingSnapshot { slot: Some(slot), holds_place: holds, holding, upcoming: Some(upcoming) };
            if refusal(&snapshot, &attempt(), now()).is_none() {
                prop_assert_eq!(slot.service, Some(attempt().service));
                prop_assert_eq!(slot.status, SlotStatus::Open);
                prop_assert!(slot.starts_at > now());
                // A full slot takes only the booking of the place held for it.
                prop_assert!(slot.booked < slot.capacity || holding);
                prop_assert!(!holds);
                prop_assert!(upcoming < attempt().max_future_appointments);
            }
        }

        #[test]
        fn the_lock_free_decision_never_contradicts_the_locked_one(
            slot in slot_strategy(),
            holds in any::<bool>(),
            holding in any::<bool>(),
            upcoming in 0u32..4,
        ) {
            // What the first look refuses, the second refuses for the same reason.
            let early = BookingSnapshot { slot: Some(slot), holds_place: holds, holding, upcoming: None };
            let late = BookingSnapshot { upcoming: Some(upcoming), ..early };
            if let Some(reason) = refusal(&early, &attempt(), now()) {
                prop_assert_eq!(refusal(&late, &attempt(), now()), Some(reason));
            }
        }
    }
}
