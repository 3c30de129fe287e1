//! The core against the real server, started by the test harness: the flows the apps run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::NaiveDate;
use healthbook_core::{
    ActionResult, AuthError, DependentOutcome, HealthBookClient, OfflineAction, store::Store,
};
use healthbook_domain::account::{AddDependentRequest, Assurance, RegisterRequest};
use healthbook_domain::ids::Sex;
use healthbook_domain::{Lang, Sensitive};
use healthbook_soft_authenticator::SoftAuthenticator;
use healthbook_tests::TestApp;
use std::path::Path;
use std::sync::Arc;
use support::{Codes, MemoryTokens, client};
use uuid::Uuid;

const ORIGIN: &str = "http://localhost:8080";

async fn server() -> TestApp {
    TestApp::builder()
        .env("HEALTHBOOK_WEBAUTHN_RP_ID", "localhost")
        .env("HEALTHBOOK_WEBAUTHN_ORIGINS", ORIGIN)
        .spawn()
        .await
        .unwrap()
}

fn citizen(email: &str) -> RegisterRequest {
    RegisterRequest {
        national_id: Sensitive::new("001190000001".to_owned()),
        full_name: "Trần Thị Lan".to_owned(),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 5, 17).unwrap(),
        sex: Sex::Female,
        email: email.to_owned(),
        phone: "0912345678".to_owned(),
        lang: Some(Lang::Vi),
    }
}

fn child(id: &str, name: &str, year: i32) -> AddDependentRequest {
    AddDependentRequest {
        national_id: Sensitive::new(id.to_owned()),
        full_name: name.to_owned(),
        date_of_birth: NaiveDate::from_ymd_opt(year, 3, 2).unwrap(),
        sex: Sex::Male,
    }
}

/// Registers and verifies a citizen: a signed-in client with a basic session.
async fn registered(
    app: &TestApp,
    dir: &Path,
    tokens: Arc<MemoryTokens>,
    codes: &Codes,
) -> Arc<HealthBookClient> {
    let email = "lan@example.vn";
    let client = client(&app.base_url, dir, tokens);
    client.auth().register(citizen(email)).await.unwrap();
    let code = codes.next(app, email).await;
    client
        .auth()
        .verify_email(email.to_owned(), code)
        .await
        .unwrap();
    client
}

#[tokio::test]
async fn a_citizen_registers_verifies_and_signs_in_with_a_code_then_a_passkey() {
    let app = server().await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryTokens::default());
    let codes = Codes::new();
    let client = registered(&app, dir.path(), tokens.clone(), &codes).await;
    assert!(tokens.saved().is_some());
    assert_eq!(client.auth().assurance(), Some(Assurance::Basic));

    // Registering again is answered as a first registration is: "taken" would tell anyone
    // who holds an account. The owner learns of it by mail.
    let again = client
        .auth()
        .register(citizen("lan@example.vn"))
        .await
        .unwrap();
    assert!(again.email_verification_sent);

    client.auth().sign_out(false).await.unwrap();
    client
        .auth()
        .start_email_sign_in("lan@example.vn".to_owned())
        .await
        .unwrap();
    let wrong = client
        .auth()
        .finish_email_sign_in("lan@example.vn".to_owned(), "000000".to_owned())
        .await;
    assert!(matches!(wrong, Err(AuthError::InvalidCode)), "{wrong:?}");
    let code = codes.next(&app, "lan@example.vn").await;
    let me = client
        .auth()
        .finish_email_sign_in("lan@example.vn".to_owned(), code)
        .await
        .unwrap();
    assert_eq!(me.citizen.unwrap().full_name, "Trần Thị Lan");

    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    let creation = client
        .auth()
        .start_passkey_registration("Pixel 8".to_owned())
        .await
        .unwrap();
    let response = authenticator
        .register(&serde_json::from_str(&creation.request_json).unwrap())
        .unwrap();
    let passkey = client
        .auth()
        .finish_passkey_registration(creation.ceremony_id, response.to_string())
        .await
        .unwrap();
    assert_eq!(passkey.name, "Pixel 8");

    client.auth().sign_out(false).await.unwrap();
    let request = client
        .auth()
        .start_passkey_sign_in(Some("lan@example.vn".to_owned()))
        .await
        .unwrap();
    assert!(
        request.allow_credentials.is_empty(),
        "sign-in by address must not name the account's passkeys"
    );
    let assertion = authenticator
        .authenticate(&serde_json::from_str(&request.request_json).unwrap())
        .unwrap();
    let me = client
        .auth()
        .finish_passkey_sign_in(request.ceremony_id, assertion.to_string())
        .await
        .unwrap();
    assert_eq!(me.assurance, Assurance::Passkey);

    let sessions = client.account().sessions().await.unwrap();
    assert!(sessions.iter().any(|s| s.current));
}

#[tokio::test]
async fn a_tampered_passkey_answer_is_rejected_as_such() {
    let app = server().await;
    let dir = tempfile::tempdir().unwrap();
    let codes = Codes::new();
    let client = registered(&app, dir.path(), Arc::new(MemoryTokens::default()), &codes).await;
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    let creation = client
        .auth()
        .start_passkey_registration("Pixel 8".to_owned())
        .await
        .unwrap();
    let response = authenticator
        .register(&serde_json::from_str(&creation.request_json).unwrap())
        .unwrap();
    client
        .auth()
        .finish_passkey_registration(creation.ceremony_id, response.to_string())
        .await
        .unwrap();

    authenticator.misbehaviour.origin = Some("https://phishing.example".to_owned());
    let request = client.auth().start_passkey_sign_in(None).await.unwrap();
    let assertion = authenticator
        .authenticate(&serde_json::from_str(&request.request_json).unwrap())
        .unwrap();
    let refused = client
        .auth()
        .finish_passkey_sign_in(request.ceremony_id, assertion.to_string())
        .await;
    assert!(
        matches!(refused, Err(AuthError::PasskeyRejected)),
        "{refused:?}"
    );
}

#[tokio::test]
async fn an_action_taken_offline_is_sent_once_the_server_is_back() {
    let mut app = server().await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryTokens::default());
    let codes = Codes::new();
    let client = registered(&app, dir.path(), tokens.clone(), &codes).await;
    let added = client
        .account()
        .add_dependent(child("001220000123", "Nguyễn Minh Khôi", 2020))
        .await
        .unwrap();
    assert!(matches!(added, DependentOutcome::Added { .. }), "{added:?}");

    app.terminate().await.unwrap();
    assert_eq!(client.offline().dependents().await.unwrap().len(), 1);
    let queued = client
        .account()
        .add_dependent(child("001222000456", "Nguyễn Minh Quân", 2022))
        .await
        .unwrap();
    let DependentOutcome::Queued { action } = queued else {
        panic!("not queued: {queued:?}");
    };
    assert_eq!(client.offline().pending().await.unwrap()[0].id, action.id);
    assert_eq!(client.offline().sync().await.unwrap().remaining, 1);

    // The app starts again later, on the same store and keystore, and the server is back.
    let restarted = TestApp::builder().sharing_with(&app).spawn().await.unwrap();
    drop(client);
    let client = support::client(&restarted.base_url, dir.path(), tokens);
    let report = client.offline().sync().await.unwrap();
    assert_eq!(report.remaining, 0);
    assert!(matches!(report.outcomes[..], [ref o] if o.result == ActionResult::Applied));
    let names: Vec<_> = client
        .offline()
        .dependents()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.citizen.full_name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"Nguyễn Minh Quân".to_owned()));
}

#[tokio::test]
async fn an_action_whose_answer_was_lost_is_replayed_not_applied_twice() {
    let app = server().await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = Arc::new(MemoryTokens::default());
    let codes = Codes::new();
    let client = registered(&app, dir.path(), tokens.clone(), &codes).await;
    let request = child("001220000123", "Nguyễn Minh Khôi", 2020);

    // The first attempt reached the server and the phone lost the answer: the server holds
    // the dependent, and the queue still holds the action with the same key.
    let key = Uuid::new_v4();
    let token = tokens.saved().unwrap().token.expose().clone();
    let first = app
        .request(reqwest::Method::POST, "/v1/me/dependents")
        .bearer_auth(token)
        .header("Idempotency-Key", key.to_string())
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let account = tokens.saved().unwrap().account_id;
    let store = Store::open(&dir.path().join("healthbook.sqlite"), support::keys()).unwrap();
    store
        .enqueue(
            account,
            &OfflineAction::AddDependent { request },
            key,
            chrono::DateTime::UNIX_EPOCH,
        )
        .unwrap();

    let report = client.offline().sync().await.unwrap();
    assert!(matches!(report.outcomes[..], [ref o] if o.result == ActionResult::Applied));
    assert_eq!(client.account().dependents().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_conflicting_offline_action_comes_back_as_a_typed_result() {
    let app = server().await;
    let codes = Codes::new();
    let (lan_dir, dung_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let lan_tokens = Arc::new(MemoryTokens::default());
    registered(&app, lan_dir.path(), lan_tokens.clone(), &codes).await;
    let dung = client(
        &app.base_url,
        dung_dir.path(),
        Arc::new(MemoryTokens::default()),
    );
    let mut father = citizen("dung@example.vn");
    father.national_id = Sensitive::new("001085000002".to_owned());
    father.full_name = "Nguyễn Văn Dũng".to_owned();
    father.date_of_birth = NaiveDate::from_ymd_opt(1985, 1, 9).unwrap();
    father.sex = Sex::Male;
    dung.auth().register(father).await.unwrap();
    let code = codes.next(&app, "dung@example.vn").await;
    dung.auth()
        .verify_email("dung@example.vn".to_owned(), code)
        .await
        .unwrap();

    // Lan adds her son with no network; meanwhile his father adds him.
    let offline = client("http://127.0.0.1:9", lan_dir.path(), lan_tokens.clone());
    let son = child("001220000123", "Nguyễn Minh Khôi", 2020);
    let queued = offline.account().add_dependent(son.clone()).await.unwrap();
    assert!(
        matches!(queued, DependentOutcome::Queued { .. }),
        "{queued:?}"
    );
    drop(offline);
    dung.account().add_dependent(son).await.unwrap();

    // The server answers as for any new child, so that the answer tells no one whether the
    // number has a health book; Lan learns by mail that her son was not added.
    let lan = client(&app.base_url, lan_dir.path(), lan_tokens);
    let report = lan.offline().sync().await.unwrap();
    assert_eq!(report.remaining, 0, "a settled action leaves the queue");
    assert!(
        matches!(&report.outcomes[0].result, ActionResult::Applied),
        "{:?}",
        report.outcomes
    );
    assert!(lan.offline().pending().await.unwrap().is_empty());
    app.wait_for_mail("lan@example.vn", |m| m.text.contains("Nguyễn Minh Khôi"))
        .await
        .unwrap();
}

/// Enrols a passkey for `client`'s account and signs in with it: the book needs a passkey
/// session. The authenticator then signs in any other phone of the account.
async fn with_passkey(client: &HealthBookClient) -> SoftAuthenticator {
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    let creation = client
        .auth()
        .start_passkey_registration("Pixel 8".to_owned())
        .await
        .unwrap();
    let response = authenticator
        .register(&serde_json::from_str(&creation.request_json).unwrap())
        .unwrap();
    client
        .auth()
        .finish_passkey_registration(creation.ceremony_id, response.to_string())
        .await
        .unwrap();
    passkey_sign_in(client, &mut authenticator).await;
    authenticator
}

async fn passkey_sign_in(client: &HealthBookClient, authenticator: &mut SoftAuthenticator) {
    let request = client.auth().start_passkey_sign_in(None).await.unwrap();
    let assertion = authenticator
        .authenticate(&serde_json::from_str(&request.request_json).unwrap())
        .unwrap();
    client
        .auth()
        .finish_passkey_sign_in(request.ceremony_id, assertion.to_string())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_book_filled_offline_syncs_and_a_stale_change_of_section_one_returns_the_newer_one() {
    use healthbook_core::{BookError, BookWriteOutcome};
    use healthbook_domain::book::administrative::{Abo, BloodGroup, Rh};
    use healthbook_domain::book::{
        Administrative, EntryBody, EntryKind, Observation, ObservationKind,
    };

    let app = server().await;
    let codes = Codes::new();
    let (phone_dir, tablet_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let tokens = Arc::new(MemoryTokens::default());
    let phone = registered(&app, phone_dir.path(), tokens.clone(), &codes).await;
    let mut authenticator = with_passkey(&phone).await;
    let cid = phone
        .account()
        .me()
        .await
        .unwrap()
        .citizen
        .unwrap()
        .citizen_id;

    let empty = phone.book().book(cid).await.unwrap();
    assert!(!empty.from_cache && empty.administrative.is_none());
    let section = Administrative {
        blood_group: Some(BloodGroup {
            abo: Abo::O,
            rh: Rh::Positive,
        }),
        insurance_number: Some("dn 4010123456789".to_owned()),
        ..Administrative::default()
    };
    let BookWriteOutcome::Saved { entry } = phone
        .book()
        .update_profile(cid, section.clone())
        .await
        .unwrap()
    else {
        panic!("not saved online");
    };
    assert_eq!(entry.version, 1);
    let EntryBody::Administrative(saved) = &entry.body else {
        panic!("{:?}", entry.body);
    };
    assert_eq!(saved.insurance_number.as_deref(), Some("DN4010123456789"));

    // The tablet reads the book too, on version 1.
    let tablet = client(
        &app.base_url,
        tablet_dir.path(),
        Arc::new(MemoryTokens::default()),
    );
    passkey_sign_in(&tablet, &mut authenticator).await;
    assert_eq!(
        tablet
            .book()
            .book(cid)
            .await
            .unwrap()
            .administrative
            .unwrap()
            .version,
        1
    );

    // The phone loses the network: it reads its copy, takes a reading and edits section I.
    let offline = client("http://127.0.0.1:9", phone_dir.path(), tokens.clone());
    let copy = offline.book().book(cid).await.unwrap();
    assert!(copy.from_cache);
    assert_eq!(copy.administrative.as_ref().map(|e| e.version), Some(1));
    let reading = Observation {
        kind: ObservationKind::BloodPressure,
        value: 128.0,
        second_value: Some(82.0),
        unit: "mm[Hg]".to_owned(),
        taken_at: healthbook_core::clock::Clock::now(&healthbook_core::clock::SystemClock),
        note: None,
    };
    let queued = offline.book().add_reading(cid, reading).await.unwrap();
    assert!(
        matches!(queued, BookWriteOutcome::Queued { .. }),
        "{queued:?}"
    );
    let mut on_phone = section.clone();
    on_phone.occupation = Some("Giáo viên".to_owned());
    let queued = offline
        .book()
        .update_profile(cid, on_phone.clone())
        .await
        .unwrap();
    assert!(
        matches!(queued, BookWriteOutcome::Queued { .. }),
        "{queued:?}"
    );
    drop(offline);

    // Meanwhile the tablet changes section I: version 2.
    let mut on_tablet = section.clone();
    on_tablet.occupation = Some("Kỹ sư".to_owned());
    let BookWriteOutcome::Saved { entry } =
        tablet.book().update_profile(cid, on_tablet).await.unwrap()
    else {
        panic!("not saved online");
    };
    assert_eq!(entry.version, 2);

    // Back online, the reading goes through and the stale change comes back typed, with
    // the tablet's version to show; the tablet's change is not overwritten.
    let report = phone.offline().sync().await.unwrap();
    assert_eq!(report.remaining, 0);
    let [recorded, conflict] = &report.outcomes[..] else {
        panic!("{:?}", report.outcomes);
    };
    assert!(
        matches!(&recorded.result, ActionResult::Recorded { entry } if entry.body.kind() == EntryKind::Observation),
        "{:?}",
        recorded.result
    );
    let ActionResult::VersionConflict {
        citizen_id,
        current: Some(current),
        attempted,
    } = &conflict.result
    else {
        panic!("{:?}", conflict.result);
    };
    // The attempt as the domain's rules normalised it before it was queued.
    assert_eq!(*citizen_id, cid);
    assert_eq!(attempted.occupation.as_deref(), Some("Giáo viên"));
    assert_eq!(
        attempted.insurance_number.as_deref(),
        Some("DN4010123456789")
    );
    assert_eq!(current.version, 2);
    assert!(
        matches!(&current.body, EntryBody::Administrative(s) if s.occupation.as_deref() == Some("Kỹ sư"))
    );
    let book = phone.book().book(cid).await.unwrap();
    assert_eq!(book.readings.len(), 1);
    assert_eq!(book.administrative.map(|e| e.version), Some(2));
    assert!(book.pending.is_empty());

    // Online, a change on a version the phone no longer holds is refused the same way.
    let stale = tablet.book().update_profile(cid, section).await;
    assert!(
        matches!(&stale, Ok(BookWriteOutcome::Saved { entry }) if entry.version == 3),
        "the tablet's own copy is current: {stale:?}"
    );
    let mut late = on_phone.clone();
    late.occupation = Some("Bác sĩ".to_owned());
    let refused = phone.book().update_profile(cid, late).await;
    assert!(
        matches!(&refused, Err(BookError::VersionConflict { current: Some(e) }) if e.version == 3),
        "{refused:?}"
    );
}
