//! The access log as the citizen (or a guardian) reads it, newest first: who, in what role,
//! at which facility, under which relationship, which sections, when.

use super::entities::{access_log, break_glass, care_episode, consent};
use crate::auth::actor::Actor;
use crate::auth::entities::account;
use crate::authz::{Action, Resource};
use crate::booking::entities::appointment;
use crate::error::{ApiError, ApiResult};
use crate::http::{ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use healthbook_domain::book::{AccessAction, AccessBasis, AccessLogEntry, Purpose, Sections};
use healthbook_domain::booking::AppointmentCode;
use healthbook_domain::page::{Page, page_size};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessLogQuery {
    pub cursor: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct LogCursor {
    at: DateTime<Utc>,
    id: Uuid,
}

/// Who read or wrote the book, newest first.
#[utoipa::path(get, path = "/citizens/{cid}/access-log", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), AccessLogQuery),
    responses(
        (status = 200, description = "A page of the access log", body = Page<AccessLogEntry>),
        (status = 404, description = "No such citizen, or not yours", content_type = "application/problem+json"),
    ))]
pub async fn get_access_log(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
    ValidQuery(query): ValidQuery<AccessLogQuery>,
) -> ApiResult<Json<Page<AccessLogEntry>>> {
    state
        .authorize(&actor, Action::ManageConsents, Resource::Citizen(cid))
        .await?;
    let limit = page_size(query.limit);
    let mut select = access_log::Entity::find()
        .filter(access_log::Column::CitizenId.eq(cid))
        .order_by_desc(access_log::Column::At)
        .order_by_desc(access_log::Column::Id)
        .limit(limit + 1);
    if let Some(raw) = &query.cursor {
        let after: LogCursor = cursor::decode(raw)?;
        select = select.filter(
            Expr::col(access_log::Column::At)
                .lt(after.at)
                .or(Expr::col(access_log::Column::At)
                    .eq(after.at)
                    .and(Expr::col(access_log::Column::Id).lt(after.id))),
        );
    }
    let mut rows = select.all(&state.db).await?;
    let next_cursor = (rows.len() as u64 > limit).then(|| {
        rows.truncate(usize::try_from(limit).unwrap_or(20));
        rows.last().map(|last| {
            cursor::encode(&LogCursor {
                at: last.at,
                id: last.id,
            })
        })
    });
    let items = views(&state.db, rows).await?;
    Ok(Json(Page {
        items,
        next_cursor: next_cursor.flatten(),
    }))
}

/// The log lines as the citizen reads them, with names and what each basis was.
pub async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<access_log::Model>,
) -> Result<Vec<AccessLogEntry>, ApiError> {
    let ids_of = |basis: AccessBasis| -> Vec<Uuid> {
        rows.iter()
            .filter(|r| r.basis == basis.as_str())
            .filter_map(|r| r.basis_id)
            .collect()
    };
    let names: HashMap<Uuid, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(rows.iter().map(|r| r.actor_account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.display_name))
        .collect();
    let places =
        super::store::facility_names(db, rows.iter().filter_map(|r| r.facility_id)).await?;
    let codes: HashMap<Uuid, String> = appointment::Entity::find()
        .filter(appointment::Column::Id.is_in(ids_of(AccessBasis::Care)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| {
            let code = AppointmentCode::parse(&a.code)
                .map(|c| c.display())
                .unwrap_or(a.code);
            (a.id, code)
        })
        .collect();
    let episodes: HashMap<Uuid, String> = care_episode::Entity::find()
        .filter(care_episode::Column::Id.is_in(ids_of(AccessBasis::Care)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.kind))
        .collect();
    let purposes: HashMap<Uuid, String> = consent::Entity::find()
        .filter(consent::Column::Id.is_in(ids_of(AccessBasis::Consent)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.purpose))
        .collect();
    let reasons: HashMap<Uuid, String> = break_glass::Entity::find()
        .filter(break_glass::Column::Id.is_in(ids_of(AccessBasis::BreakGlass)))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.reason))
        .collect();
    rows.into_iter()
        .map(|row| {
            let unknown =
                || ApiError::internal(anyhow::anyhow!("access-log line with an unknown code"));
            let basis = AccessBasis::parse(&row.basis).ok_or_else(unknown)?;
            let basis_ref = match (basis, row.basis_id) {
                (AccessBasis::Care, Some(id)) => {
                    codes.get(&id).or_else(|| episodes.get(&id)).cloned()
                }
                (AccessBasis::Consent, Some(id)) => purposes
                    .get(&id)
                    .and_then(|p| Purpose::parse(p))
                    .map(|p| p.as_str().to_owned()),
                (AccessBasis::BreakGlass, Some(id)) => reasons.get(&id).cloned(),
                _ => row.basis_ref.clone(),
            };
            Ok(AccessLogEntry {
                id: row.id,
                at: row.at,
                actor_name: names
                    .get(&row.actor_account_id)
                    .cloned()
                    .unwrap_or_default(),
                actor_role: row.actor_role,
                facility_name: row.facility_id.and_then(|f| places.get(&f).cloned()),
                facility_id: row.facility_id,
                basis,
                basis_ref,
                action: AccessAction::parse(&row.action).ok_or_else(unknown)?,
                sections: Sections::from_stored(&row.sections).list(),
            })
        })
        .collect()
}
