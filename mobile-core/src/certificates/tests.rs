//! Offline verification through the sub-client, over lists signed here with keys made here:
//! no server, a fixed clock.

use super::*;
use crate::client::{ClientConfig, HealthBookClient};
use crate::clock::FixedClock;
use crate::session::tests::MemoryTokens;
use crate::store::{MemoryKeyVault, Store, StoredList};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use healthbook_domain::certificate::revocation::{RevocationHashType, RevocationListEntry};
use healthbook_domain::certificate::{
    Claims, EcdsaP256Signer, Event, KeyId, PersonName, RevocationListDocument, TrustListDocument,
    TrustListEntry, TrustStore, VaccinationEntry, hc1, revocation_hashes, sign_revocation_list,
    sign_trust_list,
};
use std::path::Path;

struct Key {
    der: Vec<u8>,
    signer: EcdsaP256Signer,
}

fn key() -> Key {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CountryName, "VN");
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2100, 1, 1);
    let der = params.self_signed(&pair).unwrap().der().to_vec();
    let signer = EcdsaP256Signer::from_pkcs8(&pair.serialize_der(), &der).unwrap();
    Key { der, signer }
}

fn pem(der: &[u8]) -> String {
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        STANDARD.encode(der)
    )
}

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 8, 0, 0).unwrap()
}

/// Lan's second COVID-19 dose, issued on 1 June 2026 for a year.
fn claims() -> Claims {
    Claims {
        issuer: "VN".into(),
        issued_at: at(2026, 6, 1),
        expires_at: at(2027, 6, 1),
        dcc: Dcc {
            ver: "1.3.0".into(),
            nam: PersonName {
                r#fn: Some("Trần".into()),
                fnt: "TRAN".into(),
                gn: Some("Thị Lan".into()),
                gnt: Some("THI<LAN".into()),
            },
            dob: "1990-05-17".into(),
            event: Event::Vaccination(VaccinationEntry {
                tg: "840539006".into(),
                vp: "J07BN01".into(),
                mp: "EU/1/20/1528".into(),
                ma: "ORG-100030215".into(),
                dn: 2,
                sd: 2,
                dt: NaiveDate::from_ymd_opt(2026, 5, 30).unwrap(),
                co: "VN".into(),
                is: "Bộ Y tế".into(),
                ci: "URN:UVCI:01:VN:7F3A9C20B1D44E0FA2C3B4D5E6F70812#Q".into(),
            }),
        },
    }
}

struct Deployment {
    list_signer: Key,
    dsc: Key,
}

impl Deployment {
    fn new() -> Deployment {
        Deployment {
            list_signer: key(),
            dsc: key(),
        }
    }

    fn issue(&self) -> String {
        certificate::encode(&claims(), &self.dsc.signer).unwrap()
    }

    fn trust_list(&self, version: u64, issued_at: DateTime<Utc>) -> StoredList {
        self.trust_list_with(version, issued_at, Vec::new())
    }

    /// The trust list naming this deployment's DSC after `others`.
    fn trust_list_with(
        &self,
        version: u64,
        issued_at: DateTime<Utc>,
        others: Vec<TrustListEntry>,
    ) -> StoredList {
        let mut entries = others;
        entries.push(TrustListEntry::from_certificate_der(&self.dsc.der, "VN").unwrap());
        let document = TrustListDocument {
            version,
            issued_at,
            max_age_seconds: 7 * 24 * 3600,
            entries,
            unreadable_entries: Vec::new(),
        };
        let envelope = sign_trust_list(&document, &self.list_signer.signer).unwrap();
        stored(version, issued_at, &envelope)
    }

    fn revocations(&self, version: u64, revoked: &[&str]) -> StoredList {
        let trust = TrustStore::from_certificates([self.dsc.der.as_slice()]).unwrap();
        let entries = revoked
            .iter()
            .map(|hc1| {
                let verified = certificate::verify(hc1, &trust, at(2026, 7, 1)).unwrap();
                RevocationListEntry {
                    hash_type: RevocationHashType::Uci,
                    hash: revocation_hashes(&verified).uci,
                }
            })
            .collect();
        let document = RevocationListDocument {
            version,
            issued_at: at(2026, 7, 1),
            max_age_seconds: 24 * 3600,
            entries,
        };
        let envelope = sign_revocation_list(&document, &self.list_signer.signer).unwrap();
        stored(version, at(2026, 7, 1), &envelope)
    }
}

fn stored(
    version: u64,
    issued_at: DateTime<Utc>,
    envelope: &certificate::SignedEnvelope,
) -> StoredList {
    StoredList {
        version,
        issued_at,
        max_age_seconds: 7 * 24 * 3600,
        etag: Some(format!("\"v{version}\"")),
        envelope: serde_json::to_string(envelope).unwrap(),
        fetched_at: issued_at,
    }
}

fn client(dir: &Path, now: DateTime<Utc>) -> Arc<HealthBookClient> {
    // Nothing listens there: these tests never touch the network.
    client_of("http://127.0.0.1:9", dir, now)
}

fn client_of(base_url: &str, dir: &Path, now: DateTime<Utc>) -> Arc<HealthBookClient> {
    let store = store(dir);
    HealthBookClient::assemble(
        ClientConfig {
            base_url: base_url.into(),
            store_path: String::new(),
            lang: Lang::En,
            device_name: None,
        },
        Arc::new(MemoryTokens::default()),
        store,
        Arc::new(FixedClock(now)),
    )
    .unwrap()
}

/// The phone's keystore: one for the whole process, as on a phone (keys are named at random).
fn keys() -> Arc<MemoryKeyVault> {
    static KEYS: std::sync::LazyLock<Arc<MemoryKeyVault>> = std::sync::LazyLock::new(Arc::default);
    KEYS.clone()
}

fn store(dir: &Path) -> Store {
    Store::open(&dir.join("store.sqlite"), keys()).unwrap()
}

/// A client that pinned `deployment`'s key and holds its lists, at `now`.
async fn holding(dir: &Path, deployment: &Deployment, now: DateTime<Utc>) -> Arc<HealthBookClient> {
    let client = client(dir, now);
    client
        .certificates()
        .set_trust_list_key(pem(&deployment.list_signer.der))
        .await
        .unwrap();
    let lists = store(dir);
    lists
        .save_signed_list(
            ListKind::TrustList,
            &deployment.trust_list(3, at(2026, 7, 1)),
        )
        .unwrap();
    lists
        .save_signed_list(ListKind::Revocations, &deployment.revocations(1, &[]))
        .unwrap();
    client
}

/// The same certificate with the last byte of its signature changed: every layer still
/// decodes, only the signature check fails.
fn with_forged_signature(text: &str) -> String {
    let compressed = hc1::base45_decode(hc1::unprefix(text).unwrap()).unwrap();
    let mut cose = hc1::inflate(&compressed).unwrap();
    let last = cose.len() - 1;
    cose[last] ^= 0x01;
    format!(
        "{}{}",
        hc1::PREFIX,
        hc1::base45_encode(&hc1::deflate(&cose).unwrap())
    )
}

#[tokio::test]
async fn a_certificate_of_a_trusted_issuer_verifies_offline_with_what_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new();
    let client = holding(dir.path(), &deployment, at(2026, 7, 2)).await;
    let check = client
        .certificates()
        .verify(format!("  {}\n", deployment.issue()))
        .await
        .unwrap();
    assert_eq!(check.outcome, VerificationOutcome::Valid);
    assert_eq!(check.checked_at, at(2026, 7, 2));
    assert_eq!(check.lists.trust_list_version, Some(3));
    assert_eq!(check.lists.revocations_version, Some(1));
    assert!(!check.lists.stale);
    let details = check.details.unwrap();
    assert_eq!(details.holder_name, "Trần Thị Lan");
    assert_eq!(details.target_disease, "COVID-19");
    assert_eq!(details.certificate_type, CertificateType::Vaccination);
    assert_eq!(details.issuer_country.as_deref(), Some("VN"));
    assert_eq!(details.issued_at, Some(at(2026, 6, 1)));
    assert_eq!(details.expires_at, Some(at(2027, 6, 1)));
    assert_eq!(details.dcc.dob, "1990-05-17");
    let Event::Vaccination(dose) = &details.dcc.event else {
        panic!("a vaccination");
    };
    assert_eq!((dose.dn, dose.sd), (2, 2));
    assert_eq!(details.certificate_id, dose.ci);
}

#[tokio::test]
async fn damaged_forged_and_expired_certificates_are_invalid_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new();
    let client = holding(dir.path(), &deployment, at(2026, 7, 2)).await;
    let text = deployment.issue();

    let forged = client
        .certificates()
        .verify(with_forged_signature(&text))
        .await
        .unwrap();
    assert!(
        matches!(&forged.outcome, VerificationOutcome::Invalid { code, message }
            if code == "certificate_bad_signature" && message.contains("signature")),
        "{:?}",
        forged.outcome
    );
    assert_eq!(
        forged.details.map(|d| d.holder_name).as_deref(),
        Some("Trần Thị Lan"),
        "what a forged certificate claims is still shown, beside the verdict"
    );

    let cut = client
        .certificates()
        .verify(text[..text.len() - 10].to_owned())
        .await
        .unwrap();
    assert!(
        matches!(&cut.outcome, VerificationOutcome::Invalid { code, .. } if code.starts_with("certificate_bad_")),
        "{:?}",
        cut.outcome
    );
    assert!(cut.details.is_none());

    let not_hc1 = client
        .certificates()
        .verify("https://example.vn".to_owned())
        .await
        .unwrap();
    assert!(
        matches!(&not_hc1.outcome, VerificationOutcome::Invalid { code, .. } if code == "certificate_bad_prefix")
    );

    let later = holding(dir.path(), &deployment, at(2027, 7, 1)).await;
    let expired = later.certificates().verify(text).await.unwrap();
    assert!(
        matches!(&expired.outcome, VerificationOutcome::Invalid { code, message }
            if code == "certificate_expired" && message.contains("01/06/2027")),
        "{:?}",
        expired.outcome
    );
}

#[tokio::test]
async fn a_stranger_deployments_certificate_is_of_an_unknown_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let ours = Deployment::new();
    let theirs = Deployment::new();
    let client = holding(dir.path(), &ours, at(2026, 7, 2)).await;
    let check = client.certificates().verify(theirs.issue()).await.unwrap();
    assert_eq!(check.outcome, VerificationOutcome::UnknownIssuer);
    assert_eq!(check.details.unwrap().target_disease, "COVID-19");
}

#[tokio::test]
async fn a_revoked_certificate_is_revoked_and_others_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new();
    let client = holding(dir.path(), &deployment, at(2026, 7, 2)).await;
    let revoked = deployment.issue();
    let other = certificate::encode(
        &Claims {
            dcc: Dcc {
                event: match claims().dcc.event {
                    Event::Vaccination(mut dose) => {
                        dose.ci = "URN:UVCI:01:VN:0000000000000000000000000000000A#B".into();
                        Event::Vaccination(dose)
                    }
                    other => other,
                },
                ..claims().dcc
            },
            ..claims()
        },
        &deployment.dsc.signer,
    )
    .unwrap();
    store(dir.path())
        .save_signed_list(
            ListKind::Revocations,
            &deployment.revocations(2, &[revoked.as_str()]),
        )
        .unwrap();
    let certificates = client.certificates();
    assert_eq!(
        certificates.verify(revoked).await.unwrap().outcome,
        VerificationOutcome::Revoked
    );
    assert_eq!(
        certificates.verify(other).await.unwrap().outcome,
        VerificationOutcome::Valid
    );
}

#[tokio::test]
async fn an_old_list_still_verifies_but_says_it_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new();
    let text = deployment.issue();
    let month_later = holding(dir.path(), &deployment, at(2026, 8, 1)).await;
    let check = month_later.certificates().verify(text).await.unwrap();
    assert_eq!(check.outcome, VerificationOutcome::Valid);
    assert!(check.lists.stale);
    assert!(month_later.certificates().status().await.unwrap().stale);
}

#[tokio::test]
async fn lists_are_checked_with_the_pinned_key_every_time_they_are_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new();
    let pinned = holding(dir.path(), &deployment, at(2026, 7, 2)).await;
    let text = deployment.issue();

    // A trust list naming our signer but signed by someone else, written into the store
    // behind the app's back, trusts nobody.
    let impostor = key();
    let document = TrustListDocument {
        version: 9,
        issued_at: at(2026, 7, 1),
        max_age_seconds: 7 * 24 * 3600,
        entries: vec![TrustListEntry::from_certificate_der(&deployment.dsc.der, "VN").unwrap()],
        unreadable_entries: Vec::new(),
    };
    let planted = stored(
        9,
        at(2026, 7, 1),
        &sign_trust_list(&document, &impostor.signer).unwrap(),
    );
    store(dir.path())
        .save_signed_list(ListKind::TrustList, &planted)
        .unwrap();
    let check = pinned.certificates().verify(text.clone()).await.unwrap();
    assert_eq!(check.outcome, VerificationOutcome::UnknownIssuer);
    assert_eq!(check.lists.trust_list_version, None);

    // Without a pin, nothing is trusted either.
    let unpinned = client(tempfile::tempdir().unwrap().path(), at(2026, 7, 2));
    let status = unpinned.certificates().status().await.unwrap();
    assert!(!status.pinned);
    assert_eq!(
        unpinned.certificates().verify(text).await.unwrap().outcome,
        VerificationOutcome::UnknownIssuer
    );
}

#[tokio::test]
async fn pinning_another_key_drops_the_lists_of_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new();
    let client = holding(dir.path(), &deployment, at(2026, 7, 2)).await;
    // The same key again, in another form, keeps them.
    let VerifyingKey::EcdsaP256(point) =
        VerifyingKey::from_certificate_der(&deployment.list_signer.der).unwrap()
    else {
        panic!("P-256");
    };
    client
        .certificates()
        .set_trust_list_key(format!(r#"{{"public_key":"{}"}}"#, STANDARD.encode(point)))
        .await
        .unwrap();
    assert_eq!(
        client
            .certificates()
            .status()
            .await
            .unwrap()
            .trust_list_version,
        Some(3)
    );
    client
        .certificates()
        .set_trust_list_key(pem(&key().der))
        .await
        .unwrap();
    assert!(
        store(dir.path())
            .signed_list(ListKind::TrustList)
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        client
            .certificates()
            .set_trust_list_key("not a key".into())
            .await,
        Err(CertificateError::InvalidKey { .. })
    ));
    assert!(matches!(
        client.certificates().refresh().await,
        Err(CertificateError::Common {
            error: CommonError::Offline
        })
    ));
}

#[tokio::test]
async fn saved_certificates_are_verified_as_they_are_read_and_forgotten_on_sign_out() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new();
    let client = holding(dir.path(), &deployment, at(2026, 7, 2)).await;
    let certificates = client.certificates();
    let text = deployment.issue();
    let saved = certificates.save(text.clone()).await.unwrap();
    assert_eq!(saved.check.outcome, VerificationOutcome::Valid);
    let again = certificates.save(format!("{text}\n")).await.unwrap();
    assert_eq!(again.id, saved.id, "the same text is kept once");
    let refused = certificates.save("HC1:not base45 at all".into()).await;
    assert!(
        matches!(&refused, Err(CertificateError::NotACertificate { code, .. }) if code == "certificate_bad_base45"),
        "{refused:?}"
    );

    store(dir.path())
        .save_signed_list(
            ListKind::Revocations,
            &deployment.revocations(2, &[text.as_str()]),
        )
        .unwrap();
    let listed = certificates.saved().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].hc1, text);
    assert_eq!(listed[0].check.outcome, VerificationOutcome::Revoked);

    store(dir.path()).wipe().unwrap();
    assert!(certificates.saved().await.unwrap().is_empty());
    assert_eq!(
        certificates.status().await.unwrap().trust_list_version,
        Some(3),
        "the lists name no one and survive a sign-out"
    );
    assert!(matches!(
        certificates.remove(saved.id).await,
        Err(CertificateError::Common {
            error: CommonError::NotFound
        })
    ));
}

#[test]
fn a_list_is_never_replaced_by_an_older_version() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new();
    let lists = store(dir.path());
    assert!(
        lists
            .save_signed_list(
                ListKind::TrustList,
                &deployment.trust_list(5, at(2026, 7, 1))
            )
            .unwrap()
    );
    assert!(
        !lists
            .save_signed_list(
                ListKind::TrustList,
                &deployment.trust_list(4, at(2026, 7, 2))
            )
            .unwrap()
    );
    assert_eq!(
        lists
            .signed_list(ListKind::TrustList)
            .unwrap()
            .unwrap()
            .version,
        5
    );
}

/// Answers `GET /v1/trust-list` and `GET /v1/revocations` with these envelopes, as the server
/// publishes them.
async fn serve_lists(trust_list: String, revocations: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut chunk = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let read = socket.read(&mut chunk).await.unwrap();
                if read == 0 {
                    break;
                }
                request.extend_from_slice(&chunk[..read]);
            }
            let body = if request.starts_with(b"GET /v1/trust-list ") {
                &trust_list
            } else {
                &revocations
            };
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(response.as_bytes()).await.unwrap();
            socket.shutdown().await.ok();
        }
    });
    base_url
}

/// A DSC with a P-384 key, listed as some published test material lists one: the phone
/// cannot check an ES256 signature with it.
fn p384_entry() -> TrustListEntry {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2100, 1, 1);
    let der = params.self_signed(&pair).unwrap().der().to_vec();
    TrustListEntry {
        kid: KeyId::from_certificate_der(&der),
        certificate: STANDARD.encode(&der),
        not_before: at(2020, 1, 1),
        not_after: at(2099, 1, 1),
        allowed_uses: Vec::new(),
        country: "DE".into(),
    }
}

#[tokio::test]
async fn a_trust_list_entry_the_phone_cannot_use_is_skipped_reported_and_the_rest_verify() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new();
    let unusable = p384_entry();
    let trust_list = deployment.trust_list_with(4, at(2026, 7, 1), vec![unusable.clone()]);
    let revocations = deployment.revocations(1, &[]);
    let base_url = serve_lists(trust_list.envelope, revocations.envelope).await;
    let client = client_of(&base_url, dir.path(), at(2026, 7, 2));
    let certificates = client.certificates();
    certificates
        .set_trust_list_key(pem(&deployment.list_signer.der))
        .await
        .unwrap();

    let report = certificates.refresh().await.unwrap();
    assert!(report.trust_list_updated);
    assert_eq!(report.lists.trust_list_version, Some(4));
    assert_eq!(
        report.lists.skipped_entries,
        vec![SkippedEntry {
            index: 0,
            kid: Some(unusable.kid.to_base64()),
            country: Some("DE".into()),
            code: "trust_entry_unsupported_key".into(),
            reason: "the signing certificate holds neither a P-256 nor an RSA key".into(),
        }]
    );

    // Offline, from the stored list: the usable signer's certificate is valid.
    let check = certificates.verify(deployment.issue()).await.unwrap();
    assert_eq!(check.outcome, VerificationOutcome::Valid);
    assert_eq!(check.lists.skipped_entries, report.lists.skipped_entries);
}
