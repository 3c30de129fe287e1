//! The health book: one record per citizen in QĐ 831's sections, each entry versioned with
//! its provenance; consents; break-glass; finding a patient; the access log the citizen
//! reads. Who may see what is decided in `authz`, never here.

pub mod access_log;
pub mod break_glass;
pub mod consents;
pub mod documents;
pub mod entities;
pub mod episodes;
pub mod fhir;
pub mod find;
pub mod pdf;
pub mod read;
pub mod requests;
pub mod residences;
pub mod store;
pub mod write;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read::get_book))
        .routes(routes!(fhir::get_fhir))
        .routes(routes!(documents::book_pdf))
        .routes(routes!(documents::visit_pdf))
        .routes(routes!(read::list_encounters, write::create_encounter))
        .routes(routes!(read::list_observations, write::create_observation))
        .routes(routes!(write::create_entry))
        .routes(routes!(write::correct_entry))
        .routes(routes!(write::mark_entered_in_error))
        .routes(routes!(write::patch_profile))
        .routes(routes!(consents::consent_text))
        .routes(routes!(consents::list_consents, consents::grant_consent))
        .routes(routes!(consents::withdraw_consent))
        .routes(routes!(break_glass::open_break_glass))
        .routes(routes!(break_glass::list_break_glass))
        .routes(routes!(break_glass::review_break_glass))
        .routes(routes!(find::find_patient))
        .routes(routes!(access_log::get_access_log))
        .routes(routes!(requests::list_requests, requests::file_request))
        .routes(routes!(requests::queue))
        .routes(routes!(requests::acknowledge))
        .routes(routes!(requests::close))
        .routes(routes!(requests::facility_corrections))
}
