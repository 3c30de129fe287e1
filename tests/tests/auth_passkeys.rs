//! Passkeys end to end with a software authenticator against the real server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use healthbook_soft_authenticator::SoftAuthenticator;
use healthbook_tests::TestApp;
use healthbook_tests::people::ORIGIN;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn enrol_then_sign_in_with_the_address_and_without_it() {
    let app = TestApp::spawn().await.unwrap();
    let citizen = app.citizen("pk").await.unwrap();
    let mut phone = SoftAuthenticator::new(ORIGIN);
    let enrolled = app
        .enrol_passkey(&citizen.token, &mut phone, "Pixel 8")
        .await
        .unwrap();
    enrolled.expect(201);
    assert_eq!(enrolled.json["name"], "Pixel 8");
    app.wait_for_mail(&citizen.email, |m| m.text.contains("Pixel 8"))
        .await
        .unwrap();

    let by_address = app
        .passkey_sign_in(&mut phone, Some(&citizen.email))
        .await
        .unwrap();
    by_address.expect(200);
    assert_eq!(by_address.json["assurance"], "passkey");
    let discoverable = app.passkey_sign_in(&mut phone, None).await.unwrap();
    discoverable.expect(200);
    assert_eq!(
        discoverable.json["account_id"].as_str().unwrap(),
        citizen.account_id
    );

    let token = discoverable.json["token"].as_str().unwrap();
    let me = app.get_as(token, "/v1/me").await.unwrap();
    assert_eq!(me.json["assurance"], "passkey");
    assert_eq!(me.json["passkeys"], 1);
    let passkeys = app.get_as(token, "/v1/me/passkeys").await.unwrap();
    assert!(
        passkeys.json[0]["last_used_at"].is_string(),
        "{}",
        passkeys.text
    );
}

#[tokio::test]
async fn a_second_passkey_needs_a_passkey_session() {
    let app = TestApp::spawn().await.unwrap();
    let (citizen, mut phone) = app.citizen_with_passkey("two").await.unwrap();
    // A fresh basic session (an email code) must not plant another passkey.
    let before = app.mail_count(&citizen.email);
    app.post("/v1/auth/otp/start", &json!({ "email": citizen.email }))
        .await
        .unwrap();
    let code = app.code_for(&citizen.email, before).await.unwrap();
    let basic = app
        .post(
            "/v1/auth/otp/finish",
            &json!({ "email": citizen.email, "code": code }),
        )
        .await
        .unwrap();
    let basic_token = basic.json["token"].as_str().unwrap();
    let mut attacker = SoftAuthenticator::new(ORIGIN);
    app.enrol_passkey(basic_token, &mut attacker, "Evil")
        .await
        .unwrap()
        .expect_problem(403, "step_up_required");

    let mut tablet = SoftAuthenticator::new(ORIGIN);
    app.enrol_passkey(&citizen.token, &mut tablet, "Tablet")
        .await
        .unwrap()
        .expect(201);
    app.passkey_sign_in(&mut tablet, None)
        .await
        .unwrap()
        .expect(200);
    app.passkey_sign_in(&mut phone, None)
        .await
        .unwrap()
        .expect(200);
}

#[tokio::test]
async fn rename_and_remove_but_never_the_last_passkey() {
    let app = TestApp::spawn().await.unwrap();
    let (citizen, _phone) = app.citizen_with_passkey("mgmt").await.unwrap();
    let mut tablet = SoftAuthenticator::new(ORIGIN);
    app.enrol_passkey(&citizen.token, &mut tablet, "Tablet")
        .await
        .unwrap()
        .expect(201);
    let list = app.get_as(&citizen.token, "/v1/me/passkeys").await.unwrap();
    let ids: Vec<String> = list
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);

    let renamed = app
        .call(
            Method::PATCH,
            &format!("/v1/me/passkeys/{}", ids[1]),
            Some(&citizen.token),
            Some(&json!({ "name": "iPad của Lan" })),
        )
        .await
        .unwrap();
    renamed.expect(200);
    assert_eq!(renamed.json["name"], "iPad của Lan");
    app.call(
        Method::DELETE,
        &format!("/v1/me/passkeys/{}", ids[1]),
        Some(&citizen.token),
        None,
    )
    .await
    .unwrap()
    .expect(204);
    app.call(
        Method::DELETE,
        &format!("/v1/me/passkeys/{}", ids[0]),
        Some(&citizen.token),
        None,
    )
    .await
    .unwrap()
    .expect_problem(409, "last_passkey");
    app.passkey_sign_in(&mut tablet, None)
        .await
        .unwrap()
        .expect_problem(401, "passkey_rejected");
    let events = app
        .get_as(&citizen.token, "/v1/me/auth-events")
        .await
        .unwrap();
    for kind in [
        "passkey_added",
        "passkey_renamed",
        "passkey_removed",
        "sign_in",
    ] {
        assert!(
            events.text.contains(kind),
            "missing {kind}: {}",
            events.text
        );
    }
}

#[tokio::test]
async fn another_accounts_passkey_id_is_404_and_untouched() {
    let app = TestApp::spawn().await.unwrap();
    let (alice, _) = app.citizen_with_passkey("alice").await.unwrap();
    let (bob, mut bob_phone) = app.citizen_with_passkey("bob").await.unwrap();
    let bob_key = app
        .get_as(&bob.token, "/v1/me/passkeys")
        .await
        .unwrap()
        .json[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.call(
        Method::PATCH,
        &format!("/v1/me/passkeys/{bob_key}"),
        Some(&alice.token),
        Some(&json!({ "name": "mine" })),
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");
    app.call(
        Method::DELETE,
        &format!("/v1/me/passkeys/{bob_key}"),
        Some(&alice.token),
        None,
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");
    app.passkey_sign_in(&mut bob_phone, None)
        .await
        .unwrap()
        .expect(200);
}

#[tokio::test]
async fn managing_passkeys_needs_a_passkey_session() {
    let app = TestApp::spawn().await.unwrap();
    let (citizen, _) = app.citizen_with_passkey("stepup").await.unwrap();
    let key = app
        .get_as(&citizen.token, "/v1/me/passkeys")
        .await
        .unwrap()
        .json[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = app.mail_count(&citizen.email);
    app.post("/v1/auth/otp/start", &json!({ "email": citizen.email }))
        .await
        .unwrap();
    let code = app.code_for(&citizen.email, before).await.unwrap();
    let basic = app
        .post(
            "/v1/auth/otp/finish",
            &json!({ "email": citizen.email, "code": code }),
        )
        .await
        .unwrap();
    let basic_token = basic.json["token"].as_str().unwrap();
    app.call(
        Method::PATCH,
        &format!("/v1/me/passkeys/{key}"),
        Some(basic_token),
        Some(&json!({ "name": "x" })),
    )
    .await
    .unwrap()
    .expect_problem(403, "step_up_required");
}

#[tokio::test]
async fn replayed_foreign_and_unverified_responses_are_rejected() {
    let app = TestApp::spawn().await.unwrap();
    let (citizen, mut phone) = app.citizen_with_passkey("replay").await.unwrap();

    // Replay: the same answer sent twice opens one session only.
    let start = app
        .post(
            "/v1/auth/passkeys/login/start",
            &json!({ "email": citizen.email }),
        )
        .await
        .unwrap();
    let answer = phone.authenticate(&start.json["options"]).unwrap();
    let body = json!({ "ceremony_id": start.json["ceremony_id"], "credential": answer });
    app.post("/v1/auth/passkeys/login/finish", &body)
        .await
        .unwrap()
        .expect(200);
    app.post("/v1/auth/passkeys/login/finish", &body)
        .await
        .unwrap()
        .expect_problem(401, "passkey_rejected");

    // A cloned authenticator: its counter repeats the last one the server saw.
    phone.misbehaviour.freeze_counter = true;
    app.passkey_sign_in(&mut phone, None)
        .await
        .unwrap()
        .expect_problem(401, "passkey_rejected");
    phone.misbehaviour.freeze_counter = false;

    // An answer produced for another site's origin.
    phone.misbehaviour.origin = Some("https://phishing.example".to_owned());
    app.passkey_sign_in(&mut phone, Some(&citizen.email))
        .await
        .unwrap()
        .expect_problem(401, "passkey_rejected");
    phone.misbehaviour.origin = None;

    // No user verification (no PIN or biometric).
    phone.misbehaviour.skip_user_verification = true;
    app.passkey_sign_in(&mut phone, None)
        .await
        .unwrap()
        .expect_problem(401, "passkey_rejected");
    phone.misbehaviour.skip_user_verification = false;

    app.passkey_sign_in(&mut phone, None)
        .await
        .unwrap()
        .expect(200);
}

#[tokio::test]
async fn a_ceremony_started_on_one_process_finishes_on_another_once() {
    let first = TestApp::spawn().await.unwrap();
    let second = TestApp::builder()
        .sharing_with(&first)
        .spawn()
        .await
        .unwrap();
    let (citizen, mut phone) = first.citizen_with_passkey("cross").await.unwrap();
    let start = first
        .post("/v1/auth/passkeys/login/start", &json!({}))
        .await
        .unwrap();
    let answer = phone.authenticate(&start.json["options"]).unwrap();
    let body = json!({ "ceremony_id": start.json["ceremony_id"], "credential": answer });
    let signed_in = second
        .post("/v1/auth/passkeys/login/finish", &body)
        .await
        .unwrap();
    signed_in.expect(200);
    assert_eq!(
        signed_in.json["account_id"].as_str().unwrap(),
        citizen.account_id
    );
    first
        .post("/v1/auth/passkeys/login/finish", &body)
        .await
        .unwrap()
        .expect_problem(401, "passkey_rejected");
}

#[tokio::test]
async fn an_unknown_address_gets_options_indistinguishable_in_shape() {
    let app = TestApp::spawn().await.unwrap();
    let unknown = app
        .post(
            "/v1/auth/passkeys/login/start",
            &json!({ "email": "ghost@example.vn" }),
        )
        .await
        .unwrap();
    unknown.expect(200);
    assert!(unknown.json["options"]["publicKey"]["challenge"].is_string());
    let mut stranger = SoftAuthenticator::new(ORIGIN);
    assert!(
        stranger.authenticate(&unknown.json["options"]).is_err(),
        "no credential to offer"
    );
}

#[tokio::test]
async fn the_android_app_origin_is_accepted_when_configured() {
    let app = TestApp::builder()
        .env("HEALTHBOOK_WEBAUTHN_RP_ID", "healthbook.test")
        .env(
            "HEALTHBOOK_WEBAUTHN_ORIGINS",
            "https://healthbook.test,android:apk-key-hash:Zm9vYmFyZm9vYmFy",
        )
        .env("HEALTHBOOK_ANDROID_CERT_FINGERPRINTS", "AB:CD:EF")
        .env("HEALTHBOOK_IOS_APP_IDS", "TEAM123.vn.healthbook.app")
        .spawn()
        .await
        .unwrap();
    let citizen = app.citizen("android").await.unwrap();
    let mut android = SoftAuthenticator::new("android:apk-key-hash:Zm9vYmFyZm9vYmFy");
    app.enrol_passkey(&citizen.token, &mut android, "Android")
        .await
        .unwrap()
        .expect(201);
    app.passkey_sign_in(&mut android, None)
        .await
        .unwrap()
        .expect(200);
    let mut web = SoftAuthenticator::new("https://healthbook.test");
    let mut other = SoftAuthenticator::new("https://evil.test");
    let (phone_session, _) = (app.passkey_sign_in(&mut android, None).await.unwrap(), ());
    let token = phone_session.json["token"].as_str().unwrap();
    app.enrol_passkey(token, &mut web, "Web")
        .await
        .unwrap()
        .expect(201);
    app.enrol_passkey(token, &mut other, "Evil")
        .await
        .unwrap()
        .expect_problem(401, "passkey_rejected");

    let links = app.get("/.well-known/assetlinks.json").await.unwrap();
    links.expect(200);
    assert_eq!(
        links.json[0]["target"]["sha256_cert_fingerprints"][0],
        "AB:CD:EF"
    );
    assert_eq!(links.json[0]["target"]["package_name"], "vn.healthbook.app");
    let apple = app
        .get("/.well-known/apple-app-site-association")
        .await
        .unwrap();
    assert_eq!(
        apple.json["webcredentials"]["apps"][0],
        "TEAM123.vn.healthbook.app"
    );
}

#[tokio::test]
async fn removing_a_passkey_ends_its_sessions() {
    let app = TestApp::spawn().await.unwrap();
    let (citizen, mut phone) = app.citizen_with_passkey("lost-phone").await.unwrap();
    let mut tablet = SoftAuthenticator::new(ORIGIN);
    app.enrol_passkey(&citizen.token, &mut tablet, "Máy tính bảng")
        .await
        .unwrap()
        .expect(201);
    // The phone is lost: its passkey has two sessions open; the tablet signs in too.
    let on_phone = app.passkey_sign_in(&mut phone, None).await.unwrap();
    let on_tablet = app.passkey_sign_in(&mut tablet, None).await.unwrap();
    let phone_tokens = [
        citizen.token.clone(),
        on_phone.json["token"].as_str().unwrap().to_owned(),
    ];
    let tablet_token = on_tablet.json["token"].as_str().unwrap().to_owned();
    for token in phone_tokens.iter().chain([&tablet_token]) {
        app.get_as(token, "/v1/me").await.unwrap().expect(200);
    }
    let list = app.get_as(&tablet_token, "/v1/me/passkeys").await.unwrap();
    let phone_key = list
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Test phone")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = app.mail_count(&citizen.email);
    app.call(
        Method::DELETE,
        &format!("/v1/me/passkeys/{phone_key}"),
        Some(&tablet_token),
        None,
    )
    .await
    .unwrap()
    .expect(204);
    for token in &phone_tokens {
        app.get_as(token, "/v1/me")
            .await
            .unwrap()
            .expect_problem(401, "unauthenticated");
    }
    app.get_as(&tablet_token, "/v1/me")
        .await
        .unwrap()
        .expect(200);
    let mail = app
        .wait_for_mail(&citizen.email, |m| m.text.contains("Test phone"))
        .await
        .unwrap();
    assert!(app.mail_count(&citizen.email) > before);
    assert!(!mail.text.contains("Máy tính bảng"), "{}", mail.text);
}

#[tokio::test]
async fn passkey_failures_never_lock_staff() {
    let app = TestApp::spawn().await.unwrap();
    let (officer, phone) = app.staff("support", None).await.unwrap();
    // Someone holding a copy of nothing but the credential's public parts sends junk
    // assertions: answers for another site, and answers without user verification.
    let mut forger = phone.clone();
    for n in 0..12 {
        if n % 2 == 0 {
            forger.misbehaviour.origin = Some("https://phishing.example".to_owned());
            forger.misbehaviour.skip_user_verification = false;
        } else {
            forger.misbehaviour.origin = None;
            forger.misbehaviour.skip_user_verification = true;
        }
        app.passkey_sign_in(&mut forger, Some(&officer.email))
            .await
            .unwrap()
            .expect_problem(401, "passkey_rejected");
    }
    let mut phone = phone;
    let signed_in = app.passkey_sign_in(&mut phone, None).await.unwrap();
    signed_in.expect(200);
    let me = app
        .get_as(signed_in.json["token"].as_str().unwrap(), "/v1/me")
        .await
        .unwrap();
    me.expect(200);
}

#[tokio::test]
async fn registration_asks_for_a_discoverable_credential_and_records_the_answer() {
    let app = TestApp::spawn().await.unwrap();
    let citizen = app.citizen("rk").await.unwrap();
    let start = app
        .post_as(
            &citizen.token,
            "/v1/auth/passkeys/register/start",
            &json!({ "name": "Pixel" }),
        )
        .await
        .unwrap();
    start.expect(200);
    let options = &start.json["options"]["publicKey"];
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(
        options["authenticatorSelection"]["requireResidentKey"],
        true
    );
    assert_eq!(options["extensions"]["credProps"], true);
    let mut phone = SoftAuthenticator::new(ORIGIN);
    let credential = phone.register(&start.json["options"]).unwrap();
    let finished = app
        .post_as(
            &citizen.token,
            "/v1/auth/passkeys/register/finish",
            &json!({ "ceremony_id": start.json["ceremony_id"], "credential": credential }),
        )
        .await
        .unwrap();
    finished.expect(201);
    assert_eq!(finished.json["discoverable"], true);
}

#[tokio::test]
async fn a_ceremony_begun_before_the_first_passkey_cannot_add_a_second_from_a_basic_session() {
    let app = TestApp::spawn().await.unwrap();
    let citizen = app.citizen("race").await.unwrap();
    // A basic session (an email code) begins while the account has no passkey yet…
    let begun = app
        .post_as(
            &citizen.token,
            "/v1/auth/passkeys/register/start",
            &json!({ "name": "Evil" }),
        )
        .await
        .unwrap();
    begun.expect(200);
    // …then the owner enrols the first passkey from another session…
    let before = app.mail_count(&citizen.email);
    app.post("/v1/auth/otp/start", &json!({ "email": citizen.email }))
        .await
        .unwrap();
    let code = app.code_for(&citizen.email, before).await.unwrap();
    let owner = app
        .post(
            "/v1/auth/otp/finish",
            &json!({ "email": citizen.email, "code": code }),
        )
        .await
        .unwrap();
    let mut phone = SoftAuthenticator::new(ORIGIN);
    app.enrol_passkey(owner.json["token"].as_str().unwrap(), &mut phone, "Phone")
        .await
        .unwrap()
        .expect(201);
    // …and the first ceremony, finished now, would be a second passkey from a basic session.
    let mut attacker = SoftAuthenticator::new(ORIGIN);
    let credential = attacker.register(&begun.json["options"]).unwrap();
    app.post_as(
        &citizen.token,
        "/v1/auth/passkeys/register/finish",
        &json!({ "ceremony_id": begun.json["ceremony_id"], "credential": credential }),
    )
    .await
    .unwrap()
    .expect_problem(403, "step_up_required");
    let strong = app.passkey_sign_in(&mut phone, None).await.unwrap();
    let passkeys = app
        .get_as(strong.json["token"].as_str().unwrap(), "/v1/me/passkeys")
        .await
        .unwrap();
    assert_eq!(
        passkeys.json.as_array().unwrap().len(),
        1,
        "{}",
        passkeys.text
    );
    app.passkey_sign_in(&mut attacker, None)
        .await
        .unwrap()
        .expect(401);
}

#[tokio::test]
async fn two_first_passkeys_finished_at_once_from_a_basic_session_add_one() {
    let app = TestApp::spawn().await.unwrap();
    for round in 0..4 {
        let citizen = app.citizen(&format!("twin{round}")).await.unwrap();
        let mut begun = Vec::new();
        for _ in 0..2 {
            let start = app
                .post_as(
                    &citizen.token,
                    "/v1/auth/passkeys/register/start",
                    &json!({ "name": "Phone" }),
                )
                .await
                .unwrap();
            start.expect(200);
            begun.push(start);
        }
        let finishes = begun.iter().map(|start| {
            let mut phone = SoftAuthenticator::new(ORIGIN);
            let credential = phone.register(&start.json["options"]).unwrap();
            let body =
                json!({ "ceremony_id": start.json["ceremony_id"], "credential": credential });
            let app = &app;
            let token = citizen.token.clone();
            async move {
                app.post_as(&token, "/v1/auth/passkeys/register/finish", &body)
                    .await
                    .unwrap()
            }
        });
        let mut statuses: Vec<u16> = futures::future::join_all(finishes)
            .await
            .iter()
            .map(|answer| answer.status.as_u16())
            .collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 403], "round {round}");
    }
}
