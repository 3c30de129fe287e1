//! Vaccination: the vaccine catalogue, the screening checklists, a citizen's doses and
//! standing against the schedule, sessions and registration for them, the due lists of
//! outreach, vaccine stock (lots, balances, the ledger: stock/), doses given (administer.rs)
//! and changed (corrections.rs), reactions after them (reactions.rs) and their follow-up
//! (follow_up.rs), feedback on vaccination and the facility's answers (feedback.rs), and doses
//! exchanged as FHIR R4 Immunization (fhir/).

pub mod administer;
mod cancel_session;
pub mod catalogue;
pub mod corrections;
pub mod doses;
mod due_list;
pub mod entities;
pub mod feedback;
pub mod fhir;
pub mod follow_up;
pub mod history;
mod immunizations;
pub mod mails;
pub mod reactions;
mod refusal;
mod register;
pub mod rollout;
pub mod screening;
pub mod sessions;
pub mod stock;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue::list_vaccines))
        .routes(routes!(screening::screening_checklist))
        .routes(routes!(administer::administer_dose))
        .routes(routes!(corrections::correct_dose))
        .routes(routes!(corrections::mark_dose_entered_in_error))
        .routes(routes!(reactions::report_reaction))
        .routes(routes!(follow_up::reactions_to_follow_up))
        .routes(routes!(follow_up::close_reaction_follow_up))
        .routes(routes!(reactions::reactions_by_lot))
        .routes(routes!(feedback::list_feedback, feedback::send_feedback))
        .routes(routes!(feedback::answer_feedback))
        .routes(routes!(feedback::my_feedback))
        .routes(routes!(
            stock::list::list_stock,
            stock::record::record_movement
        ))
        .routes(routes!(stock::report::stock_report))
        .routes(routes!(
            sessions::create_vaccination_session,
            sessions::list_vaccination_sessions
        ))
        .routes(routes!(cancel_session::cancel_session))
        .routes(routes!(register::register_for_session))
        .routes(routes!(immunizations::list_immunizations))
        .routes(routes!(immunizations::due_today))
        .routes(routes!(due_list::due_list))
        .routes(routes!(due_list::session_targets))
        .routes(routes!(fhir::import_immunization))
        .routes(routes!(fhir::bulk::import_immunizations_ndjson))
        .routes(routes!(fhir::export::immunizations_as_fhir))
        .routes(routes!(
            rollout::province_programme,
            rollout::set_province_programme
        ))
}
