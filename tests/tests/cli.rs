//! The `healthbook` command line: options, exit codes, start-up faults, shutdown, demo.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use healthbook_tests::{Backend, TestApp, binary};
use std::process::{Command, Output};
use std::time::Duration;

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(binary().unwrap());
    command
        .args(args)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env("HEALTHBOOK_DATA_DIR", dir.path());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_documents_every_option_with_its_environment_variable() {
    let output = run(&["--help"], &[]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for (option, env) in [
        ("--listen", "HEALTHBOOK_LISTEN"),
        ("--data-dir", "HEALTHBOOK_DATA_DIR"),
        ("--database-url", "DATABASE_URL"),
        ("--redis-url", "REDIS_URL"),
        ("--smtp-url", "SMTP_URL"),
        ("--config", "HEALTHBOOK_CONFIG"),
    ] {
        assert!(help.contains(option), "--help lacks {option}");
        assert!(help.contains(env), "--help lacks {env}");
    }
    for command in ["serve", "migrate", "seed-demo"] {
        assert!(help.contains(command), "--help lacks {command}");
    }
}

#[test]
fn unknown_option_is_one_line_and_exit_code_2() {
    let output = run(&["--no-such-option"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert_eq!(text.trim_end().lines().count(), 1, "{text}");
    assert!(text.contains("--no-such-option"), "{text}");
}

#[test]
fn malformed_value_names_the_option_and_exits_2() {
    let output = run(&["migrate", "--listen", "not-an-address"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert_eq!(text.trim_end().lines().count(), 1, "{text}");
    assert!(text.contains("--listen"), "{text}");

    let output = run(&["migrate"], &[("HEALTHBOOK_REQUEST_TIMEOUT", "soon")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--request-timeout"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn malformed_config_file_names_the_key_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("healthbook.toml");
    std::fs::write(&file, "listen = \"127.0.0.1:0\"\nbody_limt = 5\n").unwrap();
    let output = run(&["migrate", "--config", file.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("body_limt"), "{text}");
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn unreachable_database_is_retried_then_named_without_its_password() {
    let output = run(
        &["migrate"],
        &[
            (
                "DATABASE_URL",
                "postgres://app:hunter2@127.0.0.1:1/healthbook",
            ),
            ("HEALTHBOOK_DB_CONNECT_TIMEOUT", "2"),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("postgres://app:***@127.0.0.1:1/healthbook"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "the password leaked: {text}");
    assert!(
        text.contains("database not reachable yet"),
        "no retry was logged: {text}"
    );
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn migrate_and_seed_demo_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for _ in 0..2 {
        let output = run(&["migrate", "--data-dir", data], &[]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let first = run(
        &["seed-demo", "--data-dir", data, "--log-format", "json"],
        &[],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains(r#""demo.facilities":14"#),
        "{}",
        stderr(&first)
    );
    let second = run(
        &["seed-demo", "--data-dir", data, "--log-format", "json"],
        &[],
    );
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains(r#""demo.facilities":0"#),
        "{}",
        stderr(&second)
    );
}

#[tokio::test]
async fn a_fresh_server_without_demo_data_lists_the_vaccine_catalogue() {
    let app = TestApp::spawn().await.unwrap();
    let reply = app.get("/v1/vaccines").await.unwrap();
    reply.expect(200);
    let vaccines = reply.json.as_array().unwrap();
    assert_eq!(vaccines.len(), 28, "{}", reply.text);
    let by_code = |code: &str| {
        vaccines
            .iter()
            .find(|v| v["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {}", reply.text))
    };
    // The 6-in-1 is three doses and a booster; every paid vaccine used to say 1.
    assert_eq!(by_code("hexa")["doses"], 4);
    assert_eq!(by_code("hexa")["programme"], "service");
    assert_eq!(by_code("rabies")["doses"], 5);
    assert_eq!(by_code("penta")["doses"], 3);
    assert_eq!(by_code("penta")["programme"], "expanded");
    // The national programme first, each part by code.
    assert_eq!(vaccines[0]["code"], "bcg");
    assert_eq!(vaccines[14]["code"], "flu");
}

#[tokio::test]
async fn demo_serves_a_living_system_searchable_without_diacritics() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let found = app.get("/v1/facilities?q=bach%20mai").await.unwrap();
    found.expect(200);
    assert_eq!(found.json["items"][0]["name"], "Bệnh viện Bạch Mai");
    assert_eq!(found.json["items"][0]["province_name"], "Thành phố Hà Nội");
    let stations = app
        .get("/v1/facilities?level=commune_station&service=vaccination")
        .await
        .unwrap();
    assert!(stations.json["items"].as_array().unwrap().len() >= 3);
    let vaccines = app.get("/v1/vaccines").await.unwrap();
    let codes: Vec<&str> = vaccines
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"bcg") && codes.contains(&"mr") && codes.contains(&"hexa"),
        "{codes:?}"
    );
}

#[tokio::test]
async fn facility_pages_follow_the_cursor_without_gaps_or_repeats() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let mut seen = Vec::new();
    let mut path = "/v1/facilities?limit=4".to_owned();
    loop {
        let page = app.get(&path).await.unwrap();
        page.expect(200);
        for item in page.json["items"].as_array().unwrap() {
            seen.push(item["code"].as_str().unwrap().to_owned());
        }
        match page.json["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/facilities?limit=4&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(seen.len(), 14);
    assert_eq!(unique.len(), 14);
}

#[tokio::test]
async fn sigterm_finishes_in_flight_requests_then_exits_cleanly() {
    let mut app = TestApp::spawn().await.unwrap();
    app.get("/health").await.unwrap().expect(200);
    let status = app.terminate().await.unwrap();
    assert!(status.success(), "exit status {status}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let logs = app.logs();
    assert!(logs.contains("shutting down"), "{logs}");
    assert!(logs.contains("mail worker stopped"), "{logs}");
    assert!(logs.contains(r#""message":"stopped""#), "{logs}");
}

/// The `job.name` of every log event with this message, in order.
fn jobs_logged(logs: &str, message: &str) -> Vec<String> {
    logs.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["message"] == message)
        .filter_map(|event| event["job.name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn sigterm_stops_and_awaits_every_background_job_promptly() {
    let mut app = TestApp::builder()
        .arg("--metrics-listen")
        .arg("127.0.0.1:0")
        .spawn()
        .await
        .unwrap();
    // A scraper's kept-alive connection must not hold the metrics listener open.
    let logs = app.logs();
    let metrics = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|event| event["message"] == "serving metrics")
        .and_then(|event| event["metrics.addr"].as_str().map(str::to_owned))
        .expect("the metrics address is logged");
    let scraper = reqwest::Client::new();
    let scraped = scraper
        .get(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);

    let signalled = std::time::Instant::now();
    let status = app.terminate().await.unwrap();
    let took = signalled.elapsed();
    assert!(status.success(), "exit status {status}");
    // Housekeeping sleeps ten minutes between sweeps and the booking job ten seconds: a job
    // that waited out its sleep instead of the signal would show here.
    assert!(took < Duration::from_secs(5), "stopping took {took:?}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let logs = app.logs();

    let mut started = jobs_logged(&logs, "background job started");
    let mut stopped = jobs_logged(&logs, "background job stopped");
    started.sort();
    stopped.sort();
    let mut expected = vec![
        "booking reminders",
        "database probe",
        "housekeeping",
        "mail worker",
        "metrics listener",
    ];
    if app.backend().is_postgres() {
        expected.push("process heartbeat");
        expected.sort();
    }
    assert_eq!(started, expected, "{logs}");
    // Logged by the registry once it has awaited the job's task: every job that started was
    // waited for, and none had to be left behind.
    assert_eq!(stopped, expected, "{logs}");
    assert!(!logs.contains("did not stop in time"), "{logs}");
    let last_job = logs.rfind("background job stopped").expect("jobs stopped");
    let exit = logs.rfind(r#""message":"stopped""#).expect("exit logged");
    assert!(
        last_job < exit,
        "the process exited before its jobs: {logs}"
    );
}

#[tokio::test]
async fn two_processes_share_one_database() {
    let first = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let second = TestApp::builder()
        .sharing_with(&first)
        .spawn()
        .await
        .unwrap();
    let a = first.get("/v1/facilities?limit=100").await.unwrap();
    let b = second.get("/v1/facilities?limit=100").await.unwrap();
    assert_eq!(a.json, b.json);
    assert!(matches!(
        first.backend(),
        Backend::Sqlite | Backend::Postgres { .. }
    ));
}

#[test]
fn trusting_forwarded_for_blindly_is_refused_with_its_replacement_named() {
    let output = run(&["migrate", "--trust-forwarded-for", "true"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert_eq!(text.trim_end().lines().count(), 1, "{text}");
    assert!(text.contains("--trusted-proxies"), "{text}");
    let output = run(&["migrate", "--trusted-proxies", "10.0.0.0/33"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("trusted_proxies"),
        "{}",
        stderr(&output)
    );
}

/// Everything production needs, so that each case below breaks exactly one thing.
const PRODUCTION_READY: &[(&str, &str)] = &[
    ("HEALTHBOOK_PRODUCTION", "1"),
    (
        "HEALTHBOOK_REGISTRY_URL",
        "https://registry.example.vn/check",
    ),
    ("HEALTHBOOK_WEBAUTHN_RP_ID", "healthbook.vn"),
    ("HEALTHBOOK_WEBAUTHN_ORIGINS", "https://healthbook.vn"),
    ("HEALTHBOOK_PUBLIC_URL", "https://healthbook.vn"),
];

fn production_with(changes: &[(&'static str, &'static str)], args: &[&str]) -> Output {
    let mut env: Vec<(&str, &str)> = PRODUCTION_READY
        .iter()
        .filter(|(key, _)| !changes.iter().any(|(changed, _)| changed == key))
        .copied()
        .collect();
    env.extend(changes.iter().filter(|(_, value)| !value.is_empty()));
    let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    run(&all, &env)
}

#[test]
fn production_refuses_what_is_meant_for_a_developers_machine() {
    for (changes, args, reason) in [
        (&[("HEALTHBOOK_REGISTRY_URL", "")][..], &[][..], "registry"),
        (&[("HEALTHBOOK_WEBAUTHN_RP_ID", "")], &[], "relying party"),
        (
            &[("HEALTHBOOK_WEBAUTHN_RP_ID", "localhost")],
            &[],
            "relying party",
        ),
        (&[("HEALTHBOOK_CLOCK_OFFSET", "600")], &[], "clock"),
        (
            &[("HEALTHBOOK_PUBLIC_URL", "http://healthbook.vn")],
            &[],
            "public URL",
        ),
        (&[], &["--demo"], "demo"),
        // A switch in the environment reads as the other switches do.
        (&[("HEALTHBOOK_DEMO", "1")], &[], "demo"),
        (&[("HEALTHBOOK_DEMO", "yes")], &[], "demo"),
    ] {
        let output = production_with(changes, args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{reason}: {text}");
        assert_eq!(text.trim_end().lines().count(), 1, "{text}");
        assert!(text.contains("production"), "{text}");
        assert!(text.contains(reason), "{reason}: {text}");
    }
    // The same refusal from the command line.
    let output = run(&["serve", "--production"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[tokio::test]
async fn production_starts_when_configured_for_production() {
    let mut builder = TestApp::builder();
    for (key, value) in PRODUCTION_READY {
        builder = builder.env(key, *value);
    }
    let app = builder.spawn().await.unwrap();
    app.get("/health").await.unwrap().expect(200);
}
