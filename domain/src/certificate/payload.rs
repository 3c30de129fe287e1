//! The DCC payload, schema 1.3: typed, with the field names of the schema.
//!
//! Decoding is lenient where the DCC special-case rules ask verifiers to be (strings are
//! trimmed, `null` optional fields count as absent, whole-number floats are accepted as
//! dose numbers, a date-time where a date belongs is read as its date); the schema check in
//! `schema.rs` stays strict for what we issue.

use chrono::NaiveDate;
use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// The DCC schema version we write.
pub const SCHEMA_VERSION: &str = "1.3.0";

/// The SNOMED CT code of COVID-19, the only `tg` of the EU value set.
pub const COVID_19: &str = "840539006";

/// One DCC: a person and exactly one event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Dcc {
    pub ver: String,
    pub nam: PersonName,
    /// `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or empty: the schema allows partial dates of birth.
    pub dob: String,
    pub event: Event,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PersonName {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#fn: Option<String>,
    pub fnt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gnt: Option<String>,
}

/// What the certificate attests; a DCC holds exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Event {
    Vaccination(VaccinationEntry),
    Test(TestEntry),
    Recovery(RecoveryEntry),
}

/// The three certificate types, which signer certificates may be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CertificateType {
    Test,
    Vaccination,
    Recovery,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VaccinationEntry {
    /// Disease or agent targeted (SNOMED CT).
    pub tg: String,
    /// Vaccine or prophylaxis type.
    pub vp: String,
    /// Medicinal product.
    pub mp: String,
    /// Marketing authorisation holder or manufacturer.
    pub ma: String,
    /// Dose number.
    #[serde(deserialize_with = "dose_number")]
    pub dn: u32,
    /// Total doses in the series.
    #[serde(deserialize_with = "dose_number")]
    pub sd: u32,
    /// Date of vaccination.
    #[serde(deserialize_with = "lenient_date")]
    pub dt: NaiveDate,
    /// Country of vaccination.
    pub co: String,
    /// Certificate issuer.
    pub is: String,
    /// Unique certificate identifier (UVCI).
    pub ci: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TestEntry {
    pub tg: String,
    pub tt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ma: Option<String>,
    /// Sample collection date-time, kept as written (RFC 3339).
    pub sc: String,
    /// Result date-time: dropped from schema 1.3 but still found in older certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dr: Option<String>,
    pub tr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tc: Option<String>,
    pub co: String,
    pub is: String,
    pub ci: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RecoveryEntry {
    pub tg: String,
    #[serde(deserialize_with = "lenient_date")]
    pub fr: NaiveDate,
    pub co: String,
    pub is: String,
    #[serde(deserialize_with = "lenient_date")]
    pub df: NaiveDate,
    #[serde(deserialize_with = "lenient_date")]
    pub du: NaiveDate,
    pub ci: String,
}

impl Event {
    pub fn certificate_type(&self) -> CertificateType {
        match self {
            Event::Vaccination(_) => CertificateType::Vaccination,
            Event::Test(_) => CertificateType::Test,
            Event::Recovery(_) => CertificateType::Recovery,
        }
    }

    /// The UVCI of the event (`ci`).
    pub fn certificate_id(&self) -> &str {
        match self {
            Event::Vaccination(entry) => &entry.ci,
            Event::Test(entry) => &entry.ci,
            Event::Recovery(entry) => &entry.ci,
        }
    }
}

impl Dcc {
    pub fn certificate_type(&self) -> CertificateType {
        self.event.certificate_type()
    }

    /// Reads a DCC from its JSON form after the verifier's clean-up (see [`normalize`]).
    pub fn from_json(value: serde_json::Value) -> Result<Dcc, serde_json::Error> {
        let mut value = value;
        normalize(&mut value);
        serde_json::from_value(value)
    }

    pub fn to_json(&self) -> serde_json::Value {
        // Serialising these types cannot fail: every map key is a string.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// The verifier's clean-up before reading: surrounding whitespace is trimmed from every
/// string, and `null` members are removed, so that an issuer's sloppy output is read as
/// what it obviously meant.
pub fn normalize(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => {
            let trimmed = text.trim();
            if trimmed.len() != text.len() {
                *text = trimmed.to_owned();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(normalize),
        serde_json::Value::Object(members) => {
            members.retain(|_, member| !member.is_null());
            members.values_mut().for_each(normalize);
        }
        _ => {}
    }
}

const EVENT_KEYS: [&str; 3] = ["v", "t", "r"];

impl Serialize for Dcc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("ver", &self.ver)?;
        map.serialize_entry("nam", &self.nam)?;
        map.serialize_entry("dob", &self.dob)?;
        match &self.event {
            Event::Vaccination(entry) => map.serialize_entry("v", std::slice::from_ref(entry))?,
            Event::Test(entry) => map.serialize_entry("t", std::slice::from_ref(entry))?,
            Event::Recovery(entry) => map.serialize_entry("r", std::slice::from_ref(entry))?,
        }
        map.end()
    }
}

#[derive(Deserialize)]
struct WireDcc {
    ver: String,
    nam: PersonName,
    dob: String,
    #[serde(default)]
    v: Option<Vec<VaccinationEntry>>,
    #[serde(default)]
    t: Option<Vec<TestEntry>>,
    #[serde(default)]
    r: Option<Vec<RecoveryEntry>>,
}

impl<'de> Deserialize<'de> for Dcc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireDcc::deserialize(deserializer)?;
        let events: Vec<Event> = (wire.v.into_iter().flatten().map(Event::Vaccination))
            .chain(wire.t.into_iter().flatten().map(Event::Test))
            .chain(wire.r.into_iter().flatten().map(Event::Recovery))
            .collect();
        // Several events in one DCC are refused even by lenient verifiers: which one holds?
        let [event]: [Event; 1] = events.try_into().map_err(|_| {
            de::Error::custom(format!(
                "a DCC holds exactly one entry in one of {EVENT_KEYS:?}"
            ))
        })?;
        Ok(Dcc {
            ver: wire.ver,
            nam: wire.nam,
            dob: wire.dob,
            event,
        })
    }
}

/// Dose numbers are positive integers; some issuers write them as `1.0`.
fn dose_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let number = f64::deserialize(deserializer)?;
    let whole = number.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&number);
    if whole {
        Ok(number as u32)
    } else {
        Err(de::Error::custom(
            "a dose number is a positive whole number",
        ))
    }
}

/// A complete date; a date-time in its place is read as its date part.
fn lenient_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    let date_part = text.trim().get(..10).unwrap_or(text.trim());
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
        .map_err(|_| de::Error::custom("a date is written YYYY-MM-DD"))
}
