//! The current provinces and communes, and the former provinces, with look-ups by code.

use serde::Serialize;

use super::codes::{CommuneCode, ProvinceCode};
use super::data::{COMMUNE_INDEX_BY_CODE, COMMUNES, FORMER_PROVINCES, PROVINCES};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvinceKind {
    /// Thành phố trực thuộc trung ương: a centrally-run city.
    City,
    /// Tỉnh.
    Province,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommuneKind {
    /// Phường: an urban commune.
    Ward,
    /// Xã: a rural commune.
    Commune,
    /// Đặc khu: an island special zone.
    SpecialZone,
}

/// A province or centrally-run city of the list in force since 1 July 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Province {
    pub code: ProvinceCode,
    /// As officially written: "Thành phố Hà Nội", "Cao Bằng".
    pub name: &'static str,
    pub kind: ProvinceKind,
    #[serde(skip)]
    pub(super) search_key: &'static str,
}

/// A commune-level unit (xã, phường or đặc khu) of the list in force since 1 July 2025; since
/// districts were abolished, it belongs directly to its province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Commune {
    pub code: CommuneCode,
    /// As officially written, with its kind: "Phường Ba Đình", "Đặc khu Phú Quốc".
    pub name: &'static str,
    pub kind: CommuneKind,
    pub province_code: ProvinceCode,
    #[serde(skip)]
    pub(super) search_key: &'static str,
}

/// One of the 63 provinces before 1 July 2025. Addresses, insurance cards, facility codes and
/// personal identification numbers issued before then still carry these codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FormerProvince {
    pub code: ProvinceCode,
    /// As written in the former list: "Tỉnh Hà Giang", "Thành phố Hà Nội".
    pub name: &'static str,
    pub kind: ProvinceKind,
    /// The current provinces that received its communes, by the conversion table.
    pub successors: &'static [ProvinceCode],
}

impl Province {
    /// The name without "Thành phố": "Hà Nội".
    pub fn short_name(&self) -> &'static str {
        without_unit_word(self.name, &["Thành phố ", "Tỉnh "])
    }
}

impl Commune {
    /// The name without "Phường", "Xã" or "Đặc khu": "Ba Đình".
    pub fn short_name(&self) -> &'static str {
        without_unit_word(self.name, &["Phường ", "Xã ", "Đặc khu "])
    }

    pub fn province(&self) -> Option<&'static Province> {
        province(self.province_code)
    }
}

impl FormerProvince {
    /// The name without "Tỉnh" or "Thành phố": "Hà Giang".
    pub fn short_name(&self) -> &'static str {
        without_unit_word(self.name, &["Thành phố ", "Tỉnh "])
    }
}

fn without_unit_word(name: &'static str, unit_words: &[&str]) -> &'static str {
    unit_words
        .iter()
        .find_map(|word| name.strip_prefix(word))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(name)
}

/// The 34 provinces, by code.
pub fn provinces() -> &'static [Province] {
    &PROVINCES
}

pub fn province(code: ProvinceCode) -> Option<&'static Province> {
    PROVINCES
        .binary_search_by_key(&code, |p| p.code)
        .ok()
        .and_then(|index| PROVINCES.get(index))
}

/// All 3,321 communes, grouped by province and by code within a province.
pub fn communes() -> &'static [Commune] {
    &COMMUNES
}

/// The communes of a current province, by code; empty for a code that names none.
pub fn communes_of(province: ProvinceCode) -> &'static [Commune] {
    let start = COMMUNES.partition_point(|c| c.province_code < province);
    let end = COMMUNES.partition_point(|c| c.province_code <= province);
    COMMUNES.get(start..end).unwrap_or_default()
}

pub fn commune(code: CommuneCode) -> Option<&'static Commune> {
    COMMUNE_INDEX_BY_CODE
        .binary_search_by_key(&code, |&index| {
            COMMUNES
                .get(usize::from(index))
                .map_or(CommuneCode(u32::MAX), |c| c.code)
        })
        .ok()
        .and_then(|position| COMMUNE_INDEX_BY_CODE.get(position))
        .and_then(|&index| COMMUNES.get(usize::from(index)))
}

/// The 63 provinces before 1 July 2025, by code.
pub fn former_provinces() -> &'static [FormerProvince] {
    &FORMER_PROVINCES
}

pub fn former_province(code: ProvinceCode) -> Option<&'static FormerProvince> {
    FORMER_PROVINCES
        .binary_search_by_key(&code, |p| p.code)
        .ok()
        .and_then(|index| FORMER_PROVINCES.get(index))
}
