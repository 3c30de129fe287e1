//! Account recovery after a lost phone: an email code plus a second proof — the population
//! registry confirming number, name and date of birth, or a support officer's verification
//! recorded in the audit log — opens an enrolment session to register a new passkey. Every
//! other session is revoked and the owner is told by mail.

use super::actor::{AccountKind, ClientIp};
use super::audit::{self, Event, Record};
use super::codes::{self, Purpose};
use super::entities::{auth_event, citizen};
use super::error::AuthError;
use super::register::lang_of;
use super::registry::RegistryAnswer;
use super::{limits, lockout, mails, session};
use crate::error::ApiResult;
use crate::http::ValidJson;
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use healthbook_domain::Sensitive;
use healthbook_domain::account::{Assurance, CodeSent, EMAIL_CODE_MINUTES, SessionGrant};
use healthbook_domain::ids::NationalId;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::{Deserialize, Serialize};

/// How long a support officer's verification stands.
pub const SUPPORT_VERIFICATION_VALID: Duration = Duration::hours(24);

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate, utoipa::ToSchema)]
pub struct RecoveryStart {
    #[validate(length(min = 3, max = 254))]
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, validator::Validate, utoipa::ToSchema)]
pub struct RecoveryFinish {
    #[validate(length(min = 3, max = 254))]
    pub email: String,
    #[schema(value_type = String)]
    pub code: Sensitive<String>,
    /// The second proof, checked against the population registry. Leave out only when a
    /// support officer has verified the person.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub national_id: Option<Sensitive<String>>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    #[validate(length(max = 100))]
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
    if AccountKind::parse(&account.kind) != AccountKind::Citizen || account.status != "active" {
        return Ok(());
    }
    let txn = state.db.begin().await?;
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

/// Completes recovery and opens an enrolment session for a new passkey.
#[utoipa::path(post, path = "/auth/recovery/finish", tag = "auth",
    request_body = RecoveryFinish,
    responses(
        (status = 200, description = "An enrolment session: register a new passkey with it", body = SessionGrant),
        (status = 400, description = "`invalid_code`", content_type = "application/problem+json"),
        (status = 422, description = "`registry_mismatch`: the second proof failed", content_type = "application/problem+json"),
        (status = 503, description = "`registry_unavailable`", content_type = "application/problem+json"),
    ))]
pub async fn finish(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(request): ValidJson<RecoveryFinish>,
) -> ApiResult<Json<SessionGrant>> {
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
    if AccountKind::parse(&account.kind) != AccountKind::Citizen
        || session::locked_at(&account, now)
    {
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

    session::revoke_where(&state, account.id, None, None).await?;
    let txn = state.db.begin().await?;
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
                "second_proof": if by_support { "support" } else { "registry" },
                "session_id": grant.session_id,
            })),
        now,
    )
    .await?;
    mail::enqueue(
        &txn,
        mails::recovered(&account.email, &account.display_name, lang_of(&account)),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    limits::clear_failures(&state, account.id).await;
    Ok(Json(grant))
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
