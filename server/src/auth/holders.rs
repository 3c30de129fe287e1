//! Who may take an identification number that already has a record.
//!
//! A number is the key of a person's health book, so whoever holds it holds the book. The
//! rules, one place for registration and for adding a dependent:
//! - a dependent's record (no account of its own) is claimed by the person it describes,
//!   with the same name and date of birth; while a guardian still looks after it, only an
//!   adult whose details the population registry confirms may claim it, and the guardians
//!   are told;
//! - a holder the registry never confirmed loses the number to the registry-confirmed owner
//!   (an unverified record cannot squat a number), and support keeps the trail;
//! - anything else is held: the request gets the answer a fresh one would get, and the
//!   people concerned learn by mail.

use super::audit::{self, Event, Record};
use super::entities::{account, citizen, guardianship, national_id_displacement};
use super::mails;
use super::people::lang_of;
use crate::mail;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::account::{ADULT_AGE, age_on};
use rand::Rng;
use rand::distr::Alphanumeric;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter,
};
use uuid::Uuid;

/// Who is asking for the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimant {
    /// A person registering their own account.
    Registrant,
    /// A citizen adding a child as a dependent.
    Guardian,
}

/// The details the claimant gave, and whether the registry confirmed them.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub claimant: Claimant,
    pub full_name: &'a str,
    pub date_of_birth: NaiveDate,
    pub registry_confirmed: bool,
}

/// What becomes of the number's current record.
#[derive(Debug)]
pub enum Holder {
    /// No record has the number.
    Free,
    /// The record is the claimant's to take.
    Claimable(citizen::Model),
    /// The record's holder was never confirmed; the confirmed owner takes the number.
    Displaceable(citizen::Model),
    /// Someone else holds it.
    Held(citizen::Model),
}

fn same_person(row: &citizen::Model, claim: &Claim<'_>) -> bool {
    row.date_of_birth == claim.date_of_birth
        && healthbook_domain::text::fold(&row.full_name)
            == healthbook_domain::text::fold(claim.full_name)
}

/// The guardianships of `dependent` still in force on `today`.
pub async fn active_guardianships(
    db: &impl ConnectionTrait,
    dependent: Uuid,
    today: NaiveDate,
) -> Result<Vec<guardianship::Model>, DbErr> {
    guardianship::Entity::find()
        .filter(guardianship::Column::DependentId.eq(dependent))
        .filter(guardianship::in_force(today))
        .all(db)
        .await
}

/// Decides who the record holding `number` belongs to for this claim.
pub async fn holder_of(
    db: &impl ConnectionTrait,
    number: &str,
    claim: &Claim<'_>,
    today: NaiveDate,
) -> Result<Holder, DbErr> {
    let Some(row) = citizen::Entity::find()
        .filter(citizen::Column::NationalId.eq(number))
        .one(db)
        .await?
    else {
        return Ok(Holder::Free);
    };
    let guarded = !active_guardianships(db, row.id, today).await?.is_empty();
    let unclaimed = row.account_id.is_none() && same_person(&row, claim);
    let claimable = match claim.claimant {
        Claimant::Registrant if unclaimed && guarded => {
            claim.registry_confirmed && age_on(claim.date_of_birth, today) >= ADULT_AGE
        }
        Claimant::Registrant => unclaimed,
        Claimant::Guardian => unclaimed && !guarded,
    };
    Ok(if claimable {
        Holder::Claimable(row)
    } else if row.verification != "verified" && claim.registry_confirmed {
        Holder::Displaceable(row)
    } else {
        Holder::Held(row)
    })
}

/// Takes the number off an unconfirmed record for its confirmed owner: the record keeps
/// everything else under a placeholder that is no number (a `~` and eleven letters), the
/// old number is kept for support, and the holder's account is told.
pub async fn displace(
    txn: &DatabaseTransaction,
    row: &citizen::Model,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let placeholder: String = std::iter::once('~')
        .chain(
            rand::rng()
                .sample_iter(&Alphanumeric)
                .take(11)
                .map(char::from),
        )
        .collect();
    citizen::Entity::update_many()
        .col_expr(citizen::Column::NationalId, Expr::value(placeholder))
        .col_expr(citizen::Column::UpdatedAt, Expr::value(now))
        .filter(citizen::Column::Id.eq(row.id))
        .exec(txn)
        .await?;
    national_id_displacement::Entity::insert(national_id_displacement::ActiveModel {
        id: Set(Uuid::now_v7()),
        citizen_id: Set(row.id),
        national_id: Set(row.national_id.clone()),
        displaced_by: Set(by),
        at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    if let Some(holder) = account_of(txn, row).await? {
        audit::record(
            txn,
            Record::of(holder.id, Event::NationalIdDisplaced)
                .by(by)
                .with(serde_json::json!({ "citizen_id": row.id })),
            now,
        )
        .await?;
        mail::enqueue(
            txn,
            mails::national_id_displaced(&holder.email, &holder.display_name, lang_of(&holder)),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Tells the holder of a number (the account of the record, else its guardians) that
/// someone asked for it, and records it in their trail.
pub async fn tell_holder_of_attempt(
    txn: &DatabaseTransaction,
    row: &citizen::Model,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut told = Vec::new();
    if let Some(holder) = account_of(txn, row).await? {
        told.push(holder);
    } else {
        for link in active_guardianships(txn, row.id, today).await? {
            if let Some(guardian) = guardian_account(txn, link.guardian_id).await? {
                told.push(guardian);
            }
        }
    }
    for holder in told {
        audit::record(
            txn,
            Record::of(holder.id, Event::NationalIdClaimAttempted)
                .with(serde_json::json!({ "citizen_id": row.id })),
            now,
        )
        .await?;
        mail::enqueue(
            txn,
            mails::national_id_claim_attempted(
                &holder.email,
                &holder.display_name,
                &row.full_name,
                lang_of(&holder),
            ),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Tells the guardians of a record that its person, now an adult, holds it.
pub async fn tell_guardians_of_claim(
    txn: &DatabaseTransaction,
    row: &citizen::Model,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for link in active_guardianships(txn, row.id, today).await? {
        if let Some(guardian) = guardian_account(txn, link.guardian_id).await? {
            audit::record(
                txn,
                Record::of(guardian.id, Event::RecordClaimed)
                    .with(serde_json::json!({ "citizen_id": row.id })),
                now,
            )
            .await?;
            mail::enqueue(
                txn,
                mails::record_claimed(
                    &guardian.email,
                    &guardian.display_name,
                    &row.full_name,
                    lang_of(&guardian),
                ),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

async fn account_of(
    db: &impl ConnectionTrait,
    row: &citizen::Model,
) -> Result<Option<account::Model>, DbErr> {
    match row.account_id {
        Some(id) => account::Entity::find_by_id(id).one(db).await,
        None => Ok(None),
    }
}

async fn guardian_account(
    db: &impl ConnectionTrait,
    guardian_citizen: Uuid,
) -> Result<Option<account::Model>, DbErr> {
    match citizen::Entity::find_by_id(guardian_citizen)
        .one(db)
        .await?
    {
        Some(person) => account_of(db, &person).await,
        None => Ok(None),
    }
}
