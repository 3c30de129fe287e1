//! One visit of an accepted envelope into the intake's records and, when its citizen has a
//! book, into that book: the first version appends an encounter, a changed resend corrects
//! it (the earlier version stays in the book's history and in the intake's), the same
//! content again changes nothing. A visit whose citizen has no book waits, matched by the
//! identification number, and is written when a verified book with that number is opened.
//!
//! A book is found only by a number the registry verified: an unverified holder of a number
//! may not be its owner, and a facility's visit is not theirs to read. And the book's owner
//! must have been born when the facility says its patient was: otherwise the number may be
//! mistyped, and the visit is held, in no book, until the facility corrects it.

use super::births::expect_children;
use super::caller::FacilitySystem;
use super::entities::{facility_system, intake_receipt, intake_visit};
use crate::auth::entities::citizen;
use crate::authz::record::open_for_intake;
use crate::book::entities::{book_entry, insurance_card};
use crate::book::store::{self, Author, Revision};
use crate::booking::entities::facility;
use crate::error::ApiError;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use healthbook_domain::ProblemCode;
use healthbook_domain::account::Verification;
use healthbook_domain::book::{AuthorRole, EntryBody, Source};
use healthbook_domain::ingest::{IntakeWarning, ReceiptVisit, VisitFate};
use healthbook_domain::xml130::{self, Limits, RawVisit, Visit, envelope};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use uuid::Uuid;

const IMPORTED: &str = "imported";
const WAITING: &str = "waiting";
const SUPERSEDED: &str = "superseded";
const HELD: &str = "held";

/// The files of a visit as sent: `LOAIHOSO` and the decoded bytes.
pub type Files = Vec<(String, Vec<u8>)>;

fn content_hash(files: &Files) -> String {
    let mut hasher = Sha256::new();
    for (kind, bytes) in files {
        hasher.update(kind.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    }
    hex::encode(hasher.finalize())
}

pub(super) fn author(system: Uuid, name: &str, facility: Uuid) -> Author {
    Author {
        role: AuthorRole::FacilitySystem,
        source: Source::FacilitySystem,
        account: Some(system),
        name: Some(name.to_owned()),
        facility: Some(facility),
    }
}

/// The verified book the visit is about: by identification number, else by insurance card.
async fn book_of(
    db: &impl ConnectionTrait,
    patient: &xml130::book::Patient,
) -> Result<Option<citizen::Model>, ApiError> {
    let verified = citizen::Column::Verification.eq(Verification::Verified.as_str());
    if let Some(number) = &patient.national_id {
        let found = citizen::Entity::find()
            .filter(citizen::Column::NationalId.eq(number.as_str()))
            .filter(verified.clone())
            .one(db)
            .await?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let Some(card) = &patient.insurance_number else {
        return Ok(None);
    };
    let Some(holder) = insurance_card::Entity::find()
        .filter(insurance_card::Column::Number.eq(card.as_str()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(citizen::Entity::find_by_id(holder.citizen_id)
        .filter(verified)
        .one(db)
        .await?)
}

/// Who writes a visit into a book: the system, for its facility, under a receipt.
pub(super) struct Writing<'a> {
    pub author: &'a Author,
    pub facility: Uuid,
    pub receipt: Uuid,
    pub now: DateTime<Utc>,
}

/// The visit's encounter, checked by the book's rules before anything is written.
fn checked_encounter(
    visit: &Visit,
    facility: Uuid,
    now: DateTime<Utc>,
) -> Result<EntryBody, ApiError> {
    let mut body = EntryBody::Encounter(xml130::book::encounter(visit, facility));
    store::check(&mut body, now, &format!("hoso[{}].book.", visit.index))?;
    Ok(body)
}

/// Writes `body` in `cid`'s book (a correction of `earlier` when the visit was there before),
/// with the access-log line the write needs; returns the entry's id.
async fn write_encounter(
    txn: &DatabaseTransaction,
    writing: &Writing<'_>,
    cid: Uuid,
    body: EntryBody,
    earlier: Option<Uuid>,
) -> Result<Uuid, ApiError> {
    let Writing {
        author,
        facility,
        receipt,
        now,
    } = *writing;
    let system = author.account.unwrap_or_default();
    open_for_intake(txn, system, facility, cid, receipt, now).await?;
    let latest = match earlier {
        Some(entry) => {
            book_entry::Entity::find()
                .filter(book_entry::Column::EntryId.eq(entry))
                .filter(book_entry::Column::CitizenId.eq(cid))
                .order_by_desc(book_entry::Column::Version)
                .one(txn)
                .await?
        }
        None => None,
    };
    let entry = match latest {
        Some(latest) => {
            let base = u32::try_from(latest.version).unwrap_or_default();
            let revision = Revision::Correct {
                body: Box::new(body),
                reason: "Cơ sở gửi lại hồ sơ lượt khám đã sửa.".to_owned(),
            };
            store::revise(txn, cid, latest.entry_id, base, author, revision, now).await?
        }
        None => store::append(txn, cid, author, body, now).await?,
    };
    Ok(entry.entry_id)
}

/// One visit of an accepted envelope.
pub async fn take_in(
    txn: &DatabaseTransaction,
    system: &FacilitySystem,
    receipt: Uuid,
    visit: Visit,
    files: Files,
    now: DateTime<Utc>,
) -> Result<ReceiptVisit, ApiError> {
    let hash = content_hash(&files);
    let warnings = visit
        .warnings
        .iter()
        .map(|w| IntakeWarning {
            field: w.field.clone(),
            code: w.code.clone(),
        })
        .collect();
    let previous = intake_visit::Entity::find()
        .filter(intake_visit::Column::FacilityId.eq(system.facility_id))
        .filter(intake_visit::Column::MaLk.eq(visit.ma_lk.as_str()))
        .order_by_desc(intake_visit::Column::Version)
        .one(txn)
        .await?;
    if let Some(previous) = previous.as_ref().filter(|p| p.content_hash == hash) {
        return Ok(ReceiptVisit {
            index: visit.index,
            ma_lk: visit.ma_lk,
            version: u32::try_from(previous.version).unwrap_or_default(),
            fate: VisitFate::Unchanged,
            warnings,
        });
    }
    let version = previous.as_ref().map_or(1, |p| p.version + 1);
    let patient = xml130::book::patient(&visit);
    let found = book_of(txn, &patient).await?;
    let held = found
        .as_ref()
        .is_some_and(|c| !patient.may_be_born_on(c.date_of_birth));
    let found_number = found.as_ref().map(|c| c.national_id.clone());
    let cid = found.filter(|_| !held).map(|c| c.id);
    let author = author(system.account_id, &system.name, system.facility_id);
    let entry = match cid {
        Some(cid) => {
            // A correction continues the entry only in the same book: a visit resent with
            // another person's number is that person's visit.
            let earlier = previous
                .as_ref()
                .filter(|p| p.citizen_id == Some(cid))
                .and_then(|p| p.entry_id);
            let body = checked_encounter(&visit, system.facility_id, now)?;
            let writing = Writing {
                author: &author,
                facility: system.facility_id,
                receipt,
                now,
            };
            let written = write_encounter(txn, &writing, cid, body, earlier).await?;
            let number = found_number.as_deref().unwrap_or_default();
            expect_children(txn, &visit, cid, number, &writing).await?;
            Some(written)
        }
        None => None,
    };
    if let Some(previous) = &previous {
        intake_visit::Entity::update_many()
            .col_expr(intake_visit::Column::Status, Expr::value(SUPERSEDED))
            .filter(intake_visit::Column::Id.eq(previous.id))
            .exec(txn)
            .await?;
    }
    let stored: BTreeMap<&str, String> = files
        .iter()
        .map(|(kind, bytes)| (kind.as_str(), STANDARD.encode(bytes)))
        .collect();
    intake_visit::Entity::insert(intake_visit::ActiveModel {
        id: Set(Uuid::now_v7()),
        facility_id: Set(system.facility_id),
        ma_lk: Set(visit.ma_lk.clone()),
        version: Set(version),
        content_hash: Set(hash),
        receipt_id: Set(receipt),
        files: Set(serde_json::to_string(&stored).map_err(ApiError::internal)?),
        national_id: Set(patient.national_id.clone()),
        insurance_number: Set(patient.insurance_number.clone()),
        citizen_id: Set(cid),
        entry_id: Set(entry),
        status: Set(match (cid, held) {
            (Some(_), _) => IMPORTED,
            (None, true) => HELD,
            (None, false) => WAITING,
        }
        .to_owned()),
        received_at: Set(now),
    })
    .exec_without_returning(txn)
    .await
    // Another envelope with this visit committed first: the sender sends again.
    .map_err(|error| {
        let error = ApiError::from(error);
        if error.code == ProblemCode::UniqueViolation.as_str() {
            ApiError::conflict(ProblemCode::IntakeConflict)
        } else {
            error
        }
    })?;
    Ok(ReceiptVisit {
        index: visit.index,
        ma_lk: visit.ma_lk,
        version: u32::try_from(version).unwrap_or_default(),
        fate: match (cid, held) {
            (Some(_), _) => VisitFate::Imported,
            (None, true) => VisitFate::Held,
            (None, false) => VisitFate::Waiting,
        },
        warnings,
    })
}

/// Writes into the new book `cid` (its number `national_id` verified, its owner born on
/// `born_on`) every visit that waited for it, in the transaction that opens the book.
pub async fn claim_waiting(
    txn: &DatabaseTransaction,
    cid: Uuid,
    national_id: &str,
    born_on: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let waiting = intake_visit::Entity::find()
        .filter(intake_visit::Column::NationalId.eq(national_id))
        .filter(intake_visit::Column::Status.eq(WAITING))
        .order_by_asc(intake_visit::Column::ReceivedAt)
        .all(txn)
        .await?;
    for row in waiting {
        let receipt = intake_receipt::Entity::find_by_id(row.receipt_id)
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("intake visit without receipt")))?;
        let system = facility_system::Entity::find_by_id(receipt.system_id)
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("receipt without system")))?;
        let code = facility::Entity::find_by_id(row.facility_id)
            .one(txn)
            .await?
            .map(|f| f.code)
            .unwrap_or_default();
        // A visit that no longer reads, or whose patient was born on another day, waits for
        // someone to look at it: it never stops a person's book from opening.
        let body = kept_visit(&row.files, &code).and_then(|visit| {
            if xml130::book::patient(&visit).may_be_born_on(born_on) {
                checked_encounter(&visit, row.facility_id, now)
            } else {
                Err(ApiError::not_found())
            }
        });
        let Ok(body) = body else {
            tracing::warn!(intake_visit = %row.id, "a waiting visit cannot be placed in the new book; held");
            intake_visit::Entity::update_many()
                .col_expr(intake_visit::Column::Status, Expr::value(HELD))
                .filter(intake_visit::Column::Id.eq(row.id))
                .exec(txn)
                .await?;
            continue;
        };
        let author = author(system.id, &system.name, row.facility_id);
        let writing = Writing {
            author: &author,
            facility: row.facility_id,
            receipt: row.receipt_id,
            now,
        };
        let entry = write_encounter(txn, &writing, cid, body, None).await?;
        if let Ok(visit) = kept_visit(&row.files, &code) {
            expect_children(txn, &visit, cid, national_id, &writing).await?;
        }
        intake_visit::Entity::update_many()
            .col_expr(intake_visit::Column::Status, Expr::value(IMPORTED))
            .col_expr(intake_visit::Column::CitizenId, Expr::value(cid))
            .col_expr(intake_visit::Column::EntryId, Expr::value(entry))
            .filter(intake_visit::Column::Id.eq(row.id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// A kept visit read back: it passed when it came, and reads the same now.
fn kept_visit(files: &str, facility_code: &str) -> Result<Visit, ApiError> {
    let stored: BTreeMap<String, String> =
        serde_json::from_str(files).map_err(ApiError::internal)?;
    let limits = Limits::default();
    let mut raw = RawVisit {
        index: 1,
        files: Vec::new(),
    };
    for (kind, encoded) in stored {
        let bytes = STANDARD.decode(encoded).map_err(ApiError::internal)?;
        raw.files.push(envelope::file(kind, bytes, &limits));
    }
    xml130::check(raw, facility_code)
        .map_err(|_| ApiError::internal(anyhow::anyhow!("a kept visit no longer passes")))
}
