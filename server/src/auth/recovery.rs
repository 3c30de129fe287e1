//! Account recovery after a lost phone: an email code plus a second proof — the population
//! registry confirming number, name and date of birth, or a support officer's verification
//! recorded in the audit log.
//!
//! A mailbox and public facts must not be worth more than a passkey, so a recovery does not
//! open at once: it waits (`--recovery-delay-hours`, a day by default), the owner is told by
//! mail and sees it in the app, and any passkey session can cancel it meanwhile. Once it is
//! ready, the device that asked (holding the secret it was given) completes it: every session
//! ends, every old passkey is removed and listed in a mail, and an enrolment session registers
//! the new passkey.

use super::actor::{Actor, ClientIp};
use super::audit::{self, Event, Record};
use super::codes::{self, Purpose};
use super::entities::{account, account_recovery, auth_event, citizen, passkey};
use super::error::AuthError;
use super::people::lang_of;
use super::registry::RegistryAnswer;
use super::secrets::{hash_token, new_session_token, same};
use super::{limits, lockout, mails, session};
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::ApiError;
use crate::error::ApiResult;
use crate::http::ValidJson;
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use healthbook_domain::Sensitive;
use healthbook_domain::account::{Assurance, CodeSent, EMAIL_CODE_MINUTES, SessionGrant};
use healthbook_domain::ids::NationalId;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a support officer's verification stands.
pub const SUPPORT_VERIFICATION_VALID: Duration = Duration::hours(24);

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate, utoipa::ToSchema)]
pub struct RecoveryStart {
    #[validate(length(min = 3, max = 254))]
    #[schema(format = Email, min_length = 3, max_length = 254)]
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate, utoipa::ToSchema)]
pub struct RecoveryFinish {
    #[validate(length(min = 3, max = 254))]
    #[schema(format = Email, min_length = 3, max_length = 254)]
    pub email: String,
    #[schema(value_type = String)]
    pub code: Sensitive<String>,
    /// The second proof, checked against the population registry. Leave out only when a
    /// support officer has verified the person.
    #[schema(value_type = Option<String>, pattern = r"^\s*[0-9]{12}\s*$")]
    #[serde(default)]
    pub national_id: Option<Sensitive<String>>,
    #[schema(max_length = 100)]
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    #[serde(default)]
    pub device_name: Option<String>,
}

/// How long a ready recovery may still be completed before it lapses.
const RECOVERY_COMPLETION_WINDOW: Duration = Duration::days(2);

/// A recovery waiting to open.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecoveryPending {
    pub recovery_id: Uuid,
    /// From this instant the recovery can be completed.
    pub ready_at: DateTime<Utc>,
    /// Shown once: completing the recovery needs it.
    #[schema(value_type = String)]
    pub secret: Sensitive<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate, utoipa::ToSchema)]
pub struct RecoveryComplete {
    pub recovery_id: Uuid,
    #[schema(value_type = String)]
    pub secret: Sensitive<String>,
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    #[serde(default)]
    pub device_name: Option<String>,
}

/// Mails a recovery code. Same answer whether or not the address has an account.
#[utoipa::path(post, path = "/auth/recovery/start", tag = "auth",
    request_body = RecoveryStart,
    responses((status = 202, description = "If the address has an account, a code is on its way", body = CodeSent)))]
pub async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(request): ValidJson<RecoveryStart>,
) -> ApiResult<(StatusCode, Json<CodeSent>)> {
    limits::check(&state, limits::RECOVERY_PER_IP, &ip).await?;
    limits::check(
        &state,
        limits::CODE_SEND_PER_ACCOUNT,
        &limits::email_subject(&request.email),
    )
    .await?;
    // Looked up after the answer, so that its timing says nothing about the address.
    super::email::after_the_answer(&state, "recovery code", move |state| async move {
        mail_recovery_code(&state, &request.email, &ip).await
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(CodeSent {
            expires_in_seconds: EMAIL_CODE_MINUTES * 60,
        }),
    ))
}

async fn mail_recovery_code(state: &AppState, email: &str, ip: &str) -> Result<(), sea_orm::DbErr> {
    let now = state.clock.now();
    let Some(account) = super::email::find_by_email(&state.db, email).await? else {
        return Ok(());
    };
    if !account.is_citizen() || !account.is_active() {
        return Ok(());
    }
    let txn = state.db.begin_write().await?;
    codes::send(&txn, account.id, Purpose::Recovery, now).await?;
    audit::record(
        &txn,
        Record::of(account.id, Event::RecoveryStarted).from_ip(ip),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

/// Checks the code and the second proof and starts the wait: the answer holds the secret
/// with which this device completes the recovery once it is ready.
#[utoipa::path(post, path = "/auth/recovery/finish", tag = "auth",
    request_body = RecoveryFinish,
    responses(
        (status = 202, description = "The recovery waits until `ready_at`; keep `secret` to complete it", body = RecoveryPending),
        (status = 400, description = "`invalid_code`", content_type = "application/problem+json"),
        (status = 422, description = "`registry_mismatch`: the second proof failed", content_type = "application/problem+json"),
        (status = 503, description = "`registry_unavailable`", content_type = "application/problem+json"),
    ))]
pub async fn finish(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(request): ValidJson<RecoveryFinish>,
) -> ApiResult<(StatusCode, Json<RecoveryPending>)> {
    limits::check(&state, limits::RECOVERY_PER_IP, &ip).await?;
    limits::check(
        &state,
        limits::CODE_CHECK_PER_ACCOUNT,
        &limits::email_subject(&request.email),
    )
    .await?;
    let now = state.clock.now();
    let Some(account) = super::email::find_by_email(&state.db, &request.email).await? else {
        return Err(AuthError::InvalidCode.into());
    };
    if !account.is_citizen() || session::locked_at(&account, now) {
        return Err(AuthError::InvalidCode.into());
    }
    lockout::redeem(
        &state,
        &account,
        Purpose::Recovery,
        request.code.expose(),
        &ip,
    )
    .await?;

    // The second proof: a support officer's recent verification, or the registry.
    let by_support = support_verified_since_last_recovery(&state, account.id, now).await?;
    if !by_support {
        let person = citizen::Entity::find()
            .filter(citizen::Column::AccountId.eq(account.id))
            .one(&state.db)
            .await?
            .ok_or(AuthError::RegistryMismatch)?;
        let (Some(number), Some(name), Some(dob)) = (
            &request.national_id,
            &request.full_name,
            request.date_of_birth,
        ) else {
            return Err(AuthError::RegistryMismatch.into());
        };
        let number = NationalId::parse(number.expose()).map_err(|_| AuthError::RegistryMismatch)?;
        if number.as_str() != person.national_id || dob != person.date_of_birth {
            return Err(AuthError::RegistryMismatch.into());
        }
        match state.registry.check(&number, name, dob).await {
            Ok(RegistryAnswer::Match) => {}
            Ok(_) => return Err(AuthError::RegistryMismatch.into()),
            Err(error) => return Err(AuthError::RegistryUnavailable(error.to_string()).into()),
        }
    }

    let (secret, secret_hash) = new_session_token();
    let ready_at = now + state.config.recovery_delay;
    let txn = state.db.begin_write().await?;
    let recovery_id = Uuid::now_v7();
    account_recovery::Entity::insert(account_recovery::ActiveModel {
        id: Set(recovery_id),
        account_id: Set(account.id),
        second_proof: Set(if by_support { "support" } else { "registry" }.to_owned()),
        secret_hash: Set(secret_hash),
        started_at: Set(now),
        ready_at: Set(ready_at),
        expires_at: Set(ready_at + RECOVERY_COMPLETION_WINDOW),
        cancelled_at: Set(None),
        cancelled_by_session: Set(None),
        completed_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Record::of(account.id, Event::RecoveryPending)
            .from_ip(&ip)
            .with(serde_json::json!({
                "second_proof": if by_support { "support" } else { "registry" },
                "recovery_id": recovery_id,
            })),
        now,
    )
    .await?;
    mail::enqueue(
        &txn,
        mails::recovery_pending(
            &account.email,
            &account.display_name,
            ready_at,
            lang_of(&account),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    limits::clear_failures(&state, account.id).await;
    Ok((
        StatusCode::ACCEPTED,
        Json(RecoveryPending {
            recovery_id,
            ready_at,
            secret,
        }),
    ))
}

/// Completes a recovery that has waited its delay: ends every session, removes every old
/// passkey (the mail lists them) and opens an enrolment session for the new one.
#[utoipa::path(post, path = "/auth/recovery/complete", tag = "auth",
    request_body = RecoveryComplete,
    responses(
        (status = 200, description = "An enrolment session: register a new passkey with it", body = SessionGrant),
        (status = 400, description = "`recovery_invalid`: unknown, cancelled, expired or already completed", content_type = "application/problem+json"),
        (status = 409, description = "`recovery_not_ready`: still waiting; `Retry-After` says how long", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", content_type = "application/problem+json"),
    ))]
pub async fn complete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(request): ValidJson<RecoveryComplete>,
) -> ApiResult<Json<SessionGrant>> {
    limits::check(&state, limits::RECOVERY_PER_IP, &ip).await?;
    let now = state.clock.now();
    let recovery = account_recovery::Entity::find_by_id(request.recovery_id)
        .one(&state.db)
        .await?
        .filter(|r| same(&hash_token(request.secret.expose()), &r.secret_hash))
        .filter(|r| r.cancelled_at.is_none() && r.completed_at.is_none() && now < r.expires_at)
        .ok_or(AuthError::RecoveryInvalid)?;
    if now < recovery.ready_at {
        return Err(AuthError::RecoveryNotReady {
            ready_in: (recovery.ready_at - now).to_std().unwrap_or_default(),
        }
        .into());
    }
    let account = account::Entity::find_by_id(recovery.account_id)
        .one(&state.db)
        .await?
        .filter(account::Model::is_active)
        .ok_or(AuthError::RecoveryInvalid)?;

    let txn = state.db.begin_write().await?;
    // Conditional: of two completions racing, one wins; a cancellation that came first wins.
    let taken = account_recovery::Entity::update_many()
        .col_expr(account_recovery::Column::CompletedAt, Expr::value(now))
        .filter(account_recovery::Column::Id.eq(recovery.id))
        .filter(account_recovery::Column::CompletedAt.is_null())
        .filter(account_recovery::Column::CancelledAt.is_null())
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(AuthError::RecoveryInvalid.into());
    }
    let retired = passkey::Entity::find()
        .filter(passkey::Column::AccountId.eq(account.id))
        .order_by_asc(passkey::Column::CreatedAt)
        .all(&txn)
        .await?;
    passkey::Entity::delete_many()
        .filter(passkey::Column::AccountId.eq(account.id))
        .exec(&txn)
        .await?;
    let grant = session::open(
        &txn,
        &account,
        Assurance::Enrolment,
        None,
        request.device_name,
        now,
    )
    .await?;
    audit::record(
        &txn,
        Record::of(account.id, Event::Recovered)
            .from_ip(&ip)
            .with(serde_json::json!({
                "second_proof": recovery.second_proof,
                "recovery_id": recovery.id,
                "session_id": grant.session_id,
                "passkeys_removed": retired.iter().map(|p| p.id).collect::<Vec<_>>(),
            })),
        now,
    )
    .await?;
    let names: Vec<String> = retired.into_iter().map(|p| p.name).collect();
    mail::enqueue(
        &txn,
        mails::recovered(
            &account.email,
            &account.display_name,
            &names,
            lang_of(&account),
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    session::revoke_where(&state, account.id, None, Some(grant.session_id)).await?;
    Ok(Json(grant))
}

/// Cancels the account's waiting recoveries: the owner, signed in with a passkey, did not
/// ask for them.
#[utoipa::path(post, path = "/me/recovery/cancel", tag = "account", security(("bearer" = [])),
    responses(
        (status = 204, description = "Every waiting recovery cancelled"),
        (status = 403, description = "`step_up_required`: a passkey session is needed", content_type = "application/problem+json"),
        (status = 404, description = "No recovery is waiting", content_type = "application/problem+json"),
    ))]
pub async fn cancel(State(state): State<AppState>, actor: Actor) -> ApiResult<StatusCode> {
    let now = state.clock.now();
    state
        .authorize(&actor, Action::ManagePasskeys, Resource::OwnAccount)
        .await?;
    let txn = state.db.begin_write().await?;
    let cancelled = account_recovery::Entity::update_many()
        .col_expr(account_recovery::Column::CancelledAt, Expr::value(now))
        .col_expr(
            account_recovery::Column::CancelledBySession,
            Expr::value(actor.session_id),
        )
        .filter(account_recovery::Column::AccountId.eq(actor.account_id))
        .filter(account_recovery::Column::CancelledAt.is_null())
        .filter(account_recovery::Column::CompletedAt.is_null())
        .filter(account_recovery::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if cancelled.rows_affected == 0 {
        return Err(ApiError::not_found());
    }
    audit::record(
        &txn,
        Record::of(actor.account_id, Event::RecoveryCancelled)
            .with(serde_json::json!({ "session_id": actor.session_id })),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// When the account's waiting recovery opens, if one waits: the app shows it with a way to
/// cancel.
pub async fn pending_until(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(account_recovery::Entity::find()
        .filter(account_recovery::Column::AccountId.eq(account_id))
        .filter(account_recovery::Column::CancelledAt.is_null())
        .filter(account_recovery::Column::CompletedAt.is_null())
        .filter(account_recovery::Column::ExpiresAt.gt(now))
        .order_by_asc(account_recovery::Column::ReadyAt)
        .one(db)
        .await?
        .map(|r| r.ready_at))
}

/// A support verification counts once: only if it is newer than the last recovery and
/// younger than a day.
async fn support_verified_since_last_recovery(
    state: &AppState,
    account_id: uuid::Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let latest = auth_event::Entity::find()
        .filter(auth_event::Column::AccountId.eq(account_id))
        .filter(auth_event::Column::Kind.is_in([
            Event::RecoveryVerifiedBySupport.as_str(),
            Event::RecoveryPending.as_str(),
            Event::Recovered.as_str(),
        ]))
        .order_by_desc(auth_event::Column::At)
        .one(&state.db)
        .await?;
    Ok(latest.is_some_and(|event| {
        event.kind == Event::RecoveryVerifiedBySupport.as_str()
            && now - event.at < SUPPORT_VERIFICATION_VALID
    }))
}
