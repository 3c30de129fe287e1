//! Booking: finding a facility and a free slot, booking it for oneself or a dependent,
//! cancelling, rescheduling, and the appointments, cached for offline reading.
//!
//! A booking made without network is queued with the idempotency key it was first sent with
//! and settled by `offline().sync()`, whose report says `Booked` or `SlotFull` (or another
//! conflict). Cancelling and rescheduling need the network: both depend on a cut-off the
//! server judges at the moment it receives them, and a move chosen from a stale slot list
//! is not worth queuing.

mod error;

pub use error::BookingError;

use crate::context::Core;
use crate::error::CoreError;
use crate::http::{Auth, decode, query_of, query_string};
use crate::qr::{QrError, QrMatrix, qr_code};
use crate::queue::{ActionResult, Deliver, OfflineAction, PendingAction, Sent, send_or_queue};
use crate::store::CachedEntry;
use healthbook_domain::book::FollowUp;
use healthbook_domain::booking::{
    Appointment, AppointmentCode, BookAppointmentRequest, CancelAppointmentRequest,
    HoldSlotRequest, JoinWaitlistRequest, Practitioner, QueuePosition,
    RescheduleAppointmentRequest, Slot, SlotHold, SlotQuery, WaitlistEntry,
};
use healthbook_domain::facility::{Facility, FacilityQuery};
use healthbook_domain::page::Page;
use std::sync::Arc;
use uuid::Uuid;

/// The kind under which appointments are cached in the store's entries.
pub(crate) const APPOINTMENT: &str = "appointment";

/// One page of facilities.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FacilityPage {
    pub items: Vec<Facility>,
    /// Pass back as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// One page of slots, in time order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SlotPage {
    pub items: Vec<Slot>,
    pub next_cursor: Option<String>,
}

/// What became of a booking: booked now, or queued until the network is back.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum BookingOutcome {
    Booked { appointment: Appointment },
    Queued { action: PendingAction },
}

#[derive(uniffi::Object)]
pub struct BookingClient {
    core: Arc<Core>,
}

impl BookingClient {
    pub(crate) fn new(core: Arc<Core>) -> BookingClient {
        BookingClient { core }
    }
}

/// A booking, which a phone may make offline; `slot` as it was listed, for the "waiting to
/// be sent" line.
pub(crate) struct SlotBooking {
    pub request: BookAppointmentRequest,
    pub slot: Slot,
}

impl Deliver for SlotBooking {
    type Delivered = Appointment;

    async fn deliver(&self, core: &Core, key: Uuid) -> Result<Appointment, CoreError> {
        let body = core
            .api
            .post_raw("/v1/appointments", &self.request, Auth::Bearer, key)
            .await?;
        let appointment: Appointment = decode(&body)?;
        remember(core, &appointment).await?;
        Ok(appointment)
    }

    fn applied(appointment: Appointment) -> ActionResult {
        ActionResult::Booked { appointment }
    }

    fn queued(self) -> OfflineAction {
        OfflineAction::BookAppointment {
            request: self.request,
            slot: self.slot,
        }
    }
}

/// Caches one appointment as the server last described it.
pub(crate) async fn remember(core: &Core, appointment: &Appointment) -> Result<(), CoreError> {
    let entry = entry_of(appointment, core.clock.now())?;
    core.store(move |store| store.put_entry(&entry)).await?;
    Ok(())
}

fn entry_of(
    appointment: &Appointment,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<CachedEntry, CoreError> {
    Ok(CachedEntry {
        kind: APPOINTMENT.to_owned(),
        id: appointment.id.to_string(),
        citizen_id: appointment.citizen_id,
        updated_at: now,
        body: serde_json::to_value(appointment).map_err(|e| CoreError::Decode(e.to_string()))?,
    })
}

/// The cached appointments, in time order.
pub(crate) fn cached(entries: Vec<CachedEntry>) -> Vec<Appointment> {
    cached_order(
        entries
            .into_iter()
            .filter_map(|entry| serde_json::from_value(entry.body).ok())
            .collect(),
    )
}

/// Pages of the account's appointments read at most, 100 each: far beyond what the cap on
/// upcoming appointments and a few years of history hold.
const MAX_PAGES: usize = 20;

#[uniffi::export(async_runtime = "tokio")]
impl BookingClient {
    /// Facilities by name, administrative unit, service, specialty and level, a page at a
    /// time, ordered by name.
    pub async fn search_facilities(
        &self,
        mut query: FacilityQuery,
    ) -> Result<FacilityPage, BookingError> {
        query.q = query.q.filter(|text| !text.trim().is_empty());
        let path = format!("/v1/facilities{}", query_of(&query)?);
        let page: Page<Facility> = self.core.api.get(&path, Auth::Public).await?;
        Ok(FacilityPage {
            items: page.items,
            next_cursor: page.next_cursor,
        })
    }

    pub async fn facility(&self, facility_id: Uuid) -> Result<Facility, BookingError> {
        Ok(self
            .core
            .api
            .get(&format!("/v1/facilities/{facility_id}"), Auth::Public)
            .await?)
    }

    /// The practitioners of a facility by name, for choosing a doctor or naming one in a
    /// consent.
    pub async fn practitioners(
        &self,
        facility_id: Uuid,
    ) -> Result<Vec<Practitioner>, BookingError> {
        Ok(self
            .core
            .api
            .get(
                &format!("/v1/facilities/{facility_id}/practitioners"),
                Auth::Public,
            )
            .await?)
    }

    /// A facility's slots between two local dates, in time order, with their free places.
    pub async fn slots(
        &self,
        facility_id: Uuid,
        query: SlotQuery,
    ) -> Result<SlotPage, BookingError> {
        let path = format!("/v1/facilities/{facility_id}/slots{}", query_of(&query)?);
        let page: Page<Slot> = self.core.api.get(&path, Auth::Public).await?;
        Ok(SlotPage {
            items: page.items,
            next_cursor: page.next_cursor,
        })
    }

    /// Books `slot` for the signed-in citizen, or for one of their dependents
    /// (`citizen_id`). Without network the booking is queued with its idempotency key and
    /// `offline().sync()` reports `Booked` or `SlotFull` later; a first attempt that did
    /// reach the server cannot book twice.
    pub async fn book(
        &self,
        slot: Slot,
        citizen_id: Option<Uuid>,
    ) -> Result<BookingOutcome, BookingError> {
        let request = BookAppointmentRequest {
            slot_id: slot.id,
            service: slot.service,
            citizen_id,
        };
        Ok(
            match send_or_queue(&self.core, SlotBooking { request, slot }).await? {
                Sent::Now(appointment) => BookingOutcome::Booked { appointment },
                Sent::Queued(action) => BookingOutcome::Queued { action },
            },
        )
    }

    /// Holds a place of `slot` for the signed-in citizen or a dependent while the details are
    /// filled in: the place is theirs until `expires_at`, and `book` of the same slot for the
    /// same person takes it. Asking again answers the same hold. Needs the network: a hold is
    /// only worth having while it is short.
    pub async fn hold(
        &self,
        slot: Slot,
        citizen_id: Option<Uuid>,
    ) -> Result<SlotHold, BookingError> {
        Ok(self
            .core
            .api
            .post(
                &format!("/v1/slots/{}/hold", slot.id),
                &HoldSlotRequest {
                    service: slot.service,
                    citizen_id,
                },
                Auth::Bearer,
            )
            .await?)
    }

    /// Gives a held place back at once (the citizen changed their mind).
    pub async fn release_hold(&self, hold_id: Uuid) -> Result<SlotHold, BookingError> {
        Ok(self
            .core
            .api
            .delete_returning(&format!("/v1/holds/{hold_id}"))
            .await?)
    }

    /// Joins the waitlist of a full slot for the signed-in citizen or a dependent. When a
    /// place frees, the first person waiting is offered it (`waitlist()` shows the offer, a
    /// hold; a mail says so): `book` of the slot takes it. Joining again answers the same
    /// entry; a slot with a free place is refused (`Refused` with `slot_not_full`): book it.
    pub async fn join_waitlist(
        &self,
        slot: Slot,
        citizen_id: Option<Uuid>,
    ) -> Result<WaitlistEntry, BookingError> {
        Ok(self
            .core
            .api
            .post(
                &format!("/v1/slots/{}/waitlist", slot.id),
                &JoinWaitlistRequest { citizen_id },
                Auth::Bearer,
            )
            .await?)
    }

    /// The waitlists this account joined, newest first, with their positions and offers.
    pub async fn waitlist(&self) -> Result<Vec<WaitlistEntry>, BookingError> {
        Ok(self.core.api.get("/v1/waitlist", Auth::Bearer).await?)
    }

    /// Books the place a waitlist offers (`entry.offer`), for the person who waited. Needs the
    /// network: an offer is only good for a few minutes.
    pub async fn book_offer(&self, entry: WaitlistEntry) -> Result<Appointment, BookingError> {
        let request = BookAppointmentRequest {
            slot_id: entry.slot_id,
            service: entry.service,
            citizen_id: Some(entry.citizen_id),
        };
        let appointment: Appointment = self
            .core
            .api
            .post("/v1/appointments", &request, Auth::Bearer)
            .await?;
        remember(&self.core, &appointment).await?;
        Ok(appointment)
    }

    /// Leaves a waitlist; a place on offer goes to the next person waiting.
    pub async fn leave_waitlist(&self, entry_id: Uuid) -> Result<WaitlistEntry, BookingError> {
        Ok(self
            .core
            .api
            .delete_returning(&format!("/v1/waitlist/{entry_id}"))
            .await?)
    }

    /// Where an appointment stands in its facility's queue today: the numbers being served,
    /// how many are ahead, and a likely call time once the day has an average. The app asks
    /// again every half minute or so while it shows it; the mail says when three are left.
    pub async fn queue_position(
        &self,
        appointment_id: Uuid,
    ) -> Result<QueuePosition, BookingError> {
        Ok(self
            .core
            .api
            .get(
                &format!("/v1/appointments/{appointment_id}/queue"),
                Auth::Bearer,
            )
            .await?)
    }

    /// Cancels an appointment (until the cut-off the appointment states).
    pub async fn cancel(
        &self,
        appointment_id: Uuid,
        reason: Option<String>,
    ) -> Result<Appointment, BookingError> {
        let appointment: Appointment = self
            .core
            .api
            .post(
                &format!("/v1/appointments/{appointment_id}/cancel"),
                &CancelAppointmentRequest { reason },
                Auth::Bearer,
            )
            .await?;
        remember(&self.core, &appointment).await?;
        Ok(appointment)
    }

    /// Moves an appointment to another slot of the same facility and service. When the new
    /// slot is full the old booking stays (`SlotFull`).
    pub async fn reschedule(
        &self,
        appointment_id: Uuid,
        slot: Slot,
    ) -> Result<Appointment, BookingError> {
        let appointment: Appointment = self
            .core
            .api
            .post(
                &format!("/v1/appointments/{appointment_id}/reschedule"),
                &RescheduleAppointmentRequest { slot_id: slot.id },
                Auth::Bearer,
            )
            .await?;
        remember(&self.core, &appointment).await?;
        Ok(appointment)
    }

    /// The citizen's appointments and their dependents', past and upcoming, in time order,
    /// fresh from the server; the cache (`offline().appointments()`) now holds them.
    pub async fn appointments(&self) -> Result<Vec<Appointment>, BookingError> {
        self.core.account_id()?;
        let mut all: Vec<Appointment> = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let path = format!(
                "/v1/appointments{}",
                query_string(&[("cursor", cursor.take()), ("limit", Some("100".to_owned()))])
            );
            let page: Page<Appointment> = self.core.api.get(&path, Auth::Bearer).await?;
            all.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let now = self.core.clock.now();
        let entries = all
            .iter()
            .map(|appointment| entry_of(appointment, now))
            .collect::<Result<Vec<_>, _>>()?;
        self.core
            .store(move |store| store.replace_kind(APPOINTMENT, &entries))
            .await?;
        Ok(cached_order(all))
    }

    /// One appointment, fresh (and cached).
    pub async fn appointment(&self, appointment_id: Uuid) -> Result<Appointment, BookingError> {
        let appointment: Appointment = self
            .core
            .api
            .get(&format!("/v1/appointments/{appointment_id}"), Auth::Bearer)
            .await?;
        remember(&self.core, &appointment).await?;
        Ok(appointment)
    }
}

fn cached_order(mut appointments: Vec<Appointment>) -> Vec<Appointment> {
    appointments.sort_by_key(|a| (a.starts_at, a.id));
    appointments
}

/// The QR code the reception kiosk scans for an appointment (`HBAPPT:` and its code).
/// The slots to offer for a follow-up: its facility's, from the day asked for and the six
/// after it (a facility's day may be full or closed).
#[uniffi::export]
pub fn follow_up_slot_query(follow_up: FollowUp) -> SlotQuery {
    SlotQuery {
        from: Some(follow_up.on.to_string()),
        to: Some((follow_up.on + chrono::Duration::days(6)).to_string()),
        ..SlotQuery::default()
    }
}

#[uniffi::export]
pub fn appointment_qr(appointment: Appointment) -> Result<QrMatrix, QrError> {
    let text = match AppointmentCode::parse(&appointment.code) {
        Ok(code) => code.qr_text(),
        // A code this build cannot read still goes to the kiosk as the server wrote it.
        Err(_) => appointment.code,
    };
    qr_code(text)
}
