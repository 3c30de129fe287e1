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
use crate::mail::{Composed, Composer, OutgoingEmail};
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
    ) -> Result<HashMap<Uuid, Composed>, DbErr> {
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
                Some((row.id, Composed::Mail(confirmation(&ctx, row, &policy))))
            })
            .collect())
    }
}

/// The confirmation of `row` as it was booked: stamped with the booking's moment and carrying
/// the calendar event's first revision, whenever the mail goes out. Had the appointment been
/// moved or cancelled before, that change's mail carries a higher SEQUENCE, so a calendar
/// that reads this confirmation late never lets it undo the change.
fn confirmation(
    ctx: &super::mails::MailContext,
    row: &appointment::Model,
    policy: &healthbook_domain::booking::Policy,
) -> OutgoingEmail {
    let as_booked = appointment::Model {
        revision: 0,
        ..row.clone()
    };
    appointment_mail(Kind::Confirmation, ctx, &as_booked, policy, row.created_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use healthbook_domain::Lang;
    use healthbook_domain::booking::Policy;

    fn moved_twice() -> appointment::Model {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        appointment::Model {
            id: Uuid::now_v7(),
            code: "7KQ2M9X4TZ8P".to_owned(),
            slot_id: Uuid::now_v7(),
            facility_id: Uuid::now_v7(),
            citizen_id: Uuid::now_v7(),
            booked_by: Uuid::now_v7(),
            service: "examination".to_owned(),
            specialty: None,
            practitioner_id: None,
            room: None,
            queue: "general".to_owned(),
            local_date: at("2026-12-10T01:00:00Z").date_naive(),
            starts_at: at("2026-12-10T01:00:00Z"),
            ends_at: at("2026-12-10T01:10:00Z"),
            queue_number: 4,
            status: "booked".to_owned(),
            active_key: None,
            revision: 2,
            reminder_due_at: None,
            reminder_sent_at: None,
            created_at: at("2026-12-01T03:00:00Z"),
            updated_at: at("2026-12-02T03:00:00Z"),
            cancelled_at: None,
            cancelled_by: None,
            cancel_reason: None,
            checked_in_at: None,
            no_show_at: None,
            called_at: None,
            served_at: None,
            near_notice_at: None,
            attended_by: None,
            vaccine: None,
        }
    }

    #[test]
    fn a_late_confirmation_is_the_first_revision_stamped_when_booked() {
        let ctx = super::super::mails::MailContext {
            booker_email: "an@example.vn".to_owned(),
            booker_name: "An".to_owned(),
            lang: Lang::En,
            citizen_name: "An".to_owned(),
            for_dependent: false,
            facility_name: "Trạm Y tế".to_owned(),
            facility_address: "Hà Nội".to_owned(),
            organizer_email: "no-reply@healthbook.test".to_owned(),
        };
        let mail = confirmation(&ctx, &moved_twice(), &Policy::default());
        let ics = base64::engine::general_purpose::STANDARD
            .decode(&mail.attachments[0].content_base64)
            .unwrap();
        let ics = String::from_utf8(ics).unwrap();
        assert!(ics.contains("SEQUENCE:0\r\n"), "{ics}");
        assert!(ics.contains("DTSTAMP:20261201T030000Z\r\n"), "{ics}");
    }
}
