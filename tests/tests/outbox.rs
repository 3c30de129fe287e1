//! The mail outbox against a real SMTP server that the test starts and stops.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use healthbook_domain::Sensitive;
use healthbook_server::clock::{SharedClock, SystemClock};
use healthbook_server::mail::{
    Attachment, Composed, Composer, MailTransport, Mailer, Outbox, OutgoingEmail, RetryPolicy,
    TransportError, build_transport, enqueue, enqueue_composed, pending_count,
};
use healthbook_tests::smtp::SmtpServer;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, TransactionTrait};
use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

async fn database(dir: &tempfile::TempDir) -> DatabaseConnection {
    healthbook_tests::migrated_database(dir.path())
        .await
        .unwrap()
}

fn mailer(db: &DatabaseConnection, smtp: &SmtpServer) -> Mailer {
    let clock: SharedClock = Arc::new(SystemClock::default());
    Mailer::new(
        db.clone(),
        build_transport(Some(&smtp.url()), std::path::Path::new("unused")).unwrap(),
        "HealthBook <no-reply@healthbook.test>".parse().unwrap(),
        clock,
        RetryPolicy {
            base: chrono::Duration::milliseconds(100),
            max: chrono::Duration::milliseconds(400),
        },
    )
}

fn email(n: usize) -> OutgoingEmail {
    OutgoingEmail {
        recipient: Sensitive::new(format!("citizen{n}@example.vn")),
        subject: format!("Lịch hẹn số {n}"),
        body_text: format!("Xin chào, đây là thư số {n}."),
        body_html: None,
        attachments: vec![Attachment {
            filename: "hen.ics".to_owned(),
            content_type: "text/calendar; charset=utf-8".to_owned(),
            content_base64: "QkVHSU46VkNBTEVOREFS".to_owned(),
        }],
    }
}

async fn enqueue_all(db: &DatabaseConnection, count: usize) {
    let txn = db.begin().await.unwrap();
    for n in 0..count {
        enqueue(&txn, email(n), chrono::DateTime::UNIX_EPOCH)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
}

async fn wait_until(mut done: impl FnMut() -> bool, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

#[tokio::test]
async fn mail_survives_an_smtp_outage_and_goes_out_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    let mut smtp = SmtpServer::start().await.unwrap();
    smtp.stop();

    enqueue_all(&db, 5).await;
    let (stop, stopped) = watch::channel(false);
    let worker = tokio::spawn(mailer(&db, &smtp).run(stopped));

    // While the server is down every attempt fails, and nothing is lost.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(pending_count(&db).await.unwrap(), 5);
    assert!(smtp.received().is_empty());

    smtp.restart().await.unwrap();
    assert!(
        wait_until(|| smtp.received().len() >= 5, Duration::from_secs(20)).await,
        "only {} of 5 arrived",
        smtp.received().len()
    );
    // Let any erroneous duplicate arrive before counting.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.send(true).unwrap();
    worker.await.unwrap();

    let received = smtp.received();
    assert_eq!(received.len(), 5, "each message exactly once");
    let recipients: HashSet<_> = received.iter().map(|m| m.to.clone()).collect();
    assert_eq!(recipients.len(), 5);
    assert!(
        received
            .iter()
            .all(|m| m.subject.starts_with("Lịch hẹn số ")),
        "subjects keep their accents"
    );
    assert!(
        received
            .iter()
            .all(|m| m.attachments.iter().any(|(name, _, _)| name == "hen.ics"))
    );
    let ids: HashSet<_> = received
        .iter()
        .filter_map(|m| m.message_id.clone())
        .collect();
    assert_eq!(ids.len(), 5, "every message has its own Message-ID");
    assert_eq!(pending_count(&db).await.unwrap(), 0);
}

#[tokio::test]
async fn several_workers_never_send_a_message_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    let smtp = SmtpServer::start().await.unwrap();
    enqueue_all(&db, 30).await;

    let (stop, stopped) = watch::channel(false);
    let workers: Vec<_> = (0..3)
        .map(|_| tokio::spawn(mailer(&db, &smtp).run(stopped.clone())))
        .collect();
    assert!(wait_until(|| smtp.received().len() >= 30, Duration::from_secs(30)).await);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    let received = smtp.received();
    let ids: HashSet<_> = received
        .iter()
        .filter_map(|m| m.message_id.clone())
        .collect();
    assert_eq!(received.len(), 30, "no message twice");
    assert_eq!(ids.len(), 30);
}

/// Composes `email(n)` for the subjects it knows, numbered by their position; for the
/// subject `void`, finds nothing worth sending.
struct Numbered(Vec<uuid::Uuid>);

const VOID: uuid::Uuid = uuid::Uuid::from_u128(0x7e57);

#[async_trait::async_trait]
impl Composer for Numbered {
    async fn compose(
        &self,
        _db: &DatabaseConnection,
        subjects: &[uuid::Uuid],
        _now: chrono::DateTime<chrono::Utc>,
    ) -> Result<HashMap<uuid::Uuid, Composed>, DbErr> {
        Ok(subjects
            .iter()
            .filter_map(|s| {
                if *s == VOID {
                    return Some((*s, Composed::Nothing));
                }
                Some((
                    *s,
                    Composed::Mail(email(self.0.iter().position(|k| k == s)?)),
                ))
            })
            .collect())
    }
}

#[tokio::test]
async fn composed_mail_goes_out_and_a_mail_with_nothing_to_compose_waits() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    let smtp = SmtpServer::start().await.unwrap();
    let known: Vec<uuid::Uuid> = (0..3).map(|_| uuid::Uuid::new_v4()).collect();
    let txn = db.begin().await.unwrap();
    for subject in &known {
        enqueue_composed(&txn, "numbered", *subject, chrono::DateTime::UNIX_EPOCH)
            .await
            .unwrap();
    }
    let orphan = enqueue_composed(
        &txn,
        "numbered",
        uuid::Uuid::new_v4(),
        chrono::DateTime::UNIX_EPOCH,
    )
    .await
    .unwrap();
    let void = enqueue_composed(&txn, "numbered", VOID, chrono::DateTime::UNIX_EPOCH)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    enqueue_all(&db, 1).await;

    let worker = mailer(&db, &smtp).with_composer("numbered", Arc::new(Numbered(known)));
    assert_eq!(worker.deliver_batch().await.unwrap(), 6);
    let received = smtp.received();
    let mut subjects: Vec<_> = received.iter().map(|m| m.subject.clone()).collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            "Lịch hẹn số 0",
            "Lịch hẹn số 0",
            "Lịch hẹn số 1",
            "Lịch hẹn số 2"
        ],
        "three composed mails and the stored one"
    );
    assert!(
        received
            .iter()
            .all(|m| m.attachments.iter().any(|(name, _, _)| name == "hen.ics"))
    );
    // The row whose subject is gone is neither sent blank nor dropped: it fails and waits.
    let left = Outbox::find_by_id(orphan).one(&db).await.unwrap().unwrap();
    assert_eq!((left.sent_at, left.attempts), (None, 1));
    assert!(left.last_error.unwrap().contains("nothing to compose"));
    // The row with nothing worth sending (a code replaced meanwhile) is done, with no mail.
    let done = Outbox::find_by_id(void).one(&db).await.unwrap().unwrap();
    assert!(done.sent_at.is_some());
    assert_eq!(pending_count(&db).await.unwrap(), 1);
}

/// A mail server that takes its time over every message, and counts what it accepted.
struct Slow {
    per_message: Duration,
    accepted: std::sync::atomic::AtomicUsize,
}

struct SlowServer(Arc<Slow>);

#[async_trait::async_trait]
impl MailTransport for SlowServer {
    async fn send(&self, _message: lettre::Message) -> Result<(), TransportError> {
        tokio::time::sleep(self.0.per_message).await;
        self.0
            .accepted
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    fn describe(&self) -> String {
        "slow".to_owned()
    }
}

/// A worker with a two-second lease in front of a server that takes `per_message` a mail.
fn slow_mailer(db: &DatabaseConnection, per_message: Duration) -> (Mailer, Arc<Slow>) {
    let slow = Arc::new(Slow {
        per_message,
        accepted: Default::default(),
    });
    let clock: SharedClock = Arc::new(SystemClock::default());
    let worker = Mailer::new(
        db.clone(),
        Box::new(SlowServer(slow.clone())),
        "HealthBook <no-reply@healthbook.test>".parse().unwrap(),
        clock,
        RetryPolicy::default(),
    )
    .with_lease(chrono::Duration::seconds(2));
    (worker, slow)
}

/// Mail given back by a batch that ran long is claimable at once and not counted as an
/// attempt.
async fn assert_rest_released_untouched(db: &DatabaseConnection) {
    let rows = Outbox::find().all(db).await.unwrap();
    assert!(
        rows.iter()
            .filter(|r| r.sent_at.is_none())
            .all(|r| r.locked_until.is_none() && r.attempts == 0),
        "the rest is released untouched, not left locked"
    );
}

#[tokio::test]
async fn a_batch_that_outlasts_half_its_lease_gives_the_rest_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    enqueue_all(&db, 5).await;
    let (worker, slow) = slow_mailer(&db, Duration::from_millis(400));
    let worker = worker.with_parallel_sends(1);

    // One at a time, 400 ms a message against half a two-second lease: three go out, two go
    // back.
    assert_eq!(worker.deliver_batch().await.unwrap(), 5);
    assert_eq!(slow.accepted.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(pending_count(&db).await.unwrap(), 2);
    assert_rest_released_untouched(&db).await;
    // Released, they are claimable at once, not after the lease.
    assert_eq!(worker.deliver_batch().await.unwrap(), 2);
    assert_eq!(worker.deliver_batch().await.unwrap(), 0);
    assert_eq!(slow.accepted.load(std::sync::atomic::Ordering::SeqCst), 5);
    assert_eq!(pending_count(&db).await.unwrap(), 0);
}

#[tokio::test]
async fn a_batch_is_sent_several_mails_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    enqueue_all(&db, 16).await;
    let (worker, slow) = slow_mailer(&db, Duration::from_millis(300));

    // One at a time, only four of these would start within half the lease and the rest
    // would go back; eight at a time, all sixteen go out in two rounds.
    assert_eq!(worker.deliver_batch().await.unwrap(), 16);
    assert_eq!(slow.accepted.load(std::sync::atomic::Ordering::SeqCst), 16);
    assert_eq!(pending_count(&db).await.unwrap(), 0);
}

#[tokio::test]
async fn sends_in_parallel_still_stop_starting_at_half_the_lease() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    enqueue_all(&db, 32).await;
    let (worker, slow) = slow_mailer(&db, Duration::from_millis(800));
    let worker = worker.with_lease(chrono::Duration::seconds(4));

    // Eight at a time, 800 ms each: rounds start at 0, 0.8 and 1.6 s; the fourth would start
    // at 2.4 s, past half the four-second lease, so its eight go back untouched.
    assert_eq!(worker.deliver_batch().await.unwrap(), 32);
    assert_eq!(slow.accepted.load(std::sync::atomic::Ordering::SeqCst), 24);
    assert_eq!(pending_count(&db).await.unwrap(), 8);
    assert_rest_released_untouched(&db).await;
}

/// A composer whose database is gone.
struct Broken;

#[async_trait::async_trait]
impl Composer for Broken {
    async fn compose(
        &self,
        _db: &DatabaseConnection,
        _subjects: &[uuid::Uuid],
        _now: chrono::DateTime<chrono::Utc>,
    ) -> Result<HashMap<uuid::Uuid, Composed>, DbErr> {
        Err(DbErr::Custom("connection reset".to_owned()))
    }
}

#[tokio::test]
async fn a_failing_composer_fails_its_own_mail_and_the_rest_goes_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    let smtp = SmtpServer::start().await.unwrap();
    let txn = db.begin().await.unwrap();
    let composed = enqueue_composed(
        &txn,
        "broken",
        uuid::Uuid::new_v4(),
        chrono::DateTime::UNIX_EPOCH,
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    enqueue_all(&db, 2).await;

    let worker = mailer(&db, &smtp).with_composer("broken", Arc::new(Broken));
    assert_eq!(worker.deliver_batch().await.unwrap(), 3);
    assert_eq!(
        smtp.received().len(),
        2,
        "the stored mails are not held back"
    );
    let failed = Outbox::find_by_id(composed)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((failed.sent_at, failed.attempts), (None, 1));
    assert!(failed.last_error.unwrap().contains("connection reset"));
    assert!(
        failed.locked_until.is_none(),
        "it backs off instead of staying claimed"
    );
}

#[tokio::test]
async fn a_send_slower_than_a_quarter_lease_counts_as_failed_and_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir).await;
    enqueue_all(&db, 1).await;
    let (worker, slow) = slow_mailer(&db, Duration::from_millis(700));
    assert_eq!(worker.deliver_batch().await.unwrap(), 1);
    assert_eq!(slow.accepted.load(std::sync::atomic::Ordering::SeqCst), 0);
    let row = Outbox::find().one(&db).await.unwrap().unwrap();
    assert_eq!((row.sent_at, row.attempts), (None, 1));
    assert!(row.last_error.unwrap().contains("did not answer in time"));
}
