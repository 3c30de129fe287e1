//! The support-staff API: users, locks, sessions, recovery verification, the audit trail,
//! and the requests that need a second officer's approval.
//! Every route needs a passkey session; the authorization module decides who may act.

mod approvals;
mod audit_search;
mod enrolment;
pub mod entities;
mod users;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(users::create_user))
        .routes(routes!(users::search_users))
        .routes(routes!(users::get_user))
        .routes(routes!(users::lock_user))
        .routes(routes!(users::unlock_user))
        .routes(routes!(users::revoke_user_sessions))
        .routes(routes!(users::resend_verification))
        .routes(routes!(users::verify_for_recovery))
        .routes(routes!(enrolment::reissue))
        .routes(routes!(audit_search::search))
        .routes(routes!(approvals::list_approvals))
        .routes(routes!(approvals::approve))
        .routes(routes!(approvals::reject))
}
