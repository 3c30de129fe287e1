//! Dependents: a citizen adds a child under 18 and becomes its guardian (a second guardian
//! is invited in `guardians`). Guardianship ends on the child's 18th birthday.

use super::actor::Actor;
use super::audit::{self, Event, Record};
use super::entities::{account, citizen, guardianship};
use super::error::AuthError;
use super::holders::{self, Claim, Claimant, Holder};
use super::mails;
use super::people::{dependents_of, lang_of, profile};
use super::registry::RegistryAnswer;
use crate::authz::{Action, Resource, is_guardian};
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey, NextAction};
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use healthbook_domain::account::GuardianshipStatus;
use healthbook_domain::account::{
    ADULT_AGE, AddDependentRequest, CitizenProfile, Dependent, Verification, birthday,
    mask_national_id,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

async fn insert_child(
    txn: &DatabaseTransaction,
    child: &healthbook_domain::account::NewDependent,
    verification: Verification,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Uuid, ApiError> {
    let verified = verification == Verification::Verified;
    citizen::Entity::insert(citizen::ActiveModel {
        id: Set(id),
        account_id: Set(None),
        national_id: Set(child.national_id.as_str().to_owned()),
        full_name: Set(child.full_name.clone()),
        date_of_birth: Set(child.date_of_birth),
        sex: Set(child.sex.as_str().to_owned()),
        verification: Set(verification.as_str().to_owned()),
        verified_at: Set(verified.then_some(now)),
        verified_by: Set(verified.then(|| "registry".to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    // Visits a facility sent before the book existed are in it from its first day; only a
    // number the registry confirmed is the person's to receive them.
    if verified {
        crate::ingest::claim_waiting(
            txn,
            id,
            child.national_id.as_str(),
            child.date_of_birth,
            now,
        )
        .await?;
    }
    Ok(id)
}

pub(super) fn own_citizen(actor: &Actor) -> Result<Uuid, ApiError> {
    actor.citizen_id.ok_or_else(|| AuthError::Forbidden.into())
}

/// Adds a child under 18 and makes the caller its guardian.
#[utoipa::path(post, path = "/me/dependents", tag = "account", security(("bearer" = [])),
    request_body = AddDependentRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 200, description = "Already the caller's dependent", body = Dependent),
        (status = 201, description = "Added, the caller being the guardian; or refused without saying so (a number someone else looks after), in which case a mail tells the caller and the holder", body = Dependent),
        (status = 422, description = "Invalid fields, not a minor, or `registry_mismatch`", content_type = "application/problem+json"),
    ))]
pub async fn add_dependent(
    State(state): State<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    ValidJson(request): ValidJson<AddDependentRequest>,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let today = state.clock.today();
    state
        .authorize(&actor, Action::ManageDependents, Resource::OwnAccount)
        .await?;
    let guardian = own_citizen(&actor)?;
    let child = request.parse(today).map_err(ApiError::invalid)?;
    let verification = match state
        .registry
        .check(&child.national_id, &child.full_name, child.date_of_birth)
        .await
    {
        Ok(RegistryAnswer::Match) => Verification::Verified,
        Ok(RegistryAnswer::Mismatch) => return Err(AuthError::RegistryMismatch.into()),
        Ok(RegistryAnswer::Unknown) => Verification::Unverified,
        Err(error) => {
            tracing::warn!(error = %error, "population registry unavailable; dependent unverified");
            Verification::Unverified
        }
    };
    let fingerprint = idempotency::fingerprint("add-dependent", &request);
    let pending = match idempotency::begin(
        &state.db,
        &actor.account_id.to_string(),
        &key,
        &fingerprint,
        now,
    )
    .await?
    {
        NextAction::Proceed(pending) => pending,
        NextAction::Replay(replay) => return Ok(replay),
    };
    let txn = pending.txn();
    let ends_on = birthday(child.date_of_birth, ADULT_AGE);
    if let Some(row) = citizen::Entity::find()
        .filter(citizen::Column::NationalId.eq(child.national_id.as_str()))
        .one(txn)
        .await?
        && is_guardian(txn, guardian, row.id, today).await?
    {
        let dependent = Dependent {
            citizen: profile(&row),
            guardianship_ends_on: Some(ends_on),
        };
        return Ok((StatusCode::OK, Json(dependent)).into_response());
    }
    let claim_of_number = Claim {
        claimant: Claimant::Guardian,
        full_name: &child.full_name,
        date_of_birth: child.date_of_birth,
        registry_confirmed: verification == Verification::Verified,
    };
    let new_id = Uuid::now_v7();
    let child_id =
        match holders::holder_of(txn, child.national_id.as_str(), &claim_of_number, today).await? {
            Holder::Claimable(row) => row.id,
            Holder::Free => insert_child(txn, &child, verification, new_id, now).await?,
            Holder::Displaceable(row) => {
                holders::displace(txn, &row, actor.account_id, now).await?;
                insert_child(txn, &child, verification, new_id, now).await?
            }
            Holder::Held(row) => {
                // The answer a new child gets; the caller and the holder learn by mail.
                holders::tell_holder_of_attempt(txn, &row, today, now).await?;
                if let Some(caller) = account::Entity::find_by_id(actor.account_id)
                    .one(txn)
                    .await?
                {
                    mail::enqueue(
                        txn,
                        mails::dependent_not_added(
                            &caller.email,
                            &caller.display_name,
                            &child.full_name,
                            lang_of(&caller),
                        ),
                        now,
                    )
                    .await?;
                }
                let dependent = Dependent {
                    citizen: CitizenProfile {
                        citizen_id: new_id,
                        full_name: child.full_name.clone(),
                        date_of_birth: child.date_of_birth,
                        sex: child.sex,
                        national_id_masked: mask_national_id(child.national_id.as_str()),
                        verification,
                    },
                    guardianship_ends_on: Some(ends_on),
                };
                pending.finish(StatusCode::CREATED, &dependent).await?;
                state.mailer.wake();
                return Ok((StatusCode::CREATED, Json(dependent)).into_response());
            }
        };
    guardianship::Entity::insert(guardianship::ActiveModel {
        guardian_id: Set(guardian),
        dependent_id: Set(child_id),
        status: Set(GuardianshipStatus::Active.as_str().to_owned()),
        invited_by: Set(None),
        invite_email_key: Set(None),
        ends_on: Set(Some(ends_on)),
        created_at: Set(now),
        accepted_at: Set(Some(now)),
    })
    .exec_without_returning(txn)
    .await?;
    audit::record(
        txn,
        Record::of(actor.account_id, Event::DependentAdded)
            .with(serde_json::json!({ "citizen_id": child_id })),
        now,
    )
    .await?;
    let row = citizen::Entity::find_by_id(child_id)
        .one(txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    // A child a facility reported born to the caller: the birth goes into the child's book.
    crate::ingest::welcome_child(txn, guardian, &row, child.sex, now).await?;
    let dependent = Dependent {
        citizen: profile(&row),
        guardianship_ends_on: Some(ends_on),
    };
    pending.finish(StatusCode::CREATED, &dependent).await?;
    Ok((StatusCode::CREATED, Json(dependent)).into_response())
}

/// The caller's dependents.
#[utoipa::path(get, path = "/me/dependents", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "Dependents", body = Vec<Dependent>)))]
pub async fn list_dependents(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<Dependent>>> {
    let today = state.clock.today();
    state
        .authorize(&actor, Action::ReadOwnAccount, Resource::OwnAccount)
        .await?;
    let Some(guardian) = actor.citizen_id else {
        return Ok(Json(Vec::new()));
    };
    Ok(Json(dependents_of(&state.db, guardian, today).await?))
}
