//! PDF documents of the health book, made on the server so every citizen gets the same
//! document whatever their device: the whole book in the order of QĐ 831/QĐ-BYT, and one
//! visit (QĐ 31/2026 lets a citizen download one per visit).
//!
//! Text is set in an embedded Noto Sans, subset to the glyphs used and mapped back to Unicode,
//! so Vietnamese prints with its diacritics and can be searched and copied from the file.

mod font;
mod format;
mod layout;
mod parts;
mod record;
mod visit;
mod words;
mod writer;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use healthbook_domain::Lang;
use healthbook_domain::account::CitizenProfile;
use healthbook_domain::book::{Book, BookEntry};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read: {0}")]
    Font(#[from] ttf_parser::FaceParsingError),
    #[error("the embedded font cannot be subset: {0}")]
    Subset(#[from] subsetter::Error),
    #[error("a stream cannot be compressed: {0}")]
    Compress(#[from] std::io::Error),
}

/// The book as the caller may see it: only the sections in `book.sections` are printed.
pub fn book_pdf(book: &Book, lang: Lang, generated_at: DateTime<Utc>) -> Result<Vec<u8>, PdfError> {
    record::render(book, lang, generated_at)
}

/// One visit with everything recorded at it. `facility_name` names the place of the visit
/// when the caller knows it better than the entry's provenance does.
pub fn visit_pdf(
    citizen: &CitizenProfile,
    visit: &BookEntry,
    facility_name: Option<&str>,
    lang: Lang,
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, PdfError> {
    visit::render(citizen, visit, facility_name, lang, generated_at)
}
