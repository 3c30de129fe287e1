//! `GET /v1/facilities/{fid}/xml130-export`: the facility's own visits of a period in the
//! national standard, for it to submit to the insurer — the examinations its doctors wrote in
//! the book (not the visits its system sent, which the insurer has already). Written, then
//! read back through the intake's validator before it leaves; each person whose visit it holds
//! gets one access-log line.

use crate::auth::actor::Actor;
use crate::auth::entities::citizen;
use crate::authz::record::{Listing, log_listing};
use crate::authz::{Action, Relationship, Resource};
use crate::book::entities::{book_entry, insurance_card};
use crate::book::store::latest_versions;
use crate::booking::entities::facility;
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use healthbook_domain::account::StaffRole;
use healthbook_domain::book::{EntryBody, EntryKind, EntryStatus, Source};
use healthbook_domain::booking::time::{local_date, to_utc};
use healthbook_domain::ids::Sex;
use healthbook_domain::xml130::{self, Limits, export, write};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;
use validator::Validate;

/// The longest period one file covers: a month, as facilities submit.
const MAX_DAYS: i64 = 31;
/// A visit may be written in the book this long after it happened and still belong to the
/// period it happened in.
const LATE_WRITING_DAYS: i64 = 30;

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// First day of the visits (local date, inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive); at most 31 days after `from`.
    pub to: NaiveDate,
}

/// The facility's own visits of a period as one `GIAMDINHHS` envelope.
#[utoipa::path(get, path = "/facilities/{fid}/xml130-export", tag = "ingest", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"), ExportQuery),
    responses(
        (status = 200, description = "The envelope (possibly of no visit), as the intake's validator accepts it", content_type = "application/xml", body = String),
        (status = 403, description = "Not an administrator of the facility", content_type = "application/problem+json"),
        (status = 422, description = "`export_period`: `to` before `from` or more than 31 days after it", content_type = "application/problem+json"),
    ))]
pub async fn export_visits(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    crate::http::query::ValidQuery(query): crate::http::query::ValidQuery<ExportQuery>,
) -> ApiResult<Response> {
    let relationship = state
        .authorize(&actor, Action::ManageFacility, Resource::Facility(fid))
        .await?;
    if query.to < query.from || query.to - query.from > Duration::days(MAX_DAYS) {
        return Err(ApiError::validation(vec![FieldError::new(
            "to",
            "export_period",
            Text::new(
                "Khoảng thời gian từ 1 đến 31 ngày, ngày cuối không trước ngày đầu.",
                "A period of 1 to 31 days, its last day not before its first.",
            ),
        )]));
    }
    let facility = facility::Entity::find_by_id(fid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let now = state.clock.now();
    let start = to_utc(query.from, chrono::NaiveTime::MIN);
    let rows = book_entry::Entity::find()
        .filter(book_entry::Column::FacilityId.eq(fid))
        .filter(book_entry::Column::Kind.eq(EntryKind::Encounter.as_str()))
        .filter(book_entry::Column::RecordedAt.gte(start))
        .order_by_asc(book_entry::Column::RecordedAt)
        .all(&state.db)
        .await?;
    let mut visits = Vec::new();
    for row in latest_versions(rows).into_values() {
        // The facility's system sent its own visits to the insurer already.
        if row.source != Source::Staff.as_str()
            || row.status == EntryStatus::EnteredInError.as_str()
        {
            continue;
        }
        let Ok(EntryBody::Encounter(visit)) = serde_json::from_str::<EntryBody>(&row.body) else {
            continue;
        };
        let day = local_date(visit.started_at);
        if day < query.from
            || day > query.to
            || row.recorded_at
                > to_utc(day, chrono::NaiveTime::MIN) + Duration::days(LATE_WRITING_DAYS + 1)
        {
            continue;
        }
        visits.push((row.entry_id, row.citizen_id, visit));
    }
    visits.sort_by_key(|(_, _, v)| v.started_at);

    let people = people(&state, visits.iter().map(|(_, cid, _)| *cid).collect()).await?;
    let role = match relationship {
        Relationship::Staff(role) => role,
        _ => StaffRole::FacilityAdmin,
    };
    let mut out = Vec::with_capacity(visits.len());
    for (entry, cid, visit) in &visits {
        let Some(person) = people.get(cid) else {
            continue;
        };
        let ma_lk = format!("HB-{}", entry.simple());
        out.push(export::out_visit(&ma_lk, &facility.code, person, visit));
    }
    // One line per person, before the file leaves.
    let listed: Vec<Uuid> = people.keys().copied().collect();
    log_listing(
        &state.db,
        &actor,
        (role, fid),
        Listing::Export,
        &listed,
        now,
    )
    .await?;
    let xml = write::envelope(&facility.code, local_date(now), &out).map_err(ApiError::internal)?;
    let report = xml130::validate(xml.as_bytes(), &facility.code, Limits::default())
        .map_err(|e| ApiError::internal(anyhow::anyhow!("export unreadable: {}", e.code())))?;
    if let Some(refused) = report.visits.iter().find(|v| !v.problems.is_empty()) {
        let codes: Vec<&str> = refused.problems.iter().map(|p| p.code.as_str()).collect();
        return Err(ApiError::internal(anyhow::anyhow!(
            "export refused by the validator: {codes:?}"
        )));
    }
    let mut response = (StatusCode::OK, xml).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    let name = format!(
        "attachment; filename=\"xml130-{}-{}-{}.xml\"",
        facility.code, query.from, query.to
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Each person as the export names them, with their insurance card when the book holds one.
async fn people(
    state: &AppState,
    ids: Vec<Uuid>,
) -> Result<BTreeMap<Uuid, export::Person>, ApiError> {
    let citizens = citizen::Entity::find()
        .filter(citizen::Column::Id.is_in(ids.clone()))
        .all(&state.db)
        .await?;
    let cards: HashMap<Uuid, String> = insurance_card::Entity::find()
        .filter(insurance_card::Column::CitizenId.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.citizen_id, c.number))
        .collect();
    Ok(citizens
        .into_iter()
        .map(|c| {
            let person = export::Person {
                insurance_number: cards.get(&c.id).cloned(),
                national_id: c.national_id,
                full_name: c.full_name,
                born: c.date_of_birth,
                sex: Sex::from_stored(&c.sex),
            };
            (c.id, person)
        })
        .collect())
}
