//! The background worker that drains the outbox.

use super::compose::{Composed, Composer};
use super::entity::Model;
use super::outbox::{Attachment, OutgoingEmail, claim_due, mark_failed, mark_sent, release};
use super::transport::{MailTransport, without_addresses};
use crate::clock::SharedClock;
use crate::jobs::Shutdown;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Notify;
use uuid::Uuid;

/// How failed deliveries are retried: exponential from `base`, capped at `max`.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::seconds(2),
            max: Duration::minutes(5),
        }
    }
}

impl RetryPolicy {
    pub fn delay_after(&self, attempts: i32) -> Duration {
        let exponent = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
        let factor = 2_i32.saturating_pow(exponent);
        (self.base * factor).min(self.max)
    }
}

#[derive(Clone)]
pub struct Mailer {
    db: DatabaseConnection,
    transport: Arc<dyn MailTransport>,
    from: Mailbox,
    clock: SharedClock,
    wake: Arc<Notify>,
    retry: RetryPolicy,
    lease: Duration,
    parallel_sends: usize,
    composers: Vec<(&'static str, Arc<dyn Composer>)>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("transport", &self.transport.describe())
            .finish_non_exhaustive()
    }
}

/// How long a claim protects a message from other workers while it is being sent. Leases
/// are written with each process's own clock, so the servers of a deployment must keep their
/// clocks in agreement (NTP) to well within this.
const LEASE: Duration = Duration::seconds(60);
/// How many messages one claim takes: enough that the outbox's bookkeeping is two
/// statements per batch rather than per mail, few enough that a slow mail server still sends
/// the batch well within its lease.
const BATCH: u64 = 100;
/// A sent batch, sorted by what became of each mail.
#[derive(Default)]
struct BatchOutcome<'a> {
    sent: Vec<&'a Model>,
    /// Rows whose composer found nothing worth sending: done, without a mail.
    void: Vec<&'a Model>,
    failed: Vec<(&'a Model, String)>,
    given_back: Vec<&'a Model>,
}

/// How many mails of a batch are being sent at once (SMTP: connections of the pool).
const PARALLEL_SENDS: usize = 8;
/// How often an idle worker looks for mail enqueued by other processes.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

impl Mailer {
    pub fn new(
        db: DatabaseConnection,
        transport: Box<dyn MailTransport>,
        from: Mailbox,
        clock: SharedClock,
        retry: RetryPolicy,
    ) -> Mailer {
        Mailer {
            db,
            transport: Arc::from(transport),
            from,
            clock,
            wake: Arc::new(Notify::new()),
            retry,
            lease: LEASE,
            parallel_sends: PARALLEL_SENDS,
            composers: Vec::new(),
        }
    }

    /// Another lease than the default minute (tests of a slow mail server).
    pub fn with_lease(mut self, lease: Duration) -> Mailer {
        self.lease = lease;
        self
    }

    /// Another number of sends at once than the default eight (one: in order, as tests of
    /// the lease need).
    pub fn with_parallel_sends(mut self, parallel_sends: usize) -> Mailer {
        self.parallel_sends = parallel_sends.max(1);
        self
    }

    /// Registers the composer of the outbox rows that name `template`.
    pub fn with_composer(mut self, template: &'static str, composer: Arc<dyn Composer>) -> Mailer {
        self.composers.push((template, composer));
        self
    }

    /// Sends one mail now, outside the outbox: for the command line, whose mail carries a
    /// secret that must never be written to the database, and whose operator sees at once
    /// whether it went out.
    pub async fn send_now(&self, email: OutgoingEmail) -> Result<(), String> {
        let message = build_message(&self.from, Uuid::now_v7(), email)?;
        self.send_within_lease(message).await
    }

    /// Tells the worker that mail was committed, so it need not wait for the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn describe(&self) -> String {
        self.transport.describe()
    }

    /// Drains the outbox until `shutdown` turns true. A batch being sent when shutdown
    /// arrives is finished first: stopping mid-send could deliver mail without recording it.
    pub async fn run(self, mut shutdown: Shutdown) {
        tracing::info!(mail.transport = %self.transport.describe(), "mail worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            match self.deliver_batch().await {
                Ok(0) => {}
                Ok(_) => continue,
                Err(error) => tracing::warn!(error = %error, "mail worker cannot reach the outbox"),
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// Sends the next due messages, up to a batch; returns how many it claimed (sent,
    /// failed, or given back when the batch ran long). The batch is recorded once its sends
    /// are through: what went out first, in one statement (only a crash before it resends
    /// those after the lease, under the same Message-ID), then what goes back, then each
    /// failure; a database error at one step does not skip the others.
    pub async fn deliver_batch(&self) -> Result<usize, sea_orm::DbErr> {
        let claimed_at = self.clock.now();
        let claimed = claim_due(&self.db, claimed_at, self.lease, BATCH).await?;
        let mut composed = self.compose(&claimed).await;
        let outcome = self.send_all(&claimed, &mut composed, claimed_at).await;
        // One line per batch: under load a line per mail is most of the log. Each mail's own
        // line is at debug; failures are logged one by one.
        if !outcome.sent.is_empty() {
            tracing::info!(
                mail.sent = outcome.sent.len(),
                mail.claimed = claimed.len(),
                "mail batch sent"
            );
        }
        let recorded = mark_sent(&self.db, &outcome.sent, self.clock.now()).await;
        if recorded.is_ok() {
            metrics::counter!("mail_sent_total").increment(outcome.sent.len() as u64);
        }
        let voided = mark_sent(&self.db, &outcome.void, self.clock.now()).await;
        let released = release(&self.db, &outcome.given_back).await;
        let mut failures_recorded = Ok(());
        for (message, error) in outcome.failed {
            let error = without_addresses(&error);
            let retry_at = self.clock.now() + self.retry.delay_after(message.attempts);
            metrics::counter!("mail_failures_total").increment(1);
            tracing::warn!(
                mail.id = %message.id,
                mail.attempt = message.attempts + 1,
                mail.retry_at = %retry_at,
                error = %error,
                "mail delivery failed; will retry"
            );
            if failures_recorded.is_ok() {
                failures_recorded = mark_failed(&self.db, message, &error, retry_at).await;
            }
        }
        recorded.and(voided).and(released).and(failures_recorded)?;
        Ok(claimed.len())
    }

    /// Sends a claimed batch, several mails at a time, and sorts it by outcome; writes
    /// nothing.
    async fn send_all<'a>(
        &self,
        claimed: &'a [Model],
        composed: &mut HashMap<Uuid, Result<Composed, String>>,
        claimed_at: DateTime<Utc>,
    ) -> BatchOutcome<'a> {
        // By position in `claimed`: a stream of borrowed rows would not be `Send` for the
        // spawned worker (a higher-ranked lifetime the compiler cannot prove).
        let mut sorted = BatchOutcome::default();
        let mut built: Vec<(usize, Result<Message, String>)> = Vec::with_capacity(claimed.len());
        for (at, message) in claimed.iter().enumerate() {
            let email = match &message.template {
                Some(template) => composed.remove(&message.id).unwrap_or_else(|| {
                    Err(format!("template {template}: nothing to compose from"))
                }),
                None => stored(message).map(Composed::Mail),
            };
            match email {
                Ok(Composed::Nothing) => sorted.void.push(message),
                Ok(Composed::Mail(email)) => {
                    built.push((at, build_message(&self.from, message.id, email)));
                }
                Err(error) => built.push((at, Err(error))),
            }
        }
        // Several sends at once: one at a time, a mail server a few milliseconds away caps
        // the outbox at a few hundred mails a second.
        let mut outcomes = futures::stream::iter(built)
            .map(|(at, built)| async move {
                // The batch must not outlast its lease, or another worker would claim and
                // send the same mail again: a send that would start past half the lease is
                // given back, and no single send may take more than a quarter of it.
                if self.clock.now() - claimed_at > self.lease / 2 {
                    return (at, None);
                }
                let outcome = match built {
                    Ok(built) => self.send_within_lease(built).await,
                    Err(error) => Err(error),
                };
                (at, Some(outcome))
            })
            .buffer_unordered(self.parallel_sends);
        while let Some((at, outcome)) = outcomes.next().await {
            let message = &claimed[at];
            match outcome {
                Some(Ok(())) => {
                    tracing::debug!(mail.id = %message.id, mail.attempt = message.attempts + 1, "mail sent");
                    sorted.sent.push(message);
                }
                Some(Err(error)) => sorted.failed.push((message, error)),
                None => sorted.given_back.push(message),
            }
        }
        sorted
    }

    async fn send_within_lease(&self, message: Message) -> Result<(), String> {
        let limit = (self.lease / 4)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(15));
        match tokio::time::timeout(limit, self.transport.send(message)).await {
            Ok(result) => result.map_err(|e| e.to_string()),
            Err(_) => Err("the mail server did not answer in time".to_owned()),
        }
    }

    /// Composes the claimed rows that name a template, one composer call per template;
    /// keyed by outbox id. A composer that fails fails its rows, which back off and retry,
    /// and leaves the rest of the batch to go out.
    async fn compose(&self, claimed: &[Model]) -> HashMap<Uuid, Result<Composed, String>> {
        let mut out = HashMap::new();
        for (template, composer) in &self.composers {
            let rows: Vec<(Uuid, Uuid)> = claimed
                .iter()
                .filter(|row| row.template.as_deref() == Some(template))
                .filter_map(|row| Some((row.id, row.template_ref?)))
                .collect();
            if rows.is_empty() {
                continue;
            }
            let subjects: Vec<Uuid> = rows.iter().map(|(_, about)| *about).collect();
            match composer
                .compose(&self.db, &subjects, self.clock.now())
                .await
            {
                Ok(mut mails) => {
                    for (id, about) in rows {
                        if let Some(mail) = mails.remove(&about) {
                            out.insert(id, Ok(mail));
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(mail.template = %template, error = %error, "cannot compose mail; will retry");
                    for (id, _) in rows {
                        out.insert(id, Err(format!("template {template}: {error}")));
                    }
                }
            }
        }
        out
    }
}

/// The mail as the row holds it, rendered when it was enqueued.
fn stored(row: &Model) -> Result<OutgoingEmail, String> {
    let attachments: Vec<Attachment> = match &row.attachments {
        Some(json) => serde_json::from_str(json).map_err(|e| format!("bad attachments: {e}"))?,
        None => Vec::new(),
    };
    Ok(OutgoingEmail {
        recipient: healthbook_domain::Sensitive::new(row.recipient.clone()),
        subject: row.subject.clone(),
        body_text: row.body_text.clone(),
        body_html: row.body_html.clone(),
        attachments,
    })
}

/// The Message-ID is derived from the outbox id, so a resend after a crash between the
/// server's acceptance and our bookkeeping is recognisable as the same message.
fn build_message(from: &Mailbox, id: Uuid, email: OutgoingEmail) -> Result<Message, String> {
    let to: Mailbox = email
        .recipient
        .into_inner()
        .parse()
        .map_err(|e| format!("invalid recipient: {e}"))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject)
        .message_id(Some(format!("<{id}@healthbook>")));

    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(email.body_text);
    let mut body = match email.body_html {
        Some(html) => MultiPart::alternative().singlepart(text).singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(html),
        ),
        None => MultiPart::mixed().singlepart(text),
    };
    if !email.attachments.is_empty() {
        body = MultiPart::mixed().multipart(body);
        for attachment in email.attachments {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&attachment.content_base64)
                .map_err(|e| format!("bad attachment encoding: {e}"))?;
            let content_type = ContentType::parse(&attachment.content_type)
                .map_err(|e| format!("bad attachment type: {e}"))?;
            body = body.singlepart(
                lettre::message::Attachment::new(attachment.filename).body(bytes, content_type),
            );
        }
    }
    builder.multipart(body).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_and_is_capped() {
        let policy = RetryPolicy {
            base: Duration::seconds(2),
            max: Duration::seconds(60),
        };
        assert_eq!(policy.delay_after(0), Duration::seconds(2));
        assert_eq!(policy.delay_after(1), Duration::seconds(4));
        assert_eq!(policy.delay_after(4), Duration::seconds(32));
        assert_eq!(policy.delay_after(5), Duration::seconds(60));
        assert_eq!(policy.delay_after(1000), Duration::seconds(60));
    }
}
