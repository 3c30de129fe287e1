//! One-time codes sent by mail: 6 digits, valid 10 minutes, 5 attempts, single use, stored
//! hashed. Issuing a code voids the previous one of the same purpose.

use super::entities::email_code;
use super::error::AuthError;
use super::secrets::{hash_code, new_email_code, same};
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::Sensitive;
use healthbook_domain::account::{EMAIL_CODE_MAX_ATTEMPTS, EMAIL_CODE_MINUTES};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    SignIn,
    Recovery,
    StaffEnrolment,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::SignIn => "sign_in",
            Purpose::Recovery => "recovery",
            Purpose::StaffEnrolment => "staff_enrolment",
        }
    }

    /// Staff enrolment links wait longer: a new colleague may not read mail at once.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::StaffEnrolment => Duration::hours(72),
            _ => Duration::minutes(EMAIL_CODE_MINUTES),
        }
    }
}

/// Whether a stored code may still be tried at `now`.
pub fn usable(row: &email_code::Model, now: DateTime<Utc>) -> bool {
    row.consumed_at.is_none() && now < row.expires_at && row.attempts < EMAIL_CODE_MAX_ATTEMPTS
}

/// Creates a code inside the caller's transaction and returns it for the mail.
pub async fn issue(
    txn: &impl ConnectionTrait,
    account_id: Uuid,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Sensitive<String>, DbErr> {
    email_code::Entity::update_many()
        .col_expr(email_code::Column::ConsumedAt, Expr::value(now))
        .filter(email_code::Column::AccountId.eq(account_id))
        .filter(email_code::Column::Purpose.eq(purpose.as_str()))
        .filter(email_code::Column::ConsumedAt.is_null())
        .exec(txn)
        .await?;
    let id = Uuid::now_v7();
    let code = new_email_code();
    email_code::Entity::insert(email_code::ActiveModel {
        id: Set(id),
        account_id: Set(account_id),
        purpose: Set(purpose.as_str().to_owned()),
        code_hash: Set(hash_code(&id, code.expose())),
        created_at: Set(now),
        expires_at: Set(now + purpose.lifetime()),
        attempts: Set(0),
        consumed_at: Set(None),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(code)
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("invalid code")]
    Invalid,
}

impl From<CheckError> for crate::error::ApiError {
    fn from(error: CheckError) -> Self {
        match error {
            CheckError::Db(db) => db.into(),
            CheckError::Invalid => AuthError::InvalidCode.into(),
        }
    }
}

/// Checks and consumes the account's current code for `purpose`. A wrong guess counts
/// against the code; the answer is the same for wrong, expired, used and exhausted codes,
/// so it cannot be used to learn which.
pub async fn consume(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    purpose: Purpose,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), CheckError> {
    let Some(row) = email_code::Entity::find()
        .filter(email_code::Column::AccountId.eq(account_id))
        .filter(email_code::Column::Purpose.eq(purpose.as_str()))
        .filter(email_code::Column::ConsumedAt.is_null())
        .order_by_desc(email_code::Column::CreatedAt)
        .one(db)
        .await?
    else {
        return Err(CheckError::Invalid);
    };
    if !usable(&row, now) {
        return Err(CheckError::Invalid);
    }
    if !same(&hash_code(&row.id, code), &row.code_hash) {
        email_code::Entity::update_many()
            .col_expr(
                email_code::Column::Attempts,
                Expr::col(email_code::Column::Attempts).add(1),
            )
            .filter(email_code::Column::Id.eq(row.id))
            .exec(db)
            .await?;
        return Err(CheckError::Invalid);
    }
    // Conditional: of two requests racing with the right code, exactly one wins.
    let consumed = email_code::Entity::update_many()
        .col_expr(email_code::Column::ConsumedAt, Expr::value(now))
        .filter(email_code::Column::Id.eq(row.id))
        .filter(email_code::Column::ConsumedAt.is_null())
        .filter(email_code::Column::Attempts.lt(EMAIL_CODE_MAX_ATTEMPTS))
        .exec(db)
        .await?;
    if consumed.rows_affected == 1 {
        Ok(())
    } else {
        Err(CheckError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(created: DateTime<Utc>, attempts: i32, consumed: bool) -> email_code::Model {
        email_code::Model {
            id: Uuid::nil(),
            account_id: Uuid::nil(),
            purpose: "sign_in".into(),
            code_hash: String::new(),
            created_at: created,
            expires_at: created + Purpose::SignIn.lifetime(),
            attempts,
            consumed_at: consumed.then_some(created),
        }
    }

    #[test]
    fn a_code_expires_after_ten_minutes() {
        let t0 = DateTime::UNIX_EPOCH;
        assert!(usable(&row(t0, 0, false), t0 + Duration::minutes(9)));
        assert!(!usable(&row(t0, 0, false), t0 + Duration::minutes(10)));
    }

    #[test]
    fn a_code_dies_after_five_wrong_attempts_or_one_use() {
        let t0 = DateTime::UNIX_EPOCH;
        assert!(usable(&row(t0, 4, false), t0));
        assert!(!usable(&row(t0, 5, false), t0));
        assert!(!usable(&row(t0, 0, true), t0));
    }

    #[test]
    fn staff_enrolment_codes_last_three_days() {
        assert_eq!(Purpose::StaffEnrolment.lifetime(), Duration::hours(72));
    }
}
