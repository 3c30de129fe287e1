//! Episodes of care other than a check-in: the capability doing the work (vaccination, a
//! teleconsultation, a home visit) opens one in its own transaction for the work's length, and
//! the professionals of that facility see what the work needs of the book until it ends or is
//! closed (`authz::record` reads them).

use super::entities::care_episode;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use healthbook_domain::book::access::EpisodeKind;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// What opens an episode.
#[derive(Debug, Clone, Copy)]
pub struct Opening {
    pub citizen: Uuid,
    pub facility: Uuid,
    pub kind: EpisodeKind,
    /// The account whose work opened it, when a person did.
    pub opened_by: Option<Uuid>,
    pub ends_at: DateTime<Utc>,
}

/// Opens an episode from `now` until `opening.ends_at`.
pub async fn open(
    db: &impl ConnectionTrait,
    opening: Opening,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let id = Uuid::now_v7();
    care_episode::Entity::insert(care_episode::ActiveModel {
        id: Set(id),
        citizen_id: Set(opening.citizen),
        facility_id: Set(opening.facility),
        kind: Set(opening.kind.as_str().to_owned()),
        opened_at: Set(now),
        ends_at: Set(opening.ends_at),
        closed_at: Set(None),
        opened_by: Set(opening.opened_by),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Ends an episode now (the dose given, the consultation finished); closing twice is a no-op.
pub async fn close(
    db: &impl ConnectionTrait,
    episode: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    care_episode::Entity::update_many()
        .col_expr(care_episode::Column::ClosedAt, Expr::value(now))
        .filter(care_episode::Column::Id.eq(episode))
        .filter(care_episode::Column::ClosedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
