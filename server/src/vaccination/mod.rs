//! Vaccination: the vaccine catalogue (this module grows lots, stock, sessions and doses).

pub mod catalogue;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(catalogue::list_vaccines))
}
