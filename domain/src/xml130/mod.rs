//! The national output standard for examination and treatment data (QĐ 130/QĐ-BYT of 2023,
//! corrected by QĐ 4750/QĐ-BYT and extended by QĐ 3176/QĐ-BYT): the files facilities send
//! to the social-insurance portal, which HealthBook receives into citizens' books.
//!
//! A file is a `GIAMDINHHS` envelope of visits (`HOSO`), each a set of base64 inner files
//! dispatched on `LOAIHOSO` (XML0–XML15, XML12 excepted), each inner file a table of records.
//! [`EnvelopeReader`] streams an envelope one visit at a time with every size bounded and
//! refuses DTDs and entities outright; [`check`] checks a visit's files field by field
//! against the catalogue and against each other. Pure: the server decides what is kept.
//! [`write::envelope`] writes HealthBook's own visits in the same standard.

pub mod amount;
pub mod birth;
pub mod book;
pub mod catalogue;
pub mod check;
pub mod envelope;
pub mod export;
pub mod loinc;
pub mod problem;
pub mod record;
pub mod report;
pub mod standard;
pub mod visit;
pub mod walk;
pub mod write;

pub use envelope::{EnvelopeError, EnvelopeReader, Header, RawVisit};
pub use problem::Problem;
pub use record::Record;
pub use report::{Report, VisitOutcome, validate};
pub use standard::Standard;
pub use visit::{Visit, check};
pub use walk::{Limits, XmlError};
pub use write::{OutVisit, WriteError};
