//! The background job that forgets what has outlived its purpose: idempotency records past
//! their retention, passkey ceremonies that expired unanswered, and the text of mail sent
//! longer ago than the mail retention. Every process runs it;
//! the deletes are idempotent, and a sweep that fails (two processes colliding) is retried
//! at the next. Once per process, until it succeeds, it also fills in the residences of
//! books whose section I predates that index (`book::residences`).

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

/// Fills in missing residences; whether it is done.
async fn backfill_residences(state: &AppState) -> bool {
    match crate::book::residences::backfill(&state.db).await {
        Ok(written) => {
            if written > 0 {
                tracing::info!(
                    housekeeping.what = "residences",
                    housekeeping.written = written,
                    "residences filled in from section I"
                );
            }
            true
        }
        Err(error) => {
            tracing::warn!(housekeeping.what = "residences", error = %error, "backfill failed; will retry");
            false
        }
    }
}

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let mut backfilled = false;
    loop {
        if *shutdown.borrow() {
            break;
        }
        if !backfilled {
            backfilled = backfill_residences(&state).await;
        }
        sweep(&state).await;
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("housekeeping stopped");
}
