//! Vaccination: the vaccine catalogue, a citizen's standing against the schedule, and vaccine
//! stock (lots, balances, the ledger; this module grows sessions and doses).

pub mod catalogue;
pub mod history;
pub mod stock;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue::list_vaccines))
        .routes(routes!(
            stock::list::list_stock,
            stock::record::record_movement
        ))
        .routes(routes!(stock::report::stock_report))
}
