//! Rows of the stock tables as the API shows them.

use super::entities::{balance, lot, movement};
use super::ledger::lot_state;
use chrono::NaiveDate;
use healthbook_domain::vaccine::stock::{
    LotBalance, Movement, MovementKind, lot_refusal, opened_vial_policy,
};

pub fn lot_balance(lot: &lot::Model, held: &balance::Model, today: NaiveDate) -> LotBalance {
    LotBalance {
        lot_id: lot.id,
        vaccine: lot.vaccine.clone(),
        product: lot.product.clone(),
        manufacturer: lot.manufacturer.clone(),
        lot_number: lot.lot_number.clone(),
        expires_on: lot.expires_on,
        doses_per_vial: u8::try_from(lot.doses_per_vial).unwrap_or(0),
        vvm_stage: u8::try_from(lot.vvm_stage).unwrap_or(0),
        doses: held.doses,
        quarantined_at: lot.quarantined_at,
        quarantine_reason: lot.quarantine_reason.clone(),
        unusable: lot_refusal(&lot_state(lot), today).map(|r| r.problem().as_str().to_owned()),
        opened_vial_policy: opened_vial_policy(&lot.vaccine),
    }
}

pub fn movement(row: &movement::Model) -> Movement {
    Movement {
        id: row.id,
        facility_id: row.facility_id,
        lot_id: row.lot_id,
        kind: MovementKind::parse(&row.kind).unwrap_or(MovementKind::Quarantine),
        doses: row.doses,
        counterpart_facility_id: row.counterpart_facility_id,
        immunization_id: row.immunization_id,
        reason: row.reason.clone(),
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
        occurred_on: row.occurred_on,
    }
}
