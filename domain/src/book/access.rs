//! Who, other than the citizen, may see or write which parts of a book. The server's
//! authorization module applies these; the relationships themselves (a check-in today, a
//! consent, a break-glass opening) are facts it reads from the database.

use super::entry::EntryKind;
use super::section::{Section, Sections};
use crate::account::StaffRole;

/// How long a break-glass opening lasts.
pub const BREAK_GLASS_HOURS: i64 = 4;

/// The sections a professional needs while the citizen is in their care today: a doctor the
/// whole book, a vaccinator what decides a dose (identity, allergies and history, earlier
/// doses). An administrator runs the facility and treats no one.
pub fn care_sections(role: StaffRole) -> Sections {
    match role {
        StaffRole::Doctor => Sections::ALL,
        StaffRole::Vaccinator => Sections::of(&[
            Section::Administrative,
            Section::History,
            Section::Immunizations,
        ]),
        StaffRole::FacilityAdmin | StaffRole::Support | StaffRole::Authority => Sections::NONE,
    }
}

/// Whether a professional in `role` may write an entry of `kind`: doctors record visits and
/// history, vaccinators doses. Nobody else writes clinical entries.
pub fn staff_may_write(role: StaffRole, kind: EntryKind) -> bool {
    match role {
        StaffRole::Doctor => !matches!(kind, EntryKind::Administrative),
        StaffRole::Vaccinator => kind == EntryKind::Immunization,
        StaffRole::FacilityAdmin | StaffRole::Support | StaffRole::Authority => false,
    }
}

/// The roles that treat patients and so may hold a care relationship, a consent or a
/// break-glass opening.
pub const CARE_ROLES: [StaffRole; 2] = [StaffRole::Doctor, StaffRole::Vaccinator];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrators_read_and_write_nothing_clinical() {
        assert!(care_sections(StaffRole::FacilityAdmin).is_empty());
        assert!(care_sections(StaffRole::Support).is_empty());
        for kind in EntryKind::ALL {
            assert!(!staff_may_write(StaffRole::FacilityAdmin, kind));
            assert!(!staff_may_write(StaffRole::Authority, kind));
        }
    }

    #[test]
    fn a_vaccinator_sees_what_decides_a_dose_and_writes_doses_only() {
        let sections = care_sections(StaffRole::Vaccinator);
        assert!(sections.contains(Section::History));
        assert!(!sections.contains(Section::Visits));
        assert!(staff_may_write(
            StaffRole::Vaccinator,
            EntryKind::Immunization
        ));
        assert!(!staff_may_write(
            StaffRole::Vaccinator,
            EntryKind::Encounter
        ));
        assert!(staff_may_write(StaffRole::Doctor, EntryKind::Encounter));
        assert!(!staff_may_write(
            StaffRole::Doctor,
            EntryKind::Administrative
        ));
    }
}

/// An open episode of care that is not a check-in: what a capability opens for the length of
/// its work (a vaccination session's dose, a teleconsultation, a home visit), and what of the
/// book that work needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EpisodeKind {
    Vaccination,
    Teleconsultation,
    HomeVisit,
}

impl EpisodeKind {
    pub const ALL: [EpisodeKind; 3] = [
        EpisodeKind::Vaccination,
        EpisodeKind::Teleconsultation,
        EpisodeKind::HomeVisit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EpisodeKind::Vaccination => "vaccination",
            EpisodeKind::Teleconsultation => "teleconsultation",
            EpisodeKind::HomeVisit => "home_visit",
        }
    }

    pub fn parse(value: &str) -> Option<EpisodeKind> {
        EpisodeKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// The sections the episode's work needs; a professional sees these as far as their
    /// role allows ([`care_sections`]).
    pub fn sections(self) -> Sections {
        match self {
            EpisodeKind::Vaccination => Sections::of(&[
                Section::Administrative,
                Section::History,
                Section::Immunizations,
            ]),
            EpisodeKind::Teleconsultation | EpisodeKind::HomeVisit => Sections::ALL,
        }
    }
}
