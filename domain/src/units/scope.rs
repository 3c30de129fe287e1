//! The area an authority is responsible for: a province or a commune of the current list.
//! Units of the former list are mapped to their successors, so an authority appointed (or a
//! record written) before the 2025 reorganisation still names the right area.

use super::codes::{CommuneCode, ProvinceCode};
use super::conversion::{convert_former_commune, convert_former_province};
use super::lists::{commune, province};

/// A current province, or a current commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminUnit {
    Province(ProvinceCode),
    Commune(CommuneCode),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminUnitError {
    #[error("an administrative unit code has 2 digits (province) or 5 (commune)")]
    Malformed,
    #[error("no current administrative unit has this code, nor does it map to exactly one")]
    Unknown,
}

impl AdminUnit {
    /// Reads a province (2 digits) or commune (5 digits) code of the current list, or of the
    /// former list when it went whole into one current unit.
    pub fn parse(code: &str) -> Result<AdminUnit, AdminUnitError> {
        let code = code.trim();
        match code.len() {
            2 => {
                let parsed = ProvinceCode::parse(code).map_err(|_| AdminUnitError::Malformed)?;
                if province(parsed).is_some() {
                    return Ok(AdminUnit::Province(parsed));
                }
                convert_former_province(parsed)
                    .map(AdminUnit::Province)
                    .ok_or(AdminUnitError::Unknown)
            }
            5 => {
                let parsed = CommuneCode::parse(code).map_err(|_| AdminUnitError::Malformed)?;
                if commune(parsed).is_some() {
                    return Ok(AdminUnit::Commune(parsed));
                }
                match convert_former_commune(parsed) {
                    [only] => Ok(AdminUnit::Commune(only.commune.code)),
                    _ => Err(AdminUnitError::Unknown),
                }
            }
            _ => Err(AdminUnitError::Malformed),
        }
    }

    /// The unit's current code: 2 digits for a province, 5 for a commune.
    pub fn code(self) -> String {
        match self {
            AdminUnit::Province(code) => format!("{:02}", code.value()),
            AdminUnit::Commune(code) => format!("{:05}", code.value()),
        }
    }

    /// The province the unit lies in.
    pub fn province(self) -> Option<ProvinceCode> {
        match self {
            AdminUnit::Province(code) => Some(code),
            AdminUnit::Commune(code) => commune(code).map(|c| c.province_code),
        }
    }

    /// Whether `other` lies within this unit: a province holds its communes; a commune only
    /// itself.
    pub fn contains(self, other: AdminUnit) -> bool {
        match (self, other) {
            (AdminUnit::Province(mine), _) => other.province() == Some(mine),
            (AdminUnit::Commune(mine), AdminUnit::Commune(theirs)) => mine == theirs,
            (AdminUnit::Commune(_), AdminUnit::Province(_)) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str) -> AdminUnit {
        AdminUnit::parse(code).unwrap()
    }

    #[test]
    fn a_province_holds_its_communes_and_a_commune_only_itself() {
        let ha_noi = unit("01");
        let ba_dinh = unit("00004");
        assert!(ha_noi.contains(ba_dinh));
        assert!(ha_noi.contains(ha_noi));
        assert!(!ba_dinh.contains(ha_noi));
        assert!(ba_dinh.contains(ba_dinh));
        let elsewhere = crate::units::communes_of(ProvinceCode::parse("79").unwrap())[0].code;
        assert!(!ha_noi.contains(AdminUnit::Commune(elsewhere)));
    }

    #[test]
    fn former_units_name_their_successors() {
        // Hà Giang went into Tuyên Quang (08) in 2025.
        assert_eq!(
            unit("02"),
            AdminUnit::Province(ProvinceCode::parse("08").unwrap())
        );
        let whole = crate::units::conversions()
            .iter()
            .find(|c| {
                convert_former_commune(c.former.code).len() == 1 && commune(c.former.code).is_none()
            })
            .unwrap();
        assert_eq!(
            unit(&format!("{:05}", whole.former.code.value())),
            AdminUnit::Commune(whole.commune.code)
        );
    }

    #[test]
    fn malformed_and_unknown_codes_are_refused() {
        assert_eq!(AdminUnit::parse("1"), Err(AdminUnitError::Malformed));
        assert_eq!(AdminUnit::parse("0a"), Err(AdminUnitError::Malformed));
        assert_eq!(AdminUnit::parse("99"), Err(AdminUnitError::Unknown));
        assert_eq!(AdminUnit::parse("99999"), Err(AdminUnitError::Unknown));
    }
}
