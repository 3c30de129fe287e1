//! Passkeys (WebAuthn, user verification required): enrolment, sign-in with or without
//! typing the address, and managing the account's passkeys.
//!
//! Ceremony state lives in the database, not in a process: the options can come from one
//! server process and the answer go to another. Each ceremony is consumed exactly once (a
//! conditional delete decides), expires after five minutes, and is bound to its account —
//! and, for enrolment, to the session that started it.

use super::actor::{AccountKind, Actor, ClientIp};
use super::audit::{self, Event, Record};
use super::entities::{account, ceremony, passkey};
use super::error::AuthError;
use super::people::lang_of;
use super::{limits, mails, session};
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::mail;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::account::{
    Assurance, CeremonyOptions, PasskeyInfo, PasskeyLoginFinish, PasskeyLoginStart,
    PasskeyRegisterFinish, PasskeyRegisterStart, SessionGrant,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Webauthn, WebauthnBuilder,
};

const CEREMONY_LIFETIME: Duration = Duration::minutes(5);

/// Builds the relying party from configuration. The first origin is the primary one; the
/// others (the Android app's `android:apk-key-hash:…`, a web front end) are also accepted.
/// For `localhost` any port is accepted, so that development servers on random ports work.
pub fn relying_party(rp_id: &str, origins: &[String]) -> anyhow::Result<Webauthn> {
    let parsed: Vec<Url> = origins
        .iter()
        .map(|o| Url::parse(o).map_err(|e| anyhow::anyhow!("invalid WebAuthn origin {o}: {e}")))
        .collect::<Result<_, _>>()?;
    let primary = parsed
        .first()
        .ok_or_else(|| anyhow::anyhow!("at least one WebAuthn origin is needed"))?;
    let mut builder = WebauthnBuilder::new(rp_id, primary)
        .map_err(|e| anyhow::anyhow!("invalid WebAuthn relying party {rp_id}: {e}"))?
        .rp_name("HealthBook")
        .allow_any_port(rp_id == "localhost");
    for origin in &parsed[1..] {
        builder = builder.append_allowed_origin(origin);
    }
    builder
        .build()
        .map_err(|e| anyhow::anyhow!("invalid WebAuthn configuration: {e}"))
}

fn rejected(reason: impl std::fmt::Display) -> ApiError {
    AuthError::PasskeyRejected(reason.to_string()).into()
}

async fn save_ceremony(
    db: &impl ConnectionTrait,
    kind: &str,
    account_id: Option<Uuid>,
    session_id: Option<Uuid>,
    passkey_name: Option<String>,
    state: &impl Serialize,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let id = Uuid::now_v7();
    ceremony::Entity::insert(ceremony::ActiveModel {
        id: Set(id),
        kind: Set(kind.to_owned()),
        account_id: Set(account_id),
        session_id: Set(session_id),
        passkey_name: Set(passkey_name),
        state: Set(serde_json::to_string(state).map_err(ApiError::internal)?),
        created_at: Set(now),
        expires_at: Set(now + CEREMONY_LIFETIME),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Deletes the ceremonies that expired unanswered (a sign-in page opened and left): anyone
/// may start one, so without this the table would only grow. A minute's grace: an answer
/// that arrived just in time, or a process whose clock runs a little behind, still finds
/// its ceremony to reject or accept itself. Returns how many went.
pub async fn forget_expired_ceremonies(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    let deleted = ceremony::Entity::delete_many()
        .filter(ceremony::Column::ExpiresAt.lt(now - Duration::minutes(1)))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Takes a ceremony out of the store: whoever deletes the row owns it, so a replayed or
/// concurrent answer (in this process or another) finds nothing.
async fn take_ceremony<S: DeserializeOwned>(
    db: &impl ConnectionTrait,
    id: Uuid,
    kinds: &[&str],
    now: DateTime<Utc>,
) -> Result<(ceremony::Model, S), ApiError> {
    let row = ceremony::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| rejected("unknown or used ceremony"))?;
    let deleted = ceremony::Entity::delete_many()
        .filter(ceremony::Column::Id.eq(id))
        .exec(db)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(rejected("ceremony already used"));
    }
    if !kinds.contains(&row.kind.as_str()) || now >= row.expires_at {
        return Err(rejected("ceremony expired or of another kind"));
    }
    let state = serde_json::from_str(&row.state).map_err(ApiError::internal)?;
    Ok((row, state))
}

async fn passkeys_of(
    db: &impl ConnectionTrait,
    account_id: Uuid,
) -> Result<Vec<(passkey::Model, Passkey)>, DbErr> {
    Ok(passkey::Entity::find()
        .filter(passkey::Column::AccountId.eq(account_id))
        .order_by_asc(passkey::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            let key = serde_json::from_str::<Passkey>(&row.credential).ok()?;
            Some((row, key))
        })
        .collect())
}

/// Starts registering a passkey on the caller's account. The first passkey may be enrolled
/// from a basic session; any further one needs a passkey session, or an email code could
/// be used to plant an attacker's passkey on an account that already has one.
#[utoipa::path(post, path = "/auth/passkeys/register/start", tag = "auth", security(("bearer" = [])),
    request_body = PasskeyRegisterStart,
    responses(
        (status = 200, description = "WebAuthn creation options for the platform", body = CeremonyOptions),
        (status = 403, description = "`step_up_required` (not the first passkey) or `email_not_verified`", content_type = "application/problem+json"),
    ))]
pub async fn register_start(
    State(state): State<AppState>,
    actor: Actor,
    ValidJson(request): ValidJson<PasskeyRegisterStart>,
) -> ApiResult<Json<CeremonyOptions>> {
    let now = state.clock.now();
    let existing = passkeys_of(&state.db, actor.account_id).await?;
    state
        .authorize(
            &actor,
            Action::EnrolPasskey {
                first: existing.is_empty(),
            },
            Resource::OwnAccount,
        )
        .await?;
    if actor.kind == AccountKind::Citizen && !actor.email_verified {
        return Err(AuthError::EmailNotVerified.into());
    }
    let account = account::Entity::find_by_id(actor.account_id)
        .one(&state.db)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    let exclude = existing
        .iter()
        .map(|(_, key)| key.cred_id().clone())
        .collect();
    let (options, registration) = state
        .webauthn
        .start_passkey_registration(
            account.id,
            &account.email,
            &account.display_name,
            Some(exclude),
        )
        .map_err(ApiError::internal)?;
    let mut options = serde_json::to_value(&options).map_err(ApiError::internal)?;
    ask_for_discoverable(&mut options);
    let name = request.name.trim().to_owned();
    let ceremony_id = save_ceremony(
        &state.db,
        "register",
        Some(account.id),
        Some(actor.session_id),
        Some(name),
        &registration,
        now,
    )
    .await?;
    Ok(Json(CeremonyOptions {
        ceremony_id,
        options,
    }))
}

/// Sign-in offers no list of credentials (it would tell who has an account), so every
/// passkey must be one the authenticator can find by itself: a discoverable credential. The
/// authenticator's `credProps` answer says whether it made one.
fn ask_for_discoverable(options: &mut serde_json::Value) {
    if let Some(selection) = options
        .pointer_mut("/publicKey/authenticatorSelection")
        .and_then(serde_json::Value::as_object_mut)
    {
        selection.insert("residentKey".to_owned(), "required".into());
        selection.insert("requireResidentKey".to_owned(), true.into());
    }
    if let Some(public_key) = options
        .pointer_mut("/publicKey")
        .and_then(serde_json::Value::as_object_mut)
    {
        let extensions = public_key
            .entry("extensions")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(extensions) = extensions.as_object_mut() {
            extensions.insert("credProps".to_owned(), true.into());
        }
    }
}

/// Completes the registration with the platform's answer.
#[utoipa::path(post, path = "/auth/passkeys/register/finish", tag = "auth", security(("bearer" = [])),
    request_body = PasskeyRegisterFinish,
    responses(
        (status = 201, description = "Passkey registered", body = PasskeyInfo),
        (status = 401, description = "`passkey_rejected`", content_type = "application/problem+json"),
        (status = 403, description = "`step_up_required`: the account has a passkey by now", content_type = "application/problem+json"),
    ))]
pub async fn register_finish(
    State(state): State<AppState>,
    actor: Actor,
    ValidJson(request): ValidJson<PasskeyRegisterFinish>,
) -> ApiResult<(StatusCode, Json<PasskeyInfo>)> {
    let now = state.clock.now();
    let discoverable = request
        .credential
        .pointer("/clientExtensionResults/credProps/rk")
        .and_then(serde_json::Value::as_bool);
    let credential: RegisterPublicKeyCredential = serde_json::from_value(request.credential)
        .map_err(|e| rejected(format!("malformed credential: {e}")))?;
    let txn = state.db.begin_write().await?;
    let (row, registration): (_, PasskeyRegistration) =
        take_ceremony(&txn, request.ceremony_id, &["register"], now).await?;
    if row.account_id != Some(actor.account_id) || row.session_id != Some(actor.session_id) {
        return Err(rejected("ceremony of another session"));
    }
    // Decided again here, in the transaction that adds the passkey: a ceremony a basic
    // session started while the account had none must not add a second one. The account's
    // row is locked first, so that two finishes at once cannot both count none (SQLite's
    // single writer already serialises them).
    account::Entity::find_by_id(actor.account_id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let first = passkey::Entity::find()
        .filter(passkey::Column::AccountId.eq(actor.account_id))
        .count(&txn)
        .await?
        == 0;
    state
        .authorize_in(
            &txn,
            &actor,
            Action::EnrolPasskey { first },
            Resource::OwnAccount,
        )
        .await?;
    let key = state
        .webauthn
        .finish_passkey_registration(&credential, &registration)
        .map_err(rejected)?;
    let id = Uuid::now_v7();
    let name = row.passkey_name.unwrap_or_else(|| "Passkey".to_owned());
    passkey::Entity::insert(passkey::ActiveModel {
        id: Set(id),
        account_id: Set(actor.account_id),
        credential_id: Set(URL_SAFE_NO_PAD.encode(key.cred_id().as_slice())),
        credential: Set(serde_json::to_string(&key).map_err(ApiError::internal)?),
        name: Set(name.clone()),
        created_at: Set(now),
        last_used_at: Set(None),
        discoverable: Set(discoverable),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            rejected("credential already registered")
        }
        _ => e.into(),
    })?;
    let event = if actor.kind == AccountKind::Staff && actor.assurance == Assurance::Enrolment {
        Event::StaffEnrolled
    } else {
        Event::PasskeyAdded
    };
    audit::record(
        &txn,
        Record::of(actor.account_id, event)
            .with(serde_json::json!({ "passkey_id": id, "session_id": actor.session_id })),
        now,
    )
    .await?;
    if let Some(account) = account::Entity::find_by_id(actor.account_id)
        .one(&txn)
        .await?
    {
        mail::enqueue(
            &txn,
            mails::passkey_added(
                &account.email,
                &account.display_name,
                &name,
                lang_of(&account),
            ),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    state.mailer.wake();
    if actor.assurance == Assurance::Enrolment {
        // An enrolment session has done its one job.
        session::revoke_where(&state, actor.account_id, Some(actor.session_id), None).await?;
    }
    let row = passkey::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(super::my_passkeys::info(&row))))
}

/// Starts a passkey sign-in: always a discoverable one, in which the platform offers the
/// passkeys it holds for this site. An address, if sent, changes nothing: naming the
/// account's credentials would tell anyone who asks whether the address has an account.
#[utoipa::path(post, path = "/auth/passkeys/login/start", tag = "auth",
    request_body = PasskeyLoginStart,
    responses(
        (status = 200, description = "WebAuthn request options for the platform", body = CeremonyOptions),
        (status = 429, description = "Too many sign-ins from this address", content_type = "application/problem+json"),
    ))]
pub async fn login_start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(_request): ValidJson<PasskeyLoginStart>,
) -> ApiResult<Json<CeremonyOptions>> {
    limits::check(&state, limits::SIGN_IN_PER_IP, &ip).await?;
    let now = state.clock.now();
    let (options, authentication) = state
        .webauthn
        .start_discoverable_authentication()
        .map_err(ApiError::internal)?;
    let ceremony_id = save_ceremony(
        &state.db,
        "discoverable_login",
        None,
        None,
        None,
        &authentication,
        now,
    )
    .await?;
    Ok(Json(CeremonyOptions {
        ceremony_id,
        options: serde_json::to_value(&options).map_err(ApiError::internal)?,
    }))
}

/// Completes a passkey sign-in and opens a passkey session.
#[utoipa::path(post, path = "/auth/passkeys/login/finish", tag = "auth",
    request_body = PasskeyLoginFinish,
    responses(
        (status = 200, description = "A passkey session", body = SessionGrant),
        (status = 401, description = "`passkey_rejected`", content_type = "application/problem+json"),
        (status = 403, description = "`account_locked`", content_type = "application/problem+json"),
    ))]
pub async fn login_finish(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ValidJson(request): ValidJson<PasskeyLoginFinish>,
) -> ApiResult<Json<SessionGrant>> {
    limits::check(&state, limits::SIGN_IN_PER_IP, &ip).await?;
    let now = state.clock.now();
    let credential: PublicKeyCredential = serde_json::from_value(request.credential)
        .map_err(|e| rejected(format!("malformed credential: {e}")))?;
    let credential_id = URL_SAFE_NO_PAD.encode(credential.get_credential_id());
    // Attempts are counted per credential as well as per address; a failed signature never
    // counts toward the account's lockout, or anyone could lock any account, staff included.
    limits::check(
        &state,
        limits::SIGN_IN_PER_CREDENTIAL,
        &limits::hashed(&credential_id),
    )
    .await?;

    let txn = state.db.begin_write().await?;
    let (_row, state_json): (_, serde_json::Value) =
        take_ceremony(&txn, request.ceremony_id, &["discoverable_login"], now).await?;
    txn.commit().await?;

    let (account_id, _) = state
        .webauthn
        .identify_discoverable_authentication(&credential)
        .map_err(rejected)?;
    let stored = passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(&credential_id))
        .filter(passkey::Column::AccountId.eq(account_id))
        .one(&state.db)
        .await?;
    let account = account::Entity::find_by_id(account_id)
        .one(&state.db)
        .await?;
    let (Some(stored), Some(account)) = (stored, account) else {
        return Err(rejected("no such passkey on the account"));
    };
    let mut key: Passkey = serde_json::from_str(&stored.credential).map_err(ApiError::internal)?;
    let verified = serde_json::from_value::<DiscoverableAuthentication>(state_json)
        .map_err(ApiError::internal)
        .and_then(|s| {
            state
                .webauthn
                .finish_discoverable_authentication_v2(&credential, s, &key)
                .map_err(rejected)
        })
        .and_then(|result| {
            if result.user_verified() {
                Ok(result)
            } else {
                Err(rejected("user verification was not performed"))
            }
        });
    let result = match verified {
        Ok(result) => result,
        Err(error) => {
            audit::record_alone(
                &state.db,
                Record::of(account.id, Event::SignInFailed)
                    .from_ip(&ip)
                    .with(serde_json::json!({ "method": "passkey", "passkey_id": stored.id })),
                now,
            )
            .await?;
            return Err(error);
        }
    };
    // Only the holder of the passkey learns that the account is locked.
    if session::locked_at(&account, now) {
        return Err(AuthError::Locked { retry_after: None }.into());
    }
    key.update_credential(&result);

    let txn = state.db.begin_write().await?;
    passkey::Entity::update_many()
        .col_expr(
            passkey::Column::Credential,
            Expr::value(serde_json::to_string(&key).map_err(ApiError::internal)?),
        )
        .col_expr(passkey::Column::LastUsedAt, Expr::value(now))
        .filter(passkey::Column::Id.eq(stored.id))
        .exec(&txn)
        .await?;
    let grant = session::open(
        &txn,
        &account,
        Assurance::Passkey,
        Some(stored.id),
        request.device_name,
        now,
    )
    .await?;
    audit::record(
        &txn,
        Record::of(account.id, Event::SignIn)
            .from_ip(&ip)
            .with(serde_json::json!({
                "method": "passkey",
                "passkey_id": stored.id,
                "session_id": grant.session_id,
            })),
        now,
    )
    .await?;
    txn.commit().await?;
    limits::clear_failures(&state, account.id).await;
    Ok(Json(grant))
}
