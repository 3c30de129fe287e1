//! What the due list is asked about: the person, the doses they were given and the serious
//! reactions recorded after any of them.

use super::Antigen;
use crate::ids::Sex;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The person the due list is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Vaccinee {
    pub birth: NaiveDate,
    /// Not read yet: the programme's HPV doses for girls (`hpv_girls`) wait for their circular.
    pub sex: Sex,
    /// Pregnant today: the programme's tetanus doses for pregnant women apply.
    pub pregnant: bool,
    /// The antigens of the provincial roll-out (`ROADMAP_ANTIGENS`: rotavirus, pneumococcal)
    /// that the person's province offers. TT 52/2025 adds them to the programme by a roadmap,
    /// so whether they apply depends on where the person lives, which only the caller knows.
    pub province_offers: Vec<Antigen>,
    /// The expected day of delivery, where the pregnancy is followed (from the last menstrual
    /// period or an ultrasound): with `pregnant`, the doses TT 52/2025 times by the month of
    /// pregnancy (`tt_preg_2`: at least a month before delivery) are placed by it.
    #[serde(default)]
    pub expected_delivery: Option<NaiveDate>,
}

impl Vaccinee {
    /// A person as the health book knows them today, by birth and sex. Pregnancy is not
    /// recorded in the book yet, so the tetanus doses for pregnant women are proposed only
    /// where a caller says so. The roll-out antigens are taken as offered, as in a province
    /// that recorded nothing: the server and the phone, which know the person's province,
    /// replace `province_offers` with its answer (`rollout::offered_on`).
    pub fn by_birth(birth: NaiveDate, sex: Sex) -> Vaccinee {
        Vaccinee {
            birth,
            sex,
            pregnant: false,
            province_offers: super::ROADMAP_ANTIGENS.to_vec(),
            expected_delivery: None,
        }
    }
}

/// Where a recorded dose was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DoseOrigin {
    /// Given and recorded by a facility on HealthBook.
    Recorded,
    /// Imported from another system or country.
    Imported,
    /// Declared by the person, with a proof to check (a paper card, a certificate).
    SelfDeclared,
}

/// A dose the person was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GivenDose {
    pub on: NaiveDate,
    /// The catalogue code (`penta`, `hexa`, `mr`) or the schedule row id (`penta_2`).
    pub vaccine: String,
    /// The trade name where known (`Hexaxim`, `Rotarix`): a paid vaccine's course is its
    /// product's.
    pub product: Option<String>,
    pub origin: DoseOrigin,
    /// Checked by a health worker (always so for a dose recorded by a facility). A dose
    /// counts only once verified, so an unchecked declaration never closes a series.
    pub verified: bool,
}

/// A serious reaction after a dose (anaphylaxis, encephalopathy…), as a health worker recorded
/// it: no further dose of that vaccine is proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SeriousReaction {
    pub on: NaiveDate,
    /// The catalogue code or schedule row id of the dose that caused it.
    pub vaccine: String,
    pub product: Option<String>,
}

/// Everything recorded about a person's vaccinations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DoseHistory {
    pub doses: Vec<GivenDose>,
    pub reactions: Vec<SeriousReaction>,
}
