//! Email codes: verifying the address, and signing in with a one-time code.
//!
//! A code proves control of the mailbox, nothing more: the session it opens is *basic*
//! (account, dependents, bookings, enrolling the first passkey). Health data needs a passkey.

use super::actor::ClientIp;
use super::audit::{self, Event, Record};
use super::codes::{self, Purpose};
use super::entities::account;
use super::error::AuthError;
use super::{limits, lockout, session};
use crate::db::BeginWrite;
use crate::error::ApiResult;
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use healthbook_domain::account::AccountKind;
use healthbook_domain::account::{
    Assurance, CodeSent, EMAIL_CODE_MINUTES, OtpFinishRequest, OtpStartRequest, SessionGrant,
    VerifyEmailRequest,
};
use healthbook_domain::ids::EmailAddress;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// The person's account with this address. A facility system's account is never found by
/// address: it has no mailbox and must never be signed in to by a code.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<account::Model>, DbErr> {
    account::Entity::find()
        .filter(account::Column::EmailKey.eq(EmailAddress::lookup_key(email)))
        .filter(account::Column::Kind.ne(AccountKind::System.as_str()))
        .one(db)
        .await
}

/// Verifies the address with the code from the registration mail and opens a basic session.
#[utoipa::path(post, path = "/auth/email/verify", tag = "auth",
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "Address verified; a basic session", body = SessionGrant),
        (status = 400, description = "`invalid_code`: wrong, expired, used or exhausted", content_type = "application/problem+json"),
        (status = 403, description = "`account_locked`", content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", content_type = "application/problem+json"),
    ))]
pub async fn verify_email(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(request): ValidJson<VerifyEmailRequest>,
) -> ApiResult<Json<SessionGrant>> {
    sign_in_with_code(
        &state,
        &ip,
        &request.email,
        request.code.expose(),
        request.device_name,
        true,
    )
    .await
    .map(Json)
}

/// Mails a one-time sign-in code. The answer is the same, in content and in time, whether or
/// not the address has an account: the look-up and the mail happen after the answer.
#[utoipa::path(post, path = "/auth/otp/start", tag = "auth",
    request_body = OtpStartRequest,
    responses(
        (status = 202, description = "If the address has an account, a code is on its way", body = CodeSent),
        (status = 429, description = "Too many codes requested", content_type = "application/problem+json"),
    ))]
pub async fn otp_start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(request): ValidJson<OtpStartRequest>,
) -> ApiResult<(StatusCode, Json<CodeSent>)> {
    limits::check(&state, limits::CODE_SEND_PER_IP, &ip).await?;
    limits::check(
        &state,
        limits::CODE_SEND_PER_ACCOUNT,
        &limits::email_subject(&request.email),
    )
    .await?;
    after_the_answer(&state, "sign-in code", move |state| async move {
        send_code(&state, &request.email).await
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(CodeSent {
            expires_in_seconds: EMAIL_CODE_MINUTES * 60,
        }),
    ))
}

/// Runs `work` once the answer has gone, so that what it finds (or does not find) cannot be
/// read from the answer's timing. A failure is logged; the person asks again.
pub fn after_the_answer<F, Fut>(state: &AppState, what: &'static str, work: F)
where
    F: FnOnce(AppState) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), DbErr>> + Send,
{
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(error) = work(state).await {
            tracing::warn!(what, error = %error, "cannot send; the person can ask again");
        }
    });
}

/// Mails a code to an active, unlocked citizen account with this address; nothing otherwise.
async fn send_code(state: &AppState, email: &str) -> Result<(), DbErr> {
    let now = state.clock.now();
    let Some(account) = find_by_email(&state.db, email).await? else {
        return Ok(());
    };
    if !account.is_citizen() || session::locked_at(&account, now) {
        return Ok(());
    }
    let txn = state.db.begin_write().await?;
    // An address never verified gets its verification code again: the same code then
    // both verifies it and signs in.
    let purpose = if account.email_verified_at.is_none() {
        Purpose::VerifyEmail
    } else {
        Purpose::SignIn
    };
    codes::send(&txn, account.id, purpose, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

/// Signs in with the mailed code; opens a basic session.
#[utoipa::path(post, path = "/auth/otp/finish", tag = "auth",
    request_body = OtpFinishRequest,
    responses(
        (status = 200, description = "A basic session", body = SessionGrant),
        (status = 400, description = "`invalid_code`", content_type = "application/problem+json"),
        (status = 403, description = "`account_locked`", content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", content_type = "application/problem+json"),
    ))]
pub async fn otp_finish(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(request): ValidJson<OtpFinishRequest>,
) -> ApiResult<Json<SessionGrant>> {
    sign_in_with_code(
        &state,
        &ip,
        &request.email,
        request.code.expose(),
        request.device_name,
        false,
    )
    .await
    .map(Json)
}

async fn sign_in_with_code(
    state: &AppState,
    ip: &str,
    email: &str,
    code: &str,
    device_name: Option<String>,
    verifying: bool,
) -> ApiResult<SessionGrant> {
    limits::check(state, limits::CODE_CHECK_PER_IP, ip).await?;
    limits::check(
        state,
        limits::CODE_CHECK_PER_ACCOUNT,
        &limits::email_subject(email),
    )
    .await?;
    let now = state.clock.now();
    // An unknown address, a staff account (which never gets sign-in codes) and a locked
    // account all hear "invalid code": the answer must not tell which addresses have
    // accounts. The owner of a locked account was told by mail when it locked.
    let Some(account) = find_by_email(&state.db, email)
        .await?
        .filter(|a| a.is_citizen())
        .filter(|a| !session::locked_at(a, now))
    else {
        return Err(AuthError::InvalidCode.into());
    };
    let purpose = if verifying || account.email_verified_at.is_none() {
        Purpose::VerifyEmail
    } else {
        Purpose::SignIn
    };
    lockout::redeem(state, &account, purpose, code, ip).await?;
    let txn = state.db.begin_write().await?;
    if purpose == Purpose::VerifyEmail {
        account::Entity::update_many()
            .col_expr(account::Column::EmailVerifiedAt, Expr::value(now))
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(account.id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            Record::of(account.id, Event::EmailVerified).from_ip(ip),
            now,
        )
        .await?;
    }
    let grant = session::open(&txn, &account, Assurance::Basic, None, device_name, now).await?;
    audit::record(
        &txn,
        Record::of(account.id, Event::SignIn)
            .from_ip(ip)
            .with(serde_json::json!({ "method": "email_code", "session_id": grant.session_id })),
        now,
    )
    .await?;
    txn.commit().await?;
    limits::clear_failures(state, account.id).await;
    session::refresh_account(state, account.id).await?;
    Ok(grant)
}
