//! Routine (non-COVID) vaccines in the same container: `tg` holds the target disease's
//! SNOMED CT code, `vp`/`mp`/`ma` the product's identifiers. A combination vaccine covers
//! several diseases; the DCC's `tg` holds one, so one dose yields one certificate per
//! target disease (see docs/certificates.md for why).
//!
//! Codes are the SNOMED CT disorders of the IPS vaccine-target-disease value set.

use serde::{Deserialize, Serialize};

/// A disease a vaccine protects against; the due list counts doses against these (it calls
/// them antigens, `vaccine::due::Antigen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum TargetDisease {
    Covid19,
    HepatitisB,
    Tuberculosis,
    Diphtheria,
    Pertussis,
    Tetanus,
    HaemophilusInfluenzaeTypeB,
    Poliomyelitis,
    Rotavirus,
    Pneumococcal,
    Measles,
    Mumps,
    Rubella,
    JapaneseEncephalitis,
    Varicella,
    HepatitisA,
    Meningococcal,
    Influenza,
    HumanPapillomavirus,
    Typhoid,
    Rabies,
}

impl TargetDisease {
    pub const ALL: [TargetDisease; 21] = [
        TargetDisease::Covid19,
        TargetDisease::HepatitisB,
        TargetDisease::Tuberculosis,
        TargetDisease::Diphtheria,
        TargetDisease::Pertussis,
        TargetDisease::Tetanus,
        TargetDisease::HaemophilusInfluenzaeTypeB,
        TargetDisease::Poliomyelitis,
        TargetDisease::Rotavirus,
        TargetDisease::Pneumococcal,
        TargetDisease::Measles,
        TargetDisease::Mumps,
        TargetDisease::Rubella,
        TargetDisease::JapaneseEncephalitis,
        TargetDisease::Varicella,
        TargetDisease::HepatitisA,
        TargetDisease::Meningococcal,
        TargetDisease::Influenza,
        TargetDisease::HumanPapillomavirus,
        TargetDisease::Typhoid,
        TargetDisease::Rabies,
    ];

    /// The SNOMED CT concept id written in `tg`.
    pub const fn snomed_ct(self) -> &'static str {
        match self {
            TargetDisease::Covid19 => "840539006",
            TargetDisease::HepatitisB => "66071002",
            TargetDisease::Tuberculosis => "56717001",
            TargetDisease::Diphtheria => "397430003",
            TargetDisease::Pertussis => "27836007",
            TargetDisease::Tetanus => "76902006",
            TargetDisease::HaemophilusInfluenzaeTypeB => "709410003",
            TargetDisease::Poliomyelitis => "398102009",
            TargetDisease::Rotavirus => "18624000",
            TargetDisease::Pneumococcal => "16814004",
            TargetDisease::Measles => "14189004",
            TargetDisease::Mumps => "36989005",
            TargetDisease::Rubella => "36653000",
            TargetDisease::JapaneseEncephalitis => "52947006",
            TargetDisease::Varicella => "38907003",
            TargetDisease::HepatitisA => "40468003",
            TargetDisease::Meningococcal => "23511006",
            TargetDisease::Influenza => "6142004",
            TargetDisease::HumanPapillomavirus => "240532009",
            TargetDisease::Typhoid => "4834000",
            TargetDisease::Rabies => "14168008",
        }
    }

    pub fn from_snomed_ct(code: &str) -> Option<TargetDisease> {
        TargetDisease::ALL
            .into_iter()
            .find(|disease| disease.snomed_ct() == code)
    }

    pub const fn name_vi(self) -> &'static str {
        match self {
            TargetDisease::Covid19 => "COVID-19",
            TargetDisease::HepatitisB => "Viêm gan B",
            TargetDisease::Tuberculosis => "Lao",
            TargetDisease::Diphtheria => "Bạch hầu",
            TargetDisease::Pertussis => "Ho gà",
            TargetDisease::Tetanus => "Uốn ván",
            TargetDisease::HaemophilusInfluenzaeTypeB => "Viêm phổi, viêm màng não do Hib",
            TargetDisease::Poliomyelitis => "Bại liệt",
            TargetDisease::Rotavirus => "Tiêu chảy do vi rút Rota",
            TargetDisease::Pneumococcal => "Bệnh do phế cầu",
            TargetDisease::Measles => "Sởi",
            TargetDisease::Mumps => "Quai bị",
            TargetDisease::Rubella => "Rubella",
            TargetDisease::JapaneseEncephalitis => "Viêm não Nhật Bản",
            TargetDisease::Varicella => "Thủy đậu",
            TargetDisease::HepatitisA => "Viêm gan A",
            TargetDisease::Meningococcal => "Bệnh do não mô cầu",
            TargetDisease::Influenza => "Cúm",
            TargetDisease::HumanPapillomavirus => "Vi rút gây u nhú ở người (HPV)",
            TargetDisease::Typhoid => "Thương hàn",
            TargetDisease::Rabies => "Dại",
        }
    }

    pub const fn name_en(self) -> &'static str {
        match self {
            TargetDisease::Covid19 => "COVID-19",
            TargetDisease::HepatitisB => "Hepatitis B",
            TargetDisease::Tuberculosis => "Tuberculosis",
            TargetDisease::Diphtheria => "Diphtheria",
            TargetDisease::Pertussis => "Pertussis",
            TargetDisease::Tetanus => "Tetanus",
            TargetDisease::HaemophilusInfluenzaeTypeB => "Haemophilus influenzae type b",
            TargetDisease::Poliomyelitis => "Poliomyelitis",
            TargetDisease::Rotavirus => "Rotavirus",
            TargetDisease::Pneumococcal => "Pneumococcal disease",
            TargetDisease::Measles => "Measles",
            TargetDisease::Mumps => "Mumps",
            TargetDisease::Rubella => "Rubella",
            TargetDisease::JapaneseEncephalitis => "Japanese encephalitis",
            TargetDisease::Varicella => "Varicella",
            TargetDisease::HepatitisA => "Hepatitis A",
            TargetDisease::Meningococcal => "Meningococcal disease",
            TargetDisease::Influenza => "Influenza",
            TargetDisease::HumanPapillomavirus => "Human papillomavirus",
            TargetDisease::Typhoid => "Typhoid fever",
            TargetDisease::Rabies => "Rabies",
        }
    }
}

use TargetDisease as D;

const DTP: &[D] = &[D::Diphtheria, D::Tetanus, D::Pertussis];
const PENTA_WHOLE_CELL: &[D] = &[
    D::Diphtheria,
    D::Tetanus,
    D::Pertussis,
    D::HepatitisB,
    D::HaemophilusInfluenzaeTypeB,
];
const PENTA_ACELLULAR: &[D] = &[
    D::Diphtheria,
    D::Tetanus,
    D::Pertussis,
    D::Poliomyelitis,
    D::HaemophilusInfluenzaeTypeB,
];
const HEXA: &[D] = &[
    D::Diphtheria,
    D::Tetanus,
    D::Pertussis,
    D::Poliomyelitis,
    D::HaemophilusInfluenzaeTypeB,
    D::HepatitisB,
];

/// Schedule ids of `tcmr-schedule.csv` (expanded programme) and `service-vaccines.csv`
/// (paid vaccines), each with the diseases it protects against. Dose suffixes (`_1`, `_2`…)
/// are part of the programme's ids, so each dose is listed.
const SCHEDULE_TARGETS: &[(&str, &[D])] = &[
    ("hepb_birth", &[D::HepatitisB]),
    ("bcg", &[D::Tuberculosis]),
    ("penta_1", PENTA_WHOLE_CELL),
    ("penta_2", PENTA_WHOLE_CELL),
    ("penta_3", PENTA_WHOLE_CELL),
    ("opv_1", &[D::Poliomyelitis]),
    ("opv_2", &[D::Poliomyelitis]),
    ("opv_3", &[D::Poliomyelitis]),
    ("ipv_1", &[D::Poliomyelitis]),
    ("ipv_2", &[D::Poliomyelitis]),
    ("rota_1", &[D::Rotavirus]),
    ("rota_2", &[D::Rotavirus]),
    ("pcv_1", &[D::Pneumococcal]),
    ("pcv_2", &[D::Pneumococcal]),
    ("measles_1", &[D::Measles]),
    ("mr", &[D::Measles, D::Rubella]),
    ("dpt_booster", DTP),
    ("je_1", &[D::JapaneseEncephalitis]),
    ("je_2", &[D::JapaneseEncephalitis]),
    ("je_3", &[D::JapaneseEncephalitis]),
    ("td_7y", &[D::Tetanus, D::Diphtheria]),
    ("tt_preg_1", &[D::Tetanus]),
    ("tt_preg_2", &[D::Tetanus]),
    ("tt_preg_3", &[D::Tetanus]),
    ("tt_preg_4", &[D::Tetanus]),
    ("tt_preg_5", &[D::Tetanus]),
    ("hpv_girls", &[D::HumanPapillomavirus]),
    ("hexa", HEXA),
    ("penta_acellular", PENTA_ACELLULAR),
    ("rota_service", &[D::Rotavirus]),
    ("pcv_service", &[D::Pneumococcal]),
    ("flu", &[D::Influenza]),
    ("hpv_service", &[D::HumanPapillomavirus]),
    ("mmr", &[D::Measles, D::Mumps, D::Rubella]),
    ("varicella", &[D::Varicella]),
    ("hepa", &[D::HepatitisA]),
    ("men_bc", &[D::Meningococcal]),
    ("men_acyw", &[D::Meningococcal]),
    ("je_live", &[D::JapaneseEncephalitis]),
    ("typhoid", &[D::Typhoid]),
    ("rabies", &[D::Rabies]),
];

/// The diseases a schedule entry (by its id in the schedule data) protects against.
pub fn targets_for_schedule_id(id: &str) -> Option<&'static [TargetDisease]> {
    SCHEDULE_TARGETS
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(_, targets)| *targets)
}

/// Every schedule id the table knows, for checks against the schedule data.
pub fn schedule_ids() -> impl Iterator<Item = &'static str> {
    SCHEDULE_TARGETS.iter().map(|(id, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snomed_codes_are_distinct_and_round_trip() {
        for disease in TargetDisease::ALL {
            assert_eq!(
                TargetDisease::from_snomed_ct(disease.snomed_ct()),
                Some(disease)
            );
        }
    }

    #[test]
    fn combination_vaccines_cover_each_of_their_antigens() {
        assert_eq!(targets_for_schedule_id("hexa").map(<[_]>::len), Some(6));
        assert_eq!(
            targets_for_schedule_id("mr"),
            Some(&[TargetDisease::Measles, TargetDisease::Rubella][..])
        );
        assert_eq!(targets_for_schedule_id("unknown"), None);
    }
}

#[cfg(test)]
mod schedule_tests {
    use super::*;

    fn ids(csv: &str) -> Vec<&str> {
        csv.lines()
            .skip(1)
            .filter_map(|line| line.split(',').next())
            .filter(|id| !id.is_empty())
            .collect()
    }

    #[test]
    fn every_schedule_entry_in_the_data_has_target_diseases() {
        let programme = include_str!("../../data/immunization/tcmr-schedule.csv");
        let service = include_str!("../../data/immunization/service-vaccines.csv");
        for id in ids(programme).into_iter().chain(ids(service)) {
            assert!(
                targets_for_schedule_id(id).is_some(),
                "no target diseases for {id}"
            );
        }
        assert_eq!(
            schedule_ids().count(),
            ids(programme).len() + ids(service).len()
        );
    }
}
