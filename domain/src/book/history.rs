//! Section II: history and risk factors.

use serde::{Deserialize, Serialize};

/// How a substance is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum UseStatus {
    Never,
    Former,
    Occasional,
    Regular,
}

impl UseStatus {
    pub fn ever(self) -> bool {
        self != UseStatus::Never
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ActivityLevel {
    /// Less than 150 minutes of moderate activity a week.
    Low,
    Moderate,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Delivery {
    Vaginal,
    Caesarean,
    Assisted,
}

/// The condition at birth, as QĐ 831 asks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BirthCondition {
    pub delivery: Option<Delivery>,
    pub weight_grams: Option<u32>,
    pub length_cm: Option<u32>,
    pub gestational_weeks: Option<u32>,
    pub asphyxia: Option<bool>,
    pub birth_defects: Option<String>,
}

/// Risk factors: a book holds one, updated by new versions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RiskFactors {
    pub condition_at_birth: Option<BirthCondition>,
    pub smoking: Option<UseStatus>,
    pub alcohol: Option<UseStatus>,
    /// Any use of illicit drugs puts the entry in the substance-use category.
    pub drugs: Option<UseStatus>,
    pub physical_activity: Option<ActivityLevel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AllergyKind {
    Drug,
    Food,
    Chemical,
    Environment,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Severity {
    Mild,
    Moderate,
    Severe,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Allergy {
    pub kind: AllergyKind,
    /// What causes it: a drug, a food, a substance.
    pub substance: String,
    pub reaction: Option<String>,
    pub severity: Option<Severity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DisabilityKind {
    Vision,
    Hearing,
    Speech,
    Mobility,
    Intellectual,
    Mental,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Disability {
    pub kind: DisabilityKind,
    pub detail: Option<String>,
}

/// The past-disease checklist of the QĐ 831 form ("Tiền sử bệnh tật").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ChecklistDisease {
    HeartDisease,
    Hypertension,
    Diabetes,
    StomachDisease,
    ChronicLungDisease,
    Asthma,
    Goitre,
    Hepatitis,
    CongenitalHeartDisease,
    MentalIllness,
    Autism,
    Epilepsy,
    Cancer,
    Tuberculosis,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PastDisease {
    pub disease: ChecklistDisease,
    /// The ICD-10 code when a professional recorded one.
    pub icd10: Option<String>,
    pub since_year: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Surgery {
    pub procedure: String,
    pub year: Option<i32>,
    pub facility: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Relative {
    Father,
    Mother,
    Sibling,
    Grandparent,
    Child,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FamilyHistory {
    pub relative: Relative,
    pub disease: ChecklistDisease,
    pub icd10: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Contraception {
    None,
    Condom,
    Pill,
    Iud,
    Implant,
    Injection,
    Sterilisation,
    Other,
}

/// Reproductive health and contraception: always in the sexual and reproductive category.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Reproductive {
    pub contraception: Option<Contraception>,
    pub pregnancies: Option<u32>,
    pub births: Option<u32>,
    pub miscarriages: Option<u32>,
    pub note: Option<String>,
}
