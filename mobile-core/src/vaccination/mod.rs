//! Vaccinations on the phone: where each person of the family stands against the national
//! schedule. The standing is worked out here, by `domain`'s engine, from section III of the
//! book as the book client last read it, so it reads the same offline as online and never
//! disagrees with the server's (one engine, one history rule: `DoseHistory::from_book`).

use crate::Timestamp;
use crate::book::{BookClient, BookError, BookView};
use crate::context::Core;
use chrono::NaiveDate;
use healthbook_domain::account::CitizenProfile;
use healthbook_domain::book::BookEntry;
use healthbook_domain::vaccine::due::{AntigenDue, DoseHistory, Vaccinee, due};
use std::sync::Arc;
use uuid::Uuid;

/// One person's vaccinations: the due list of the day and the doses it was worked out from.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DueView {
    pub citizen: CitizenProfile,
    /// One line per antigen the schedule asks of them, then the paid series they started.
    pub lines: Vec<AntigenDue>,
    /// Section III, newest first, including doses declared but not yet checked (which the
    /// lines do not count) and doses marked entered in error (shown struck through).
    pub doses: Vec<BookEntry>,
    /// The day the lines are for: today on this phone's clock, in Việt Nam.
    pub on: NaiveDate,
    pub synced_at: Timestamp,
    /// Worked out from this phone's copy because the server could not be reached.
    pub from_cache: bool,
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
        Ok(due_view(view, self.core.clock.today()))
    }

    /// Oneself first, then each dependent: the family's vaccinations on one screen.
    pub async fn family_due(&self) -> Result<Vec<DueView>, BookError> {
        let book = self.book();
        let today = self.core.clock.today();
        let mut views = Vec::new();
        for owner in book.owners().await? {
            views.push(due_view(book.book(owner.citizen_id).await?, today));
        }
        Ok(views)
    }
}

pub(crate) fn due_view(view: BookView, today: NaiveDate) -> DueView {
    let person = Vaccinee::by_birth(view.citizen.date_of_birth, view.citizen.sex);
    let history = DoseHistory::from_book(&view.immunizations);
    DueView {
        lines: due(&person, &history, today),
        citizen: view.citizen,
        doses: view.immunizations,
        on: today,
        synced_at: view.synced_at,
        from_cache: view.from_cache,
    }
}

#[cfg(test)]
mod tests;
