//! What every handler may reach: cheap to clone, built once at start.

use crate::auth::registry::PopulationRegistry;
use crate::cache::Cache;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::mail::Mailer;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use webauthn_rs::prelude::Webauthn;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// Open while the database is unreachable: requests are answered 503 at once.
    pub circuit: crate::db_circuit::Circuit,
    pub cache: Cache,
    pub mailer: Mailer,
    pub config: Arc<Config>,
    pub clock: SharedClock,
    pub metrics: Option<PrometheusHandle>,
    pub webauthn: Arc<Webauthn>,
    pub registry: Arc<dyn PopulationRegistry>,
    pub certificates: Arc<crate::certificates::CertificateService>,
    /// Seals the session snapshots the cache holds.
    pub snapshot_key: Arc<crate::auth::session::SnapshotKey>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("cache", &self.cache.kind())
            .field("mailer", &self.mailer)
            .field("registry", &self.registry.describe())
            .finish_non_exhaustive()
    }
}
