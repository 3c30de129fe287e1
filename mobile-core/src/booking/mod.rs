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

use crate::client::Core;
use crate::error::CoreError;
use crate::http::{Auth, decode, query_string};
use crate::offline::{OfflineAction, PendingAction};
use crate::qr::{QrError, QrMatrix, qr_code};
use crate::store::CachedEntry;
use chrono::NaiveDate;
use healthbook_domain::booking::{
    Appointment, AppointmentCode, BookAppointmentRequest, CancelAppointmentRequest,
    RescheduleAppointmentRequest, Slot,
};
use healthbook_domain::facility::{Facility, FacilityLevel, ServiceType};
use healthbook_domain::page::Page;
use std::sync::Arc;
use uuid::Uuid;

/// The kind under which appointments are cached in the store's entries.
pub(crate) const APPOINTMENT: &str = "appointment";

/// What to look for in `GET /v1/facilities`. Every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct FacilitySearch {
    /// Part of the name; accents are optional ("bach mai" finds "Bạch Mai").
    #[uniffi(default)]
    pub text: Option<String>,
    /// A province's 2-digit code, from `provinces()`.
    #[uniffi(default)]
    pub province_code: Option<String>,
    /// A commune's 5-digit code, from `communes()`.
    #[uniffi(default)]
    pub commune_code: Option<String>,
    #[uniffi(default)]
    pub service: Option<ServiceType>,
    /// A specialty code, from `specialties()`.
    #[uniffi(default)]
    pub specialty: Option<String>,
    #[uniffi(default)]
    pub level: Option<FacilityLevel>,
    /// Only facilities with a free place ahead (of `service`, when given).
    #[uniffi(default)]
    pub bookable: bool,
    /// The `next_cursor` of the previous page.
    #[uniffi(default)]
    pub cursor: Option<String>,
    /// 1–100; 20 when absent.
    #[uniffi(default)]
    pub limit: Option<u32>,
}

/// What to look for in `GET /v1/facilities/{fid}/slots`.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct SlotSearch {
    /// First local date; today when absent.
    #[uniffi(default)]
    pub from: Option<NaiveDate>,
    /// Last local date (inclusive); a week after `from` when absent; at most 31 days on.
    #[uniffi(default)]
    pub to: Option<NaiveDate>,
    #[uniffi(default)]
    pub service: Option<ServiceType>,
    #[uniffi(default)]
    pub specialty: Option<String>,
    #[uniffi(default)]
    pub practitioner_id: Option<Uuid>,
    /// Only open slots with a free place that have not started.
    #[uniffi(default)]
    pub available_only: bool,
    #[uniffi(default)]
    pub cursor: Option<String>,
    #[uniffi(default)]
    pub limit: Option<u32>,
}

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

    fn account_id(&self) -> Result<Uuid, BookingError> {
        Ok(self
            .core
            .session
            .grant()
            .filter(|_| self.core.session.token().is_some())
            .ok_or(BookingError::NotSignedIn)?
            .account_id)
    }
}

/// Caches one appointment as the server last described it.
pub(crate) async fn remember(core: &Arc<Core>, appointment: &Appointment) -> Result<(), CoreError> {
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
        search: FacilitySearch,
    ) -> Result<FacilityPage, BookingError> {
        let path = format!(
            "/v1/facilities{}",
            query_string(&[
                ("q", search.text.filter(|t| !t.trim().is_empty())),
                ("province", search.province_code),
                ("commune", search.commune_code),
                ("service", search.service.map(|s| s.as_str().to_owned())),
                ("specialty", search.specialty),
                ("level", search.level.map(|l| l.as_str().to_owned())),
                ("bookable", search.bookable.then(|| "true".to_owned())),
                ("cursor", search.cursor),
                ("limit", search.limit.map(|l| l.to_string())),
            ])
        );
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

    /// A facility's slots between two local dates, in time order, with their free places.
    pub async fn slots(
        &self,
        facility_id: Uuid,
        search: SlotSearch,
    ) -> Result<SlotPage, BookingError> {
        let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let path = format!(
            "/v1/facilities/{facility_id}/slots{}",
            query_string(&[
                ("from", date(search.from)),
                ("to", date(search.to)),
                ("service", search.service.map(|s| s.as_str().to_owned())),
                ("specialty", search.specialty),
                (
                    "practitioner_id",
                    search.practitioner_id.map(|p| p.to_string())
                ),
                (
                    "available",
                    search.available_only.then(|| "true".to_owned())
                ),
                ("cursor", search.cursor),
                ("limit", search.limit.map(|l| l.to_string())),
            ])
        );
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
        let account_id = self.account_id()?;
        let request = BookAppointmentRequest {
            slot_id: slot.id,
            service: slot.service,
            citizen_id,
        };
        let key = Uuid::new_v4();
        match self
            .core
            .api
            .post_raw("/v1/appointments", &request, Auth::Bearer, key)
            .await
        {
            Ok(body) => {
                let appointment: Appointment = decode(&body)?;
                remember(&self.core, &appointment).await?;
                Ok(BookingOutcome::Booked { appointment })
            }
            Err(CoreError::Network(_)) => {
                let action = OfflineAction::BookAppointment { request, slot };
                let pending = crate::offline::enqueue(&self.core, account_id, action, key).await?;
                Ok(BookingOutcome::Queued { action: pending })
            }
            Err(other) => Err(other.into()),
        }
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
        self.account_id()?;
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
#[uniffi::export]
pub fn appointment_qr(appointment: Appointment) -> Result<QrMatrix, QrError> {
    let text = match AppointmentCode::parse(&appointment.code) {
        Ok(code) => code.qr_text(),
        // A code this build cannot read still goes to the kiosk as the server wrote it.
        Err(_) => appointment.code,
    };
    qr_code(text)
}
