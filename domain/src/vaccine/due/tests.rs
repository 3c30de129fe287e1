//! Cases from the schedule table: each names the row of `tcmr-schedule.csv` it checks.

use super::*;
use crate::ids::Sex;

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A child born on 1 January 2026, in a province that offers rotavirus and pneumococcal.
fn child() -> Vaccinee {
    Vaccinee {
        birth: date("2026-01-01"),
        sex: Sex::Female,
        pregnant: false,
        province_offers: ROADMAP_ANTIGENS.to_vec(),
        expected_delivery: None,
    }
}

fn dose(vaccine: &str, on: &str) -> GivenDose {
    GivenDose {
        on: date(on),
        vaccine: vaccine.to_owned(),
        product: None,
        origin: DoseOrigin::Recorded,
        verified: true,
    }
}

fn history(doses: &[GivenDose]) -> DoseHistory {
    DoseHistory {
        doses: doses.to_vec(),
        reactions: Vec::new(),
    }
}

fn line(person: &Vaccinee, history: &DoseHistory, today: &str, antigen: Antigen) -> AntigenDue {
    due(person, history, date(today))
        .into_iter()
        .find(|l| l.antigen == antigen)
        .unwrap_or_else(|| panic!("no line for {antigen:?}"))
}

fn standing(person: &Vaccinee, history: &DoseHistory, today: &str, antigen: Antigen) -> Standing {
    line(person, history, today, antigen).standing
}

#[test]
fn hepb_birth_is_due_within_its_day_and_then_gives_way_to_the_five_in_one() {
    let none = DoseHistory::default();
    let first_day = line(&child(), &none, "2026-01-02", Antigen::HepatitisB);
    assert_eq!(first_day.next_row.as_deref(), Some("hepb_birth"));
    assert_eq!(
        first_day.standing,
        Standing::Due {
            from: date("2026-01-01")
        }
    );
    // Past its 24 hours the series goes on with penta_1 (42 days), not with a late birth dose.
    let later = line(&child(), &none, "2026-01-05", Antigen::HepatitisB);
    assert_eq!(later.next_row.as_deref(), Some("penta_1"));
    assert_eq!(later.doses_needed, 3);
    assert_eq!(
        later.standing,
        Standing::TooEarly {
            earliest: date("2026-02-12")
        }
    );
    // Given on time, it is the first of four.
    let given = history(&[dose("hepb_birth", "2026-01-01")]);
    let after = line(&child(), &given, "2026-01-05", Antigen::HepatitisB);
    assert_eq!((after.doses_counted, after.doses_needed), (1, 4));
    assert_eq!(after.next_row.as_deref(), Some("penta_1"));
}

#[test]
fn bcg_alone_is_caught_up_and_overdue_after_its_month() {
    assert_eq!(
        standing(
            &child(),
            &DoseHistory::default(),
            "2026-03-01",
            Antigen::Tuberculosis
        ),
        Standing::Overdue {
            since: date("2026-02-02")
        }
    );
}

#[test]
fn penta_1_may_be_given_from_six_weeks_and_is_late_a_month_after_two_months() {
    let none = DoseHistory::default();
    let early = line(&child(), &none, "2026-02-20", Antigen::Diphtheria);
    assert_eq!(early.next_row.as_deref(), Some("penta_1"));
    assert_eq!(early.earliest, Some(date("2026-02-12")));
    assert_eq!(
        early.standing,
        Standing::Due {
            from: date("2026-03-01")
        }
    );
    assert!(early.may_refuse);
    assert_eq!(
        standing(&child(), &none, "2026-04-01", Antigen::Diphtheria),
        Standing::Overdue {
            since: date("2026-04-01")
        }
    );
}

#[test]
fn penta_2_waits_28_days_after_penta_1() {
    let given = history(&[dose("penta", "2026-03-01")]);
    let next = line(&child(), &given, "2026-03-20", Antigen::Pertussis);
    assert_eq!(next.next_row.as_deref(), Some("penta_2"));
    assert_eq!(next.next_dose, Some(2));
    assert_eq!(
        next.standing,
        Standing::TooEarly {
            earliest: date("2026-03-29")
        }
    );
    assert_eq!(next.recommended, Some(date("2026-04-01")));
}

#[test]
fn penta_2_after_a_late_penta_1_continues_the_series_and_is_late_a_month_after_it_could_be_given() {
    let given = history(&[dose("penta", "2026-07-01")]);
    let hib = |today| standing(&child(), &given, today, Antigen::HaemophilusInfluenzaeTypeB);
    assert_eq!(
        hib("2026-08-15"),
        Standing::Due {
            from: date("2026-07-29")
        }
    );
    assert_eq!(
        hib("2026-09-01"),
        Standing::Overdue {
            since: date("2026-08-29")
        }
    );
}

#[test]
fn three_six_in_one_doses_answer_penta_3_and_opv_3() {
    let mut doses = Vec::new();
    for on in ["2026-03-01", "2026-04-01", "2026-05-01"] {
        doses.push(GivenDose {
            product: Some("Hexaxim".to_owned()),
            ..dose("hexa", on)
        });
    }
    let given = history(&doses);
    let today = "2026-05-10";
    for antigen in [Antigen::HaemophilusInfluenzaeTypeB, Antigen::HepatitisB] {
        assert_eq!(
            standing(&child(), &given, today, antigen),
            Standing::Complete
        );
    }
    for antigen in [Antigen::Diphtheria, Antigen::Tetanus, Antigen::Pertussis] {
        let next = line(&child(), &given, today, antigen);
        assert_eq!(next.next_row.as_deref(), Some("dpt_booster"), "{antigen:?}");
        assert_eq!(next.earliest, Some(date("2027-06-25")), "540 days");
    }
    // The polio rows count the 6-in-1's IPV: the next is the fourth polio dose, ipv_1 at 5
    // months, which waits the 6 months Hexaxim's label asks before its booster.
    let polio = line(&child(), &given, today, Antigen::Poliomyelitis);
    assert_eq!(polio.next_row.as_deref(), Some("ipv_1"));
    assert_eq!(polio.recommended, Some(date("2026-06-01")));
    assert_eq!(
        polio.standing,
        Standing::TooEarly {
            earliest: date("2026-11-01")
        }
    );
    assert!(!polio.may_refuse, "ipv_1 and the label are graded medium");
}

#[test]
fn a_self_declared_dose_counts_once_verified() {
    let declared = GivenDose {
        origin: DoseOrigin::SelfDeclared,
        verified: false,
        ..dose("bcg", "2026-01-01")
    };
    let unchecked = history(std::slice::from_ref(&declared));
    assert_ne!(
        standing(&child(), &unchecked, "2026-03-01", Antigen::Tuberculosis),
        Standing::Complete
    );
    let checked = history(&[GivenDose {
        verified: true,
        ..declared
    }]);
    assert_eq!(
        standing(&child(), &checked, "2026-03-01", Antigen::Tuberculosis),
        Standing::Complete
    );
}

#[test]
fn rota_1_and_pcv_1_follow_the_provinces_roadmap_but_a_started_series_goes_on() {
    let elsewhere = Vaccinee {
        province_offers: vec![Antigen::Pneumococcal],
        ..child()
    };
    let none = DoseHistory::default();
    assert_eq!(
        standing(&elsewhere, &none, "2026-03-01", Antigen::Rotavirus),
        Standing::NotApplicable
    );
    assert_eq!(
        standing(&elsewhere, &none, "2026-03-01", Antigen::Pneumococcal),
        Standing::Due {
            from: date("2026-03-01")
        }
    );
    // rota_2: 28 days after a paid first dose, even where the programme does not offer it.
    let paid = history(&[dose("rota_service", "2026-02-20")]);
    assert_eq!(
        standing(&elsewhere, &paid, "2026-03-01", Antigen::Rotavirus),
        Standing::TooEarly {
            earliest: date("2026-03-20")
        }
    );
}

#[test]
fn a_serious_reaction_to_penta_1_stops_its_antigens_only() {
    let given = DoseHistory {
        doses: vec![dose("penta", "2026-03-01")],
        reactions: vec![SeriousReaction {
            on: date("2026-03-01"),
            vaccine: "penta".to_owned(),
            product: None,
        }],
    };
    assert_eq!(
        standing(&child(), &given, "2026-04-01", Antigen::Diphtheria),
        Standing::Contraindicated {
            vaccine: "penta".to_owned()
        }
    );
    assert_ne!(
        standing(&child(), &given, "2026-04-01", Antigen::Poliomyelitis),
        Standing::Contraindicated {
            vaccine: "penta".to_owned()
        }
    );
}

#[test]
fn a_paid_mmr_answers_measles_1_and_completes_rubella_mr() {
    let given = history(&[dose("mmr", "2027-01-01")]);
    assert_eq!(
        standing(&child(), &given, "2027-02-01", Antigen::Rubella),
        Standing::Complete
    );
    let measles = line(&child(), &given, "2027-02-01", Antigen::Measles);
    assert_eq!(measles.next_row.as_deref(), Some("mr"));
    assert_eq!(measles.recommended, Some(date("2027-07-01")));
}

#[test]
fn je_2_falls_one_to_two_weeks_after_je_1_and_je_3_a_year_later() {
    let first = history(&[dose("je", "2027-01-01")]);
    let je = |h: &DoseHistory, today| standing(&child(), h, today, Antigen::JapaneseEncephalitis);
    assert_eq!(
        je(&first, "2027-01-05"),
        Standing::TooEarly {
            earliest: date("2027-01-08")
        }
    );
    assert_eq!(
        je(&first, "2027-01-12"),
        Standing::Due {
            from: date("2027-01-08")
        }
    );
    // Past the window's two weeks.
    assert_eq!(
        je(&first, "2027-01-20"),
        Standing::Overdue {
            since: date("2027-01-16")
        }
    );
    let second = history(&[dose("je", "2027-01-01"), dose("je", "2027-01-10")]);
    assert_eq!(
        je(&second, "2027-06-01"),
        Standing::TooEarly {
            earliest: date("2028-01-10")
        }
    );
}

fn pregnant_woman() -> Vaccinee {
    Vaccinee {
        birth: date("1998-05-20"),
        sex: Sex::Female,
        pregnant: true,
        province_offers: Vec::new(),
        expected_delivery: None,
    }
}

#[test]
fn tt_preg_1_is_due_at_once_and_never_late_and_the_only_line_for_an_adult() {
    let list = due(
        &pregnant_woman(),
        &DoseHistory::default(),
        date("2026-06-01"),
    );
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].antigen, Antigen::Tetanus);
    assert_eq!(list[0].next_row.as_deref(), Some("tt_preg_1"));
    assert!(matches!(list[0].standing, Standing::Due { .. }));
    let not_pregnant = Vaccinee {
        pregnant: false,
        ..pregnant_woman()
    };
    assert!(due(&not_pregnant, &DoseHistory::default(), date("2026-06-01")).is_empty());
}

#[test]
fn tt_preg_2_waits_28_days_and_tt_preg_3_six_months() {
    let one = history(&[dose("tt_preg", "2026-03-01")]);
    let line_2 = line(&pregnant_woman(), &one, "2026-03-10", Antigen::Tetanus);
    assert_eq!(line_2.next_row.as_deref(), Some("tt_preg_2"));
    assert_eq!(
        line_2.standing,
        Standing::TooEarly {
            earliest: date("2026-03-29")
        }
    );
    let two = history(&[dose("tt_preg", "2026-03-01"), dose("tt_preg", "2026-04-01")]);
    let line_3 = line(&pregnant_woman(), &two, "2026-05-01", Antigen::Tetanus);
    assert_eq!(line_3.next_row.as_deref(), Some("tt_preg_3"));
    assert_eq!(line_3.earliest, Some(date("2026-09-28")), "180 days");
}

#[test]
fn tt_preg_5_is_met_by_five_childhood_tetanus_doses() {
    let childhood = history(&[
        dose("penta", "1998-07-20"),
        dose("penta", "1998-08-20"),
        dose("penta", "1998-09-20"),
        dose("dpt_booster", "1999-11-20"),
        dose("td_7y", "2005-05-20"),
    ]);
    let tetanus = line(
        &pregnant_woman(),
        &childhood,
        "2026-06-01",
        Antigen::Tetanus,
    );
    assert_eq!(tetanus.standing, Standing::Complete);
    assert!(
        tetanus.warnings.is_empty(),
        "the children's schedule spaced them: {:?}",
        tetanus.warnings
    );
}

#[test]
fn the_childrens_rows_stop_at_sixteen() {
    let teenager = Vaccinee {
        birth: date("2010-06-01"),
        ..child()
    };
    assert!(!due(&teenager, &DoseHistory::default(), date("2026-05-31")).is_empty());
    assert!(due(&teenager, &DoseHistory::default(), date("2026-06-01")).is_empty());
}

#[test]
fn measles_1_waits_28_days_after_a_paid_varicella_dose_unless_given_the_same_day() {
    let varicella = history(&[dose("varicella", "2026-09-20")]);
    let measles = line(&child(), &varicella, "2026-10-01", Antigen::Measles);
    assert_eq!(measles.next_row.as_deref(), Some("measles_1"));
    assert_eq!(
        measles.standing,
        Standing::TooEarly {
            earliest: date("2026-10-18")
        }
    );
    // measles_1's own earliest day (270 days) is the same day as the varicella dose: allowed.
    let same_day = history(&[dose("varicella", "2026-09-28")]);
    assert_eq!(
        line(&child(), &same_day, "2026-09-28", Antigen::Measles).earliest,
        Some(date("2026-09-28"))
    );
    // An oral live vaccine does not hold it back: rota_1 is not injected.
    let oral = history(&[dose("rota", "2026-09-20")]);
    assert_eq!(
        line(&child(), &oral, "2026-10-01", Antigen::Measles).earliest,
        Some(date("2026-09-28"))
    );
}

fn product(vaccine: &str, name: &str, on: &str) -> GivenDose {
    GivenDose {
        product: Some(name.to_owned()),
        ..dose(vaccine, on)
    }
}

#[test]
fn rota_2_after_rotarix_follows_its_label_and_warns_past_24_weeks() {
    let started = history(&[product("rota_service", "Rotarix", "2026-02-15")]);
    let next = line(&child(), &started, "2026-03-01", Antigen::Rotavirus);
    assert_eq!(next.course.as_deref(), Some("Rotarix"));
    assert_eq!(
        (next.doses_needed, next.next_row.as_deref()),
        (2, Some("rota_2"))
    );
    assert_eq!(
        next.standing,
        Standing::TooEarly {
            earliest: date("2026-03-15")
        }
    );
    assert!(next.warnings.is_empty());
    assert!(!next.may_refuse, "Rotarix's course is graded medium");
    // Started at 21 weeks, its second dose cannot come before 24 weeks (18 June 2026): the
    // course can no longer be finished, which the label's medium grade only warns about.
    let late = history(&[product("rota_service", "Rotarix", "2026-05-25")]);
    let warned = line(&child(), &late, "2026-06-10", Antigen::Rotavirus);
    assert_eq!(
        warned.warnings,
        [DueWarning::PastLabelAge {
            product: "Rotarix".to_owned(),
            limit: date("2026-06-18")
        }]
    );
    assert_eq!(
        warned.standing,
        Standing::TooLate {
            limit: date("2026-06-18")
        }
    );
    assert!(!warned.may_refuse, "a warning only");
}

#[test]
fn rotateq_warns_when_its_third_dose_cannot_come_by_32_weeks_while_the_second_still_can() {
    // RotaTeq: 3 doses at least 4 weeks apart, the last before 32 weeks (13 August 2026).
    // A first dose at 11 weeks, the second not given by 20 July: the third would fall on
    // 17 August at the earliest.
    let late = history(&[product("rota_service", "RotaTeq", "2026-03-20")]);
    let second = line(&child(), &late, "2026-07-20", Antigen::Rotavirus);
    assert_eq!(second.course.as_deref(), Some("RotaTeq"));
    assert_eq!(
        second.standing,
        Standing::Overdue {
            since: date("2026-05-17")
        }
    );
    assert_eq!(
        second.warnings,
        [DueWarning::PastLabelAge {
            product: "RotaTeq".to_owned(),
            limit: date("2026-08-13")
        }]
    );
}

#[test]
fn rota_1_is_not_started_at_15_weeks_and_rota_2_not_given_at_8_months() {
    // schedule-limits.csv, rota (low): first dose before 15 weeks, no dose from 8 months.
    let none = DoseHistory::default();
    assert_eq!(
        standing(&child(), &none, "2026-04-15", Antigen::Rotavirus),
        Standing::Overdue {
            since: date("2026-04-01")
        }
    );
    let missed = line(&child(), &none, "2026-04-16", Antigen::Rotavirus);
    assert_eq!(
        missed.standing,
        Standing::TooLate {
            limit: date("2026-04-16")
        }
    );
    assert!(!missed.may_refuse, "graded low: it warns");
    let accepted =
        check_dose(&child(), &none, &proposed("rota", None), date("2026-04-20")).unwrap();
    assert_eq!(
        accepted.later_than_advised,
        [LaterThanAdvised {
            antigen: Antigen::Rotavirus,
            limit: date("2026-04-16")
        }]
    );
    // One programme dose at 2 months: the second may still come up to 8 months.
    let one = history(&[dose("rota", "2026-03-01")]);
    assert!(matches!(
        standing(&child(), &one, "2026-08-31", Antigen::Rotavirus),
        Standing::Overdue { .. }
    ));
    assert_eq!(
        standing(&child(), &one, "2026-09-01", Antigen::Rotavirus),
        Standing::TooLate {
            limit: date("2026-09-01")
        }
    );
    // Complete stays complete past the limit.
    let two = history(&[dose("rota", "2026-03-01"), dose("rota", "2026-04-01")]);
    assert_eq!(
        standing(&child(), &two, "2027-01-01", Antigen::Rotavirus),
        Standing::Complete
    );
}

#[test]
fn rotateq_asks_a_third_dose_beyond_rota_2() {
    let two = history(&[
        product("rota_service", "RotaTeq", "2026-02-15"),
        product("rota_service", "RotaTeq", "2026-03-15"),
    ]);
    let third = line(&child(), &two, "2026-04-01", Antigen::Rotavirus);
    assert_eq!((third.doses_counted, third.doses_needed), (2, 3));
    assert_eq!(third.next_row, None);
    assert_eq!(
        third.standing,
        Standing::TooEarly {
            earliest: date("2026-04-12")
        }
    );
    // A mixed series follows the programme's two rows (rota_1, rota_2).
    let mixed = history(&[
        product("rota_service", "RotaTeq", "2026-02-15"),
        dose("rota", "2026-03-15"),
    ]);
    assert_eq!(
        standing(&child(), &mixed, "2026-04-01", Antigen::Rotavirus),
        Standing::Complete
    );
}

#[test]
fn dpt_booster_after_a_late_six_in_one_waits_its_labels_six_months() {
    let late = history(&[
        product("hexa", "Hexaxim", "2027-01-01"),
        product("hexa", "Hexaxim", "2027-02-01"),
        product("hexa", "Hexaxim", "2027-03-01"),
    ]);
    let booster = line(&child(), &late, "2027-07-01", Antigen::Pertussis);
    assert_eq!(booster.next_row.as_deref(), Some("dpt_booster"));
    assert_eq!(booster.course, None, "a combination follows the rows");
    assert_eq!(
        booster.standing,
        Standing::TooEarly {
            earliest: date("2027-09-01")
        }
    );
    // dpt_booster is graded high, but the 6 months are the label's (medium): no refusal.
    assert!(!booster.may_refuse);
}

#[test]
fn a_paid_varicella_series_gets_a_line_and_continues_by_its_label() {
    assert!(
        !due(&child(), &DoseHistory::default(), date("2027-03-01"))
            .iter()
            .any(|l| l.antigen == Antigen::Varicella),
        "no line before a first dose"
    );
    let started = history(&[product("varicella", "Varivax", "2027-01-10")]);
    let next = line(&child(), &started, "2027-03-01", Antigen::Varicella);
    assert_eq!(next.course.as_deref(), Some("Varivax"));
    assert_eq!((next.doses_counted, next.doses_needed), (1, 2));
    assert_eq!(next.next_row, None);
    // 3 months after the first dose, for a child under 13 (Varivax's label).
    assert_eq!(
        next.standing,
        Standing::TooEarly {
            earliest: date("2027-04-10")
        }
    );
    // Influenza is seasonal: past doses give it no line.
    let flu = history(&[product("flu", "Vaxigrip Tetra", "2026-10-01")]);
    assert!(
        !due(&child(), &flu, date("2027-03-01"))
            .iter()
            .any(|l| l.antigen == Antigen::Influenza)
    );
}

fn proposed(vaccine: &str, product: Option<&str>) -> ProposedDose {
    ProposedDose {
        vaccine: vaccine.to_owned(),
        product: product.map(str::to_owned),
    }
}

#[test]
fn check_dose_numbers_the_five_in_one_by_its_rows_penta_1_then_penta_2() {
    let none = DoseHistory::default();
    let first = check_dose(
        &child(),
        &none,
        &proposed("penta", None),
        date("2026-03-01"),
    )
    .unwrap();
    assert_eq!(first.dose_number, 1);
    assert!(
        first
            .antigens
            .iter()
            .all(|a| a.dose_number == 1 || a.antigen == Antigen::HepatitisB)
    );
    let given = history(&[dose("penta", "2026-03-01")]);
    let second = check_dose(
        &child(),
        &given,
        &proposed("penta", None),
        date("2026-03-29"),
    )
    .unwrap();
    let diphtheria = second
        .antigens
        .iter()
        .find(|a| a.antigen == Antigen::Diphtheria)
        .unwrap();
    assert_eq!(
        (diphtheria.dose_number, diphtheria.row.as_deref()),
        (2, Some("penta_2"))
    );
    assert_eq!(second.dose_number, 2);
}

#[test]
fn check_dose_refuses_penta_2_before_its_28_day_interval_naming_the_earliest_day() {
    // penta_2: min_interval_from_previous_days 28, graded high.
    let given = history(&[dose("penta", "2026-03-01")]);
    let refused = check_dose(
        &child(),
        &given,
        &proposed("penta", None),
        date("2026-03-20"),
    );
    assert!(
        matches!(refused, Err(DoseRefusal::TooEarly { earliest, .. }) if earliest == date("2026-03-29")),
        "{refused:?}"
    );
    assert_eq!(refused.unwrap_err().code().as_str(), "dose_too_early");
}

#[test]
fn check_dose_refuses_a_second_dose_of_the_same_antigen_on_the_same_day() {
    let given = history(&[dose("penta", "2026-03-01")]);
    let again = check_dose(
        &child(),
        &given,
        &proposed("penta", None),
        date("2026-03-01"),
    );
    assert!(
        matches!(again, Err(DoseRefusal::TooEarly { .. })),
        "{again:?}"
    );
}

#[test]
fn check_dose_passes_over_a_finished_polio_series_for_a_six_in_one() {
    // opv_1..3 then ipv_1..2 complete polio; the 6-in-1 still gives diphtheria its first dose.
    let polio = ["opv", "opv", "opv", "ipv", "ipv"];
    let days = [
        "2026-03-01",
        "2026-04-01",
        "2026-05-01",
        "2026-06-01",
        "2026-09-01",
    ];
    let doses: Vec<GivenDose> = polio.iter().zip(days).map(|(v, d)| dose(v, d)).collect();
    let given = history(&doses);
    let line = line(&child(), &given, "2026-10-01", Antigen::Poliomyelitis);
    assert_eq!(line.standing, Standing::Complete);
    let hexa = check_dose(
        &child(),
        &given,
        &proposed("hexa", Some("Hexaxim")),
        date("2026-10-01"),
    )
    .unwrap();
    assert_eq!(hexa.dose_number, 1);
    assert!(
        hexa.antigens
            .iter()
            .all(|a| a.antigen != Antigen::Poliomyelitis)
    );
}

#[test]
fn check_dose_refuses_an_unknown_vaccine_or_product_and_a_contraindicated_one() {
    let none = DoseHistory::default();
    let on = date("2026-03-01");
    assert_eq!(
        check_dose(&child(), &none, &proposed("no_such", None), on),
        Err(DoseRefusal::UnknownVaccine)
    );
    assert_eq!(
        check_dose(&child(), &none, &proposed("hexa", Some("Nope")), on),
        Err(DoseRefusal::UnknownProduct)
    );
    let mut reacted = history(&[dose("penta", "2026-03-01")]);
    reacted.reactions.push(SeriousReaction {
        on: date("2026-03-02"),
        vaccine: "penta".to_owned(),
        product: None,
    });
    let refused = check_dose(
        &child(),
        &reacted,
        &proposed("penta", None),
        date("2026-04-01"),
    );
    assert!(
        matches!(refused, Err(DoseRefusal::Contraindicated { .. })),
        "{refused:?}"
    );
}

#[test]
fn check_dose_refuses_a_programme_roadmap_dose_where_the_province_does_not_offer_it() {
    let elsewhere = Vaccinee {
        province_offers: Vec::new(),
        ..child()
    };
    let refused = check_dose(
        &elsewhere,
        &DoseHistory::default(),
        &proposed("rota", None),
        date("2026-03-01"),
    );
    assert_eq!(
        refused,
        Err(DoseRefusal::NotOffered {
            antigen: Antigen::Rotavirus
        })
    );
}

#[test]
fn check_dose_refuses_a_dose_when_every_antigen_is_complete() {
    // bcg: one dose.
    let given = history(&[dose("bcg", "2026-01-02")]);
    assert_eq!(
        check_dose(&child(), &given, &proposed("bcg", None), date("2026-03-01")),
        Err(DoseRefusal::SeriesComplete)
    );
}

#[test]
fn a_twinrix_dose_counts_against_hepatitis_b_too() {
    // hepb_birth and penta_1..3 make four hepatitis B doses; Twinrix (service-products.csv:
    // hepatitis A and B) given at one year answers penta_3's rank after two 5-in-1 doses.
    let given = history(&[
        dose("hepb_birth", "2026-01-01"),
        dose("penta", "2026-03-01"),
        dose("penta", "2026-04-01"),
        product("hepa", "Twinrix", "2027-01-05"),
    ]);
    assert_eq!(
        standing(&child(), &given, "2027-02-01", Antigen::HepatitisB),
        Standing::Complete
    );
    let avaxim = history(&[
        dose("hepb_birth", "2026-01-01"),
        dose("penta", "2026-03-01"),
        dose("penta", "2026-04-01"),
        product("hepa", "Avaxim", "2027-01-05"),
    ]);
    assert_ne!(
        standing(&child(), &avaxim, "2027-02-01", Antigen::HepatitisB),
        Standing::Complete
    );
}

/// Pregnant, first pregnancy, expected to deliver on 15 September 2026.
fn expecting() -> Vaccinee {
    Vaccinee {
        expected_delivery: Some(date("2026-09-15")),
        ..pregnant_woman()
    }
}

#[test]
fn tt_preg_2_is_late_the_day_after_a_month_before_delivery() {
    // tt_preg_2: "ít nhất 1 tháng sau mũi 1 và trước sinh ít nhất 1 tháng". Dose 1 on 10 July:
    // dose 2 from 10 August, due by 15 August (a month before delivery).
    let one = history(&[dose("tt_preg", "2026-07-10")]);
    let on_time = line(&expecting(), &one, "2026-08-12", Antigen::Tetanus);
    assert_eq!(on_time.next_row.as_deref(), Some("tt_preg_2"));
    assert_eq!(
        on_time.standing,
        Standing::Due {
            from: date("2026-08-10")
        }
    );
    assert!(on_time.warnings.is_empty());
    assert_eq!(
        standing(&expecting(), &one, "2026-08-20", Antigen::Tetanus),
        Standing::Overdue {
            since: date("2026-08-16")
        }
    );
    // Without a delivery day the row's own interval and the usual month's grace apply.
    assert_eq!(
        standing(&pregnant_woman(), &one, "2026-08-20", Antigen::Tetanus),
        Standing::Due {
            from: date("2026-08-10")
        }
    );
}

#[test]
fn tt_preg_2_that_cannot_come_a_month_before_delivery_is_still_proposed_with_a_warning() {
    // Dose 1 in the eighth month (1 August): 28 days later is past 15 August.
    let one = history(&[dose("tt_preg", "2026-08-01")]);
    let late = line(&expecting(), &one, "2026-08-30", Antigen::Tetanus);
    assert_eq!(late.earliest, Some(date("2026-08-29")));
    assert_eq!(
        late.standing,
        Standing::Overdue {
            since: date("2026-08-16")
        }
    );
    assert_eq!(
        late.warnings,
        [DueWarning::TooCloseToDelivery {
            row: "tt_preg_2".to_owned(),
            deadline: date("2026-08-15")
        }]
    );
}

#[test]
fn a_later_pregnancy_gets_one_dose_tt_preg_3_and_tt_preg_4_waits_a_year() {
    // Two doses in a first pregnancy of 2023; tt_preg_3: "ít nhất 6 tháng sau mũi 2 (hoặc lần
    // có thai sau)".
    let first = history(&[dose("tt_preg", "2023-03-01"), dose("tt_preg", "2023-04-01")]);
    let now = line(&expecting(), &first, "2026-06-01", Antigen::Tetanus);
    assert_eq!(now.next_row.as_deref(), Some("tt_preg_3"));
    assert!(matches!(now.standing, Standing::Overdue { .. }));
    assert!(
        now.warnings.is_empty(),
        "only tt_preg_2 is timed by delivery"
    );
    // tt_preg_4: "ít nhất 1 năm sau mũi 3 (hoặc lần có thai sau)": not in this pregnancy.
    let third = history(&[
        dose("tt_preg", "2023-03-01"),
        dose("tt_preg", "2023-04-01"),
        dose("tt_preg", "2026-06-01"),
    ]);
    let next = line(&expecting(), &third, "2026-07-01", Antigen::Tetanus);
    assert_eq!(next.next_row.as_deref(), Some("tt_preg_4"));
    assert_eq!(
        next.standing,
        Standing::TooEarly {
            earliest: date("2027-06-01")
        }
    );
}

#[test]
fn check_dose_refuses_a_live_vaccine_to_a_pregnant_woman_and_not_her_tetanus_dose() {
    // vaccine-kinds.csv: mmr and varicella live (high); tt_preg toxoid.
    let on = date("2026-06-01");
    let none = DoseHistory::default();
    for (vaccine, product) in [
        ("mmr", Some("Priorix")),
        ("varicella", None),
        ("je_live", None),
    ] {
        let refused = check_dose(&pregnant_woman(), &none, &proposed(vaccine, product), on);
        assert_eq!(refused, Err(DoseRefusal::LiveInPregnancy), "{vaccine}");
        assert_eq!(
            refused.unwrap_err().code().as_str(),
            "live_vaccine_in_pregnancy"
        );
    }
    let tetanus = check_dose(&pregnant_woman(), &none, &proposed("tt_preg", None), on).unwrap();
    assert_eq!(tetanus.antigens[0].row.as_deref(), Some("tt_preg_1"));
    let not_pregnant = Vaccinee {
        pregnant: false,
        ..pregnant_woman()
    };
    assert!(check_dose(&not_pregnant, &none, &proposed("mmr", Some("Priorix")), on).is_ok());
}

#[test]
fn penta_2_given_before_its_28_days_still_counts_and_is_flagged() {
    // penta_2: 28 days after penta_1; given after 20.
    let given = history(&[dose("penta", "2026-03-01"), dose("penta", "2026-03-21")]);
    let next = line(&child(), &given, "2026-04-01", Antigen::Diphtheria);
    assert_eq!(next.doses_counted, 2);
    assert_eq!(next.next_row.as_deref(), Some("penta_3"));
    // penta_3's clock starts at the early dose.
    assert_eq!(next.earliest, Some(date("2026-04-18")));
    assert_eq!(
        next.warnings,
        [DueWarning::GivenTooEarly {
            row: Some("penta_2".to_owned()),
            on: date("2026-03-21"),
            earliest: date("2026-03-29")
        }]
    );
    // measles_1 (270 days) given at 8 months: counted, flagged, and the line is complete
    // only once mr follows.
    let measles = history(&[dose("measles", "2026-09-01"), dose("mr", "2027-07-01")]);
    let done = line(&child(), &measles, "2027-08-01", Antigen::Measles);
    assert_eq!(done.standing, Standing::Complete);
    assert_eq!(
        done.warnings,
        [DueWarning::GivenTooEarly {
            row: Some("measles_1".to_owned()),
            on: date("2026-09-01"),
            earliest: date("2026-09-28")
        }]
    );
}
