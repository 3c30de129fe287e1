//! One-time codes sent by mail: 6 digits, valid 10 minutes, 5 attempts, single use, stored
//! hashed. Issuing a code voids the previous one of the same purpose.
//!
//! A code is drawn only when its mail is sent ([`CodeMails`]): the request that asks for one
//! writes an unusable row and an outbox row naming it, and the mail worker arms the row with
//! a fresh code's hash and hands the code to the mail server. So no row of the database, and
//! no backup of it, ever holds a usable code.

use super::entities::{account, email_code};
use super::error::AuthError;
use super::mails;
use super::people::lang_of;
use super::secrets::{hash_code, new_email_code, same};
use crate::mail::{self, Composed, Composer};
use chrono::{DateTime, Duration, Utc};
use healthbook_domain::Sensitive;
use healthbook_domain::account::{EMAIL_CODE_MAX_ATTEMPTS, EMAIL_CODE_MINUTES};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The outbox template of a mail that carries a one-time code.
pub const TEMPLATE: &str = "one_time_code";

/// The hash of a row that no code opens yet: no SHA-256 hex digest is empty.
const UNARMED: &str = "";

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

    pub fn parse(value: &str) -> Option<Purpose> {
        [
            Purpose::VerifyEmail,
            Purpose::SignIn,
            Purpose::Recovery,
            Purpose::StaffEnrolment,
        ]
        .into_iter()
        .find(|purpose| purpose.as_str() == value)
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

/// Mails the account a new code for `purpose`, inside the caller's transaction: voids the
/// previous code, writes an unarmed row and the outbox row that will arm and carry it. The
/// caller commits and wakes the mailer.
pub async fn send(
    txn: &DatabaseTransaction,
    account_id: Uuid,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    send_valid_for(txn, account_id, purpose, purpose.lifetime(), now).await
}

/// As [`send`], with a lifetime other than the purpose's own (a re-issued enrolment code).
pub async fn send_valid_for(
    txn: &DatabaseTransaction,
    account_id: Uuid,
    purpose: Purpose,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let id = insert(txn, account_id, purpose, UNARMED.to_owned(), lifetime, now).await?;
    mail::enqueue_composed(txn, TEMPLATE, id, now).await?;
    Ok(())
}

/// Creates an armed code and returns it, for the command line, which shows it to the operator
/// and mails it directly: it never passes through the outbox.
pub async fn issue_now(
    txn: &DatabaseTransaction,
    account_id: Uuid,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Sensitive<String>, DbErr> {
    let id = Uuid::now_v7();
    let code = new_email_code();
    let hash = hash_code(&id, code.expose());
    insert_with_id(txn, id, account_id, purpose, hash, purpose.lifetime(), now).await?;
    Ok(code)
}

async fn insert(
    txn: &DatabaseTransaction,
    account_id: Uuid,
    purpose: Purpose,
    code_hash: String,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    insert_with_id(txn, id, account_id, purpose, code_hash, lifetime, now).await?;
    Ok(id)
}

async fn insert_with_id(
    txn: &DatabaseTransaction,
    id: Uuid,
    account_id: Uuid,
    purpose: Purpose,
    code_hash: String,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    email_code::Entity::update_many()
        .col_expr(email_code::Column::ConsumedAt, Expr::value(now))
        .filter(email_code::Column::AccountId.eq(account_id))
        .filter(email_code::Column::Purpose.eq(purpose.as_str()))
        .filter(email_code::Column::ConsumedAt.is_null())
        .exec(txn)
        .await?;
    email_code::Entity::insert(email_code::ActiveModel {
        id: Set(id),
        account_id: Set(account_id),
        purpose: Set(purpose.as_str().to_owned()),
        code_hash: Set(code_hash),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        attempts: Set(0),
        consumed_at: Set(None),
    })
    .exec_without_returning(txn)
    .await
    .map(|_| ())
}

/// Arms the code rows of a batch of outbox mails as they are sent and writes the mails. A
/// row that was replaced, used, exhausted or expired meanwhile gets no mail.
#[derive(Debug, Clone)]
pub struct CodeMails {
    /// The base of the staff enrolment link.
    pub public_url: String,
}

#[async_trait::async_trait]
impl Composer for CodeMails {
    async fn compose(
        &self,
        db: &DatabaseConnection,
        subjects: &[Uuid],
        now: DateTime<Utc>,
    ) -> Result<HashMap<Uuid, Composed>, DbErr> {
        let rows = email_code::Entity::find()
            .filter(email_code::Column::Id.is_in(subjects.iter().copied()))
            .all(db)
            .await?;
        let accounts: HashMap<Uuid, account::Model> = account::Entity::find()
            .filter(account::Column::Id.is_in(rows.iter().map(|r| r.account_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut out = HashMap::with_capacity(subjects.len());
        for row in rows {
            let composed = match (Purpose::parse(&row.purpose), accounts.get(&row.account_id)) {
                (Some(purpose), Some(account)) if usable(&row, now) => {
                    match arm(db, &row, now).await? {
                        Some(code) => {
                            Composed::Mail(self.render(purpose, account, &code, &row, now))
                        }
                        None => Composed::Nothing,
                    }
                }
                _ => Composed::Nothing,
            };
            out.insert(row.id, composed);
        }
        Ok(out)
    }
}

impl CodeMails {
    fn render(
        &self,
        purpose: Purpose,
        account: &account::Model,
        code: &Sensitive<String>,
        row: &email_code::Model,
        now: DateTime<Utc>,
    ) -> mail::OutgoingEmail {
        let (to, name, lang) = (&account.email, &account.display_name, lang_of(account));
        match purpose {
            Purpose::VerifyEmail => mails::verify_email(to, name, code, lang),
            Purpose::SignIn => mails::sign_in_code(to, name, code, lang),
            Purpose::Recovery => mails::recovery_code(to, name, code, lang),
            Purpose::StaffEnrolment => {
                let link = format!("{}/enrol#code={}", self.public_url, code.expose());
                let hours = ((row.expires_at - now).num_minutes() + 59) / 60;
                mails::staff_enrolment(to, name, code, &link, hours, lang)
            }
        }
    }
}

/// Draws the code of `row` and stores its hash, unless the row was used or replaced since.
async fn arm(
    db: &DatabaseConnection,
    row: &email_code::Model,
    now: DateTime<Utc>,
) -> Result<Option<Sensitive<String>>, DbErr> {
    let code = new_email_code();
    let armed = email_code::Entity::update_many()
        .col_expr(
            email_code::Column::CodeHash,
            Expr::value(hash_code(&row.id, code.expose())),
        )
        .filter(email_code::Column::Id.eq(row.id))
        .filter(email_code::Column::ConsumedAt.is_null())
        .filter(email_code::Column::ExpiresAt.gt(now))
        .filter(email_code::Column::Attempts.lt(EMAIL_CODE_MAX_ATTEMPTS))
        .exec(db)
        .await?;
    Ok((armed.rows_affected == 1).then_some(code))
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
