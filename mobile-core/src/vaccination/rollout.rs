//! Which roadmap antigens (rotavirus, pneumococcal) a person's province offers, as the phone
//! knows it. The province is their book's (section I: the current address's commune, else
//! the permanent one's, `Administrative::residence_province`); its roll-out is the server's
//! public `GET /v1/provinces/{province}/programme-rollout`, read at most once a day per
//! province and kept for a site without network.
//!
//! The offer of a day is worked out here from the records, by `domain`'s `offered_on`, rather
//! than taken from the server's `offered`: a copy kept yesterday still answers today, and a
//! start date reached meanwhile counts. No province known, or no copy and no network: the
//! national programme, as the server reads a province that recorded nothing.

use crate::Timestamp;
use crate::book::BookView;
use crate::context::Core;
use crate::error::CoreError;
use crate::http::Auth;
use crate::store::CachedEntry;
use chrono::{Duration, NaiveDate};
use healthbook_domain::book::{BookEntry, EntryBody};
use healthbook_domain::units::{AdminUnit, ProvinceCode};
use healthbook_domain::vaccine::due::Antigen;
use healthbook_domain::vaccine::rollout::{ProvinceProgramme, ProvinceRollout, offered_on};
use uuid::Uuid;

/// The kind under which a province's roll-out is kept, by its code.
const ROLLOUT: &str = "programme_rollout";

/// A copy younger than this answers without asking the server: a province records its
/// roll-out a few times a year, and a due list a day behind its decision holds back no dose
/// (the server checks each dose and registration against the record of that day).
pub(crate) const FRESH_FOR: Duration = Duration::days(1);

/// The roadmap antigens offered on `today` where `view`'s person lives: from a copy of the
/// day, else asked of the server (and kept), else from any copy; a book read from the
/// phone's copy (no network) does not ask.
pub(crate) async fn offers(core: &Core, view: &BookView, today: NaiveDate) -> Vec<Antigen> {
    let Some(province) = province_of(view.administrative.as_ref()) else {
        return offered_on(&[], today);
    };
    let kept = kept(core, province).await;
    let fresh = kept
        .as_ref()
        .is_some_and(|(_, at)| core.clock.now() - *at < FRESH_FOR);
    if view.from_cache || fresh {
        return offered_on(kept.map(|(r, _)| r).as_deref().unwrap_or_default(), today);
    }
    match fetch(core, province).await {
        Ok(records) => offered_on(&records, today),
        Err(error) => {
            tracing::info!(error = %error, "the province's roll-out could not be read");
            offered_on(kept.map(|(r, _)| r).as_deref().unwrap_or_default(), today)
        }
    }
}

/// As [`offers`], from the phone's copy only: for a warning given without network.
pub(crate) async fn kept_offers(
    core: &Core,
    administrative: Option<&BookEntry>,
    today: NaiveDate,
) -> Vec<Antigen> {
    let records = match province_of(administrative) {
        Some(province) => kept(core, province).await.map(|(r, _)| r),
        None => None,
    };
    offered_on(records.as_deref().unwrap_or_default(), today)
}

fn province_of(administrative: Option<&BookEntry>) -> Option<ProvinceCode> {
    match &administrative?.body {
        EntryBody::Administrative(section) => section.residence_province(),
        _ => None,
    }
}

fn key(province: ProvinceCode) -> String {
    AdminUnit::Province(province).code()
}

/// The province's records as last read, and when.
async fn kept(core: &Core, province: ProvinceCode) -> Option<(Vec<ProvinceRollout>, Timestamp)> {
    let id = key(province);
    let rows = match core.store(|store| store.entries_of_kind(ROLLOUT)).await {
        Ok(rows) => rows,
        Err(error) => {
            tracing::info!(error = %error, "the kept roll-outs could not be read");
            return None;
        }
    };
    rows.into_iter().find(|row| row.id == id).and_then(|row| {
        let programme: ProvinceProgramme = serde_json::from_value(row.body).ok()?;
        Some((programme.records, row.updated_at))
    })
}

/// Reads the province's records and keeps them.
async fn fetch(core: &Core, province: ProvinceCode) -> Result<Vec<ProvinceRollout>, CoreError> {
    let id = key(province);
    let programme: ProvinceProgramme = core
        .api
        .get(
            &format!("/v1/provinces/{id}/programme-rollout"),
            Auth::Public,
        )
        .await?;
    let row = CachedEntry {
        kind: ROLLOUT.to_owned(),
        id,
        // Public policy, no one's record: kept under no citizen.
        citizen_id: Uuid::nil(),
        updated_at: core.clock.now(),
        body: serde_json::to_value(&programme).map_err(|e| CoreError::Decode(e.to_string()))?,
    };
    core.store(move |store| store.put_entry(&row)).await?;
    Ok(programme.records)
}
