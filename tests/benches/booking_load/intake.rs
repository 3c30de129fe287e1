//! Facility intake end to end: a hospital's system sends envelopes of visits in the national
//! XML standard over HTTP, each visit about a citizen with a verified book, and every visit is
//! checked, mapped and stored (its encounter, its access-log line, its intake record) — next
//! to the raw rate of inserting the same three rows per visit with prepared statements, an
//! envelope a transaction, through the same database in the same run.

use super::booking_support::{BACH_MAI, facility};
use base64::Engine as _;
use chrono::NaiveDate;
use futures::future::join_all;
use healthbook_server::auth::entities::citizen;
use healthbook_tests::TestApp;
use healthbook_tests::campaign::insert_chunks;
use reqwest::Method;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde_json::json;
use std::time::Instant;
use uuid::Uuid;

const XML1: &str = include_str!("../../../domain/data/xml130/sample-inner-xml1.xml");
const XML2: &str = include_str!("../../../domain/data/xml130/sample-inner-xml2.xml");
const XML3: &str = include_str!("../../../domain/data/xml130/sample-inner-xml3.xml");

#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub envelopes: usize,
    pub visits_per_envelope: usize,
    /// Systems sending at once.
    pub senders: usize,
}

impl Plan {
    pub fn full() -> Plan {
        Plan {
            envelopes: 200,
            visits_per_envelope: 50,
            senders: 4,
        }
    }

    pub fn short() -> Plan {
        Plan {
            envelopes: 8,
            visits_per_envelope: 10,
            senders: 2,
        }
    }

    fn visits(&self) -> usize {
        self.envelopes * self.visits_per_envelope
    }
}

/// The envelope of visits `first..first + n`, visit `i` about the person numbered `i`.
fn envelope(first: usize, n: usize) -> String {
    let encode = |xml: String| base64::engine::general_purpose::STANDARD.encode(xml);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINDONVI><MACSKCB>{BACH_MAI}</MACSKCB></THONGTINDONVI><THONGTINHOSO><NGAYLAP>20261120</NGAYLAP><SOLUONGHOSO>{n}</SOLUONGHOSO><DANHSACHHOSO>"
    );
    for i in first..first + n {
        let fit = |xml: &str| {
            xml.replace("01999", BACH_MAI)
                .replace("001090000001", &national_id(i))
                .replace("SYN-20261120-000001", &format!("BENCH-{i:08}"))
        };
        out.push_str("<HOSO>");
        for (kind, xml) in [("XML1", XML1), ("XML2", XML2), ("XML3", XML3)] {
            out.push_str(&format!(
                "<FILEHOSO><LOAIHOSO>{kind}</LOAIHOSO><NOIDUNGFILE>{}</NOIDUNGFILE></FILEHOSO>",
                encode(fit(xml))
            ));
        }
        out.push_str("</HOSO>");
    }
    out.push_str("</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>");
    out
}

/// Numbers of a prefix no province uses, so that none meets a demo person's.
fn national_id(i: usize) -> String {
    format!("097{i:09}")
}

/// The people the visits are about, with verified books, written straight into the database.
async fn seed_people(db: &impl ConnectionTrait, n: usize) {
    let now = super::booking_support::now();
    let born = NaiveDate::from_ymd_opt(1990, 1, 15).unwrap();
    let rows = (0..n)
        .map(|i| citizen::ActiveModel {
            id: Set(Uuid::now_v7()),
            account_id: Set(None),
            national_id: Set(national_id(i)),
            full_name: Set("Nguyễn Văn Mẫu".to_owned()),
            date_of_birth: Set(born),
            sex: Set("male".to_owned()),
            verification: Set("verified".to_owned()),
            verified_at: Set(Some(now)),
            verified_by: Set(Some("registry".to_owned())),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    insert_chunks(db, rows).await.unwrap();
}

/// The ceiling: per visit the three rows the intake writes (an encounter's book entry, an
/// access-log line, the intake record with its files), with prepared statements, an envelope
/// a transaction, `senders` at once, into copies of the tables.
async fn raw_inserts(url: &str, plan: Plan) -> f64 {
    let db = sea_orm::Database::connect(url.to_owned()).await.unwrap();
    let backend = db.get_database_backend();
    let postgres = backend == DbBackend::Postgres;
    for (copy, table) in [
        ("bench_entries", "book_entries"),
        ("bench_log", "access_log"),
        ("bench_intake", "intake_visits"),
    ] {
        let create = if postgres {
            format!("CREATE TABLE {copy} (LIKE {table} INCLUDING DEFAULTS INCLUDING INDEXES)")
        } else {
            format!("CREATE TABLE {copy} AS SELECT * FROM {table} WHERE 0")
        };
        db.execute_unprepared(&create).await.unwrap();
    }
    let body = serde_json::to_string(&json!({ "kind": "encounter", "data": { "reason": "Ho, sốt 2 ngày", "diagnoses": [{ "icd10": "J06.9", "primary": true }] }})).unwrap();
    let files = XML1.repeat(3);
    let p = |n: usize| {
        if postgres {
            format!("${n}")
        } else {
            "?".to_owned()
        }
    };
    let entry_sql = format!(
        "INSERT INTO bench_entries (id, entry_id, version, citizen_id, kind, section, status, body, self_reported, source, author_role, recorded_at) VALUES ({}, {}, 1, {}, 'encounter', 'visits', 'recorded', {}, false, 'facility_system', 'facility_system', {})",
        p(1),
        p(2),
        p(3),
        p(4),
        p(5)
    );
    let log_sql = format!(
        "INSERT INTO bench_log (id, citizen_id, at, actor_account_id, actor_role, basis, action, sections) VALUES ({}, {}, {}, {}, 'facility_system', 'intake', 'write', 'visits')",
        p(1),
        p(2),
        p(3),
        p(4)
    );
    let intake_sql = format!(
        "INSERT INTO bench_intake (id, facility_id, ma_lk, version, content_hash, receipt_id, files, status, received_at) VALUES ({}, {}, {}, 1, {}, {}, {}, 'imported', {})",
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6),
        p(7)
    );
    let started = Instant::now();
    join_all((0..plan.senders).map(|sender| {
        let db = db.clone();
        let (entry_sql, log_sql, intake_sql, body, files) = (
            entry_sql.clone(),
            log_sql.clone(),
            intake_sql.clone(),
            body.clone(),
            files.clone(),
        );
        async move {
            for e in (sender..plan.envelopes).step_by(plan.senders) {
                let txn = db.begin().await.unwrap();
                for v in 0..plan.visits_per_envelope {
                    let now = super::booking_support::now();
                    let (cid, actor) = (Uuid::now_v7(), Uuid::now_v7());
                    let run = |sql: &str, values: Vec<sea_orm::Value>| {
                        Statement::from_sql_and_values(backend, sql, values)
                    };
                    txn.execute_raw(run(
                        &entry_sql,
                        vec![
                            Uuid::now_v7().into(),
                            Uuid::now_v7().into(),
                            cid.into(),
                            body.clone().into(),
                            now.into(),
                        ],
                    ))
                    .await
                    .unwrap();
                    txn.execute_raw(run(
                        &log_sql,
                        vec![Uuid::now_v7().into(), cid.into(), now.into(), actor.into()],
                    ))
                    .await
                    .unwrap();
                    txn.execute_raw(run(
                        &intake_sql,
                        vec![
                            Uuid::now_v7().into(),
                            actor.into(),
                            format!("RAW-{e}-{v}").into(),
                            "0".repeat(64).into(),
                            actor.into(),
                            files.clone().into(),
                            now.into(),
                        ],
                    ))
                    .await
                    .unwrap();
                }
                txn.commit().await.unwrap();
            }
        }
    }))
    .await;
    let rate = plan.visits() as f64 / started.elapsed().as_secs_f64();
    for copy in ["bench_entries", "bench_log", "bench_intake"] {
        db.execute_unprepared(&format!("DROP TABLE {copy}"))
            .await
            .unwrap();
    }
    db.close().await.unwrap();
    rate
}

/// Runs the intake on `app` and returns what went wrong.
pub async fn run(app: &TestApp, url: &str, plan: Plan) -> Vec<String> {
    let db = sea_orm::Database::connect(url.to_owned()).await.unwrap();
    seed_people(&db, plan.visits()).await;
    let (admin, _) = app.staff("facility_admin", Some(BACH_MAI)).await.unwrap();
    let fid = facility(app, "bach mai").await;
    let keys: Vec<String> = join_all((0..plan.senders).map(|s| {
        let (admin, fid) = (admin.token.clone(), fid.clone());
        async move {
            let made = app
                .post_as(
                    &admin,
                    &format!("/v1/facilities/{fid}/systems"),
                    &json!({ "name": format!("HIS {s}") }),
                )
                .await
                .unwrap();
            made.expect(201);
            made.json["key"].as_str().unwrap().to_owned()
        }
    }))
    .await;
    let envelopes: Vec<String> = (0..plan.envelopes)
        .map(|e| envelope(e * plan.visits_per_envelope, plan.visits_per_envelope))
        .collect();
    let bytes: usize = envelopes.iter().map(String::len).sum();

    let ceiling = raw_inserts(url, plan).await;
    let limited = std::sync::atomic::AtomicU64::new(0);
    let limited = &limited;
    let started = Instant::now();
    let mut latencies = join_all((0..plan.senders).map(|sender| {
        let (key, envelopes) = (&keys[sender], &envelopes);
        async move {
            let mut taken = Vec::new();
            for e in (sender..plan.envelopes).step_by(plan.senders) {
                let sent = Instant::now();
                // A system slows down when the facility's limit says so, as a real one must.
                loop {
                    let response = app
                        .request(Method::POST, "/v1/ingest/encounters")
                        .bearer_auth(key)
                        .header("content-type", "application/xml")
                        .body(envelopes[e].clone())
                        .send()
                        .await
                        .unwrap();
                    let status = response.status().as_u16();
                    let wait = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok());
                    let text = response.text().await.unwrap_or_default();
                    if status == 429 {
                        limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        tokio::time::sleep(std::time::Duration::from_secs(wait.unwrap_or(1))).await;
                        continue;
                    }
                    assert_eq!(
                        status,
                        201,
                        "envelope {e}: {}",
                        text.chars().take(300).collect::<String>()
                    );
                    break;
                }
                taken.push(sent.elapsed());
            }
            taken
        }
    }))
    .await
    .concat();
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let rate = plan.visits() as f64 / elapsed;

    let mut failures = Vec::new();
    let count = |sql: &str| {
        let db = &db;
        let sql = sql.to_owned();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        }
    };
    let imported = count("SELECT count(*) FROM intake_visits WHERE status = 'imported'").await;
    let entries = count("SELECT count(*) FROM book_entries WHERE source = 'facility_system'").await;
    let lines = count("SELECT count(*) FROM access_log WHERE basis = 'intake'").await;
    let expected = plan.visits() as i64;
    for (what, got) in [
        ("visits imported", imported),
        ("encounters in books", entries),
        ("access-log lines", lines),
    ] {
        if got != expected {
            failures.push(format!("intake: {what} {got}, expected {expected}"));
        }
    }
    println!(
        "{:<28} senders={} envelopes={} visits={} ({:.1} MB) visits/s={rate:.0} envelope p50={:.0}ms p99={:.0}ms | raw prepared inserts (3 rows a visit, an envelope a transaction) visits/s={ceiling:.0} | ratio {:.2}x (goal >= 0.25x) | rate-limited resends={} | imported={imported} entries={entries} log_lines={lines}",
        "intake end to end",
        plan.senders,
        plan.envelopes,
        plan.visits(),
        bytes as f64 / 1e6,
        super::percentile(&latencies, 50.0),
        super::percentile(&latencies, 99.0),
        rate / ceiling,
        limited.load(std::sync::atomic::Ordering::Relaxed),
    );
    failures
}
