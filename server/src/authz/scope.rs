//! Lookups restricted to what the caller may see. The scope is decided from the caller
//! alone (session and roles, before any query); the lookup then carries it as a condition,
//! so that an id the caller may not see and an id that does not exist cost the same single
//! query and get the same 404 — neither the answer nor its timing tells them apart.

use super::{Action, FACILITY_WORK, Relationship, acting_guardianships, gate};
use crate::auth::actor::{AccountKind, Actor};
use crate::auth::entities::guardianship;
use crate::auth::error::AuthError;
use crate::booking::entities::{appointment, practitioner, practitioner_facility};
use crate::error::ApiError;
use chrono::NaiveDate;
use healthbook_domain::account::StaffRole;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

/// The appointments a caller may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppointmentScope {
    /// A citizen's own, and those of the dependents they act for today.
    Citizen { citizen: Uuid, today: NaiveDate },
    /// Those of the facilities where the caller works, with the strongest role at each.
    Facilities(Vec<(Uuid, StaffRole)>),
}

/// Decides what `actor` may see of appointments for `action` (`BookFor` or
/// `WorkAtFacility`), or refuses before anything is looked up. A caller who can see no
/// appointment at all gets the 404 of a missing one.
pub fn appointment_scope(
    actor: &Actor,
    action: Action,
    today: NaiveDate,
) -> Result<AppointmentScope, ApiError> {
    gate(actor, action)?;
    match (action, actor.kind, actor.citizen_id) {
        (Action::BookFor, AccountKind::Citizen, Some(citizen)) => {
            Ok(AppointmentScope::Citizen { citizen, today })
        }
        (Action::BookFor | Action::WorkAtFacility, AccountKind::Staff, _) => {
            let mut facilities: Vec<(Uuid, StaffRole)> = Vec::new();
            for role in FACILITY_WORK {
                for fid in actor.facilities_with(role) {
                    if !facilities.iter().any(|(f, _)| *f == fid) {
                        facilities.push((fid, role));
                    }
                }
            }
            if facilities.is_empty() {
                return Err(ApiError::not_found());
            }
            Ok(AppointmentScope::Facilities(facilities))
        }
        _ => Err(ApiError::not_found()),
    }
}

impl AppointmentScope {
    /// The condition on `appointments` that keeps only what the scope allows.
    pub fn condition(&self) -> Condition {
        match self {
            AppointmentScope::Citizen { citizen, today } => Condition::any()
                .add(appointment::Column::CitizenId.eq(*citizen))
                .add(
                    appointment::Column::CitizenId.in_subquery(
                        Query::select()
                            .column(guardianship::Column::DependentId)
                            .from(guardianship::Entity)
                            .cond_where(acting_guardianships(*citizen, *today))
                            .to_owned(),
                    ),
                ),
            AppointmentScope::Facilities(facilities) => Condition::all()
                .add(appointment::Column::FacilityId.is_in(facilities.iter().map(|(fid, _)| *fid))),
        }
    }

    /// Why the caller may act on `row`, a row the scope's condition let through.
    pub fn relationship(&self, row: &appointment::Model) -> Option<Relationship> {
        match self {
            AppointmentScope::Citizen { citizen, .. } if row.citizen_id == *citizen => {
                Some(Relationship::Own)
            }
            AppointmentScope::Citizen { .. } => Some(Relationship::Guardian),
            AppointmentScope::Facilities(facilities) => facilities
                .iter()
                .find(|(fid, _)| *fid == row.facility_id)
                .map(|(_, role)| Relationship::Staff(*role)),
        }
    }
}

/// The practitioners a caller may manage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PractitionerScope {
    /// Support: every practitioner, at any facility or none.
    All,
    /// A facility's administrators: the practitioners of the facilities they administer.
    Facilities(Vec<Uuid>),
}

/// Decides what `actor` may manage of practitioners, before anything is looked up.
pub fn practitioner_scope(actor: &Actor) -> Result<PractitionerScope, ApiError> {
    gate(actor, Action::ManagePractitioners)?;
    if actor.has_role(StaffRole::Support) {
        return Ok(PractitionerScope::All);
    }
    let facilities: Vec<Uuid> = actor.facilities_with(StaffRole::FacilityAdmin).collect();
    if facilities.is_empty() {
        return Err(AuthError::Forbidden.into());
    }
    Ok(PractitionerScope::Facilities(facilities))
}

impl PractitionerScope {
    /// Whether the caller may attach practitioners to (or detach them from) every one of
    /// `facilities`. A practitioner attached nowhere is support's alone.
    pub fn covers(&self, facilities: &[Uuid]) -> bool {
        match self {
            PractitionerScope::All => true,
            PractitionerScope::Facilities(mine) => {
                !facilities.is_empty() && facilities.iter().all(|f| mine.contains(f))
            }
        }
    }

    /// The condition on `practitioners` that keeps those the caller may see: support all,
    /// an administrator those attached to one of their facilities.
    pub fn condition(&self) -> Condition {
        match self {
            PractitionerScope::All => Condition::all(),
            PractitionerScope::Facilities(mine) => Condition::all().add(
                practitioner::Column::Id.in_subquery(
                    Query::select()
                        .column(practitioner_facility::Column::PractitionerId)
                        .from(practitioner_facility::Entity)
                        .and_where(
                            practitioner_facility::Column::FacilityId.is_in(mine.iter().copied()),
                        )
                        .to_owned(),
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{actor, grant};
    use super::*;
    use healthbook_domain::account::Assurance;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default()
    }

    #[test]
    fn session_checks_come_before_any_scope() {
        let enrolment = actor(AccountKind::Staff, Assurance::Enrolment, vec![]);
        let basic = actor(AccountKind::Citizen, Assurance::Basic, vec![]);
        let code = |r: Result<AppointmentScope, ApiError>| r.err().map(|e| e.code);
        assert_eq!(
            code(appointment_scope(&enrolment, Action::BookFor, today())),
            Some("forbidden")
        );
        assert_eq!(
            code(appointment_scope(&basic, Action::WorkAtFacility, today())),
            Some("step_up_required")
        );
        assert!(matches!(
            appointment_scope(&basic, Action::BookFor, today()),
            Ok(AppointmentScope::Citizen { .. })
        ));
        assert_eq!(
            practitioner_scope(&basic).err().map(|e| e.code),
            Some("step_up_required")
        );
    }

    #[test]
    fn callers_who_can_see_no_appointment_get_not_found() {
        let citizen = actor(AccountKind::Citizen, Assurance::Passkey, vec![]);
        let support = actor(
            AccountKind::Staff,
            Assurance::Passkey,
            vec![grant(StaffRole::Support, None)],
        );
        for (who, action) in [
            (&citizen, Action::WorkAtFacility),
            (&support, Action::BookFor),
            (&support, Action::WorkAtFacility),
        ] {
            assert_eq!(
                appointment_scope(who, action, today())
                    .err()
                    .map(|e| e.code),
                Some("not_found"),
                "{action:?}"
            );
        }
    }

    #[test]
    fn staff_see_their_facilities_with_the_strongest_role() {
        let (a, b) = (Uuid::from_u128(10), Uuid::from_u128(11));
        let staff = actor(
            AccountKind::Staff,
            Assurance::Passkey,
            vec![
                grant(StaffRole::Doctor, Some(a)),
                grant(StaffRole::FacilityAdmin, Some(a)),
                grant(StaffRole::Vaccinator, Some(b)),
            ],
        );
        assert_eq!(
            appointment_scope(&staff, Action::WorkAtFacility, today()).ok(),
            Some(AppointmentScope::Facilities(vec![
                (a, StaffRole::FacilityAdmin),
                (b, StaffRole::Vaccinator)
            ]))
        );
    }

    #[test]
    fn an_administrator_manages_practitioners_of_their_facilities_only() {
        let (a, b) = (Uuid::from_u128(10), Uuid::from_u128(11));
        let admin = actor(
            AccountKind::Staff,
            Assurance::Passkey,
            vec![grant(StaffRole::FacilityAdmin, Some(a))],
        );
        let scope = practitioner_scope(&admin).ok();
        assert_eq!(scope, Some(PractitionerScope::Facilities(vec![a])));
        let scope = scope.unwrap_or(PractitionerScope::All);
        assert!(scope.covers(&[a]));
        assert!(!scope.covers(&[a, b]));
        assert!(!scope.covers(&[]));
        assert!(PractitionerScope::All.covers(&[]));
        let doctor = actor(
            AccountKind::Staff,
            Assurance::Passkey,
            vec![grant(StaffRole::Doctor, Some(a))],
        );
        assert_eq!(
            practitioner_scope(&doctor).err().map(|e| e.code),
            Some("forbidden")
        );
    }
}
