//! Whether a dose may be given to a person on a day, and which dose of each antigen it is: the
//! check that registration for a session and the recording of a dose both run, so that a
//! dose the due list would call too early is refused the same way in both places.

use super::track::covers;
use super::{Antigen, AntigenDue, DoseHistory, NOT_FROM_PAST_DOSES, Standing, Vaccinee, due};
use crate::problem::ProblemCode;
use crate::vaccine::{CatalogueEntry, Programme, entry};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A dose about to be given, or registered for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ProposedDose {
    /// The catalogue code (`penta`, `hexa`, `mr`).
    pub vaccine: String,
    /// The trade name, for a paid vaccine (`Hexaxim`): its label's course applies.
    pub product: Option<String>,
}

/// Which dose of one antigen the proposed dose is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AntigenDose {
    pub antigen: Antigen,
    /// Counted from 1, after the verified doses already given.
    pub dose_number: u32,
    /// The programme's row it answers (`penta_2`), when the antigen follows the schedule.
    pub row: Option<String>,
}

/// A dose the schedule lets through, with what it counts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DoseAccepted {
    /// The dose's number in its own series: that of the least advanced antigen it still
    /// completes, so a 6-in-1 after three OPV doses is the 6-in-1's first, not its fourth.
    pub dose_number: u32,
    pub antigens: Vec<AntigenDose>,
    /// Given earlier than a value the data is not sure enough of to refuse: the health
    /// worker is told, nothing is refused.
    pub earlier_than_advised: Vec<EarlierThanAdvised>,
    /// Given past an age limit the data is not sure enough of to refuse (a rotavirus dose
    /// past its label's age): the health worker is told, nothing is refused.
    pub later_than_advised: Vec<LaterThanAdvised>,
}

/// An antigen for which the dose comes on or after the day its course's age limit ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LaterThanAdvised {
    pub antigen: Antigen,
    pub limit: NaiveDate,
}

/// An antigen for which the dose comes before the day the data advises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EarlierThanAdvised {
    pub antigen: Antigen,
    pub earliest: NaiveDate,
}

/// Where the refusal of live vaccines in pregnancy comes from. `vaccine-kinds.csv` grades
/// live-ness high (the WHO position papers), so the refusal is firm. The WHO position papers
/// on measles (2017), rubella (2020), varicella (2014) and BCG (2018) contraindicate their live
/// vaccines in pregnancy, and the one on Japanese encephalitis has pregnant women given an
/// inactivated vaccine rather than the live one. The catalogue's oral live vaccines (OPV,
/// rotavirus) are given to infants only, so refusing them in pregnancy refuses no dose any
/// schedule proposes.
pub const LIVE_VACCINES_IN_PREGNANCY: &str = "WHO position papers on measles (2017), rubella (2020), varicella (2014), BCG (2018) and Japanese encephalitis vaccines";

/// Why a dose may not be given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "refusal", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DoseRefusal {
    #[error("unknown vaccine")]
    UnknownVaccine,
    #[error("unknown product")]
    UnknownProduct,
    /// The schedule, at high confidence, does not allow the dose before `earliest`.
    #[error("too early")]
    TooEarly {
        antigen: Antigen,
        earliest: NaiveDate,
    },
    /// The schedule, at high confidence, no longer allows the dose from `limit` on (past the
    /// age its course or series ends).
    #[error("too late")]
    TooLate { antigen: Antigen, limit: NaiveDate },
    /// A serious reaction to `vaccine` was recorded for an antigen the dose covers.
    #[error("contraindicated")]
    Contraindicated { antigen: Antigen, vaccine: String },
    /// A live vaccine for a pregnant woman (`LIVE_VACCINES_IN_PREGNANCY`).
    #[error("live vaccine in pregnancy")]
    LiveInPregnancy,
    /// Every antigen the dose covers is already complete.
    #[error("series complete")]
    SeriesComplete,
    /// A programme dose of an antigen the person's province does not offer yet.
    #[error("not offered in the province")]
    NotOffered { antigen: Antigen },
}

impl DoseRefusal {
    pub fn code(&self) -> ProblemCode {
        match self {
            DoseRefusal::UnknownVaccine => ProblemCode::UnknownVaccine,
            DoseRefusal::UnknownProduct => ProblemCode::UnknownProduct,
            DoseRefusal::TooEarly { .. } => ProblemCode::DoseTooEarly,
            DoseRefusal::TooLate { .. } => ProblemCode::DoseTooLate,
            DoseRefusal::Contraindicated { .. } => ProblemCode::DoseContraindicated,
            DoseRefusal::LiveInPregnancy => ProblemCode::LiveVaccineInPregnancy,
            DoseRefusal::SeriesComplete => ProblemCode::SeriesComplete,
            DoseRefusal::NotOffered { .. } => ProblemCode::NotOfferedInProvince,
        }
    }
}

/// Checks `dose` for `person` on `on` against their verified history: the due list of that
/// day decides each antigen the vaccine covers. Antigens already complete are passed over
/// (a 6-in-1 may follow a finished polio series); the dose is refused only when every one
/// is complete, or when one of them is contraindicated, when it is live and the person
/// pregnant, too early or too late at high
/// confidence, or a programme dose the province does not offer.
pub fn check_dose(
    person: &Vaccinee,
    history: &DoseHistory,
    dose: &ProposedDose,
    on: NaiveDate,
) -> Result<DoseAccepted, DoseRefusal> {
    let vaccine = entry(&dose.vaccine).ok_or(DoseRefusal::UnknownVaccine)?;
    if let Some(product) = &dose.product
        && vaccine.programme == Programme::Service
        && vaccine.product(product).is_none()
    {
        return Err(DoseRefusal::UnknownProduct);
    }
    let live = match dose
        .product
        .as_deref()
        .and_then(|name| vaccine.product(name))
    {
        Some(product) => product.live,
        None => vaccine.live,
    };
    if live && person.pregnant {
        return Err(DoseRefusal::LiveInPregnancy);
    }
    let lines = due(person, history, on);
    let mut antigens = Vec::new();
    let mut early = Vec::new();
    let mut late = Vec::new();
    for &antigen in covers(vaccine.code, dose.product.as_deref()) {
        let line = lines.iter().find(|l| l.antigen == antigen);
        match line.map(|l| &l.standing) {
            // An antigen the list does not follow (a paid series not started, a seasonal or
            // post-exposure vaccine): this is its next dose, by the label's minimum age.
            None => {
                let earlier = first_dose_earliest(vaccine, person.birth).filter(|day| *day > on);
                early.extend(earlier.map(|earliest| EarlierThanAdvised { antigen, earliest }));
                antigens.push(AntigenDose {
                    antigen,
                    dose_number: next_number(history, antigen, on),
                    row: None,
                });
            }
            Some(Standing::Complete) if NOT_FROM_PAST_DOSES.contains(&antigen) => {
                antigens.push(AntigenDose {
                    antigen,
                    dose_number: next_number(history, antigen, on),
                    row: None,
                });
            }
            Some(Standing::Complete) => {}
            Some(Standing::Contraindicated { vaccine }) => {
                return Err(DoseRefusal::Contraindicated {
                    antigen,
                    vaccine: vaccine.clone(),
                });
            }
            Some(Standing::NotApplicable) if vaccine.programme == Programme::Expanded => {
                return Err(DoseRefusal::NotOffered { antigen });
            }
            Some(Standing::NotApplicable) => antigens.push(AntigenDose {
                antigen,
                dose_number: 1,
                row: None,
            }),
            Some(Standing::TooEarly { earliest }) => {
                if line.is_some_and(|l| l.may_refuse) {
                    return Err(DoseRefusal::TooEarly {
                        antigen,
                        earliest: *earliest,
                    });
                }
                early.push(EarlierThanAdvised {
                    antigen,
                    earliest: *earliest,
                });
                antigens.extend(line_dose(line));
            }
            Some(Standing::TooLate { limit }) => {
                if line.is_some_and(|l| l.may_refuse) {
                    return Err(DoseRefusal::TooLate {
                        antigen,
                        limit: *limit,
                    });
                }
                late.push(LaterThanAdvised {
                    antigen,
                    limit: *limit,
                });
                antigens.extend(line_dose(line));
            }
            Some(Standing::Due { .. } | Standing::Overdue { .. }) => {
                antigens.extend(line_dose(line));
            }
        }
    }
    let dose_number = antigens
        .iter()
        .map(|a| a.dose_number)
        .min()
        .ok_or(DoseRefusal::SeriesComplete)?;
    Ok(DoseAccepted {
        dose_number,
        antigens,
        earlier_than_advised: early,
        later_than_advised: late,
    })
}

fn line_dose(line: Option<&AntigenDue>) -> Option<AntigenDose> {
    let line = line?;
    Some(AntigenDose {
        antigen: line.antigen,
        dose_number: line
            .next_dose
            .unwrap_or(line.doses_counted.saturating_add(1)),
        row: line.next_row.clone(),
    })
}

/// One more than the verified doses covering `antigen` given by `on`, one a day.
fn next_number(history: &DoseHistory, antigen: Antigen, on: NaiveDate) -> u32 {
    let given = super::track::dose_days(&history.doses, antigen, on).len();
    u32::try_from(given).unwrap_or(u32::MAX).saturating_add(1)
}

/// The first day a first dose of `vaccine` is advised: its catalogue minimum age.
fn first_dose_earliest(vaccine: &CatalogueEntry, birth: NaiveDate) -> Option<NaiveDate> {
    vaccine.min_age?.after(birth)
}
