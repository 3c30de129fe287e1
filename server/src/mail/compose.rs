//! Mail composed when it is sent.

use super::outbox::OutgoingEmail;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use std::collections::HashMap;
use uuid::Uuid;

/// Renders the mails of one template from the rows they are about, a whole batch at once so
/// that the worker reads the database once per batch, not once per mail.
#[async_trait::async_trait]
pub trait Composer: Send + Sync {
    /// The mails about `subjects`, keyed by subject, read from the database as it is `now`.
    /// A subject that no longer exists is left out; its mail fails and is retried.
    async fn compose(
        &self,
        db: &DatabaseConnection,
        subjects: &[Uuid],
        now: DateTime<Utc>,
    ) -> Result<HashMap<Uuid, OutgoingEmail>, DbErr>;
}
