//! Vietnam's administrative units as reorganised on 1 July 2025: 34 provinces and 3,321
//! communes (xã, phường, đặc khu) with no district level in between; the 63 former provinces;
//! and the conversion from former communes to current ones.
//!
//! The lists are the national ones (see `data/README.md` for source, version and confidence),
//! compiled into the binary by `build.rs`: look-ups cannot fail on data and cost no I/O.

mod codes;
mod conversion;
mod data;
mod lists;
mod scope;
mod search;

pub use codes::{CommuneCode, CommuneCodeError, ProvinceCode, ProvinceCodeError};
pub use conversion::{
    CommuneConversion, FormerCommune, MergeKind, conversions, convert_former_commune,
    convert_former_province,
};
pub use lists::{
    Commune, CommuneKind, FormerProvince, Province, ProvinceKind, commune, communes, communes_of,
    former_province, former_provinces, province, provinces,
};
pub use scope::{AdminUnit, AdminUnitError};
pub use search::{search_communes, search_provinces};
