//! From the units before 1 July 2025 to the current ones: an address written before the
//! reorganisation ("Phường Trúc Bạch, Quận Ba Đình") resolves to today's commune.

use serde::Serialize;

use super::codes::{CommuneCode, ProvinceCode};
use super::data::CONVERSIONS;
use super::lists::{Commune, former_province};

/// A commune as it was before 1 July 2025, under its district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FormerCommune {
    pub code: CommuneCode,
    pub name: &'static str,
    pub district_name: &'static str,
    pub province_code: ProvinceCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeKind {
    /// The whole former commune (area and population) went into the new one.
    Whole,
    /// Only part of it did; the rest went elsewhere, so the new commune depends on where in the
    /// former commune the address lies.
    Partial,
}

/// Where (part of) a former commune went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CommuneConversion {
    pub former: FormerCommune,
    pub commune: &'static Commune,
    pub merge: MergeKind,
    /// The published table and the final list disagree here (the table named a code that was
    /// never issued or was issued to another commune, or gave one code two names); the target
    /// was matched by name and a person should confirm it before it is relied on.
    pub needs_review: bool,
    /// The table's own words, in Vietnamese: "Nhập toàn bộ", "Nhập một phần diện tích"…
    pub note: &'static str,
}

/// The current communes a former commune went into: one for a whole merge, several when it
/// was split, none for a code the table does not know.
pub fn convert_former_commune(former: CommuneCode) -> &'static [CommuneConversion] {
    let start = CONVERSIONS.partition_point(|c| c.former.code < former);
    let end = CONVERSIONS.partition_point(|c| c.former.code <= former);
    CONVERSIONS.get(start..end).unwrap_or_default()
}

/// The current province a former province became part of, when the conversion table sends
/// all its communes to one province (as the 2025 reorganisation did for every province);
/// `None` for an unknown code or a province the table splits (see
/// [`super::FormerProvince::successors`]).
pub fn convert_former_province(former: ProvinceCode) -> Option<ProvinceCode> {
    match former_province(former)?.successors {
        [successor] => Some(*successor),
        _ => None,
    }
}

/// Every row of the conversion table, by former commune code.
pub fn conversions() -> &'static [CommuneConversion] {
    &CONVERSIONS
}
