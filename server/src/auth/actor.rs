//! The authenticated caller, as every handler receives it.

use super::error::AuthError;
use super::session;
use crate::error::ApiError;
use crate::http::client_addr::client_address;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use healthbook_domain::Lang;
use healthbook_domain::account::{Assurance, RoleGrant, StaffRole};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use uuid::Uuid;

pub use healthbook_domain::account::AccountKind;

/// Who is calling, from a valid session. This snapshot is what the session cache holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub session_id: Uuid,
    pub account_id: Uuid,
    pub kind: AccountKind,
    pub assurance: Assurance,
    pub citizen_id: Option<Uuid>,
    pub roles: Vec<RoleGrant>,
    pub email_verified: bool,
    pub lang: Lang,
    /// The account's name as book entries credit it (set when the account is made, never
    /// changed since), so a write need not read it again.
    #[serde(default)]
    pub display_name: String,
    pub last_seen_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
}

impl Actor {
    pub fn has_role(&self, role: StaffRole) -> bool {
        self.roles.iter().any(|grant| grant.role == role)
    }

    /// Facilities where the caller holds `role`.
    pub fn facilities_with(&self, role: StaffRole) -> impl Iterator<Item = Uuid> + '_ {
        self.roles
            .iter()
            .filter(move |grant| grant.role == role)
            .filter_map(|grant| grant.facility_id)
    }
}

/// The bearer token of a request, if it has one.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(AuthError::Unauthenticated)?;
        session::resolve(state, token).await
    }
}

/// The caller's network address: the peer, or, when the peer is a trusted proxy, the
/// rightmost `X-Forwarded-For` hop that is not one (see [`crate::http::client_addr`]). Used
/// for rate limits and the audit trail only.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(ClientIp("unknown".to_owned()));
        };
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            // An unreadable line is a hop that is not an address: the walk stops there.
            .map(|v| v.to_str().unwrap_or_default());
        let client = client_address(peer.ip(), forwarded, &state.config.trusted_proxies);
        Ok(ClientIp(client.to_string()))
    }
}
