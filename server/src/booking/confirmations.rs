//! Booking confirmations, composed when the mail worker sends them.
//!
//! A booking only queues a row naming [`TEMPLATE`] and the appointment (on PostgreSQL from
//! inside `book_slot`, which spells the same name), so that the booking stays one statement.
//! The worker hands a batch of such rows to [`Confirmations`], which reads the appointments
//! and the people and facilities they name in four queries for the whole batch.

use super::appointments::mail_context;
use super::entities::{appointment, facility};
use super::mails::{Kind, appointment_mail};
use super::settings;
use crate::auth::entities::{account, citizen};
use crate::mail::{Composer, OutgoingEmail};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

/// The outbox template of a booking confirmation.
pub const TEMPLATE: &str = "appointment_confirmation";

#[derive(Debug, Clone)]
pub struct Confirmations {
    /// The sender's address, the organiser of the calendar event.
    pub organizer_email: String,
}

async fn by_id<E>(
    db: &DatabaseConnection,
    column: E::Column,
    ids: impl IntoIterator<Item = Uuid>,
    id_of: impl Fn(&E::Model) -> Uuid,
) -> Result<HashMap<Uuid, E::Model>, DbErr>
where
    E: EntityTrait,
{
    Ok(E::find()
        .filter(column.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (id_of(&row), row))
        .collect())
}

#[async_trait::async_trait]
impl Composer for Confirmations {
    async fn compose(
        &self,
        db: &DatabaseConnection,
        subjects: &[Uuid],
        now: DateTime<Utc>,
    ) -> Result<HashMap<Uuid, OutgoingEmail>, DbErr> {
        let policy = settings::current(db, now).await?;
        let rows = appointment::Entity::find()
            .filter(appointment::Column::Id.is_in(subjects.iter().copied()))
            .all(db)
            .await?;
        let bookers = by_id::<account::Entity>(
            db,
            account::Column::Id,
            rows.iter().map(|r| r.booked_by),
            |a| a.id,
        )
        .await?;
        let people = by_id::<citizen::Entity>(
            db,
            citizen::Column::Id,
            rows.iter().map(|r| r.citizen_id),
            |c| c.id,
        )
        .await?;
        let facilities = by_id::<facility::Entity>(
            db,
            facility::Column::Id,
            rows.iter().map(|r| r.facility_id),
            |f| f.id,
        )
        .await?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let ctx = mail_context(
                    bookers.get(&row.booked_by)?,
                    people.get(&row.citizen_id)?,
                    facilities.get(&row.facility_id)?,
                    &self.organizer_email,
                );
                // Stamped with the booking's moment, whenever the mail goes out.
                let mail = appointment_mail(Kind::Confirmation, &ctx, row, &policy, row.created_at);
                Some((row.id, mail))
            })
            .collect())
    }
}
