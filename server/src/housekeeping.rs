//! The background job that forgets what has outlived its purpose: idempotency records past
//! their retention. Every process runs it; the deletes are idempotent, so two processes
//! sweeping at once only share the work.

use crate::http::idempotency;
use crate::state::AppState;
use tokio::sync::watch;

/// How often the sweep runs (also once at start).
const EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            break;
        }
        match idempotency::forget_expired(&state.db, state.clock.now()).await {
            Ok(0) => {}
            Ok(forgotten) => {
                tracing::info!(
                    idempotency.forgotten = forgotten,
                    "expired idempotency records deleted"
                );
            }
            Err(error) => tracing::warn!(error = %error, "idempotency sweep failed; will retry"),
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("housekeeping stopped");
}
