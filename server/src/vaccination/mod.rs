//! Vaccination: the vaccine catalogue and a citizen's standing against the schedule (this
//! module grows lots, stock, sessions and doses).

pub mod catalogue;
pub mod history;
pub mod stock;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(catalogue::list_vaccines))
}
