//! One imported dose, in the caller's transaction: the person matched by national identifier
//! and birth date, the book opened through a vaccination episode at the importing facility
//! (so the authorization module decides and logs it, as for any care), and the dose written,
//! corrected or withdrawn as its source id's row says.
//!
//! Imported doses are written by the importing vaccinator with the source `import`: the
//! schedule engine counts them as it counts every dose a health worker stands behind
//! (`DoseHistory::from_book`), and never one a citizen declared alone.

use super::super::entities::immunization_import;
use crate::auth::actor::Actor;
use crate::auth::entities::citizen;
use crate::book::entities::book_entry;
use crate::book::episodes;
use crate::book::store::{self, Revision, Selection};
use crate::book::write::open_for_writing;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use healthbook_domain::ProblemCode;
use healthbook_domain::book::access::EpisodeKind;
use healthbook_domain::book::{
    Categories, EntryBody, EntryKind, EntryStatus, Section, Sections, Source,
};
use healthbook_domain::fhir::exchange::{
    Imported, ImportedDose, Refusal, SID_IMMUNIZATION, SourceId,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

/// What an import did with a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created(Uuid),
    Corrected(Uuid),
    Unchanged(Uuid),
    Withdrawn(Uuid),
}

impl Outcome {
    pub fn entry_id(self) -> Uuid {
        match self {
            Outcome::Created(id)
            | Outcome::Corrected(id)
            | Outcome::Unchanged(id)
            | Outcome::Withdrawn(id) => id,
        }
    }
}

/// A resource refused for what it says, or a failure of the server.
#[derive(Debug)]
pub enum Failure {
    Refused(Refusal),
    Error(ApiError),
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Failure {
        Failure::Error(error)
    }
}

impl From<sea_orm::DbErr> for Failure {
    fn from(error: sea_orm::DbErr) -> Failure {
        Failure::Error(error.into())
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Failure {
        Failure::Refused(refusal)
    }
}

/// Imports `imported` for `facility`, whose vaccinator `actor` is, in `txn`.
pub async fn import(
    state: &crate::state::AppState,
    txn: &DatabaseTransaction,
    actor: &Actor,
    facility: Uuid,
    imported: &Imported,
    now: DateTime<Utc>,
) -> Result<Outcome, Failure> {
    let source = imported.source();
    let row = immunization_import::Entity::find()
        .filter(immunization_import::Column::SourceSystem.eq(&source.system))
        .filter(immunization_import::Column::SourceId.eq(&source.value))
        .one(txn)
        .await?;
    let dose = match imported {
        Imported::EnteredInError(_) => {
            let Some(row) = row else {
                return Err(Refusal::StatusNotCompleted.into());
            };
            if row.status == EntryStatus::EnteredInError.as_str() {
                return Ok(Outcome::Unchanged(row.book_entry_id));
            }
            let reason = format!("Withdrawn by the source system {}", source.system);
            let writer = Writer::open(state, txn, actor, row.citizen_id, facility, now).await?;
            let written = writer
                .revise(txn, &row, Revision::EnteredInError { reason }, now)
                .await;
            writer.close(txn, now).await?;
            written?;
            update(
                txn,
                &row,
                EntryStatus::EnteredInError,
                &row.fingerprint,
                now,
            )
            .await?;
            return Ok(Outcome::Withdrawn(row.book_entry_id));
        }
        Imported::Given(dose) => dose,
    };
    let cid = matched(txn, dose).await?;
    if let Some(own) = own_dose(txn, cid, source).await? {
        return Ok(Outcome::Unchanged(own));
    }
    let fingerprint = dose.fingerprint();
    match row {
        // A source id that named someone else is not moved to another person.
        Some(row) if row.citizen_id != cid => Err(Refusal::PatientNotMatched.into()),
        // A withdrawn dose stays withdrawn: the source gives a dose given after all a new id.
        Some(row)
            if row.fingerprint == fingerprint
                || row.status == EntryStatus::EnteredInError.as_str() =>
        {
            Ok(Outcome::Unchanged(row.book_entry_id))
        }
        Some(row) => {
            let mut body = EntryBody::Immunization(dose.body(antigens(dose)?));
            store::check(&mut body, now, "").map_err(|_| Refusal::Malformed)?;
            let reason = format!("Corrected by the source system {}", source.system);
            let revision = Revision::Correct {
                body: Box::new(body),
                reason,
            };
            let writer = Writer::open(state, txn, actor, cid, facility, now).await?;
            let written = writer.revise(txn, &row, revision, now).await;
            writer.close(txn, now).await?;
            written?;
            update(txn, &row, EntryStatus::Corrected, &fingerprint, now).await?;
            Ok(Outcome::Corrected(row.book_entry_id))
        }
        None => {
            let mut body = EntryBody::Immunization(dose.body(antigens(dose)?));
            store::check(&mut body, now, "").map_err(|_| Refusal::Malformed)?;
            let writer = Writer::open(state, txn, actor, cid, facility, now).await?;
            let written = store::append(txn, cid, &writer.author, body, now).await;
            writer.close(txn, now).await?;
            let entry = written?;
            insert(txn, source, cid, facility, entry.entry_id, fingerprint, now).await?;
            Ok(Outcome::Created(entry.entry_id))
        }
    }
}

/// A dose this book exported, coming back: it is the book's own entry, not a second dose.
async fn own_dose(
    txn: &DatabaseTransaction,
    cid: Uuid,
    source: &SourceId,
) -> Result<Option<Uuid>, Failure> {
    if source.system != SID_IMMUNIZATION {
        return Ok(None);
    }
    let Ok(entry) = source.value.parse::<Uuid>() else {
        return Ok(None);
    };
    let found = book_entry::Entity::find()
        .filter(book_entry::Column::EntryId.eq(entry))
        .filter(book_entry::Column::CitizenId.eq(cid))
        .one(txn)
        .await?;
    Ok(found.map(|_| entry))
}

/// The citizen the dose names: the national identifier and the birth date must both match.
async fn matched(txn: &DatabaseTransaction, dose: &ImportedDose) -> Result<Uuid, Failure> {
    let person = citizen::Entity::find()
        .filter(citizen::Column::NationalId.eq(&dose.patient.national_id))
        .one(txn)
        .await?;
    match person {
        Some(person) if person.date_of_birth == dose.patient.birth_date => Ok(person.id),
        _ => Err(Refusal::PatientNotMatched.into()),
    }
}

fn antigens(dose: &ImportedDose) -> Result<Vec<String>, Failure> {
    dose.vaccine
        .antigens()
        .iter()
        .map(|a| {
            serde_json::to_value(a)
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .map_err(|e| Failure::Error(ApiError::internal(e)))
        })
        .collect()
}

/// The book opened for writing a dose at `facility`, through an episode that lasts the write.
struct Writer {
    author: store::Author,
    episode: Uuid,
}

impl Writer {
    async fn open(
        state: &crate::state::AppState,
        txn: &DatabaseTransaction,
        actor: &Actor,
        cid: Uuid,
        facility: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Writer, ApiError> {
        // Importing is work on the citizen's doses at the facility, as a correction is: it
        // opens a vaccination episode for the write, so the book is opened on a care basis
        // and logged, and closes it once written.
        let episode = episodes::open(
            txn,
            episodes::Opening {
                citizen: cid,
                facility,
                kind: EpisodeKind::Vaccination,
                opened_by: Some(actor.account_id),
                ends_at: now + chrono::Duration::minutes(15),
            },
            now,
        )
        .await?;
        let (_, mut author) =
            open_for_writing(state, txn, actor, cid, EntryKind::Immunization, None).await?;
        author.source = Source::Import;
        Ok(Writer { author, episode })
    }

    async fn revise(
        &self,
        txn: &DatabaseTransaction,
        row: &immunization_import::Model,
        revision: Revision,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let selection = Selection {
            sections: Sections::one(Section::Immunizations),
            categories: Categories::ALL,
            since: None,
        };
        let current = store::entry(txn, row.citizen_id, row.book_entry_id, selection)
            .await?
            .ok_or_else(ApiError::not_found)?;
        store::revise(
            txn,
            row.citizen_id,
            row.book_entry_id,
            current.version,
            &self.author,
            revision,
            now,
        )
        .await
        .map(|_| ())
    }

    async fn close(&self, txn: &DatabaseTransaction, now: DateTime<Utc>) -> Result<(), ApiError> {
        episodes::close(txn, self.episode, now).await
    }
}

async fn insert(
    txn: &DatabaseTransaction,
    source: &SourceId,
    cid: Uuid,
    facility: Uuid,
    entry: Uuid,
    fingerprint: String,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    immunization_import::Entity::insert(immunization_import::ActiveModel {
        id: Set(Uuid::now_v7()),
        source_system: Set(source.system.clone()),
        source_id: Set(source.value.clone()),
        citizen_id: Set(cid),
        facility_id: Set(facility),
        book_entry_id: Set(entry),
        fingerprint: Set(fingerprint),
        status: Set(EntryStatus::Recorded.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(txn)
    .await
    .map_err(ApiError::from)
    // The same resource imported twice at once: the source's unique index chose one.
    .map_err(|error| {
        if error.code == ProblemCode::UniqueViolation.as_str() {
            ApiError::conflict(ProblemCode::DuplicateDose)
        } else {
            error
        }
    })
    .map(|_| ())
}

async fn update(
    txn: &DatabaseTransaction,
    row: &immunization_import::Model,
    status: EntryStatus,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    immunization_import::Entity::update_many()
        .col_expr(
            immunization_import::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(
            immunization_import::Column::Fingerprint,
            Expr::value(fingerprint.to_owned()),
        )
        .col_expr(immunization_import::Column::UpdatedAt, Expr::value(now))
        .filter(immunization_import::Column::Id.eq(row.id))
        .exec(txn)
        .await?;
    Ok(())
}
