//! Certificates against the real server: the lists fetched, pinned and kept; then, with the
//! server stopped, certificates signed by its command line verified offline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use healthbook_core::{CertificateError, CommonError, VerificationOutcome};
use healthbook_tests::TestApp;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use support::{MemoryTokens, client};

/// A second COVID-19 dose in DCC 1.3 JSON, as an issuing system would hand it to the signer.
const DCC: &str = r#"{
  "ver": "1.3.0",
  "nam": {"fn": "Trần", "fnt": "TRAN", "gn": "Thị Lan", "gnt": "THI<LAN"},
  "dob": "1990-05-17",
  "v": [{"tg": "840539006", "vp": "J07BN01", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
         "dn": 2, "sd": 2, "dt": "2026-05-30", "co": "VN", "is": "Bộ Y tế",
         "ci": "URN:UVCI:01:VN:7F3A9C20B1D44E0FA2C3B4D5E6F70812#Q"}]
}"#;

/// `healthbook certs sign` against a data directory (and its database, when given).
fn sign(data_dir: &Path, database_url: Option<&str>) -> String {
    let payload = data_dir.join("dcc.json");
    std::fs::write(&payload, DCC).unwrap();
    let mut command = Command::new(healthbook_tests::binary().unwrap());
    command
        .args(["certs", "sign"])
        .arg(&payload)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("HEALTHBOOK_CONFIG")
        .env_remove("REDIS_URL");
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "certs sign failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert!(text.starts_with("HC1:"), "{text}");
    text
}

/// Another deployment's keys: a data directory of its own, `keys init`, and a signature.
fn sign_elsewhere(dir: &Path) -> String {
    let status = Command::new(healthbook_tests::binary().unwrap())
        .args(["keys", "init", "--data-dir"])
        .arg(dir)
        .env_remove("HEALTHBOOK_CONFIG")
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    sign(dir, None)
}

#[tokio::test]
async fn certificates_of_the_server_verify_offline_once_its_lists_are_held() {
    let mut app = TestApp::spawn().await.unwrap();
    let ours = sign(app.data_dir(), Some(&app.backend().url(app.data_dir())));
    let elsewhere = tempfile::tempdir().unwrap();
    let theirs = sign_elsewhere(elsewhere.path());

    let dir = tempfile::tempdir().unwrap();
    let phone = client(&app.base_url, dir.path(), Arc::new(MemoryTokens::default()));
    let certificates = phone.certificates();
    assert!(matches!(
        certificates.refresh().await,
        Err(CertificateError::NoPinnedKey)
    ));
    // Fetched from the server it protects only because this is a test: apps ship the key.
    let pin = app.get("/v1/trust-list/signing-key").await.unwrap().text;
    certificates.set_trust_list_key(pin).await.unwrap();

    let first = certificates.refresh().await.unwrap();
    assert!(first.trust_list_updated && first.revocations_updated);
    assert!(first.lists.trust_list_version.is_some());
    assert!(!first.lists.stale);
    let second = certificates.refresh().await.unwrap();
    assert!(
        !second.trust_list_updated && !second.revocations_updated,
        "an unchanged list costs a 304"
    );
    assert_eq!(
        second.lists.trust_list_version,
        first.lists.trust_list_version
    );

    app.terminate().await.unwrap();
    assert!(matches!(
        certificates.refresh().await,
        Err(CertificateError::Common {
            error: CommonError::Offline
        })
    ));

    let valid = certificates.verify(ours.clone()).await.unwrap();
    assert_eq!(valid.outcome, VerificationOutcome::Valid);
    let details = valid.details.unwrap();
    assert_eq!(details.holder_name, "Trần Thị Lan");
    assert_eq!(details.issuer_country.as_deref(), Some("VN"));
    assert!(details.expires_at > details.issued_at);

    // One Base45 character changed in the middle of the text.
    let middle = ours.len() / 2;
    let replacement = if &ours[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{replacement}{}", &ours[..middle], &ours[middle + 1..]);
    let check = certificates.verify(tampered).await.unwrap();
    assert!(
        matches!(&check.outcome, VerificationOutcome::Invalid { code, message }
            if code.starts_with("certificate_") && !message.is_empty()),
        "{:?}",
        check.outcome
    );

    let stranger = certificates.verify(theirs).await.unwrap();
    assert_eq!(stranger.outcome, VerificationOutcome::UnknownIssuer);

    // Kept on the phone, it reads the same after the app restarts.
    certificates.save(ours.clone()).await.unwrap();
    drop(phone);
    let restarted = client(
        "http://127.0.0.1:9",
        dir.path(),
        Arc::new(MemoryTokens::default()),
    );
    let saved = restarted.certificates().saved().await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].check.outcome, VerificationOutcome::Valid);
}
