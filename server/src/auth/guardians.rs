//! Guardians: the first guardian invites a second, who accepts; an adult sees who were their
//! guardians, lets one keep acting for them, or ends a guardianship.

use super::actor::Actor;
use super::audit::{self, Event, Record};
use super::dependents::own_citizen;
use super::entities::{account, citizen, guardianship};
use super::error::AuthError;
use super::mails;
use super::people::{lang_of, profile};
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use healthbook_domain::account::{ADULT_AGE, Dependent, birthday};
use healthbook_domain::account::{AccountKind, GuardianshipStatus, MAX_GUARDIANS};
use healthbook_domain::ids::EmailAddress;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
