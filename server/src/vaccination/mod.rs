//! Vaccination: the vaccine catalogue, the screening checklists, a citizen's standing against
//! the schedule, vaccine stock (lots, balances, the ledger: stock/), doses given
//! (administer.rs) and changed (corrections.rs), reactions after them (reactions.rs) and
//! feedback on vaccination (feedback.rs).

pub mod administer;
pub mod catalogue;
pub mod corrections;
pub mod doses;
pub mod entities;
pub mod feedback;
pub mod history;
pub mod mails;
pub mod reactions;
pub mod screening;
pub mod stock;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue::list_vaccines))
        .routes(routes!(screening::screening_checklist))
        .routes(routes!(administer::administer))
        .routes(routes!(corrections::correct))
        .routes(routes!(corrections::entered_in_error))
        .routes(routes!(reactions::report))
        .routes(routes!(reactions::follow_up))
        .routes(routes!(reactions::by_lot))
        .routes(routes!(feedback::list, feedback::send))
        .routes(routes!(
            stock::list::list_stock,
            stock::record::record_movement
        ))
        .routes(routes!(stock::report::stock_report))
}
