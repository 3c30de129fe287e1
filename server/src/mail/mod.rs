//! Outgoing mail: a durable outbox drained by a background worker.
//!
//! A capability writes its email into `mail_outbox` in the same transaction as the change
//! it reports, so a mail is never lost and never sent for a change that rolled back. It
//! writes either the rendered mail or, where the change must stay one cheap statement (a
//! booking), a row naming a template that a registered [`Composer`] renders at send time.
//! The worker claims a batch at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
//! processes share the work), hands each mail to SMTP or to the mail directory, and marks
//! them sent only after the server accepted them; failures are retried with backoff.

mod compose;
mod entity;
mod outbox;
mod transport;
mod worker;

pub use compose::{Composed, Composer};
pub use entity::{Entity as Outbox, Model as OutboxRow};
pub use outbox::{
    Attachment, OutgoingEmail, enqueue, enqueue_composed, erase_sent_before, pending_count,
};
pub use transport::{MailTransport, TransportError, build_transport};
pub use worker::{Mailer, RetryPolicy};
