//! The background job that forgets what has outlived its purpose: idempotency records past
//! their retention, passkey ceremonies that expired unanswered, and the text of mail sent
//! longer ago than the mail retention. Every process runs it;
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
    report(
        "idempotency records",
        idempotency::forget_expired(&state.db, now).await,
    );
    report(
        "passkey ceremonies",
        passkeys::forget_expired_ceremonies(&state.db, now).await,
    );
    report(
        "sent mail bodies",
        crate::mail::erase_sent_before(&state.db, now - state.config.mail_retention).await,
    );
}

fn report(what: &'static str, outcome: Result<u64, sea_orm::DbErr>) {
    match outcome {
        Ok(0) => {}
        Ok(forgotten) => tracing::info!(
            housekeeping.what = what,
            housekeeping.deleted = forgotten,
            "expired rows deleted"
        ),
        Err(error) => {
            tracing::warn!(housekeeping.what = what, error = %error, "sweep failed; will retry")
        }
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
