//! How the shared types that are not records cross the mobile core's FFI boundary. Each is
//! registered once, here, so the DTOs can derive `uniffi::Record` without mirror structs.
//!
//! Dates travel as ISO 8601 text (`YYYY-MM-DD`) and identifiers as their canonical text;
//! instants become the platform's own (`java.time.Instant`, `Date`). A [`Sensitive`] string
//! is a plain string on the other side: the app holds it only where it belongs (the token in
//! the keystore, a code or a national ID in its form), and the redaction applies again as
//! soon as it is back in Rust.

use crate::Sensitive;
use chrono::{DateTime, NaiveDate, Utc};
use std::time::SystemTime;
use uuid::Uuid;

/// An instant in UTC. The alias exists because uniffi names a custom type by one identifier.
pub type Timestamp = DateTime<Utc>;

/// A secret or personal string: a token, a one-time code, a national ID.
pub type SensitiveString = Sensitive<String>;

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |date| date.format("%Y-%m-%d").to_string(),
    try_lift: |text| Ok(NaiveDate::parse_from_str(&text, "%Y-%m-%d")?),
});

uniffi::custom_type!(Timestamp, SystemTime, {
    remote,
    lower: |instant| SystemTime::from(instant),
    try_lift: |instant| Ok(Timestamp::from(instant)),
});

uniffi::custom_type!(Uuid, String, {
    remote,
    lower: |id| id.to_string(),
    try_lift: |text| Ok(Uuid::parse_str(&text)?),
});

uniffi::custom_type!(SensitiveString, String, {
    lower: |secret| secret.into_inner(),
    try_lift: |text| Ok(Sensitive::new(text)),
});
