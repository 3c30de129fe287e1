//! Booking under load, against the real `healthbook` binary.
//!
//! 1. Hot slot: N clients race for one slot of capacity C at the same instant.
//! 2. Spread load: clients book for a fixed time across many slots of every demo facility,
//!    without and then (as the apps do) with an `Idempotency-Key` on every request.
//! 3. The ceiling: raw single-row `UPDATE … RETURNING` statements on the same database, with
//!    the same concurrency (measured first, on the idle database), and the ratio of bookings
//!    to it.
//! 4. The campaign day (`--campaign`, and a small one in `--short`): vaccinators at many
//!    facilities record doses, each taking its lot's dose, beside the raw conditional-update
//!    rate of the same database; then the stock ledger is audited (`booking_load/campaign.rs`).
//! 5. Facility intake (`--intake`, and a small one in `--short`): hospitals' systems send
//!    envelopes of visits in the national XML standard, each checked, mapped and stored in its
//!    citizen's book, beside the raw rate of inserting the same rows (`booking_load/intake.rs`).
//!
//! The database named by `DATABASE_URL` (PostgreSQL) or SQLite by default; on PostgreSQL the
//! hot slot also runs with two server processes sharing the database and Redis (`REDIS_URL`).
//! After each scenario the database is checked: successes equal capacity, no slot holds more
//! bookings than its capacity or than its counter says, no queue number is duplicated or
//! missing. Any violation makes the run fail.
//!
//! ```sh
//! cargo bench -p healthbook-tests --bench booking_load              # full run (release)
//! cargo test  -p healthbook-tests --bench booking_load -- --short   # the short CI run
//! cargo bench -p healthbook-tests --bench booking_load -- --campaign  # the campaign day alone
//! cargo test  -p healthbook-tests --bench booking_load -- --campaign --short  # its short day
//! cargo bench -p healthbook-tests --bench booking_load -- --intake    # the facility intake alone
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a bench: a failed step is a failed run

#[path = "../tests/booking_support/mod.rs"]
mod booking_support;
#[path = "booking_load/campaign.rs"]
mod campaign;
#[path = "booking_load/intake.rs"]
mod intake;

use booking_support::*;
use futures::future::join_all;
use healthbook_tests::TestApp;
use healthbook_tests::people::Session;
use reqwest::Method;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value as DbValue};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
struct Plan {
    hot_clients: usize,
    hot_capacity: u32,
    spread_clients: usize,
    spread_seconds: u64,
    citizens_per_client: usize,
}

impl Plan {
    fn full() -> Plan {
        Plan {
            hot_clients: 2000,
            hot_capacity: 50,
            spread_clients: std::env::var("BOOKING_LOAD_CLIENTS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(48),
            spread_seconds: 20,
            citizens_per_client: 32,
        }
    }

    fn short() -> Plan {
        Plan {
            hot_clients: 300,
            hot_capacity: 50,
            spread_clients: 16,
            spread_seconds: 3,
            citizens_per_client: 4,
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

struct Outcome {
    name: String,
    processes: usize,
    clients: usize,
    successes: usize,
    refusals: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Outcome {
    fn rate(&self) -> f64 {
        self.successes as f64 / self.elapsed.as_secs_f64()
    }
}

/// Checks the whole database: per slot, bookings never exceed capacity and match the slot's
/// counter; per queue and day, numbers are 1..n with neither duplicates nor holes.
struct Audit {
    overbooked_slots: i64,
    counter_mismatches: i64,
    duplicate_numbers: i64,
    missing_numbers: i64,
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn audit(db: &DatabaseConnection) -> Audit {
    let overbooked_slots = scalar(
        db,
        "SELECT COUNT(*) FROM slots s WHERE s.booked > s.capacity OR s.capacity < \
         (SELECT COUNT(*) FROM appointments a WHERE a.slot_id = s.id AND a.status <> 'cancelled')",
    )
    .await;
    let counter_mismatches = scalar(
        db,
        "SELECT COUNT(*) FROM slots s WHERE s.booked <> \
         (SELECT COUNT(*) FROM appointments a WHERE a.slot_id = s.id AND a.status <> 'cancelled')",
    )
    .await;
    let duplicate_numbers = scalar(
        db,
        "SELECT COUNT(*) FROM (SELECT facility_id, queue, local_date, queue_number FROM appointments \
         GROUP BY facility_id, queue, local_date, queue_number HAVING COUNT(*) > 1) d",
    )
    .await;
    // Every number from 1 to the counter's last was issued exactly once (none of these
    // appointments is cancelled or moved, so each issued number is still held).
    let missing_numbers = scalar(
        db,
        "SELECT CAST(COALESCE(SUM(q.last_number - (SELECT COUNT(DISTINCT a.queue_number) FROM appointments a \
         WHERE a.facility_id = q.facility_id AND a.queue = q.queue AND a.local_date = q.local_date \
         AND a.queue_number BETWEEN 1 AND q.last_number)), 0) AS BIGINT) FROM queue_counters q",
    )
    .await;
    Audit {
        overbooked_slots,
        counter_mismatches,
        duplicate_numbers,
        missing_numbers,
    }
}

/// Books `slot`; with `key`, as the apps do, under that `Idempotency-Key`.
async fn post_booking(
    app: &TestApp,
    token: &str,
    slot: &str,
    key: Option<String>,
) -> (u16, Duration) {
    let started = Instant::now();
    let mut request = app
        .request(Method::POST, "/v1/appointments")
        .bearer_auth(token)
        .json(&json!({ "slot_id": slot, "service": "examination" }));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await;
    let status = match response {
        Ok(response) => {
            let status = response.status().as_u16();
            let _ = response.bytes().await;
            status
        }
        Err(_) => 0,
    };
    (status, started.elapsed())
}

/// Race `clients` citizens for one slot, spread over the processes.
async fn hot_slot(apps: &[&TestApp], slot: &str, crowd: &[Session], capacity: u32) -> Outcome {
    // Warm every client connection first, so that the race measures booking, not TCP.
    join_all(crowd.iter().enumerate().map(|(i, c)| {
        let app = apps[i % apps.len()];
        async move {
            let _ = app.get_as(&c.token, "/v1/appointments?limit=1").await;
        }
    }))
    .await;
    let started = Instant::now();
    let results = join_all(
        crowd
            .iter()
            .enumerate()
            .map(|(i, c)| post_booking(apps[i % apps.len()], &c.token, slot, None)),
    )
    .await;
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = results.iter().map(|(_, d)| *d).collect();
    latencies.sort_unstable();
    let successes = results.iter().filter(|(s, _)| *s == 201).count();
    let refusals = results.iter().filter(|(s, _)| *s == 409).count();
    Outcome {
        name: format!("hot slot (capacity {capacity})"),
        processes: apps.len(),
        clients: crowd.len(),
        successes,
        refusals,
        errors: results.len() - successes - refusals,
        elapsed,
        latencies,
    }
}

/// Clients book random slots for `seconds`, each client with its own citizens; `keyed`:
/// every request carries its own `Idempotency-Key`, as the apps send them.
async fn spread(
    apps: &[&TestApp],
    slots: Arc<Vec<String>>,
    crowd: &[Session],
    clients: usize,
    seconds: u64,
    keyed: bool,
) -> Outcome {
    let stop = Instant::now() + Duration::from_secs(seconds);
    let seed = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let per_client = crowd.len() / clients;
    let results = join_all((0..clients).map(|client| {
        let app = apps[client % apps.len()];
        let mine = &crowd[client * per_client..(client + 1) * per_client];
        let slots = slots.clone();
        let mut state = seed.fetch_add(0x2545_F491_4F6C_DD1D, Ordering::Relaxed) | 1;
        async move {
            let mut out = Vec::new();
            let mut turn = 0;
            while Instant::now() < stop {
                // xorshift: enough randomness to spread bookings, no dependency needed.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let slot = &slots[(state % slots.len() as u64) as usize];
                let citizen = &mine[turn % mine.len()];
                turn += 1;
                let key = keyed.then(|| format!("bench-{client}-{turn}"));
                out.push(post_booking(app, &citizen.token, slot, key).await);
            }
            out
        }
    }))
    .await;
    let elapsed = started.elapsed();
    let all: Vec<(u16, Duration)> = results.into_iter().flatten().collect();
    let mut latencies: Vec<Duration> = all.iter().map(|(_, d)| *d).collect();
    latencies.sort_unstable();
    let successes = all.iter().filter(|(s, _)| *s == 201).count();
    let refusals = all.iter().filter(|(s, _)| *s == 409).count();
    Outcome {
        name: "spread load".to_owned(),
        processes: apps.len(),
        clients,
        successes,
        refusals,
        errors: all.len() - successes - refusals,
        elapsed,
        latencies,
    }
}

/// One spread load with a crowd of its own, audited and printed; its rate and violations.
async fn spread_run(
    name: &str,
    apps: &[&TestApp],
    db: &DatabaseConnection,
    slots: &Arc<Vec<String>>,
    plan: &Plan,
    tag: &str,
    keyed: bool,
) -> (f64, Vec<String>) {
    let people = crowd(apps[0], plan.spread_clients * plan.citizens_per_client, tag).await;
    let unsent_before = scalar(db, UNSENT).await;
    let mut outcome = spread(
        apps,
        slots.clone(),
        &people,
        plan.spread_clients,
        plan.spread_seconds,
        keyed,
    )
    .await;
    outcome.name = name.to_owned();
    let unsent = scalar(db, UNSENT).await;
    let checked = audit(db).await;
    print_outcome(&outcome, None, &checked);
    println!(
        "{:<28} mail queued in the outbox: {unsent_before} at the start, {unsent} when the load stopped",
        ""
    );
    (outcome.rate(), violations(&outcome, None, &checked))
}

/// Mail in the outbox not sent yet.
const UNSENT: &str = "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL";

/// The pool size of each server process (and of the ceiling's pool).
fn pool_size() -> u32 {
    std::env::var("HEALTHBOOK_DB_MAX_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

/// The ceiling: single-row `UPDATE … RETURNING` statements, each its own transaction, with
/// `clients` concurrent clients on `rows` rows through a pool of `pool` connections;
/// `conditional`: each takes one off a counter only while it stays at or above zero, as the
/// stock ledger does.
async fn raw_updates(
    url: &str,
    clients: usize,
    seconds: u64,
    rows: i32,
    pool: u32,
    conditional: bool,
) -> f64 {
    let mut options = sea_orm::ConnectOptions::new(url.to_owned());
    options.max_connections(pool).sqlx_logging(false);
    let db = sea_orm::Database::connect(options).await.unwrap();
    let backend = db.get_database_backend();
    db.execute_unprepared(
        "CREATE TABLE bench_ceiling (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
    )
    .await
    .unwrap();
    let start = if conditional { 1_000_000_000 } else { 0 };
    let values: Vec<String> = (0..rows).map(|i| format!("({i}, {start})")).collect();
    db.execute_unprepared(&format!(
        "INSERT INTO bench_ceiling (id, n) VALUES {}",
        values.join(",")
    ))
    .await
    .unwrap();
    let sql = match (backend == DbBackend::Postgres, conditional) {
        (true, false) => "UPDATE bench_ceiling SET n = n + 1 WHERE id = $1 RETURNING n",
        (false, false) => "UPDATE bench_ceiling SET n = n + 1 WHERE id = ? RETURNING n",
        (true, true) => "UPDATE bench_ceiling SET n = n - 1 WHERE id = $1 AND n >= 1 RETURNING n",
        (false, true) => "UPDATE bench_ceiling SET n = n - 1 WHERE id = ? AND n >= 1 RETURNING n",
    };
    let stop = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let done = join_all((0..clients).map(|client| {
        let db = db.clone();
        async move {
            let mut count = 0u64;
            let mut id = client as i32 * 7;
            while Instant::now() < stop {
                id = (id * 31 + 17) % rows;
                db.query_one_raw(Statement::from_sql_and_values(
                    backend,
                    sql,
                    [DbValue::Int(Some(id))],
                ))
                .await
                .unwrap();
                count += 1;
            }
            count
        }
    }))
    .await;
    let rate = done.iter().sum::<u64>() as f64 / started.elapsed().as_secs_f64();
    db.execute_unprepared("DROP TABLE bench_ceiling")
        .await
        .unwrap();
    db.close().await.unwrap();
    rate
}

fn print_outcome(outcome: &Outcome, capacity: Option<u32>, audit: &Audit) {
    let overbookings = match capacity {
        Some(capacity) => {
            (outcome.successes as i64 - i64::from(capacity)).max(0) + audit.overbooked_slots
        }
        None => audit.overbooked_slots,
    };
    println!(
        "{:<28} processes={} clients={:<5} successes={:<6}{} refused={:<6} errors={:<3} overbookings={} counter_mismatches={} duplicate_numbers={} missing_numbers={} bookings/s={:.0} p50={:.1}ms p99={:.1}ms",
        outcome.name,
        outcome.processes,
        outcome.clients,
        outcome.successes,
        capacity
            .map(|c| format!(" (capacity {c})"))
            .unwrap_or_default(),
        outcome.refusals,
        outcome.errors,
        overbookings,
        audit.counter_mismatches,
        audit.duplicate_numbers,
        audit.missing_numbers,
        outcome.rate(),
        percentile(&outcome.latencies, 50.0),
        percentile(&outcome.latencies, 99.0),
    );
}

fn violations(outcome: &Outcome, capacity: Option<u32>, audit: &Audit) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(capacity) = capacity
        && outcome.successes != capacity as usize
    {
        out.push(format!(
            "{}: {} successes for capacity {capacity}",
            outcome.name, outcome.successes
        ));
    }
    if outcome.errors > 0 {
        out.push(format!(
            "{}: {} requests failed",
            outcome.name, outcome.errors
        ));
    }
    for (what, count) in [
        ("overbooked slots", audit.overbooked_slots),
        ("slot counters off", audit.counter_mismatches),
        ("duplicate queue numbers", audit.duplicate_numbers),
        ("missing queue numbers", audit.missing_numbers),
    ] {
        if count != 0 {
            out.push(format!("{}: {count} {what}", outcome.name));
        }
    }
    out
}

/// A server process tuned for load: warnings only (the harness still sees "listening").
async fn server(shared: Option<&TestApp>) -> TestApp {
    let mut builder = TestApp::builder()
        .env("HEALTHBOOK_LOG", "warn,healthbook_server::run=info")
        .env("HEALTHBOOK_REQUEST_TIMEOUT", "60");
    builder = match shared {
        Some(app) => builder.sharing_with(app),
        None => builder.arg("--demo"),
    };
    builder.spawn().await.unwrap()
}

/// A one-slot schedule of `capacity` on the day after tomorrow, and its slot.
async fn hot_schedule(
    app: &TestApp,
    support: &Session,
    fid: &str,
    specialty: &str,
    capacity: u32,
) -> String {
    let mut body = daily_slot(capacity, specialty, &day(2));
    body["sessions"] = json!([{ "day": chrono_day(2), "start": "08:00", "end": "08:30" }]);
    create_schedule(app, support, fid, &body).await;
    daily_slot_on(app, fid, specialty, &day(2)).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn chrono_day(offset: i64) -> &'static str {
    use chrono::Datelike;
    match (local_today() + chrono::Duration::days(offset)).weekday() {
        chrono::Weekday::Mon => "monday",
        chrono::Weekday::Tue => "tuesday",
        chrono::Weekday::Wed => "wednesday",
        chrono::Weekday::Thu => "thursday",
        chrono::Weekday::Fri => "friday",
        chrono::Weekday::Sat => "saturday",
        chrono::Weekday::Sun => "sunday",
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let plan = if args.iter().any(|a| a == "--short") {
        Plan::short()
    } else {
        Plan::full()
    };
    if args.iter().any(|a| a == "--list") {
        // `cargo test --benches` asks harness-less targets to list their tests.
        return;
    }
    let started = Instant::now();
    if args.iter().any(|a| a == "--campaign") {
        let day = if args.iter().any(|a| a == "--short") {
            campaign::Plan::short()
        } else {
            campaign::Plan::full()
        };
        let failures = campaign_day(day).await;
        finish(started, &failures);
        return;
    }
    if args.iter().any(|a| a == "--intake") {
        let plan = if args.iter().any(|a| a == "--short") {
            intake::Plan::short()
        } else {
            intake::Plan::full()
        };
        let failures = intake_run(plan).await;
        finish(started, &failures);
        return;
    }
    let app = server(None).await;
    let backend = if app.backend().is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let url = app.backend().url(app.data_dir());
    println!(
        "booking load: {backend}{} (pool {} per process{}), {} build, plan {plan:?}",
        if std::env::var("REDIS_URL").is_ok_and(|u| !u.is_empty()) {
            " + redis"
        } else {
            ""
        },
        pool_size(),
        match std::env::var("PGSSLMODE") {
            Ok(mode) if app.backend().is_postgres() => format!(", PGSSLMODE={mode}"),
            _ => String::new(),
        },
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
    let (support, _) = app.staff("support", None).await.unwrap();
    // Each citizen may hold many future appointments: the spread load books a lot per person.
    app.call(
        Method::PUT,
        "/v1/admin/booking-settings",
        Some(&support.token),
        Some(&json!({
            "cancel_cutoff_minutes": 120,
            "max_future_appointments": 100,
            "reminder_lead_minutes": 1440,
            "horizon_days": 28,
        })),
    )
    .await
    .unwrap()
    .expect(200);
    let db = sea_orm::Database::connect(url.clone()).await.unwrap();
    let mut failures = Vec::new();

    // 0. The ceiling on the same database, measured first, while nothing else runs (after
    //    the spreads, the mail worker is still sending their confirmations).
    let postgres = app.backend().is_postgres();
    let ceiling = raw_updates(
        &url,
        plan.spread_clients,
        plan.spread_seconds.min(10),
        1000,
        if postgres { pool_size() } else { 1 },
        false,
    )
    .await;

    // 1. Hot slot, one process.
    let bach_mai = facility(&app, "bach mai").await;
    let hot = hot_schedule(&app, &support, &bach_mai, "oncology", plan.hot_capacity).await;
    let racers = crowd(&app, plan.hot_clients, "hot").await;
    let outcome = hot_slot(&[&app], &hot, &racers, plan.hot_capacity).await;
    let checked = audit(&db).await;
    print_outcome(&outcome, Some(plan.hot_capacity), &checked);
    failures.extend(violations(&outcome, Some(plan.hot_capacity), &checked));

    // 1b. Hot slot, two processes on one PostgreSQL and one Redis.
    let second = if app.backend().is_postgres() {
        Some(server(Some(&app)).await)
    } else {
        None
    };
    if let Some(second) = &second {
        let hot = hot_schedule(
            &app,
            &support,
            &bach_mai,
            "mental_health",
            plan.hot_capacity,
        )
        .await;
        let racers = crowd(&app, plan.hot_clients, "hot2").await;
        let outcome = hot_slot(&[&app, second], &hot, &racers, plan.hot_capacity).await;
        let checked = audit(&db).await;
        print_outcome(&outcome, Some(plan.hot_capacity), &checked);
        failures.extend(violations(&outcome, Some(plan.hot_capacity), &checked));
    }

    // 2. Spread load over every demo facility: one schedule each, ten places per
    //    10-minute slot from 07:00 to 17:00 every day of the horizon.
    let all = app.get("/v1/facilities?limit=100").await.unwrap();
    for facility in all.json["items"].as_array().unwrap() {
        let fid = facility["id"].as_str().unwrap();
        let mut body = daily_slot(10, "general", &day(1));
        body.as_object_mut().unwrap().remove("specialty");
        body["slot_minutes"] = json!(10);
        body["sessions"] = json!(
            [
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday"
            ]
            .iter()
            .map(|d| json!({ "day": d, "start": "07:00", "end": "17:00" }))
            .collect::<Vec<_>>()
        );
        create_schedule(&app, &support, fid, &body).await;
    }
    let slots: Vec<String> = {
        use healthbook_server::booking::entities::slot;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
        slot::Entity::find()
            .select_only()
            .column(slot::Column::Id)
            .filter(slot::Column::Capacity.eq(10))
            .filter(slot::Column::Status.eq("open"))
            .filter(slot::Column::Booked.eq(0))
            .into_tuple::<uuid::Uuid>()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(uuid::Uuid::to_string)
            .collect()
    };
    let slots = Arc::new(slots);
    let (spread_rate, found) =
        spread_run("spread load", &[&app], &db, &slots, &plan, "spread", false).await;
    failures.extend(found);
    if let Some(second) = &second {
        let (_, found) = spread_run(
            "spread load (2 processes)",
            &[&app, second],
            &db,
            &slots,
            &plan,
            "spread2",
            false,
        )
        .await;
        failures.extend(found);
    }
    // 2c. The apps' way: every booking under its own Idempotency-Key, one process.
    let (_, found) = spread_run(
        "spread load, keyed",
        &[&app],
        &db,
        &slots,
        &plan,
        "spread3",
        true,
    )
    .await;
    failures.extend(found);

    println!(
        "{:<28} clients={:<5} updates/s={ceiling:.0} (spread bookings/s ÷ raw updates/s = {:.3})",
        "raw UPDATE … RETURNING",
        plan.spread_clients,
        spread_rate / ceiling
    );

    db.close().await.unwrap();
    drop(second);
    drop(app);
    if args.iter().any(|a| a == "--short") {
        failures.extend(campaign_day(campaign::Plan::short()).await);
        failures.extend(intake_run(intake::Plan::short()).await);
    }
    finish(started, &failures);
}

/// The facility intake on a deployment of its own.
async fn intake_run(plan: intake::Plan) -> Vec<String> {
    let app = server(None).await;
    let url = app.backend().url(app.data_dir());
    println!(
        "facility intake: {}, {} build, plan {plan:?}",
        if app.backend().is_postgres() {
            "postgres"
        } else {
            "sqlite"
        },
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
    intake::run(&app, &url, plan).await
}

/// The campaign day on a deployment of its own: two processes on PostgreSQL, one on SQLite.
async fn campaign_day(plan: campaign::Plan) -> Vec<String> {
    let app = server(None).await;
    let second = if app.backend().is_postgres() {
        Some(server(Some(&app)).await)
    } else {
        None
    };
    let url = app.backend().url(app.data_dir());
    println!(
        "campaign day: {} (pool {} per process), {} build, plan {plan:?}",
        if app.backend().is_postgres() {
            "postgres"
        } else {
            "sqlite"
        },
        pool_size(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();
    campaign::run(&apps, &url, plan, "cd").await
}

fn finish(started: Instant, failures: &[String]) {
    println!(
        "booking load finished in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if !failures.is_empty() {
        for failure in failures {
            eprintln!("VIOLATION: {failure}");
        }
        std::process::exit(1);
    }
}
