//! Outgoing mail: a durable outbox drained by a background worker.
//!
//! A capability writes its email into `mail_outbox` in the same transaction as the change
//! it reports, so a mail is never lost and never sent for a change that rolled back. The
//! worker claims one message at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
//! processes share the work), hands it to SMTP or to the mail directory, and marks it sent
//! only after the server accepted it; failures are retried with backoff.

mod entity;
mod outbox;
mod transport;
mod worker;

pub use entity::Model as OutboxRow;
pub use outbox::{Attachment, OutgoingEmail, enqueue, pending_count};
pub use transport::{MailTransport, build_transport};
pub use worker::{Mailer, RetryPolicy};
