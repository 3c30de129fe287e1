//! The background job that forgets what has outlived its purpose: idempotency records past
//! their retention and passkey ceremonies that expired unanswered. Every process runs it;
//! the deletes are idempotent, and a sweep that fails (two processes colliding) is retried
//! at the next.

use crate::auth::passkeys;
use crate::http::idempotency;
use crate::state::AppState;
use tokio::sync::watch;

/// How often the sweep runs (also once at start).
const EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// One sweep; failures are logged and retried at the next.
pub async fn sweep(state: &AppState) {
    let now = state.clock.now();
    match idempotency::forget_expired(&state.db, now).await {
        Ok(0) => {}
        Ok(forgotten) => {
            tracing::info!(
                idempotency.forgotten = forgotten,
                "expired idempotency records deleted"
            );
        }
        Err(error) => tracing::warn!(error = %error, "idempotency sweep failed; will retry"),
    }
    match passkeys::forget_expired_ceremonies(&state.db, now).await {
        Ok(0) => {}
        Ok(forgotten) => {
            tracing::info!(
                webauthn.forgotten = forgotten,
                "expired passkey ceremonies deleted"
            );
        }
        Err(error) => tracing::warn!(error = %error, "ceremony sweep failed; will retry"),
    }
}

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            break;
        }
        sweep(&state).await;
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("housekeeping stopped");
}
