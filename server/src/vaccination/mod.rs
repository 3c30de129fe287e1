//! Vaccination: the vaccine catalogue, a citizen's doses and standing against the schedule,
//! sessions and registration for them, and the due lists of outreach (this module grows
//! lots, stock and doses).

mod cancel_session;
pub mod catalogue;
mod due_list;
pub mod entities;
pub mod history;
mod immunizations;
mod refusal;
mod register;
pub mod sessions;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue::list_vaccines))
        .routes(routes!(sessions::create_session, sessions::list_sessions))
        .routes(routes!(cancel_session::cancel_session))
        .routes(routes!(register::register))
        .routes(routes!(immunizations::list_immunizations))
        .routes(routes!(immunizations::due_today))
        .routes(routes!(due_list::due_list))
        .routes(routes!(due_list::targets))
}
