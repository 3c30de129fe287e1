//! The health book of the signed-in citizen and of each dependent: read by section, cached
//! for offline reading and refreshed with `since` when online; section I, history items and
//! home readings written by the person, each queued with its idempotency key when offline;
//! consents granted on the exact text shown and withdrawn; the access log in sentences.
//!
//! Every entry is checked by `domain`'s rules (`check_entry`) before it is sent or queued:
//! the apps never hold a rule of their own. A change of section I carries the version it was
//! made on; when the section changed elsewhere meanwhile the server refuses it, and the
//! person sees the newer version (`BookError::VersionConflict`, or the sync's
//! `ActionResult::VersionConflict`) rather than losing either change silently.

#![allow(
    clippy::result_large_err,
    reason = "a conflict carries the newer entry across the FFI boundary, where uniffi cannot box it; an error is returned once per call, never kept in bulk"
)]

mod cache;
mod chart;
mod consent;
mod error;
mod writes;

pub use chart::{ChartPoint, reading_series, reading_units};
pub use consent::{ConsentChoice, ConsentDraft};
pub use error::BookError;
pub(crate) use writes::{NewEntry, NewReading, ProfileChange};

use crate::Timestamp;
use crate::context::Core;
use crate::error::{CommonError, CoreError};
use crate::http::{Auth, query_string};
use crate::queue::{ActionResult, OfflineAction, PendingAction, Sent, send_or_queue};
use crate::store::CachedEntry;
use cache::Header;
use chrono::SecondsFormat;
use healthbook_domain::FieldIssue;
use healthbook_domain::ProblemCode;
use healthbook_domain::account::CitizenProfile;
use healthbook_domain::book::check::{check_entry, check_reason};
use healthbook_domain::book::{
    AccessLogEntry, Administrative, Book, BookEntry, Consent, CorrectEntryRequest,
    EnteredInErrorRequest, EntryBody, EntryStatus, Observation, ObservationKind, Section, describe,
};
use healthbook_domain::book::{FollowUp, follow_ups};
use healthbook_domain::page::Page;
use std::sync::Arc;
use uuid::Uuid;

/// A person whose book this account opens: the citizen themselves, or a dependent.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BookOwner {
    pub citizen_id: Uuid,
    pub full_name: String,
    pub is_self: bool,
}

/// A book by section, each newest first, as last read.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BookView {
    pub citizen: CitizenProfile,
    /// The sections the account may see (all five for oneself and a dependent).
    pub sections: Vec<Section>,
    /// Section I at its current version; none while the section is empty.
    pub administrative: Option<BookEntry>,
    pub history: Vec<BookEntry>,
    pub immunizations: Vec<BookEntry>,
    pub visits: Vec<BookEntry>,
    pub readings: Vec<BookEntry>,
    /// Writes to this book waiting to be sent, oldest first.
    pub pending: Vec<PendingAction>,
    /// Section I as the person last left the form, while that change waits to be sent: the
    /// form opens on it rather than on `administrative`.
    pub administrative_draft: Option<Administrative>,
    /// When the book was last read from the server.
    pub synced_at: Timestamp,
    /// Read from this phone's copy because the server could not be reached.
    pub from_cache: bool,
}

/// What became of a write: recorded now, or queued until the network is back.
#[allow(
    clippy::large_enum_variant,
    reason = "a value handed across the FFI boundary once, never kept in bulk; uniffi records cannot be boxed"
)]
#[derive(Debug, Clone, uniffi::Enum)]
pub enum BookWriteOutcome {
    Saved { entry: BookEntry },
    Queued { action: PendingAction },
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentList {
    /// Newest first, each with its status and the exact text agreed to.
    pub items: Vec<Consent>,
    pub synced_at: Option<Timestamp>,
    pub from_cache: bool,
}

/// One access to the book, with the sentence the apps show for it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccessLine {
    pub entry: AccessLogEntry,
    /// "Bác sĩ Nguyễn Văn A, Bệnh viện X, đã xem khám bệnh lúc 09:30 06/12/2026, theo sự
    /// đồng ý (mục đích chuyển tuyến)." in the app's language.
    pub sentence: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccessLogPage {
    /// Newest first.
    pub items: Vec<AccessLine>,
    /// Pass back as `cursor` for older lines; absent on the last page (and offline).
    pub next_cursor: Option<String>,
    pub from_cache: bool,
}

#[derive(uniffi::Object)]
pub struct BookClient {
    core: Arc<Core>,
}

impl BookClient {
    pub(crate) fn new(core: Arc<Core>) -> BookClient {
        BookClient { core }
    }
}

/// Lines of the access log read per page.
const LOG_PAGE: &str = "50";

/// The server could not be reached: read this phone's copy instead.
fn unreachable(error: &CoreError) -> bool {
    matches!(error, CoreError::Network(_))
}

fn invalid(issues: Vec<FieldIssue>) -> BookError {
    CommonError::InvalidInput { issues }.into()
}

/// Reads the book from the server — only what changed since the last read when one is
/// cached — merges it into the cache, and returns the cached book.
async fn refresh(core: &Core, citizen_id: Uuid) -> Result<BookView, CoreError> {
    let rows = core.store(move |store| store.entries(citizen_id)).await?;
    let previous = cache::header_of(&rows).map(|(header, _)| header);
    let since = previous.as_ref().and_then(Header::since);
    let path = format!(
        "/v1/citizens/{citizen_id}/book{}",
        query_string(&[(
            "since",
            since.map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true))
        )])
    );
    let book: Book = core.api.get(&path, Auth::Bearer).await?;
    let header = cache::next_header(&book, previous.as_ref());
    let header_row = cache::header_entry(citizen_id, &header, core.clock.now())?;
    let entry_rows = book
        .entries
        .iter()
        .map(|entry| cache::entry_row(citizen_id, entry))
        .collect::<Result<Vec<_>, _>>()?;
    let whole = since.is_none();
    core.store(move |store| {
        if whole {
            store.replace_entries(citizen_id, cache::ENTRY, &entry_rows)?;
        } else {
            for row in &entry_rows {
                store.put_entry(row)?;
            }
        }
        store.put_entry(&header_row)
    })
    .await?;
    cached_view(core, citizen_id, false)
        .await?
        .ok_or_else(|| CoreError::Decode("the book just read is not in the cache".to_owned()))
}

/// The account whose queue holds this phone's writes: the session's, else the cached one's.
async fn queue_owner(core: &Core) -> Result<Option<Uuid>, CoreError> {
    if let Some(grant) = core.session.grant() {
        return Ok(Some(grant.account_id));
    }
    core.store(|store| store.account_id()).await
}

/// The queued writes to `citizen_id`'s book, oldest first.
async fn queued_for(core: &Core, citizen_id: Uuid) -> Result<Vec<PendingAction>, CoreError> {
    let Some(account_id) = queue_owner(core).await? else {
        return Ok(Vec::new());
    };
    let queued = core
        .store(move |store| store.queued::<OfflineAction>(account_id))
        .await?;
    Ok(queued
        .into_iter()
        .filter(|q| q.action.book_of() == Some(citizen_id))
        .map(PendingAction::from)
        .collect())
}

/// The newest entry first within a section.
fn newest_first(mut entries: Vec<BookEntry>) -> Vec<BookEntry> {
    entries.sort_by_key(|e| std::cmp::Reverse((e.provenance.recorded_at, e.entry_id)));
    entries
}

pub(crate) fn view_of(
    rows: &[CachedEntry],
    pending: Vec<PendingAction>,
    from_cache: bool,
) -> Option<BookView> {
    let (header, synced_at) = cache::header_of(rows)?;
    let entries = newest_first(cache::rows_of::<BookEntry>(rows, cache::ENTRY));
    let in_section = |section: Section| -> Vec<BookEntry> {
        entries
            .iter()
            .filter(|e| e.section == section)
            .cloned()
            .collect()
    };
    let administrative = entries
        .iter()
        .find(|e| e.section == Section::Administrative && e.status != EntryStatus::EnteredInError)
        .cloned();
    let administrative_draft = pending.iter().rev().find_map(|p| match &p.action {
        OfflineAction::PatchProfile { section, .. } => Some(section.clone()),
        _ => None,
    });
    Some(BookView {
        citizen: header.citizen,
        sections: header.sections,
        history: in_section(Section::History),
        immunizations: in_section(Section::Immunizations),
        visits: in_section(Section::Visits),
        readings: in_section(Section::Readings),
        administrative,
        pending,
        administrative_draft,
        synced_at,
        from_cache,
    })
}

async fn cached_view(
    core: &Core,
    citizen_id: Uuid,
    from_cache: bool,
) -> Result<Option<BookView>, CoreError> {
    let rows = core.store(move |store| store.entries(citizen_id)).await?;
    let pending = queued_for(core, citizen_id).await?;
    Ok(view_of(&rows, pending, from_cache))
}

/// Section I as the server now holds it, for a change refused on a stale version: read
/// again (and cached), else as cached.
async fn newer_profile(core: &Core, citizen_id: Uuid) -> Option<BookEntry> {
    match refresh(core, citizen_id).await {
        Ok(view) => view.administrative,
        Err(error) => {
            tracing::info!(error = %error, "reading section I after a version conflict failed");
            None
        }
    }
}

/// What a sync reports for a queued change of section I that met a newer version.
pub(crate) async fn conflict(
    core: &Core,
    citizen_id: Uuid,
    attempted: Administrative,
) -> ActionResult {
    ActionResult::VersionConflict {
        citizen_id,
        current: newer_profile(core, citizen_id).await,
        attempted,
    }
}

/// An entry as the server now holds it, after a revision refused on a stale version.
async fn newer_entry(core: &Core, citizen_id: Uuid, entry_id: Uuid) -> Option<BookEntry> {
    let view = refresh(core, citizen_id).await.ok()?;
    [
        view.administrative.into_iter().collect(),
        view.history,
        view.immunizations,
        view.visits,
        view.readings,
    ]
    .into_iter()
    .flatten()
    .find(|e| e.entry_id == entry_id)
}

fn outcome(sent: Sent<BookEntry>) -> BookWriteOutcome {
    match sent {
        Sent::Now(entry) => BookWriteOutcome::Saved { entry },
        Sent::Queued(action) => BookWriteOutcome::Queued { action },
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl BookClient {
    /// The books this account opens, from the cached profile: the citizen's own first, then
    /// each dependent's.
    pub async fn owners(&self) -> Result<Vec<BookOwner>, BookError> {
        let me = consent::cached_me(&self.core).await?;
        let own = me.citizen.iter().map(|c| BookOwner {
            citizen_id: c.citizen_id,
            full_name: c.full_name.clone(),
            is_self: true,
        });
        let children = me.dependents.iter().map(|d| BookOwner {
            citizen_id: d.citizen.citizen_id,
            full_name: d.citizen.full_name.clone(),
            is_self: false,
        });
        Ok(own.chain(children).collect())
    }

    /// The book, fresh when the server can be reached (only what changed is read), else as
    /// this phone last read it (`from_cache`). `Offline` only when there is no copy yet.
    pub async fn book(&self, citizen_id: Uuid) -> Result<BookView, BookError> {
        match refresh(&self.core, citizen_id).await {
            Ok(view) => Ok(view),
            Err(error) if unreachable(&error) => cached_view(&self.core, citizen_id, true)
                .await?
                .ok_or_else(|| error.into()),
            Err(error) => Err(error.into()),
        }
    }

    /// The visits of `citizen_id`'s book that asked for a return (a re-examination day, at
    /// their facility) not yet booked, soonest first (`domain::book::follow_ups`). Reads the
    /// book as `book` does, and the appointments as this phone last read them: the app shows
    /// each with `follow_up_slot_query`'s slots, to book in a tap.
    pub async fn follow_ups(&self, citizen_id: Uuid) -> Result<Vec<FollowUp>, BookError> {
        let view = self.book(citizen_id).await?;
        let appointments = self
            .core
            .store(|store| store.entries_of_kind(crate::booking::APPOINTMENT))
            .await?;
        let appointments: Vec<_> = crate::booking::cached(appointments)
            .into_iter()
            .filter(|a| a.citizen_id == citizen_id)
            .collect();
        Ok(follow_ups(
            &view.visits,
            &appointments,
            self.core.clock.today(),
        ))
    }

    /// The book as this phone last read it, without the network; none before the first read.
    pub async fn cached_book(&self, citizen_id: Uuid) -> Result<Option<BookView>, BookError> {
        Ok(cached_view(&self.core, citizen_id, true).await?)
    }

    /// The chart of one kind of reading, oldest first, from this phone's copy and the
    /// readings still waiting to be sent (`pending`).
    pub async fn reading_chart(
        &self,
        citizen_id: Uuid,
        kind: ObservationKind,
    ) -> Result<Vec<ChartPoint>, BookError> {
        let view = cached_view(&self.core, citizen_id, true).await?;
        let (readings, pending) = view.map(|v| (v.readings, v.pending)).unwrap_or_default();
        let queued = chart::queued_readings(pending.iter().map(|p| &p.action), citizen_id);
        Ok(chart::series(&readings, &queued, kind))
    }

    /// The problems of an entry by the book's rules, each for its field; empty when it may
    /// be sent.
    pub fn validate_entry(&self, body: EntryBody) -> Vec<FieldIssue> {
        let mut body = body;
        check_entry(&mut body, self.core.clock.now())
            .err()
            .unwrap_or_default()
    }

    /// Saves section I as the person left the form: the change from the version this phone
    /// last read is sent as a merge patch on that version, or queued when offline (a change
    /// made while another waits joins it, on the same version). `VersionConflict` carries
    /// the newer version when the section changed elsewhere.
    pub async fn update_profile(
        &self,
        citizen_id: Uuid,
        section: Administrative,
    ) -> Result<BookWriteOutcome, BookError> {
        let core = &self.core;
        let mut body = EntryBody::Administrative(section);
        check_entry(&mut body, core.clock.now()).map_err(invalid)?;
        let EntryBody::Administrative(section) = body else {
            return Err(BookError::NotWritable);
        };
        let to = writes::section_value(&section)?;
        let waiting = queued_for(core, citizen_id)
            .await?
            .into_iter()
            .rev()
            .find_map(|p| match p.action {
                OfflineAction::PatchProfile {
                    base_version,
                    changes,
                    section,
                    ..
                } => Some((p.id, base_version, changes, section)),
                _ => None,
            });
        let (base_version, changes, replaces) = match waiting {
            Some((id, base_version, changes, earlier)) => {
                let earlier_changes: serde_json::Value =
                    serde_json::from_str(&changes).map_err(|e| CoreError::Decode(e.to_string()))?;
                let later = writes::diff(&writes::section_value(&earlier)?, &to);
                (
                    base_version,
                    writes::compose(&earlier_changes, &later),
                    Some(id),
                )
            }
            None => {
                let base = cached_view(core, citizen_id, true)
                    .await?
                    .and_then(|v| v.administrative);
                let from = match &base {
                    Some(BookEntry {
                        body: EntryBody::Administrative(current),
                        ..
                    }) => writes::section_value(current)?,
                    _ => serde_json::json!({}),
                };
                let changes = writes::diff(&from, &to);
                if let Some(entry) = base.as_ref().filter(|_| changes == serde_json::json!({})) {
                    // Nothing changed: no new version for an unchanged form.
                    return Ok(BookWriteOutcome::Saved {
                        entry: entry.clone(),
                    });
                }
                (base.map(|e| e.version), changes, None)
            }
        };
        let change = ProfileChange {
            citizen_id,
            base_version,
            changes,
            section,
        };
        let sent = match send_or_queue(core, change).await {
            Ok(sent) => sent,
            Err(error) if error.problem() == Some(ProblemCode::VersionConflict) => {
                return Err(BookError::VersionConflict {
                    current: newer_profile(core, citizen_id).await,
                });
            }
            Err(error) => return Err(error.into()),
        };
        if let Some(id) = replaces {
            // The waiting change went out inside this one.
            core.store(move |store| store.settle(id)).await?;
        }
        Ok(outcome(sent))
    }

    /// Adds a history item (an allergy, a past disease, a surgery, risk factors…), marked
    /// self-reported; queued when offline.
    pub async fn add_history_entry(
        &self,
        citizen_id: Uuid,
        body: EntryBody,
    ) -> Result<BookWriteOutcome, BookError> {
        if body.kind().section() != Section::History {
            return Err(BookError::NotWritable);
        }
        let mut body = body;
        check_entry(&mut body, self.core.clock.now()).map_err(invalid)?;
        Ok(outcome(
            send_or_queue(&self.core, NewEntry { citizen_id, body }).await?,
        ))
    }

    /// Adds a home reading; queued when offline.
    pub async fn add_reading(
        &self,
        citizen_id: Uuid,
        reading: Observation,
    ) -> Result<BookWriteOutcome, BookError> {
        let mut body = EntryBody::Observation(reading);
        check_entry(&mut body, self.core.clock.now()).map_err(invalid)?;
        let EntryBody::Observation(reading) = body else {
            return Err(BookError::NotWritable);
        };
        Ok(outcome(
            send_or_queue(
                &self.core,
                NewReading {
                    citizen_id,
                    reading,
                },
            )
            .await?,
        ))
    }

    /// Corrects a self-reported entry with its whole new body and a reason (10 characters
    /// or more). Needs the network: a correction is judged against the version it names.
    pub async fn correct_entry(
        &self,
        citizen_id: Uuid,
        entry: BookEntry,
        body: EntryBody,
        reason: String,
    ) -> Result<BookEntry, BookError> {
        let reason = check_reason("reason", &reason).map_err(|issue| invalid(vec![issue]))?;
        let mut body = body;
        check_entry(&mut body, self.core.clock.now()).map_err(invalid)?;
        let request = CorrectEntryRequest {
            base_version: entry.version,
            body,
            reason,
        };
        let path = format!(
            "/v1/citizens/{citizen_id}/entries/{}/corrections",
            entry.entry_id
        );
        self.revise(
            citizen_id,
            entry.entry_id,
            self.core.api.post(&path, &request, Auth::Bearer).await,
        )
        .await
    }

    /// Marks a self-reported entry as recorded by mistake; it stays in the book, marked.
    pub async fn mark_entered_in_error(
        &self,
        citizen_id: Uuid,
        entry: BookEntry,
        reason: String,
    ) -> Result<BookEntry, BookError> {
        let reason = check_reason("reason", &reason).map_err(|issue| invalid(vec![issue]))?;
        let request = EnteredInErrorRequest {
            base_version: entry.version,
            reason,
        };
        let path = format!(
            "/v1/citizens/{citizen_id}/entries/{}/entered-in-error",
            entry.entry_id
        );
        self.revise(
            citizen_id,
            entry.entry_id,
            self.core.api.post(&path, &request, Auth::Bearer).await,
        )
        .await
    }

    /// One visit as a PDF (QĐ 31/2026), for the app to save or share.
    pub async fn visit_pdf(&self, citizen_id: Uuid, entry_id: Uuid) -> Result<Vec<u8>, BookError> {
        let path = format!("/v1/citizens/{citizen_id}/encounters/{entry_id}/pdf");
        Ok(self.core.api.get_document(&path, "application/pdf").await?)
    }

    /// The whole book as a PDF in the QĐ 831 layout.
    pub async fn book_pdf(&self, citizen_id: Uuid) -> Result<Vec<u8>, BookError> {
        let path = format!("/v1/citizens/{citizen_id}/book.pdf");
        Ok(self.core.api.get_document(&path, "application/pdf").await?)
    }

    /// The consent text for `choice`, exactly as the server will record it, to show before
    /// asking; the draft is not agreed to.
    pub async fn prepare_consent(
        &self,
        citizen_id: Uuid,
        choice: ConsentChoice,
    ) -> Result<ConsentDraft, BookError> {
        consent::prepare(&self.core, citizen_id, choice).await
    }

    /// Grants the consent of `draft`. Call it only when the person has ticked the box
    /// themselves: this call is their agreement. `child_assent` for a child of 7 or more.
    pub async fn grant_consent(
        &self,
        draft: ConsentDraft,
        child_assent: Option<bool>,
    ) -> Result<Consent, BookError> {
        let core = &self.core;
        let me = consent::cached_me(core).await?;
        let today = core.clock.today();
        let citizen_id = draft.citizen_id;
        let child_age = consent::owner(&me, citizen_id, today).and_then(|o| o.child_age);
        let request = consent::agreed(draft, child_assent, today, child_age)?;
        let path = format!("/v1/citizens/{citizen_id}/consents");
        let granted: Consent = core.api.post(&path, &request, Auth::Bearer).await?;
        let row = cache::consent_row(&granted, core.clock.now())?;
        core.store(move |store| store.put_entry(&row)).await?;
        Ok(granted)
    }

    /// The consents, newest first, fresh when the server can be reached, else as cached.
    pub async fn consents(&self, citizen_id: Uuid) -> Result<ConsentList, BookError> {
        let core = &self.core;
        let path = format!("/v1/citizens/{citizen_id}/consents");
        match core.api.get::<Vec<Consent>>(&path, Auth::Bearer).await {
            Ok(items) => {
                let now = core.clock.now();
                let rows = items
                    .iter()
                    .map(|c| cache::consent_row(c, now))
                    .collect::<Result<Vec<_>, _>>()?;
                core.store(move |store| store.replace_entries(citizen_id, cache::CONSENT, &rows))
                    .await?;
                Ok(ConsentList {
                    items,
                    synced_at: Some(now),
                    from_cache: false,
                })
            }
            Err(error) if unreachable(&error) => {
                let rows = core.store(move |store| store.entries(citizen_id)).await?;
                let mut items: Vec<Consent> = cache::rows_of(&rows, cache::CONSENT);
                items.sort_by_key(|c| std::cmp::Reverse(c.valid_from));
                Ok(ConsentList {
                    items,
                    synced_at: cache::synced_at(&rows, cache::CONSENT),
                    from_cache: true,
                })
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Withdraws a consent at once: the facility's next read is refused.
    pub async fn withdraw_consent(
        &self,
        citizen_id: Uuid,
        consent_id: Uuid,
    ) -> Result<Consent, BookError> {
        let core = &self.core;
        let path = format!("/v1/citizens/{citizen_id}/consents/{consent_id}");
        let withdrawn: Consent = core.api.delete_returning(&path).await?;
        let row = cache::consent_row(&withdrawn, core.clock.now())?;
        core.store(move |store| store.put_entry(&row)).await?;
        Ok(withdrawn)
    }

    /// Who saw or wrote the book, newest first, each in a sentence in the app's language.
    /// The first page (`cursor` none) is kept for offline reading.
    pub async fn access_log(
        &self,
        citizen_id: Uuid,
        cursor: Option<String>,
    ) -> Result<AccessLogPage, BookError> {
        let core = &self.core;
        let first = cursor.is_none();
        let path = format!(
            "/v1/citizens/{citizen_id}/access-log{}",
            query_string(&[("cursor", cursor), ("limit", Some(LOG_PAGE.to_owned()))])
        );
        match core
            .api
            .get::<Page<AccessLogEntry>>(&path, Auth::Bearer)
            .await
        {
            Ok(page) => {
                if first {
                    let rows = page
                        .items
                        .iter()
                        .map(|e| cache::access_row(citizen_id, e))
                        .collect::<Result<Vec<_>, _>>()?;
                    core.store(move |store| {
                        store.replace_entries(citizen_id, cache::ACCESS_LOG, &rows)
                    })
                    .await?;
                }
                Ok(AccessLogPage {
                    items: self.lines(page.items),
                    next_cursor: page.next_cursor,
                    from_cache: false,
                })
            }
            Err(error) if first && unreachable(&error) => {
                let rows = core.store(move |store| store.entries(citizen_id)).await?;
                let mut items: Vec<AccessLogEntry> = cache::rows_of(&rows, cache::ACCESS_LOG);
                items.sort_by_key(|e| std::cmp::Reverse((e.at, e.id)));
                Ok(AccessLogPage {
                    items: self.lines(items),
                    next_cursor: None,
                    from_cache: true,
                })
            }
            Err(error) => Err(error.into()),
        }
    }
}

impl BookClient {
    fn lines(&self, entries: Vec<AccessLogEntry>) -> Vec<AccessLine> {
        entries
            .into_iter()
            .map(|entry| AccessLine {
                sentence: describe(&entry, self.core.lang),
                entry,
            })
            .collect()
    }

    /// Caches a revised entry, or turns a refusal on a stale version into the newer one.
    async fn revise(
        &self,
        citizen_id: Uuid,
        entry_id: Uuid,
        answer: Result<BookEntry, CoreError>,
    ) -> Result<BookEntry, BookError> {
        match answer {
            Ok(entry) => {
                writes::remember(&self.core, citizen_id, &entry).await?;
                Ok(entry)
            }
            Err(error) if error.problem() == Some(ProblemCode::VersionConflict) => {
                Err(BookError::VersionConflict {
                    current: newer_entry(&self.core, citizen_id, entry_id).await,
                })
            }
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests;
