use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn span() -> impl Strategy<Value = Span> {
    prop_oneof![
        any::<u16>().prop_map(Span::Days),
        any::<u16>().prop_map(Span::Weeks),
        any::<u16>().prop_map(Span::Months),
        any::<u16>().prop_map(Span::Years),
    ]
}

proptest! {
    #[test]
    fn a_span_reads_back_from_its_short_notation(span in span()) {
        prop_assert_eq!(Span::parse(&span.short()), Some(span));
    }

    #[test]
    fn whatever_parses_is_a_number_and_a_unit(text in "\\PC{0,8}") {
        if let Some(span) = Span::parse(&text) {
            prop_assert!(text.ends_with(['d', 'w', 'm', 'y']));
            prop_assert_eq!(Span::parse(&span.short()), Some(span));
        }
    }
}

#[test]
fn spans_that_are_not_a_number_and_a_unit_are_refused() {
    for text in [
        "", "w", "6", "6x", "-6w", "6 w", "6ww", "+6w", "65536d", "６w",
    ] {
        assert_eq!(Span::parse(text), None, "{text:?}");
    }
    assert_eq!(Span::parse("06w"), Some(Span::Weeks(6)));
    assert_eq!(Span::Months(1).to_string(), "1 month");
    assert_eq!(Span::Weeks(6).to_string(), "6 weeks");
}

#[test]
fn spans_are_added_on_the_calendar() {
    assert_eq!(
        Span::Weeks(6).after(date("2026-01-01")),
        Some(date("2026-02-12"))
    );
    assert_eq!(
        Span::Months(1).after(date("2026-01-31")),
        Some(date("2026-02-28"))
    );
    assert_eq!(
        Span::Years(1).after(date("2028-02-29")),
        Some(date("2029-02-28"))
    );
    assert_eq!(
        Span::Years(15).after(date("2012-03-10")),
        Some(date("2027-03-10"))
    );
    assert_eq!(Span::Days(1).after(NaiveDate::MAX), None);
}

#[test]
fn the_six_in_one_is_three_doses_and_a_booster() {
    let hexa = entry("hexa").unwrap();
    assert_eq!(hexa.programme, Programme::Service);
    assert_eq!(hexa.doses(), 4);
    assert_eq!(Vaccine::from(hexa).doses, 4);
    for name in ["Hexaxim", "Infanrix Hexa"] {
        let course = &hexa.product(name).unwrap().courses[0];
        assert_eq!(course.doses(), 4, "{name}");
        assert_eq!(course.min_age, Some(Span::Weeks(6)));
        assert_eq!(
            course.min_intervals,
            &[Span::Weeks(4), Span::Weeks(4), Span::Months(6)]
        );
        assert_eq!(course.min_interval_before(4), Some(Span::Months(6)));
        assert_eq!(course.min_interval_before(1), None);
    }
    assert_eq!(hexa.antigens().len(), 6);
}

#[test]
fn each_paid_vaccine_counts_its_longest_course() {
    let expected = [
        ("flu", 2),
        ("hepa", 3),
        ("hexa", 4),
        ("hpv_service", 3),
        ("je_live", 2),
        ("men_acyw", 2),
        ("men_bc", 2),
        ("mmr", 2),
        ("pcv_service", 4),
        ("penta_acellular", 4),
        ("rabies", 5),
        ("rota_service", 3),
        ("typhoid", 1),
        ("varicella", 2),
    ];
    let paid: Vec<(&str, u32)> = catalogue()
        .iter()
        .filter(|e| e.programme == Programme::Service)
        .map(|e| (e.code, e.doses()))
        .collect();
    assert_eq!(paid, expected);
}

#[test]
fn products_keep_the_courses_of_their_labels() {
    let course = |vaccine: &str, product: &str, label: &str| {
        entry(vaccine)
            .and_then(|e| e.product(product))
            .and_then(|p| p.courses.iter().find(|c| c.label == label))
            .map(Course::doses)
    };
    assert_eq!(course("rota_service", "Rotarix", ""), Some(2));
    assert_eq!(course("rota_service", "RotaTeq", ""), Some(3));
    assert_eq!(course("pcv_service", "Synflorix", "3+1"), Some(4));
    assert_eq!(course("pcv_service", "Prevenar 13", "3+1"), Some(4));
    assert_eq!(
        course("varicella", "Varivax", "12 months to 12 years"),
        Some(2)
    );
    assert_eq!(course("mmr", "MMR II", ""), Some(2));
    assert_eq!(course("hpv_service", "Gardasil 9", "9-14 years"), Some(2));
    assert_eq!(
        course("hpv_service", "Gardasil 9", "15 years and older"),
        Some(3)
    );
    assert_eq!(
        course("flu", "Vaxigrip Tetra", "first season under 9 years"),
        Some(2)
    );
    assert_eq!(course("flu", "Vaxigrip Tetra", "each season"), Some(1));
    assert_eq!(
        course("rabies", "Verorab", "post-exposure (Essen)"),
        Some(5)
    );
    assert_eq!(
        course("rabies", "Verorab", "post-exposure (Zagreb)"),
        Some(4)
    );
    assert_eq!(course("typhoid", "Typhim Vi", ""), Some(1));
    assert_eq!(course("hepa", "Twinrix", "16 years and older"), Some(3));
    assert_eq!(course("men_acyw", "Menactra", "9-23 months"), Some(2));
    assert_eq!(course("men_acyw", "Menactra", "2-55 years"), Some(1));
    let rotarix = &entry("rota_service")
        .unwrap()
        .product("Rotarix")
        .unwrap()
        .courses[0];
    assert_eq!(rotarix.last_dose_before, Some(Span::Weeks(24)));
}

#[test]
fn the_hpv_course_depends_on_the_age_at_the_first_dose() {
    let gardasil_9 = entry("hpv_service").unwrap().product("Gardasil 9").unwrap();
    let born = date("2012-03-10");
    let doses_from = |day: &str| -> Vec<u32> {
        gardasil_9
            .courses_open_to(born, date(day))
            .map(Course::doses)
            .collect()
    };
    assert_eq!(doses_from("2021-03-09"), Vec::<u32>::new(), "under 9");
    assert_eq!(doses_from("2021-03-10"), [2]);
    assert_eq!(
        doses_from("2027-03-09"),
        [2],
        "the day before the 15th birthday"
    );
    assert_eq!(doses_from("2027-03-10"), [3]);
}

#[test]
fn the_programme_series_keep_their_codes_and_doses() {
    let expanded: Vec<(&str, u32)> = catalogue()
        .iter()
        .filter(|e| e.programme == Programme::Expanded)
        .map(|e| (e.code, e.doses()))
        .collect();
    assert_eq!(
        expanded,
        [
            ("bcg", 1),
            ("dpt_booster", 1),
            ("hepb_birth", 1),
            ("hpv_girls", 1),
            ("ipv", 2),
            ("je", 3),
            ("measles", 1),
            ("mr", 1),
            ("opv", 3),
            ("pcv", 2),
            ("penta", 3),
            ("rota", 2),
            ("td_7y", 1),
            ("tt_preg", 5),
        ]
    );
    let penta = entry("penta").unwrap();
    let ids: Vec<&str> = penta.schedule.iter().map(|d| d.id).collect();
    assert_eq!(ids, ["penta_1", "penta_2", "penta_3"]);
    assert_eq!(penta.min_age, Some(Span::Days(42)));
    assert_eq!(penta.schedule_note, "đủ 2 tháng");
    assert_eq!(entry("hpv_girls").unwrap().schedule[0].dose, None);
    assert_eq!(programme_schedule().len(), 27);
}

#[test]
fn a_programme_dose_waits_for_its_age_and_its_interval() {
    let born = date("2026-01-01");
    let penta = entry("penta").unwrap();
    assert_eq!(
        penta.schedule[0].earliest_on(born, None),
        Some(date("2026-02-12"))
    );
    // 28 days after the first dose, whichever comes later.
    assert_eq!(
        penta.schedule[1].earliest_on(born, Some(date("2026-03-02"))),
        Some(date("2026-03-30"))
    );
    let je = entry("je").unwrap();
    assert_eq!(
        je.schedule[2].earliest_on(born, Some(date("2027-01-15"))),
        Some(date("2028-01-15"))
    );
}

#[test]
fn every_entry_names_its_antigens_and_no_product_course_may_refuse() {
    for entry in catalogue() {
        assert!(!entry.antigens().is_empty(), "{}", entry.code);
        assert!(entry.doses() >= 1, "{}", entry.code);
        match entry.programme {
            Programme::Expanded => assert!(entry.products.is_empty()),
            Programme::Service => assert!(entry.schedule.is_empty() && !entry.products.is_empty()),
        }
        for course in entry.products.iter().flat_map(|p| p.courses) {
            assert!(!course.confidence.may_refuse(), "{}", entry.code);
            assert!(!course.source.is_empty(), "{}", entry.code);
        }
    }
    assert_eq!(
        entry("mmr").unwrap().antigens(),
        [
            crate::certificate::routine::TargetDisease::Measles,
            crate::certificate::routine::TargetDisease::Mumps,
            crate::certificate::routine::TargetDisease::Rubella,
        ]
    );
    assert!(entry("penta_1").is_none());
}

#[test]
fn the_recommended_ages_are_read_from_the_schedule_words() {
    let row = |id: &str| programme_schedule().iter().find(|d| d.id == id).unwrap();
    let born = date("2026-01-31");
    // hepb_birth: "trong 24 giờ sau sinh", the day of birth and the next.
    assert_eq!(
        row("hepb_birth").recommended.unwrap().days(born, None),
        Some((born, Some(date("2026-02-01"))))
    );
    // penta_2: "đủ 3 tháng", on the calendar.
    assert_eq!(
        row("penta_2").recommended.unwrap().days(born, None),
        Some((date("2026-04-30"), None))
    );
    // je_2: "1-2 tuần sau mũi 1" counts from the first dose, and has no day without it.
    let je_2 = row("je_2").recommended.unwrap();
    assert_eq!(
        je_2.days(born, Some(date("2027-02-01"))),
        Some((date("2027-02-08"), Some(date("2027-02-15"))))
    );
    assert_eq!(je_2.days(born, None), None);
    // tt_preg_1: "càng sớm càng tốt", as soon as it may be given.
    assert_eq!(row("tt_preg_1").recommended, None);
    assert_eq!(row("td_7y").recommended.unwrap().at, Span::Years(7));
}

#[test]
fn live_injectable_vaccines_are_the_live_ones_not_swallowed() {
    let live: Vec<&str> = catalogue()
        .iter()
        .filter(|e| e.live_injectable())
        .map(|e| e.code)
        .collect();
    assert_eq!(
        live,
        ["bcg", "measles", "mr", "je_live", "mmr", "varicella"]
    );
    assert!(entry("rota").unwrap().live && entry("opv").unwrap().route == Route::Oral);
}

#[test]
fn a_product_names_its_maker_and_inherits_its_vaccines_kind_unless_its_row_says_otherwise() {
    use crate::certificate::routine::TargetDisease;
    let rotarix = entry("rota_service")
        .and_then(|e| e.product("Rotarix"))
        .unwrap();
    assert_eq!(rotarix.manufacturer, "GSK");
    assert_eq!((rotarix.live, rotarix.route), (true, Route::Oral));
    assert!(!rotarix.live_injectable());
    assert_eq!(rotarix.antigens(), [TargetDisease::Rotavirus]);
    assert_eq!(rotarix.doses(), 2);
    let rotateq = entry("rota_service")
        .and_then(|e| e.product("RotaTeq"))
        .unwrap();
    assert_eq!((rotateq.manufacturer, rotateq.doses()), ("MSD", 3));
    // Twinrix is listed under hepatitis A; its row adds hepatitis B.
    let twinrix = entry("hepa").and_then(|e| e.product("Twinrix")).unwrap();
    assert_eq!(
        twinrix.antigens(),
        [TargetDisease::HepatitisA, TargetDisease::HepatitisB]
    );
    assert_eq!(
        entry("hepa")
            .and_then(|e| e.product("Avaxim"))
            .unwrap()
            .antigens(),
        [TargetDisease::HepatitisA]
    );
    for product in catalogue().iter().flat_map(|e| e.products) {
        let vaccine = entry(product.vaccine).unwrap();
        assert!(vaccine.product(product.name).is_some(), "{}", product.name);
        assert!(!product.antigens().is_empty(), "{}", product.name);
    }
}
