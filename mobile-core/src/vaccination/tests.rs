use super::*;
use crate::store::tests::{at, child};
use healthbook_domain::book::{
    AuthorRole, EntryBody, EntryStatus, Immunization, Provenance, Section, Source,
};
use healthbook_domain::vaccine::due::{Antigen, Standing};

fn dose(vaccine: &str, on: &str, self_reported: bool) -> BookEntry {
    let body = EntryBody::Immunization(Immunization {
        product: vaccine.to_owned(),
        trade_name: None,
        antigens: vec!["diphtheria".to_owned()],
        dose_number: 1,
        administered_on: on.parse().unwrap(),
        lot: None,
        facility_id: None,
        site: None,
        route: None,
        note: None,
    });
    BookEntry {
        entry_id: Uuid::new_v4(),
        version: 1,
        status: EntryStatus::Recorded,
        section: body.kind().section(),
        category: None,
        reason: None,
        provenance: Provenance {
            source: if self_reported {
                Source::App
            } else {
                Source::Staff
            },
            author_role: if self_reported {
                AuthorRole::Guardian
            } else {
                AuthorRole::Vaccinator
            },
            author_name: None,
            facility_id: None,
            facility_name: None,
            recorded_at: at("2026-06-01T09:00:00Z"),
            self_reported,
        },
        body,
    }
}

/// A child born on 2 March 2020, as `store::tests::child` makes one.
fn book_of(doses: Vec<BookEntry>) -> BookView {
    BookView {
        citizen: child("Bé An").citizen,
        sections: Section::ALL.to_vec(),
        administrative: None,
        history: Vec::new(),
        immunizations: doses,
        visits: Vec::new(),
        readings: Vec::new(),
        pending: Vec::new(),
        administrative_draft: None,
        synced_at: at("2026-06-01T09:00:00Z"),
        from_cache: true,
    }
}

fn standing(view: &DueView, antigen: Antigen) -> Standing {
    view.lines
        .iter()
        .find(|l| l.due.antigen == antigen)
        .map(|l| l.due.standing.clone())
        .unwrap()
}

#[test]
fn the_due_list_counts_the_facilitys_doses_and_not_a_declaration_still_to_check() {
    let today: NaiveDate = "2020-07-01".parse().unwrap();
    let recorded = due_view(
        book_of(vec![dose("penta", "2020-05-04", false)]),
        today,
        Lang::Vi,
    );
    let line = recorded
        .lines
        .iter()
        .find(|l| l.due.antigen == Antigen::Diphtheria)
        .unwrap();
    assert_eq!((line.due.doses_counted, line.due.next_dose), (1, Some(2)));
    assert_eq!(line.disease, "Bạch hầu");
    assert!(line.standing.starts_with("Mũi 2: "), "{}", line.standing);

    // The same dose typed in by a guardian waits for a health worker: penta_1 is still
    // owed (and late: the child was two months old on 2 May).
    let declared = due_view(
        book_of(vec![dose("penta", "2020-05-04", true)]),
        today,
        Lang::Vi,
    );
    assert!(matches!(
        standing(&declared, Antigen::Diphtheria),
        Standing::Overdue { .. }
    ));
    assert_eq!(declared.doses.len(), 1, "the declaration is still shown");
    assert!(declared.from_cache);
    assert_eq!(declared.on, today);
}

#[test]
fn a_dose_marked_entered_in_error_counts_for_nothing() {
    let today: NaiveDate = "2020-07-01".parse().unwrap();
    let mut wrong = dose("bcg", "2020-03-03", false);
    wrong.status = EntryStatus::EnteredInError;
    let view = due_view(book_of(vec![wrong]), today, Lang::Vi);
    assert_ne!(standing(&view, Antigen::Tuberculosis), Standing::Complete);
    let given = due_view(
        book_of(vec![dose("bcg", "2020-03-03", false)]),
        today,
        Lang::Vi,
    );
    assert_eq!(standing(&given, Antigen::Tuberculosis), Standing::Complete);
}
