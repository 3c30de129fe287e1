//! Facility systems and the files they send in the national XML output standard (QĐ 130/
//! 4750/3176): their keys, the intake of envelopes into citizens' books, and the receipts.
//! The reading and checking of the files is `domain::xml130`'s; this module keeps what came
//! and writes the books.

mod batch;
mod births;
mod caller;
mod entities;
mod export;
mod import;
mod receive;
mod spool;
mod systems;

pub use births::welcome_child;
pub use caller::FacilitySystem;
pub use import::claim_waiting;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The intake's path, whose body limit is its own.
pub const INTAKE_PATH: &str = "/v1/ingest/encounters";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(systems::create_system, systems::list_systems))
        .routes(routes!(systems::rotate_key))
        .routes(routes!(systems::revoke_key))
        .routes(routes!(receive::receive_encounters))
        .routes(routes!(receive::read_receipt))
        .routes(routes!(export::export_visits))
        .routes(routes!(births::list_expected_children))
        .routes(routes!(births::dismiss_expected_child))
}
