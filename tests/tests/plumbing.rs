//! The HTTP plumbing every capability relies on, proven against the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use healthbook_tests::{TestApp, workspace_root};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn health_is_ok_and_ready_names_the_database() {
    let app = TestApp::spawn().await.unwrap();
    let health = app.get("/health").await.unwrap();
    health.expect(200);
    assert_eq!(health.json["status"], "ok");
    let ready = app.get("/ready").await.unwrap();
    ready.expect(200);
    assert_eq!(ready.json["checks"]["database"], "ok");
}

#[tokio::test]
async fn ready_is_503_naming_redis_when_redis_is_down() {
    // Port 1 never has a Redis: the server must still start, serve, and say what is down.
    let app = TestApp::builder()
        .without_redis()
        .env("REDIS_URL", "redis://127.0.0.1:1")
        .spawn()
        .await
        .unwrap();
    let ready = app.get("/ready").await.unwrap();
    ready.expect_problem(503, "not_ready");
    assert_eq!(ready.json["checks"]["redis"], "down");
    assert_eq!(ready.json["checks"]["database"], "ok");
    assert!(ready.json["detail"].as_str().unwrap().contains("redis"));
    app.get("/health").await.unwrap().expect(200);
}

#[tokio::test]
async fn unknown_route_is_a_problem_404_in_the_callers_language() {
    let app = TestApp::spawn().await.unwrap();
    let vi = app.get("/v1/no-such-thing").await.unwrap();
    vi.expect_problem(404, "not_found");
    assert_eq!(vi.header("content-language"), Some("vi"));
    let en = reqwest::Client::new()
        .get(app.url("/v1/no-such-thing"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let en = healthbook_tests::Reply::from(en).await.unwrap();
    en.expect_problem(404, "not_found");
    assert_eq!(en.header("content-language"), Some("en"));
    assert_ne!(vi.json["detail"], en.json["detail"]);
}

#[tokio::test]
async fn wrong_method_is_a_problem_405() {
    let app = TestApp::spawn().await.unwrap();
    let reply =
        healthbook_tests::Reply::from(app.request(Method::DELETE, "/health").send().await.unwrap())
            .await
            .unwrap();
    reply.expect_problem(405, "method_not_allowed");
}

#[tokio::test]
async fn every_response_carries_a_request_id_that_the_log_repeats() {
    let app = TestApp::spawn().await.unwrap();
    let reply = app.get("/health").await.unwrap();
    let id = reply.header("x-request-id").unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let given = reqwest::Client::new()
        .get(app.url("/health"))
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "trace-me-123");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let logs = app.logs();
    assert!(logs.contains(&id), "log lacks request id {id}");
    assert!(logs.contains("trace-me-123"));
}

#[tokio::test]
async fn invalid_query_parameter_is_422_naming_it() {
    let app = TestApp::spawn().await.unwrap();
    let reply = app.get("/v1/facilities?limit=abc").await.unwrap();
    reply.expect_problem(422, "validation_failed");
    assert_eq!(reply.json["errors"][0]["field"], "limit");
    let reply = app.get("/v1/facilities?limit=1000").await.unwrap();
    reply.expect_problem(422, "validation_failed");
    let reply = app.get("/v1/facilities?cursor=not-a-cursor").await.unwrap();
    reply.expect_problem(422, "validation_failed");
    assert_eq!(reply.json["errors"][0]["code"], "invalid_cursor");
}

#[tokio::test]
async fn openapi_document_is_3_1_and_describes_the_routes() {
    let app = TestApp::spawn().await.unwrap();
    let reply = app.get("/openapi.json").await.unwrap();
    reply.expect(200);
    let doc = &reply.json;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/health",
        "/ready",
        "/metrics",
        "/v1/facilities",
        "/v1/facilities/{fid}",
        "/v1/vaccines",
    ] {
        assert!(doc["paths"][path].is_object(), "missing {path}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn docs_page_and_its_assets_are_served_by_the_binary() {
    let app = TestApp::spawn().await.unwrap();
    let page = app.get("/docs/").await.unwrap();
    page.expect(200);
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    // Every script and stylesheet the page loads is local: no CDN, works offline.
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
    ] {
        assert!(page.text.contains(asset), "page does not load {asset}");
        let reply = app.get(&format!("/docs/{asset}")).await.unwrap();
        reply.expect(200);
        assert!(reply.text.len() > 100, "{asset} is empty");
    }
    assert!(
        !page.text.contains("https://"),
        "the docs page loads something remote"
    );
    let init = app.get("/docs/swagger-initializer.js").await.unwrap();
    assert!(init.text.contains("/openapi.json"));
}

#[tokio::test]
async fn metrics_count_requests_per_route_template() {
    let app = TestApp::spawn().await.unwrap();
    app.get("/v1/facilities").await.unwrap().expect(200);
    let fid = uuid::Uuid::new_v4();
    app.get(&format!("/v1/facilities/{fid}"))
        .await
        .unwrap()
        .expect(404);
    let metrics = app.get("/metrics").await.unwrap();
    metrics.expect(200);
    let text = &metrics.text;
    assert!(text.contains("http_requests_total"), "{text}");
    assert!(text.contains(r#"route="/v1/facilities/{fid}""#), "{text}");
    assert!(
        !text.contains(&fid.to_string()),
        "a concrete id leaked into a label"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(text.contains("db_pool_connections"));
    assert!(text.contains("mail_outbox_backlog"));
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::spawn().await.unwrap();
    let response = reqwest::Client::builder()
        .no_gzip()
        .build()
        .unwrap()
        .get(app.url("/openapi.json"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::builder()
        .env("HEALTHBOOK_CORS_ORIGINS", "https://app.healthbook.vn")
        .spawn()
        .await
        .unwrap();
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/v1/facilities")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .send()
    };
    let allowed = preflight("https://app.healthbook.vn").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.healthbook.vn"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn openapi_snapshot_matches_the_committed_document() {
    // The committed document is the API contract apps are built against: a change to it
    // must be deliberate. Regenerate with UPDATE_SNAPSHOTS=1.
    let app = TestApp::spawn().await.unwrap();
    let live: Value = app.get("/openapi.json").await.unwrap().json;
    let path = workspace_root().join("docs/openapi.json");
    let pretty = serde_json::to_string_pretty(&live).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == pretty,
        "docs/openapi.json is out of date: run UPDATE_SNAPSHOTS=1 cargo test -p healthbook-tests --test plumbing"
    );
}

#[tokio::test]
async fn the_document_declares_what_the_plumbing_answers() {
    // A client generated from the document must know every status the server can give it:
    // the session check, the body and query extractors, the limiter and the database circuit
    // answer on every route they guard, whatever the handler's own annotation says.
    let app = TestApp::spawn().await.unwrap();
    let document: Value = app.get("/openapi.json").await.unwrap().json;
    let problem = json!({ "$ref": "#/components/schemas/Problem" });
    assert!(document["components"]["schemas"]["Problem"]["required"].is_array());
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let what = format!("{method} {path}");
            let responses = operation["responses"].as_object().unwrap();
            let declares = |status: &str| responses.contains_key(status);
            let params = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let has_param = |place: &str| params.iter().any(|p| p["in"] == place);
            if operation["security"].is_array() {
                assert!(declares("401") && declares("403"), "{what}");
            }
            if operation["requestBody"].is_object() {
                for status in ["400", "413", "415", "422"] {
                    assert!(declares(status), "{what} {status}");
                }
            }
            if has_param("query") {
                assert!(declares("422"), "{what}");
            }
            if has_param("path") {
                assert!(declares("400") && declares("404"), "{what}");
            }
            if path.starts_with("/v1/") {
                assert!(declares("503"), "{what}");
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        response["content"]["application/problem+json"]["schema"], problem,
                        "{what} {status}"
                    );
                }
            }
            for param in params.iter().filter(|p| p["name"] == "limit") {
                assert_eq!(param["schema"]["minimum"], 1, "{what}");
                assert_eq!(param["schema"]["maximum"], 100, "{what}");
            }
            checked += 1;
        }
    }
    assert!(checked > 70, "{checked} operations");
    // The open sign-in routes are rate-limited, and say so.
    for path in [
        "/v1/auth/otp/start",
        "/v1/auth/register",
        "/v1/auth/passkeys/login/start",
    ] {
        assert!(
            document["paths"][path]["post"]["responses"]["429"].is_object(),
            "{path}"
        );
    }
}

/// Sends `otp/start` as if through our proxy: `spoofed` is what the client wrote, `hop` what
/// the proxy appended. Each call names a new address, so only the per-address limit counts.
async fn otp_start_via_proxy(app: &TestApp, spoofed: &str, hop: &str) -> u16 {
    static SERIAL: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = SERIAL.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    app.request(Method::POST, "/v1/auth/otp/start")
        .header("x-forwarded-for", format!("{spoofed}, {hop}"))
        .json(&serde_json::json!({ "email": format!("nobody{n}@example.vn") }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn forwarded_for_cannot_reset_ip_limits() {
    // The test client connects from 127.0.0.1: it plays the trusted proxy.
    let app = TestApp::builder()
        .arg("--trusted-proxies")
        .arg("127.0.0.0/8,::1/128")
        .spawn()
        .await
        .unwrap();
    // 30 codes per address per 15 minutes; a new spoofed leftmost hop each time changes nothing.
    for n in 0..30 {
        let status = otp_start_via_proxy(
            &app,
            &format!("10.9.{}.{}", n / 250, n % 250),
            "203.0.113.7",
        )
        .await;
        assert_eq!(status, 202, "request {n}");
    }
    assert_eq!(
        otp_start_via_proxy(&app, "10.200.0.1", "203.0.113.7").await,
        429
    );
    // Another client behind the same proxy has its own allowance.
    assert_eq!(
        otp_start_via_proxy(&app, "10.200.0.1", "203.0.113.8").await,
        202
    );

    // IPv6: one subscriber holds a /64 and rotating through it does not help either.
    for n in 0..30 {
        let status = otp_start_via_proxy(&app, "::1", &format!("2001:db8:7:7::{n:x}")).await;
        assert_eq!(status, 202, "request {n}");
    }
    assert_eq!(
        otp_start_via_proxy(&app, "::1", "2001:db8:7:7:ffff::1").await,
        429
    );
    assert_eq!(
        otp_start_via_proxy(&app, "::1", "2001:db8:7:8::1").await,
        202
    );
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::builder()
        .arg("--trusted-proxies")
        .arg("10.0.0.0/8")
        .spawn()
        .await
        .unwrap();
    for n in 0..30 {
        let status = otp_start_via_proxy(&app, "1.1.1.1", &format!("203.0.113.{n}")).await;
        assert_eq!(status, 202, "request {n}");
    }
    // Every request came from 127.0.0.1, which is not a proxy: one address, one allowance.
    assert_eq!(
        otp_start_via_proxy(&app, "1.1.1.1", "203.0.113.99").await,
        429
    );
}

/// The distinct values of one label of `http_requests_total`.
fn label_values(metrics: &str, label: &str) -> std::collections::BTreeSet<String> {
    let prefix = format!("{label}=\"");
    metrics
        .lines()
        .filter(|line| line.starts_with("http_requests_total{"))
        .filter_map(|line| {
            let start = line.find(&prefix)? + prefix.len();
            let end = line[start..].find('"')? + start;
            Some(line[start..end].to_owned())
        })
        .collect()
}

async fn odd_requests(app: &TestApp, round: u32) {
    for n in 0..40 {
        let method = Method::from_bytes(format!("PROBE{round}X{n}").as_bytes()).unwrap();
        let path = match n % 4 {
            0 => format!("/v1/facilities/{}", uuid::Uuid::new_v4()),
            1 => format!("/no/such/{round}/{n}"),
            2 => format!("/v1/facilities?q=odd{n}"),
            _ => format!("/v1/%7E{round}{n}"),
        };
        app.request(method, &path).send().await.unwrap();
        app.get(&format!("/wp-admin/{round}/{n}.php"))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn metrics_labels_are_bounded() {
    let app = TestApp::spawn().await.unwrap();
    app.get("/metrics").await.unwrap().expect(200);
    odd_requests(&app, 1).await;
    let first = app.get("/metrics").await.unwrap().text;
    odd_requests(&app, 2).await;
    let second = app.get("/metrics").await.unwrap().text;

    let methods = label_values(&second, "method");
    let known = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other",
    ];
    assert!(
        methods.iter().all(|m| known.contains(&m.as_str())),
        "{methods:?}"
    );
    assert!(methods.contains("other"), "{methods:?}");
    let routes = label_values(&second, "route");
    assert_eq!(
        routes,
        label_values(&first, "route"),
        "new requests, new routes"
    );
    assert!(routes.contains("unmatched"), "{routes:?}");
    assert!(
        routes
            .iter()
            .all(|r| !r.contains("no/such") && !r.contains("wp-admin")),
        "{routes:?}"
    );
}

#[tokio::test]
async fn metrics_can_be_served_apart_from_the_api() {
    let app = TestApp::builder()
        .arg("--metrics-listen")
        .arg("127.0.0.1:0")
        .spawn()
        .await
        .unwrap();
    app.get("/v1/facilities").await.unwrap().expect(200);
    app.get("/metrics")
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    let logs = app.logs();
    let addr = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|event| event["message"] == "serving metrics")
        .and_then(|event| event["metrics.addr"].as_str().map(str::to_owned))
        .expect("the metrics address is logged");
    let scraped = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(text.contains(r#"route="/v1/facilities""#), "{text}");
    let other = reqwest::get(format!("http://{addr}/v1/facilities"))
        .await
        .unwrap();
    assert_eq!(other.status(), 404, "the metrics port serves only /metrics");
}

#[tokio::test]
async fn facility_search_takes_like_wildcards_literally() {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let all = app.get("/v1/facilities?limit=100").await.unwrap();
    assert!(all.json["items"].as_array().unwrap().len() > 10);
    for wildcard in ["%25", "_", "%25%25", "b_ch", "bach%25mai", "%5C"] {
        let found = app
            .get(&format!("/v1/facilities?q={wildcard}"))
            .await
            .unwrap();
        found.expect(200);
        assert_eq!(
            found.json["items"].as_array().unwrap().len(),
            0,
            "q={wildcard} matched: {}",
            found.text
        );
    }
    let plain = app.get("/v1/facilities?q=bach%20mai").await.unwrap();
    assert_eq!(plain.json["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn personal_answers_are_never_stored_and_nothing_is_sniffed() {
    use healthbook_tests::people::Person;
    let app = TestApp::spawn().await.unwrap();
    let person = Person::in_registry("cache.check@example.vn");
    let registered = app.post("/v1/auth/register", &person.body()).await.unwrap();
    registered.expect(201);
    let code = app.code_for(&person.email, 0).await.unwrap();
    let signed_in = app
        .post(
            "/v1/auth/email/verify",
            &serde_json::json!({ "email": person.email, "code": code, "device_name": "Phone" }),
        )
        .await
        .unwrap();
    signed_in.expect(200);
    let token = signed_in.json["token"].as_str().unwrap().to_owned();
    let me = app.get_as(&token, "/v1/me").await.unwrap();
    me.expect(200);
    let started = app
        .post(
            "/v1/auth/otp/start",
            &serde_json::json!({ "email": person.email }),
        )
        .await
        .unwrap();
    let missing = app.get("/v1/no-such-thing").await.unwrap();
    for (what, reply) in [
        ("registration", &registered),
        ("sign-in", &signed_in),
        ("profile", &me),
        ("code request", &started),
        ("unknown route", &missing),
    ] {
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
    }

    // Public reference data may be cached, as its handler says.
    let facilities = app.get("/v1/facilities").await.unwrap();
    assert_ne!(facilities.header("cache-control"), Some("no-store"));
    let trust_list = app.get("/v1/trust-list").await.unwrap();
    assert_eq!(
        trust_list.header("cache-control"),
        Some("public, max-age=3600")
    );
    let document = app.get("/openapi.json").await.unwrap();
    let docs = app.get("/docs/").await.unwrap();
    for reply in [&facilities, &trust_list, &document, &docs] {
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    }
    for reply in [&document, &docs] {
        assert_ne!(reply.header("cache-control"), Some("no-store"));
    }
}

/// An SMTP server that refuses every recipient, quoting the address as real servers do.
async fn refusing_smtp_server() -> std::net::SocketAddr {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (reader, mut writer) = stream.into_split();
                let mut lines = BufReader::new(reader).lines();
                let _ = writer.write_all(b"220 refusing ESMTP\r\n").await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply = if upper.starts_with("RCPT TO:") {
                        let path = line["RCPT TO:".len()..].trim().to_owned();
                        let bare = path.trim_matches(|c| c == '<' || c == '>').to_owned();
                        format!("550 5.1.1 {path}: Recipient address rejected: {bare} unknown\r\n")
                    } else if upper.starts_with("QUIT") {
                        let _ = writer.write_all(b"221 Bye\r\n").await;
                        return;
                    } else {
                        "250 OK\r\n".to_owned()
                    };
                    if writer.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn smtp_refusals_are_kept_and_logged_without_addresses() {
    use healthbook_tests::people::Person;
    use sea_orm::{ConnectionTrait, Statement};
    let smtp = refusing_smtp_server().await;
    let app = TestApp::builder()
        .env("SMTP_URL", format!("smtp://{smtp}"))
        .spawn()
        .await
        .unwrap();
    let person = Person::in_registry("lan.refused@example.vn");
    app.post("/v1/auth/register", &person.body())
        .await
        .unwrap()
        .expect(201);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !app.logs().contains("mail delivery failed") {
        assert!(
            std::time::Instant::now() < deadline,
            "no delivery failure logged"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let logged: Vec<String> = app
        .logs()
        .lines()
        .filter(|line| line.contains("mail delivery failed"))
        .map(str::to_owned)
        .collect();
    for line in &logged {
        assert!(line.contains("550"), "the cause is kept: {line}");
        assert!(
            !line.contains("lan.refused"),
            "an address was logged: {line}"
        );
        assert!(
            !line.contains("@example.vn"),
            "an address was logged: {line}"
        );
    }

    let db = sea_orm::Database::connect(app.backend().url(app.data_dir()))
        .await
        .unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT last_error FROM mail_outbox WHERE last_error IS NOT NULL",
        ))
        .await
        .unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        let stored: String = row.try_get("", "last_error").unwrap();
        assert!(stored.contains("550"), "{stored}");
        assert!(!stored.contains('@'), "an address was stored: {stored}");
    }
}

#[tokio::test]
async fn control_characters_are_refused_at_the_edge_naming_the_field() {
    use healthbook_tests::people::Person;
    let app = TestApp::spawn().await.unwrap();
    let session = app.citizen("control").await.unwrap();
    let nul = "lan\u{0}@example.vn";
    let cases = [
        ("/v1/auth/otp/start", json!({ "email": nul }), "email"),
        (
            "/v1/auth/otp/finish",
            json!({ "email": nul, "code": "123456" }),
            "email",
        ),
        (
            "/v1/auth/email/verify",
            json!({ "email": "lan@example.vn", "code": "12\u{0}456" }),
            "code",
        ),
        ("/v1/auth/recovery/start", json!({ "email": nul }), "email"),
        (
            "/v1/auth/recovery/finish",
            json!({ "email": "lan@example.vn", "code": "123456", "national_id": "001090000001",
                    "full_name": "Nguyễn\u{0}Văn An", "date_of_birth": "1990-05-17" }),
            "full_name",
        ),
        (
            "/v1/auth/staff/enrol",
            json!({ "email": "staff@example.vn", "code": "ABCD\u{0}", "device_name": "Laptop" }),
            "code",
        ),
        (
            "/v1/auth/passkeys/login/start",
            json!({ "email": nul }),
            "email",
        ),
        (
            "/v1/auth/passkeys/register/start",
            json!({ "name": "Pixel\u{0}8" }),
            "name",
        ),
        (
            "/v1/auth/otp/start",
            json!({ "email": "lan@example.vn", "device_name": "\u{1b}[2J" }),
            "device_name",
        ),
        (
            "/v1/auth/otp/start",
            json!({ "email": "lan\u{85}@example.vn" }),
            "email",
        ),
    ];
    for (path, body, field) in cases {
        let reply = app.post_as(&session.token, path, &body).await.unwrap();
        reply.expect_problem(422, "validation_failed");
        assert_eq!(
            reply.json["errors"][0]["field"], field,
            "{path}: {}",
            reply.text
        );
        assert_eq!(
            reply.json["errors"][0]["code"], "control_character",
            "{path}"
        );
    }
    for query in ["q=bach%00mai", "q=%C2%9B", "specialty=a%0Ab"] {
        let reply = app.get(&format!("/v1/facilities?{query}")).await.unwrap();
        reply.expect_problem(422, "validation_failed");
        assert_eq!(
            reply.json["errors"][0]["code"], "control_character",
            "{query}"
        );
    }

    // Refused means nothing was written: the same person registers cleanly afterwards.
    let person = Person::in_registry("control.register@example.vn");
    let mut body = person.body();
    body["full_name"] = json!("Nguyễn Văn An\u{0}");
    let refused = app.post("/v1/auth/register", &body).await.unwrap();
    refused.expect_problem(422, "validation_failed");
    assert_eq!(refused.json["errors"][0]["field"], "full_name");
    app.post("/v1/auth/register", &person.body())
        .await
        .unwrap()
        .expect(201);
}

async fn send_in(
    app: &TestApp,
    lang: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> healthbook_tests::Reply {
    let mut request = app.request(method, path).header("accept-language", lang);
    if let Some(body) = body {
        request = request.json(body);
    }
    healthbook_tests::Reply::from(request.send().await.unwrap())
        .await
        .unwrap()
}

/// English that serde and validator would have written.
fn sounds_english(text: &str) -> bool {
    [
        "invalid",
        "expected",
        "unknown",
        "missing",
        "wrong length",
        "must",
        "is not",
    ]
    .iter()
    .any(|w| text.to_lowercase().contains(w))
}

#[tokio::test]
async fn a_body_must_be_an_object_not_a_positional_array() {
    use healthbook_tests::people::Person;
    let app = TestApp::spawn().await.unwrap();
    let person = Person::in_registry("positional@example.vn");
    let positional = serde_json::json!([
        person.national_id,
        person.full_name,
        person.date_of_birth,
        person.sex,
        person.email,
        person.phone,
        "vi"
    ]);
    let refused = app.post("/v1/auth/register", &positional).await.unwrap();
    refused.expect_problem(422, "validation_failed");
    assert_eq!(refused.json["errors"][0]["field"], "body");
    assert_eq!(refused.json["errors"][0]["code"], "expected_object");
    for other in [
        serde_json::json!("text"),
        serde_json::json!(42),
        Value::Null,
    ] {
        let reply = app.post("/v1/auth/otp/start", &other).await.unwrap();
        reply.expect_problem(422, "validation_failed");
        assert_eq!(reply.json["errors"][0]["code"], "expected_object");
    }
    // Nothing was created by the array: the person registers now.
    app.post("/v1/auth/register", &person.body())
        .await
        .unwrap()
        .expect(201);
}

#[tokio::test]
async fn field_errors_repeat_little_and_speak_the_callers_language() {
    use healthbook_tests::people::Person;
    let app = TestApp::spawn().await.unwrap();
    let mut body = Person::in_registry("echo@example.vn").body();
    body["sex"] = Value::String("x".repeat(100_000));
    let reply = send_in(&app, "en", Method::POST, "/v1/auth/register", Some(&body)).await;
    reply.expect_problem(422, "validation_failed");
    assert_eq!(reply.json["errors"][0]["field"], "sex");
    assert!(reply.text.len() < 1_000, "{} bytes", reply.text.len());
    assert!(reply.text.contains(&"x".repeat(64)));
    assert!(!reply.text.contains(&"x".repeat(65)));

    body["sex"] = Value::String("robot".to_owned());
    let en = send_in(&app, "en", Method::POST, "/v1/auth/register", Some(&body)).await;
    let vi = send_in(&app, "vi", Method::POST, "/v1/auth/register", Some(&body)).await;
    let en_detail = en.json["errors"][0]["detail"].as_str().unwrap();
    let vi_detail = vi.json["errors"][0]["detail"].as_str().unwrap();
    assert!(
        en_detail.contains("robot") && en_detail.contains("female"),
        "{en_detail}"
    );
    assert!(
        vi_detail.contains("robot") && vi_detail.contains("female"),
        "{vi_detail}"
    );
    assert!(!sounds_english(vi_detail), "{vi_detail}");

    // Every kind of field error a client can provoke, under vi: none is English.
    let short_email = serde_json::json!({ "email": "a" });
    let wrong_type = serde_json::json!({ "email": 42 });
    let missing = serde_json::json!({});
    let mut bad_date = Person::in_registry("date@example.vn").body();
    bad_date["date_of_birth"] = Value::String("17/05/1990".to_owned());
    for (path, body) in [
        ("/v1/auth/otp/start", &short_email),
        ("/v1/auth/otp/start", &wrong_type),
        ("/v1/auth/otp/start", &missing),
        ("/v1/auth/register", &bad_date),
    ] {
        let vi = send_in(&app, "vi", Method::POST, path, Some(body)).await;
        vi.expect_problem(422, "validation_failed");
        let en = send_in(&app, "en", Method::POST, path, Some(body)).await;
        let vi_detail = vi.json["errors"][0]["detail"].as_str().unwrap();
        let en_detail = en.json["errors"][0]["detail"].as_str().unwrap();
        assert!(!sounds_english(vi_detail), "{body}: {vi_detail}");
        assert_ne!(vi_detail, en_detail, "{body}");
    }
    for query in ["limit=abc", "limit=1000", "service=teleportation"] {
        let vi = send_in(
            &app,
            "vi",
            Method::GET,
            &format!("/v1/facilities?{query}"),
            None,
        )
        .await;
        vi.expect_problem(422, "validation_failed");
        let vi_detail = vi.json["errors"][0]["detail"].as_str().unwrap();
        assert!(!sounds_english(vi_detail), "{query}: {vi_detail}");
    }
}

/// One HTTP/1.1 exchange on a kept-alive connection: the head, then (when `pause`) a moment
/// later the body, as a phone on a slow link sends them. Returns the status and the headers.
async fn exchange(
    connection: &mut tokio::io::BufReader<tokio::net::TcpStream>,
    head: &str,
    body: &[u8],
    pause: bool,
) -> std::io::Result<(u16, String)> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let stream = connection.get_mut();
    stream.write_all(head.as_bytes()).await?;
    if pause {
        stream.flush().await?;
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    stream.write_all(body).await?;
    stream.flush().await?;
    let mut status_line = String::new();
    if connection.read_line(&mut status_line).await? == 0 {
        return Err(std::io::Error::other("connection closed"));
    }
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut headers = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        connection.read_line(&mut line).await?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        headers.push_str(&line.to_ascii_lowercase());
    }
    let mut content = vec![0; length];
    connection.read_exact(&mut content).await?;
    Ok((status, headers))
}

fn post_head(path: &str, content_type: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nhost: test\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\n\r\n"
    )
}

#[tokio::test]
async fn refused_requests_leave_the_connection_usable() {
    let app = TestApp::builder()
        .arg("--body-limit")
        .arg("65536")
        .spawn()
        .await
        .unwrap();
    let addr = app.base_url.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let mut connection = tokio::io::BufReader::new(stream);
    let body = format!("{{\"email\":\"{}@example.vn\"}}", "a".repeat(4000));
    let refusals = [
        // No session: 401 before the body is read.
        ("/v1/auth/logout", "application/json", 401),
        // Not JSON: 415 from the content type alone.
        ("/v1/auth/otp/start", "text/plain", 415),
        ("/v1/no-such-route", "application/json", 404),
        ("/health", "application/json", 405),
    ];
    let health = "GET /health HTTP/1.1\r\nhost: test\r\n\r\n";
    for round in 0..40 {
        let (path, content_type, expected) = refusals[round % refusals.len()];
        let head = post_head(path, content_type, body.len());
        let (status, headers) = exchange(&mut connection, &head, body.as_bytes(), round % 2 == 0)
            .await
            .unwrap_or_else(|e| panic!("round {round}, {path}: {e}"));
        assert_eq!(status, expected, "round {round}, {path}");
        assert!(
            !headers.contains("connection: close"),
            "round {round}, {path}: {headers}"
        );
        let (status, _) = exchange(&mut connection, health, b"", false)
            .await
            .unwrap_or_else(|e| panic!("round {round}: the next request failed: {e}"));
        assert_eq!(status, 200, "round {round}");
    }

    // A body over the limit is not read at all: the answer says the connection ends.
    let head = post_head("/v1/auth/otp/start", "application/json", 100_000);
    let (status, headers) = exchange(&mut connection, &head, b"{}", false)
        .await
        .unwrap();
    assert_eq!(status, 413);
    assert!(headers.contains("connection: close"), "{headers}");
}

/// The time a request takes and its status.
async fn timed(app: &TestApp, path: &str) -> (std::time::Duration, u16) {
    let started = std::time::Instant::now();
    let status = app
        .request(Method::GET, path)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    (started.elapsed(), status)
}

#[tokio::test]
async fn a_database_outage_is_answered_at_once_and_heals_by_itself() {
    use healthbook_tests::private_pg::PrivatePostgres;
    use std::time::{Duration, Instant};
    let on_postgres = std::env::var("DATABASE_URL").is_ok_and(|url| url.starts_with("postgres"));
    if !on_postgres || PrivatePostgres::tools().is_none() {
        eprintln!("skipped: needs PostgreSQL (DATABASE_URL=postgres://…) and its server tools");
        return;
    }
    let database = PrivatePostgres::start().unwrap();
    let app = TestApp::builder()
        .env("DATABASE_URL", database.url())
        .spawn()
        .await
        .unwrap();
    app.get("/v1/facilities").await.unwrap().expect(200);
    app.get("/ready").await.unwrap().expect(200);

    database.stop().unwrap();
    // The first request finds out, the slow way (the pool's acquire timeout).
    let (_, status) = timed(&app, "/v1/facilities").await;
    assert_eq!(status, 503);
    // From then on, every answer is immediate.
    for path in [
        "/v1/facilities",
        "/v1/vaccines",
        "/ready",
        "/v1/facilities",
        "/ready",
    ] {
        let (took, status) = timed(&app, path).await;
        assert_eq!(status, 503, "{path}");
        assert!(took < Duration::from_millis(500), "{path} took {took:?}");
    }
    let ready = app.get("/ready").await.unwrap();
    ready.expect_problem(503, "not_ready");
    assert_eq!(ready.json["checks"]["database"], "down");
    let (took, status) = timed(&app, "/health").await;
    assert_eq!(status, 200, "liveness does not depend on the database");
    assert!(took < Duration::from_millis(500));

    database.start_again().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, status) = timed(&app, "/v1/facilities").await;
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {status} after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.get("/ready").await.unwrap().expect(200);
    assert!(app.logs().contains("database reachable again"));
}
