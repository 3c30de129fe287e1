//! Births a facility reported (a birth certificate, XML9) in a visit that went into the
//! mother's book: each child is offered to her as a dependent-to-be, and once she adds a
//! dependent born that day whose number the registry confirmed, the facility's system writes
//! the birth into the child's own book.

use super::entities::{expected_child, facility_system};
use super::import::{Writing, author};
use crate::auth::actor::Actor;
use crate::auth::entities::citizen;
use crate::authz::record::open_for_intake;
use crate::authz::{Action, Resource};
use crate::book::store;
use crate::booking::entities::facility;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use healthbook_domain::account::{ExpectedChild, Verification};
use healthbook_domain::book::EntryBody;
use healthbook_domain::ids::Sex;
use healthbook_domain::xml130::{self, Visit, birth::is_the_child};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

const EXPECTED: &str = "expected";
const ADDED: &str = "added";
const DISMISSED: &str = "dismissed";

/// Offers the children of `visit`'s birth certificate to `mother` (her verified number
/// `mother_number`), whose book the visit just went into. A certificate naming another
/// carer offers nothing to her; a changed resend replaces what is still only an offer.
pub(super) async fn expect_children(
    txn: &DatabaseTransaction,
    visit: &Visit,
    mother: Uuid,
    mother_number: &str,
    writing: &Writing<'_>,
) -> Result<(), ApiError> {
    let births = xml130::birth::births(visit);
    if births.is_empty() {
        return Ok(());
    }
    let of_visit = || {
        sea_orm::Condition::all()
            .add(expected_child::Column::FacilityId.eq(writing.facility))
            .add(expected_child::Column::MaLk.eq(visit.ma_lk.as_str()))
    };
    expected_child::Entity::delete_many()
        .filter(of_visit())
        .filter(expected_child::Column::Status.eq(EXPECTED))
        .exec(txn)
        .await?;
    let settled: HashSet<i32> = expected_child::Entity::find()
        .filter(of_visit())
        .all(txn)
        .await?
        .into_iter()
        .map(|row| row.ordinal)
        .collect();
    let system = writing.author.account.unwrap_or_default();
    for birth in births {
        let ordinal = i32::try_from(birth.ordinal).unwrap_or(i32::MAX);
        if settled.contains(&ordinal) || !birth.is_cared_for_by(mother_number) {
            continue;
        }
        let mut body = EntryBody::Encounter(birth.encounter(writing.facility));
        // A birth the book cannot hold (a minute still to come) is no offer: the mother's
        // visit is in her book all the same.
        if store::check(&mut body, writing.now, "XML9.").is_err() {
            tracing::warn!(receipt = %writing.receipt, ordinal, "a reported birth cannot be offered");
            continue;
        }
        expected_child::Entity::insert(expected_child::ActiveModel {
            id: Set(Uuid::now_v7()),
            facility_id: Set(writing.facility),
            system_id: Set(system),
            receipt_id: Set(writing.receipt),
            ma_lk: Set(visit.ma_lk.clone()),
            ordinal: Set(ordinal),
            guardian_id: Set(mother),
            born_on: Set(birth.born_on()),
            sex: Set(birth.sex.map(|s| s.as_str().to_owned())),
            intended_name: Set(birth.intended_name.clone()),
            weight_grams: Set(birth.weight_grams.and_then(|g| i32::try_from(g).ok())),
            encounter: Set(serde_json::to_string(&body).map_err(ApiError::internal)?),
            status: Set(EXPECTED.to_owned()),
            dependent_id: Set(None),
            created_at: Set(writing.now),
            resolved_at: Set(None),
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// Takes the offer a new dependent answers: `guardian` just added `child` (born
/// `date_of_birth`, of `sex`). The birth goes into the child's book only when the registry
/// confirmed the child's number: an unconfirmed number may be someone else's.
pub async fn welcome_child(
    txn: &DatabaseTransaction,
    guardian: Uuid,
    child: &citizen::Model,
    sex: Sex,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if child.verification != Verification::Verified.as_str() {
        return Ok(());
    }
    let offer = expected_child::Entity::find()
        .filter(expected_child::Column::GuardianId.eq(guardian))
        .filter(expected_child::Column::Status.eq(EXPECTED))
        .filter(expected_child::Column::BornOn.eq(child.date_of_birth))
        .order_by_asc(expected_child::Column::CreatedAt)
        .order_by_asc(expected_child::Column::Ordinal)
        .all(txn)
        .await?
        .into_iter()
        .find(|offer| {
            let reported = offer.sex.as_deref().and_then(Sex::from_stored);
            is_the_child(offer.born_on, reported, child.date_of_birth, sex)
        });
    let Some(offer) = offer else {
        return Ok(());
    };
    let system = facility_system::Entity::find_by_id(offer.system_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("offer without its system")))?;
    let body: EntryBody = serde_json::from_str(&offer.encounter).map_err(ApiError::internal)?;
    let author = author(offer.system_id, &system.name, offer.facility_id);
    open_for_intake(
        txn,
        offer.system_id,
        offer.facility_id,
        child.id,
        offer.receipt_id,
        now,
    )
    .await?;
    store::append(txn, child.id, &author, body, now).await?;
    resolve(txn, offer.id, ADDED, Some(child.id), now).await
}

async fn resolve(
    txn: &impl sea_orm::ConnectionTrait,
    id: Uuid,
    status: &str,
    dependent: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    expected_child::Entity::update_many()
        .col_expr(expected_child::Column::Status, Expr::value(status))
        .col_expr(expected_child::Column::DependentId, Expr::value(dependent))
        .col_expr(expected_child::Column::ResolvedAt, Expr::value(now))
        .filter(expected_child::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The children facilities reported born to the caller, not yet added or dismissed.
#[utoipa::path(get, path = "/me/expected-children", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "Children to add as dependents once they have a number", body = Vec<ExpectedChild>)))]
pub async fn list_expected_children(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<ExpectedChild>>> {
    state
        .authorize(&actor, Action::ReadOwnAccount, Resource::OwnAccount)
        .await?;
    let Some(guardian) = actor.citizen_id else {
        return Ok(Json(Vec::new()));
    };
    let offers = expected_child::Entity::find()
        .filter(expected_child::Column::GuardianId.eq(guardian))
        .filter(expected_child::Column::Status.eq(EXPECTED))
        .order_by_asc(expected_child::Column::BornOn)
        .order_by_asc(expected_child::Column::Ordinal)
        .all(&state.db)
        .await?;
    let facilities: BTreeMap<Uuid, String> = facility::Entity::find()
        .filter(facility::Column::Id.is_in(offers.iter().map(|o| o.facility_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect();
    Ok(Json(
        offers
            .into_iter()
            .map(|offer| ExpectedChild {
                id: offer.id,
                born_on: offer.born_on,
                sex: offer.sex.as_deref().and_then(Sex::from_stored),
                intended_name: offer.intended_name,
                weight_grams: offer.weight_grams.and_then(|g| u32::try_from(g).ok()),
                facility_name: facilities
                    .get(&offer.facility_id)
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect(),
    ))
}

/// Declines an offer (the child is in someone else's care, or did not live): it is not
/// shown again, and a dependent added later does not take it.
#[utoipa::path(delete, path = "/me/expected-children/{id}", tag = "account", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The offer's id")),
    responses(
        (status = 204, description = "Dismissed"),
        (status = 404, description = "No such offer to the caller still open", content_type = "application/problem+json"),
    ))]
pub async fn dismiss_expected_child(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state
        .authorize(&actor, Action::ManageDependents, Resource::OwnAccount)
        .await?;
    let guardian = actor.citizen_id.ok_or_else(ApiError::not_found)?;
    expected_child::Entity::find_by_id(id)
        .filter(expected_child::Column::GuardianId.eq(guardian))
        .filter(expected_child::Column::Status.eq(EXPECTED))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    resolve(&state.db, id, DISMISSED, None, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
