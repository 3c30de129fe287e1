//! HealthBook's pure domain: the rules that the server and the mobile core share.
//!
//! Architecture invariant: this crate does no I/O, is not async, and knows nothing of
//! sea-orm, axum or uniffi's runtime. Everything here is a value or a pure function.

pub mod account;
pub mod book;
pub mod booking;
pub mod certificate;
pub mod facility;
#[cfg(feature = "uniffi")]
mod ffi;
pub mod fhir;
pub mod i18n;
pub mod ids;
pub mod ingest;
pub mod issue;
pub mod page;
pub mod payment;
pub mod problem;
pub mod sensitive;
pub mod text;
pub mod units;
pub mod vaccine;
pub mod xml130;
pub mod xmldsig;

pub use i18n::{Lang, Localized};
pub use issue::FieldIssue;
pub use problem::ProblemCode;
pub use sensitive::Sensitive;

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
