//! The due list's engine on one thread: `due()` for one person, and for a commune of 20,000
//! people with their histories, next to the floor of the same run: decoding each history
//! from JSON (what a server pays to read it) and sorting its dose days (the least any due
//! computation must do).
//!
//! `cargo bench -p healthbook-domain --bench due`
//!
//! Goals: `due` for one person ≤ 20 µs; a commune of 20,000 ≤ 1 s (the engine's share; the
//! database's is measured by the server's due-list benchmark).

// A benchmark binary reports on stdout and stops on a broken fixture.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use chrono::{Days, NaiveDate};
use healthbook_domain::ids::Sex;
use healthbook_domain::vaccine::due::{
    DoseHistory, DoseOrigin, GivenDose, ROADMAP_ANTIGENS, Standing, Vaccinee, due,
};
use std::hint::black_box;
use std::time::{Duration, Instant};

const COMMUNE: usize = 20_000;
/// Distinct people generated; the commune repeats them (the engine caches nothing).
const DISTINCT: usize = 2_000;
const RUN_FOR: Duration = Duration::from_millis(1500);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
}

/// A small deterministic generator, so every run measures the same people.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// A child under 16 whose doses followed the schedule as `due` proposed them, each given
/// on its first possible day plus up to three weeks, and about one dose in eight two to
/// eight months late, so the commune holds complete, due and overdue people alike.
fn person(random: &mut Lcg) -> (Vaccinee, DoseHistory) {
    let age_days = random.next() % (16 * 365);
    let birth = today().checked_sub_days(Days::new(age_days)).unwrap();
    let person = Vaccinee {
        birth,
        sex: if random.next().is_multiple_of(2) {
            Sex::Female
        } else {
            Sex::Male
        },
        pregnant: false,
        province_offers: ROADMAP_ANTIGENS.to_vec(),
    };
    let mut history = DoseHistory::default();
    let mut day = birth;
    loop {
        let lines = due(&person, &history, day);
        let next = lines
            .iter()
            .filter(|l| !matches!(l.standing, Standing::Complete))
            .filter_map(|l| Some((l.earliest?, l.next_row.clone()?)))
            .min();
        let Some((earliest, row)) = next else { break };
        let late = if random.next().is_multiple_of(8) {
            60 + random.next() % 180
        } else {
            random.next() % 21
        };
        let given = earliest.max(day).checked_add_days(Days::new(late)).unwrap();
        if given > today() {
            break;
        }
        history.doses.push(GivenDose {
            on: given,
            vaccine: row,
            product: None,
            origin: DoseOrigin::Recorded,
            verified: true,
        });
        day = given;
    }
    (person, history)
}

/// Calls `work` repeatedly for about `RUN_FOR` after a short warm-up; returns µs per call.
fn micros_each(mut work: impl FnMut()) -> f64 {
    let warm_up = Instant::now();
    while warm_up.elapsed() < RUN_FOR / 5 {
        work();
    }
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < RUN_FOR {
        for _ in 0..16 {
            work();
        }
        calls += 16;
    }
    start.elapsed().as_secs_f64() * 1e6 / calls as f64
}

fn main() {
    let mut random = Lcg(2026);
    let people: Vec<(Vaccinee, DoseHistory)> = (0..DISTINCT).map(|_| person(&mut random)).collect();
    let commune: Vec<&(Vaccinee, DoseHistory)> = people.iter().cycle().take(COMMUNE).collect();
    let json: Vec<String> = people
        .iter()
        .map(|(_, h)| serde_json::to_string(h).unwrap())
        .collect();
    let doses: usize = people.iter().map(|(_, h)| h.doses.len()).sum();
    let overdue = people
        .iter()
        .filter(|(p, h)| {
            due(p, h, today())
                .iter()
                .any(|l| matches!(l.standing, Standing::Overdue { .. }))
        })
        .count();
    println!(
        "Due-list engine — one thread; {DISTINCT} distinct children under 16, {:.1} doses each, {:.0} % with an overdue dose\n",
        doses as f64 / DISTINCT as f64,
        100.0 * overdue as f64 / DISTINCT as f64
    );

    // The typical person: the one with the median number of doses.
    let mut by_doses: Vec<&(Vaccinee, DoseHistory)> = people.iter().collect();
    by_doses.sort_by_key(|(_, h)| h.doses.len());
    let (median_person, median_history) = by_doses[by_doses.len() / 2];
    let mut index = 0usize;
    let one_due = micros_each(|| {
        black_box(due(
            black_box(median_person),
            black_box(median_history),
            today(),
        ));
    });
    let each_due = micros_each(|| {
        let (p, h) = &people[index % DISTINCT];
        index += 1;
        black_box(due(black_box(p), black_box(h), today()));
    });
    let decode = micros_each(|| {
        let text = &json[index % DISTINCT];
        index += 1;
        black_box(serde_json::from_str::<DoseHistory>(black_box(text)).unwrap());
    });
    let sort_days = micros_each(|| {
        let (_, h) = &people[index % DISTINCT];
        index += 1;
        let mut days: Vec<NaiveDate> = h.doses.iter().map(|d| d.on).collect();
        days.sort_unstable();
        black_box(days);
    });

    let start = Instant::now();
    let mut listed = 0usize;
    for (p, h) in &commune {
        let lines = due(p, h, today());
        if lines
            .iter()
            .any(|l| matches!(l.standing, Standing::Due { .. } | Standing::Overdue { .. }))
        {
            listed += 1;
        }
    }
    let commune_time = start.elapsed();

    println!("| operation | µs each | goal |");
    println!("|---|---:|---:|");
    println!("| floor: sort one history's dose days | {sort_days:.2} | — |");
    println!("| floor: decode one history from JSON | {decode:.2} | — |");
    println!(
        "| `due` for the median person ({} doses) | {one_due:.2} | ≤ 20 |",
        median_history.doses.len()
    );
    println!("| `due` across all {DISTINCT} people | {each_due:.2} | ≤ 20 |");
    println!(
        "\nA commune of {COMMUNE}: {:.0} ms for `due` of everyone ({listed} with a dose due or overdue); goal ≤ 1000 ms",
        commune_time.as_secs_f64() * 1e3
    );
}
