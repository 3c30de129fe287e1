//! Consents: the citizen (or a guardian) lets a facility, or one practitioner of it, read
//! named sections and categories of the book for a purpose, until a date; withdrawn at once when asked. Each consent keeps
//! the exact text that was shown, its template version and language, and the channel.

use super::entities::consent;
use crate::auth::actor::Actor;
use crate::auth::entities::{account, citizen};
use crate::authz::{Action, Relationship, Resource};
use crate::booking::entities::{facility, practitioner, practitioner_facility};
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::account::age_on;
use healthbook_domain::book::consent::{check_grant, current_text, practitioner_words, render};
use healthbook_domain::book::{
    Categories, Channel, Consent, ConsentStatus, ConsentTerms, ConsentTextVersion,
    GrantConsentRequest, Purpose, Sections,
};
use healthbook_domain::{FieldIssue, Lang, ProblemCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsentTextQuery {
    /// `vi` (default) or `en`.
    pub lang: Option<Lang>,
}

/// The consent text the app shows before asking, with its version: the app renders it with
/// the terms chosen and sends the version back with the consent.
#[utoipa::path(get, path = "/consent-text", tag = "book",
    params(ConsentTextQuery),
    responses((status = 200, description = "The current consent template", body = ConsentTextVersion)))]
pub async fn consent_text(
    crate::http::ValidQuery(query): crate::http::ValidQuery<ConsentTextQuery>,
) -> Json<ConsentTextVersion> {
    Json(current_text(query.lang.unwrap_or(Lang::Vi)))
}

/// Where a consent stands today; `restricted_since` is when the citizen restricted the book,
/// if they did.
fn status_of(
    row: &consent::Model,
    today: NaiveDate,
    restricted_since: Option<DateTime<Utc>>,
) -> ConsentStatus {
    if row.withdrawn_at.is_some() {
        ConsentStatus::Withdrawn
    } else if row.valid_until < today {
        ConsentStatus::Expired
    } else if restricted_since.is_some_and(|since| row.valid_from <= since) {
        ConsentStatus::Suspended
    } else {
        ConsentStatus::Active
    }
}

fn view(
    row: consent::Model,
    facility_name: String,
    practitioner_name: Option<String>,
    today: NaiveDate,
    restricted_since: Option<DateTime<Utc>>,
) -> Result<Consent, ApiError> {
    let unknown = || ApiError::internal(anyhow::anyhow!("consent with an unknown code"));
    Ok(Consent {
        id: row.id,
        citizen_id: row.citizen_id,
        facility_id: row.facility_id,
        facility_name,
        practitioner_id: row.practitioner_id,
        practitioner_name,
        purpose: Purpose::parse(&row.purpose).ok_or_else(unknown)?,
        sections: Sections::from_stored(&row.sections).list(),
        categories: Categories::from_stored(&row.categories).list(),
        valid_from: row.valid_from,
        valid_until: row.valid_until,
        status: status_of(&row, today, restricted_since),
        channel: Channel::parse(&row.channel).ok_or_else(unknown)?,
        text_version: row.text_version,
        text_lang: row.text_lang,
        text: row.text,
        granted_by_name: row.granted_by_name,
        granted_by_guardian: row.granted_by_guardian,
        child_assent: row.child_assent,
        withdrawn_at: row.withdrawn_at,
    })
}

/// Consents are the citizen's own business: only they and their guardians list, grant and
/// withdraw them; anyone else gets the 404 of a citizen that does not exist.
async fn as_owner(
    state: &AppState,
    db: &impl ConnectionTrait,
    actor: &Actor,
    cid: Uuid,
) -> Result<Relationship, ApiError> {
    state
        .authorize_in(db, actor, Action::ManageConsents, Resource::Citizen(cid))
        .await
}

/// Every consent of the citizen, newest first, with its status.
#[utoipa::path(get, path = "/citizens/{cid}/consents", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id")),
    responses(
        (status = 200, description = "The consents", body = Vec<Consent>),
        (status = 404, description = "No such citizen, or not yours", content_type = "application/problem+json"),
    ))]
pub async fn list_consents(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
) -> ApiResult<Json<Vec<Consent>>> {
    as_owner(&state, &state.db, &actor, cid).await?;
    Ok(Json(of_citizen(&state.db, cid, state.clock.today()).await?))
}

/// Every consent of `cid`, newest first.
pub async fn of_citizen(
    db: &impl ConnectionTrait,
    cid: Uuid,
    today: NaiveDate,
) -> Result<Vec<Consent>, ApiError> {
    let rows = consent::Entity::find()
        .filter(consent::Column::CitizenId.eq(cid))
        .order_by_desc(consent::Column::ValidFrom)
        .all(db)
        .await?;
    let names = super::store::facility_names(db, rows.iter().map(|r| r.facility_id)).await?;
    let practitioners =
        practitioner_names(db, rows.iter().filter_map(|r| r.practitioner_id)).await?;
    let restricted = super::requests::restricted_since(db, cid).await?;
    rows.into_iter()
        .map(|row| {
            let name = names.get(&row.facility_id).cloned().unwrap_or_default();
            let practitioner = row
                .practitioner_id
                .and_then(|id| practitioners.get(&id).cloned());
            view(row, name, practitioner, today, restricted)
        })
        .collect()
}

/// Practitioners as a consent names them, by id.
async fn practitioner_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, ApiError> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(practitioner::Entity::find()
        .filter(practitioner::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, practitioner_words(&p.title, &p.full_name)))
        .collect())
}

/// The practitioner a consent names, who must work at the consent's facility.
async fn named_practitioner(
    db: &impl ConnectionTrait,
    request: &GrantConsentRequest,
) -> Result<Result<Option<String>, FieldIssue>, ApiError> {
    let Some(pid) = request.practitioner_id else {
        return Ok(Ok(None));
    };
    let works_there = practitioner_facility::Entity::find()
        .filter(practitioner_facility::Column::PractitionerId.eq(pid))
        .filter(practitioner_facility::Column::FacilityId.eq(request.facility_id))
        .one(db)
        .await?
        .is_some();
    let found = match works_there {
        true => practitioner::Entity::find_by_id(pid).one(db).await?,
        false => None,
    };
    Ok(found
        .map(|p| Some(practitioner_words(&p.title, &p.full_name)))
        .ok_or_else(|| {
            FieldIssue::new(
                "practitioner_id",
                "unknown_practitioner",
                "Người hành nghề này không làm việc tại cơ sở đã chọn.",
                "This practitioner does not work at the chosen facility.",
            )
        }))
}

/// Grants a facility (or one practitioner of it) access to named sections and categories for a purpose. The consent
/// records the exact text shown, rendered from the version the app used.
#[utoipa::path(post, path = "/citizens/{cid}/consents", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key returns the same consent")),
    request_body = GrantConsentRequest,
    responses(
        (status = 201, description = "The consent as recorded", body = Consent),
        (status = 404, description = "No such citizen, or not yours", content_type = "application/problem+json"),
        (status = 422, description = "`consent_not_agreed`, `child_assent_required`, `unknown_facility`, `unknown_practitioner` and other field problems", content_type = "application/problem+json"),
    ))]
pub async fn grant_consent(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    Path(cid): Path<Uuid>,
    ValidJson(request): ValidJson<GrantConsentRequest>,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let fingerprint = idempotency::fingerprint("grant-consent", &request);
    let scope = actor.account_id.to_string();
    idempotency::keyed(
        &state.db,
        &scope,
        &key,
        &fingerprint,
        now,
        StatusCode::CREATED,
        async |txn| record(&state, txn, &actor, cid, &request).await,
    )
    .await
}

/// Records the consent as asked for, in the transaction that claimed the request's key.
async fn record(
    state: &AppState,
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    cid: Uuid,
    request: &GrantConsentRequest,
) -> Result<Consent, ApiError> {
    let now = state.clock.now();
    let today = state.clock.today();
    let relationship = as_owner(state, txn, actor, cid).await?;
    let person = citizen::Entity::find_by_id(cid)
        .one(txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let by_guardian = relationship == Relationship::Guardian;
    let child_age = by_guardian.then(|| age_on(person.date_of_birth, today));
    let mut issues = match check_grant(request, today, child_age) {
        Ok(()) => Vec::new(),
        Err(issues) => issues,
    };
    let place = facility::Entity::find_by_id(request.facility_id)
        .one(txn)
        .await?;
    if place.is_none() {
        issues.push(FieldIssue::new(
            "facility_id",
            "unknown_facility",
            "Không có cơ sở y tế này.",
            "There is no such facility.",
        ));
    }
    let practitioner = match named_practitioner(txn, request).await? {
        Ok(name) => name,
        Err(issue) => {
            issues.push(issue);
            None
        }
    };
    let Some(place) = place.filter(|_| issues.is_empty()) else {
        return Err(ApiError::invalid(issues));
    };
    let granter = account::Entity::find_by_id(actor.account_id)
        .one(txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let lang = crate::auth::people::lang_of(&granter);
    let sections = Sections::of(&request.sections);
    let categories = Categories::of(&request.categories);
    let terms = ConsentTerms {
        citizen_name: &person.full_name,
        facility_name: &place.name,
        practitioner: practitioner.as_deref(),
        purpose: request.purpose,
        sections: &sections.list(),
        categories: &categories.list(),
        valid_until: request.valid_until,
    };
    let text = render(&request.text_version, lang, &terms).ok_or_else(|| {
        ApiError::invalid(vec![FieldIssue::new(
            "text_version",
            "unknown_text_version",
            "Phiên bản văn bản đồng ý không tồn tại.",
            "There is no such version of the consent text.",
        )])
    })?;
    let row = consent::Model {
        id: Uuid::now_v7(),
        citizen_id: cid,
        facility_id: place.id,
        practitioner_id: request.practitioner_id,
        purpose: request.purpose.as_str().to_owned(),
        sections: sections.to_stored(),
        categories: categories.to_stored(),
        valid_from: now,
        valid_until: request.valid_until,
        text,
        text_version: request.text_version.clone(),
        text_lang: lang.code().to_owned(),
        channel: request.channel.as_str().to_owned(),
        granted_by: actor.account_id,
        granted_by_name: granter.display_name.clone(),
        granted_by_guardian: by_guardian,
        child_assent: request.child_assent,
        withdrawn_at: None,
        withdrawn_by: None,
    };
    consent::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(txn)
        .await?;
    // Granted now, after any restriction: it holds.
    view(row, place.name, practitioner, today, None)
}

/// Withdraws a consent at once: the facility's next read is refused.
#[utoipa::path(delete, path = "/citizens/{cid}/consents/{consent_id}", tag = "book", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "Citizen id"), ("consent_id" = Uuid, Path, description = "Consent id")),
    responses(
        (status = 200, description = "The consent, withdrawn", body = Consent),
        (status = 404, description = "No such consent, or not yours", content_type = "application/problem+json"),
        (status = 409, description = "`consent_not_active`: already withdrawn or ended", content_type = "application/problem+json"),
    ))]
pub async fn withdraw_consent(
    State(state): State<AppState>,
    actor: Actor,
    Path((cid, consent_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Json<Consent>> {
    use crate::db::BeginWrite;
    let now = state.clock.now();
    let today = state.clock.today();
    let txn = state.db.begin_write().await?;
    as_owner(&state, &txn, &actor, cid).await?;
    let withdrawn = consent::Entity::update_many()
        .col_expr(consent::Column::WithdrawnAt, Expr::value(now))
        .col_expr(consent::Column::WithdrawnBy, Expr::value(actor.account_id))
        .filter(consent::Column::Id.eq(consent_id))
        .filter(consent::Column::CitizenId.eq(cid))
        .filter(consent::Column::WithdrawnAt.is_null())
        .filter(consent::Column::ValidUntil.gte(today))
        .exec(&txn)
        .await?
        .rows_affected;
    let row = consent::Entity::find_by_id(consent_id)
        .filter(consent::Column::CitizenId.eq(cid))
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if withdrawn == 0 {
        return Err(ApiError::conflict(ProblemCode::ConsentNotActive));
    }
    let name = super::store::facility_names(&txn, [row.facility_id])
        .await?
        .remove(&row.facility_id)
        .unwrap_or_default();
    let practitioner = practitioner_names(&txn, row.practitioner_id)
        .await?
        .into_values()
        .next();
    txn.commit().await?;
    // Withdrawn, it says so whatever else happened to the book.
    Ok(Json(view(row, name, practitioner, today, None)?))
}
