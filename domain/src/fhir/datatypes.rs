//! The FHIR R4 data types the export writes, as far as it uses them: plain structures that
//! borrow from the book and serialise in one pass. An element the book has no value for is
//! `None` or empty and left out, as FHIR wants (no `null`, no empty arrays).

use chrono::{NaiveDate, Utc};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt::Display;
use uuid::Uuid;
use uuid::fmt::Urn;

/// Text that is the book's own (borrowed) or made for the export (a note, a title).
pub type Text<'a> = Cow<'a, str>;

/// A FHIR `dateTime` at the precision the book knows it: a year, a day, or an instant (always
/// with a zone, as UTC; also the form of every `instant` element).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Year(i32),
    Day(NaiveDate),
    At(chrono::DateTime<Utc>),
}

impl Serialize for When {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            When::Year(year) => serializer.collect_str(&format_args!("{year:04}")),
            When::Day(day) => serializer.collect_str(&day.format("%Y-%m-%d")),
            When::At(at) => serializer.serialize_str(&super::instant(*at)),
        }
    }
}

/// A number FHIR types as a string (`meta.versionId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsText<T>(pub T);

impl<T: Display> Serialize for AsText<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coding<'a> {
    pub system: &'a str,
    pub code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<&'a str>,
}

/// A code with its display, as most of the codes the export writes come.
pub fn coding<'a>(system: &'a str, code: &'a str, display: &'a str) -> Coding<'a> {
    Coding {
        system,
        code,
        display: Some(display),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CodeableConcept<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Text<'a>>,
}

/// One coded concept, without text.
pub fn concept<'a>(system: &'a str, code: &'a str, display: &'a str) -> CodeableConcept<'a> {
    CodeableConcept {
        coding: vec![coding(system, code, display)],
        text: None,
    }
}

/// A concept known only by its words, as the book holds free text.
pub fn text<'a>(value: impl Into<Text<'a>>) -> CodeableConcept<'a> {
    CodeableConcept {
        coding: Vec::new(),
        text: Some(value.into()),
    }
}

/// A reference to a resource of the Bundle (by the `urn:uuid:…` that is its `fullUrl`), a
/// name alone, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Reference<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<&'a str>,
}

impl<'a> Reference<'a> {
    pub fn to(id: Uuid) -> Reference<'a> {
        Reference {
            reference: Some(Target::Urn(id.urn())),
            display: None,
        }
    }

    pub fn named(id: Uuid, display: &'a str) -> Reference<'a> {
        Reference {
            reference: Some(Target::Urn(id.urn())),
            display: Some(display),
        }
    }

    /// A resource contained in the referring one (`#id`).
    pub fn contained(id: &'static str) -> Reference<'a> {
        Reference {
            reference: Some(Target::Contained(id)),
            display: None,
        }
    }

    /// Someone or something the Bundle holds no resource for.
    pub fn display(display: &'a str) -> Reference<'a> {
        Reference {
            reference: None,
            display: Some(display),
        }
    }
}

/// What a reference points at: a resource of the Bundle by its `fullUrl`, or one contained in
/// the referring resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Urn(Urn),
    Contained(&'static str),
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Target::Urn(urn) => urn.serialize(serializer),
            Target::Contained(id) => serializer.collect_str(&format_args!("#{id}")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identifier<'a> {
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<&'static str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<CodeableConcept<'a>>,
    pub system: &'a str,
    pub value: Text<'a>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity<'a> {
    pub value: f64,
    pub unit: &'a str,
    pub system: &'static str,
    pub code: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: When,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<When>,
}

/// A note, or any element that is only a text (`referenceRange`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Annotation<'a> {
    pub text: Text<'a>,
}

/// The notes of an element: none, or the one the book holds.
pub fn notes<'a>(note: Option<&'a String>) -> Vec<Annotation<'a>> {
    note.map(|text| Annotation { text: text.into() })
        .into_iter()
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<AsText<u32>>,
    pub last_updated: When,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<Coding<'a>>,
}
