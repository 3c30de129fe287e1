//! A facility system as a caller: `Authorization: Bearer hbk_…`, a live key of a system that
//! is not disabled. Anything else is the 401 of a missing session, whatever was wrong.

use super::entities::{facility_system, system_key};
use crate::auth::actor::bearer;
use crate::auth::error::AuthError;
use crate::auth::secrets::{SYSTEM_KEY_PREFIX, hash_token};
use crate::booking::entities::facility;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The system a request comes from, and the facility it sends for.
#[derive(Debug, Clone)]
pub struct FacilitySystem {
    /// The system's account: what the access log and the book's entries name.
    pub account_id: Uuid,
    pub name: String,
    pub facility_id: Uuid,
    /// The facility's national code (`MACSKCB`): every file must carry it.
    pub facility_code: String,
}

impl FromRequestParts<AppState> for FacilitySystem {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)
            .filter(|t| t.starts_with(SYSTEM_KEY_PREFIX))
            .ok_or(AuthError::Unauthenticated)?;
        let now = state.clock.now();
        let key = system_key::Entity::find()
            .filter(system_key::Column::SecretHash.eq(hash_token(token)))
            .filter(system_key::Column::RevokedAt.is_null())
            .filter(
                Condition::any()
                    .add(system_key::Column::ExpiresAt.is_null())
                    .add(system_key::Column::ExpiresAt.gt(now)),
            )
            .one(&state.db)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        let system = facility_system::Entity::find_by_id(key.system_id)
            .filter(facility_system::Column::DisabledAt.is_null())
            .one(&state.db)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        let facility = facility::Entity::find_by_id(system.facility_id)
            .one(&state.db)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        // When a key was last used is what tells an administrator which key a system still
        // sends with before revoking the old one.
        system_key::Entity::update_many()
            .col_expr(system_key::Column::LastUsedAt, Expr::value(now))
            .filter(system_key::Column::Id.eq(key.id))
            .exec(&state.db)
            .await?;
        Ok(FacilitySystem {
            account_id: system.id,
            name: system.name,
            facility_id: facility.id,
            facility_code: facility.code,
        })
    }
}
