//! `POST /v1/auth/register`: a citizen opens their health book.

use super::actor::ClientIp;
use super::audit::{self, Event, Record};
use super::codes::{self, Purpose};
use super::entities::{account, citizen};
use super::error::AuthError;
use super::holders::{self, Claim, Claimant, Holder};
use super::people::lang_of;
use super::registry::RegistryAnswer;
use super::{limits, mails};
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::http::idempotency::{self, IdempotencyKey, NextAction};
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::account::{AccountKind, AccountStatus};
use healthbook_domain::account::{RegisterRequest, RegisterResponse, Registration, Verification};
use healthbook_domain::ids::EmailAddress;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Registers a citizen: one account per identification number. The population registry
/// is asked whether number, name and date of birth belong together: a mismatch creates
/// nothing; an unreachable registry, or a number it does not know, leaves the account
/// unverified (it can book, but receives no certificate). A 6-digit code is mailed to verify
/// the address.
///
/// A number or an address that already has an account gets the very answer a fresh one
/// gets: saying "taken" would tell anyone who holds an account. The people concerned learn by
/// mail instead (the registrant, the address's owner, the number's holder).
#[utoipa::path(post, path = "/auth/register", tag = "auth",
    request_body = RegisterRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    responses(
        (status = 201, description = "Registered, or refused without saying so: a mail tells the registrant which", body = RegisterResponse),
        (status = 422, description = "Invalid fields, or `registry_mismatch`: the population registry knows this number with other details", content_type = "application/problem+json"),
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
    let today = state.clock.today();
    let registration = request.parse(today).map_err(ApiError::invalid)?;
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
        Ok(RegistryAnswer::Mismatch) => return Err(AuthError::RegistryMismatch.into()),
        Ok(RegistryAnswer::Unknown) => Verification::Unverified,
        Err(error) => {
            tracing::warn!(error = %error, "population registry unavailable; registering unverified");
            Verification::Unverified
        }
    };

    // Two registrations racing for one number or address: the database's unique indexes
    // decide, and the loser goes round once more, to be refused like any late-comer.
    let mut attempts_left = 2;
    loop {
        attempts_left -= 1;
        let pending = match idempotency::begin(&state.db, "public", &key, &fingerprint, now).await?
        {
            NextAction::Proceed(pending) => pending,
            NextAction::Replay(replay) => return Ok(replay),
        };
        let written =
            match create(pending.txn(), &registration, verification, &ip, today, now).await {
                Ok(response) => pending
                    .finish(StatusCode::CREATED, &response)
                    .await
                    .map(|()| response),
                Err(error) => Err(error),
            };
        let response = match written {
            Ok(response) => response,
            Err(error) if attempts_left > 0 && error.code == "unique_violation" => continue,
            Err(error) => return Err(error),
        };
        state.mailer.wake();
        tracing::info!(verification = ?response.verification, "registration answered");
        return Ok((StatusCode::CREATED, Json(response)).into_response());
    }
}

/// Opens the account and its record, or refuses without saying so: the mails written here
/// tell the registrant and the holder what happened.
async fn create(
    txn: &DatabaseTransaction,
    registration: &Registration,
    verification: Verification,
    ip: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<RegisterResponse, ApiError> {
    let email_key = EmailAddress::lookup_key(registration.email.as_str());
    let answer = RegisterResponse {
        account_id: Uuid::now_v7(),
        citizen_id: Uuid::now_v7(),
        verification,
        email_verification_sent: true,
    };
    if let Some(owner) = account::Entity::find()
        .filter(account::Column::EmailKey.eq(&email_key))
        .one(txn)
        .await?
    {
        mail::enqueue(
            txn,
            mails::address_already_registered(&owner.email, &owner.display_name, lang_of(&owner)),
            now,
        )
        .await?;
        return Ok(answer);
    }
    let claim = Claim {
        claimant: Claimant::Registrant,
        full_name: &registration.full_name,
        date_of_birth: registration.date_of_birth,
        registry_confirmed: verification == Verification::Verified,
    };
    let holder = holders::holder_of(txn, registration.national_id.as_str(), &claim, today).await?;
    if let Holder::Held(row) = &holder {
        holders::tell_holder_of_attempt(txn, row, today, now).await?;
        mail::enqueue(
            txn,
            mails::registration_not_opened(
                registration.email.as_str(),
                &registration.full_name,
                registration.lang,
            ),
            now,
        )
        .await?;
        return Ok(answer);
    }

    let account_id = answer.account_id;
    account::Entity::insert(account::ActiveModel {
        id: Set(account_id),
        kind: Set(AccountKind::Citizen.as_str().to_owned()),
        email: Set(registration.email.as_str().to_owned()),
        email_key: Set(email_key),
        email_verified_at: Set(None),
        display_name: Set(registration.full_name.clone()),
        phone: Set(Some(registration.phone.e164().to_owned())),
        lang: Set(registration.lang.code().to_owned()),
        status: Set(AccountStatus::Active.as_str().to_owned()),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;

    let verified = verification == Verification::Verified;
    let citizen_id = match holder {
        Holder::Claimable(row) => {
            citizen::Entity::update_many()
                .col_expr(citizen::Column::AccountId, Expr::value(account_id))
                .col_expr(
                    citizen::Column::Verification,
                    Expr::value(verification.as_str()),
                )
                .col_expr(
                    citizen::Column::VerifiedAt,
                    Expr::value(verified.then_some(now)),
                )
                .col_expr(
                    citizen::Column::VerifiedBy,
                    Expr::value(verified.then(|| "registry".to_owned())),
                )
                .col_expr(citizen::Column::UpdatedAt, Expr::value(now))
                .filter(citizen::Column::Id.eq(row.id))
                .filter(citizen::Column::AccountId.is_null())
                .exec(txn)
                .await?;
            holders::tell_guardians_of_claim(txn, &row, today, now).await?;
            row.id
        }
        Holder::Displaceable(row) => {
            holders::displace(txn, &row, account_id, now).await?;
            insert_citizen(
                txn,
                registration,
                Some(account_id),
                verification,
                answer.citizen_id,
                now,
            )
            .await?
        }
        Holder::Free | Holder::Held(_) => {
            insert_citizen(
                txn,
                registration,
                Some(account_id),
                verification,
                answer.citizen_id,
                now,
            )
            .await?
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
        citizen_id,
        ..answer
    })
}

async fn insert_citizen(
    txn: &DatabaseTransaction,
    registration: &Registration,
    account_id: Option<Uuid>,
    verification: Verification,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let verified = verification == Verification::Verified;
    citizen::Entity::insert(citizen::ActiveModel {
        id: Set(id),
        account_id: Set(account_id),
        national_id: Set(registration.national_id.as_str().to_owned()),
        full_name: Set(registration.full_name.clone()),
        date_of_birth: Set(registration.date_of_birth),
        sex: Set(registration.sex.as_str().to_owned()),
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
            registration.national_id.as_str(),
            registration.date_of_birth,
            now,
        )
        .await?;
    }
    Ok(id)
}
