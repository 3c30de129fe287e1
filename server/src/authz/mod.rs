//! The one place that decides who may do what: `authorize(actor, action, resource)`, and the
//! scopes that restrict a lookup to what the caller may see ([`scope`]).
//!
//! Handlers never look at roles or relationships themselves; they name the action and the
//! resource and get back either the relationship that allowed it (so that reads by anyone
//! but the citizen can be written to the access log) or the error to return.
//!
//! The order of the checks is deliberate, and each step depends on the caller alone until
//! the last:
//! 1. enrolment sessions may only register a passkey;
//! 2. an action that needs a passkey session refuses a basic one with `step_up_required`;
//! 3. a caller whose roles can never allow the action is refused (403 on collections and
//!    the platform, 404 on a resource by id);
//! 4. only then is the resource looked up — through a scope that already holds only what the
//!    caller may see, so that a foreign id costs the same query as a missing one and gets
//!    the same 404.

pub mod record;
pub mod scope;

use crate::auth::actor::{AccountKind, Actor};
use crate::auth::entities::guardianship;
use crate::auth::error::AuthError;
use crate::error::ApiError;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::account::{Assurance, RoleGrant, StaffRole};
use healthbook_domain::book::Sections;
use healthbook_domain::problem::ProblemCode;
use healthbook_domain::units::AdminUnit;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

pub use record::{Basis, CareVia, RecordGrant};
pub use scope::{AppointmentScope, PractitionerScope, appointment_scope, practitioner_scope};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See one's own account, sessions and authentication events.
    ReadOwnAccount,
    /// Sign out, end one's other sessions.
    ManageOwnSessions,
    /// Register a passkey on one's own account; `first` when the account has none yet.
    EnrolPasskey { first: bool },
    /// Rename or remove passkeys.
    ManagePasskeys,
    /// Add dependents, accept an invitation to be a guardian.
    ManageDependents,
    /// Invite a second guardian for a dependent: its guardians only, not the child.
    InviteGuardian,
    /// An adult deciding who may keep acting as their guardian.
    ManageOwnGuardians,
    /// Book, cancel and reschedule for a citizen.
    BookFor,
    /// Cancel or move an appointment after the citizens' cut-off (the facility does).
    OverrideCutOff,
    /// Read a citizen's health book, certificates, consultation notes.
    ReadHealthRecord,
    /// Grant, list and withdraw consents, read the access log: the citizen's and their
    /// guardians' alone.
    ManageConsents,
    /// Change a citizen's profile or health record.
    WriteHealthRecord,
    /// Support: users, locks, sessions, audit search, recovery verification.
    Support,
    /// Create a staff account holding `role` (at `facility`).
    CreateStaff {
        role: StaffRole,
        facility: Option<Uuid>,
    },
    /// Lock an account; `of_support` when it belongs to a support officer.
    LockAccount { of_support: bool },
    /// Approve another officer's pending request.
    ApproveRequest { requested_by: Uuid },
    /// Manage a facility: its staff, schedules, day lists.
    ManageFacility,
    /// Register and change practitioners.
    ManagePractitioners,
    /// Staff work at a facility: check-in, doses, consultations.
    WorkAtFacility,
    /// A doctor of the facility opening a book in an emergency (break-glass).
    OpenInEmergency,
    /// Read statistics of an administrative unit.
    ReadStatistics,
    /// List the residents of the facility's commune who are due for a vaccine (public-health
    /// outreach): its vaccinators and administrators. Each person listed is a read of their
    /// record, logged with [`record::log_listing`].
    ListDue,
    /// Close the follow-up of a reaction after a dose: the staff of the facility that gave
    /// it, and the authorities of the unit the facility lies in.
    FollowUpReactions,
    /// Record where a province's programme has started the roadmap's vaccines: the authority
    /// of that province, or the country's.
    PlanProgramme,
}

impl Action {
    /// Locking the account that holds `roles`.
    pub fn lock_account(roles: &[RoleGrant]) -> Action {
        Action::LockAccount {
            of_support: roles.iter().any(|grant| grant.role == StaffRole::Support),
        }
    }

    /// Health data and every staff action need a passkey session (OWASP ASVS L3: email is
    /// not an authentication factor).
    fn needs_passkey(self, actor: &Actor) -> bool {
        match self {
            Action::ReadOwnAccount | Action::ManageOwnSessions => false,
            // The first passkey comes from a basic session; a further one from a basic
            // session would let an email code plant an attacker's passkey. An enrolment
            // session was opened by another proof (the staff code, a recovery) for this.
            Action::EnrolPasskey { first } => !first && actor.assurance != Assurance::Enrolment,
            Action::ManageDependents | Action::InviteGuardian | Action::BookFor => {
                actor.kind == AccountKind::Staff
            }
            _ => true,
        }
    }

    /// Actions on the caller's own record as a citizen: staff accounts have none.
    fn needs_own_citizen(self) -> bool {
        matches!(self, Action::ManageDependents | Action::ManageOwnGuardians)
    }
}

/// Requests that one support officer may make but only a second may carry out: creating a
/// support account and locking one. Either alone would let a single officer (or whoever
/// holds their passkey) mint or silence support accounts.
pub fn needs_second_officer(action: Action) -> bool {
    matches!(
        action,
        Action::CreateStaff {
            role: StaffRole::Support,
            ..
        } | Action::LockAccount { of_support: true }
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The caller's own account.
    OwnAccount,
    /// A citizen's record, by its opaque id.
    Citizen(Uuid),
    /// A facility, by id.
    Facility(Uuid),
    /// The platform as a whole (support work, staff accounts).
    Platform,
    /// An appointment the caller may already act on: its citizen's, and its facility's.
    Appointment { citizen: Uuid, facility: Uuid },
    /// A province or commune, for what concerns everyone in it (statistics).
    Unit(AdminUnit),
    /// Sections of a citizen's health book.
    Record { citizen: Uuid, sections: Sections },
}

/// Why access was granted: the access log records everything but `Own`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    Own,
    Guardian,
    Staff(StaffRole),
    /// Access to a health book: what it opens and on what basis.
    Record(RecordGrant),
}

impl Relationship {
    /// The grant of a [`Resource::Record`] decision.
    pub fn record(self) -> Result<RecordGrant, ApiError> {
        match self {
            Relationship::Record(grant) => Ok(grant),
            _ => Err(ApiError::not_found()),
        }
    }
}

/// The roles that work at a facility, the strongest first.
const FACILITY_WORK: [StaffRole; 3] = [
    StaffRole::FacilityAdmin,
    StaffRole::Doctor,
    StaffRole::Vaccinator,
];

/// The roles that list the due residents of their facility's commune.
const LIST_DUE: [StaffRole; 2] = [StaffRole::FacilityAdmin, StaffRole::Vaccinator];

/// Steps 1 and 2: what the session alone rules out, before anything is looked up.
fn gate(actor: &Actor, action: Action) -> Result<(), ApiError> {
    if actor.assurance == Assurance::Enrolment && !matches!(action, Action::EnrolPasskey { .. }) {
        return Err(AuthError::Forbidden.into());
    }
    if action.needs_passkey(actor) && actor.assurance != Assurance::Passkey {
        return Err(AuthError::StepUpRequired.into());
    }
    Ok(())
}

/// What a support officer gets for approving their own request.
fn second_officer_required() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, ProblemCode::SecondOfficerRequired)
}

/// Reached through [`crate::state::AppState::authorize`], which supplies the Việt Nam date.
pub(crate) async fn authorize(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    resource: Resource,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Relationship, ApiError> {
    gate(actor, action)?;
    match resource {
        Resource::OwnAccount => {
            if action.needs_own_citizen() && actor.citizen_id.is_none() {
                return Err(AuthError::Forbidden.into());
            }
            Ok(Relationship::Own)
        }
        Resource::Citizen(cid) => citizen_access(db, actor, action, cid, today).await,
        Resource::Facility(fid) => facility_access(actor, action, fid),
        // Appointments are looked up through their scope ([`appointment_scope`]).
        Resource::Appointment { .. } => Err(ApiError::not_found()),
        Resource::Platform => platform_access(actor, action),
        Resource::Unit(unit) => unit_access(actor, action, unit),
        Resource::Record { citizen, sections } => {
            record::record_access(db, actor, action, citizen, sections, now, today)
                .await
                .map(Relationship::Record)
        }
    }
}

/// An authority reads the figures of its own unit and of the units within it, never the
/// whole platform's or a neighbour's.
fn unit_access(actor: &Actor, action: Action, unit: AdminUnit) -> Result<Relationship, ApiError> {
    let covers = actor
        .roles
        .iter()
        .filter(|grant| grant.role == StaffRole::Authority)
        .filter_map(|grant| AdminUnit::parse(grant.admin_unit.as_deref()?).ok())
        .any(|mine| mine.contains(unit));
    match action {
        Action::ReadStatistics | Action::FollowUpReactions | Action::PlanProgramme if covers => {
            Ok(Relationship::Staff(StaffRole::Authority))
        }
        _ => Err(AuthError::Forbidden.into()),
    }
}

/// Steps 1–3 for an action on a facility not yet known (a resource found by id, such as a
/// vaccination session, that belongs to one): what the caller alone rules out. Then look the
/// resource up and decide with [`authorize`] on its facility, answering a refusal there as
/// the 404 of an unknown id.
pub fn may_at_some_facility(actor: &Actor, action: Action) -> Result<(), ApiError> {
    gate(actor, action)?;
    let roles: &[StaffRole] = match action {
        Action::ListDue => &LIST_DUE,
        _ => &[],
    };
    if roles
        .iter()
        .any(|role| actor.facilities_with(*role).next().is_some())
    {
        Ok(())
    } else {
        Err(AuthError::Forbidden.into())
    }
}

/// Whether a caller who may already act on `resource` may also do `action` to it: a
/// refinement of access granted, never a reason to answer differently about existence.
pub fn allows(actor: &Actor, action: Action, resource: Resource) -> bool {
    if gate(actor, action).is_err() {
        return false;
    }
    match (action, resource) {
        (Action::OverrideCutOff, Resource::Appointment { facility, .. }) => {
            facility_access(actor, Action::WorkAtFacility, facility).is_ok()
        }
        _ => false,
    }
}

fn platform_access(actor: &Actor, action: Action) -> Result<Relationship, ApiError> {
    let support = Relationship::Staff(StaffRole::Support);
    match action {
        Action::Support | Action::LockAccount { .. } if actor.has_role(StaffRole::Support) => {
            Ok(support)
        }
        Action::ApproveRequest { requested_by } if actor.has_role(StaffRole::Support) => {
            if requested_by == actor.account_id {
                Err(second_officer_required())
            } else {
                Ok(support)
            }
        }
        Action::CreateStaff { role, facility } => create_staff_access(actor, role, facility),
        _ => Err(AuthError::Forbidden.into()),
    }
}

/// Support may create any staff account; a facility's administrator may create the doctors
/// and vaccinators of that facility.
fn create_staff_access(
    actor: &Actor,
    role: StaffRole,
    facility: Option<Uuid>,
) -> Result<Relationship, ApiError> {
    if actor.has_role(StaffRole::Support) {
        return Ok(Relationship::Staff(StaffRole::Support));
    }
    let admin_here = facility.is_some_and(|fid| {
        actor
            .facilities_with(StaffRole::FacilityAdmin)
            .any(|f| f == fid)
    });
    if admin_here && matches!(role, StaffRole::Doctor | StaffRole::Vaccinator) {
        return Ok(Relationship::Staff(StaffRole::FacilityAdmin));
    }
    Err(AuthError::Forbidden.into())
}

async fn citizen_access(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    cid: Uuid,
    today: NaiveDate,
) -> Result<Relationship, ApiError> {
    let citizen_action = matches!(
        action,
        Action::BookFor
            | Action::ReadHealthRecord
            | Action::WriteHealthRecord
            | Action::ManageConsents
            | Action::ManageDependents
            | Action::InviteGuardian
    );
    if !citizen_action {
        return Err(ApiError::not_found());
    }
    if actor.citizen_id == Some(cid) && action != Action::InviteGuardian {
        return Ok(Relationship::Own);
    }
    if let Some(guardian) = actor.citizen_id
        && is_guardian(db, guardian, cid, today).await?
    {
        return Ok(Relationship::Guardian);
    }
    Err(ApiError::not_found())
}

/// The guardianships through which `guardian` acts today. One rule for single checks and
/// for scoped lookups.
pub fn acting_guardianships(guardian: Uuid, today: NaiveDate) -> Condition {
    Condition::all()
        .add(guardianship::Column::GuardianId.eq(guardian))
        .add(guardianship::in_force(today))
}

/// Whether `guardian` acts for `dependent` today.
pub async fn is_guardian(
    db: &impl ConnectionTrait,
    guardian: Uuid,
    dependent: Uuid,
    today: NaiveDate,
) -> Result<bool, sea_orm::DbErr> {
    Ok(guardianship::Entity::find()
        .filter(acting_guardianships(guardian, today))
        .filter(guardianship::Column::DependentId.eq(dependent))
        .one(db)
        .await?
        .is_some())
}

fn facility_access(actor: &Actor, action: Action, fid: Uuid) -> Result<Relationship, ApiError> {
    let roles: &[StaffRole] = match action {
        Action::ManageFacility => &[StaffRole::FacilityAdmin],
        Action::WorkAtFacility => &FACILITY_WORK,
        Action::OpenInEmergency => &[StaffRole::Doctor],
        Action::ListDue => &LIST_DUE,
        Action::FollowUpReactions => &FACILITY_WORK,
        _ => &[],
    };
    if let Some(role) = roles
        .iter()
        .copied()
        .find(|role| actor.facilities_with(*role).any(|f| f == fid))
    {
        return Ok(Relationship::Staff(role));
    }
    if action == Action::ManageFacility && actor.has_role(StaffRole::Support) {
        return Ok(Relationship::Staff(StaffRole::Support));
    }
    Err(AuthError::Forbidden.into())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use healthbook_domain::Lang;

    pub fn actor(kind: AccountKind, assurance: Assurance, roles: Vec<RoleGrant>) -> Actor {
        let t = chrono::DateTime::UNIX_EPOCH;
        Actor {
            session_id: Uuid::nil(),
            account_id: Uuid::from_u128(99),
            kind,
            assurance,
            citizen_id: (kind == AccountKind::Citizen).then(|| Uuid::from_u128(1)),
            roles,
            email_verified: true,
            lang: Lang::Vi,
            display_name: String::new(),
            last_seen_at: t,
            idle_expires_at: t,
            absolute_expires_at: t,
        }
    }

    pub fn grant(role: StaffRole, facility: Option<Uuid>) -> RoleGrant {
        RoleGrant {
            role,
            facility_id: facility,
            admin_unit: None,
        }
    }

    #[test]
    fn health_data_needs_a_passkey_but_booking_does_not() {
        let citizen = actor(AccountKind::Citizen, Assurance::Basic, vec![]);
        assert!(Action::ReadHealthRecord.needs_passkey(&citizen));
        assert!(Action::WriteHealthRecord.needs_passkey(&citizen));
        assert!(!Action::BookFor.needs_passkey(&citizen));
        assert!(!Action::ManageDependents.needs_passkey(&citizen));
        assert!(!Action::EnrolPasskey { first: true }.needs_passkey(&citizen));
    }

    #[test]
    fn only_the_first_passkey_comes_from_a_basic_session() {
        let basic = actor(AccountKind::Citizen, Assurance::Basic, vec![]);
        let enrolment = actor(AccountKind::Citizen, Assurance::Enrolment, vec![]);
        let strong = actor(AccountKind::Citizen, Assurance::Passkey, vec![]);
        assert!(gate(&basic, Action::EnrolPasskey { first: true }).is_ok());
        assert_eq!(
            gate(&basic, Action::EnrolPasskey { first: false })
                .err()
                .map(|e| e.code),
            Some("step_up_required")
        );
        assert!(gate(&enrolment, Action::EnrolPasskey { first: false }).is_ok());
        assert!(gate(&strong, Action::EnrolPasskey { first: false }).is_ok());
    }

    #[test]
    fn every_staff_action_needs_a_passkey() {
        let staff = actor(AccountKind::Staff, Assurance::Basic, vec![]);
        for action in [
            Action::BookFor,
            Action::OverrideCutOff,
            Action::Support,
            Action::LockAccount { of_support: false },
            Action::ApproveRequest {
                requested_by: Uuid::nil(),
            },
            Action::ManageFacility,
            Action::ManagePractitioners,
            Action::WorkAtFacility,
            Action::ReadStatistics,
            Action::ListDue,
        ] {
            assert!(action.needs_passkey(&staff), "{action:?}");
        }
    }

    #[test]
    fn authorities_read_their_own_unit_and_what_lies_within_it_only() {
        let unit = |code: &str| AdminUnit::parse(code).unwrap();
        let ha_noi = actor(
            AccountKind::Staff,
            Assurance::Passkey,
            vec![RoleGrant {
                role: StaffRole::Authority,
                facility_id: None,
                admin_unit: Some("01".to_owned()),
            }],
        );
        let read = |who: &Actor, resource| match resource {
            Resource::Unit(unit) => unit_access(who, Action::ReadStatistics, unit),
            _ => platform_access(who, Action::ReadStatistics),
        };
        assert!(read(&ha_noi, Resource::Unit(unit("01"))).is_ok());
        assert!(
            read(&ha_noi, Resource::Unit(unit("00004"))).is_ok(),
            "a commune of Hà Nội"
        );
        assert!(
            read(&ha_noi, Resource::Unit(unit("79"))).is_err(),
            "another province"
        );
        assert!(
            read(&ha_noi, Resource::Platform).is_err(),
            "never the whole platform"
        );
        let support = actor(
            AccountKind::Staff,
            Assurance::Passkey,
            vec![grant(StaffRole::Support, None)],
        );
        assert!(read(&support, Resource::Unit(unit("01"))).is_err());
    }

    #[test]
    fn facility_roles_do_not_cross_facilities() {
        let here = Uuid::from_u128(10);
        let there = Uuid::from_u128(11);
        let doctor = actor(
            AccountKind::Staff,
            Assurance::Passkey,
            vec![grant(StaffRole::Doctor, Some(here))],
        );
        assert!(facility_access(&doctor, Action::WorkAtFacility, here).is_ok());
        assert!(facility_access(&doctor, Action::WorkAtFacility, there).is_err());
        assert!(facility_access(&doctor, Action::ManageFacility, here).is_err());
        let at = |facility| Resource::Appointment {
            citizen: Uuid::nil(),
            facility,
        };
        assert!(allows(&doctor, Action::OverrideCutOff, at(here)));
        assert!(!allows(&doctor, Action::OverrideCutOff, at(there)));
    }

    #[test]
    fn a_facility_admin_creates_doctors_and_vaccinators_of_their_facility_only() {
        let here = Uuid::from_u128(10);
        let admin = actor(
            AccountKind::Staff,
            Assurance::Passkey,
            vec![grant(StaffRole::FacilityAdmin, Some(here))],
        );
        let create = |role, facility| {
            platform_access(&admin, Action::CreateStaff { role, facility }).is_ok()
        };
        assert!(create(StaffRole::Doctor, Some(here)));
        assert!(create(StaffRole::Vaccinator, Some(here)));
        assert!(!create(StaffRole::FacilityAdmin, Some(here)));
        assert!(!create(StaffRole::Doctor, Some(Uuid::from_u128(11))));
        assert!(!create(StaffRole::Support, None));
    }

    #[test]
    fn support_accounts_need_a_second_officer_and_not_the_requester() {
        let officer = actor(
            AccountKind::Staff,
            Assurance::Passkey,
            vec![grant(StaffRole::Support, None)],
        );
        assert!(needs_second_officer(Action::CreateStaff {
            role: StaffRole::Support,
            facility: None
        }));
        assert!(needs_second_officer(Action::LockAccount {
            of_support: true
        }));
        assert!(!needs_second_officer(Action::CreateStaff {
            role: StaffRole::Doctor,
            facility: Some(Uuid::nil())
        }));
        assert!(!needs_second_officer(Action::LockAccount {
            of_support: false
        }));
        let own = platform_access(
            &officer,
            Action::ApproveRequest {
                requested_by: officer.account_id,
            },
        );
        assert_eq!(own.err().map(|e| e.code), Some("second_officer_required"));
        assert!(
            platform_access(
                &officer,
                Action::ApproveRequest {
                    requested_by: Uuid::from_u128(7)
                }
            )
            .is_ok()
        );
    }
}
