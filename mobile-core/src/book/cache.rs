//! The book as this phone last read it, per citizen, in the store's cached entries: a header
//! (who, which sections, how far the entries reach), one row per entry at its latest
//! version, the consents, and the first page of the access log.

use crate::Timestamp;
use crate::error::CoreError;
use crate::store::CachedEntry;
use healthbook_domain::account::CitizenProfile;
use healthbook_domain::book::{AccessLogEntry, Book, BookEntry, Consent, Section};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kinds under which the book is cached.
pub(crate) const HEADER: &str = "book";
pub(crate) const ENTRY: &str = "book_entry";
pub(crate) const CONSENT: &str = "consent";
pub(crate) const ACCESS_LOG: &str = "access_log";

/// What a book read says besides its entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Header {
    pub citizen: CitizenProfile,
    pub sections: Vec<Section>,
    /// The newest `recorded_at` a book read returned: the next read asks for what is newer.
    /// Only reads move it; an entry this phone wrote may be newer than one a doctor wrote
    /// meanwhile, which the next read must still bring.
    pub through: Option<Timestamp>,
}

/// A second read overlaps the first by this much: a write that started before the last read
/// may commit after it with an earlier `recorded_at`. Entries merge by id, so the overlap
/// costs a few entries read twice, never a duplicate.
const OVERLAP_SECONDS: i64 = 120;

impl Header {
    /// The `since` of the next read.
    pub fn since(&self) -> Option<Timestamp> {
        self.through
            .map(|through| through - chrono::Duration::seconds(OVERLAP_SECONDS))
    }
}

fn body<T: Serialize>(value: &T) -> Result<serde_json::Value, CoreError> {
    serde_json::to_value(value).map_err(|e| CoreError::Decode(e.to_string()))
}

pub(crate) fn header_entry(
    citizen_id: Uuid,
    header: &Header,
    synced_at: Timestamp,
) -> Result<CachedEntry, CoreError> {
    Ok(CachedEntry {
        kind: HEADER.to_owned(),
        id: citizen_id.to_string(),
        citizen_id,
        updated_at: synced_at,
        body: body(header)?,
    })
}

pub(crate) fn entry_row(citizen_id: Uuid, entry: &BookEntry) -> Result<CachedEntry, CoreError> {
    Ok(CachedEntry {
        kind: ENTRY.to_owned(),
        id: entry.entry_id.to_string(),
        citizen_id,
        updated_at: entry.provenance.recorded_at,
        body: body(entry)?,
    })
}

pub(crate) fn consent_row(
    consent: &Consent,
    synced_at: Timestamp,
) -> Result<CachedEntry, CoreError> {
    Ok(CachedEntry {
        kind: CONSENT.to_owned(),
        id: consent.id.to_string(),
        citizen_id: consent.citizen_id,
        updated_at: synced_at,
        body: body(consent)?,
    })
}

pub(crate) fn access_row(
    citizen_id: Uuid,
    entry: &AccessLogEntry,
) -> Result<CachedEntry, CoreError> {
    Ok(CachedEntry {
        kind: ACCESS_LOG.to_owned(),
        id: entry.id.to_string(),
        citizen_id,
        updated_at: entry.at,
        body: body(entry)?,
    })
}

/// The header after a read: `book`'s sections, and `through` moved to the newest entry it
/// held (kept when it held none).
pub(crate) fn next_header(book: &Book, previous: Option<&Header>) -> Header {
    let newest = book.entries.iter().map(|e| e.provenance.recorded_at).max();
    Header {
        citizen: book.citizen.clone(),
        sections: book.sections.clone(),
        through: newest.max(previous.and_then(|h| h.through)),
    }
}

/// The citizen's cached rows of one kind, read back; a row this build cannot read (written
/// by a newer app) is passed over rather than failing the whole book.
pub(crate) fn rows_of<T: DeserializeOwned>(rows: &[CachedEntry], kind: &str) -> Vec<T> {
    rows.iter()
        .filter(|row| row.kind == kind)
        .filter_map(|row| serde_json::from_value(row.body.clone()).ok())
        .collect()
}

/// The cached header and when it was written.
pub(crate) fn header_of(rows: &[CachedEntry]) -> Option<(Header, Timestamp)> {
    rows.iter().find(|row| row.kind == HEADER).and_then(|row| {
        serde_json::from_value(row.body.clone())
            .ok()
            .map(|header| (header, row.updated_at))
    })
}

/// When rows of `kind` were last written, if any are cached.
pub(crate) fn synced_at(rows: &[CachedEntry], kind: &str) -> Option<Timestamp> {
    rows.iter()
        .filter(|row| row.kind == kind)
        .map(|row| row.updated_at)
        .max()
}
