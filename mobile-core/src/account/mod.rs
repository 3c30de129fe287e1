//! The signed-in account: who they are, their dependents, their sessions and passkeys, and a
//! recovery that someone else may have asked for. Every successful read refreshes the offline
//! store.

mod error;

pub use error::AccountError;

use crate::context::Core;
use crate::error::{CommonError, CoreError};
use crate::http::{Auth, decode};
use crate::queue::{ActionResult, Deliver, OfflineAction, PendingAction, Sent, send_or_queue};
use healthbook_domain::FieldIssue;
use healthbook_domain::account::{
    AddDependentRequest, Dependent, ExpectedChild, Me, PasskeyInfo, PasskeyRename, SessionInfo,
};
use std::sync::Arc;
use uuid::Uuid;

#[derive(uniffi::Object)]
pub struct AccountClient {
    core: Arc<Core>,
}

/// What became of a dependent added: added now, or queued to be sent when the network is back.
#[allow(
    clippy::large_enum_variant,
    reason = "a value handed across the FFI boundary once, never kept in bulk; uniffi records cannot be boxed"
)]
#[derive(Debug, Clone, uniffi::Enum)]
pub enum DependentOutcome {
    Added { dependent: Dependent },
    Queued { action: PendingAction },
}

/// Reads `/v1/me` and caches it.
pub(crate) async fn refresh_me(core: &Core) -> Result<Me, CoreError> {
    let me: Me = core.api.get("/v1/me", Auth::Bearer).await?;
    let now = core.clock.now();
    let cached = me.clone();
    core.store(move |store| store.save_me(&cached, now)).await?;
    Ok(me)
}

/// Reads `/v1/me/dependents` and caches them.
async fn refresh_dependents(core: &Core) -> Result<Vec<Dependent>, CoreError> {
    let account_id = core
        .session
        .grant()
        .ok_or(CoreError::NotSignedIn)?
        .account_id;
    let dependents: Vec<Dependent> = core.api.get("/v1/me/dependents", Auth::Bearer).await?;
    let now = core.clock.now();
    let cached = dependents.clone();
    core.store(move |store| store.save_dependents(account_id, &cached, now))
        .await?;
    Ok(dependents)
}

/// Adding a dependent, which a phone may do offline.
impl Deliver for AddDependentRequest {
    type Delivered = Dependent;

    async fn deliver(&self, core: &Core, key: Uuid) -> Result<Dependent, CoreError> {
        let account_id = core.account_id()?;
        let body = core
            .api
            .post_raw("/v1/me/dependents", self, Auth::Bearer, key)
            .await?;
        let dependent: Dependent = decode(&body)?;
        let now = core.clock.now();
        let added = dependent.clone();
        core.store(move |store| {
            let mut cached = store.dependents(account_id)?;
            cached.retain(|d| d.citizen.citizen_id != added.citizen.citizen_id);
            cached.push(added);
            store.save_dependents(account_id, &cached, now)
        })
        .await?;
        Ok(dependent)
    }

    fn applied(_: Dependent) -> ActionResult {
        ActionResult::Applied
    }

    fn queued(self) -> OfflineAction {
        OfflineAction::AddDependent { request: self }
    }
}

impl AccountClient {
    pub(crate) fn new(core: Arc<Core>) -> AccountClient {
        AccountClient { core }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountClient {
    /// Who is signed in, fresh from the server (and now cached for offline use). While
    /// `recovery_pending_until` is set, someone asked to recover the account: the home screen
    /// says so, with [`Self::cancel_recovery`].
    pub async fn me(&self) -> Result<Me, AccountError> {
        Ok(refresh_me(&self.core).await?)
    }

    /// The dependents this citizen acts for, fresh from the server (and cached).
    pub async fn dependents(&self) -> Result<Vec<Dependent>, AccountError> {
        Ok(refresh_dependents(&self.core).await?)
    }

    /// Children facilities reported born to this citizen (birth certificates in the files
    /// they sent), not yet added as dependents: the home screen offers each, the form filled
    /// with what the facility knew, for when the child has an identification number. Adding a
    /// dependent born that day takes the offer, and the birth appears in the child's book.
    pub async fn expected_children(&self) -> Result<Vec<ExpectedChild>, AccountError> {
        Ok(self
            .core
            .api
            .get("/v1/me/expected-children", Auth::Bearer)
            .await?)
    }

    /// Declines an offer: the child is in someone else's care, or did not live.
    pub async fn dismiss_expected_child(&self, id: Uuid) -> Result<(), AccountError> {
        Ok(self
            .core
            .api
            .delete(&format!("/v1/me/expected-children/{id}"))
            .await?)
    }

    /// The add-dependent form's problems, by the server's rules; empty when it may be sent.
    pub fn validate_dependent(&self, request: AddDependentRequest) -> Vec<FieldIssue> {
        request
            .parse(self.core.clock.today())
            .err()
            .unwrap_or_default()
    }

    /// Adds a dependent (a child under 18). Without network the request is queued, with the
    /// idempotency key already chosen, and sent by `offline().sync()`: if the first attempt
    /// did reach the server, the replay cannot add the child twice.
    pub async fn add_dependent(
        &self,
        request: AddDependentRequest,
    ) -> Result<DependentOutcome, AccountError> {
        let issues = self.validate_dependent(request.clone());
        if !issues.is_empty() {
            return Err(CommonError::InvalidInput { issues }.into());
        }
        Ok(match send_or_queue(&self.core, request).await? {
            Sent::Now(dependent) => DependentOutcome::Added { dependent },
            Sent::Queued(action) => DependentOutcome::Queued { action },
        })
    }

    /// Every session of the account, the current one marked.
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, AccountError> {
        Ok(self.core.api.get("/v1/me/sessions", Auth::Bearer).await?)
    }

    /// Ends another session ("sign out that tablet").
    pub async fn end_session(&self, session_id: Uuid) -> Result<(), AccountError> {
        Ok(self
            .core
            .api
            .delete(&format!("/v1/me/sessions/{session_id}"))
            .await?)
    }

    pub async fn passkeys(&self) -> Result<Vec<PasskeyInfo>, AccountError> {
        Ok(self.core.api.get("/v1/me/passkeys", Auth::Bearer).await?)
    }

    pub async fn rename_passkey(&self, passkey_id: Uuid, name: String) -> Result<(), AccountError> {
        let _: serde_json::Value = self
            .core
            .api
            .patch(
                &format!("/v1/me/passkeys/{passkey_id}"),
                &PasskeyRename { name },
            )
            .await?;
        Ok(())
    }

    pub async fn remove_passkey(&self, passkey_id: Uuid) -> Result<(), AccountError> {
        Ok(self
            .core
            .api
            .delete(&format!("/v1/me/passkeys/{passkey_id}"))
            .await?)
    }

    /// Stops a recovery of this account that someone asked for and that still waits
    /// (`Me.recovery_pending_until`). Needs a passkey session (`StepUpRequired` otherwise);
    /// `NotFound` when none waits. The cached profile is read again, so that the warning
    /// goes from the offline home screen too.
    pub async fn cancel_recovery(&self) -> Result<(), AccountError> {
        self.core
            .api
            .post::<_, ()>(
                "/v1/me/recovery/cancel",
                &serde_json::json!({}),
                Auth::Bearer,
            )
            .await?;
        // Cancelled on the server whatever happens next; a cache left stale is refreshed by
        // the next `me()`.
        if let Err(error) = refresh_me(&self.core).await {
            tracing::info!(error = %error, "refreshing the profile after a cancelled recovery failed");
        }
        Ok(())
    }
}
