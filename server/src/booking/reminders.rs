//! The booking job that `serve` runs beside the mail worker: reminders a day before each
//! appointment, the places of lapsed holds (passed on to the next person waiting, or back to
//! the slot), and the rolling slot horizon.
//!
//! A reminder is claimed by setting `reminder_sent_at` in the same statement that selects it
//! (`… FOR UPDATE SKIP LOCKED` on PostgreSQL, where several processes run this job), and its
//! mail is written to the outbox in that transaction: two processes never send one reminder
//! twice, and a reminder is never marked sent without its mail.

use super::appointments::{context, organizer_email};
use super::entities::appointment;
use super::mails::{self, Kind};
use super::settings;
use super::slots::extend_horizon;
use crate::db::BeginWrite;
use crate::error::ApiError;
use crate::jobs::Shutdown;
use crate::mail;
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::booking::AppointmentStatus;
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// How often the job looks for due reminders.
const POLL: std::time::Duration = std::time::Duration::from_secs(10);
/// How often the slot horizon is extended (also once at start).
const EXTEND_EVERY: Duration = Duration::hours(1);
/// Reminders claimed per transaction.
const BATCH: u64 = 100;

/// Claims due reminders and writes their mails, one batch per transaction, until none is due
/// or a stop is asked for (a large backlog must not outlast the shutdown's grace; the rest
/// waits for the next start). Returns how many were claimed.
pub async fn send_due_reminders(
    state: &AppState,
    now: DateTime<Utc>,
    shutdown: &Shutdown,
) -> Result<usize, ApiError> {
    // Look before claiming: the claim is a write, and most polls find nothing due.
    let any_due = appointment::Entity::find()
        .filter(appointment::Column::Status.eq(AppointmentStatus::Booked.as_str()))
        .filter(appointment::Column::ReminderSentAt.is_null())
        .filter(appointment::Column::ReminderDueAt.lte(now))
        .filter(appointment::Column::StartsAt.gt(now))
        .one(&state.db)
        .await?;
    if any_due.is_none() {
        return Ok(0);
    }
    let policy = settings::current(&state.db, now).await?;
    let organizer = organizer_email(state);
    let mut total = 0;
    loop {
        let txn = state.db.begin_write().await?;
        let mut due = Query::select();
        due.column(appointment::Column::Id)
            .from(appointment::Entity)
            .and_where(
                Expr::col(appointment::Column::Status).eq(AppointmentStatus::Booked.as_str()),
            )
            .and_where(Expr::col(appointment::Column::ReminderSentAt).is_null())
            .and_where(Expr::col(appointment::Column::ReminderDueAt).lte(now))
            .and_where(Expr::col(appointment::Column::StartsAt).gt(now))
            .order_by(appointment::Column::ReminderDueAt, sea_orm::Order::Asc)
            .limit(BATCH)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        let claimed = appointment::Entity::update_many()
            .col_expr(appointment::Column::ReminderSentAt, Expr::value(now))
            .filter(appointment::Column::Id.in_subquery(due))
            .filter(appointment::Column::ReminderSentAt.is_null())
            .exec_with_returning(&txn)
            .await?;
        for row in &claimed {
            let ctx = context(&txn, row, &organizer).await?;
            mail::enqueue(
                &txn,
                mails::appointment_mail(Kind::Reminder, &ctx, row, &policy, now),
                now,
            )
            .await?;
        }
        txn.commit().await?;
        total += claimed.len();
        if (claimed.len() as u64) < BATCH || *shutdown.borrow() {
            return Ok(total);
        }
    }
}

/// Runs until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: Shutdown) {
    let mut extended_at: Option<DateTime<Utc>> = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let now = state.clock.now();
        match send_due_reminders(&state, now, &shutdown).await {
            Ok(0) => {}
            Ok(sent) => {
                state.mailer.wake();
                tracing::info!(booking.reminders = sent, "appointment reminders queued");
            }
            Err(error) => {
                tracing::warn!(error = %error.source.as_ref().map(|s| format!("{s:#}")).unwrap_or_default(), "booking reminders failed; will retry");
            }
        }
        match super::holds::give_back_lapsed(&state.db, now).await {
            Ok(0) => {}
            Ok(given) => {
                state.mailer.wake();
                tracing::info!(
                    booking.lapsed_holds = given,
                    "lapsed holds' places given on"
                );
            }
            Err(error) => {
                tracing::warn!(error = %error, "giving back lapsed holds failed; will retry")
            }
        }
        if extended_at.is_none_or(|at| now - at >= EXTEND_EVERY || now < at) {
            let horizon = match settings::current(&state.db, now).await {
                Ok(policy) => policy.horizon_days,
                Err(_) => healthbook_domain::booking::Policy::default().horizon_days,
            };
            match extend_horizon(&state.db, now, horizon).await {
                Ok(created) => {
                    extended_at = Some(now);
                    tracing::info!(booking.slots_created = created, "slot horizon checked");
                }
                Err(error) => tracing::warn!(error = %error, "extending the slot horizon failed"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("booking job stopped");
}
