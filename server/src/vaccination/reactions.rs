//! Reactions after a dose (AEFI): reported by the citizen, a guardian, or staff of the
//! facility that gave it; each is a write to the citizen's record, so it goes through the
//! book's authorization and leaves its access-log line. A serious one alerts the facility's
//! administrators and the province's authorities by mail at once, waits on the facility's
//! follow-up list (`follow_up.rs`), and stops further doses of that vaccine (`history.rs`).
//! Three serious reactions to one lot within 30 days (`aefi::is_cluster`) flag the lot.

use super::doses::{DoseAccess, close_follow_up, find_for, open_follow_up};
use super::entities::reaction;
use super::mails;
use super::stock;
use crate::auth::actor::Actor;
use crate::authz::{Action, Basis, Resource};
use crate::booking::entities::facility;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::FieldIssue;
use healthbook_domain::book::{Section, Sections};
use healthbook_domain::booking::time::local_date;
use healthbook_domain::vaccine::aefi::{
    CLUSTER_WINDOW_DAYS, ReactionSeverity, SeriousFlags, check_onset, is_cluster, is_serious,
    symptom_of,
};
use healthbook_domain::vaccine::doses::{LotReactions, Reaction, ReactionReport};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// A reaction still followed up.
pub(super) const OPEN: &str = "open";

/// The quarantine's reason, as the stock ledger records it.
const CLUSTER_REASON: &str = "aefi_cluster";

#[utoipa::path(post, path = "/immunizations/{iid}/reactions", tag = "vaccination", security(("bearer" = [])),
    params(("iid" = Uuid, Path, description = "The dose's id, or its book entry's"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same report")),
    request_body = ReactionReport,
    responses(
        (status = 201, description = "The reaction as recorded", body = Reaction),
        (status = 404, description = "No such dose, or not the caller's, a dependent's, or given at the caller's facility", content_type = "application/problem+json"),
        (status = 422, description = "An unknown symptom code, an onset before the dose or in the future", content_type = "application/problem+json"),
    ))]
pub async fn report_reaction(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(iid): Path<Uuid>,
    ValidJson(request): ValidJson<ReactionReport>,
) -> ApiResult<Response> {
    let unknown: Vec<FieldIssue> = request
        .symptoms
        .iter()
        .enumerate()
        .filter(|(_, code)| symptom_of(code).is_none())
        .map(|(i, _)| {
            FieldIssue::new(
                format!("symptoms[{i}]"),
                "unknown_symptom",
                "Mã triệu chứng không có trong danh mục phản ứng sau tiêm.",
                "The symptom code is not on the list of reactions after immunization.",
            )
        })
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::invalid(unknown));
    }
    let now = state.clock.now();
    let fingerprint = idempotency::fingerprint("immunization-reaction", &(iid, &request));
    idempotency::keyed(
        &state.db,
        &actor.account_id.to_string(),
        &key,
        &fingerprint,
        now,
        StatusCode::CREATED,
        async |txn| record(&state, txn, &actor, iid, &request, now).await,
    )
    .await
}

async fn record(
    state: &AppState,
    txn: &DatabaseTransaction,
    actor: &Actor,
    iid: Uuid,
    request: &ReactionReport,
    now: DateTime<Utc>,
) -> Result<Reaction, ApiError> {
    let today = local_date(now);
    let dose = find_for(txn, actor, iid, DoseAccess::PersonOrFacility, today).await?;
    let episode = open_follow_up(txn, actor, &dose, now).await?;
    let grant = state
        .authorize_in(
            txn,
            actor,
            Action::WriteHealthRecord,
            Resource::Record {
                citizen: dose.citizen_id,
                sections: Sections::one(Section::Immunizations),
            },
        )
        .await?
        .record()?;
    close_follow_up(txn, episode, now).await?;
    check_onset(request.onset_on, dose.given_on, today)
        .map_err(|issue| ApiError::invalid(vec![issue]))?;
    let reporter_role = match grant.basis {
        Basis::Own => "citizen",
        Basis::Guardian => "guardian",
        other => other.staff().map_or("staff", |(role, _)| role.as_str()),
    };
    let serious = is_serious(request.serious, &request.symptoms);
    let row = reaction::Model {
        id: Uuid::now_v7(),
        immunization_id: dose.id,
        citizen_id: dose.citizen_id,
        facility_id: dose.facility_id,
        lot_id: dose.lot_id,
        reported_by: actor.account_id,
        reporter_role: reporter_role.to_owned(),
        onset_on: request.onset_on,
        symptoms: request.symptoms.join(","),
        severity: request.severity.as_str().to_owned(),
        hospitalised: request.serious.hospitalised,
        life_threatening: request.serious.life_threatening,
        death: request.serious.death,
        serious,
        note: request.note.clone(),
        status: OPEN.to_owned(),
        created_at: now,
        outcome: None,
        closing_note: None,
        closed_by: None,
        closed_at: None,
    };
    insert(txn, &row).await?;
    if serious {
        alert(txn, &row, now).await?;
    }
    view(&row)
}

/// The mail of a serious reaction, and the lot's flag when it completes a cluster.
async fn alert(
    txn: &DatabaseTransaction,
    row: &reaction::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let place = facility::Entity::find_by_id(row.facility_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a dose at an unknown facility")))?;
    let recipients =
        mails::alert_recipients(txn, place.id, &place.province_code, &place.commune_code).await?;
    mails::send_each(
        txn,
        &recipients,
        |lang, _| mails::serious_reaction_text(lang, &place.name, row.lot_id, row.id),
        now,
    )
    .await?;
    let since = row.onset_on - Duration::days(CLUSTER_WINDOW_DAYS);
    let onsets: Vec<_> = reaction::Entity::find()
        .filter(reaction::Column::LotId.eq(row.lot_id))
        .filter(reaction::Column::Serious.eq(true))
        .filter(reaction::Column::OnsetOn.gte(since))
        .all(txn)
        .await?
        .into_iter()
        .map(|r| r.onset_on)
        .collect();
    if is_cluster(&onsets) {
        let first =
            stock::quarantine_lot(txn, row.lot_id, CLUSTER_REASON, row.reported_by, now).await?;
        if first {
            // The log names the lot only: the people and their symptoms stay in the database.
            tracing::warn!(lot.id = %row.lot_id, facility.id = %row.facility_id, "lot quarantined: a cluster of serious reactions");
        }
    }
    Ok(())
}

async fn insert(txn: &DatabaseTransaction, row: &reaction::Model) -> Result<(), ApiError> {
    reaction::Entity::insert(reaction::ActiveModel {
        id: Set(row.id),
        immunization_id: Set(row.immunization_id),
        citizen_id: Set(row.citizen_id),
        facility_id: Set(row.facility_id),
        lot_id: Set(row.lot_id),
        reported_by: Set(row.reported_by),
        reporter_role: Set(row.reporter_role.clone()),
        onset_on: Set(row.onset_on),
        symptoms: Set(row.symptoms.clone()),
        severity: Set(row.severity.clone()),
        hospitalised: Set(row.hospitalised),
        life_threatening: Set(row.life_threatening),
        death: Set(row.death),
        serious: Set(row.serious),
        note: Set(row.note.clone()),
        status: Set(row.status.clone()),
        created_at: Set(row.created_at),
        outcome: Set(None),
        closing_note: Set(None),
        closed_by: Set(None),
        closed_at: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

pub(super) fn severity_of(row: &reaction::Model) -> Result<ReactionSeverity, ApiError> {
    match row.severity.as_str() {
        "mild" => Ok(ReactionSeverity::Mild),
        "moderate" => Ok(ReactionSeverity::Moderate),
        "severe" => Ok(ReactionSeverity::Severe),
        _ => Err(ApiError::internal(anyhow::anyhow!(
            "a reaction of an unknown severity"
        ))),
    }
}

pub(super) fn flags_of(row: &reaction::Model) -> SeriousFlags {
    SeriousFlags {
        hospitalised: row.hospitalised,
        life_threatening: row.life_threatening,
        death: row.death,
    }
}

pub(super) fn symptoms_of(row: &reaction::Model) -> Vec<String> {
    row.symptoms.split(',').map(str::to_owned).collect()
}

fn view(row: &reaction::Model) -> Result<Reaction, ApiError> {
    Ok(Reaction {
        id: row.id,
        immunization_id: row.immunization_id,
        citizen_id: row.citizen_id,
        facility_id: row.facility_id,
        lot_id: row.lot_id,
        reporter_role: row.reporter_role.clone(),
        onset_on: row.onset_on,
        symptoms: symptoms_of(row),
        severity: severity_of(row)?,
        flags: flags_of(row),
        serious: row.serious,
        status: row.status.clone(),
        created_at: row.created_at,
    })
}

/// Reactions per lot among the facility's doses, each lot's cluster flag with them.
#[utoipa::path(get, path = "/facilities/{fid}/reactions/by-lot", tag = "vaccination", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id")),
    responses(
        (status = 200, description = "Counts per lot, lots with reactions only", body = Vec<LotReactions>),
        (status = 403, description = "Not staff of this facility", content_type = "application/problem+json"),
    ))]
pub async fn reactions_by_lot(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
) -> ApiResult<Json<Vec<LotReactions>>> {
    state
        .authorize(&actor, Action::WorkAtFacility, Resource::Facility(fid))
        .await?;
    let rows = reaction::Entity::find()
        .filter(reaction::Column::FacilityId.eq(fid))
        .order_by_asc(reaction::Column::LotId)
        .all(&state.db)
        .await?;
    let mut lots: Vec<LotReactions> = Vec::new();
    let mut onsets: Vec<(Uuid, chrono::NaiveDate)> = Vec::new();
    for row in &rows {
        match lots.last_mut() {
            Some(lot) if lot.lot_id == row.lot_id => lot.reactions += 1,
            _ => lots.push(LotReactions {
                lot_id: row.lot_id,
                reactions: 1,
                serious: 0,
                cluster: false,
            }),
        }
        if row.serious {
            if let Some(lot) = lots.last_mut() {
                lot.serious += 1;
            }
            onsets.push((row.lot_id, row.onset_on));
        }
    }
    for lot in &mut lots {
        let days: Vec<_> = onsets
            .iter()
            .filter(|(id, _)| *id == lot.lot_id)
            .map(|(_, day)| *day)
            .collect();
        lot.cluster = is_cluster(&days);
    }
    Ok(Json(lots))
}
