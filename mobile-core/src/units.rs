//! The province and commune pickers, and the specialty list, from `domain`'s compiled-in
//! data: offline, instant, and the same names and codes the server filters by.
//!
//! The domain's units hold `&'static str` and code newtypes; the pickers need only a code, a
//! name and a kind, so they cross the boundary as one small record of their own.

use healthbook_domain::Lang;
use healthbook_domain::facility::SPECIALTIES;
use healthbook_domain::units::{self, Commune, CommuneKind, Province, ProvinceCode, ProvinceKind};

/// What kind of unit a picker row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AdminUnitKind {
    /// Thành phố trực thuộc trung ương.
    City,
    /// Tỉnh.
    Province,
    /// Phường.
    Ward,
    /// Xã.
    Commune,
    /// Đặc khu.
    SpecialZone,
}

/// A province or a commune as a picker shows it and a search filters by it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AdminUnit {
    /// 2 digits for a province, 5 for a commune: the `province` / `commune` filter of the
    /// facility search.
    pub code: String,
    /// As officially written: "Thành phố Hà Nội", "Phường Ba Đình".
    pub name: String,
    /// Without the unit word: "Hà Nội", "Ba Đình".
    pub short_name: String,
    pub kind: AdminUnitKind,
    /// The province's code (its own for a province).
    pub province_code: String,
}

impl From<&Province> for AdminUnit {
    fn from(province: &Province) -> AdminUnit {
        AdminUnit {
            code: province.code.to_string(),
            name: province.name.to_owned(),
            short_name: province.short_name().to_owned(),
            kind: match province.kind {
                ProvinceKind::City => AdminUnitKind::City,
                ProvinceKind::Province => AdminUnitKind::Province,
            },
            province_code: province.code.to_string(),
        }
    }
}

impl From<&Commune> for AdminUnit {
    fn from(commune: &Commune) -> AdminUnit {
        AdminUnit {
            code: commune.code.to_string(),
            name: commune.name.to_owned(),
            short_name: commune.short_name().to_owned(),
            kind: match commune.kind {
                CommuneKind::Ward => AdminUnitKind::Ward,
                CommuneKind::Commune => AdminUnitKind::Commune,
                CommuneKind::SpecialZone => AdminUnitKind::SpecialZone,
            },
            province_code: commune.province_code.to_string(),
        }
    }
}

/// The provinces matching what was typed, best match first; all 34 by code when `query` is
/// blank. Accents and unit words are optional: "ha noi", "tp hcm" and "Hà Nội" all work.
#[uniffi::export]
pub fn provinces(query: String) -> Vec<AdminUnit> {
    if query.trim().is_empty() {
        return units::provinces().iter().map(AdminUnit::from).collect();
    }
    units::search_provinces(&query)
        .into_iter()
        .map(AdminUnit::from)
        .collect()
}

/// The communes matching what was typed, within one province (its 2-digit code) or
/// nationwide, best match first, at most `limit`. A blank query lists the province's
/// communes by code (none without a province: 3,321 rows are no picker).
#[uniffi::export]
pub fn communes(province_code: Option<String>, query: String, limit: u32) -> Vec<AdminUnit> {
    let province = match province_code.as_deref().map(ProvinceCode::parse) {
        Some(Ok(code)) => Some(code),
        Some(Err(_)) => return Vec::new(),
        None => None,
    };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if query.trim().is_empty() {
        return province
            .map(units::communes_of)
            .unwrap_or_default()
            .iter()
            .take(limit)
            .map(AdminUnit::from)
            .collect();
    }
    units::search_communes(&query, province)
        .into_iter()
        .take(limit)
        .map(AdminUnit::from)
        .collect()
}

/// A clinical specialty: the code the facility and slot searches filter by, and its name.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SpecialtyInfo {
    pub code: String,
    pub name: String,
}

/// The specialties the platform knows, named in `lang`.
#[uniffi::export]
pub fn specialties(lang: Lang) -> Vec<SpecialtyInfo> {
    SPECIALTIES
        .iter()
        .map(|specialty| SpecialtyInfo {
            code: specialty.code.to_owned(),
            name: match lang {
                Lang::Vi => specialty.name_vi,
                Lang::En => specialty.name_en,
            }
            .to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_are_found_without_accents_or_unit_words() {
        assert_eq!(provinces(String::new()).len(), 34);
        let found = provinces("ha noi".to_owned());
        assert_eq!(found[0].code, "01");
        assert_eq!(found[0].short_name, "Hà Nội");
        assert_eq!(found[0].kind, AdminUnitKind::City);
    }

    #[test]
    fn communes_are_found_within_a_province_and_listed_when_nothing_is_typed() {
        let ba_dinh = communes(Some("01".to_owned()), "phuong ba dinh".to_owned(), 5);
        assert_eq!(ba_dinh[0].name, "Phường Ba Đình");
        assert_eq!(ba_dinh[0].kind, AdminUnitKind::Ward);
        assert_eq!(ba_dinh[0].province_code, "01");
        let listed = communes(Some("01".to_owned()), " ".to_owned(), 10);
        assert_eq!(listed.len(), 10);
        assert!(listed.iter().all(|c| c.province_code == "01"));
        assert!(communes(None, String::new(), 10).is_empty());
        assert!(communes(Some("xx".to_owned()), "ba".to_owned(), 10).is_empty());
    }

    #[test]
    fn specialties_are_named_in_the_language_asked() {
        let vi = specialties(Lang::Vi);
        let en = specialties(Lang::En);
        assert_eq!(vi.len(), en.len());
        assert!(
            vi.iter()
                .any(|s| s.code == "cardiology" && s.name == "Tim mạch")
        );
        assert!(
            en.iter()
                .any(|s| s.code == "cardiology" && s.name == "Cardiology")
        );
    }
}
