//! Certificate signing end to end: keys on disk and in the database, the signed trust and
//! revocation lists, rotation, and the `keys` and `certs` commands against a running server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use healthbook_domain::certificate::{
    self, CertificateType, Claims, Dcc, EcdsaP256Signer, EnvelopeError, KeyId,
    RevocationListDocument, SignedEnvelope, TrustListDocument, VerifyingKey, hc1,
    verify_revocation_list, verify_trust_list,
};
use healthbook_server::certificates::trust_list::TrustListSigningKey;
use healthbook_tests::{Backend, TestApp, binary};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[allow(clippy::disallowed_methods)] // the test's own clock, to check what the server signed
fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Where a deployment keeps its data: what the `keys` and `certs` commands need.
struct Deployment {
    data_dir: PathBuf,
    database_url: String,
    env: Vec<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl Deployment {
    /// A deployment of its own, with no server running.
    async fn fresh() -> Deployment {
        let dir = tempfile::tempdir().unwrap();
        let backend = Backend::fresh().await.unwrap();
        Deployment {
            data_dir: dir.path().to_owned(),
            database_url: backend.url(dir.path()),
            env: Vec::new(),
            _dir: Some(dir),
        }
    }

    /// The deployment a running test server uses.
    fn of(app: &TestApp) -> Deployment {
        Deployment {
            data_dir: app.data_dir().to_owned(),
            database_url: app.backend().url(app.data_dir()),
            env: Vec::new(),
            _dir: None,
        }
    }

    fn env(mut self, key: &str, value: impl Into<String>) -> Deployment {
        self.env.push((key.to_owned(), value.into()));
        self
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut command = Command::new(binary().unwrap());
        command
            .args(args)
            .current_dir(&self.data_dir)
            .env_remove("HEALTHBOOK_CONFIG")
            .env_remove("REDIS_URL")
            .env("HEALTHBOOK_DATA_DIR", &self.data_dir)
            .env("DATABASE_URL", &self.database_url)
            .env("HEALTHBOOK_LOG_FORMAT", "json");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command.output().unwrap()
    }

    /// Runs a command that must succeed and returns its standard output.
    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "healthbook {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// `certs sign`: the `HC1:` text, checked to be readable by verifiers that insist on
    /// the standard zlib header.
    #[track_caller]
    fn sign(&self, args: &[&str]) -> String {
        let mut all = vec!["certs", "sign"];
        all.extend_from_slice(args);
        let hc1 = self.ok(&all).trim().to_owned();
        assert_strict_verifiers_inflate(&hc1);
        hc1
    }

    fn keys_dir(&self) -> PathBuf {
        self.data_dir.join("keys")
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.data_dir.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

/// The EU reference app core, Corona-Warn-App and common SDKs inflate only a zlib stream with
/// a 32 KiB window: CMF `0x78`, then the FLEVEL byte of one of the four levels.
#[track_caller]
fn assert_strict_verifiers_inflate(hc1_text: &str) {
    let compressed = hc1::base45_decode(hc1::unprefix(hc1_text).unwrap()).unwrap();
    let header = [compressed[0], compressed[1]];
    assert!(
        [[0x78, 0x01], [0x78, 0x5E], [0x78, 0x9C], [0x78, 0xDA]].contains(&header),
        "the zlib stream starts {header:02X?}"
    );
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `role action kid` lines of `keys init` and `keys rotate`.
fn key_lines(output: &str) -> Vec<(String, String, String)> {
    output
        .lines()
        .map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "{line}");
            (parts[0].into(), parts[1].into(), parts[2].into())
        })
        .collect()
}

fn key_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pem"))
        .collect();
    names.sort();
    names
}

fn vaccination_payload() -> Value {
    json!({
        "ver": "1.3.0",
        "nam": {"fn": "Trần", "fnt": "TRAN", "gn": "Bảo Châu", "gnt": "BAO<CHAU"},
        "dob": "2025-11-02",
        "v": [{
            "tg": "14189004", "vp": "J07BD01", "mp": "MVVAC", "ma": "POLYVAC",
            "dn": 1, "sd": 1, "dt": "2026-08-03", "co": "VN", "is": "Bộ Y tế",
            "ci": "URN:UVCI:01:VN:0000000000000000000000000000002A#N"
        }]
    })
}

fn test_payload() -> Value {
    json!({
        "ver": "1.3.0",
        "nam": {"fnt": "NGUYEN", "gnt": "AN"},
        "dob": "1990-04-12",
        "t": [{
            "tg": "840539006", "tt": "LP6464-4", "sc": "2026-11-20T08:00:00Z",
            "tr": "260415000", "tc": "Tram y te", "co": "VN", "is": "Bộ Y tế",
            "ci": "URN:UVCI:01:VN:TEST1#X"
        }]
    })
}

async fn signing_key(app: &TestApp) -> (TrustListSigningKey, VerifyingKey) {
    let reply = app.get("/v1/trust-list/signing-key").await.unwrap();
    reply.expect(200);
    let published: TrustListSigningKey = serde_json::from_str(&reply.text).unwrap();
    let key = published.verifying_key().unwrap();
    (published, key)
}

async fn trust_list(app: &TestApp) -> (String, SignedEnvelope) {
    let reply = app.get("/v1/trust-list").await.unwrap();
    reply.expect(200);
    (
        reply.text.clone(),
        serde_json::from_str(&reply.text).unwrap(),
    )
}

async fn trust_list_document(app: &TestApp) -> TrustListDocument {
    let (_, key) = signing_key(app).await;
    let (_, envelope) = trust_list(app).await;
    verify_trust_list(&envelope, &key, None, now())
        .unwrap()
        .document
}

/// The `--json` report of `certs verify`.
fn verify_json(deployment: &Deployment, args: &[&str]) -> (bool, Value) {
    let mut all = vec!["certs", "verify", "--json"];
    all.extend_from_slice(args);
    let output = deployment.run(&all);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON report from {all:?}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(&output)
        )
    });
    (output.status.success(), report)
}

#[tokio::test]
async fn keys_init_is_idempotent_and_keeps_private_keys_private() {
    let deployment = Deployment::fresh().await;
    let first = key_lines(&deployment.ok(&["keys", "init"]));
    let roles: Vec<(&str, &str)> = first
        .iter()
        .map(|(role, action, _)| (role.as_str(), action.as_str()))
        .collect();
    assert_eq!(
        roles,
        [
            ("csca", "generated"),
            ("trust_list", "generated"),
            ("dsc", "generated")
        ]
    );
    let files = key_files(&deployment.keys_dir());
    assert_eq!(files.len(), 6, "{files:?}");

    let second = key_lines(&deployment.ok(&["keys", "init"]));
    assert!(
        second.iter().all(|(_, action, _)| action == "kept"),
        "{second:?}"
    );
    let kids = |lines: &[(String, String, String)]| {
        let mut kids: Vec<String> = lines.iter().map(|(_, _, kid)| kid.clone()).collect();
        kids.sort();
        kids
    };
    assert_eq!(kids(&first), kids(&second));
    assert_eq!(key_files(&deployment.keys_dir()), files);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&deployment.keys_dir()), 0o700);
        for name in files.iter().filter(|name| name.ends_with(".key.pem")) {
            assert_eq!(
                mode(&deployment.keys_dir().join(name)),
                0o600,
                "{name} is readable by others"
            );
            let text = std::fs::read_to_string(deployment.keys_dir().join(name)).unwrap();
            assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"), "{name}");
        }
    }
}

#[tokio::test]
async fn the_trust_list_is_signed_by_the_pinned_key_and_lists_the_document_signer() {
    let app = TestApp::spawn().await.unwrap();
    let (published, key) = signing_key(&app).await;
    assert_eq!(published.alg, "ES256");
    let from_pem = VerifyingKey::from_certificate_der(&pem_der(&published.certificate_pem));
    assert_eq!(from_pem.unwrap(), key);
    let on_disk = app
        .data_dir()
        .join("keys")
        .join(format!("trust-list-{}.crt.pem", hex_of(&published.kid)));
    assert!(on_disk.is_file(), "{on_disk:?}");

    let reply = app.get("/v1/trust-list").await.unwrap();
    reply.expect(200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("etag"), Some("\"trust-list-v1\""));
    assert!(
        reply
            .header("cache-control")
            .is_some_and(|value| value.contains("max-age=")),
        "{:?}",
        reply.headers
    );
    let envelope: SignedEnvelope = serde_json::from_str(&reply.text).unwrap();
    let opened = verify_trust_list(&envelope, &key, None, now()).unwrap();
    assert!(!opened.stale);
    let document = opened.document;
    assert_eq!(document.version, 1);
    assert_eq!(document.max_age_seconds, 7 * 24 * 3600);
    assert_eq!(document.entries.len(), 1);
    let entry = &document.entries[0];
    assert_eq!(entry.allowed_uses, vec![CertificateType::Vaccination]);
    assert_eq!(entry.country, "VN");
    assert_eq!(
        (entry.not_after - entry.not_before).num_days(),
        731,
        "a DSC is valid two years"
    );
    let loaded = document.trust_store();
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    assert_eq!(loaded.store.len(), 1);

    // The caller's copy is current: 304, no body, the same validators.
    let cached = app
        .request(reqwest::Method::GET, "/v1/trust-list")
        .header("if-none-match", "\"trust-list-v1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
    assert_eq!(
        cached.headers().get("etag").unwrap().to_str().unwrap(),
        "\"trust-list-v1\""
    );
    assert!(cached.headers().contains_key("cache-control"));
    assert!(cached.bytes().await.unwrap().is_empty());
    let stale_copy = app
        .request(reqwest::Method::GET, "/v1/trust-list")
        .header("if-none-match", "\"trust-list-v0\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale_copy.status(), 200);
}

fn pem_der(pem: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cert.pem");
    std::fs::write(&path, pem).unwrap();
    healthbook_server::certificates::keys::read_certificate_pem(&path).unwrap()
}

#[tokio::test]
async fn the_revocation_list_is_signed_versioned_and_empty() {
    let app = TestApp::spawn().await.unwrap();
    let (_, key) = signing_key(&app).await;
    let reply = app.get("/v1/revocations").await.unwrap();
    reply.expect(200);
    assert_eq!(reply.header("etag"), Some("\"revocations-v1\""));
    assert_eq!(reply.header("cache-control"), Some("public, max-age=300"));
    let envelope: SignedEnvelope = serde_json::from_str(&reply.text).unwrap();
    let opened = verify_revocation_list(&envelope, &key, None, now()).unwrap();
    let document: RevocationListDocument = opened.document;
    assert_eq!(document.version, 1);
    assert_eq!(document.max_age_seconds, 24 * 3600);
    assert!(document.entries.is_empty());
    let cached = app
        .request(reqwest::Method::GET, "/v1/revocations")
        .header("if-none-match", "W/\"revocations-v1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
}

#[tokio::test]
async fn the_trust_list_version_only_grows_across_processes_rotation_and_restarts() {
    let first = TestApp::spawn().await.unwrap();
    let second = TestApp::builder()
        .sharing_with(&first)
        .spawn()
        .await
        .unwrap();
    let (_, key) = signing_key(&first).await;
    let (body_1, envelope_1) = trust_list(&first).await;
    // Both processes serve the same bytes for one version.
    assert_eq!(trust_list(&second).await.0, body_1);
    let v1 = verify_trust_list(&envelope_1, &key, None, now())
        .unwrap()
        .document
        .version;

    let rotated = key_lines(&Deployment::of(&first).ok(&["keys", "rotate"]));
    assert!(
        rotated
            .iter()
            .any(|(role, action, _)| role == "dsc" && action == "retired")
    );

    let (body_2, envelope_2) = trust_list(&second).await;
    assert_eq!(trust_list(&first).await.0, body_2);
    let document_2 = verify_trust_list(&envelope_2, &key, Some(v1), now())
        .unwrap()
        .document;
    assert!(document_2.version > v1);
    assert_eq!(document_2.entries.len(), 2);
    // A phone that holds version 2 refuses version 1: no rollback.
    assert_eq!(
        verify_trust_list(&envelope_1, &key, Some(document_2.version), now()),
        Err(EnvelopeError::Rollback {
            seen: document_2.version,
            offered: v1
        })
    );

    // A restart keeps the version (nothing changed)...
    drop(first);
    let third = TestApp::builder()
        .sharing_with(&second)
        .spawn()
        .await
        .unwrap();
    assert_eq!(trust_list(&third).await.0, body_2);
    // ...and four days later (past half the seven-day maximum age) it is republished.
    let later = TestApp::builder()
        .sharing_with(&second)
        .env("HEALTHBOOK_CLOCK_OFFSET", (4 * 24 * 3600).to_string())
        .spawn()
        .await
        .unwrap();
    let (body_3, envelope_3) = trust_list(&later).await;
    let document_3 = verify_trust_list(&envelope_3, &key, Some(document_2.version), now())
        .unwrap()
        .document;
    assert!(document_3.version > document_2.version);
    assert_eq!(document_3.entries, document_2.entries);
    // The processes on today's clock serve the newer version too, never the older one.
    assert_eq!(trust_list(&third).await.0, body_3);
}

#[tokio::test]
async fn signed_certificates_verify_against_the_server_a_trust_list_file_and_their_qr_code() {
    let app = TestApp::spawn().await.unwrap();
    let deployment = Deployment::of(&app);
    let payload = deployment.write("dcc.json", vaccination_payload().to_string());
    let hc1 = deployment.sign(&[&payload]);
    assert!(hc1.starts_with("HC1:"), "{hc1}");

    let (valid, report) = verify_json(&deployment, &[&hc1, "--server", &app.base_url]);
    assert!(valid, "{report:#}");
    assert_eq!(report["valid"], true);
    assert_eq!(report["certificate_type"], "vaccination");
    assert_eq!(report["issuer"], "VN");
    assert_eq!(report["dcc"], vaccination_payload());
    assert_eq!(report["trust_list"]["pinned"], false);
    let document = trust_list_document(&app).await;
    assert_eq!(report["kid"], document.entries[0].kid.to_base64());

    // Offline: a saved trust list, checked with the pinned key (its JSON or its PEM).
    let (body, _) = trust_list(&app).await;
    let list = deployment.write("trust-list.json", &body);
    let (published, _) = signing_key(&app).await;
    let pin_json = deployment.write("pin.json", serde_json::to_string(&published).unwrap());
    let pin_pem = deployment.write("pin.pem", &published.certificate_pem);
    for pin in [&pin_json, &pin_pem] {
        let (valid, report) =
            verify_json(&deployment, &[&hc1, "--trust-list", &list, "--pin", pin]);
        assert!(valid, "{report:#}");
        assert_eq!(report["trust_list"]["pinned"], true);
        assert_eq!(report["trust_list"]["version"], 1);
    }

    // The QR code, rendered as PNG and SVG, reads back to the same text.
    let png = deployment.data_dir.join("certificate.png");
    let svg = deployment.data_dir.join("certificate.svg");
    deployment.ok(&[
        "certs",
        "qr",
        &hc1,
        "--png",
        png.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    let (valid, report) = verify_json(
        &deployment,
        &[
            png.to_str().unwrap(),
            "--trust-list",
            &list,
            "--pin",
            &pin_json,
        ],
    );
    assert!(valid, "{report:#}");
    assert_eq!(report["text"], hc1.as_str());

    // Another deployment's trust-list key does not open this trust list.
    let stranger = Deployment::fresh().await;
    stranger.ok(&["keys", "init"]);
    let stranger_cert = key_files(&stranger.keys_dir())
        .into_iter()
        .find(|name| name.starts_with("trust-list-") && name.ends_with(".crt.pem"))
        .unwrap();
    let output = deployment.run(&[
        "certs",
        "verify",
        &hc1,
        "--trust-list",
        &list,
        "--pin",
        stranger.keys_dir().join(stranger_cert).to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("the trust list does not verify"),
        "{}",
        stderr(&output)
    );

    // A certificate signed by another deployment is not trusted here.
    let foreign_payload = stranger.write("dcc.json", vaccination_payload().to_string());
    let foreign = stranger.sign(&[&foreign_payload]);
    let (valid, report) = verify_json(&deployment, &[&foreign, "--server", &app.base_url]);
    assert!(!valid);
    assert_eq!(report["code"], "certificate_unknown_key_id");
    assert_eq!(report["dcc"], vaccination_payload());
}

#[tokio::test]
async fn rotation_keeps_old_certificates_verifiable_and_signs_new_ones_with_the_new_signer() {
    let app = TestApp::spawn().await.unwrap();
    let deployment = Deployment::of(&app);
    let payload = deployment.write("dcc.json", vaccination_payload().to_string());
    let before = deployment.sign(&[&payload]);
    let (_, report_before) = verify_json(&deployment, &[&before, "--server", &app.base_url]);
    let old_kid = report_before["kid"].as_str().unwrap().to_owned();

    let rotated = key_lines(&deployment.ok(&["keys", "rotate"]));
    assert!(rotated.contains(&("dsc".into(), "retired".into(), old_kid.clone())));
    let new_kid = rotated
        .iter()
        .find(|(role, action, _)| role == "dsc" && action == "generated")
        .map(|(_, _, kid)| kid.clone())
        .unwrap();
    assert_ne!(new_kid, old_kid);

    let after = deployment.sign(&[&payload]);
    let (valid, report_after) = verify_json(&deployment, &[&after, "--server", &app.base_url]);
    assert!(valid, "{report_after:#}");
    assert_eq!(report_after["kid"], new_kid.as_str());
    let (valid, report_before) = verify_json(&deployment, &[&before, "--server", &app.base_url]);
    assert!(
        valid,
        "the old certificate no longer verifies: {report_before:#}"
    );
    assert_eq!(report_before["kid"], old_kid.as_str());

    let mut kids: Vec<String> = trust_list_document(&app)
        .await
        .entries
        .iter()
        .map(|entry| entry.kid.to_base64())
        .collect();
    kids.sort();
    let mut expected = vec![old_kid.clone(), new_kid.clone()];
    expected.sort();
    // The trust list is a set: both signers, in no particular order.
    assert_eq!(kids, expected);
    let shown = deployment.ok(&["keys", "show"]);
    let status = |kid: &str| {
        shown
            .lines()
            .find(|line| line.contains(kid))
            .and_then(|line| line.split_whitespace().nth(1))
            .unwrap()
            .to_owned()
    };
    assert_eq!(status(&old_kid), "retired");
    assert_eq!(status(&new_kid), "active");
}

#[tokio::test]
async fn a_signer_refuses_certificates_that_outlive_it_or_that_its_key_usage_forbids() {
    let deployment = Deployment::fresh().await;
    deployment.ok(&["keys", "init"]);
    let payload = deployment.write("dcc.json", vaccination_payload().to_string());
    let output = deployment.run(&[
        "certs",
        "sign",
        &payload,
        "--expires-at",
        "2100-01-01T00:00:00Z",
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("after its signer's certificate"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
    let output = deployment.run(&["certs", "sign", &payload, "--valid-days", "1000"]);
    assert!(
        !output.status.success(),
        "a DSC lives two years, not 1000 days"
    );

    let test = deployment.write("test.json", test_payload().to_string());
    let output = deployment.run(&["certs", "sign", &test]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("may not sign Test certificates"),
        "{}",
        stderr(&output)
    );

    // A DSC whose extended key usage includes tests signs them.
    deployment.ok(&["keys", "rotate", "--uses", "test,vaccination"]);
    let hc1 = deployment.sign(&[&test]);
    assert!(hc1.starts_with("HC1:"));

    // A payload that breaks the DCC schema is refused before anything is signed.
    let mut broken = vaccination_payload();
    broken["nam"]["fnt"] = json!("Tran");
    let broken = deployment.write("broken.json", broken.to_string());
    let output = deployment.run(&["certs", "sign", &broken]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("schema"), "{}", stderr(&output));
}

#[tokio::test]
async fn a_server_started_after_the_signers_key_usage_period_rotates_it() {
    let first = TestApp::spawn().await.unwrap();
    let before = trust_list_document(&first).await;
    assert_eq!(before.entries.len(), 1);
    let seven_months = 7 * 31 * 24 * 3600;
    let later = TestApp::builder()
        .sharing_with(&first)
        .env("HEALTHBOOK_CLOCK_OFFSET", seven_months.to_string())
        .spawn()
        .await
        .unwrap();
    let (_, envelope) = trust_list(&later).await;
    let (_, key) = signing_key(&later).await;
    let after = verify_trust_list(
        &envelope,
        &key,
        Some(before.version),
        now() + chrono::Duration::seconds(seven_months),
    )
    .unwrap()
    .document;
    assert_eq!(after.entries.len(), 2, "the old DSC stays, a new one signs");
    assert_eq!(after.entries[0], before.entries[0]);
    assert!(
        later.logs().contains("key usage period is over"),
        "{}",
        later.logs()
    );
}

#[tokio::test]
async fn configured_pem_keys_replace_generated_ones() {
    let authority = Deployment::fresh().await;
    authority.ok(&["keys", "init"]);
    let files = key_files(&authority.keys_dir());
    let path = |prefix: &str, suffix: &str| {
        let name = files
            .iter()
            .find(|name| name.starts_with(prefix) && name.ends_with(suffix))
            .unwrap();
        authority.keys_dir().join(name).to_str().unwrap().to_owned()
    };
    let app = TestApp::builder()
        .env("HEALTHBOOK_CSCA_CERT", path("csca-", ".crt.pem"))
        .env("HEALTHBOOK_DSC_CERT", path("dsc-", ".crt.pem"))
        .env("HEALTHBOOK_DSC_KEY", path("dsc-", ".key.pem"))
        .env(
            "HEALTHBOOK_TRUST_LIST_CERT",
            path("trust-list-", ".crt.pem"),
        )
        .env("HEALTHBOOK_TRUST_LIST_KEY", path("trust-list-", ".key.pem"))
        .spawn()
        .await
        .unwrap();
    let document = trust_list_document(&app).await;
    assert_eq!(document.entries.len(), 1);
    let dsc_file = files.iter().find(|name| name.starts_with("dsc-")).unwrap();
    assert_eq!(
        format!(
            "dsc-{}.crt.pem",
            hex_of(&document.entries[0].kid.to_base64())
        ),
        *dsc_file
    );
    assert!(
        !app.data_dir().join("keys").exists() || key_files(&app.data_dir().join("keys")).is_empty(),
        "nothing may be generated when keys are configured"
    );

    let deployment = Deployment::of(&app)
        .env("HEALTHBOOK_CSCA_CERT", path("csca-", ".crt.pem"))
        .env("HEALTHBOOK_DSC_CERT", path("dsc-", ".crt.pem"))
        .env("HEALTHBOOK_DSC_KEY", path("dsc-", ".key.pem"))
        .env(
            "HEALTHBOOK_TRUST_LIST_CERT",
            path("trust-list-", ".crt.pem"),
        )
        .env("HEALTHBOOK_TRUST_LIST_KEY", path("trust-list-", ".key.pem"));
    let payload = deployment.write("dcc.json", vaccination_payload().to_string());
    let hc1 = deployment.sign(&[&payload]);
    let (valid, report) = verify_json(&deployment, &[&hc1, "--server", &app.base_url]);
    assert!(valid, "{report:#}");
    let output = deployment.run(&["keys", "rotate"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("configured as PEM files"),
        "{}",
        stderr(&output)
    );

    // A DSC key that does not belong to its certificate is refused at start.
    let output = deployment
        .env("HEALTHBOOK_DSC_KEY", path("trust-list-", ".key.pem"))
        .run(&["keys", "init"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("does not belong"),
        "{}",
        stderr(&output)
    );
}

/// The hex file-name form of a base64 kid.
fn hex_of(kid: &str) -> String {
    healthbook_domain::certificate::KeyId::from_base64(kid)
        .unwrap()
        .as_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A document signer of another country, made here as its health authority would: a P-256
/// DSC, and the signer that issues certificates with it.
struct ForeignSigner {
    der: Vec<u8>,
    pem: String,
    signer: EcdsaP256Signer,
}

impl ForeignSigner {
    fn new(country: &str) -> ForeignSigner {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let certificate = dsc_certificate(country, &key);
        let der = certificate.der().to_vec();
        ForeignSigner {
            signer: EcdsaP256Signer::from_pkcs8(&key.serialize_der(), &der).unwrap(),
            pem: certificate.pem(),
            der,
        }
    }

    fn kid(&self) -> String {
        KeyId::from_certificate_der(&self.der).to_base64()
    }

    /// A vaccination certificate issued by this signer's country, valid now.
    fn issue(&self, country: &str) -> String {
        let mut payload = vaccination_payload();
        payload["v"][0]["co"] = country.into();
        let claims = Claims {
            issuer: country.into(),
            issued_at: now() - chrono::Duration::days(1),
            expires_at: now() + chrono::Duration::days(365),
            dcc: Dcc::from_json(payload).unwrap(),
        };
        certificate::encode(&claims, &self.signer).unwrap()
    }

    /// This DSC as an entry of the DCC gateway's `GET /trustList/DSC`.
    fn gateway_entry(&self, country: &str) -> Value {
        gateway_entry(&self.der, country)
    }
}

fn dsc_certificate(country: &str, key: &rcgen::KeyPair) -> rcgen::Certificate {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CountryName, country);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("{country} DGC DSC 1"));
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2100, 1, 1);
    params.self_signed(key).unwrap()
}

fn gateway_entry(der: &[u8], country: &str) -> Value {
    let thumbprint: String = Sha256::digest(der)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    json!({
        "kid": KeyId::from_certificate_der(der).to_base64(),
        "timestamp": "2026-05-03T10:11:12.000Z",
        "country": country,
        "certificateType": "DSC",
        "thumbprint": thumbprint,
        "signature": "MIAGCSqGSIb3DQEHAqCAMIACAQExDTALBglghkgBZQMEAgEw",
        "rawData": STANDARD.encode(der),
    })
}

#[tokio::test]
async fn foreign_certificates_verify_against_a_bare_signer_or_a_list_of_signers() {
    let deployment = Deployment::fresh().await;
    let german = ForeignSigner::new("DE");
    let hc1 = german.issue("DE");
    let der = deployment.write("de-dsc.der", &german.der);
    let pem = deployment.write("de-dsc.pem", &german.pem);
    for signer in [&der, &pem] {
        let (valid, report) = verify_json(&deployment, &[&hc1, "--signer", signer]);
        assert!(valid, "{report:#}");
        assert_eq!(report["issuer"], "DE");
        assert_eq!(report["kid"], german.kid().as_str());
        assert_eq!(report["trust_list"]["format"], "certificate");
        assert_eq!(report["trust_list"]["signers"], 1);
        assert_eq!(report["trust_list"]["version"], Value::Null);
        assert_eq!(report["trust_list"]["pinned"], false);
    }

    // The gateway's download, with what a verifier must leave out: a CSCA, a P-384 DSC, an
    // entry whose kid is not its certificate's.
    let mut csca = ForeignSigner::new("FR").gateway_entry("FR");
    csca["certificateType"] = "CSCA".into();
    // A DSC with a P-384 key, as some published test material lists under ES256.
    let p384_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let p384 = dsc_certificate("DE", &p384_key).der().to_vec();
    let mut wrong_kid = ForeignSigner::new("AT").gateway_entry("AT");
    wrong_kid["kid"] = german.kid().into();
    let french = ForeignSigner::new("FR");
    let gateway = json!([
        csca,
        gateway_entry(&p384, "DE"),
        german.gateway_entry("DE"),
        wrong_kid,
        french.gateway_entry("FR"),
    ]);
    let gateway = deployment.write("trustlist-dsc.json", gateway.to_string());
    for (text, country) in [(&hc1, "DE"), (&french.issue("FR"), "FR")] {
        let (valid, report) = verify_json(&deployment, &[text, "--dsc-list", &gateway]);
        assert!(valid, "{report:#}");
        assert_eq!(report["issuer"], country);
        assert_eq!(report["trust_list"]["format"], "dcc-gateway");
        assert_eq!(report["trust_list"]["signers"], 2);
        let skipped: Vec<(u64, &str, &str)> = report["trust_list"]["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                (
                    entry["index"].as_u64().unwrap(),
                    entry["code"].as_str().unwrap(),
                    entry["country"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            skipped,
            vec![
                (0, "trust_entry_not_a_signer", "FR"),
                (1, "trust_entry_unsupported_key", "DE"),
                (3, "trust_entry_kid_mismatch", "AT"),
            ]
        );
    }
    // The text report names what was skipped and says that nothing vouched for the list.
    let text = deployment.ok(&["certs", "verify", &hc1, "--dsc-list", &gateway]);
    assert!(text.contains("Certificate: VALID"), "{text}");
    assert!(text.contains("2 signer(s) from"), "{text}");
    assert!(text.contains("no signature checked"), "{text}");
    assert!(
        text.contains(&format!(
            "entry 1 (kid {}, DE): trust_entry_unsupported_key",
            KeyId::from_certificate_der(&p384)
        )),
        "{text}"
    );

    // A national backend's form, after its signature line, and a list keyed by kid.
    let national = format!(
        "MEUCIQCa8Wb2o1F4bq3G6bq0i7Zb6d3rYvPz2xQ0pQmX2p7L1QIgB8p==\n{}",
        json!({"certificates": [german.gateway_entry("DE")]})
    );
    let national = deployment.write("dscs.txt", national);
    let keyed = json!({ german.kid(): STANDARD.encode(&german.der) });
    let keyed = deployment.write("keys.json", keyed.to_string());
    for (list, format) in [(&national, "certificates"), (&keyed, "keyed-by-kid")] {
        let (valid, report) = verify_json(&deployment, &[&hc1, "--dsc-list", list]);
        assert!(valid, "{report:#}");
        assert_eq!(report["trust_list"]["format"], format);
    }

    // Our own certificate is of an unknown issuer under a foreign list.
    deployment.ok(&["keys", "init"]);
    let payload = deployment.write("dcc.json", vaccination_payload().to_string());
    let ours = deployment.sign(&[&payload]);
    let (valid, report) = verify_json(&deployment, &[&ours, "--dsc-list", &gateway]);
    assert!(!valid);
    assert_eq!(report["code"], "certificate_unknown_key_id");
}

#[tokio::test]
async fn the_wrong_kind_of_trust_file_is_refused_with_the_option_that_takes_it() {
    let deployment = Deployment::fresh().await;
    let german = ForeignSigner::new("DE");
    let hc1 = german.issue("DE");
    let gateway = deployment.write(
        "trustlist.json",
        json!([german.gateway_entry("DE")]).to_string(),
    );
    let envelope = deployment.write(
        "trust-list.json",
        json!({"payload": "e30", "kid": "AAAAAAAAAAA=", "alg": "ES256", "signature": "AA"})
            .to_string(),
    );
    let pin = deployment.write("pin.pem", &german.pem);

    let output = deployment.run(&[
        "certs",
        "verify",
        &hc1,
        "--trust-list",
        &gateway,
        "--pin",
        &pin,
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("--dsc-list"),
        "{}",
        stderr(&output)
    );

    let output = deployment.run(&["certs", "verify", &hc1, "--dsc-list", &envelope]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("give it with --trust-list and --pin"),
        "{}",
        stderr(&output)
    );

    let output = deployment.run(&["certs", "verify", &hc1, "--signer", &gateway]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no certificate"),
        "{}",
        stderr(&output)
    );

    // A pin means a signed list; foreign signers have none to check.
    let output = deployment.run(&["certs", "verify", &hc1, "--signer", &pin, "--pin", &pin]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));

    let help = deployment.ok(&["certs", "verify", "--help"]);
    for option in [
        "--signer",
        "--dsc-list",
        "--trust-list",
        "--server",
        "--pin",
    ] {
        assert!(help.contains(option), "--help lacks {option}");
    }
}

/// The EU conformance vectors' certificates (the repository's copy, `domain/tests/conformance`),
/// each checked at its own validation clock.
fn conformance_vector(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../domain/tests/conformance/dcc")
        .join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn public_test_certificates_verify_against_their_signer_or_a_gateway_list_of_signers() {
    let deployment = Deployment::fresh().await;
    let vectors: Vec<(&str, Value)> = [
        "DE/2DCode/raw/1.json",
        "SE/2DCode/raw/2.json",
        "IT/2DCode/raw/2.json",
    ]
    .into_iter()
    .map(|file| (file, conformance_vector(file)))
    .collect();
    let signer_der = |vector: &Value| {
        STANDARD
            .decode(vector["TESTCTX"]["CERTIFICATE"].as_str().unwrap())
            .unwrap()
    };
    let entries: Vec<Value> = vectors
        .iter()
        .map(|(file, vector)| gateway_entry(&signer_der(vector), &file[..2]))
        .collect();
    let gateway = deployment.write("vectors-gateway.json", Value::Array(entries).to_string());

    for (file, vector) in &vectors {
        let clock =
            DateTime::parse_from_rfc3339(vector["TESTCTX"]["VALIDATIONCLOCK"].as_str().unwrap())
                .unwrap()
                .with_timezone(&Utc);
        // The vectors' signers expired in 2021-2022: the command runs at the vector's clock.
        let at_clock = Deployment {
            data_dir: deployment.data_dir.clone(),
            database_url: deployment.database_url.clone(),
            env: vec![(
                "HEALTHBOOK_CLOCK_OFFSET".into(),
                (clock - now()).num_seconds().to_string(),
            )],
            _dir: None,
        };
        let prefix = vector["PREFIX"].as_str().unwrap();
        let der = at_clock.write(&format!("{}.der", &file[..2]), signer_der(vector));
        for trust in [["--signer", der.as_str()], ["--dsc-list", gateway.as_str()]] {
            let (valid, report) = verify_json(&at_clock, &[prefix, trust[0], trust[1]]);
            assert!(valid, "{file} with {trust:?}: {report:#}");
            assert_eq!(report["dcc"], vector["JSON"], "{file}");
        }
    }
}
