use super::cache::{self, Header};
use super::consent::{self, ConsentChoice, Owner};
use super::writes::{compose, diff, section_value};
use super::*;
use crate::client::{ClientConfig, HealthBookClient};
use crate::clock::FixedClock;
use crate::session::tests::{MemoryTokens, grant};
use crate::store::Store;
use crate::store::tests::{at, child, me};
use chrono::{Duration, NaiveDate};
use healthbook_domain::Lang;
use healthbook_domain::book::administrative::{Abo, Address, BloodGroup, Contact, Kinship, Rh};
use healthbook_domain::book::check::merge_patch;
use healthbook_domain::book::consent::{current_text, render};
use healthbook_domain::book::history::Allergy;
use healthbook_domain::book::{
    AuthorRole, Category, ConsentTerms, ConsentTextVersion, Provenance, Purpose, Source,
};
use healthbook_domain::booking::Practitioner;
use healthbook_domain::facility::Facility;
use serde_json::json;

fn section() -> Administrative {
    Administrative {
        blood_group: Some(BloodGroup {
            abo: Abo::O,
            rh: Rh::Positive,
        }),
        occupation: Some("Giáo viên".into()),
        phone: Some("0912345678".into()),
        current_address: Some(Address {
            commune_code: "00004".into(),
            line: "12 Phố Huế".into(),
        }),
        emergency_contacts: vec![Contact {
            name: "Nguyễn Văn Nam".into(),
            kinship: Kinship::Spouse,
            phone: Some("0987654321".into()),
        }],
        ..Administrative::default()
    }
}

/// `patch` applied to `base` as the server applies it, read back as a section.
fn patched(base: &Administrative, patch: &serde_json::Value) -> Administrative {
    let mut document = section_value(base).unwrap();
    merge_patch(&mut document, patch);
    serde_json::from_value(document).unwrap()
}

#[test]
fn an_edited_section_becomes_the_patch_that_makes_it_on_the_server() {
    let base = section();
    let mut edited = base.clone();
    edited.phone = None;
    edited.occupation = Some("Kỹ sư".into());
    edited.current_address = Some(Address {
        commune_code: "00004".into(),
        line: "14 Phố Huế".into(),
    });
    edited.emergency_contacts.clear();
    edited.nationality = Some("VN".into());
    let patch = diff(
        &section_value(&base).unwrap(),
        &section_value(&edited).unwrap(),
    );
    assert_eq!(patched(&base, &patch), edited);
    // Only what changed travels; what went is sent as null.
    let members = patch.as_object().unwrap();
    assert_eq!(members.len(), 5, "{patch}");
    assert_eq!(patch["phone"], serde_json::Value::Null);
    assert!(!members.contains_key("blood_group"));
    // From an empty section, everything filled in is sent.
    let first = diff(&json!({}), &section_value(&base).unwrap());
    assert_eq!(patched(&Administrative::default(), &first), base);
    assert!(first.as_object().unwrap().values().all(|v| !v.is_null()));
}

#[test]
fn two_changes_made_offline_compose_into_one_with_the_same_effect() {
    let base = section();
    let mut once = base.clone();
    once.phone = None;
    once.blood_group = Some(BloodGroup {
        abo: Abo::A,
        rh: Rh::Negative,
    });
    let mut twice = once.clone();
    twice.phone = Some("0911111111".into());
    twice.occupation = None;
    let first = diff(
        &section_value(&base).unwrap(),
        &section_value(&once).unwrap(),
    );
    let second = diff(
        &section_value(&once).unwrap(),
        &section_value(&twice).unwrap(),
    );
    assert_eq!(patched(&patched(&base, &first), &second), twice);
    assert_eq!(patched(&base, &compose(&first, &second)), twice);
}

fn provenance(recorded_at: Timestamp) -> Provenance {
    Provenance {
        source: Source::App,
        author_role: AuthorRole::Citizen,
        author_name: Some("Trần Thị Lan".into()),
        facility_id: None,
        facility_name: None,
        recorded_at,
        self_reported: true,
    }
}

fn entry(body: EntryBody, recorded_at: &str) -> BookEntry {
    BookEntry {
        entry_id: Uuid::new_v4(),
        version: 1,
        status: EntryStatus::Recorded,
        section: body.kind().section(),
        category: None,
        reason: None,
        provenance: provenance(at(recorded_at)),
        body,
    }
}

fn reading(kind: ObservationKind, value: f64, second: Option<f64>, taken_at: &str) -> Observation {
    Observation {
        kind,
        value,
        second_value: second,
        unit: reading_units(kind).remove(0),
        taken_at: at(taken_at),
        note: None,
    }
}

fn pressure(systolic: f64, diastolic: f64, taken_at: &str) -> BookEntry {
    entry(
        EntryBody::Observation(reading(
            ObservationKind::BloodPressure,
            systolic,
            Some(diastolic),
            taken_at,
        )),
        taken_at,
    )
}

fn allergy(substance: &str, recorded_at: &str) -> BookEntry {
    let body: Allergy = serde_json::from_value(json!({
        "kind": "drug", "substance": substance, "reaction": "Nổi mề đay", "severity": "moderate",
    }))
    .unwrap();
    entry(EntryBody::Allergy(body), recorded_at)
}

fn citizen() -> CitizenProfile {
    me(Uuid::new_v4(), Vec::new()).citizen.unwrap()
}

fn book_of(citizen: &CitizenProfile, entries: Vec<BookEntry>) -> Book {
    Book {
        citizen: citizen.clone(),
        sections: Section::ALL.to_vec(),
        entries,
    }
}

#[test]
fn the_next_read_asks_from_the_newest_entry_read_never_from_one_written_here() {
    let person = citizen();
    let first = book_of(
        &person,
        vec![
            allergy("Penicillin", "2026-12-01T08:00:00Z"),
            pressure(128.0, 82.0, "2026-12-03T08:00:00Z"),
        ],
    );
    let header = cache::next_header(&first, None);
    assert_eq!(header.through, Some(at("2026-12-03T08:00:00Z")));
    // The reads overlap a little: a write that began before a read may commit after it.
    assert_eq!(header.since(), Some(at("2026-12-03T07:58:00Z")));
    // A read that brings nothing new keeps the mark.
    let empty = cache::next_header(&book_of(&person, Vec::new()), Some(&header));
    assert_eq!(empty.through, header.through);
    assert_eq!(
        Header {
            through: None,
            ..header
        }
        .since(),
        None
    );
}

fn rows(citizen: &CitizenProfile, entries: &[BookEntry], synced: &str) -> Vec<CachedEntry> {
    let book = book_of(citizen, entries.to_vec());
    let header = cache::next_header(&book, None);
    let mut rows = vec![cache::header_entry(citizen.citizen_id, &header, at(synced)).unwrap()];
    rows.extend(
        entries
            .iter()
            .map(|e| cache::entry_row(citizen.citizen_id, e).unwrap()),
    );
    rows
}

#[test]
fn a_cached_book_reads_by_section_newest_first() {
    let person = citizen();
    let mut old_profile = entry(EntryBody::Administrative(section()), "2026-11-01T08:00:00Z");
    old_profile.version = 2;
    let older = allergy("Penicillin", "2026-12-01T08:00:00Z");
    let newer = allergy("Aspirin", "2026-12-02T08:00:00Z");
    let entries = [
        older.clone(),
        pressure(128.0, 82.0, "2026-12-03T08:00:00Z"),
        old_profile.clone(),
        newer.clone(),
    ];
    let view = view_of(
        &rows(&person, &entries, "2026-12-04T08:00:00Z"),
        Vec::new(),
        true,
    )
    .unwrap();
    assert_eq!(view.citizen, person);
    assert_eq!(view.administrative, Some(old_profile));
    assert_eq!(
        view.history.iter().map(|e| e.entry_id).collect::<Vec<_>>(),
        vec![newer.entry_id, older.entry_id]
    );
    assert_eq!(view.readings.len(), 1);
    assert!(view.visits.is_empty() && view.immunizations.is_empty());
    assert_eq!(view.synced_at, at("2026-12-04T08:00:00Z"));
    assert!(view.from_cache);
    assert!(
        view_of(&[], Vec::new(), true).is_none(),
        "no book before the first read"
    );
}

#[test]
fn a_chart_is_one_kind_oldest_first_without_mistakes_and_with_what_waits() {
    let mut mistaken = pressure(190.0, 120.0, "2026-12-02T08:00:00Z");
    mistaken.status = EntryStatus::EnteredInError;
    let entries = vec![
        pressure(135.0, 85.0, "2026-12-03T08:00:00Z"),
        pressure(128.0, 82.0, "2026-12-01T08:00:00Z"),
        mistaken,
        entry(
            EntryBody::Observation(reading(
                ObservationKind::BodyWeight,
                70.0,
                None,
                "2026-12-02T09:00:00Z",
            )),
            "2026-12-02T09:00:00Z",
        ),
    ];
    let recorded = reading_series(entries.clone(), ObservationKind::BloodPressure);
    assert_eq!(
        recorded
            .iter()
            .map(|p| (p.taken_at, p.value, p.second_value))
            .collect::<Vec<_>>(),
        vec![
            (at("2026-12-01T08:00:00Z"), 128.0, Some(82.0)),
            (at("2026-12-03T08:00:00Z"), 135.0, Some(85.0)),
        ]
    );
    assert!(recorded.iter().all(|p| p.unit == "mm[Hg]" && !p.pending));
    let waiting = [reading(
        ObservationKind::BloodPressure,
        130.0,
        Some(80.0),
        "2026-12-02T20:00:00Z",
    )];
    let with_queue = chart::series(&entries, &waiting, ObservationKind::BloodPressure);
    assert_eq!(with_queue.len(), 3);
    assert!(with_queue[1].pending && with_queue[1].value == 130.0);
    assert_eq!(
        reading_series(entries, ObservationKind::BloodGlucose),
        Vec::new()
    );
}

fn facility(name: &str) -> Facility {
    serde_json::from_value(json!({
        "id": Uuid::new_v4(), "code": "01917", "name": name, "level": "central",
        "province_code": "01", "province_name": "Hà Nội", "commune_code": "00004",
        "commune_name": "Phường Ba Đình", "address": "18/879 La Thành", "phone": null,
        "opening_hours": "07:00–16:30", "services": ["examination"], "specialties": [],
        "location": null,
    }))
    .unwrap_or_else(|e| panic!("a facility: {e}"))
}

fn choice(
    sections: Vec<Section>,
    categories: Vec<Category>,
    valid_until: NaiveDate,
) -> ConsentChoice {
    ConsentChoice {
        facility: facility("Bệnh viện Nhi Trung ương"),
        practitioner: None,
        purpose: Purpose::Referral,
        sections,
        categories,
        valid_until,
    }
}

fn adult() -> Owner {
    Owner {
        full_name: "Trần Thị Lan".into(),
        child_age: None,
    }
}

#[test]
fn the_consent_shown_is_the_domains_text_of_the_served_version_in_the_servers_order() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let until = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
    let served = current_text(Lang::Vi);
    let picked = choice(
        vec![Section::Visits, Section::History],
        vec![Category::MentalHealth],
        until,
    );
    let draft = consent::draft(
        Uuid::nil(),
        &adult(),
        Lang::Vi,
        &served,
        picked.clone(),
        today,
    )
    .unwrap();
    let expected = render(
        &served.version,
        Lang::Vi,
        &ConsentTerms {
            citizen_name: "Trần Thị Lan",
            facility_name: "Bệnh viện Nhi Trung ương",
            practitioner: None,
            purpose: Purpose::Referral,
            sections: &[Section::History, Section::Visits],
            categories: &[Category::MentalHealth],
            valid_until: until,
        },
    )
    .unwrap();
    assert_eq!(draft.text, expected);
    assert!(
        draft.text.contains("tiền sử và khám bệnh"),
        "{}",
        draft.text
    );
    assert!(!draft.request.agreed, "a draft is never agreed to");
    assert_eq!(draft.request.text_version, served.version);
    assert!(draft.issues.is_empty(), "{:?}", draft.issues);

    // Naming one doctor: the text names them at the facility, the request carries their id.
    let doctor = Practitioner {
        id: Uuid::from_u128(7),
        licence_number: "000123/HNO-CCHN".into(),
        full_name: "Lê Văn Minh".into(),
        title: "BS.CKII".into(),
        specialties: vec![],
        facility_ids: vec![picked.facility.id],
        signs_in: true,
    };
    let to_one = consent::draft(
        Uuid::nil(),
        &adult(),
        Lang::Vi,
        &served,
        ConsentChoice {
            practitioner: Some(doctor),
            ..picked.clone()
        },
        today,
    )
    .unwrap();
    assert!(
        to_one
            .text
            .contains("đồng ý cho BS.CKII Lê Văn Minh tại Bệnh viện Nhi Trung ương xem"),
        "{}",
        to_one.text
    );
    assert_eq!(to_one.request.practitioner_id, Some(Uuid::from_u128(7)));

    // A template this build does not hold word for word is never shown as if it were.
    let changed = ConsentTextVersion {
        template: format!("{} Thêm một câu.", served.template),
        ..served.clone()
    };
    assert!(matches!(
        consent::draft(
            Uuid::nil(),
            &adult(),
            Lang::Vi,
            &changed,
            picked.clone(),
            today
        ),
        Err(BookError::ConsentTextUnknown { .. })
    ));
    let newer = ConsentTextVersion {
        version: "2099-01".into(),
        ..served
    };
    assert!(matches!(
        consent::draft(Uuid::nil(), &adult(), Lang::Vi, &newer, picked, today),
        Err(BookError::ConsentTextUnknown { version }) if version == "2099-01"
    ));
}

#[test]
fn a_consent_is_agreed_only_by_the_explicit_call_and_by_the_domains_rules() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let served = current_text(Lang::En);
    let too_far = choice(
        Vec::new(),
        Vec::new(),
        NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
    );
    let draft = consent::draft(Uuid::nil(), &adult(), Lang::En, &served, too_far, today).unwrap();
    let fields: Vec<&str> = draft.issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, vec!["sections", "valid_until"]);

    let fine = choice(
        vec![Section::Visits],
        Vec::new(),
        NaiveDate::from_ymd_opt(2027, 1, 5).unwrap(),
    );
    let draft = consent::draft(
        Uuid::nil(),
        &adult(),
        Lang::En,
        &served,
        fine.clone(),
        today,
    )
    .unwrap();
    let request = consent::agreed(draft.clone(), None, today, None).unwrap();
    assert!(request.agreed);
    assert_eq!(request.facility_id, fine.facility.id);
    // A guardian consenting for a child of 7 or more needs the child's assent.
    let refused = consent::agreed(draft.clone(), None, today, Some(9));
    assert!(
        matches!(&refused, Err(CoreError::Invalid(issues)) if issues[0].code == "child_assent_required"),
        "{refused:?}"
    );
    assert!(consent::agreed(draft, Some(true), today, Some(9)).is_ok());
}

/// A phone signed in as `me`, whose server is unreachable.
fn offline_phone(
    person: &healthbook_domain::account::Me,
    now: Timestamp,
    cached: &[CachedEntry],
) -> Arc<HealthBookClient> {
    let store = Store::in_memory().unwrap();
    store.save_me(person, now).unwrap();
    for row in cached {
        store.put_entry(row).unwrap();
    }
    let mut session = grant(now + Duration::hours(1));
    session.account_id = person.account_id;
    HealthBookClient::assemble(
        ClientConfig {
            // Nothing listens there: the phone is offline.
            base_url: "http://127.0.0.1:9".into(),
            store_path: String::new(),
            lang: Lang::Vi,
            device_name: None,
        },
        Arc::new(MemoryTokens::holding(&session)),
        store,
        Arc::new(FixedClock(now)),
    )
    .unwrap()
}

#[tokio::test]
async fn offline_the_book_is_the_phones_copy_and_writes_wait_with_their_keys() {
    let now = at("2026-12-06T03:00:00Z");
    let person = me(Uuid::new_v4(), vec![child("Khôi")]);
    let own = person.citizen.clone().unwrap();
    let empty = offline_phone(&person, now, &[]);
    let owners = empty.book().owners().await.unwrap();
    assert_eq!(
        owners
            .iter()
            .map(|o| (o.full_name.as_str(), o.is_self))
            .collect::<Vec<_>>(),
        vec![("Trần Thị Lan", true), ("Khôi", false)]
    );
    // No copy yet: offline is said plainly.
    assert!(matches!(
        empty.book().book(own.citizen_id).await,
        Err(BookError::Common {
            error: CommonError::Offline
        })
    ));

    let mut profile = entry(EntryBody::Administrative(section()), "2026-12-01T08:00:00Z");
    profile.version = 3;
    let copy = rows(
        &own,
        &[
            profile.clone(),
            pressure(128.0, 82.0, "2026-12-03T08:00:00Z"),
        ],
        "2026-12-04T08:00:00Z",
    );
    let client = offline_phone(&person, now, &copy);
    let book = client.book();
    let view = book.book(own.citizen_id).await.unwrap();
    assert!(view.from_cache);
    assert_eq!(view.administrative, Some(profile));

    // Section I edited twice while offline: one change waits, on the version that was read.
    let mut once = section();
    once.phone = None;
    let BookWriteOutcome::Queued { .. } = book
        .update_profile(own.citizen_id, once.clone())
        .await
        .unwrap()
    else {
        panic!("sent while offline");
    };
    let mut twice = once.clone();
    twice.occupation = Some("Kỹ sư".into());
    book.update_profile(own.citizen_id, twice.clone())
        .await
        .unwrap();
    let pending = client.offline().pending().await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    let OfflineAction::PatchProfile {
        base_version,
        changes,
        section: waiting,
        ..
    } = &pending[0].action
    else {
        panic!("{:?}", pending[0].action);
    };
    assert_eq!(*base_version, Some(3));
    assert_eq!(waiting, &twice);
    let changes: serde_json::Value = serde_json::from_str(changes).unwrap();
    assert_eq!(changes, json!({ "phone": null, "occupation": "Kỹ sư" }));
    assert_eq!(patched(&section(), &changes), twice);
    assert_eq!(
        book.cached_book(own.citizen_id)
            .await
            .unwrap()
            .unwrap()
            .administrative_draft,
        Some(twice)
    );

    // A reading is checked by the domain's rules before it is queued, then charted.
    let impossible = reading(
        ObservationKind::BloodPressure,
        400.0,
        Some(80.0),
        "2026-12-06T02:00:00Z",
    );
    assert!(matches!(
        book.add_reading(own.citizen_id, impossible).await,
        Err(BookError::Common { error: CommonError::InvalidInput { issues } }) if !issues.is_empty()
    ));
    let taken = reading(
        ObservationKind::BloodPressure,
        131.0,
        Some(84.0),
        "2026-12-06T02:30:00Z",
    );
    let BookWriteOutcome::Queued { action } =
        book.add_reading(own.citizen_id, taken).await.unwrap()
    else {
        panic!("sent while offline");
    };
    assert!(matches!(action.action, OfflineAction::AddReading { .. }));
    let chart = book
        .reading_chart(own.citizen_id, ObservationKind::BloodPressure)
        .await
        .unwrap();
    assert_eq!(
        chart
            .iter()
            .map(|p| (p.value, p.pending))
            .collect::<Vec<_>>(),
        vec![(128.0, false), (131.0, true)]
    );

    // A visit is the facility's to write, never the citizen's.
    let visit_body: healthbook_domain::book::Encounter = serde_json::from_value(json!({
        "kind": "outpatient", "started_at": "2026-12-05T02:00:00Z", "reason": "Ho",
    }))
    .unwrap();
    assert!(matches!(
        book.add_history_entry(own.citizen_id, EntryBody::Encounter(visit_body))
            .await,
        Err(BookError::NotWritable)
    ));
    assert_eq!(client.offline().pending().await.unwrap().len(), 2);
    let report = client.offline().sync().await.unwrap();
    assert_eq!(report.remaining, 2, "nothing is lost while offline");
}
