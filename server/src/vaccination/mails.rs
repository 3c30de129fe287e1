//! The mails vaccination sends, each in its recipient's language, through the outbox in the
//! transaction that causes them: the next dose proposed after a dose, the alert of a
//! serious reaction to the facility and the province's authorities, and the news that a
//! facility answered a citizen's feedback.
//!
//! The alert names the facility, the lot and the reaction's id, not the person or the
//! symptoms: the people alerted read those in the follow-up list, where access is decided
//! and logged.

use crate::auth::entities::{account, citizen, guardianship, staff_role};
use crate::auth::people::lang_of;
use crate::mail::{self, OutgoingEmail};
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::account::StaffRole;
use healthbook_domain::vaccine::doses::NextDose;
use healthbook_domain::{Lang, Sensitive};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The accounts that hear about `cid`'s doses: their own, else their guardians'. One query
/// for a person with an account, two for a child: this runs inside every dose's transaction.
pub async fn citizen_recipients(
    txn: &DatabaseTransaction,
    cid: Uuid,
    today: NaiveDate,
) -> Result<Vec<account::Model>, DbErr> {
    let own_account = Query::select()
        .column(citizen::Column::AccountId)
        .from(citizen::Entity)
        .and_where(citizen::Column::Id.eq(cid))
        .to_owned();
    let own = account::Entity::find()
        .filter(account::Column::Id.in_subquery(own_account))
        .all(txn)
        .await?;
    if !own.is_empty() {
        return Ok(own);
    }
    let guardians_accounts = Query::select()
        .column((citizen::Entity, citizen::Column::AccountId))
        .from(citizen::Entity)
        .inner_join(
            guardianship::Entity,
            Expr::col((guardianship::Entity, guardianship::Column::GuardianId))
                .equals((citizen::Entity, citizen::Column::Id)),
        )
        .and_where(guardianship::Column::DependentId.eq(cid))
        .cond_where(guardianship::in_force(today))
        .to_owned();
    account::Entity::find()
        .filter(account::Column::Id.in_subquery(guardians_accounts))
        .all(txn)
        .await
}

/// The administrators of `facility` and the authority accounts of its province (or of a
/// unit within it: a commune's authority hears of its own facilities too).
pub async fn alert_recipients(
    txn: &DatabaseTransaction,
    facility: Uuid,
    province: &str,
    commune: &str,
) -> Result<Vec<account::Model>, DbErr> {
    let roles = staff_role::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(staff_role::Column::Role.eq(StaffRole::FacilityAdmin.as_str()))
                        .add(staff_role::Column::FacilityId.eq(facility)),
                )
                .add(
                    Condition::all()
                        .add(staff_role::Column::Role.eq(StaffRole::Authority.as_str()))
                        .add(staff_role::Column::AdminUnit.is_in([province, commune])),
                ),
        )
        .all(txn)
        .await?;
    let mut ids: Vec<Uuid> = roles.into_iter().map(|r| r.account_id).collect();
    ids.sort();
    ids.dedup();
    account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .all(txn)
        .await
}

/// The subject and text proposing the next dose to `name`'s account.
pub fn next_dose_text(lang: Lang, name: &str, next: &NextDose) -> (String, String) {
    let vaccine = healthbook_domain::vaccine::entry(&next.vaccine);
    let earliest = next.earliest.format("%d/%m/%Y");
    match lang {
        Lang::Vi => (
            format!("Mũi tiêm tiếp theo: mũi {}", next.dose_number),
            format!(
                "Kính gửi {name},\n\nMũi {} của vắc xin {} có thể tiêm từ ngày {earliest}. \
                 Hãy đặt lịch trên ứng dụng HealthBook.\n\nHealthBook",
                next.dose_number,
                vaccine.map_or(next.vaccine.as_str(), |v| v.name_vi),
            ),
        ),
        Lang::En => (
            format!("Your next dose: dose {}", next.dose_number),
            format!(
                "Dear {name},\n\nDose {} of the {} vaccine may be given from {earliest}. \
                 Book it in the HealthBook app.\n\nHealthBook",
                next.dose_number,
                vaccine.map_or(next.vaccine.as_str(), |v| v.name_en),
            ),
        ),
    }
}

/// The subject and text of a serious reaction's alert.
pub fn serious_reaction_text(
    lang: Lang,
    facility_name: &str,
    lot: Uuid,
    reaction: Uuid,
) -> (String, String) {
    match lang {
        Lang::Vi => (
            format!("Phản ứng nặng sau tiêm chủng tại {facility_name}"),
            format!(
                "Một phản ứng nặng sau tiêm chủng vừa được báo cáo tại {facility_name} \
                 (lô vắc xin {lot}, báo cáo {reaction}). Xem danh sách theo dõi phản ứng \
                 của cơ sở và điều tra theo quy định.\n\nHealthBook"
            ),
        ),
        Lang::En => (
            format!("Serious reaction after immunization at {facility_name}"),
            format!(
                "A serious reaction after immunization was just reported at {facility_name} \
                 (vaccine lot {lot}, report {reaction}). See the facility's reaction \
                 follow-up list and investigate as required.\n\nHealthBook"
            ),
        ),
    }
}

/// The subject and text telling `name` that `facility_name` answered their feedback. The
/// answer itself is read in the app, signed in.
pub fn feedback_answered_text(lang: Lang, name: &str, facility_name: &str) -> (String, String) {
    match lang {
        Lang::Vi => (
            format!("{facility_name} đã trả lời phản ánh của bạn"),
            format!(
                "Kính gửi {name},\n\n{facility_name} đã trả lời phản ánh của bạn về tiêm chủng. \
                 Hãy xem câu trả lời trên ứng dụng HealthBook.\n\nHealthBook"
            ),
        ),
        Lang::En => (
            format!("{facility_name} answered your feedback"),
            format!(
                "Dear {name},\n\n{facility_name} answered your feedback on vaccination. \
                 Read the answer in the HealthBook app.\n\nHealthBook"
            ),
        ),
    }
}

/// A plain-text mail to `to`.
pub fn email(to: &str, (subject, body_text): (String, String)) -> OutgoingEmail {
    OutgoingEmail {
        recipient: Sensitive::new(to.to_owned()),
        subject,
        body_text,
        body_html: None,
        attachments: Vec::new(),
    }
}

/// Queues one mail to each of `accounts`, rendered in each one's language.
pub async fn send_each(
    txn: &DatabaseTransaction,
    accounts: &[account::Model],
    text: impl Fn(Lang, &str) -> (String, String),
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for account in accounts {
        let written = text(lang_of(account), &account.display_name);
        mail::enqueue(txn, email(&account.email, written), now).await?;
    }
    Ok(())
}
