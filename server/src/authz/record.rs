//! Access to a citizen's health book by anyone: the citizen, a guardian, or a professional
//! through one of the three relationships the law allows — care (checked in at their
//! facility today), a consent that names their facility (or them), or a break-glass opening —
//! and, while a citizen's correction request is open, the writing facility's hold on the one
//! entry it is about; and the access-log entry every access but the citizen's own leaves.
//!
//! A caller with no relationship gets the same 404 as for an id that does not exist, after
//! the same queries, so a refusal tells nothing about whether the citizen exists.

use super::{Action, is_guardian};
use crate::auth::actor::{AccountKind, Actor};
use crate::book::entities::{
    access_log, book_entry, break_glass, care_episode, consent, data_request,
};
use crate::booking::entities::{appointment, practitioner};
use crate::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::account::StaffRole;
use healthbook_domain::book::access::{CARE_ROLES, EpisodeKind, care_sections};
use healthbook_domain::book::requests::{RequestKind, RequestStatus};
use healthbook_domain::book::{AccessAction, AccessBasis, Categories, Category, Section, Sections};
use healthbook_domain::booking::AppointmentStatus;
use healthbook_domain::vaccine::doses::LATE_RECORDING_DAYS;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
};
use uuid::Uuid;

/// What a caller may see of one book, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordGrant {
    pub basis: Basis,
    /// The sections asked for that the basis opens; never empty.
    pub sections: Sections,
    /// The sensitive categories the basis opens.
    pub categories: Categories,
}

/// What put the citizen in a professional's care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CareVia {
    /// Checked in today for this appointment.
    CheckIn(Uuid),
    /// An open episode (a vaccination, a teleconsultation, a home visit).
    Episode(Uuid),
}

impl CareVia {
    pub fn id(self) -> Uuid {
        match self {
            CareVia::CheckIn(id) | CareVia::Episode(id) => id,
        }
    }
}

/// The relationship that opened the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Own,
    Guardian,
    Care {
        facility: Uuid,
        role: StaffRole,
        via: CareVia,
    },
    Consent {
        facility: Uuid,
        role: StaffRole,
        consent: Uuid,
    },
    BreakGlass {
        facility: Uuid,
        opening: Uuid,
    },
    /// The citizen asked this facility, which wrote `entry`, to correct it: its doctors may
    /// read the entry's section and revise that entry alone while the request is open.
    Correction {
        facility: Uuid,
        role: StaffRole,
        request: Uuid,
        entry: Uuid,
    },
}

impl Basis {
    /// The professional role and facility behind the access, for staff bases.
    pub fn staff(self) -> Option<(StaffRole, Uuid)> {
        match self {
            Basis::Care { facility, role, .. }
            | Basis::Consent { facility, role, .. }
            | Basis::Correction { facility, role, .. } => Some((role, facility)),
            Basis::BreakGlass { facility, .. } => Some((StaffRole::Doctor, facility)),
            Basis::Own | Basis::Guardian => None,
        }
    }

    fn logged(self) -> Option<(AccessBasis, Option<Uuid>)> {
        match self {
            Basis::Own => None,
            Basis::Guardian => Some((AccessBasis::Guardian, None)),
            Basis::Care { via, .. } => Some((AccessBasis::Care, Some(via.id()))),
            Basis::Consent { consent, .. } => Some((AccessBasis::Consent, Some(consent))),
            Basis::BreakGlass { opening, .. } => Some((AccessBasis::BreakGlass, Some(opening))),
            Basis::Correction { request, .. } => Some((AccessBasis::Correction, Some(request))),
        }
    }
}

/// Decides access to the sections `wanted` of `cid`'s book. Reads may be partial (the book
/// shows what the basis opens); a write needs every section it touches. Consent opens
/// reading only: writing needs the patient in front of the professional, or an emergency.
pub(crate) async fn record_access(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    cid: Uuid,
    wanted: Sections,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<RecordGrant, ApiError> {
    let write = match action {
        Action::ReadHealthRecord => false,
        Action::WriteHealthRecord => true,
        _ => return Err(ApiError::not_found()),
    };
    if actor.citizen_id == Some(cid) {
        return Ok(full(Basis::Own, wanted));
    }
    if let Some(guardian) = actor.citizen_id
        && is_guardian(db, guardian, cid, today).await?
    {
        return Ok(full(Basis::Guardian, wanted));
    }
    if actor.kind != AccountKind::Staff {
        return Err(ApiError::not_found());
    }
    let candidates = staff_bases(db, actor, cid, now, today, write).await?;
    let best = candidates
        .into_iter()
        .map(|(basis, sections, categories)| RecordGrant {
            basis,
            sections: sections.intersect(wanted),
            categories,
        })
        .filter(|grant| !grant.sections.is_empty())
        .filter(|grant| !write || grant.sections == wanted)
        // The basis that opens most of what was asked, then most categories; on a tie the
        // earlier (care first).
        .fold(None::<RecordGrant>, |best, grant| match best {
            Some(b) if breadth(&b) >= breadth(&grant) => Some(b),
            _ => Some(grant),
        });
    best.ok_or_else(ApiError::not_found)
}

fn breadth(grant: &RecordGrant) -> (usize, usize) {
    (grant.sections.list().len(), grant.categories.list().len())
}

fn full(basis: Basis, wanted: Sections) -> RecordGrant {
    RecordGrant {
        basis,
        sections: wanted,
        categories: Categories::ALL,
    }
}

/// The facilities where the caller treats patients, with the role they hold there.
fn care_facilities(actor: &Actor) -> Vec<(Uuid, StaffRole)> {
    let mut facilities: Vec<(Uuid, StaffRole)> = Vec::new();
    for role in CARE_ROLES {
        for facility in actor.facilities_with(role) {
            if !facilities.iter().any(|(f, _)| *f == facility) {
                facilities.push((facility, role));
            }
        }
    }
    facilities
}

/// Every relationship a professional holds with `cid` right now, care first. The queries
/// run whatever the outcome, so that a refusal costs what an acceptance does, and they run
/// together: on a pool each has its own connection, so a professional's read waits for the
/// slowest, not for their sum (in a writing transaction they simply take turns).
async fn staff_bases(
    db: &impl ConnectionTrait,
    actor: &Actor,
    cid: Uuid,
    now: DateTime<Utc>,
    today: NaiveDate,
    write: bool,
) -> Result<Vec<(Basis, Sections, Categories)>, ApiError> {
    let facilities = care_facilities(actor);
    let ids: Vec<Uuid> = facilities.iter().map(|(f, _)| *f).collect();
    let role_at = |facility: Uuid| {
        facilities
            .iter()
            .find(|(f, _)| *f == facility)
            .map(|(_, role)| *role)
    };
    let doctor_at: Vec<Uuid> = actor.facilities_with(StaffRole::Doctor).collect();

    // A visit puts the citizen in care on its day. A vaccinator may still write the dose
    // given at it for `LATE_RECORDING_DAYS` after: a phone at an outreach site with no
    // network records it when it syncs (`AdministerRequest::given_on`).
    let first_day = if write {
        today - chrono::Days::new(LATE_RECORDING_DAYS)
    } else {
        today
    };
    let checked_in = appointment::Entity::find()
        .filter(appointment::Column::CitizenId.eq(cid))
        .filter(appointment::Column::FacilityId.is_in(ids.clone()))
        .filter(appointment::Column::LocalDate.between(first_day, today))
        .filter(appointment::Column::Status.eq(AppointmentStatus::CheckedIn.as_str()))
        .all(db);
    let episodes = care_episode::Entity::find()
        .filter(care_episode::Column::CitizenId.eq(cid))
        .filter(care_episode::Column::FacilityId.is_in(ids.clone()))
        .filter(care_episode::Column::ClosedAt.is_null())
        .filter(care_episode::Column::OpenedAt.lte(now))
        .filter(care_episode::Column::EndsAt.gt(now))
        .all(db);
    // A consent opens reading only, and a break-glass opening is a doctor's: a write, or a
    // caller who is no doctor, does not ask. That depends on the caller, never on the citizen,
    // so a refusal still costs what an acceptance does.
    let consents = consent::Entity::find()
        .filter(consent::Column::CitizenId.eq(cid))
        .filter(consent::Column::FacilityId.is_in(ids.clone()))
        // A consent naming one practitioner opens to the account that signs in as them only.
        .filter(
            Condition::any()
                .add(consent::Column::PractitionerId.is_null())
                .add(
                    consent::Column::PractitionerId.in_subquery(
                        Query::select()
                            .column(practitioner::Column::Id)
                            .from(practitioner::Entity)
                            .and_where(practitioner::Column::AccountId.eq(actor.account_id))
                            .to_owned(),
                    ),
                ),
        )
        .filter(consent::Column::WithdrawnAt.is_null())
        .filter(consent::Column::ValidFrom.lte(now))
        .filter(consent::Column::ValidUntil.gte(today));
    let consents = async {
        if write {
            Ok(Vec::new())
        } else {
            consents.all(db).await
        }
    };
    // Every request of the citizen: a restriction among them stops older consents, and an
    // open correction opens its entry to the facility that wrote it.
    let requests = data_request::Entity::find()
        .filter(data_request::Column::CitizenId.eq(cid))
        .all(db);
    let no_doctor = doctor_at.is_empty();
    let openings = break_glass::Entity::find()
        .filter(break_glass::Column::CitizenId.eq(cid))
        .filter(break_glass::Column::AccountId.eq(actor.account_id))
        .filter(break_glass::Column::FacilityId.is_in(doctor_at))
        .filter(break_glass::Column::ExpiresAt.gt(now));
    let openings = async {
        if no_doctor {
            Ok(Vec::new())
        } else {
            openings.all(db).await
        }
    };
    let (checked_in, episodes, consents, requests, openings) =
        tokio::try_join!(checked_in, episodes, consents, requests, openings)?;

    let mut bases = Vec::new();
    for visit in checked_in {
        let late = visit.local_date != today;
        if let Some(role) =
            role_at(visit.facility_id).filter(|role| !late || *role == StaffRole::Vaccinator)
        {
            bases.push((
                Basis::Care {
                    facility: visit.facility_id,
                    role,
                    via: CareVia::CheckIn(visit.id),
                },
                care_sections(role),
                Categories::NONE,
            ));
        }
    }
    for episode in episodes {
        if let (Some(role), Some(kind)) = (
            role_at(episode.facility_id),
            EpisodeKind::parse(&episode.kind),
        ) {
            bases.push((
                Basis::Care {
                    facility: episode.facility_id,
                    role,
                    via: CareVia::Episode(episode.id),
                },
                care_sections(role).intersect(kind.sections()),
                Categories::NONE,
            ));
        }
    }
    // A restriction stops the sharing consented to before it.
    let restricted_since = crate::book::requests::restricted_since_among(&requests);
    if !write {
        for given in consents {
            let before_restriction =
                restricted_since.is_some_and(|since| given.valid_from <= since);
            if let (Some(role), false) = (role_at(given.facility_id), before_restriction) {
                bases.push((
                    Basis::Consent {
                        facility: given.facility_id,
                        role,
                        consent: given.id,
                    },
                    Sections::from_stored(&given.sections),
                    Categories::from_stored(&given.categories),
                ));
            }
        }
    }
    bases.extend(corrections(db, cid, requests, &facilities).await?);
    for opening in openings {
        bases.push((
            Basis::BreakGlass {
                facility: opening.facility_id,
                opening: opening.id,
            },
            // An emergency opens the book, but not the sensitive categories: those only
            // ever open under a consent that names them.
            Sections::ALL,
            Categories::NONE,
        ));
    }
    Ok(bases)
}

/// The open correction requests among `requests` routed to one of `facilities`, each opening
/// the section (and the sensitive category) of the entry to be corrected.
async fn corrections(
    db: &impl ConnectionTrait,
    cid: Uuid,
    requests: Vec<data_request::Model>,
    facilities: &[(Uuid, StaffRole)],
) -> Result<Vec<(Basis, Sections, Categories)>, ApiError> {
    let routed_here = |request: &data_request::Model| {
        request.kind == RequestKind::Correction.as_str()
            && RequestStatus::parse(&request.status).is_some_and(RequestStatus::is_open)
            && request
                .facility_id
                .is_some_and(|f| facilities.iter().any(|(mine, _)| *mine == f))
    };
    let requests: Vec<data_request::Model> = requests.into_iter().filter(routed_here).collect();
    let entries: Vec<Uuid> = requests.iter().filter_map(|r| r.entry_id).collect();
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    // The latest version says where the entry is now (a correction may move its category).
    let latest = crate::book::store::latest_versions(
        book_entry::Entity::find()
            .filter(book_entry::Column::CitizenId.eq(cid))
            .filter(book_entry::Column::EntryId.is_in(entries))
            .all(db)
            .await?,
    );
    let mut bases = Vec::new();
    for request in requests {
        let (Some(facility), Some(entry)) = (
            request.facility_id,
            request.entry_id.and_then(|e| latest.get(&e)),
        ) else {
            continue;
        };
        let role = facilities.iter().find(|(f, _)| *f == facility);
        let section = Section::parse(&entry.section);
        if let (Some((_, role)), Some(section)) = (role, section) {
            let category = entry.category.as_deref().and_then(Category::parse);
            bases.push((
                Basis::Correction {
                    facility,
                    role: *role,
                    request: request.id,
                    entry: entry.entry_id,
                },
                Sections::one(section),
                Categories::of(&category.into_iter().collect::<Vec<_>>()),
            ));
        }
    }
    Ok(bases)
}

/// Writes the access-log entry for `grant`, unless it is the citizen's own access. On a
/// write, `db` is the writing transaction, so the entry and the write stand or fall together;
/// on a read, a failure here refuses the read.
pub(crate) async fn log_access(
    db: &impl ConnectionTrait,
    actor: &Actor,
    cid: Uuid,
    grant: &RecordGrant,
    action: AccessAction,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let Some((basis, basis_id)) = grant.basis.logged() else {
        return Ok(());
    };
    let (role, facility) = match grant.basis.staff() {
        Some((role, facility)) => (role.as_str(), Some(facility)),
        None => ("guardian", None),
    };
    insert(
        db,
        LogLine {
            citizen: cid,
            actor: actor.account_id,
            role,
            facility,
            basis,
            basis_id,
            basis_ref: None,
            action,
            sections: grant.sections,
        },
        now,
    )
    .await
}

/// One line of the access log.
pub(crate) struct LogLine<'a> {
    pub citizen: Uuid,
    pub actor: Uuid,
    pub role: &'a str,
    pub facility: Option<Uuid>,
    pub basis: AccessBasis,
    pub basis_id: Option<Uuid>,
    /// How a lookup found the citizen (`appointment_code`, `national_id`, …).
    pub basis_ref: Option<&'a str>,
    pub action: AccessAction,
    pub sections: Sections,
}

pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    line: LogLine<'_>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    access_log::Entity::insert(access_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        citizen_id: Set(line.citizen),
        at: Set(now),
        actor_account_id: Set(line.actor),
        actor_role: Set(line.role.to_owned()),
        facility_id: Set(line.facility),
        basis: Set(line.basis.as_str().to_owned()),
        basis_id: Set(line.basis_id),
        basis_ref: Set(line.basis_ref.map(str::to_owned)),
        action: Set(line.action.as_str().to_owned()),
        sections: Set(line.sections.to_stored()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Why a facility's staff see many people at once: a due list of the commune (public-health
/// outreach, section III), or the facility's visits written out for the insurer (section IV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Outreach,
    Export,
}

/// Writes one access-log line for each citizen a listing shows, in one statement: the answer
/// waits for it, and a listing whose lines cannot be written is refused.
pub(crate) async fn log_listing(
    db: &impl ConnectionTrait,
    actor: &Actor,
    (role, facility): (StaffRole, Uuid),
    listing: Listing,
    citizens: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if citizens.is_empty() {
        return Ok(());
    }
    let (basis, section) = match listing {
        Listing::Outreach => (AccessBasis::Outreach, Section::Immunizations),
        Listing::Export => (AccessBasis::Export, Section::Visits),
    };
    let sections = Sections::one(section).to_stored();
    let lines = citizens.iter().map(|cid| access_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        citizen_id: Set(*cid),
        at: Set(now),
        actor_account_id: Set(actor.account_id),
        actor_role: Set(role.as_str().to_owned()),
        facility_id: Set(Some(facility)),
        basis: Set(basis.as_str().to_owned()),
        basis_id: Set(None),
        basis_ref: Set(None),
        action: Set(AccessAction::Read.as_str().to_owned()),
        sections: Set(sections.clone()),
    });
    access_log::Entity::insert_many(lines)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Opens `cid`'s book to a facility's system for the record of one visit the facility sent
/// (receipt `receipt`): it writes section IV and reads nothing, and the citizen's access log
/// names the system, its facility and the receipt. The system's key was checked before;
/// what it may send is its own facility's visits (the files' facility code is the key's).
pub(crate) async fn open_for_intake(
    db: &impl ConnectionTrait,
    system: Uuid,
    facility: Uuid,
    cid: Uuid,
    receipt: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    insert(
        db,
        LogLine {
            citizen: cid,
            actor: system,
            role: "facility_system",
            facility: Some(facility),
            basis: AccessBasis::Intake,
            basis_id: Some(receipt),
            basis_ref: None,
            action: AccessAction::Write,
            sections: Sections::one(Section::Visits),
        },
        now,
    )
    .await
}

/// Writes the trace of a professional finding `cid` (by `method`): the citizen sees who
/// looked them up, even when nothing of the book was read afterwards.
pub(crate) async fn log_lookup(
    db: &impl ConnectionTrait,
    actor: &Actor,
    cid: Uuid,
    role: StaffRole,
    facility: Uuid,
    method: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    insert(
        db,
        LogLine {
            citizen: cid,
            actor: actor.account_id,
            role: role.as_str(),
            facility: Some(facility),
            basis: AccessBasis::Lookup,
            basis_id: None,
            basis_ref: Some(method),
            action: AccessAction::Find,
            sections: Sections::NONE,
        },
        now,
    )
    .await
}
