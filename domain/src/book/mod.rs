//! The health book (QĐ 831/QĐ-BYT): one record per citizen in sections, each entry
//! versioned and with its provenance; consent to share it; the access log the citizen reads.
//!
//! The server stores and serves what is described here, the mobile core caches it, and both
//! validate with the same checks ([`check`]).

pub mod access;
pub mod access_log;
pub mod administrative;
pub mod api;
pub mod check;
pub mod consent;
pub mod encounter;
pub mod entry;
pub mod follow_up;
pub mod history;
pub mod icd10;
pub mod immunization;
pub mod observation;
pub mod requests;
pub mod section;

pub use access_log::{AccessAction, AccessBasis, AccessLogEntry, describe};
pub use administrative::Administrative;
pub use api::{
    Book, BreakGlass, BreakGlassRequest, CorrectEntryRequest, EnteredInErrorRequest,
    FindPatientRequest, FoundPatient, NewEntryRequest, PatchProfileRequest,
    ReviewBreakGlassRequest,
};
pub use check::{category_of, check_entry, check_reason, merge_patch};
pub use consent::{
    CURRENT_TEXT_VERSION, Channel, Consent, ConsentStatus, ConsentTerms, ConsentTextVersion,
    GrantConsentRequest, Purpose, check_grant,
};
pub use encounter::{Encounter, EncounterKind};
pub use entry::{AuthorRole, BookEntry, EntryBody, EntryKind, EntryStatus, Provenance, Source};
pub use follow_up::{FollowUp, follow_ups};
pub use icd10::{Icd10Code, category_of_code};
pub use immunization::Immunization;
pub use observation::{Observation, ObservationKind};
pub use section::{Categories, Category, Section, Sections};
