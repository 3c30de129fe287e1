//! Repeated failed sign-ins lock an account for a while, and its owner is told by mail.

use super::audit::{self, Event, Record};
use super::codes::{self, CheckError, Purpose};
use super::entities::account;
use super::error::AuthError;
use super::limits;
use super::mails;
use crate::db::BeginWrite;
use crate::error::ApiError;
use crate::mail;
use crate::state::AppState;
use chrono::Duration;
use healthbook_domain::Lang;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};

/// Records a failed sign-in on `account`; the tenth within the window locks it.
pub async fn on_failure(
    state: &AppState,
    account: &account::Model,
    ip: &str,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let crossed = limits::failure(state, account.id).await?;
    let txn = state.db.begin_write().await?;
    audit::record(
        &txn,
        Record::of(account.id, Event::SignInFailed).from_ip(ip),
        now,
    )
    .await?;
    if crossed {
        let lockout = Duration::from_std(limits::LOCKOUT).unwrap_or(Duration::minutes(30));
        let mut active = account.clone().into_active_model();
        active.locked_until = Set(Some(now + lockout));
        active.updated_at = Set(now);
        active.update(&txn).await?;
        audit::record(
            &txn,
            Record::of(account.id, Event::Lockout).from_ip(ip),
            now,
        )
        .await?;
        let lang = Lang::from_code(&account.lang);
        mail::enqueue(
            &txn,
            mails::locked_out(
                &account.email,
                &account.display_name,
                limits::minutes(limits::LOCKOUT),
                lang,
            ),
            now,
        )
        .await?;
        tracing::warn!(account.id = %account.id, "account locked after repeated failed sign-ins");
    }
    txn.commit().await?;
    if crossed {
        state.mailer.wake();
    }
    Ok(())
}

/// Redeems the account's current code for `purpose`. A wrong code counts against the code's
/// attempts and toward the account's lockout, and both counts survive the refusal.
pub async fn redeem(
    state: &AppState,
    account: &account::Model,
    purpose: Purpose,
    code: &str,
    ip: &str,
) -> Result<(), ApiError> {
    let txn = state.db.begin_write().await?;
    match codes::consume(&txn, account.id, purpose, code, state.clock.now()).await {
        Ok(()) => {
            txn.commit().await?;
            Ok(())
        }
        Err(CheckError::Invalid) => {
            txn.commit().await?;
            on_failure(state, account, ip).await?;
            Err(AuthError::InvalidCode.into())
        }
        Err(CheckError::Db(error)) => Err(error.into()),
    }
}
