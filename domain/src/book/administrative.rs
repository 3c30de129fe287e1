//! Section I: who the citizen is, beyond the identity the registry vouches for.

use crate::units::{AdminUnit, ProvinceCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// ABO group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Abo {
    O,
    A,
    B,
    AB,
}

/// Rhesus factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Rh {
    Positive,
    Negative,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BloodGroup {
    pub abo: Abo,
    pub rh: Rh,
}

/// Highest level of education completed, as the 831 form asks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Education {
    None,
    Primary,
    LowerSecondary,
    UpperSecondary,
    Vocational,
    University,
    Postgraduate,
}

/// An address in the 2025 administrative units: the commune's 5-digit code and the street
/// part in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Address {
    pub commune_code: String,
    /// House number, street, hamlet.
    pub line: String,
}

/// How a contact or a parent is related to the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Kinship {
    Mother,
    Father,
    Spouse,
    Child,
    Sibling,
    Grandparent,
    LegalRepresentative,
    Other,
}

/// Someone to call: an emergency contact, a parent, the legal representative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Contact {
    pub name: String,
    pub kinship: Kinship,
    pub phone: Option<String>,
}

/// Section I of QĐ 831. Every field is optional: the book starts empty and is filled in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Administrative {
    pub blood_group: Option<BloodGroup>,
    /// One of the 54 ethnic groups, by name.
    pub ethnicity: Option<String>,
    /// ISO 3166-1 alpha-2 (`VN`).
    pub nationality: Option<String>,
    pub occupation: Option<String>,
    pub education: Option<Education>,
    /// The health-insurance card number (10 digits, or the legacy 15 characters).
    pub insurance_number: Option<String>,
    pub household_code: Option<String>,
    /// Relation to the head of the household ("chủ hộ", "con", …).
    pub relation_to_head: Option<String>,
    pub permanent_address: Option<Address>,
    pub current_address: Option<Address>,
    pub phone: Option<String>,
    pub emergency_contacts: Vec<Contact>,
    /// Parents or the legal representative (for a child, or an adult under guardianship).
    pub parents: Vec<Contact>,
    /// When the citizen last reviewed this section (the app asks once a year).
    pub reviewed_on: Option<NaiveDate>,
}

impl Administrative {
    /// The commune the citizen lives in, for the due lists of its health station: the
    /// current address (where one is actually found), else the permanent one (the
    /// registered residence, "thường trú"), which many never update after moving.
    pub fn residence(&self) -> Option<&str> {
        self.current_address
            .as_ref()
            .or(self.permanent_address.as_ref())
            .map(|address| address.commune_code.as_str())
            .filter(|code| !code.is_empty())
    }

    /// The province of [`Administrative::residence`], for what a province decides (the
    /// programme's roll-out): a commune code of the former list reads as its successor's,
    /// as the server reads it; a code no current commune answers to is no province.
    pub fn residence_province(&self) -> Option<ProvinceCode> {
        AdminUnit::parse(self.residence()?).ok()?.province()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn living_in(current: Option<&str>, permanent: Option<&str>) -> Administrative {
        let address = |code: &str| Address {
            commune_code: code.to_owned(),
            line: "Số 1".to_owned(),
        };
        Administrative {
            current_address: current.map(address),
            permanent_address: permanent.map(address),
            ..Administrative::default()
        }
    }

    #[test]
    fn the_province_is_the_current_addresss_else_the_permanent_ones() {
        let province = |section: &Administrative| section.residence_province().map(|p| p.value());
        // Phường Kim Liên (00226) is in Hà Nội (01); Phường Tân Định (26737) in Thành phố Hồ
        // Chí Minh (79), and so is its former code (26734), which went whole into it.
        assert_eq!(province(&living_in(Some("00226"), Some("26737"))), Some(1));
        assert_eq!(province(&living_in(None, Some("26737"))), Some(79));
        assert_eq!(province(&living_in(Some("26734"), None)), Some(79));
        assert_eq!(province(&living_in(None, None)), None);
        assert_eq!(province(&living_in(Some("99999"), None)), None);
    }
}
