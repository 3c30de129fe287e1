//! Actions a phone may take without network: each is sent at once when it can be, and
//! otherwise kept, with the idempotency key its first attempt carried, for `offline().sync()`.
//!
//! Each area supplies how its action is sent ([`Deliver`]); [`send_or_queue`] is the one
//! first attempt, and the sync sends what was kept through the same [`Deliver`], so every
//! request is written once, in its area.

use crate::Timestamp;
use crate::context::Core;
use crate::error::CoreError;
use crate::store::QueuedAction;
use healthbook_domain::account::AddDependentRequest;
use healthbook_domain::book::{Administrative, BookEntry, EntryBody, Observation};
use healthbook_domain::booking::{Appointment, BookAppointmentRequest, Slot};
use healthbook_domain::vaccine::doses::{AdministerRequest, Administered};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An action taken while offline. Stored as JSON in the outbox: a variant's shape may grow
/// optional fields only, since a phone may hold actions queued by an older app version.
#[derive(Debug, Clone, Serialize, Deserialize, uniffi::Enum)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OfflineAction {
    AddDependent {
        request: AddDependentRequest,
    },
    /// A booking; `slot` is the slot as it was listed, for the "waiting to be sent" line.
    BookAppointment {
        request: BookAppointmentRequest,
        slot: Slot,
    },
    /// Section I of `citizen_id`'s book as the person left the form (`section`), sent as the
    /// merge patch `changes` (JSON) on the version they had read (`base_version`).
    PatchProfile {
        citizen_id: Uuid,
        base_version: Option<u32>,
        changes: String,
        section: Administrative,
    },
    /// A history item reported by the citizen or a guardian.
    AddEntry {
        citizen_id: Uuid,
        body: EntryBody,
    },
    /// A home reading.
    AddReading {
        citizen_id: Uuid,
        reading: Observation,
    },
    /// A dose a vaccinator gave where there was no network (an outreach site). `citizen_id`
    /// and `citizen_name` are the person's as the day's list named them, for the "waiting to
    /// be sent" line; the request names them by appointment code or id.
    RecordDose {
        request: AdministerRequest,
        citizen_id: Option<Uuid>,
        citizen_name: Option<String>,
    },
}

impl OfflineAction {
    /// The citizen whose book the action writes, for a book's "waiting to be sent" lines.
    pub(crate) fn book_of(&self) -> Option<Uuid> {
        match self {
            OfflineAction::PatchProfile { citizen_id, .. }
            | OfflineAction::AddEntry { citizen_id, .. }
            | OfflineAction::AddReading { citizen_id, .. } => Some(*citizen_id),
            OfflineAction::AddDependent { .. }
            | OfflineAction::BookAppointment { .. }
            // A vaccinator's queue: not the book of anyone on this phone.
            | OfflineAction::RecordDose { .. } => None,
        }
    }
}

/// A queued action, as the app lists it ("waiting to be sent").
#[derive(Debug, Clone, uniffi::Record)]
pub struct PendingAction {
    pub id: Uuid,
    pub action: OfflineAction,
    pub queued_at: Timestamp,
    /// Attempts that failed for a reason that may pass (server busy); 0 while simply offline.
    pub attempts: u32,
    /// The problem code of the last such failure.
    pub last_error: Option<String>,
}

impl From<QueuedAction<OfflineAction>> for PendingAction {
    fn from(queued: QueuedAction<OfflineAction>) -> PendingAction {
        PendingAction {
            id: queued.id,
            action: queued.action,
            queued_at: queued.queued_at,
            attempts: queued.attempts,
            last_error: queued.last_error,
        }
    }
}

/// How the server settled one action.
#[allow(
    clippy::large_enum_variant,
    reason = "a value handed across the FFI boundary once, never kept in bulk; uniffi records cannot be boxed"
)]
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum ActionResult {
    Applied,
    /// A queued write to the book went through: the entry as recorded (now cached too).
    Recorded {
        entry: BookEntry,
    },
    /// Section I changed elsewhere after this phone read it: nothing was overwritten.
    /// `current` is the newer version (none when it could not be read), `attempted` the
    /// section as the person had left the form, so that the app shows both and the person
    /// makes their change again on the newer one.
    VersionConflict {
        citizen_id: Uuid,
        current: Option<BookEntry>,
        attempted: Administrative,
    },
    /// A queued booking went through: here is the appointment (now cached too).
    Booked {
        appointment: Appointment,
    },
    /// A queued booking found its slot full meanwhile: the citizen picks another.
    SlotFull {
        detail: String,
    },
    /// The account changed meanwhile (the dependent was added elsewhere, the slot closed or
    /// started, the person already holds that slot…); `code` says how.
    Conflict {
        code: String,
        detail: String,
    },
    /// The action broke a rule that changed since it was queued.
    Invalid {
        issues: Vec<healthbook_domain::FieldIssue>,
    },
    /// A dose queued offline was recorded: the dose, and the next one proposed.
    DoseRecorded {
        administered: Administered,
    },
    /// A dose queued offline was refused for a reason the vaccinator acts on (the lot ran
    /// out or was quarantined meanwhile, the person had the dose elsewhere, is not due…).
    DoseRefused {
        conflict: crate::vaccination::DoseConflict,
    },
    /// Refused for another reason (a passkey session needed, not allowed).
    Refused {
        code: String,
        detail: String,
    },
}

/// An area's action: how it is sent and what its answer means.
pub(crate) trait Deliver {
    /// What the area makes of the server's answer (cached by `deliver` already).
    type Delivered;

    /// Sends the action with `key`, the idempotency key it keeps for life, so that a replay
    /// returns the first answer instead of acting twice; caches what the answer holds.
    async fn deliver(&self, core: &Core, key: Uuid) -> Result<Self::Delivered, CoreError>;

    /// What a sync reports once the action went through.
    fn applied(delivered: Self::Delivered) -> ActionResult;

    /// The action as the queue keeps it.
    fn queued(self) -> OfflineAction;
}

/// What became of an action: sent now, or kept until the network is back.
#[allow(
    clippy::large_enum_variant,
    reason = "returned once per call and turned at once into the area's outcome"
)]
pub(crate) enum Sent<T> {
    Now(T),
    Queued(PendingAction),
}

/// Sends `action` now; when the network fails (after the retries), keeps it with the key the
/// attempt carried: if that attempt did reach the server, the replay cannot act twice.
pub(crate) async fn send_or_queue<A: Deliver>(
    core: &Core,
    action: A,
) -> Result<Sent<A::Delivered>, CoreError> {
    let account_id = core.account_id()?;
    let key = Uuid::new_v4();
    match action.deliver(core, key).await {
        Ok(delivered) => Ok(Sent::Now(delivered)),
        Err(CoreError::Network(_)) => {
            let pending = enqueue(core, account_id, action.queued(), key).await?;
            Ok(Sent::Queued(pending))
        }
        Err(other) => Err(other),
    }
}

async fn enqueue(
    core: &Core,
    account_id: Uuid,
    action: OfflineAction,
    idempotency_key: Uuid,
) -> Result<PendingAction, CoreError> {
    let queued_at = core.clock.now();
    let stored = action.clone();
    let id = core
        .store(move |store| store.enqueue(account_id, &stored, idempotency_key, queued_at))
        .await?;
    Ok(PendingAction {
        id,
        action,
        queued_at,
        attempts: 0,
        last_error: None,
    })
}
