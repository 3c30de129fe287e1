//! Fast failure while the database is unreachable.
//!
//! Without it every request waits for the pool's whole acquire timeout (five seconds) before
//! its 503, so an outage holds every client, and every server task, for five seconds a
//! request. Once a request has found the database unreachable the circuit opens: requests
//! that need the database are answered 503 at once, `/ready` says `database: down` at once,
//! and a background probe (a job of `serve`) tries the database every second and closes the
//! circuit by itself the first time it answers.

use crate::db;
use crate::error::ApiError;
use crate::jobs::Shutdown;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

const PROBE_EVERY: Duration = Duration::from_secs(1);
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// Marks a response whose request failed for want of the database (set by the problem
/// renderer, read by [`guard`]).
#[derive(Debug, Clone, Copy)]
pub struct DatabaseUnreachable;

/// Whether this error means the database could not be reached (rather than a query failing).
pub fn is_unreachable(error: &DbErr) -> bool {
    matches!(error, DbErr::ConnectionAcquire(_) | DbErr::Conn(_))
}

#[derive(Clone)]
pub struct Circuit(Arc<Inner>);

struct Inner {
    open: AtomicBool,
    /// Wakes the probe when the circuit opens.
    tripped: Notify,
    db: DatabaseConnection,
}

impl Circuit {
    pub fn new(db: DatabaseConnection) -> Circuit {
        Circuit(Arc::new(Inner {
            open: AtomicBool::new(false),
            tripped: Notify::new(),
            db,
        }))
    }

    pub fn is_open(&self) -> bool {
        self.0.open.load(Ordering::Acquire)
    }

    /// Opens the circuit (once, however many requests failed together) and wakes the probe
    /// that will close it.
    pub fn trip(&self) {
        if self.0.open.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!("database unreachable: answering 503 at once until it is back");
        metrics::counter!("db_circuit_opened_total").increment(1);
        self.0.tripped.notify_one();
    }

    /// The probe: sleeps until the circuit opens, then pings the database every second
    /// until it answers, and again; until shutdown.
    pub async fn probe(self, mut shutdown: Shutdown) {
        loop {
            tokio::select! {
                () = self.0.tripped.notified() => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            while self.is_open() {
                tokio::select! {
                    () = tokio::time::sleep(PROBE_EVERY) => {}
                    _ = shutdown.wait_for(|stop| *stop) => return,
                }
                if let Ok(Ok(())) = tokio::time::timeout(PROBE_TIMEOUT, db::ping(&self.0.db)).await
                {
                    self.0.open.store(false, Ordering::Release);
                    tracing::info!("database reachable again");
                }
            }
        }
    }
}

/// Routes that never touch the database: they keep answering during an outage (`/ready`
/// answers from the circuit itself).
pub fn needs_database(path: &str) -> bool {
    !(matches!(path, "/health" | "/ready" | "/metrics" | "/openapi.json")
        || path.starts_with("/docs")
        || path.starts_with("/.well-known/"))
}

/// The middleware: refuses at once while the circuit is open, and opens it when a request
/// found the database unreachable.
pub async fn guard(State(circuit): State<Circuit>, request: Request, next: Next) -> Response {
    if circuit.is_open() && needs_database(request.uri().path()) {
        return ApiError::unavailable_now("database")
            .with_retry_after(PROBE_EVERY)
            .into_response();
    }
    let response = next.run(request).await;
    if response.extensions().get::<DatabaseUnreachable>().is_some() {
        circuit.trip();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operational_routes_do_without_the_database() {
        for path in [
            "/health",
            "/ready",
            "/metrics",
            "/openapi.json",
            "/docs/",
            "/.well-known/assetlinks.json",
        ] {
            assert!(!needs_database(path), "{path}");
        }
        for path in [
            "/v1/facilities",
            "/v1/auth/otp/start",
            "/v1/trust-list",
            "/nowhere",
        ] {
            assert!(needs_database(path), "{path}");
        }
    }
}
