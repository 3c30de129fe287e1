//! The history the due list reads, taken from section III of the health book: each dose as it
//! stands (its latest version), never one marked entered in error, and counted only once a
//! health worker stands behind it.

use super::{DoseHistory, DoseOrigin, GivenDose};
use crate::book::{BookEntry, EntryBody, EntryStatus, Source};

impl DoseHistory {
    /// The doses among `entries`, which hold the latest version of each entry (as the book's
    /// reads give them). A dose the citizen wrote in the app is a declaration to check, so
    /// it does not count yet; one a facility or its system recorded, or one imported from an
    /// earlier record, does.
    pub fn from_book<'a>(entries: impl IntoIterator<Item = &'a BookEntry>) -> DoseHistory {
        let doses = entries
            .into_iter()
            .filter(|e| e.status != EntryStatus::EnteredInError)
            .filter_map(|e| match &e.body {
                EntryBody::Immunization(dose) => Some(GivenDose {
                    on: dose.administered_on,
                    vaccine: dose.product.clone(),
                    product: dose.trade_name.clone(),
                    origin: origin(e),
                    verified: !e.provenance.self_reported,
                }),
                _ => None,
            })
            .collect();
        DoseHistory {
            doses,
            reactions: Vec::new(),
        }
    }
}

fn origin(entry: &BookEntry) -> DoseOrigin {
    match entry.provenance.source {
        _ if entry.provenance.self_reported => DoseOrigin::SelfDeclared,
        Source::Import => DoseOrigin::Imported,
        Source::App | Source::Staff | Source::FacilitySystem => DoseOrigin::Recorded,
    }
}
