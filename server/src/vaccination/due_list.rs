//! Due lists for public-health outreach: the residents of a facility's commune who are due
//! (or overdue) for a vaccine, page by page; and a session's targets, the same list for the
//! session's vaccines in the commune it serves.
//!
//! Residents are those whose section I places them in the commune (`residences`: the current
//! address, else the permanent one). Candidates are read in citizen-id order through the
//! `(commune_code, citizen_id)` index, a batch at a time, with their doses in one query per
//! batch; the schedule engine decides who is listed. The cursor is the last citizen looked
//! at, so pages neither skip nor repeat people as others move in. Reading someone's standing
//! is reading their record: each person on the page returned gets one access-log line
//! (basis `outreach`), written in one statement before the page is sent.

use super::history;
use super::sessions;
use crate::auth::actor::Actor;
use crate::auth::entities::citizen;
use crate::authz::{Action, Relationship, Resource, may_at_some_facility};
use crate::book::entities::{book_entry, residence};
use crate::booking::entities::facility;
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::http::{ValidQuery, cursor};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Months, NaiveDate, Utc};
use healthbook_domain::account::StaffRole;
use healthbook_domain::book::Section;
use healthbook_domain::booking::time::local_date;
use healthbook_domain::page::{Page, page_size};
use healthbook_domain::vaccine::due::due;
use healthbook_domain::vaccine::session::{
    DueListEntry, DueStatus, age_in_months, listed_only_with_doses_if_born_before, outreach_lines,
};
use healthbook_domain::vaccine::{CatalogueEntry, entry};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

/// Candidates read per query. Large enough that a commune of 20,000 with few people due is
/// a few dozen round trips; small enough that a page never holds much in memory.
const BATCH: u64 = 5_000;

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueListQuery {
    /// Only people due for this vaccine (a catalogue code): for any antigen it covers.
    pub vaccine: Option<String>,
    /// Only people at least this many whole months old.
    #[validate(range(max = 1500))]
    pub age_from_months: Option<u32>,
    /// Only people at most this many whole months old.
    #[validate(range(max = 1500))]
    pub age_to_months: Option<u32>,
    /// `due` (default: a dose may be given now, overdue ones included) or `overdue`.
    #[param(inline)]
    pub status: Option<DueStatus>,
    pub cursor: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TargetsQuery {
    /// `due` (default) or `overdue`.
    #[param(inline)]
    pub status: Option<DueStatus>,
    pub cursor: Option<String>,
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

#[derive(Serialize, Deserialize)]
struct ResidentCursor {
    after: Uuid,
}

/// What a list asks for, once parsed.
struct Listing<'a> {
    commune: &'a str,
    vaccines: Vec<&'static CatalogueEntry>,
    /// Born on or before this day (the youngest age asked for).
    born_by: Option<NaiveDate>,
    /// Born after this day (the oldest age asked for).
    born_after: Option<NaiveDate>,
    status: DueStatus,
    after: Option<Uuid>,
    limit: usize,
    today: NaiveDate,
}

#[derive(Debug, FromQueryResult)]
struct Candidate {
    id: Uuid,
    full_name: String,
    date_of_birth: NaiveDate,
    sex: String,
}

fn invalid(field: &str, code: &str, vi: &str, en: &str) -> ApiError {
    ApiError::validation(vec![FieldError::new(field, code, Text::new(vi, en))])
}

/// The next batch of the commune's residents after `after`, in id order.
async fn candidates(
    db: &impl ConnectionTrait,
    listing: &Listing<'_>,
    after: Option<Uuid>,
) -> Result<Vec<Candidate>, ApiError> {
    let resident = (residence::Entity, residence::Column::CitizenId);
    let mut select = Query::select();
    select
        .expr_as(Expr::col((citizen::Entity, citizen::Column::Id)), "id")
        .expr_as(
            Expr::col((citizen::Entity, citizen::Column::FullName)),
            "full_name",
        )
        .expr_as(
            Expr::col((citizen::Entity, citizen::Column::DateOfBirth)),
            "date_of_birth",
        )
        .expr_as(Expr::col((citizen::Entity, citizen::Column::Sex)), "sex")
        .from(residence::Entity)
        .inner_join(
            citizen::Entity,
            Expr::col((citizen::Entity, citizen::Column::Id)).equals(resident),
        )
        .and_where(
            Expr::col((residence::Entity, residence::Column::CommuneCode)).eq(listing.commune),
        )
        .order_by(resident, Order::Asc)
        .limit(BATCH);
    if let Some(after) = after {
        select.and_where(Expr::col(resident).gt(after));
    }
    if let Some(by) = listing.born_by {
        select.and_where(Expr::col((citizen::Entity, citizen::Column::DateOfBirth)).lte(by));
    }
    if let Some(after) = listing.born_after {
        select.and_where(Expr::col((citizen::Entity, citizen::Column::DateOfBirth)).gt(after));
    }
    // Most residents are adults the schedule no longer follows: without a dose they cannot
    // be listed, so their books are not read at all.
    if let Some(cut_off) = listed_only_with_doses_if_born_before(listing.today) {
        let has_doses = Query::select()
            .expr(Expr::val(1))
            .from(book_entry::Entity)
            .and_where(
                Expr::col((book_entry::Entity, book_entry::Column::CitizenId)).equals(resident),
            )
            .and_where(
                Expr::col((book_entry::Entity, book_entry::Column::Section))
                    .eq(Section::Immunizations.as_str()),
            )
            .to_owned();
        select.cond_where(
            Condition::any()
                .add(Expr::col((citizen::Entity, citizen::Column::DateOfBirth)).gte(cut_off))
                .add(Expr::exists(has_doses)),
        );
    }
    let statement = db.get_database_backend().build(&select);
    Ok(Candidate::find_by_statement(statement).all(db).await?)
}

/// One page of the list, and the cursor of the next.
async fn page(
    db: &impl ConnectionTrait,
    listing: &Listing<'_>,
) -> Result<(Vec<DueListEntry>, Option<String>), ApiError> {
    let mut listed: Vec<DueListEntry> = Vec::with_capacity(listing.limit + 1);
    let mut after = listing.after;
    // Everyone listed lives in the one commune, so in the one province.
    let offers = super::rollout::offers(db, Some(listing.commune), listing.today).await?;
    loop {
        let batch = candidates(db, listing, after).await?;
        let exhausted = batch.len() < usize::try_from(BATCH).unwrap_or(usize::MAX);
        let ids: Vec<Uuid> = batch.iter().map(|c| c.id).collect();
        let mut histories = history::of_citizens(db, &ids).await?;
        for candidate in batch {
            after = Some(candidate.id);
            let person =
                history::vaccinee(candidate.date_of_birth, &candidate.sex, offers.clone())?;
            let doses = histories.remove(&candidate.id).unwrap_or_else(|| {
                healthbook_domain::vaccine::due::DoseHistory {
                    doses: Vec::new(),
                    reactions: Vec::new(),
                }
            });
            let lines = outreach_lines(
                due(&person, &doses, listing.today),
                &listing.vaccines,
                listing.status,
                listing.today,
            );
            if lines.is_empty() {
                continue;
            }
            listed.push(DueListEntry {
                citizen_id: candidate.id,
                full_name: candidate.full_name,
                date_of_birth: candidate.date_of_birth,
                age_months: age_in_months(candidate.date_of_birth, listing.today),
                antigens: lines,
            });
            // One more than the page says whether there is a next one.
            if listed.len() > listing.limit {
                listed.truncate(listing.limit);
                let next = listed.last().map(|last| {
                    cursor::encode(&ResidentCursor {
                        after: last.citizen_id,
                    })
                });
                return Ok((listed, next));
            }
        }
        if exhausted {
            return Ok((listed, None));
        }
    }
}

/// Runs a listing for `facility`, and logs each person shown as read by the caller.
async fn listed(
    state: &AppState,
    actor: &Actor,
    role: StaffRole,
    facility: Uuid,
    listing: &Listing<'_>,
    now: DateTime<Utc>,
) -> Result<Page<DueListEntry>, ApiError> {
    let (items, next_cursor) = page(&state.db, listing).await?;
    let shown: Vec<Uuid> = items.iter().map(|i| i.citizen_id).collect();
    crate::authz::record::log_listing(
        &state.db,
        actor,
        (role, facility),
        crate::authz::record::Listing::Outreach,
        &shown,
        now,
    )
    .await?;
    tracing::info!(facility.id = %facility, due_list.listed = shown.len(), "due list read");
    Ok(Page { items, next_cursor })
}

fn role_of(relationship: Relationship) -> StaffRole {
    match relationship {
        Relationship::Staff(role) => role,
        // `ListDue` is granted to staff roles only.
        _ => StaffRole::Vaccinator,
    }
}

fn after_of(text: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    Ok(text
        .map(cursor::decode::<ResidentCursor>)
        .transpose()?
        .map(|c| c.after))
}

/// The residents of the facility's commune due for a vaccine: for the station's outreach.
#[utoipa::path(get, path = "/facilities/{fid}/due-list", tag = "vaccination", security(("bearer" = [])),
    params(("fid" = Uuid, Path, description = "Facility id"), DueListQuery),
    responses(
        (status = 200, description = "A page of people due, each with the antigens that list them; each person listed gets an access-log line", body = Page<DueListEntry>),
        (status = 403, description = "Not a vaccinator or administrator of this facility", content_type = "application/problem+json"),
        (status = 422, description = "`unknown_vaccine`, an age band whose end is before its start, a bad cursor or limit", content_type = "application/problem+json"),
    ))]
pub async fn due_list(
    State(state): State<AppState>,
    actor: Actor,
    Path(fid): Path<Uuid>,
    ValidQuery(query): ValidQuery<DueListQuery>,
) -> ApiResult<Json<Page<DueListEntry>>> {
    let now = state.clock.now();
    let today = local_date(now);
    let role = role_of(
        state
            .authorize(&actor, Action::ListDue, Resource::Facility(fid))
            .await?,
    );
    let vaccines = match query.vaccine.as_deref() {
        Some(code) => vec![entry(code).ok_or_else(|| {
            invalid(
                "vaccine",
                "unknown_vaccine",
                "Danh mục không có vắc xin này.",
                "The catalogue has no such vaccine.",
            )
        })?],
        None => Vec::new(),
    };
    if let (Some(from), Some(to)) = (query.age_from_months, query.age_to_months)
        && to < from
    {
        return Err(invalid(
            "age_to_months",
            "range_reversed",
            "Tuổi đến phải không nhỏ hơn tuổi từ.",
            "The upper age must not be below the lower one.",
        ));
    }
    let place = facility::Entity::find_by_id(fid)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let listing = Listing {
        commune: &place.commune_code,
        vaccines,
        born_by: query
            .age_from_months
            .and_then(|m| today.checked_sub_months(Months::new(m))),
        born_after: query
            .age_to_months
            .and_then(|m| today.checked_sub_months(Months::new(m.saturating_add(1)))),
        status: query.status.unwrap_or(DueStatus::Due),
        after: after_of(query.cursor.as_deref())?,
        limit: usize::try_from(page_size(query.limit)).unwrap_or(20),
        today,
    };
    Ok(Json(
        listed(&state, &actor, role, fid, &listing, now).await?,
    ))
}

/// The people a session is for: the due list of the commune it serves, for its vaccines.
#[utoipa::path(get, path = "/vaccination-sessions/{sid}/targets", tag = "vaccination", security(("bearer" = [])),
    params(("sid" = Uuid, Path, description = "Vaccination session id"), TargetsQuery),
    responses(
        (status = 200, description = "A page of people due for the session's vaccines; each gets an access-log line", body = Page<DueListEntry>),
        (status = 403, description = "Not a vaccinator or facility administrator anywhere", content_type = "application/problem+json"),
        (status = 404, description = "No such session, or one of another facility", content_type = "application/problem+json"),
    ))]
pub async fn session_targets(
    State(state): State<AppState>,
    actor: Actor,
    Path(sid): Path<Uuid>,
    ValidQuery(query): ValidQuery<TargetsQuery>,
) -> ApiResult<Json<Page<DueListEntry>>> {
    let now = state.clock.now();
    may_at_some_facility(&actor, Action::ListDue)?;
    let (session, _) = sessions::find(&state.db, sid)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let role = role_of(
        state
            .authorize(
                &actor,
                Action::ListDue,
                Resource::Facility(session.facility_id),
            )
            .await
            .map_err(|_| ApiError::not_found())?,
    );
    let listing = Listing {
        commune: &session.commune_code,
        vaccines: session.vaccine_codes().filter_map(entry).collect(),
        born_by: None,
        born_after: None,
        status: query.status.unwrap_or(DueStatus::Due),
        after: after_of(query.cursor.as_deref())?,
        limit: usize::try_from(page_size(query.limit)).unwrap_or(20),
        today: local_date(now),
    };
    Ok(Json(
        listed(&state, &actor, role, session.facility_id, &listing, now).await?,
    ))
}
