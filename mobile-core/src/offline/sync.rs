//! Sends the outbox, oldest first, each action with its own idempotency key, through the
//! send its area supplies.
//!
//! An action the server settles — applied, or refused for good — leaves the queue and is
//! reported. A failure that may pass (no network, server busy) stops the run and keeps the
//! rest in order: a later action may depend on an earlier one.

use crate::book::{NewEntry, NewReading, ProfileChange};
use crate::booking::SlotBooking;
use crate::context::Core;
use crate::error::CoreError;
use crate::queue::{ActionResult, Deliver, OfflineAction, PendingAction};
use crate::store::QueuedAction;
use crate::vaccination::{DoseConflict, DoseRecording};
use healthbook_domain::ProblemCode;
use healthbook_domain::account::AddDependentRequest;
use uuid::Uuid;

#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncOutcome {
    pub action: PendingAction,
    pub result: ActionResult,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncReport {
    /// The actions settled by this run, in the order they were sent.
    pub outcomes: Vec<SyncOutcome>,
    /// Actions still queued (the network went away, or the server was busy).
    pub remaining: u32,
}

#[allow(
    clippy::large_enum_variant,
    reason = "one per queued action, returned and consumed at once"
)]
enum Step {
    Settled(ActionResult),
    /// Stop here and keep this action; `reason` is recorded when it is worth recording.
    Later {
        reason: Option<String>,
    },
}

pub(super) async fn run(core: &Core) -> Result<SyncReport, CoreError> {
    let account_id = core.account_id()?;
    let queue = core
        .store(move |store| store.queued::<OfflineAction>(account_id))
        .await?;
    let total = queue.len();
    let mut outcomes = Vec::new();
    for queued in queue {
        match step(core, &queued).await? {
            Step::Settled(result) => {
                let id = queued.id;
                core.store(move |store| store.settle(id)).await?;
                outcomes.push(SyncOutcome {
                    action: queued.into(),
                    result,
                });
            }
            Step::Later { reason } => {
                if let Some(reason) = reason {
                    let id = queued.id;
                    core.store(move |store| store.record_attempt(id, &reason))
                        .await?;
                }
                break;
            }
        }
    }
    if outcomes
        .iter()
        .any(|o| matches!(o.result, ActionResult::Applied))
    {
        // What the server now holds supersedes the cache; failing to read it only leaves
        // the cache stale until the next refresh.
        if let Err(error) = crate::account::refresh_me(core).await {
            tracing::info!(error = %error, "refreshing the profile after a sync failed");
        }
    }
    tracing::info!(
        sync.settled = outcomes.len(),
        sync.remaining = total - outcomes.len(),
        "offline queue synced"
    );
    Ok(SyncReport {
        remaining: u32::try_from(total - outcomes.len()).unwrap_or(u32::MAX),
        outcomes,
    })
}

/// Sends one queued action through its area's [`Deliver`].
async fn deliver(
    core: &Core,
    action: &OfflineAction,
    key: Uuid,
) -> Result<ActionResult, CoreError> {
    match action {
        OfflineAction::AddDependent { request } => request
            .deliver(core, key)
            .await
            .map(AddDependentRequest::applied),
        OfflineAction::BookAppointment { request, slot } => {
            let booking = SlotBooking {
                request: request.clone(),
                slot: slot.clone(),
            };
            booking.deliver(core, key).await.map(SlotBooking::applied)
        }
        OfflineAction::PatchProfile {
            citizen_id,
            base_version,
            changes,
            section,
        } => {
            let change = ProfileChange {
                citizen_id: *citizen_id,
                base_version: *base_version,
                changes: serde_json::from_str(changes)
                    .map_err(|e| CoreError::Decode(e.to_string()))?,
                section: section.clone(),
            };
            change.deliver(core, key).await.map(ProfileChange::applied)
        }
        OfflineAction::AddEntry { citizen_id, body } => {
            let entry = NewEntry {
                citizen_id: *citizen_id,
                body: body.clone(),
            };
            entry.deliver(core, key).await.map(NewEntry::applied)
        }
        OfflineAction::AddReading {
            citizen_id,
            reading,
        } => {
            let reading = NewReading {
                citizen_id: *citizen_id,
                reading: reading.clone(),
            };
            reading.deliver(core, key).await.map(NewReading::applied)
        }
        OfflineAction::RecordDose {
            request,
            citizen_id,
            citizen_name,
        } => {
            let dose = DoseRecording {
                request: request.clone(),
                citizen_id: *citizen_id,
                citizen_name: citizen_name.clone(),
            };
            dose.deliver(core, key).await.map(DoseRecording::applied)
        }
    }
}

async fn step(core: &Core, queued: &QueuedAction<OfflineAction>) -> Result<Step, CoreError> {
    match deliver(core, &queued.action, queued.idempotency_key).await {
        Ok(result) => Ok(Step::Settled(result)),
        Err(CoreError::Network(_)) => Ok(Step::Later { reason: None }),
        Err(CoreError::Problem(problem)) => Ok(match problem.status {
            401 => return Err(CoreError::Problem(problem)),
            // A dose's refusals, typed once for the vaccinator's conflicts list.
            _ if let OfflineAction::RecordDose { .. } = &queued.action
                && let Some(conflict) = DoseConflict::from_problem(&problem) =>
            {
                Step::Settled(ActionResult::DoseRefused { conflict })
            }
            409 if problem.known() == Some(ProblemCode::VersionConflict)
                && let OfflineAction::PatchProfile {
                    citizen_id,
                    section,
                    ..
                } = &queued.action =>
            {
                Step::Settled(crate::book::conflict(core, *citizen_id, section.clone()).await)
            }
            409 if problem.known() == Some(ProblemCode::SlotFull) => {
                Step::Settled(ActionResult::SlotFull {
                    detail: problem.detail,
                })
            }
            409 => Step::Settled(ActionResult::Conflict {
                code: problem.code,
                detail: problem.detail,
            }),
            422 if problem.known() == Some(ProblemCode::ValidationFailed) => {
                Step::Settled(ActionResult::Invalid {
                    issues: problem.errors,
                })
            }
            429 | 500..=599 => Step::Later {
                reason: Some(problem.code),
            },
            _ => Step::Settled(ActionResult::Refused {
                code: problem.code,
                detail: problem.detail,
            }),
        }),
        Err(other) => Err(other),
    }
}
