//! The ledger's primitives, on which every stock use case builds: take doses out of a
//! balance, put doses in, write the ledger row, quarantine a lot. Each works in the
//! caller's transaction, so a movement and its rows commit or vanish together.
//!
//! Doses only leave a balance through one conditional update, `doses = doses - n WHERE
//! doses >= n AND <the lot is usable>`, which the database makes atomic across processes;
//! the CHECK on `stock_balances.doses` backs it. Nothing reads a balance and then writes it.

use super::entities::{balance, lot, movement};
use crate::error::ApiError;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::booking::time::local_date;
use healthbook_domain::problem::ProblemCode;
use healthbook_domain::vaccine::stock::{
    LAST_USABLE_VVM_STAGE, LotState, MovementKind, lot_refusal,
};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

/// The lot a dose was given from, as the dose records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LotUsed {
    pub lot_id: Uuid,
    pub lot_number: String,
    /// The catalogue's vaccine code.
    pub vaccine: String,
    /// The trade name on the label.
    pub product: String,
    pub manufacturer: String,
    pub expires_on: NaiveDate,
}

impl From<lot::Model> for LotUsed {
    fn from(row: lot::Model) -> LotUsed {
        LotUsed {
            lot_id: row.id,
            lot_number: row.lot_number,
            vaccine: row.vaccine,
            product: row.product,
            manufacturer: row.manufacturer,
            expires_on: row.expires_on,
        }
    }
}

/// The 404 of a lot the facility does not hold: also the answer for another facility's lot
/// and for one that does not exist, so that no one learns which.
pub fn lot_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ProblemCode::LotNotFound)
}

pub fn lot_state(row: &lot::Model) -> LotState {
    LotState {
        expires_on: row.expires_on,
        quarantined: row.quarantined_at.is_some(),
        vvm_stage: u8::try_from(row.vvm_stage).unwrap_or(u8::MAX),
    }
}

/// Takes one dose of `lot_id` out of the facility's stock for the dose `immunization_id`
/// given on `on`, and writes its `used` row; refused (`lot_not_found`, `lot_quarantined`,
/// `lot_expired`, `lot_past_vvm_discard_point`, `lot_exhausted`) with nothing written.
///
/// The lot is read and the ledger row written before the decrement, which neither needs: the
/// balance's row lock, which four vaccinators of a facility share, is then held from the
/// decrement to the commit only. The caller makes this its last statement for that reason.
pub async fn take_dose(
    txn: &impl ConnectionTrait,
    facility_id: Uuid,
    lot_id: Uuid,
    on: NaiveDate,
    immunization_id: Uuid,
    recorded_by: Uuid,
    now: DateTime<Utc>,
) -> Result<LotUsed, ApiError> {
    let lot = lot::Entity::find_by_id(lot_id)
        .one(txn)
        .await?
        .ok_or_else(lot_not_found)?;
    record(
        txn,
        Entry {
            facility_id,
            lot_id,
            kind: MovementKind::Used,
            doses: 1,
            counterpart: None,
            immunization_id: Some(immunization_id),
            reason: None,
            recorded_by,
            now,
            occurred_on: on,
        },
    )
    .await?;
    if !decrement(txn, facility_id, lot_id, 1, Some(on), now).await? {
        return Err(why_not_taken(txn, facility_id, &lot, Some(on)).await?);
    }
    Ok(lot.into())
}

/// Lowers the facility's balance of the lot by `doses`, in one conditional update; with
/// `usable_on`, only if the lot may be used that day (not quarantined, not expired, its
/// monitor before the discard point). Returns the lot.
pub(super) async fn take_out(
    txn: &impl ConnectionTrait,
    facility_id: Uuid,
    lot_id: Uuid,
    doses: u32,
    usable_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<lot::Model, ApiError> {
    let taken = decrement(txn, facility_id, lot_id, doses, usable_on, now).await?;
    let held = lot::Entity::find_by_id(lot_id).one(txn).await?;
    match (taken, held) {
        (true, Some(lot)) => Ok(lot),
        (_, None) => Err(lot_not_found()),
        (false, Some(lot)) => Err(why_not_taken(txn, facility_id, &lot, usable_on).await?),
    }
}

/// The conditional update itself: whether it took the doses.
async fn decrement(
    txn: &impl ConnectionTrait,
    facility_id: Uuid,
    lot_id: Uuid,
    doses: u32,
    usable_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = balance::Entity::update_many()
        .col_expr(
            balance::Column::Doses,
            Expr::col(balance::Column::Doses).sub(i64::from(doses)),
        )
        .col_expr(balance::Column::UpdatedAt, Expr::value(now))
        .filter(balance::Column::FacilityId.eq(facility_id))
        .filter(balance::Column::LotId.eq(lot_id))
        .filter(balance::Column::Doses.gte(i64::from(doses)));
    if let Some(on) = usable_on {
        let usable = Query::select()
            .column(lot::Column::Id)
            .from(lot::Entity)
            .and_where(lot::Column::Id.eq(lot_id))
            .and_where(lot::Column::QuarantinedAt.is_null())
            .and_where(lot::Column::ExpiresOn.gte(on))
            .and_where(lot::Column::VvmStage.lte(i16::from(LAST_USABLE_VVM_STAGE)))
            .to_owned();
        update = update.filter(balance::Column::LotId.in_subquery(usable));
    }
    Ok(update.exec(txn).await?.rows_affected == 1)
}

/// Why the conditional update took nothing, in the order a person should hear it.
async fn why_not_taken(
    txn: &impl ConnectionTrait,
    facility_id: Uuid,
    lot: &lot::Model,
    usable_on: Option<NaiveDate>,
) -> Result<ApiError, DbErr> {
    let held = balance::Entity::find_by_id((facility_id, lot.id))
        .one(txn)
        .await?;
    if held.is_none() {
        return Ok(lot_not_found());
    }
    if let Some(refusal) = usable_on.and_then(|on| lot_refusal(&lot_state(lot), on)) {
        return Ok(ApiError::conflict(refusal.problem()));
    }
    // The update re-checked the balance atomically: one that holds enough by now did not
    // then.
    Ok(ApiError::conflict(ProblemCode::LotExhausted))
}

/// Raises the facility's balance of the lot by `doses`, creating it on the first receipt.
pub(super) async fn put_in(
    txn: &impl ConnectionTrait,
    facility_id: Uuid,
    lot_id: Uuid,
    doses: u32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    balance::Entity::insert(balance::ActiveModel {
        facility_id: Set(facility_id),
        lot_id: Set(lot_id),
        doses: Set(i64::from(doses)),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([balance::Column::FacilityId, balance::Column::LotId])
            .value(
                balance::Column::Doses,
                Expr::col((balance::Entity, balance::Column::Doses)).add(i64::from(doses)),
            )
            .value(balance::Column::UpdatedAt, Expr::value(now))
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await
    .map(|_| ())
}

/// One ledger row to write.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub facility_id: Uuid,
    pub lot_id: Uuid,
    pub kind: MovementKind,
    /// Doses moved, unsigned: the kind gives the sign.
    pub doses: u32,
    pub counterpart: Option<Uuid>,
    pub immunization_id: Option<Uuid>,
    pub reason: Option<String>,
    pub recorded_by: Uuid,
    pub now: DateTime<Utc>,
    pub occurred_on: NaiveDate,
}

pub(super) async fn record(
    txn: &impl ConnectionTrait,
    entry: Entry,
) -> Result<movement::Model, DbErr> {
    let row = movement::Model {
        id: Uuid::now_v7(),
        facility_id: entry.facility_id,
        lot_id: entry.lot_id,
        kind: entry.kind.as_str().to_owned(),
        doses: entry.kind.delta(entry.doses),
        counterpart_facility_id: entry.counterpart,
        immunization_id: entry.immunization_id,
        reason: entry.reason,
        recorded_by: entry.recorded_by,
        recorded_at: entry.now,
        occurred_on: entry.occurred_on,
    };
    movement::Entity::insert(movement::ActiveModel {
        id: Set(row.id),
        facility_id: Set(row.facility_id),
        lot_id: Set(row.lot_id),
        kind: Set(row.kind.clone()),
        doses: Set(row.doses),
        counterpart_facility_id: Set(row.counterpart_facility_id),
        immunization_id: Set(row.immunization_id),
        reason: Set(row.reason.clone()),
        recorded_by: Set(row.recorded_by),
        recorded_at: Set(row.recorded_at),
        occurred_on: Set(row.occurred_on),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(row)
}

/// Quarantines the lot everywhere (a cold-chain incident, a cluster of reactions): no
/// facility may use, transfer or allocate it until a reviewed release. Each facility that
/// holds it gets a `quarantine` row naming the reason. A lot already quarantined keeps its
/// first quarantine and gets no new rows; `Ok(false)` says so.
pub async fn quarantine_lot(
    txn: &impl ConnectionTrait,
    lot_id: Uuid,
    reason: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    Ok(quarantine_in(txn, lot_id, reason, by, now).await?.is_some())
}

/// [`quarantine_lot`], answering the rows written (`None` for a lot already quarantined).
pub(super) async fn quarantine_in(
    txn: &impl ConnectionTrait,
    lot_id: Uuid,
    reason: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Vec<movement::Model>>, ApiError> {
    let marked = lot::Entity::update_many()
        .col_expr(lot::Column::QuarantinedAt, Expr::value(now))
        .col_expr(lot::Column::QuarantineReason, Expr::value(reason))
        .col_expr(lot::Column::QuarantinedBy, Expr::value(by))
        .filter(lot::Column::Id.eq(lot_id))
        .filter(lot::Column::QuarantinedAt.is_null())
        .exec(txn)
        .await?;
    if marked.rows_affected == 0 {
        return match lot::Entity::find_by_id(lot_id).one(txn).await? {
            Some(_) => Ok(None),
            None => Err(lot_not_found()),
        };
    }
    Ok(Some(
        mark_holders(txn, lot_id, MovementKind::Quarantine, reason, by, now).await?,
    ))
}

/// Ends the lot's quarantine after review, with a `release` row at each facility holding
/// it; `lot_not_quarantined` when there is none to end.
pub(super) async fn release_in(
    txn: &impl ConnectionTrait,
    lot_id: Uuid,
    reason: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<movement::Model>, ApiError> {
    let released = lot::Entity::update_many()
        .col_expr(
            lot::Column::QuarantinedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            lot::Column::QuarantineReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            lot::Column::QuarantinedBy,
            Expr::value(Option::<Uuid>::None),
        )
        .filter(lot::Column::Id.eq(lot_id))
        .filter(lot::Column::QuarantinedAt.is_not_null())
        .exec(txn)
        .await?;
    if released.rows_affected == 0 {
        return Err(ApiError::conflict(ProblemCode::LotNotQuarantined));
    }
    Ok(mark_holders(txn, lot_id, MovementKind::Release, reason, by, now).await?)
}

async fn mark_holders(
    txn: &impl ConnectionTrait,
    lot_id: Uuid,
    kind: MovementKind,
    reason: &str,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<movement::Model>, DbErr> {
    let holders: Vec<Uuid> = balance::Entity::find()
        .select_only()
        .column(balance::Column::FacilityId)
        .filter(balance::Column::LotId.eq(lot_id))
        .into_tuple()
        .all(txn)
        .await?;
    let mut rows = Vec::with_capacity(holders.len());
    for facility_id in holders {
        let row = record(
            txn,
            Entry {
                facility_id,
                lot_id,
                kind,
                doses: 0,
                counterpart: None,
                immunization_id: None,
                reason: Some(reason.to_owned()),
                recorded_by: by,
                now,
                occurred_on: local_date(now),
            },
        )
        .await?;
        rows.push(row);
    }
    Ok(rows)
}
