//! `POST /v1/auth/register`: a citizen opens their health book.

use super::actor::ClientIp;
use super::audit::{self, Event, Record};
use super::codes::{self, Purpose};
use super::entities::{account, citizen};
use super::error::AuthError;
use super::limits;
use super::registry::RegistryAnswer;
use crate::error::{ApiError, ApiResult, FieldError, Text};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use healthbook_domain::Lang;
use healthbook_domain::account::{
    FieldIssue, RegisterRequest, RegisterResponse, Registration, Verification,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, SqlErr,
    TransactionTrait,
};
use uuid::Uuid;

/// Field issues from the domain checks, as a 422.
pub fn invalid(issues: Vec<FieldIssue>) -> ApiError {
    ApiError::validation(
        issues
            .into_iter()
            .map(|issue| {
                FieldError::new(
                    issue.field,
                    issue.code,
                    Text::new(issue.message_vi, issue.message_en),
                )
            })
            .collect(),
    )
}

/// Registers a citizen: one account per identification number. The population registry
/// is asked whether number, name and date of birth belong together; an unreachable
/// registry leaves the account unverified (it can book, but receives no certificate) and
/// the check can be repeated later. A 6-digit code is mailed to verify the address.
#[utoipa::path(post, path = "/auth/register", tag = "auth",
    request_body = RegisterRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Registered; a verification code was mailed", body = RegisterResponse),
        (status = 409, description = "`national_id_already_registered` or `email_already_registered`", content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", content_type = "application/problem+json"),
        (status = 429, description = "Too many registrations from this address", content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    key: IdempotencyKey,
    ValidJson(request): ValidJson<RegisterRequest>,
) -> ApiResult<Response> {
    limits::check(&state, limits::REGISTER_PER_IP, &ip).await?;
    let now = state.clock.now();
    let registration = request.parse(now.date_naive()).map_err(invalid)?;
    let fingerprint = idempotency::fingerprint("register", &request);

    // Asked before the transaction: a slow registry must not hold database locks.
    let verification = match state
        .registry
        .check(
            &registration.national_id,
            &registration.full_name,
            registration.date_of_birth,
        )
        .await
    {
        Ok(RegistryAnswer::Match) => Verification::Verified,
        Ok(_) => Verification::Unverified,
        Err(error) => {
            tracing::warn!(error = %error, "population registry unavailable; registering unverified");
            Verification::Unverified
        }
    };

    let txn = state.db.begin().await?;
    let claim = match idempotency::claim(&txn, "public", &key, &fingerprint, now).await? {
        Ok(claim) => claim,
        Err(replay) => return Ok(replay),
    };
    let response = create(&txn, &registration, verification, &ip, now).await?;
    idempotency::save(claim, &txn, StatusCode::CREATED, &response).await?;
    txn.commit().await.map_err(unique_violation)?;
    state.mailer.wake();
    tracing::info!(account.id = %response.account_id, verification = ?response.verification, "citizen registered");
    Ok((StatusCode::CREATED, Json(response)).into_response())
}

async fn create(
    txn: &impl ConnectionTrait,
    registration: &Registration,
    verification: Verification,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<RegisterResponse, ApiError> {
    let email_key = registration.email.as_str().to_lowercase();
    let existing = citizen::Entity::find()
        .filter(citizen::Column::NationalId.eq(registration.national_id.as_str()))
        .one(txn)
        .await?;
    // A dependent added by a guardian has a record but no account: the person may claim it
    // when number, name and date of birth agree. Anything else is "already registered",
    // without saying whose.
    let claimable = match &existing {
        None => None,
        Some(row)
            if row.account_id.is_none()
                && row.date_of_birth == registration.date_of_birth
                && healthbook_domain::text::fold(&row.full_name)
                    == healthbook_domain::text::fold(&registration.full_name) =>
        {
            Some(row.id)
        }
        Some(_) => return Err(AuthError::NationalIdTaken.into()),
    };
    if account::Entity::find()
        .filter(account::Column::EmailKey.eq(&email_key))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(AuthError::EmailTaken.into());
    }

    let account_id = Uuid::now_v7();
    account::Entity::insert(account::ActiveModel {
        id: Set(account_id),
        kind: Set("citizen".to_owned()),
        email: Set(registration.email.as_str().to_owned()),
        email_key: Set(email_key),
        email_verified_at: Set(None),
        display_name: Set(registration.full_name.clone()),
        phone: Set(Some(registration.phone.e164().to_owned())),
        lang: Set(registration.lang.code().to_owned()),
        status: Set("active".to_owned()),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(txn)
    .await
    .map_err(unique_violation)?;

    let verified = verification == Verification::Verified;
    let citizen_id = match claimable {
        Some(id) => {
            citizen::Entity::update_many()
                .col_expr(
                    citizen::Column::AccountId,
                    sea_orm::sea_query::Expr::value(account_id),
                )
                .col_expr(
                    citizen::Column::Verification,
                    sea_orm::sea_query::Expr::value(verification_str(verification)),
                )
                .col_expr(
                    citizen::Column::VerifiedAt,
                    sea_orm::sea_query::Expr::value(verified.then_some(now)),
                )
                .col_expr(
                    citizen::Column::VerifiedBy,
                    sea_orm::sea_query::Expr::value(verified.then(|| "registry".to_owned())),
                )
                .col_expr(
                    citizen::Column::UpdatedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(citizen::Column::Id.eq(id))
                .filter(citizen::Column::AccountId.is_null())
                .exec(txn)
                .await?;
            id
        }
        None => {
            let id = Uuid::now_v7();
            citizen::Entity::insert(citizen::ActiveModel {
                id: Set(id),
                account_id: Set(Some(account_id)),
                national_id: Set(registration.national_id.as_str().to_owned()),
                full_name: Set(registration.full_name.clone()),
                date_of_birth: Set(registration.date_of_birth),
                sex: Set(registration.sex.as_str().to_owned()),
                verification: Set(verification_str(verification).to_owned()),
                verified_at: Set(verified.then_some(now)),
                verified_by: Set(verified.then(|| "registry".to_owned())),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(txn)
            .await
            .map_err(unique_violation)?;
            id
        }
    };

    codes::send(txn, account_id, Purpose::VerifyEmail, now).await?;
    audit::record(
        txn,
        Record::of(account_id, Event::Registered).from_ip(ip),
        now,
    )
    .await?;
    Ok(RegisterResponse {
        account_id,
        citizen_id,
        verification,
        email_verification_sent: true,
    })
}

pub fn verification_str(verification: Verification) -> &'static str {
    match verification {
        Verification::Verified => "verified",
        Verification::Unverified => "unverified",
    }
}

pub fn lang_of(account: &account::Model) -> Lang {
    if account.lang == "en" {
        Lang::En
    } else {
        Lang::Vi
    }
}

/// Two registrations racing for one number or address: the database's unique index
/// decides, and the loser hears the same answer as if it had come second.
pub fn unique_violation(error: DbErr) -> ApiError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) if message.contains("national_id") => {
            AuthError::NationalIdTaken.into()
        }
        Some(SqlErr::UniqueConstraintViolation(message)) if message.contains("email") => {
            AuthError::EmailTaken.into()
        }
        _ => error.into(),
    }
}
