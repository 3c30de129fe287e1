//! HealthBook's mobile core: everything the Android and iOS apps share except their screens.
//!
//! One root object, [`HealthBookClient`], hands out a sub-client per area — [`AuthClient`]
//! (`auth()`), [`AccountClient`] (`account()`), [`BookClient`] (`book()`), [`BookingClient`]
//! (`booking()`),
//! [`CertificatesClient`] (`certificates()`), [`VaccinationClient`] (`vaccination()`),
//! [`VaccinatorClient`] (`vaccinator()`), [`OfflineClient`] (`offline()`) — and each area
//! has one error enum that a mobile developer can `when`/`switch` on: the area's few own
//! variants and [`CommonError`] for what all share, each saying what to tell the person.
//! Data crosses the boundary as the shared `domain` records; nothing is declared twice.
//!
//! Architecture invariants: the core never depends on `server`; every call that does I/O is
//! `async` (uniffi on tokio) so no app ever blocks its UI thread; the platform supplies what
//! only it has (the keystore, through [`TokenStore`] and [`KeyVault`]); secrets never reach a
//! log line, and personal data never reaches the disk unsealed.

uniffi::setup_scaffolding!();

mod account;
mod auth;
mod book;
mod booking;
mod certificates;
mod client;
pub mod clock;
mod context;
mod error;
mod http;
mod input;
mod offline;
mod passkey;
mod qr;
mod queue;
mod session;
pub mod store;
#[cfg(feature = "test-authenticator")]
mod testing;
mod units;
mod vaccination;

pub use account::{AccountClient, AccountError, DependentOutcome};
pub use auth::{AuthClient, AuthError};
pub use book::{
    AccessLine, AccessLogPage, BookClient, BookError, BookOwner, BookView, BookWriteOutcome,
    ChartPoint, ConsentChoice, ConsentDraft, ConsentList, reading_series, reading_units,
};
pub use booking::{
    BookingClient, BookingError, BookingOutcome, FacilityPage, SlotPage, appointment_qr,
};
pub use certificates::{
    CertificateCheck, CertificateDetails, CertificateError, CertificatesClient, ListsStatus,
    RefreshReport, SavedCertificate, VerificationOutcome,
};
pub use client::{ClientConfig, ClientError, HealthBookClient, core_version};
pub use error::CommonError;
pub use input::{InputError, code_digits, code_length, national_id_digits, parse_date};
pub use offline::{OfflineClient, OfflineError, SyncOutcome, SyncReport};
pub use passkey::{PasskeyCreation, PasskeyRequest, PlatformAssertion, PlatformRegistration};
pub use qr::{QrError, QrMatrix, qr_code};
pub use queue::{ActionResult, OfflineAction, PendingAction};
pub use session::TokenStore;
pub use store::{KeyVault, KeyVaultError};
#[cfg(feature = "test-authenticator")]
pub use testing::{SoftPasskey, SoftPasskeyError};
pub use units::{AdminUnit, AdminUnitKind, SpecialtyInfo, communes, provinces, specialties};
pub use vaccination::{
    DoseConflict, DoseOutcome, DueLine, DueView, ScreeningQuestion, SymptomChoice,
    VaccinationClient, VaccinationDay, VaccinationError, VaccinatorClient, Visit,
    dose_conflict_message,
};

// The domain's remote types used directly in this crate's own records and signatures:
// their conversions are registered once, in `healthbook_domain`, and borrowed here.
use uuid::Uuid;
uniffi::use_remote_type!(healthbook_domain::Uuid);
use chrono::NaiveDate;
uniffi::use_remote_type!(healthbook_domain::NaiveDate);
/// An instant in UTC; the same custom type as `healthbook_domain`'s.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
uniffi::use_remote_type!(healthbook_domain::Timestamp);
