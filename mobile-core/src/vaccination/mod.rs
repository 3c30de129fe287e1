//! Vaccinations on the phone: where each person of the family stands against the national
//! schedule. The standing is worked out here, by `domain`'s engine, from section III of the
//! book as the book client last read it, so it reads the same offline as online and never
//! disagrees with the server's (one engine, one history rule: `DoseHistory::from_book`).
//! The doses themselves read offline from the same cached section III (`DueView::doses`).
//! Whether the roll-out antigens (rotavirus, pneumococcal) are on it is the person's
//! province's answer (`rollout.rs`), as on the server.
//!
//! The citizen also finds a facility's sessions, registers themselves or a dependent for one,
//! and reports a reaction after a dose (`reactions.rs`); the vaccinator's side is
//! `vaccinator.rs`.

mod conflict;
mod error;
mod reactions;
mod rollout;
mod vaccinator;

pub use conflict::{DoseConflict, dose_conflict_message};
pub use error::VaccinationError;
pub use reactions::SymptomChoice;
pub(crate) use vaccinator::DoseRecording;
pub use vaccinator::{DoseOutcome, ScreeningQuestion, VaccinationDay, VaccinatorClient, Visit};

use crate::Timestamp;
use crate::book::{BookClient, BookError, BookView};
use crate::context::Core;
use crate::http::{Auth, query_string};
use chrono::NaiveDate;
use healthbook_domain::Lang;
use healthbook_domain::account::CitizenProfile;
use healthbook_domain::book::BookEntry;
use healthbook_domain::booking::Appointment;
use healthbook_domain::vaccine::due::{
    Antigen, AntigenDue, DoseHistory, Vaccinee, antigen_name, due, standing_text, warning_text,
};
use healthbook_domain::vaccine::session::{RegisterForSessionRequest, VaccinationSession};
use std::sync::Arc;
use uuid::Uuid;

/// One person's vaccinations: the due list of the day and the doses it was worked out from.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DueView {
    pub citizen: CitizenProfile,
    /// One line per antigen the schedule asks of them, then the paid series they started.
    pub lines: Vec<DueLine>,
    /// Section III, newest first, including doses declared but not yet checked (which the
    /// lines do not count) and doses marked entered in error (shown struck through).
    pub doses: Vec<BookEntry>,
    /// The day the lines are for: today on this phone's clock, in Việt Nam.
    pub on: NaiveDate,
    pub synced_at: Timestamp,
    /// Worked out from this phone's copy because the server could not be reached.
    pub from_cache: bool,
}

/// A due-list line with the words the apps show for it, in the app's language.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DueLine {
    pub due: AntigenDue,
    /// "Sởi", "Measles".
    pub disease: String,
    /// "Mũi 2: quá hạn từ 01/05/2026".
    pub standing: String,
    pub warnings: Vec<String>,
}

#[derive(uniffi::Object)]
pub struct VaccinationClient {
    core: Arc<Core>,
}

impl VaccinationClient {
    pub(crate) fn new(core: Arc<Core>) -> VaccinationClient {
        VaccinationClient { core }
    }

    fn book(&self) -> BookClient {
        BookClient::new(self.core.clone())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl VaccinationClient {
    /// Where `citizen_id` (oneself or a dependent) stands today. Reads the book fresh when
    /// the server can be reached, else this phone's copy (`from_cache`).
    pub async fn due(&self, citizen_id: Uuid) -> Result<DueView, BookError> {
        let view = self.book().book(citizen_id).await?;
        let today = self.core.clock.today();
        let offers = rollout::offers(&self.core, &view, today).await;
        Ok(due_view(view, today, self.core.lang, offers))
    }

    /// Oneself first, then each dependent: the family's vaccinations on one screen.
    pub async fn family_due(&self) -> Result<Vec<DueView>, BookError> {
        let book = self.book();
        let (today, lang) = (self.core.clock.today(), self.core.lang);
        let mut views = Vec::new();
        for owner in book.owners().await? {
            let view = book.book(owner.citizen_id).await?;
            let offers = rollout::offers(&self.core, &view, today).await;
            views.push(due_view(view, today, lang, offers));
        }
        Ok(views)
    }

    /// A facility's vaccination sessions between two local dates (today and 30 days on when
    /// absent), each with its vaccines and free places; cancelled ones are marked.
    pub async fn sessions(
        &self,
        facility_id: Uuid,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<VaccinationSession>, VaccinationError> {
        let path = format!(
            "/v1/facilities/{facility_id}/vaccination-sessions{}",
            query_string(&[
                ("from", from.map(|d| d.to_string())),
                ("to", to.map(|d| d.to_string())),
            ])
        );
        Ok(self.core.api.get(&path, Auth::Public).await?)
    }

    /// Registers oneself (`request.citizen_id` absent) or a dependent for a session, for one
    /// vaccine. A dose the schedule refuses on the session's day is `DoseRefused` (too early
    /// names the first day it may be given); the appointment is cached for offline reading.
    pub async fn register(
        &self,
        session_id: Uuid,
        request: RegisterForSessionRequest,
    ) -> Result<Appointment, VaccinationError> {
        let appointment: Appointment = self
            .core
            .api
            .post(
                &format!("/v1/vaccination-sessions/{session_id}/registrations"),
                &request,
                Auth::Bearer,
            )
            .await?;
        crate::booking::remember(&self.core, &appointment).await?;
        Ok(appointment)
    }
}

/// Where the person of `view` stands on `today`, in a province offering `province_offers`
/// of the roll-out antigens.
pub(crate) fn due_view(
    view: BookView,
    today: NaiveDate,
    lang: Lang,
    province_offers: Vec<Antigen>,
) -> DueView {
    let person = Vaccinee {
        province_offers,
        ..Vaccinee::by_birth(view.citizen.date_of_birth, view.citizen.sex)
    };
    let history = DoseHistory::from_book(&view.immunizations);
    let lines = due(&person, &history, today)
        .into_iter()
        .map(|line| due_line(line, lang))
        .collect();
    DueView {
        lines,
        citizen: view.citizen,
        doses: view.immunizations,
        on: today,
        synced_at: view.synced_at,
        from_cache: view.from_cache,
    }
}

/// A line with its words in `lang`.
pub(crate) fn due_line(line: AntigenDue, lang: Lang) -> DueLine {
    DueLine {
        disease: antigen_name(line.antigen, lang).to_owned(),
        standing: standing_text(&line, lang),
        warnings: line
            .warnings
            .iter()
            .map(|w| warning_text(w, lang))
            .collect(),
        due: line,
    }
}

#[cfg(test)]
mod tests;
