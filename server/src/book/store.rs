//! The book's one way in and out: append an entry, revise one (a correction or an
//! entered-in-error mark, both new versions), and read the latest versions of a citizen's
//! entries. Vaccination, teleconsultation and intake write through [`append`] in their own
//! transaction, after the authorization module has opened the record for them.

use super::entities::book_entry;
use crate::authz::{Basis, RecordGrant};
use crate::booking::entities::facility;
use crate::error::ApiError;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use healthbook_domain::ProblemCode;
use healthbook_domain::account::StaffRole;
use healthbook_domain::book::check::{category_of, check_entry};
use healthbook_domain::book::{
    AuthorRole, BookEntry, Categories, EntryBody, EntryKind, EntryStatus, Provenance, Sections,
    Source,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Who writes an entry, in what capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub role: AuthorRole,
    pub source: Source,
    pub account: Option<Uuid>,
    pub name: Option<String>,
    pub facility: Option<Uuid>,
}

impl Author {
    /// The author a record grant makes of its caller.
    pub fn from_grant(grant: &RecordGrant, account: Uuid, name: String) -> Author {
        let (role, source, facility) = match grant.basis.staff() {
            None if grant.basis == Basis::Own => (AuthorRole::Citizen, Source::App, None),
            None => (AuthorRole::Guardian, Source::App, None),
            Some((role, facility)) => {
                // Only the care roles hold a basis (`authz::record`); the others cannot come.
                let role = match role {
                    StaffRole::Vaccinator => AuthorRole::Vaccinator,
                    StaffRole::FacilityAdmin => AuthorRole::FacilityAdmin,
                    StaffRole::Doctor | StaffRole::Support | StaffRole::Authority => {
                        AuthorRole::Doctor
                    }
                };
                (role, Source::Staff, Some(facility))
            }
        };
        Author {
            role,
            source,
            account: Some(account),
            name: Some(name),
            facility,
        }
    }

    /// Typed by the citizen or a guardian: a self-report, not a professional's finding.
    pub fn self_reporting(&self) -> bool {
        matches!(self.role, AuthorRole::Citizen | AuthorRole::Guardian)
    }
}

/// What a new version does to an entry. A corrected body is [`check`]ed by the caller.
#[derive(Debug, Clone)]
pub enum Revision {
    Correct {
        body: Box<EntryBody>,
        reason: String,
    },
    EnteredInError {
        reason: String,
    },
}

/// Checks `body` with the domain's rules, naming each field under `prefix` (where the body
/// sits in the request: `body.data.` for a generic entry, nothing for a typed route).
pub fn check(body: &mut EntryBody, now: DateTime<Utc>, prefix: &str) -> Result<(), ApiError> {
    check_entry(body, now).map_err(|issues| {
        ApiError::invalid(
            issues
                .into_iter()
                .map(|issue| healthbook_domain::FieldIssue {
                    field: format!("{prefix}{}", issue.field),
                    ..issue
                })
                .collect(),
        )
    })
}

/// Appends `body`, already [`check`]ed, as a new entry of `cid`'s book.
pub async fn append(
    db: &impl ConnectionTrait,
    cid: Uuid,
    author: &Author,
    body: EntryBody,
    now: DateTime<Utc>,
) -> Result<BookEntry, ApiError> {
    let row = append_row(db, cid, author, body, now).await?;
    view(db, row).await
}

/// `append`, answering the entry without its facility's name: one read fewer for a writer
/// that returns its own view of what it wrote (a dose).
pub async fn append_unnamed(
    db: &impl ConnectionTrait,
    cid: Uuid,
    author: &Author,
    body: EntryBody,
    now: DateTime<Utc>,
) -> Result<BookEntry, ApiError> {
    let row = append_row(db, cid, author, body, now).await?;
    to_view(row, &HashMap::new())
}

async fn append_row(
    db: &impl ConnectionTrait,
    cid: Uuid,
    author: &Author,
    body: EntryBody,
    now: DateTime<Utc>,
) -> Result<book_entry::Model, ApiError> {
    if body.kind().is_singular() && current_of_kind(db, cid, body.kind()).await?.is_some() {
        return Err(ApiError::conflict(ProblemCode::EntryExists));
    }
    insert(
        db,
        NewVersion {
            entry_id: Uuid::now_v7(),
            version: 1,
            cid,
            status: EntryStatus::Recorded,
            body: &body,
            reason: None,
            author,
        },
        now,
    )
    .await
}

/// Writes a new version of `entry_id` on top of `base_version`, which must be the latest.
/// The citizen's side revises self-reported entries only; a facility revises its own.
pub async fn revise(
    db: &impl ConnectionTrait,
    cid: Uuid,
    entry_id: Uuid,
    base_version: u32,
    author: &Author,
    revision: Revision,
    now: DateTime<Utc>,
) -> Result<BookEntry, ApiError> {
    let versions = book_entry::Entity::find()
        .filter(book_entry::Column::EntryId.eq(entry_id))
        .filter(book_entry::Column::CitizenId.eq(cid))
        .order_by_desc(book_entry::Column::Version)
        .all(db)
        .await?;
    let Some(latest) = versions.first() else {
        return Err(ApiError::not_found());
    };
    let may_revise = if author.self_reporting() {
        latest.self_reported
    } else {
        !latest.self_reported
            && latest.facility_id.is_some()
            && latest.facility_id == author.facility
    };
    if !may_revise {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ProblemCode::NotTheAuthor,
        ));
    }
    if i64::from(base_version) != i64::from(latest.version)
        || latest.status == EntryStatus::EnteredInError.as_str()
    {
        return Err(ApiError::conflict(ProblemCode::VersionConflict));
    }
    let stored: EntryBody = serde_json::from_str(&latest.body).map_err(ApiError::internal)?;
    let (status, body, reason) = match revision {
        Revision::Correct { body, reason } => {
            if body.kind() != stored.kind() {
                return Err(ApiError::invalid(vec![healthbook_domain::FieldIssue::new(
                    "body.kind",
                    "kind_changed",
                    "Không thể đổi loại của một mục khi sửa.",
                    "A correction cannot change the kind of an entry.",
                )]));
            }
            (EntryStatus::Corrected, *body, reason)
        }
        Revision::EnteredInError { reason } => (EntryStatus::EnteredInError, stored, reason),
    };
    let row = insert(
        db,
        NewVersion {
            entry_id,
            version: latest.version + 1,
            cid,
            status,
            body: &body,
            reason: Some(reason),
            author,
        },
        now,
    )
    .await
    // Two revisions of one version raced: the unique (entry, version) chose the first.
    .map_err(|error| {
        if error.code == ProblemCode::UniqueViolation.as_str() {
            ApiError::conflict(ProblemCode::VersionConflict)
        } else {
            error
        }
    })?;
    view(db, row).await
}

struct NewVersion<'a> {
    entry_id: Uuid,
    version: i32,
    cid: Uuid,
    status: EntryStatus,
    body: &'a EntryBody,
    reason: Option<String>,
    author: &'a Author,
}

async fn insert(
    db: &impl ConnectionTrait,
    new: NewVersion<'_>,
    now: DateTime<Utc>,
) -> Result<book_entry::Model, ApiError> {
    let kind = new.body.kind();
    let row = book_entry::Model {
        id: Uuid::now_v7(),
        entry_id: new.entry_id,
        version: new.version,
        citizen_id: new.cid,
        kind: kind.as_str().to_owned(),
        section: kind.section().as_str().to_owned(),
        status: new.status.as_str().to_owned(),
        category: category_of(new.body).map(|c| c.as_str().to_owned()),
        body: serde_json::to_string(new.body).map_err(ApiError::internal)?,
        reason: new.reason,
        self_reported: new.author.self_reporting(),
        source: new.author.source.as_str().to_owned(),
        author_role: new.author.role.as_str().to_owned(),
        author_account_id: new.author.account,
        author_name: new.author.name.clone(),
        facility_id: new.author.facility,
        recorded_at: now,
    };
    book_entry::Entity::insert(book_entry::ActiveModel {
        id: Set(row.id),
        entry_id: Set(row.entry_id),
        version: Set(row.version),
        citizen_id: Set(row.citizen_id),
        kind: Set(row.kind.clone()),
        section: Set(row.section.clone()),
        status: Set(row.status.clone()),
        category: Set(row.category.clone()),
        body: Set(row.body.clone()),
        reason: Set(row.reason.clone()),
        self_reported: Set(row.self_reported),
        source: Set(row.source.clone()),
        author_role: Set(row.author_role.clone()),
        author_account_id: Set(row.author_account_id),
        author_name: Set(row.author_name.clone()),
        facility_id: Set(row.facility_id),
        recorded_at: Set(row.recorded_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(row)
}

/// The entry of a kind held once (section I, risk factors, reproductive health) as it
/// stands: the latest version of the one entry of that kind not marked entered in error. An
/// entry marked in error no longer holds the place, so the next one can be written.
pub async fn current_of_kind(
    db: &impl ConnectionTrait,
    cid: Uuid,
    kind: EntryKind,
) -> Result<Option<book_entry::Model>, ApiError> {
    let rows = book_entry::Entity::find()
        .filter(book_entry::Column::CitizenId.eq(cid))
        .filter(book_entry::Column::Kind.eq(kind.as_str()))
        .all(db)
        .await?;
    Ok(latest_versions(rows)
        .into_values()
        .filter(|row| row.status != EntryStatus::EnteredInError.as_str())
        .max_by_key(|row| row.recorded_at))
}

/// Each entry's latest version among `rows`, by entry id.
pub fn latest_versions(rows: Vec<book_entry::Model>) -> HashMap<Uuid, book_entry::Model> {
    let mut latest: HashMap<Uuid, book_entry::Model> = HashMap::with_capacity(rows.len());
    for row in rows {
        match latest.get(&row.entry_id) {
            Some(kept) if kept.version > row.version => {}
            _ => {
                latest.insert(row.entry_id, row);
            }
        }
    }
    latest
}

/// What a read asks of the book.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    pub sections: Sections,
    pub categories: Categories,
    /// Only entries with a version recorded after this instant.
    pub since: Option<DateTime<Utc>>,
}

impl Selection {
    pub fn of(grant: &RecordGrant) -> Selection {
        Selection {
            sections: grant.sections,
            categories: grant.categories,
            since: None,
        }
    }
}

/// The latest version of every entry of `cid` in the selection, newest first. Entries of a
/// category the selection does not open are left out, whatever their section.
pub async fn entries(
    db: &impl ConnectionTrait,
    cid: Uuid,
    selection: Selection,
) -> Result<Vec<BookEntry>, ApiError> {
    let sections: Vec<&str> = selection
        .sections
        .list()
        .into_iter()
        .map(|s| s.as_str())
        .collect();
    let rows = book_entry::Entity::find()
        .filter(book_entry::Column::CitizenId.eq(cid))
        .filter(book_entry::Column::Section.is_in(sections))
        .order_by_asc(book_entry::Column::RecordedAt)
        .all(db)
        .await?;
    shown(db, rows, selection).await
}

/// The latest version of every entry of `section` in the books of `citizens`, in one query,
/// by citizen (newest first). For lists that read many books at once (the due lists); the
/// caller has authorized and logged every one of them.
pub async fn section_of_many(
    db: &impl ConnectionTrait,
    citizens: &[Uuid],
    section: healthbook_domain::book::Section,
) -> Result<HashMap<Uuid, Vec<BookEntry>>, ApiError> {
    let mut by_citizen: HashMap<Uuid, Vec<BookEntry>> = HashMap::new();
    if citizens.is_empty() {
        return Ok(by_citizen);
    }
    let rows = book_entry::Entity::find()
        .filter(book_entry::Column::CitizenId.is_in(citizens.iter().copied()))
        .filter(book_entry::Column::Section.eq(section.as_str()))
        .all(db)
        .await?;
    let mut rows: Vec<book_entry::Model> = latest_versions(rows).into_values().collect();
    rows.sort_by(|a, b| b.recorded_at.cmp(&a.recorded_at).then(b.id.cmp(&a.id)));
    // Facility names are not needed by those lists.
    let names = HashMap::new();
    for row in rows {
        let citizen = row.citizen_id;
        by_citizen
            .entry(citizen)
            .or_default()
            .push(to_view(row, &names)?);
    }
    Ok(by_citizen)
}

/// One entry of `cid`'s book as `selection` shows it, or none: only that entry's versions are
/// read.
pub async fn entry(
    db: &impl ConnectionTrait,
    cid: Uuid,
    entry_id: Uuid,
    selection: Selection,
) -> Result<Option<BookEntry>, ApiError> {
    let rows = book_entry::Entity::find()
        .filter(book_entry::Column::CitizenId.eq(cid))
        .filter(book_entry::Column::EntryId.eq(entry_id))
        .all(db)
        .await?;
    Ok(shown(db, rows, selection).await?.pop())
}

/// The latest version of each entry among `rows` that `selection` shows, newest first.
async fn shown(
    db: &impl ConnectionTrait,
    rows: Vec<book_entry::Model>,
    selection: Selection,
) -> Result<Vec<BookEntry>, ApiError> {
    let sections = selection.sections;
    let mut rows: Vec<book_entry::Model> = latest_versions(rows)
        .into_values()
        .filter(|row| {
            selection.categories.shows(
                row.category
                    .as_deref()
                    .and_then(healthbook_domain::book::Category::parse),
            )
        })
        .filter(|row| {
            healthbook_domain::book::Section::parse(&row.section)
                .is_some_and(|section| sections.contains(section))
        })
        .filter(|row| selection.since.is_none_or(|since| row.recorded_at > since))
        .collect();
    rows.sort_by(|a, b| b.recorded_at.cmp(&a.recorded_at).then(b.id.cmp(&a.id)));
    let names = facility_names(db, rows.iter().filter_map(|r| r.facility_id)).await?;
    rows.into_iter().map(|row| to_view(row, &names)).collect()
}

async fn view(db: &impl ConnectionTrait, row: book_entry::Model) -> Result<BookEntry, ApiError> {
    let names = facility_names(db, row.facility_id).await?;
    to_view(row, &names)
}

/// Names of the facilities that wrote entries, by id.
pub async fn facility_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, ApiError> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(facility::Entity::find()
        .filter(facility::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect())
}

fn to_view(row: book_entry::Model, names: &HashMap<Uuid, String>) -> Result<BookEntry, ApiError> {
    let body: EntryBody = serde_json::from_str(&row.body).map_err(ApiError::internal)?;
    let unknown = || ApiError::internal(anyhow::anyhow!("book entry with an unknown code"));
    let kind = EntryKind::parse(&row.kind).ok_or_else(unknown)?;
    Ok(BookEntry {
        entry_id: row.entry_id,
        version: u32::try_from(row.version).map_err(|_| unknown())?,
        status: EntryStatus::parse(&row.status).ok_or_else(unknown)?,
        section: kind.section(),
        category: row
            .category
            .as_deref()
            .and_then(healthbook_domain::book::Category::parse),
        reason: row.reason,
        provenance: Provenance {
            source: Source::parse(&row.source).ok_or_else(unknown)?,
            author_role: AuthorRole::parse(&row.author_role).ok_or_else(unknown)?,
            author_name: row.author_name,
            facility_id: row.facility_id,
            facility_name: row.facility_id.and_then(|id| names.get(&id).cloned()),
            recorded_at: row.recorded_at,
            self_reported: row.self_reported,
        },
        body,
    })
}
