//! Identity and access: citizens, staff, passkeys, sessions, dependents.

pub mod actor;
pub mod audit;
pub mod codes;
pub mod dependents;
pub mod email;
pub mod entities;
pub mod error;
pub mod guardians;
pub mod holders;
pub mod limits;
pub mod lockout;
pub mod mails;
pub mod me;
pub mod my_passkeys;
pub mod passkeys;
pub mod people;
pub mod recovery;
pub mod register;
pub mod registry;
pub mod secrets;
pub mod session;
pub mod staff;
pub mod wellknown;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register::register))
        .routes(routes!(email::verify_email))
        .routes(routes!(email::otp_start))
        .routes(routes!(email::otp_finish))
        .routes(routes!(passkeys::register_start))
        .routes(routes!(passkeys::register_finish))
        .routes(routes!(passkeys::login_start))
        .routes(routes!(passkeys::login_finish))
        .routes(routes!(recovery::start))
        .routes(routes!(recovery::finish))
        .routes(routes!(recovery::complete))
        .routes(routes!(recovery::cancel))
        .routes(routes!(staff::enrol))
        .routes(routes!(me::logout))
        .routes(routes!(me::me))
        .routes(routes!(me::list_sessions))
        .routes(routes!(me::revoke_session))
        .routes(routes!(me::auth_events))
        .routes(routes!(my_passkeys::list))
        .routes(routes!(my_passkeys::rename, my_passkeys::remove))
        .routes(routes!(
            dependents::add_dependent,
            dependents::list_dependents
        ))
        .routes(routes!(guardians::invite_guardian))
        .routes(routes!(guardians::list_invitations))
        .routes(routes!(guardians::accept_invitation))
        .routes(routes!(guardians::list_guardians))
        .routes(routes!(guardians::grant_guardian))
        .routes(routes!(guardians::end_guardian))
}

/// Routes at the root (`/.well-known/…`).
pub fn root_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(wellknown::assetlinks))
        .routes(routes!(wellknown::apple_app_site_association))
}
