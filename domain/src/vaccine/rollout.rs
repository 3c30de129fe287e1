//! Where the programme's roll-out antigens are offered. TT 52/2025/TT-BYT adds rotavirus and
//! pneumococcal vaccines to the expanded programme by a roadmap: each province starts them when
//! its supply and its people's committee's plan allow. A province's authority records when it
//! starts (or that it has not started yet); the due lists and `check_dose` read the answer
//! through `Vaccinee::province_offers`.
//!
//! A province that recorded nothing follows the national programme, which includes both: the
//! record is there to hold a province back, not to let one in. That keeps the lists of a
//! province nobody configured the same as the circular reads.

use super::due::{Antigen, ROADMAP_ANTIGENS};
use crate::problem::ProblemCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One roll-out antigen's start in a province. `offered_from: None` records that the
/// province has not started it and has no date yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvinceRollout {
    pub antigen: Antigen,
    pub offered_from: Option<NaiveDate>,
}

impl ProvinceRollout {
    /// Only the roadmap's antigens can be held back: the rest of the programme is national.
    pub fn check(&self) -> Result<(), ProblemCode> {
        if ROADMAP_ANTIGENS.contains(&self.antigen) {
            Ok(())
        } else {
            Err(ProblemCode::NotARoadmapAntigen)
        }
    }

    fn offered_on(&self, on: NaiveDate) -> bool {
        self.offered_from.is_some_and(|from| from <= on)
    }
}

/// A province's records, as its authority replaces them: the whole set at once, so that
/// removing a record is leaving it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeRolloutRequest {
    /// At most one record per roadmap antigen.
    #[validate(length(max = 2))]
    pub records: Vec<ProvinceRollout>,
}

impl ProgrammeRolloutRequest {
    pub fn check(&self) -> Result<(), ProblemCode> {
        for (index, record) in self.records.iter().enumerate() {
            record.check()?;
            if self.records[..index]
                .iter()
                .any(|r| r.antigen == record.antigen)
            {
                return Err(ProblemCode::ValidationFailed);
            }
        }
        Ok(())
    }
}

/// A province's roll-out: what its authority recorded and what it offers today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvinceProgramme {
    /// The province's current 2-digit code.
    pub province: String,
    pub records: Vec<ProvinceRollout>,
    /// The roadmap antigens the province's programme offers on `date`.
    pub offered: Vec<Antigen>,
    pub date: NaiveDate,
}

/// The roadmap antigens a province with these records offers on `on`.
pub fn offered_on(records: &[ProvinceRollout], on: NaiveDate) -> Vec<Antigen> {
    ROADMAP_ANTIGENS
        .into_iter()
        .filter(|antigen| {
            records
                .iter()
                .find(|record| record.antigen == *antigen)
                .is_none_or(|record| record.offered_on(on))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn a_province_with_no_record_offers_the_whole_programme() {
        assert_eq!(
            offered_on(&[], day("2026-12-07")),
            ROADMAP_ANTIGENS.to_vec()
        );
    }

    #[test]
    fn a_recorded_start_holds_the_antigen_back_until_that_day() {
        let records = [ProvinceRollout {
            antigen: Antigen::Rotavirus,
            offered_from: Some(day("2027-03-01")),
        }];
        assert_eq!(
            offered_on(&records, day("2027-02-28")),
            vec![Antigen::Pneumococcal]
        );
        assert_eq!(
            offered_on(&records, day("2027-03-01")),
            ROADMAP_ANTIGENS.to_vec()
        );
    }

    #[test]
    fn a_province_that_has_not_started_offers_it_on_no_day() {
        let records = [ProvinceRollout {
            antigen: Antigen::Pneumococcal,
            offered_from: None,
        }];
        assert_eq!(
            offered_on(&records, day("2099-01-01")),
            vec![Antigen::Rotavirus]
        );
    }

    #[test]
    fn a_request_names_each_antigen_once() {
        let twice = ProgrammeRolloutRequest {
            records: vec![
                ProvinceRollout {
                    antigen: Antigen::Rotavirus,
                    offered_from: None,
                },
                ProvinceRollout {
                    antigen: Antigen::Rotavirus,
                    offered_from: Some(day("2027-01-01")),
                },
            ],
        };
        assert_eq!(twice.check(), Err(ProblemCode::ValidationFailed));
    }

    #[test]
    fn only_roadmap_antigens_can_be_recorded() {
        let measles = ProvinceRollout {
            antigen: Antigen::Measles,
            offered_from: None,
        };
        assert_eq!(measles.check(), Err(ProblemCode::NotARoadmapAntigen));
    }
}
