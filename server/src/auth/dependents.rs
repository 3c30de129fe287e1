//! Dependents: a citizen adds a child under 18 and becomes its guardian; a second guardian
//! is invited by the first. Guardianship ends on the child's 18th birthday.

use super::actor::Actor;
use super::audit::{self, Event, Record};
use super::entities::{account, citizen, guardianship};
use super::error::AuthError;
use super::holders::{self, Claim, Claimant, Holder};
use super::mails;
use super::people::{dependents_of, lang_of, profile};
use super::registry::RegistryAnswer;
use crate::authz::{Action, Resource, is_guardian};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey, NextAction};
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use healthbook_domain::account::{
    ADULT_AGE, AddDependentRequest, CitizenProfile, Dependent, Verification, birthday,
    mask_national_id,
};
use healthbook_domain::account::{AccountKind, GuardianshipStatus, MAX_GUARDIANS};
use healthbook_domain::ids::EmailAddress;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};
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
    Ok(id)
}

fn own_citizen(actor: &Actor) -> Result<Uuid, ApiError> {
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

#[derive(Debug, Serialize, Deserialize, validator::Validate, utoipa::ToSchema)]
pub struct InviteGuardian {
    /// The address of the second guardian's HealthBook account.
    #[validate(length(min = 3, max = 254))]
    pub email: String,
}

/// Invites a second guardian for a dependent. The answer is the same whether or not the
/// address has an account; if it has, the invitation appears in that account.
#[utoipa::path(post, path = "/me/dependents/{cid}/guardians", tag = "account", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "The dependent's citizen id")),
    request_body = InviteGuardian,
    responses(
        (status = 202, description = "Invitation sent if the address has an account"),
        (status = 404, description = "Not your dependent", content_type = "application/problem+json"),
        (status = 409, description = "`too_many_guardians`", content_type = "application/problem+json"),
    ))]
pub async fn invite_guardian(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
    ValidJson(request): ValidJson<InviteGuardian>,
) -> ApiResult<StatusCode> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::InviteGuardian, Resource::Citizen(cid))
        .await?;
    let txn = state.db.begin_write().await?;
    let guardians = guardianship::Entity::find()
        .filter(guardianship::Column::DependentId.eq(cid))
        .filter(guardianship::Column::Status.ne(GuardianshipStatus::Ended.as_str()))
        .count(&txn)
        .await?;
    if guardians >= MAX_GUARDIANS {
        return Err(AuthError::TooManyGuardians.into());
    }
    let email_key = EmailAddress::lookup_key(&request.email);
    let invitee = account::Entity::find()
        .filter(account::Column::EmailKey.eq(&email_key))
        .filter(account::Column::Kind.eq(AccountKind::Citizen.as_str()))
        .one(&txn)
        .await?;
    let invitee_citizen = match &invitee {
        Some(acc) => {
            citizen::Entity::find()
                .filter(citizen::Column::AccountId.eq(acc.id))
                .one(&txn)
                .await?
        }
        None => None,
    };
    if let (Some(acc), Some(person)) = (invitee, invitee_citizen)
        && Some(person.id) != actor.citizen_id
        && person.id != cid
    {
        let child = citizen::Entity::find_by_id(cid)
            .one(&txn)
            .await?
            .ok_or_else(ApiError::not_found)?;
        guardianship::Entity::insert(guardianship::ActiveModel {
            guardian_id: Set(person.id),
            dependent_id: Set(cid),
            status: Set(GuardianshipStatus::Invited.as_str().to_owned()),
            invited_by: Set(actor.citizen_id),
            invite_email_key: Set(Some(email_key)),
            ends_on: Set(Some(birthday(child.date_of_birth, ADULT_AGE))),
            created_at: Set(now),
            accepted_at: Set(None),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                guardianship::Column::GuardianId,
                guardianship::Column::DependentId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        let inviter = account::Entity::find_by_id(actor.account_id)
            .one(&txn)
            .await?;
        let inviter_name = inviter.map(|a| a.display_name).unwrap_or_default();
        mail::enqueue(
            &txn,
            mails::guardian_invitation(&acc.email, &inviter_name, &child.full_name, lang_of(&acc)),
            now,
        )
        .await?;
        audit::record(
            &txn,
            Record::of(actor.account_id, Event::GuardianInvited)
                .with(serde_json::json!({ "citizen_id": cid })),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    state.mailer.wake();
    Ok(StatusCode::ACCEPTED)
}

/// Invitations to be a guardian that wait for the caller's answer.
#[utoipa::path(get, path = "/me/guardian-invitations", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "Pending invitations", body = Vec<Dependent>)))]
pub async fn list_invitations(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<Dependent>>> {
    state
        .authorize(&actor, Action::ReadOwnAccount, Resource::OwnAccount)
        .await?;
    let Some(me) = actor.citizen_id else {
        return Ok(Json(Vec::new()));
    };
    let links = guardianship::Entity::find()
        .filter(guardianship::Column::GuardianId.eq(me))
        .filter(guardianship::Column::Status.eq(GuardianshipStatus::Invited.as_str()))
        .all(&state.db)
        .await?;
    let mut out = Vec::new();
    for link in links {
        if let Some(child) = citizen::Entity::find_by_id(link.dependent_id)
            .one(&state.db)
            .await?
        {
            out.push(Dependent {
                citizen: profile(&child),
                guardianship_ends_on: link.ends_on,
            });
        }
    }
    Ok(Json(out))
}

/// Accepts an invitation: the caller becomes the child's second guardian.
#[utoipa::path(post, path = "/me/guardian-invitations/{cid}/accept", tag = "account", security(("bearer" = [])),
    params(("cid" = Uuid, Path, description = "The dependent's citizen id")),
    responses(
        (status = 200, description = "Now a guardian", body = Dependent),
        (status = 404, description = "No invitation for you", content_type = "application/problem+json"),
    ))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    actor: Actor,
    Path(cid): Path<Uuid>,
) -> ApiResult<Json<Dependent>> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManageDependents, Resource::OwnAccount)
        .await?;
    let me = own_citizen(&actor)?;
    let txn = state.db.begin_write().await?;
    let accepted = guardianship::Entity::update_many()
        .col_expr(
            guardianship::Column::Status,
            Expr::value(GuardianshipStatus::Active.as_str()),
        )
        .col_expr(guardianship::Column::AcceptedAt, Expr::value(now))
        .filter(guardianship::Column::GuardianId.eq(me))
        .filter(guardianship::Column::DependentId.eq(cid))
        .filter(guardianship::Column::Status.eq(GuardianshipStatus::Invited.as_str()))
        .exec(&txn)
        .await?;
    if accepted.rows_affected != 1 {
        return Err(ApiError::not_found());
    }
    let child = citizen::Entity::find_by_id(cid)
        .one(&txn)
        .await?
        .ok_or_else(ApiError::not_found)?;
    audit::record(
        &txn,
        Record::of(actor.account_id, Event::GuardianAccepted)
            .with(serde_json::json!({ "citizen_id": cid })),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Json(Dependent {
        citizen: profile(&child),
        guardianship_ends_on: Some(birthday(child.date_of_birth, ADULT_AGE)),
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GuardianView {
    pub guardian_id: Uuid,
    pub full_name: String,
    /// `active`, `invited` or `ended`.
    pub status: String,
    /// When guardianship ends; absent when granted without end.
    pub ends_on: Option<NaiveDate>,
}

/// The people who are or were the caller's guardians.
#[utoipa::path(get, path = "/me/guardians", tag = "account", security(("bearer" = [])),
    responses((status = 200, description = "Guardians, current and former", body = Vec<GuardianView>)))]
pub async fn list_guardians(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<GuardianView>>> {
    let today = state.clock.today();
    state
        .authorize(&actor, Action::ReadOwnAccount, Resource::OwnAccount)
        .await?;
    let me = own_citizen(&actor)?;
    let links = guardianship::Entity::find()
        .filter(guardianship::Column::DependentId.eq(me))
        .all(&state.db)
        .await?;
    let mut out = Vec::new();
    for link in links {
        if let Some(guardian) = citizen::Entity::find_by_id(link.guardian_id)
            .one(&state.db)
            .await?
        {
            let ended = link.ends_on.is_some_and(|end| end <= today);
            out.push(GuardianView {
                guardian_id: guardian.id,
                full_name: guardian.full_name,
                status: if ended {
                    GuardianshipStatus::Ended.as_str().to_owned()
                } else {
                    link.status
                },
                ends_on: link.ends_on,
            });
        }
    }
    Ok(Json(out))
}

/// An adult grants a former (or current) guardian the right to keep acting for them, without
/// end date. Guardianship otherwise ends on the 18th birthday.
#[utoipa::path(post, path = "/me/guardians/{gid}/grant", tag = "account", security(("bearer" = [])),
    params(("gid" = Uuid, Path, description = "The guardian's citizen id")),
    responses(
        (status = 204, description = "Granted"),
        (status = 404, description = "Not one of your guardians", content_type = "application/problem+json"),
        (status = 403, description = "`step_up_required`: needs a passkey session", content_type = "application/problem+json"),
    ))]
pub async fn grant_guardian(
    State(state): State<AppState>,
    actor: Actor,
    Path(gid): Path<Uuid>,
) -> ApiResult<StatusCode> {
    set_guardian(&state, &actor, gid, true).await
}

/// Ends a guardianship now: the guardian can no longer see or act for the caller.
#[utoipa::path(delete, path = "/me/guardians/{gid}", tag = "account", security(("bearer" = [])),
    params(("gid" = Uuid, Path, description = "The guardian's citizen id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 404, description = "Not one of your guardians", content_type = "application/problem+json"),
    ))]
pub async fn end_guardian(
    State(state): State<AppState>,
    actor: Actor,
    Path(gid): Path<Uuid>,
) -> ApiResult<StatusCode> {
    set_guardian(&state, &actor, gid, false).await
}

async fn set_guardian(
    state: &AppState,
    actor: &Actor,
    gid: Uuid,
    grant: bool,
) -> ApiResult<StatusCode> {
    state
        .authorize(actor, Action::ManageOwnGuardians, Resource::OwnAccount)
        .await?;
    let me = own_citizen(actor)?;
    let mut update = guardianship::Entity::update_many()
        .filter(guardianship::Column::GuardianId.eq(gid))
        .filter(guardianship::Column::DependentId.eq(me))
        .filter(guardianship::Column::Status.ne(GuardianshipStatus::Invited.as_str()));
    update = if grant {
        update
            .col_expr(
                guardianship::Column::Status,
                Expr::value(GuardianshipStatus::Active.as_str()),
            )
            .col_expr(
                guardianship::Column::EndsOn,
                Expr::value(Option::<NaiveDate>::None),
            )
    } else {
        update
            .col_expr(
                guardianship::Column::Status,
                Expr::value(GuardianshipStatus::Ended.as_str()),
            )
            .col_expr(
                guardianship::Column::EndsOn,
                Expr::value(Some(state.clock.today())),
            )
    };
    if update.exec(&state.db).await?.rows_affected != 1 {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}
