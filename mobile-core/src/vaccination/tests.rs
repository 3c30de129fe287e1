use super::*;
use crate::store::tests::{at, child};
use healthbook_domain::book::{
    AuthorRole, EntryBody, EntryStatus, Immunization, Provenance, Section, Source,
};
use healthbook_domain::vaccine::due::{Antigen, ROADMAP_ANTIGENS, Standing};

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

/// Every roll-out antigen offered, as in a province that recorded nothing.
fn national() -> Vec<Antigen> {
    ROADMAP_ANTIGENS.to_vec()
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
        national(),
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
        national(),
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
    let view = due_view(book_of(vec![wrong]), today, Lang::Vi, national());
    assert_ne!(standing(&view, Antigen::Tuberculosis), Standing::Complete);
    let given = due_view(
        book_of(vec![dose("bcg", "2020-03-03", false)]),
        today,
        Lang::Vi,
        national(),
    );
    assert_eq!(standing(&given, Antigen::Tuberculosis), Standing::Complete);
}

/// A phone with no session and no server, whose clock reads `now`, speaking `lang`.
fn phone(lang: Lang, now: &str) -> std::sync::Arc<crate::client::HealthBookClient> {
    crate::client::HealthBookClient::assemble(
        crate::client::ClientConfig {
            base_url: "http://127.0.0.1:9".into(),
            store_path: String::new(),
            lang,
            device_name: None,
        },
        std::sync::Arc::new(crate::session::tests::MemoryTokens::default()),
        crate::store::Store::in_memory().unwrap(),
        std::sync::Arc::new(crate::clock::FixedClock(at(now))),
    )
    .unwrap()
}

#[test]
fn the_reaction_form_offers_the_domains_symptoms_in_its_order_in_the_phones_language() {
    use healthbook_domain::vaccine::aefi::SYMPTOMS;
    let en = phone(Lang::En, "2026-06-01T09:00:00Z")
        .vaccination()
        .reaction_symptoms();
    let vi = phone(Lang::Vi, "2026-06-01T09:00:00Z")
        .vaccination()
        .reaction_symptoms();
    let codes: Vec<&str> = SYMPTOMS.iter().map(|s| s.code).collect();
    assert_eq!(
        en.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
        codes
    );
    assert_eq!(
        vi.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
        codes
    );
    let fever = |list: &[SymptomChoice]| {
        list.iter()
            .find(|s| s.code == "fever")
            .map(|s| s.name.clone())
            .unwrap()
    };
    assert_eq!(fever(&en), "Fever");
    assert_eq!(fever(&vi), "Sốt");
}

#[test]
fn an_onset_is_read_from_the_dose_to_today_in_vietnam_and_refused_outside() {
    // 20:00 UTC on 1 June is already 2 June in Việt Nam.
    let vaccination = phone(Lang::En, "2026-06-01T20:00:00Z").vaccination();
    let given: NaiveDate = "2026-05-30".parse().unwrap();
    let read = |typed: &str| vaccination.reaction_onset(typed.to_owned(), given);
    assert_eq!(read(" 2026-06-02 ").unwrap(), "2026-06-02".parse().unwrap());
    assert_eq!(read("2026-05-30").unwrap(), given);
    for (typed, code) in [
        ("2026-06-03", "onset_out_of_range"),
        ("2026-05-29", "onset_out_of_range"),
        ("02/06/2026", "date_ambiguous"),
    ] {
        let crate::input::InputError::Invalid { issue } = read(typed).unwrap_err();
        assert_eq!(
            (issue.field.as_str(), issue.code.as_str()),
            ("onset_on", code),
            "{typed}"
        );
    }
}

#[test]
fn a_province_not_offering_rotavirus_yet_takes_it_off_the_phones_list() {
    // The child of `book_of` was born on 2 March 2020: two months old on 2 May.
    let today: NaiveDate = "2020-05-04".parse().unwrap();
    let everywhere = due_view(book_of(Vec::new()), today, Lang::Vi, national());
    assert!(matches!(
        standing(&everywhere, Antigen::Rotavirus),
        Standing::Due { .. }
    ));
    let held_back = due_view(
        book_of(Vec::new()),
        today,
        Lang::Vi,
        vec![Antigen::Pneumococcal],
    );
    assert_eq!(
        standing(&held_back, Antigen::Rotavirus),
        Standing::NotApplicable
    );
    assert!(matches!(
        standing(&held_back, Antigen::Pneumococcal),
        Standing::Due { .. }
    ));
}

mod conflicts {
    use super::super::DoseConflict;
    use super::super::vaccinator::usable_lots;
    use crate::error::Problem;
    use chrono::NaiveDate;
    use healthbook_domain::vaccine::due::{Antigen, DoseRefusal};
    use healthbook_domain::vaccine::stock::{LotBalance, OpenedVialPolicy};
    use uuid::Uuid;

    fn refusal(status: u16, body: &str) -> Option<DoseConflict> {
        DoseConflict::from_problem(&Problem::parse(status, body.as_bytes(), None))
    }

    #[test]
    fn every_refusal_of_a_dose_the_server_names_becomes_its_conflict() {
        let cases = [
            (409, "lot_exhausted", DoseConflict::LotExhausted),
            (409, "lot_expired", DoseConflict::LotExpired),
            (409, "lot_quarantined", DoseConflict::LotQuarantined),
            (
                409,
                "lot_past_vvm_discard_point",
                DoseConflict::LotPastVvmDiscardPoint,
            ),
            (409, "duplicate_dose", DoseConflict::DuplicateDose),
            (
                404,
                "lot_not_found",
                DoseConflict::WrongLot {
                    code: "lot_not_found".into(),
                },
            ),
            (
                409,
                "series_complete",
                DoseConflict::NotDue {
                    code: "series_complete".into(),
                },
            ),
            (
                409,
                "dose_contraindicated",
                DoseConflict::Contraindicated {
                    code: "dose_contraindicated".into(),
                },
            ),
            (
                409,
                "screening_contraindicates",
                DoseConflict::Contraindicated {
                    code: "screening_contraindicates".into(),
                },
            ),
            (
                409,
                "screening_postpones",
                DoseConflict::ScreeningDefers {
                    code: "screening_postpones".into(),
                },
            ),
        ];
        for (status, code, expected) in cases {
            let body = format!(r#"{{"code":"{code}","detail":"x","status":{status}}}"#);
            assert_eq!(refusal(status, &body), Some(expected.clone()), "{code}");
            assert_eq!(expected.code(), code);
        }
    }

    #[test]
    fn too_early_keeps_the_first_day_the_server_named() {
        let body = r#"{"code":"dose_too_early","detail":"x","status":409,"earliest":"2026-08-03"}"#;
        assert_eq!(
            refusal(409, body),
            Some(DoseConflict::TooEarly {
                earliest: NaiveDate::from_ymd_opt(2026, 8, 3)
            })
        );
    }

    #[test]
    fn refusals_that_are_not_a_doses_own_are_left_to_the_common_mapping() {
        assert_eq!(refusal(404, r#"{"code":"not_found","detail":"x"}"#), None);
        assert_eq!(refusal(403, r#"{"code":"forbidden","detail":"x"}"#), None);
        assert_eq!(refusal(502, "<html>bad gateway</html>"), None);
    }

    #[test]
    fn the_phones_early_warning_speaks_the_same_vocabulary() {
        let earliest = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap();
        assert_eq!(
            DoseConflict::from_refusal(&DoseRefusal::TooEarly {
                antigen: Antigen::Measles,
                earliest
            }),
            DoseConflict::TooEarly {
                earliest: Some(earliest)
            }
        );
        assert_eq!(
            DoseConflict::from_refusal(&DoseRefusal::SeriesComplete),
            DoseConflict::NotDue {
                code: "series_complete".into()
            }
        );
    }

    #[test]
    fn messages_come_from_the_problem_codes_in_both_languages() {
        use super::super::dose_conflict_message;
        use healthbook_domain::{Lang, ProblemCode};
        assert_eq!(
            dose_conflict_message(DoseConflict::LotExhausted, Lang::Vi),
            ProblemCode::LotExhausted.message(Lang::Vi)
        );
        assert_ne!(
            dose_conflict_message(DoseConflict::LotExhausted, Lang::En),
            dose_conflict_message(DoseConflict::LotExhausted, Lang::Vi)
        );
        let unknown = DoseConflict::Other {
            code: "something_new".into(),
            detail: "Server words".into(),
        };
        assert_eq!(dose_conflict_message(unknown, Lang::En), "Server words");
    }

    fn lot(vaccine: &str, doses: i64, expires_on: &str, quarantined: bool) -> LotBalance {
        LotBalance {
            lot_id: Uuid::new_v4(),
            vaccine: vaccine.into(),
            product: "Twinrix".into(),
            manufacturer: "GSK".into(),
            lot_number: "TWX-1".into(),
            expires_on: expires_on.parse().unwrap(),
            doses_per_vial: 1,
            vvm_stage: 1,
            doses,
            quarantined_at: quarantined.then(|| "2026-06-01T00:00:00Z".parse().unwrap()),
            quarantine_reason: None,
            unusable: None,
            opened_vial_policy: OpenedVialPolicy::DiscardAfterSixHours,
        }
    }

    #[test]
    fn only_lots_of_the_vaccine_with_doses_that_may_be_given_today_are_offered() {
        let today: NaiveDate = "2026-06-10".parse().unwrap();
        let good = lot("hepa", 4, "2027-01-01", false);
        let lots = vec![
            good.clone(),
            lot("hepa", 0, "2027-01-01", false),
            lot("hepa", 4, "2026-06-09", false),
            lot("hepa", 4, "2027-01-01", true),
            lot("mr", 4, "2027-01-01", false),
        ];
        assert_eq!(usable_lots(lots.clone(), Some("hepa"), today), vec![good]);
        assert_eq!(usable_lots(lots, None, today).len(), 2);
    }
}
