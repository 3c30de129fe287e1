//! What holds for any history: a dose never brings the next one forward past its minimum
//! interval, adding a dose never leaves a person less complete (never fewer doses counted,
//! never a complete antigen reopened), a dose given too early is flagged but never taken
//! back, an antigen is called too late only past its limit, and a pregnant woman is never
//! given a live vaccine.

use super::track::covers;
use super::*;
use crate::ids::Sex;
use crate::vaccine::programme_schedule;
use proptest::prelude::*;

/// Codes a record may carry: the programme's series and rows, and paid vaccines.
const CODES: &[&str] = &[
    "hepb_birth",
    "bcg",
    "penta",
    "penta_2",
    "opv",
    "ipv",
    "rota",
    "pcv",
    "measles",
    "mr",
    "dpt_booster",
    "je",
    "td_7y",
    "tt_preg",
    "hexa",
    "penta_acellular",
    "rota_service",
    "pcv_service",
    "mmr",
    "varicella",
    "unknown",
];

fn day(offset: u16) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1)
        .unwrap()
        .checked_add_days(chrono::Days::new(offset.into()))
        .unwrap()
}

fn person() -> impl Strategy<Value = Vaccinee> {
    (
        0u16..1500,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(0u16..6000),
    )
        .prop_map(|(born, pregnant, rota, pcv, delivery)| Vaccinee {
            birth: day(born),
            sex: Sex::Female,
            pregnant,
            province_offers: [(rota, Antigen::Rotavirus), (pcv, Antigen::Pneumococcal)]
                .into_iter()
                .filter_map(|(offered, antigen)| offered.then_some(antigen))
                .collect(),
            expected_delivery: delivery.map(day),
        })
}

/// Paid products with their vaccine: their courses decide some series.
const PRODUCTS: &[(&str, &str)] = &[
    ("rota_service", "Rotarix"),
    ("rota_service", "RotaTeq"),
    ("rota_service", "Rotavin-M1"),
    ("pcv_service", "Prevenar 13"),
    ("pcv_service", "Synflorix"),
    ("hexa", "Hexaxim"),
    ("hexa", "Infanrix Hexa"),
    ("penta_acellular", "Pentaxim"),
    ("mmr", "Priorix"),
    ("varicella", "Varivax"),
    ("varicella", "Barycela"),
    ("hepa", "Avaxim"),
    ("hepa", "Twinrix"),
    ("hpv_service", "Gardasil 9"),
    ("flu", "Vaxigrip Tetra"),
];

fn given_dose() -> impl Strategy<Value = GivenDose> {
    let code = prop_oneof![
        (0..CODES.len()).prop_map(|i| (CODES[i], None)),
        (0..PRODUCTS.len()).prop_map(|i| (PRODUCTS[i].0, Some(PRODUCTS[i].1))),
    ];
    (code, 0u16..5000, any::<bool>()).prop_map(|((vaccine, product), on, verified)| GivenDose {
        on: day(on),
        vaccine: vaccine.to_owned(),
        product: product.map(str::to_owned),
        origin: DoseOrigin::Imported,
        verified,
    })
}

/// The shortest interval before dose `number` that `line` may use: its row's, or where it
/// follows a product's course, the shortest of that product's courses.
fn min_interval(line: &AntigenDue, number: usize) -> Option<crate::vaccine::Span> {
    match &line.course {
        Some(name) => crate::vaccine::catalogue()
            .iter()
            .flat_map(|e| e.products)
            .filter(|p| p.name == name)
            .flat_map(|p| p.courses)
            .filter_map(|c| c.min_interval_before(number))
            .min_by_key(|span| span.after(day(0))),
        None => {
            let row = line.next_row.as_deref()?;
            programme_schedule()
                .iter()
                .find(|r| r.id == row)?
                .min_interval
        }
    }
}

fn remaining(line: &AntigenDue) -> u32 {
    line.doses_needed.saturating_sub(line.doses_counted)
}

proptest! {
    #[test]
    fn a_dose_never_brings_the_next_one_before_its_minimum_interval(
        person in person(),
        doses in prop::collection::vec(given_dose(), 0..12),
        today in 0u16..6000,
    ) {
        let today = day(today);
        let history = DoseHistory { doses: doses.clone(), reactions: Vec::new() };
        for line in due(&person, &history, today) {
            let (Some(earliest), Some(number)) = (line.earliest, line.next_dose) else {
                continue;
            };
            let last = doses
                .iter()
                .filter(|d| d.verified && d.on <= today && covers(&d.vaccine, d.product.as_deref()).contains(&line.antigen))
                .map(|d| d.on)
                .max();
            let Some(last) = last else { continue };
            prop_assert!(earliest >= last, "{line:?} before the last dose");
            if let Some(interval) = min_interval(&line, number as usize) {
                prop_assert!(earliest >= interval.after(last).unwrap(), "{line:?}");
            }
        }
    }

    #[test]
    fn adding_a_dose_never_leaves_a_person_less_complete(
        person in person(),
        doses in prop::collection::vec(given_dose(), 0..12),
        added in given_dose(),
        today in 0u16..6000,
    ) {
        let today = day(today);
        let before = due(&person, &DoseHistory { doses: doses.clone(), reactions: Vec::new() }, today);
        let mut more = doses;
        more.push(added);
        let after = due(&person, &DoseHistory { doses: more, reactions: Vec::new() }, today);
        for b in &before {
            let a = after.iter().find(|a| a.antigen == b.antigen);
            prop_assert!(a.is_some(), "{:?} lost its line", b.antigen);
            let Some(a) = a else { continue };
            prop_assert!(a.doses_counted >= b.doses_counted, "{:?} then {:?}", b, a);
            // A first dose of a product may set a longer course (a 3+1 pneumococcal label
            // after the programme's 2 rows); within one course, no dose adds to what is left.
            if a.course == b.course {
                prop_assert!(remaining(a) <= remaining(b), "{:?} then {:?}", b, a);
            }
            if b.standing == Standing::Complete {
                prop_assert_eq!(&a.standing, &Standing::Complete);
            }
        }
    }

    #[test]
    fn a_dose_given_too_early_is_flagged_but_still_counted(
        person in person(),
        doses in prop::collection::vec(given_dose(), 0..12),
        today in 0u16..6000,
    ) {
        let today = day(today);
        let history = DoseHistory { doses: doses.clone(), reactions: Vec::new() };
        for line in due(&person, &history, today) {
            let mut days: Vec<NaiveDate> = doses
                .iter()
                .filter(|d| d.verified && d.on <= today)
                .filter(|d| covers(&d.vaccine, d.product.as_deref()).contains(&line.antigen))
                .map(|d| d.on)
                .collect();
            days.sort_unstable();
            days.dedup();
            prop_assert_eq!(line.doses_counted as usize, days.len(), "{:?}", line);
            for warning in &line.warnings {
                if let DueWarning::GivenTooEarly { on, earliest, .. } = warning {
                    prop_assert!(days.contains(on), "{line:?}");
                    prop_assert!(on < earliest, "{line:?}");
                }
            }
        }
    }

    #[test]
    fn an_antigen_is_too_late_only_once_its_next_dose_cannot_come_before_the_limit(
        person in person(),
        doses in prop::collection::vec(given_dose(), 0..12),
        today in 0u16..6000,
    ) {
        let today = day(today);
        let history = DoseHistory { doses, reactions: Vec::new() };
        for line in due(&person, &history, today) {
            if let Standing::TooLate { limit } = line.standing {
                let earliest = line.earliest.unwrap_or(today);
                prop_assert!(limit <= today.max(earliest), "{line:?}");
                prop_assert!(line.doses_counted < line.doses_needed, "{line:?}");
            }
        }
    }

    #[test]
    fn a_pregnant_woman_is_never_given_a_live_vaccine(
        person in person(),
        doses in prop::collection::vec(given_dose(), 0..12),
        product in 0..PRODUCTS.len(),
        on in 0u16..6000,
    ) {
        let pregnant = Vaccinee { pregnant: true, ..person };
        let (vaccine, name) = PRODUCTS[product];
        let live = crate::vaccine::entry(vaccine)
            .and_then(|e| e.product(name))
            .is_some_and(|p| p.live);
        let checked = check_dose(
            &pregnant,
            &DoseHistory { doses, reactions: Vec::new() },
            &ProposedDose { vaccine: vaccine.to_owned(), product: Some(name.to_owned()) },
            day(on),
        );
        if live {
            prop_assert_eq!(checked, Err(DoseRefusal::LiveInPregnancy));
        } else {
            prop_assert_ne!(checked, Err(DoseRefusal::LiveInPregnancy));
        }
    }
}
