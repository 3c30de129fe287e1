//! What every handler may reach: cheap to clone, built once at start.

use crate::auth::actor::Actor;
use crate::auth::registry::PopulationRegistry;
use crate::authz::{Action, Relationship, Resource};
use crate::cache::Cache;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::error::ApiError;
use crate::mail::Mailer;
use healthbook_domain::book::AccessAction;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::ConnectionTrait;
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

impl AppState {
    /// The one way a handler asks whether `actor` may do `action` to `resource`. The day is
    /// Việt Nam's calendar date, read once from the clock here, as the phone's core reads it:
    /// ages and guardianships (which end on the 18th birthday) turn at local midnight on both.
    /// What must happen on every access (the access-log entry, consent) is added here.
    pub async fn authorize(
        &self,
        actor: &Actor,
        action: Action,
        resource: Resource,
    ) -> Result<Relationship, ApiError> {
        self.authorize_in(&self.db, actor, action, resource).await
    }

    /// As [`AppState::authorize`], inside the caller's transaction, for a decision that must
    /// hold for what the transaction then writes.
    pub async fn authorize_in(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        action: Action,
        resource: Resource,
    ) -> Result<Relationship, ApiError> {
        let now = self.clock.now();
        let today = healthbook_domain::booking::time::local_date(now);
        let relationship = crate::authz::authorize(db, actor, action, resource, now, today).await?;
        if let (Resource::Record { citizen, .. }, Relationship::Record(grant)) =
            (resource, relationship)
        {
            let logged = match action {
                Action::WriteHealthRecord => AccessAction::Write,
                _ => AccessAction::Read,
            };
            crate::authz::record::log_access(db, actor, citizen, &grant, logged, now).await?;
        }
        Ok(relationship)
    }
}

impl AppState {
    /// A read of `cid`'s book: decides access as [`AppState::authorize`] does, then runs
    /// `read` with the grant while the access-log line is written beside it, on another
    /// connection, so the read does not wait for the line's commit. Both always run to the
    /// end, and the answer waits for both: a read whose line cannot be written is refused.
    pub async fn read_record<T>(
        &self,
        actor: &Actor,
        cid: uuid::Uuid,
        sections: healthbook_domain::book::Sections,
        read: impl AsyncFnOnce(crate::authz::RecordGrant) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let now = self.clock.now();
        let today = healthbook_domain::booking::time::local_date(now);
        let resource = Resource::Record {
            citizen: cid,
            sections,
        };
        let grant = crate::authz::authorize(
            &self.db,
            actor,
            Action::ReadHealthRecord,
            resource,
            now,
            today,
        )
        .await?
        .record()?;
        let log =
            crate::authz::record::log_access(&self.db, actor, cid, &grant, AccessAction::Read, now);
        let (answer, logged) = tokio::join!(read(grant), log);
        logged?;
        answer
    }
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
