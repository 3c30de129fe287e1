//! Vaccination end to end, one file per capability.

pub mod sessions;
