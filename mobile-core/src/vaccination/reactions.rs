//! A reaction after a dose, reported from the dose itself: the form's symptom list and its
//! onset date come from here (`domain`'s list and rule, offline), and the report goes to the
//! server, which decides seriousness with the same rule and alerts who must know.

use super::{VaccinationClient, VaccinationError};
use crate::http::Auth;
use crate::input::InputError;
use chrono::NaiveDate;
use healthbook_domain::booking::time;
use healthbook_domain::vaccine::aefi::{SYMPTOMS, check_onset};
use healthbook_domain::vaccine::doses::{Reaction, ReactionReport};
use healthbook_domain::{FieldIssue, Lang};
use uuid::Uuid;

/// One symptom the form offers: the code the report carries, and its name.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SymptomChoice {
    pub code: String,
    /// In the client's language: "Sốt", "Fever".
    pub name: String,
}

#[uniffi::export(async_runtime = "tokio")]
impl VaccinationClient {
    /// The symptoms a report may name, in the order of WHO's list, named in the client's
    /// language. No network: the list is compiled in.
    pub fn reaction_symptoms(&self) -> Vec<SymptomChoice> {
        symptom_choices(self.core.lang)
    }

    /// The onset date typed into the form (`YYYY-MM-DD`) for a dose given on `given_on`:
    /// refused, naming the field `onset_on`, when it cannot be read or falls before the dose
    /// or after today in Việt Nam on this phone's clock.
    pub fn reaction_onset(
        &self,
        typed: String,
        given_on: NaiveDate,
    ) -> Result<NaiveDate, InputError> {
        read_onset(&typed, given_on, self.core.clock.today())
    }

    /// Reports a reaction after a dose, for oneself or a dependent: `dose_id` is the dose's
    /// id (`Dose::id`) or its entry's in section III (`BookEntry::entry_id`, what
    /// `DueView::doses` holds). `Reaction::serious` says whether the facility and the
    /// province were alerted.
    pub async fn report_reaction(
        &self,
        dose_id: Uuid,
        report: ReactionReport,
    ) -> Result<Reaction, VaccinationError> {
        Ok(self
            .core
            .api
            .post(
                &format!("/v1/immunizations/{dose_id}/reactions"),
                &report,
                Auth::Bearer,
            )
            .await?)
    }
}

pub(crate) fn symptom_choices(lang: Lang) -> Vec<SymptomChoice> {
    SYMPTOMS
        .iter()
        .map(|symptom| SymptomChoice {
            code: symptom.code.to_owned(),
            name: match lang {
                Lang::Vi => symptom.name_vi,
                Lang::En => symptom.name_en,
            }
            .to_owned(),
        })
        .collect()
}

pub(crate) fn read_onset(
    typed: &str,
    given_on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, InputError> {
    let onset = time::parse_date(typed).map_err(|error| InputError::Invalid {
        issue: FieldIssue::of("onset_on", &error),
    })?;
    check_onset(onset, given_on, today).map_err(|issue| InputError::Invalid { issue })?;
    Ok(onset)
}
