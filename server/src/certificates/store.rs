//! The database side of certificate signing: key metadata and published lists.
//!
//! Which key is active is decided here, by conditional updates and a unique column
//! (`active_for`), so that several processes on one database agree without a lock.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

pub mod signing_key {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "signing_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub kid: String,
        pub role: String,
        pub active_for: Option<String>,
        pub certificate: String,
        pub subject: String,
        pub issuer_kid: Option<String>,
        pub not_before: DateTimeUtc,
        pub not_after: DateTimeUtc,
        pub signing_until: DateTimeUtc,
        pub allowed_uses: String,
        pub source: String,
        pub created_at: DateTimeUtc,
        pub retired_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod published_list {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "published_lists")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub kind: String,
        pub version: i64,
        pub content_hash: String,
        pub issued_at: DateTimeUtc,
        pub envelope: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use published_list::Model as PublishedRow;
pub use signing_key::Model as KeyRow;

/// What a new key row says; the id and timestamps are filled in here.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub kid: String,
    pub role: &'static str,
    pub active: bool,
    pub certificate_b64: String,
    pub subject: String,
    pub issuer_kid: Option<String>,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub signing_until: DateTime<Utc>,
    pub allowed_uses: String,
    pub source: &'static str,
}

/// Inserts the key unless its kid is known already. Returns whether a row was written; an
/// insert that would make a second key active for a role fails on the unique column.
pub async fn insert_key(
    db: &impl ConnectionTrait,
    key: NewKey,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = signing_key::Entity::insert(signing_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        kid: Set(key.kid),
        role: Set(key.role.to_owned()),
        active_for: Set(key.active.then(|| key.role.to_owned())),
        certificate: Set(key.certificate_b64),
        subject: Set(key.subject),
        issuer_kid: Set(key.issuer_kid),
        not_before: Set(key.not_before),
        not_after: Set(key.not_after),
        signing_until: Set(key.signing_until),
        allowed_uses: Set(key.allowed_uses),
        source: Set(key.source.to_owned()),
        created_at: Set(now),
        retired_at: Set(None),
    })
    .on_conflict(
        OnConflict::column(signing_key::Column::Kid)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(result > 0)
}

/// The key currently active for `role`, if any.
pub async fn active_key(db: &impl ConnectionTrait, role: &str) -> Result<Option<KeyRow>, DbErr> {
    signing_key::Entity::find()
        .filter(signing_key::Column::ActiveFor.eq(role))
        .one(db)
        .await
}

/// Every key of a role, oldest first.
pub async fn keys_of_role(db: &impl ConnectionTrait, role: &str) -> Result<Vec<KeyRow>, DbErr> {
    signing_key::Entity::find()
        .filter(signing_key::Column::Role.eq(role))
        .order_by_asc(signing_key::Column::NotBefore)
        .order_by_asc(signing_key::Column::Kid)
        .all(db)
        .await
}

/// Every key, for `keys show`: role by role, oldest first.
pub async fn all_keys(db: &impl ConnectionTrait) -> Result<Vec<KeyRow>, DbErr> {
    signing_key::Entity::find()
        .order_by_asc(signing_key::Column::Role)
        .order_by_asc(signing_key::Column::NotBefore)
        .all(db)
        .await
}

/// The document signers whose certificates have not expired at `now`: the trust list.
pub async fn publishable_signers(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<KeyRow>, DbErr> {
    signing_key::Entity::find()
        .filter(signing_key::Column::Role.eq(super::keys::Role::Dsc.as_str()))
        .filter(signing_key::Column::NotAfter.gt(now))
        .order_by_asc(signing_key::Column::NotBefore)
        .order_by_asc(signing_key::Column::Kid)
        .all(db)
        .await
}

/// Retires `kid` for its role, only if it is still the active one. Returns whether it was:
/// `false` means another process retired it first.
pub async fn retire(
    db: &impl ConnectionTrait,
    kid: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = signing_key::Entity::update_many()
        .col_expr(
            signing_key::Column::ActiveFor,
            Expr::value(Option::<String>::None),
        )
        .col_expr(signing_key::Column::RetiredAt, Expr::value(now))
        .filter(signing_key::Column::Kid.eq(kid))
        .filter(signing_key::Column::ActiveFor.is_not_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Makes a known, inactive key the active one for its role. Fails on the unique column when
/// another key is active for the role.
pub async fn activate(db: &impl ConnectionTrait, kid: &str, role: &str) -> Result<bool, DbErr> {
    let result = signing_key::Entity::update_many()
        .col_expr(signing_key::Column::ActiveFor, Expr::value(role))
        .col_expr(
            signing_key::Column::RetiredAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(signing_key::Column::Kid.eq(kid))
        .filter(signing_key::Column::ActiveFor.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn published(
    db: &impl ConnectionTrait,
    kind: &str,
) -> Result<Option<PublishedRow>, DbErr> {
    published_list::Entity::find_by_id(kind.to_owned())
        .one(db)
        .await
}

/// Publishes `next` if the list is still at `previous_version` (or, with `None`, not yet
/// published). Returns whether this call published: `false` means another process did first.
pub async fn publish(
    db: &impl ConnectionTrait,
    next: PublishedRow,
    previous_version: Option<i64>,
) -> Result<bool, DbErr> {
    match previous_version {
        None => {
            let written = published_list::Entity::insert(published_list::ActiveModel {
                kind: Set(next.kind),
                version: Set(next.version),
                content_hash: Set(next.content_hash),
                issued_at: Set(next.issued_at),
                envelope: Set(next.envelope),
            })
            .on_conflict(
                OnConflict::column(published_list::Column::Kind)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
            Ok(written > 0)
        }
        Some(previous) => {
            let result = published_list::Entity::update_many()
                .col_expr(published_list::Column::Version, Expr::value(next.version))
                .col_expr(
                    published_list::Column::ContentHash,
                    Expr::value(next.content_hash),
                )
                .col_expr(
                    published_list::Column::IssuedAt,
                    Expr::value(next.issued_at),
                )
                .col_expr(published_list::Column::Envelope, Expr::value(next.envelope))
                .filter(published_list::Column::Kind.eq(next.kind))
                .filter(published_list::Column::Version.eq(previous))
                .exec(db)
                .await?;
            Ok(result.rows_affected == 1)
        }
    }
}
