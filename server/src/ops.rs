//! Operational endpoints: liveness, readiness, metrics. Outside `/v1`: they are for
//! orchestrators and scrapers, not for apps, and they carry no personal data.

use crate::db;
use crate::error::{ApiError, PROBLEM_JSON};
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
}

/// Liveness: the process answers. It checks nothing else, so that a database outage does
/// not make an orchestrator restart every healthy process at once.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The process is alive", body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    /// `ok` or `down` for each dependency: `database`, and `redis` when configured.
    pub checks: BTreeMap<&'static str, &'static str>,
}

/// Readiness: the database (and Redis, when configured) answer within two seconds.
/// A 503 names what is down, so that the operator knows where to look.
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "A dependency is down; `checks` names it", content_type = "application/problem+json")
    ))]
pub async fn ready(State(state): State<AppState>) -> Response {
    let mut checks = BTreeMap::new();
    checks.insert(
        "database",
        if database_answers(&state).await {
            "ok"
        } else {
            "down"
        },
    );
    if state.cache.kind() == "redis" {
        let redis = tokio::time::timeout(CHECK_TIMEOUT, state.cache.ping()).await;
        checks.insert(
            "redis",
            if matches!(redis, Ok(Ok(()))) {
                "ok"
            } else {
                "down"
            },
        );
    }
    let down: Vec<&str> = checks
        .iter()
        .filter(|(_, status)| **status == "down")
        .map(|(name, _)| *name)
        .collect();
    if down.is_empty() {
        return Json(Readiness {
            status: "ok",
            checks,
        })
        .into_response();
    }
    let body = serde_json::json!({
        "type": "https://healthbook.vn/problems/not-ready",
        "title": "Service Unavailable",
        "status": 503,
        "code": "not_ready",
        "detail": format!("Not ready: {} down", down.join(", ")),
        "checks": checks,
    });
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, PROBLEM_JSON),
            (header::RETRY_AFTER, "5"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// While the circuit is open the answer is known without waiting; a ping that fails opens it.
async fn database_answers(state: &AppState) -> bool {
    if state.circuit.is_open() {
        return false;
    }
    let answered = matches!(
        tokio::time::timeout(CHECK_TIMEOUT, db::ping(&state.db)).await,
        Ok(Ok(()))
    );
    if !answered {
        state.circuit.trip();
    }
    answered
}

/// Prometheus text format: request counts and latency per route, pool and outbox gauges.
/// A 404 when `--metrics-listen` serves them on an address of their own.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "Prometheus text exposition", content_type = "text/plain"),
        (status = 404, description = "Metrics are served on a separate address", content_type = "application/problem+json")
    ))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    if state.config.metrics_listen.is_some() {
        return ApiError::not_found().into_response();
    }
    scrape(State(state)).await
}

/// The router of `--metrics-listen`: `/metrics` and nothing else.
pub fn metrics_router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(state)
}

async fn scrape(State(state): State<AppState>) -> Response {
    record_gauges(&state).await;
    let text = state
        .metrics
        .as_ref()
        .map(|h| h.render())
        .unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

async fn record_gauges(state: &AppState) {
    match state.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            metrics::gauge!("db_pool_connections").set(f64::from(pool.size()));
            metrics::gauge!("db_pool_idle_connections").set(pool.num_idle() as f64);
        }
        sea_orm::DbBackend::Sqlite => {
            let pool = state.db.get_sqlite_connection_pool();
            metrics::gauge!("db_pool_connections").set(f64::from(pool.size()));
            metrics::gauge!("db_pool_idle_connections").set(pool.num_idle() as f64);
        }
        _ => {}
    }
    if state.circuit.is_open() {
        return;
    }
    if let Ok(Ok(backlog)) =
        tokio::time::timeout(CHECK_TIMEOUT, mail::pending_count(&state.db)).await
    {
        metrics::gauge!("mail_outbox_backlog").set(backlog as f64);
    }
}
