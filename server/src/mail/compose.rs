//! Mail composed when it is sent.

use super::outbox::OutgoingEmail;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use std::collections::HashMap;
use uuid::Uuid;

/// What a composer makes of one outbox row.
#[derive(Debug)]
pub enum Composed {
    /// The mail to send.
    Mail(OutgoingEmail),
    /// Nothing is worth sending any more (a one-time code replaced by a newer one, or
    /// already used): the row is done without a mail.
    Nothing,
}

/// Renders the mails of one template from the rows they are about, a whole batch at once so
/// that the worker reads the database once per batch, not once per mail.
#[async_trait::async_trait]
pub trait Composer: Send + Sync {
    /// The mails about `subjects`, keyed by subject, read from the database as it is `now`.
    /// A subject left out fails its mail, which is retried.
    async fn compose(
        &self,
        db: &DatabaseConnection,
        subjects: &[Uuid],
        now: DateTime<Utc>,
    ) -> Result<HashMap<Uuid, Composed>, DbErr>;
}
