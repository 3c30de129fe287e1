//! The follow-up visits a citizen's book proposes: a visit that set a re-examination day
//! (`follow_up_on`, which facilities send as `NGAY_TAI_KHAM` or an XML14 appointment slip) at
//! a facility, not yet booked. The app shows each with the facility's slots from that day, to
//! book in one tap.

use super::entry::{BookEntry, EntryBody, EntryStatus};
use crate::booking::{Appointment, AppointmentStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FollowUp {
    /// The visit that asked for it.
    pub entry_id: Uuid,
    pub facility_id: Uuid,
    pub facility_name: Option<String>,
    /// The day the facility asked the citizen to come back.
    pub on: NaiveDate,
    /// What the visit was for, as the book shows it.
    pub reason: String,
}

/// The follow-ups of `entries` from `today` on, soonest first. One is booked once the citizen
/// holds an appointment (booked or attended) at that facility on or after the visit's day:
/// the facility decides the exact day; any return there is the follow-up.
pub fn follow_ups(
    entries: &[BookEntry],
    appointments: &[Appointment],
    today: NaiveDate,
) -> Vec<FollowUp> {
    let mut found: Vec<FollowUp> = entries
        .iter()
        .filter(|e| e.status != EntryStatus::EnteredInError)
        .filter_map(|e| match &e.body {
            EntryBody::Encounter(visit) => Some((e, visit)),
            _ => None,
        })
        .filter_map(|(entry, visit)| {
            let on = visit.follow_up_on.filter(|on| *on >= today)?;
            let facility_id = visit.facility_id.or(entry.provenance.facility_id)?;
            let visit_day = crate::booking::time::local_date(visit.started_at);
            let booked = appointments.iter().any(|a| {
                a.facility_id == facility_id
                    && a.date >= visit_day
                    && matches!(
                        a.status,
                        AppointmentStatus::Booked | AppointmentStatus::CheckedIn
                    )
            });
            (!booked).then(|| FollowUp {
                entry_id: entry.entry_id,
                facility_id,
                facility_name: entry.provenance.facility_name.clone(),
                on,
                reason: visit.reason.clone(),
            })
        })
        .collect();
    found.sort_by_key(|f| f.on);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::encounter::{Encounter, EncounterKind};
    use crate::book::entry::{AuthorRole, Provenance, Source};
    use crate::book::section::Section;
    use chrono::{TimeZone, Utc};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn visit(facility: Uuid, on: Option<NaiveDate>, status: EntryStatus) -> BookEntry {
        BookEntry {
            entry_id: Uuid::new_v4(),
            version: 1,
            status,
            section: Section::Visits,
            category: None,
            reason: None,
            provenance: Provenance {
                source: Source::FacilitySystem,
                author_role: AuthorRole::FacilitySystem,
                author_name: Some("HIS".into()),
                facility_id: Some(facility),
                facility_name: Some("Bệnh viện Bạch Mai".into()),
                recorded_at: Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap(),
                self_reported: false,
            },
            body: EntryBody::Encounter(Encounter {
                kind: EncounterKind::Outpatient,
                facility_id: Some(facility),
                practitioner_name: None,
                started_at: Utc.with_ymd_and_hms(2026, 11, 20, 1, 30, 0).unwrap(),
                ended_at: None,
                reason: "Tăng huyết áp".into(),
                vital_signs: Default::default(),
                findings: None,
                diagnoses: vec![],
                results: vec![],
                treatment: None,
                prescriptions: vec![],
                advice: None,
                follow_up_on: on,
                appointment_id: None,
                category: None,
            }),
        }
    }

    fn appointment(facility: Uuid, date: NaiveDate, status: AppointmentStatus) -> Appointment {
        let json = serde_json::json!({
            "id": Uuid::new_v4(), "code": "7KQM-2X9D-H4TA-R", "status": status,
            "citizen_id": Uuid::new_v4(), "citizen_name": "A", "facility_id": facility,
            "facility_name": "B", "facility_address": "C", "service": "examination",
            "specialty": null, "practitioner_id": null, "room": null, "slot_id": Uuid::new_v4(),
            "queue": "q", "queue_number": 1, "date": date, "start": "08:00", "end": "08:15",
            "starts_at": "2026-12-20T01:00:00Z", "ends_at": "2026-12-20T01:15:00Z",
            "cancellable_until": "2026-12-19T01:00:00Z", "booked_at": "2026-12-01T01:00:00Z",
            "cancelled_at": null, "cancelled_by": null, "checked_in_at": null, "vaccine": null,
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_visit_asking_for_a_return_is_proposed_until_the_citizen_books_one_there() {
        let bach_mai = Uuid::new_v4();
        let elsewhere = Uuid::new_v4();
        let today = day(2026, 12, 7);
        let entries = vec![
            visit(bach_mai, Some(day(2026, 12, 20)), EntryStatus::Recorded),
            visit(bach_mai, Some(day(2026, 12, 1)), EntryStatus::Recorded),
            visit(bach_mai, None, EntryStatus::Recorded),
            visit(
                bach_mai,
                Some(day(2026, 12, 10)),
                EntryStatus::EnteredInError,
            ),
        ];
        let proposed = follow_ups(&entries, &[], today);
        assert_eq!(
            proposed.len(),
            1,
            "past days, no day and withdrawn visits propose none"
        );
        assert_eq!(proposed[0].on, day(2026, 12, 20));
        assert_eq!(proposed[0].facility_id, bach_mai);

        let cancelled = appointment(bach_mai, day(2026, 12, 20), AppointmentStatus::Cancelled);
        let other = appointment(elsewhere, day(2026, 12, 20), AppointmentStatus::Booked);
        assert_eq!(follow_ups(&entries, &[cancelled, other], today).len(), 1);
        let booked = appointment(bach_mai, day(2026, 12, 21), AppointmentStatus::Booked);
        assert!(follow_ups(&entries, &[booked], today).is_empty());
    }
}
