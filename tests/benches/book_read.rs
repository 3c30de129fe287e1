//! Reading the health book, against the real `healthbook` binary.
//!
//! One citizen's book of 500 entries across the sections (history, doses, visits with
//! diagnoses and prescriptions, home readings; some corrected, a few marked entered in
//! error), written through the server's own `book::store`. Then, one request at a time:
//!
//! 1. the citizen's FHIR Bundle, taking turns with a bare indexed `SELECT` of the same rows
//!    and the same rows read into sea-orm models (the ceilings), before any professional has
//!    read the book (the citizen's bundle carries the access log, which the next phase grows);
//! 2. the citizen's own `GET …/book`, a doctor's under a care relationship (the same rows
//!    plus one access-log line), the doctor's FHIR Bundle and the bare `SELECT`, taking turns,
//!    so that the access log's cost is measured against the own read under the same load.
//!
//! Every answer is checked: 200, all 500 entries, and exactly one access-log line per
//! professional read. The database named by `DATABASE_URL` (PostgreSQL) or SQLite by default.
//!
//! ```sh
//! cargo bench -p healthbook-tests --bench book_read              # full run (release)
//! cargo test  -p healthbook-tests --bench book_read -- --short   # a short run
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a bench: a failed step is a failed run

#[path = "../tests/booking_support/mod.rs"]
mod booking_support;

use booking_support::*;
use chrono::{DateTime, Duration as Span, Utc};
use healthbook_domain::book::{AuthorRole, Categories, EntryBody, Sections, Source};
use healthbook_domain::fhir::{Export, FacilityFacts, PatientFacts};
use healthbook_server::book::entities::{access_log, book_entry};
use healthbook_server::book::store::{self, Author, Revision, Selection};
use healthbook_tests::TestApp;
use healthbook_tests::people::Session;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Statement, TransactionTrait, Value as DbValue,
};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uuid::Uuid;

// The server's allocator, so that the in-process breakdown costs what the server pays.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Entries in the book (each at its latest version; corrections add rows, not entries).
const ENTRIES: usize = 500;

#[derive(Debug, Clone, Copy)]
struct Plan {
    warm_up: usize,
    rounds: usize,
}

impl Plan {
    fn full() -> Plan {
        Plan {
            warm_up: 30,
            rounds: std::env::var("BOOK_READ_ROUNDS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(400),
        }
    }

    fn short() -> Plan {
        Plan {
            warm_up: 5,
            rounds: 40,
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// One measured read: its latencies and the size of its answer.
struct Series {
    name: &'static str,
    latencies: Vec<Duration>,
    bytes: usize,
}

impl Series {
    fn new(name: &'static str) -> Series {
        Series {
            name,
            latencies: Vec::new(),
            bytes: 0,
        }
    }

    fn p50(&self) -> f64 {
        percentile(&self.sorted(), 50.0)
    }

    fn p99(&self) -> f64 {
        percentile(&self.sorted(), 99.0)
    }

    fn sorted(&self) -> Vec<Duration> {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        sorted
    }

    fn print(&self, note: &str) {
        let size = if self.bytes == 0 {
            String::new()
        } else {
            format!("{:.0} KiB", self.bytes as f64 / 1024.0)
        };
        println!(
            "{:<34} n={:<5} p50={:>7.2}ms p99={:>7.2}ms {size:>8}  {note}",
            self.name,
            self.latencies.len(),
            self.p50(),
            self.p99(),
        );
    }
}

/// A GET as `token`, read to the last byte; its body, checked to be a 200.
async fn timed_get(app: &TestApp, token: &str, path: &str, series: &mut Series) -> Vec<u8> {
    let started = Instant::now();
    let response = app
        .request(reqwest::Method::GET, path)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.bytes().await.unwrap();
    series.latencies.push(started.elapsed());
    assert_eq!(
        status,
        200,
        "{path}: {}",
        String::from_utf8_lossy(&body[..body.len().min(500)])
    );
    series.bytes = body.len();
    body.to_vec()
}

/// The bare indexed read of the citizen's rows, as the driver returns them.
async fn bare_select(db: &DatabaseConnection, cid: Uuid, series: &mut Series) -> usize {
    let backend = db.get_database_backend();
    let sql = if backend == sea_orm::DbBackend::Postgres {
        "SELECT * FROM book_entries WHERE citizen_id = $1"
    } else {
        "SELECT * FROM book_entries WHERE citizen_id = ?"
    };
    let started = Instant::now();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [DbValue::Uuid(Some(cid))],
        ))
        .await
        .unwrap();
    series.latencies.push(started.elapsed());
    rows.len()
}

/// The same rows read into the server's models (every column decoded).
async fn model_select(db: &DatabaseConnection, cid: Uuid, series: &mut Series) -> usize {
    let started = Instant::now();
    let rows = book_entry::Entity::find()
        .filter(book_entry::Column::CitizenId.eq(cid))
        .all(db)
        .await
        .unwrap();
    series.latencies.push(started.elapsed());
    rows.len()
}

fn body(value: Value) -> EntryBody {
    serde_json::from_value(value).unwrap()
}

/// What the book holds, entry by entry: the same mix for every run.
fn entry_body(i: usize, at: DateTime<Utc>, fid: Uuid) -> (EntryBody, Writer) {
    let earlier = |minutes: i64| (at - Span::minutes(minutes)).to_rfc3339();
    match i {
        0 => (
            body(json!({ "kind": "risk_factors", "data": {
                "smoking": "former", "alcohol": "occasional", "drugs": "never",
                "physical_activity": "moderate",
            }})),
            Writer::Citizen,
        ),
        1..=24 => (
            body(json!({ "kind": "allergy", "data": {
                "kind": (["drug", "food", "environment"][i % 3]),
                "substance": format!("Chất gây dị ứng {i}"),
                "reaction": "Nổi mề đay, ngứa", "severity": (["mild", "moderate", "severe"][i % 3]),
            }})),
            Writer::Citizen,
        ),
        25..=39 => (
            body(json!({ "kind": "past_disease", "data": {
                "disease": (["hypertension", "diabetes", "asthma", "stomach_disease", "goitre"][i % 5]),
                "since_year": 2000 + (i % 20) as i32,
                "note": "Đang theo dõi tại tuyến quận",
            }})),
            Writer::Citizen,
        ),
        40..=49 => (
            body(json!({ "kind": "surgery", "data": {
                "procedure": format!("Phẫu thuật {i}"), "year": 1995 + i as i32 % 30,
                "facility": "Bệnh viện Việt Đức",
            }})),
            Writer::Citizen,
        ),
        50..=59 => (
            body(json!({ "kind": "family_history", "data": {
                "relative": (["father", "mother", "sibling", "grandparent"][i % 4]),
                "disease": (["hypertension", "diabetes", "heart_disease", "cancer"][i % 4]),
            }})),
            Writer::Citizen,
        ),
        60..=89 => (
            body(json!({ "kind": "immunization", "data": {
                "product": (["Hexaxim", "Vaxigrip Tetra", "Gardasil 9"][i % 3]),
                "antigens": ([vec!["diphtheria", "tetanus", "pertussis"], vec!["influenza"], vec!["hpv"]][i % 3]),
                "dose_number": 1 + (i % 3) as u32,
                "administered_on": (at - Span::days(1)).date_naive(),
                "lot": format!("LOT{i:04}"),
                "facility_id": fid,
                "site": "Cánh tay trái", "route": "intramuscular",
            }})),
            Writer::Vaccinator,
        ),
        90..=249 => (
            body(json!({ "kind": "encounter", "data": {
                "kind": "outpatient",
                "facility_id": fid,
                "practitioner_name": "BS. Lê Văn Khám",
                "started_at": earlier(60),
                "ended_at": earlier(45),
                "reason": "Khát nhiều, tiểu nhiều, mệt mỏi",
                "vital_signs": { "pulse": 70 + (i % 20), "temperature_c": 36.8, "systolic": 120 + (i % 30),
                                 "diastolic": 80, "height_cm": 165, "weight_kg": 60 + (i % 15) },
                "findings": "Đường huyết lúc đói cao. Tim đều, phổi trong. Bụng mềm, không đau.",
                "diagnoses": [
                    { "icd10": (["E11.9", "I10", "J06.9", "K29.7", "M54.5"][i % 5]), "primary": true },
                    { "icd10": "E78.5", "primary": false, "note": "Theo dõi mỡ máu" },
                ],
                "results": [
                    { "test": "Glucose", "value": "7.8", "unit": "mmol/L", "reference_range": "3.9–6.4" },
                    { "test": "HbA1c", "value": "7.1", "unit": "%", "reference_range": "< 6.5" },
                ],
                "prescriptions": [
                    { "medicine": "Metformin 500 mg", "dosage": "1 viên × 2 lần/ngày", "route": "oral", "days": 30, "quantity": "60 viên" },
                    { "medicine": "Amlodipin 5 mg", "dosage": "1 viên buổi sáng", "route": "oral", "days": 30, "quantity": "30 viên" },
                    { "medicine": "Atorvastatin 10 mg", "dosage": "1 viên buổi tối", "days": 30 },
                ],
                "advice": "Ăn giảm đường, đi bộ 30 phút mỗi ngày, tái khám sau 1 tháng",
            }})),
            Writer::Doctor,
        ),
        _ => {
            let (kind, value, second, unit) = match i % 4 {
                0 => (
                    "blood_pressure",
                    118.0 + (i % 25) as f64,
                    Some(78.0),
                    "mm[Hg]",
                ),
                1 => (
                    "blood_glucose",
                    5.5 + (i % 30) as f64 / 10.0,
                    None,
                    "mmol/L",
                ),
                2 => ("body_weight", 62.0 + (i % 10) as f64 / 2.0, None, "kg"),
                _ => ("heart_rate", 64.0 + (i % 20) as f64, None, "/min"),
            };
            (
                body(json!({ "kind": "observation", "data": {
                    "kind": kind, "value": value, "second_value": second, "unit": unit,
                    "taken_at": earlier(10),
                }})),
                Writer::Citizen,
            )
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writer {
    Citizen,
    Doctor,
    Vaccinator,
}

/// Writes the book through the server's store, in one transaction: 500 entries recorded
/// over the past year, then corrections of one entry in ten (the writer's own), and a few
/// marked entered in error. Returns the number of rows (versions).
async fn seed(db: &DatabaseConnection, cid: Uuid, citizen: Uuid, doctor: Uuid, fid: Uuid) -> u64 {
    let author = |writer: Writer| match writer {
        Writer::Citizen => Author {
            role: AuthorRole::Citizen,
            source: Source::App,
            account: Some(citizen),
            name: Some("Nguyễn Văn Thử".to_owned()),
            facility: None,
        },
        Writer::Doctor | Writer::Vaccinator => Author {
            role: if writer == Writer::Doctor {
                AuthorRole::Doctor
            } else {
                AuthorRole::Vaccinator
            },
            source: Source::Staff,
            account: Some(doctor),
            name: Some("BS. Lê Văn Khám".to_owned()),
            facility: Some(fid),
        },
    };
    #[allow(clippy::disallowed_methods)] // the bench's own clock: entries of the past year
    let now = Utc::now();
    let txn = db.begin().await.unwrap();
    let mut written = Vec::with_capacity(ENTRIES);
    for i in 0..ENTRIES {
        let at = now - Span::minutes(((ENTRIES - i) * 17 * 60) as i64);
        let (mut entry, writer) = entry_body(i, at, fid);
        store::check(&mut entry, at, "")
            .unwrap_or_else(|e| panic!("entry {i} refused: {:?}", e.fields));
        let stored = store::append(&txn, cid, &author(writer), entry, at)
            .await
            .unwrap();
        written.push((stored, writer));
    }
    let mut at = now - Span::hours(2);
    for (i, (entry, writer)) in written.iter().enumerate() {
        at += Span::seconds(1);
        let revision = match i % 10 {
            // Kinds held once are rewritten as a whole, not corrected here.
            _ if i == 0 => continue,
            3 => Revision::Correct {
                body: Box::new(entry.body.clone()),
                reason: "Nhập nhầm, đã đối chiếu lại".to_owned(),
            },
            7 if i % 50 == 7 => Revision::EnteredInError {
                reason: "Nhập nhầm hồ sơ của người khác".to_owned(),
            },
            _ => continue,
        };
        store::revise(
            &txn,
            cid,
            entry.entry_id,
            entry.version,
            &author(*writer),
            revision,
            at,
        )
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
    book_entry::Entity::find()
        .filter(book_entry::Column::CitizenId.eq(cid))
        .count(db)
        .await
        .unwrap()
}

/// Where a read's time goes, measured in this process on the same rows with the server's
/// own code: the store's read, the decoding of the bodies alone, the book's JSON, and the
/// FHIR mapping with its JSON.
async fn breakdown(db: &DatabaseConnection, cid: Uuid, fid: Uuid, plan: &Plan) -> Vec<Series> {
    let mut entries = Series::new("  store::entries");
    let mut decode = Series::new("  of which: bodies' JSON decoded");
    let mut book_json = Series::new("  the book serialised");
    let mut fhir = Series::new("  fhir::bundle mapped");
    let mut fhir_json = Series::new("  the bundle serialised");
    let everything = Selection {
        sections: Sections::ALL,
        categories: Categories::ALL,
        since: None,
    };
    let patient = PatientFacts {
        citizen_id: cid,
        full_name: "Nguyễn Văn Thử".to_owned(),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 5, 17).unwrap(),
        sex: healthbook_domain::ids::Sex::Male,
        national_id: None,
        insurance_number: None,
        administrative: None,
        guardians: Vec::new(),
    };
    let facilities = [FacilityFacts {
        id: fid,
        name: "Bệnh viện Bạch Mai".to_owned(),
        code: Some(BACH_MAI.to_owned()),
    }];
    let rows = book_entry::Entity::find()
        .filter(book_entry::Column::CitizenId.eq(cid))
        .all(db)
        .await
        .unwrap();
    for round in 0..plan.warm_up + plan.rounds {
        let keep = round >= plan.warm_up;
        let started = Instant::now();
        let read = store::entries(db, cid, everything).await.unwrap();
        let store_time = started.elapsed();
        let started = Instant::now();
        let bodies: Vec<EntryBody> = rows
            .iter()
            .map(|row| serde_json::from_str(&row.body).unwrap())
            .collect();
        let decode_time = started.elapsed();
        assert_eq!(bodies.len(), rows.len());
        let started = Instant::now();
        let serialised = serde_json::to_vec(&read).unwrap();
        let book_time = started.elapsed();
        let started = Instant::now();
        let bundle = healthbook_domain::fhir::bundle(&Export {
            patient: &patient,
            entries: &read,
            consents: &[],
            access_log: &[],
            facilities: &facilities,
            #[allow(clippy::disallowed_methods)] // the bench's clock: only a timestamp
            generated_at: Utc::now(),
            since: None,
        });
        let fhir_time = started.elapsed();
        let started = Instant::now();
        let bundle_bytes = bundle.to_json().unwrap();
        let fhir_json_time = started.elapsed();
        if keep {
            entries.latencies.push(store_time);
            decode.latencies.push(decode_time);
            book_json.latencies.push(book_time);
            book_json.bytes = serialised.len();
            fhir.latencies.push(fhir_time);
            fhir_json.latencies.push(fhir_json_time);
            fhir_json.bytes = bundle_bytes.len();
        }
    }
    vec![entries, decode, book_json, fhir, fhir_json]
}

async fn log_lines(db: &DatabaseConnection, cid: Uuid) -> u64 {
    access_log::Entity::find()
        .filter(access_log::Column::CitizenId.eq(cid))
        .count(db)
        .await
        .unwrap()
}

/// The citizen, booked at Bạch Mai two days ahead, and a process of the same deployment whose
/// clock is ten minutes into that appointment, where a doctor checked the citizen in: the
/// doctor's care relationship of that day.
struct Clinic {
    on_the_day: TestApp,
    fid: String,
    patient: Session,
    doctor: Session,
}

/// Warnings only, and the start-up line the harness waits for.
const LOG: &str = "warn,healthbook_server::run=info,healthbook_server::booking::reminders=info";

async fn clinic() -> Clinic {
    let app = TestApp::builder()
        .arg("--demo")
        .env("HEALTHBOOK_LOG", LOG)
        .spawn()
        .await
        .unwrap();
    let (admin, _) = app.staff("facility_admin", Some(BACH_MAI)).await.unwrap();
    let fid = facility(&app, "bach mai").await;
    create_schedule(&app, &admin, &fid, &daily_slot(5, "endocrinology", &day(2))).await;
    let slot = daily_slot_on(&app, &fid, "endocrinology", &day(2)).await;
    let (patient, _) = app.citizen_with_passkey("patient").await.unwrap();
    let booked = book(&app, &patient.token, &slot).await;
    booked.expect(201);
    let on_the_day = TestApp::builder()
        .sharing_with(&app)
        .env("HEALTHBOOK_LOG", LOG)
        .env(
            "HEALTHBOOK_CLOCK_OFFSET",
            offset_to(instant(&slot["starts_at"]) + Span::minutes(10)),
        )
        .spawn()
        .await
        .unwrap();
    wait_for_log(&on_the_day, "slot horizon checked").await;
    let (doctor, _) = on_the_day.staff("doctor", Some(BACH_MAI)).await.unwrap();
    let aid = booked.json["id"].as_str().unwrap();
    on_the_day
        .post_as(
            &doctor.token,
            &format!("/v1/appointments/{aid}/check-in"),
            &json!({}),
        )
        .await
        .unwrap()
        .expect(200);
    // The first process is no longer needed: only the process of the day is measured.
    drop(app);
    Clinic {
        on_the_day,
        fid,
        patient,
        doctor,
    }
}

fn entries_in(body: &[u8]) -> usize {
    let book: Value = serde_json::from_slice(body).unwrap();
    book["entries"].as_array().map_or(0, Vec::len)
}

fn bundle_entries(body: &[u8]) -> usize {
    let bundle: Value = serde_json::from_slice(body).unwrap();
    bundle["entry"].as_array().map_or(0, Vec::len)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        // `cargo test --benches` asks harness-less targets to list their tests.
        return;
    }
    let plan = if args.iter().any(|a| a == "--short") {
        Plan::short()
    } else {
        Plan::full()
    };
    let started = Instant::now();
    let clinic = clinic().await;
    let app = &clinic.on_the_day;
    let backend = if app.backend().is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    println!(
        "book read: {backend}, {} build, plan {plan:?}",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
    let db = app.database().await.unwrap();
    let cid: Uuid = clinic
        .patient
        .citizen_id
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    let rows = seed(
        &db,
        cid,
        clinic.patient.account_id.parse().unwrap(),
        clinic.doctor.account_id.parse().unwrap(),
        clinic.fid.parse().unwrap(),
    )
    .await;
    println!(
        "{ENTRIES} entries, {rows} rows (versions), set up in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let own = clinic.patient.token.as_str();
    let doctor = clinic.doctor.token.as_str();
    let book_path = format!("/v1/citizens/{cid}/book");
    let fhir_path = format!("/v1/citizens/{cid}/fhir");

    // Every answer once, checked: the doctor's care opens every entry the citizen sees.
    let mut probe = Series::new("probe");
    let mine = timed_get(app, own, &book_path, &mut probe).await;
    assert_eq!(entries_in(&mine), ENTRIES, "the citizen's book");
    let theirs = timed_get(app, doctor, &book_path, &mut probe).await;
    assert_eq!(entries_in(&theirs), ENTRIES, "the doctor's book");
    let bundle = timed_get(app, own, &fhir_path, &mut probe).await;
    let resources = bundle_entries(&bundle);
    assert!(
        resources > ENTRIES / 2,
        "the bundle holds {resources} resources"
    );
    println!(
        "answers: book {} KiB, bundle {} KiB of {resources} resources",
        mine.len() / 1024,
        bundle.len() / 1024
    );

    let mut bare = Series::new("bare SELECT (same rows)");
    let mut models = Series::new("same SELECT into sea-orm models");
    let mut own_fhir = Series::new("own GET /fhir");
    let mut own_book = Series::new("own GET /book");
    let mut doctor_book = Series::new("doctor GET /book (care, logged)");
    let mut doctor_fhir = Series::new("doctor GET /fhir (care, logged)");

    // 1. The citizen's bundle, with the ceilings, while the access log holds one line.
    for round in 0..plan.warm_up + plan.rounds {
        let mut scratch = Series::new("warm-up");
        let warm = round < plan.warm_up;
        let rows_read = bare_select(&db, cid, if warm { &mut scratch } else { &mut bare }).await;
        assert_eq!(rows_read as u64, rows);
        model_select(&db, cid, if warm { &mut scratch } else { &mut models }).await;
        timed_get(
            app,
            own,
            &fhir_path,
            if warm { &mut scratch } else { &mut own_fhir },
        )
        .await;
    }

    // 2. Own and professional reads taking turns; every professional read adds one line.
    let lines_before = log_lines(&db, cid).await;
    let mut professional_reads = 0;
    for round in 0..plan.warm_up + plan.rounds {
        let mut scratch = Series::new("warm-up");
        let warm = round < plan.warm_up;
        bare_select(&db, cid, if warm { &mut scratch } else { &mut bare }).await;
        timed_get(
            app,
            own,
            &book_path,
            if warm { &mut scratch } else { &mut own_book },
        )
        .await;
        timed_get(
            app,
            doctor,
            &book_path,
            if warm { &mut scratch } else { &mut doctor_book },
        )
        .await;
        timed_get(
            app,
            doctor,
            &fhir_path,
            if warm { &mut scratch } else { &mut doctor_fhir },
        )
        .await;
        professional_reads += 2;
    }
    let lines_added = log_lines(&db, cid).await - lines_before;
    let parts = breakdown(&db, cid, clinic.fid.parse().unwrap(), &plan).await;

    let overhead = (doctor_book.p50() - own_book.p50()) / own_book.p50();
    let overhead_p99 = (doctor_book.p99() - own_book.p99()) / own_book.p99();
    let verdict = |met: bool| if met { "goal met" } else { "GOAL MISSED" };
    println!();
    bare.print("the ceiling: the rows as the driver returns them");
    models.print("the ceiling with every column decoded");
    own_book.print(&format!(
        "goal p99 ≤ 20 ms: {} ({:.1}× the bare SELECT at p50)",
        verdict(own_book.p99() <= 20.0),
        own_book.p50() / bare.p50()
    ));
    doctor_book.print(&format!(
        "access log +{:.0}% at p50, {:+.0}% at p99; goal ≤ 20%: {}",
        overhead * 100.0,
        overhead_p99 * 100.0,
        verdict(overhead <= 0.20)
    ));
    own_fhir.print(&format!(
        "goal p99 ≤ 50 ms: {}",
        verdict(own_fhir.p99() <= 50.0)
    ));
    doctor_fhir.print("");
    println!("where the time goes, in this process on the same rows:");
    for part in &parts {
        part.print("");
    }
    println!(
        "access log: {lines_added} lines for {professional_reads} professional reads; book read finished in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    db.close().await.unwrap();
    if lines_added != professional_reads {
        eprintln!(
            "VIOLATION: {professional_reads} professional reads left {lines_added} access-log lines"
        );
        std::process::exit(1);
    }
}
