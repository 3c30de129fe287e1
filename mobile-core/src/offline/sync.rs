//! Sends the outbox, oldest first, each action with its own idempotency key.
//!
//! An action the server settles — applied, or refused for good — leaves the queue and is
//! reported. A failure that may pass (no network, server busy) stops the run and keeps the
//! rest in order: a later action may depend on an earlier one.

use super::{OfflineAction, OfflineError, PendingAction};
use crate::client::Core;
use crate::error::{CoreError, FieldProblem};
use crate::http::Auth;
use crate::http::decode;
use crate::store::QueuedAction;
use healthbook_domain::booking::Appointment;
use std::sync::Arc;

/// How the server settled one action.
#[allow(
    clippy::large_enum_variant,
    reason = "a value handed across the FFI boundary once, never kept in bulk; uniffi records cannot be boxed"
)]
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ActionResult {
    Applied,
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
        issues: Vec<FieldProblem>,
    },
    /// Refused for another reason (a passkey session needed, not allowed).
    Refused {
        code: String,
        detail: String,
    },
}

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

pub(super) async fn run(core: &Arc<Core>) -> Result<SyncReport, OfflineError> {
    let account_id = core
        .session
        .grant()
        .filter(|_| core.session.token().is_some())
        .ok_or(OfflineError::NotSignedIn)?
        .account_id;
    let queue = core
        .store(move |store| store.queued::<OfflineAction>(account_id))
        .await?;
    let total = queue.len();
    let mut outcomes = Vec::new();
    for queued in queue {
        match send(core, &queued).await? {
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

async fn send(
    core: &Arc<Core>,
    queued: &QueuedAction<OfflineAction>,
) -> Result<Step, OfflineError> {
    let outcome = match &queued.action {
        OfflineAction::AddDependent { request } => core
            .api
            .post_raw(
                "/v1/me/dependents",
                request,
                Auth::Bearer,
                queued.idempotency_key,
            )
            .await
            .map(|_| ActionResult::Applied),
        OfflineAction::BookAppointment { request, .. } => {
            match core
                .api
                .post_raw(
                    "/v1/appointments",
                    request,
                    Auth::Bearer,
                    queued.idempotency_key,
                )
                .await
            {
                Ok(body) => {
                    let appointment: Appointment = decode(&body)?;
                    crate::booking::remember(core, &appointment).await?;
                    Ok(ActionResult::Booked { appointment })
                }
                Err(error) => Err(error),
            }
        }
    };
    match outcome {
        Ok(result) => Ok(Step::Settled(result)),
        Err(CoreError::Network(_)) => Ok(Step::Later { reason: None }),
        Err(CoreError::NotSignedIn) => Err(OfflineError::NotSignedIn),
        Err(CoreError::Problem(problem)) => Ok(match problem.status {
            401 => return Err(OfflineError::NotSignedIn),
            409 if problem.code == "slot_full" => Step::Settled(ActionResult::SlotFull {
                detail: problem.detail,
            }),
            409 => Step::Settled(ActionResult::Conflict {
                code: problem.code,
                detail: problem.detail,
            }),
            422 if problem.code == "validation_failed" => Step::Settled(ActionResult::Invalid {
                issues: problem.errors,
            }),
            429 | 500..=599 => Step::Later {
                reason: Some(problem.code),
            },
            _ => Step::Settled(ActionResult::Refused {
                code: problem.code,
                detail: problem.detail,
            }),
        }),
        Err(other) => Err(other.into()),
    }
}
