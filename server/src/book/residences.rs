//! The backfill of `residences`, the due lists' index of where citizens live. Section I's
//! writes keep it in step (`write.rs`) from the migration that made it on; a book whose
//! section I was written before has no row, and its citizen is missing from every due list
//! until this fills the row in from section I as it stands.
//!
//! Idempotent and safe to run in every process at once: a citizen is looked at only while
//! they have no row, and the insert does nothing for one that has gained a row meanwhile (a
//! section I written since is the fresher source, and wins).

use super::entities::{book_entry, residence};
use super::store::latest_versions;
use healthbook_domain::book::{EntryBody, EntryKind, EntryStatus};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Citizens looked at per round trip.
const BATCH: u64 = 500;

#[derive(Debug, FromQueryResult)]
struct Missing {
    citizen_id: Uuid,
}

/// Fills in the residence of every citizen whose section I names a commune and who has no
/// row yet; returns how many rows it wrote.
pub async fn backfill(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let mut written = 0;
    let mut after: Option<Uuid> = None;
    loop {
        let batch = missing(db, after).await?;
        let Some(last) = batch.last().copied() else {
            return Ok(written);
        };
        written += fill(db, &batch).await?;
        if (batch.len() as u64) < BATCH {
            return Ok(written);
        }
        after = Some(last);
    }
}

/// The next citizens after `after`, in id order, with a section I and no residence row.
async fn missing(db: &impl ConnectionTrait, after: Option<Uuid>) -> Result<Vec<Uuid>, DbErr> {
    let citizen = (book_entry::Entity, book_entry::Column::CitizenId);
    let housed = Query::select()
        .column(residence::Column::CitizenId)
        .from(residence::Entity)
        .to_owned();
    let mut select = Query::select();
    select
        .distinct()
        .expr_as(Expr::col(citizen), "citizen_id")
        .from(book_entry::Entity)
        .and_where(
            Expr::col((book_entry::Entity, book_entry::Column::Kind))
                .eq(EntryKind::Administrative.as_str()),
        )
        .and_where(Expr::col(citizen).not_in_subquery(housed))
        .order_by(citizen, Order::Asc)
        .limit(BATCH);
    if let Some(after) = after {
        select.and_where(Expr::col(citizen).gt(after));
    }
    let statement = db.get_database_backend().build(&select);
    Ok(Missing::find_by_statement(statement)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.citizen_id)
        .collect())
}

/// Section I as it stands for each of `citizens` (as `store::current_of_kind` reads it, for
/// many at once), and the residence rows it gives.
async fn fill(db: &impl ConnectionTrait, citizens: &[Uuid]) -> Result<u64, DbErr> {
    let rows = book_entry::Entity::find()
        .filter(book_entry::Column::CitizenId.is_in(citizens.iter().copied()))
        .filter(book_entry::Column::Kind.eq(EntryKind::Administrative.as_str()))
        .all(db)
        .await?;
    let mut current: HashMap<Uuid, book_entry::Model> = HashMap::new();
    for row in latest_versions(rows).into_values() {
        if row.status == EntryStatus::EnteredInError.as_str() {
            continue;
        }
        match current.get(&row.citizen_id) {
            Some(kept) if kept.recorded_at >= row.recorded_at => {}
            _ => {
                current.insert(row.citizen_id, row);
            }
        }
    }
    let found: Vec<residence::ActiveModel> = current
        .into_values()
        .filter_map(|row| {
            // A body this build cannot read is left for a build that can; it is not an error
            // that should stop everyone else's backfill.
            let body: EntryBody = serde_json::from_str(&row.body).ok()?;
            match body {
                EntryBody::Administrative(section) => {
                    section.residence().map(|commune| residence::ActiveModel {
                        citizen_id: Set(row.citizen_id),
                        commune_code: Set(commune.to_owned()),
                    })
                }
                _ => None,
            }
        })
        .collect();
    if found.is_empty() {
        return Ok(0);
    }
    residence::Entity::insert_many(found)
        .on_conflict(
            OnConflict::column(residence::Column::CitizenId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
}
