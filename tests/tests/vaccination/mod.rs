//! Vaccination end to end, one file per part of the programme.

pub mod access;
pub mod doses;
pub mod fhir;
pub mod sessions;
pub mod stock;
