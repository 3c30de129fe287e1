//! `POST /v1/facilities/{fid}/stock`: one movement of stock, in one transaction with its
//! ledger rows (both facilities' for an allocation or a transfer), idempotent with an
//! `Idempotency-Key`.

use super::entities::{balance, lot, movement};
use super::ledger::{Entry, lot_not_found, put_in, quarantine_in, record, release_in, take_out};
use super::view;
use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::booking::entities::facility;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::FieldIssue;
use healthbook_domain::facility::FacilityLevel;
use healthbook_domain::problem::ProblemCode;
use healthbook_domain::vaccine::stock::{
    LotRef, MovementKind, MovementRecorded, MovementRequestKind, NewLotSpec, Site, StockMovement,
    StockMovementRequest, WastageCause, allocation_allowed, lot_refusal, opened_vial_wastage_fits,
};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Who may ask for a movement: the vaccinators of the facility record what they waste and
/// the incidents they find; what brings stock in or sends it away is the administrator's
/// (or support's).
fn action_for(kind: MovementRequestKind) -> Action {
    match kind {
        MovementRequestKind::Wastage | MovementRequestKind::Incident => Action::WorkAtFacility,
        MovementRequestKind::Receipt
        | MovementRequestKind::Allocation
        | MovementRequestKind::Transfer
        | MovementRequestKind::WriteOff
        | MovementRequestKind::Release => Action::ManageFacility,
    }
}

/// Records a receipt, an allocation or transfer out, wastage, a write-off, a cold-chain
/// incident (which quarantines the lots it names, everywhere) or the release of a quarantine.
#[utoipa::path(post, path = "/facilities/{fid}/stock", tag = "vaccination", security(("bearer" = [])),
    params(
        ("fid" = Uuid, Path, description = "Facility id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key get the first answer"),
    ),
    request_body = StockMovementRequest,
    responses(
        (status = 201, description = "Recorded; the ledger rows written", body = MovementRecorded),
        (status = 403, description = "Not allowed to record this movement at this facility", content_type = "application/problem+json"),
        (status = 404, description = "`lot_not_found`: the facility holds no such lot (another facility's lot alike); `not_found`: no such facility", content_type = "application/problem+json"),
        (status = 409, description = "`lot_expired`, `lot_quarantined`, `lot_past_vvm_discard_point`, `lot_exhausted` (more than the balance), `lot_details_differ`, `lot_not_quarantined`", content_type = "application/problem+json"),
        (status = 422, description = "Fields that do not fit the kind, doses not positive, a transfer to itself, `unknown_facility`, `allocation_not_downstream`, `opened_vial_too_many`", content_type = "application/problem+json"),
    ))]
pub async fn record_movement(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(fid): Path<Uuid>,
    ValidJson(request): ValidJson<StockMovementRequest>,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let today = state.clock.today();
    state
        .authorize(&actor, action_for(request.kind), Resource::Facility(fid))
        .await?;
    let movement = request.parse(fid).map_err(ApiError::invalid)?;
    let fingerprint = idempotency::fingerprint(&format!("stock-movement:{fid}"), &request);
    let scope = actor.account_id.to_string();
    let by = actor.account_id;
    idempotency::keyed(
        &state.db,
        &scope,
        &key,
        &fingerprint,
        now,
        StatusCode::CREATED,
        async |txn| {
            let rows = apply(txn, fid, &movement, by, now, today).await?;
            Ok(MovementRecorded {
                movements: rows.iter().map(view::movement).collect(),
            })
        },
    )
    .await
}

/// The facility the movement is recorded at; a support officer may name any id.
async fn here(txn: &DatabaseTransaction, fid: Uuid) -> Result<facility::Model, ApiError> {
    facility::Entity::find_by_id(fid)
        .one(txn)
        .await?
        .ok_or_else(ApiError::not_found)
}

async fn apply(
    txn: &DatabaseTransaction,
    fid: Uuid,
    movement: &StockMovement,
    by: Uuid,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<movement::Model>, ApiError> {
    let site = here(txn, fid).await?;
    let entry = |lot_id, kind, doses, reason: &Option<String>| Entry {
        facility_id: fid,
        lot_id,
        kind,
        doses,
        counterpart: None,
        immunization_id: None,
        reason: reason.clone(),
        recorded_by: by,
        now,
        occurred_on: today,
    };
    match movement {
        StockMovement::Receipt { lot, doses, reason } => {
            let lot_id = match lot {
                LotRef::Known(id) => held_lot(txn, fid, *id).await?.id,
                LotRef::New(spec) => known_or_new_lot(txn, spec, now).await?.id,
            };
            let row = lot::Entity::find_by_id(lot_id)
                .one(txn)
                .await?
                .ok_or_else(lot_not_found)?;
            if let Some(refusal) = lot_refusal(&super::ledger::lot_state(&row), today) {
                return Err(ApiError::conflict(refusal.problem()));
            }
            put_in(txn, fid, lot_id, *doses, now).await?;
            let row = record(txn, entry(lot_id, MovementKind::Receipt, *doses, reason)).await?;
            Ok(vec![row])
        }
        StockMovement::Allocation { lot_id, doses, to } => {
            let target = receiving(txn, *to).await?;
            let downstream = match (
                FacilityLevel::parse(&site.level),
                FacilityLevel::parse(&target.level),
            ) {
                (Some(from), Some(into)) => allocation_allowed(
                    Site {
                        level: from,
                        province: &site.province_code,
                    },
                    Site {
                        level: into,
                        province: &target.province_code,
                    },
                ),
                _ => false,
            };
            if !downstream {
                return Err(ApiError::invalid(vec![FieldIssue::of(
                    "to_facility_id",
                    &ProblemCode::AllocationNotDownstream,
                )]));
            }
            send(
                txn,
                Send {
                    from: fid,
                    to: target.id,
                    lot_id: *lot_id,
                    doses: *doses,
                    kinds: (MovementKind::AllocationOut, MovementKind::AllocationIn),
                    reason: None,
                    by,
                    now,
                    today,
                },
            )
            .await
        }
        StockMovement::Transfer {
            lot_id,
            doses,
            to,
            reason,
        } => {
            let target = receiving(txn, *to).await?;
            send(
                txn,
                Send {
                    from: fid,
                    to: target.id,
                    lot_id: *lot_id,
                    doses: *doses,
                    kinds: (MovementKind::TransferOut, MovementKind::TransferIn),
                    reason: reason.clone(),
                    by,
                    now,
                    today,
                },
            )
            .await
        }
        StockMovement::Wastage {
            lot_id,
            doses,
            cause,
            reason,
        } => {
            // Expired, quarantined or past-VVM doses may still be wasted: only use,
            // transfer and allocation need a usable lot.
            let lot = take_out(txn, fid, *lot_id, *doses, None, now).await?;
            if *cause == WastageCause::OpenedVial
                && !opened_vial_wastage_fits(u8::try_from(lot.doses_per_vial).unwrap_or(0), *doses)
            {
                return Err(ApiError::invalid(vec![FieldIssue::of(
                    "doses",
                    &ProblemCode::OpenedVialTooMany,
                )]));
            }
            let why = Some(cause_text(
                serde_json::to_value(cause).ok(),
                reason.as_deref(),
            ));
            let row = record(txn, entry(*lot_id, MovementKind::Wastage, *doses, &why)).await?;
            Ok(vec![row])
        }
        StockMovement::WriteOff {
            lot_id,
            doses,
            cause,
            reason,
        } => {
            take_out(txn, fid, *lot_id, *doses, None, now).await?;
            let why = Some(cause_text(
                serde_json::to_value(cause).ok(),
                reason.as_deref(),
            ));
            let row = record(txn, entry(*lot_id, MovementKind::WriteOff, *doses, &why)).await?;
            Ok(vec![row])
        }
        StockMovement::Incident { lot_ids, reason } => {
            let mut rows = Vec::new();
            for lot_id in lot_ids {
                held_lot(txn, fid, *lot_id).await?;
            }
            for lot_id in lot_ids {
                rows.extend(
                    quarantine_in(txn, *lot_id, reason, by, now)
                        .await?
                        .unwrap_or_default(),
                );
            }
            Ok(rows)
        }
        StockMovement::Release { lot_id, reason } => {
            held_lot(txn, fid, *lot_id).await?;
            release_in(txn, *lot_id, reason, by, now).await
        }
    }
}

/// `expired: the note`, so that the ledger row says why in one column.
fn cause_text(cause: Option<serde_json::Value>, reason: Option<&str>) -> String {
    let cause = cause
        .as_ref()
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    match reason {
        Some(reason) => format!("{cause}: {reason}"),
        None => cause,
    }
}

/// A lot the facility holds (a balance row, even at 0); any other is `lot_not_found`.
async fn held_lot(
    txn: &DatabaseTransaction,
    fid: Uuid,
    lot_id: Uuid,
) -> Result<lot::Model, ApiError> {
    let held = balance::Entity::find_by_id((fid, lot_id)).one(txn).await?;
    if held.is_none() {
        return Err(lot_not_found());
    }
    lot::Entity::find_by_id(lot_id)
        .one(txn)
        .await?
        .ok_or_else(lot_not_found)
}

/// The lot of that product and lot number, created on its first receipt anywhere; a known
/// one must agree with what this receipt says of it.
async fn known_or_new_lot(
    txn: &DatabaseTransaction,
    spec: &NewLotSpec,
    now: DateTime<Utc>,
) -> Result<lot::Model, ApiError> {
    lot::Entity::insert(lot::ActiveModel {
        id: Set(Uuid::now_v7()),
        vaccine: Set(spec.vaccine.clone()),
        product: Set(spec.product.clone()),
        manufacturer: Set(spec.manufacturer.clone()),
        lot_number: Set(spec.lot_number.clone()),
        expires_on: Set(spec.expires_on),
        doses_per_vial: Set(i16::from(spec.doses_per_vial)),
        vvm_stage: Set(i16::from(spec.vvm_stage)),
        quarantined_at: Set(None),
        quarantine_reason: Set(None),
        quarantined_by: Set(None),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([lot::Column::Product, lot::Column::LotNumber])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    let lot = lot::Entity::find()
        .filter(lot::Column::Product.eq(&spec.product))
        .filter(lot::Column::LotNumber.eq(&spec.lot_number))
        .one(txn)
        .await?
        .ok_or_else(lot_not_found)?;
    let agrees = lot.vaccine == spec.vaccine
        && lot.manufacturer == spec.manufacturer
        && lot.expires_on == spec.expires_on
        && lot.doses_per_vial == i16::from(spec.doses_per_vial);
    if !agrees {
        return Err(ApiError::conflict(ProblemCode::LotDetailsDiffer));
    }
    Ok(lot)
}

/// The facility that receives an allocation or a transfer.
async fn receiving(txn: &DatabaseTransaction, to: Uuid) -> Result<facility::Model, ApiError> {
    facility::Entity::find_by_id(to)
        .one(txn)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(vec![FieldIssue::of(
                "to_facility_id",
                &ProblemCode::UnknownFacility,
            )])
        })
}

struct Send {
    from: Uuid,
    to: Uuid,
    lot_id: Uuid,
    doses: u32,
    /// The row at the sender, the row at the receiver.
    kinds: (MovementKind, MovementKind),
    reason: Option<String>,
    by: Uuid,
    now: DateTime<Utc>,
    today: NaiveDate,
}

/// Out at one facility, in at the other, in the caller's transaction. The balance of the
/// lower facility id is written first whichever way the doses go, so that two movements in
/// opposite directions between the same facilities never deadlock (a refusal of the
/// conditional update rolls the whole transaction back, the receiver's increase with it).
async fn send(txn: &DatabaseTransaction, send: Send) -> Result<Vec<movement::Model>, ApiError> {
    // Nothing is written for a lot the sender does not hold: the receiver's row may come
    // first below.
    held_lot(txn, send.from, send.lot_id).await?;
    let take = async || {
        take_out(
            txn,
            send.from,
            send.lot_id,
            send.doses,
            Some(send.today),
            send.now,
        )
        .await
    };
    if send.from < send.to {
        take().await?;
        put_in(txn, send.to, send.lot_id, send.doses, send.now).await?;
    } else {
        // The receiver's row first; whether the sender holds the lot is decided by the
        // conditional update, whose refusal undoes this.
        put_in(txn, send.to, send.lot_id, send.doses, send.now).await?;
        take().await?;
    }
    let half = |facility_id, kind, counterpart| Entry {
        facility_id,
        lot_id: send.lot_id,
        kind,
        doses: send.doses,
        counterpart: Some(counterpart),
        immunization_id: None,
        reason: send.reason.clone(),
        recorded_by: send.by,
        now: send.now,
        occurred_on: send.today,
    };
    let out = record(txn, half(send.from, send.kinds.0, send.to)).await?;
    let into = record(txn, half(send.to, send.kinds.1, send.from)).await?;
    Ok(vec![out, into])
}
