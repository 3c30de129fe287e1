//! Snapshots of every word a person receives: every problem body and every mail, in both
//! languages, as the server renders them. A changed sentence shows up in review as a changed
//! snapshot; a snapshot left behind by a removed test fails the run.
//!
//! Update after an intended change: `INSTA_UPDATE=always cargo test -p healthbook-server --lib
//! wording_snapshots`, then review the diff of `server/snapshots/wording/` (or use
//! `cargo insta review`).

use crate::auth::mails as auth_mails;
use crate::booking::entities::appointment;
use crate::booking::mails::{self as booking_mails, Kind, MailContext};
use crate::error::{ApiError, FieldError, REQUEST_LANG, Text};
use crate::mail::OutgoingEmail;
use crate::vaccination::mails as vaccination_mails;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use base64::Engine;
use chrono::{DateTime, Utc};
use healthbook_domain::booking::Policy;
use healthbook_domain::problem::{ProblemCode, too_many_appointments_message};
use healthbook_domain::{Lang, Sensitive};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;
use uuid::Uuid;

const LANGS: [Lang; 2] = [Lang::Vi, Lang::En];

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots/wording");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots/wording")
}

/// The body, status and `Content-Language` the server sends for `error` to a caller of `lang`.
async fn rendered(error: ApiError, lang: Lang) -> Value {
    let response = REQUEST_LANG.sync_scope(lang, || error.into_response());
    let status = response.status().as_u16();
    let language = response
        .headers()
        .get("content-language")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["status"], status);
    json!({ "content_language": language, "retry_after": retry_after, "body": body })
}

/// Every code of the vocabulary, and the bodies whose status the renderer itself decides.
/// A code's status is chosen where it is raised (a `slot_full` is a 409 from booking), so
/// for the vocabulary the snapshot keeps what the code alone decides: `type`, `code`,
/// `detail` and the language.
async fn problems(lang: Lang) -> Value {
    let mut vocabulary = Vec::new();
    for &code in ProblemCode::ALL {
        let mut shown = rendered(ApiError::new(StatusCode::BAD_REQUEST, code), lang).await;
        let body = shown["body"].as_object_mut().unwrap();
        body.remove("status");
        body.remove("title");
        vocabulary.push(shown["body"].take());
    }
    let mut fixed = serde_json::Map::new();
    for status in [
        StatusCode::BAD_REQUEST,
        StatusCode::NOT_FOUND,
        StatusCode::METHOD_NOT_ALLOWED,
        StatusCode::REQUEST_TIMEOUT,
        StatusCode::PAYLOAD_TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        StatusCode::INTERNAL_SERVER_ERROR,
    ] {
        fixed.insert(
            format!("from_status {}", status.as_u16()),
            rendered(ApiError::from_status(status), lang).await,
        );
    }
    fixed.insert(
        "unavailable database".into(),
        rendered(ApiError::unavailable_now("database"), lang).await,
    );
    fixed.insert(
        "validation".into(),
        rendered(
            ApiError::validation(vec![
                FieldError::new(
                    "national_id",
                    "national_id_wrong_length",
                    Text::new("Số định danh phải có 12 chữ số.", "Must be 12 digits."),
                ),
                FieldError::new("x".repeat(300), "y".repeat(300), Text::new("", "")),
            ]),
            lang,
        )
        .await,
    );
    fixed.insert(
        "too many appointments".into(),
        rendered(
            ApiError::with_detail(
                StatusCode::CONFLICT,
                ProblemCode::TooManyAppointments,
                Text::new(
                    too_many_appointments_message(5, Lang::Vi),
                    too_many_appointments_message(5, Lang::En),
                ),
            ),
            lang,
        )
        .await,
    );
    json!({ "vocabulary": vocabulary, "bodies": fixed })
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn booking_context(lang: Lang, for_dependent: bool) -> MailContext {
    MailContext {
        booker_email: "lan@example.vn".to_owned(),
        booker_name: "Nguyễn Thị Lan".to_owned(),
        lang,
        citizen_name: "Trần Minh An".to_owned(),
        for_dependent,
        facility_name: "Trạm Y tế phường Ba Đình".to_owned(),
        facility_address: "12 Phan Đình Phùng, Hà Nội".to_owned(),
        organizer_email: "no-reply@healthbook.vn".to_owned(),
    }
}

fn appointment_row(specialty: Option<&str>, room: Option<&str>) -> appointment::Model {
    let id = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001);
    appointment::Model {
        id,
        code: "7KQ2M9X4TZ8P".to_owned(),
        slot_id: id,
        facility_id: id,
        citizen_id: id,
        booked_by: id,
        service: "examination".to_owned(),
        specialty: specialty.map(str::to_owned),
        practitioner_id: None,
        room: room.map(str::to_owned),
        queue: "general".to_owned(),
        local_date: at("2026-12-10T01:00:00Z").date_naive(),
        starts_at: at("2026-12-10T01:00:00Z"),
        ends_at: at("2026-12-10T01:10:00Z"),
        queue_number: 4,
        status: "booked".to_owned(),
        active_key: None,
        revision: 1,
        reminder_due_at: None,
        reminder_sent_at: None,
        created_at: at("2026-12-01T03:00:00Z"),
        updated_at: at("2026-12-02T03:00:00Z"),
        cancelled_at: None,
        cancelled_by: None,
        cancel_reason: None,
        checked_in_at: None,
        no_show_at: None,
        called_at: None,
        served_at: None,
        near_notice_at: None,
        attended_by: None,
        vaccine: None,
    }
}

/// Every mail the server sends, with fixed inputs (a code of `123456`, fixed instants).
fn mails(lang: Lang) -> Vec<(&'static str, OutgoingEmail)> {
    let to = "lan@example.vn";
    let name = "Nguyễn Thị Lan";
    let code = Sensitive::new("123456".to_owned());
    let passkeys = ["iPhone của Lan".to_owned(), "YubiKey 5".to_owned()];
    let stamp = at("2026-12-02T03:00:00Z");
    let policy = Policy::default();
    let plain = appointment_row(None, None);
    let detailed = appointment_row(Some("pediatrics"), Some("P.102"));
    let own = booking_context(lang, false);
    let dependent = booking_context(lang, true);
    vec![
        (
            "verify_email",
            auth_mails::verify_email(to, name, &code, lang),
        ),
        (
            "record_opened_in_emergency",
            crate::book::break_glass::opened_mail(
                (to, name),
                "Trần Minh An",
                "Lê Văn Hùng",
                "Bệnh viện Bạch Mai",
                stamp,
                lang,
            ),
        ),
        (
            "sign_in_code",
            auth_mails::sign_in_code(to, name, &code, lang),
        ),
        (
            "next_dose",
            vaccination_mails::email(
                to,
                vaccination_mails::next_dose_text(
                    lang,
                    name,
                    &healthbook_domain::vaccine::doses::NextDose {
                        vaccine: "hepa".to_owned(),
                        product: Some("Twinrix".to_owned()),
                        dose_number: 2,
                        earliest: chrono::NaiveDate::from_ymd_opt(2027, 1, 2).unwrap(),
                        recommended: None,
                        antigens: Vec::new(),
                    },
                ),
            ),
        ),
        (
            "serious_reaction_alert",
            vaccination_mails::email(
                to,
                vaccination_mails::serious_reaction_text(
                    lang,
                    "Bệnh viện Bạch Mai",
                    Uuid::from_u128(7),
                    Uuid::from_u128(9),
                ),
            ),
        ),
        (
            "feedback_answered",
            vaccination_mails::email(
                to,
                vaccination_mails::feedback_answered_text(lang, name, "Trạm Y tế phường Kim Liên"),
            ),
        ),
        (
            "recovery_code",
            auth_mails::recovery_code(to, name, &code, lang),
        ),
        (
            "recovered",
            auth_mails::recovered(to, name, &passkeys, lang),
        ),
        (
            "recovery_pending",
            auth_mails::recovery_pending(to, name, at("2026-12-03T03:00:00Z"), lang),
        ),
        ("locked_out", auth_mails::locked_out(to, name, 15, lang)),
        (
            "passkey_added",
            auth_mails::passkey_added(to, name, "iPhone của Lan", lang),
        ),
        (
            "passkeys_removed",
            auth_mails::passkeys_removed(to, name, &passkeys, lang),
        ),
        (
            "staff_enrolment",
            auth_mails::staff_enrolment(
                to,
                name,
                &code,
                "https://healthbook.vn/enrol#code=123456",
                72,
                lang,
            ),
        ),
        (
            "guardian_invitation",
            auth_mails::guardian_invitation(to, name, "Trần Minh An", lang),
        ),
        (
            "registration_not_opened",
            auth_mails::registration_not_opened(to, name, lang),
        ),
        (
            "national_id_claim_attempted",
            auth_mails::national_id_claim_attempted(to, name, "Trần Minh An", lang),
        ),
        (
            "national_id_displaced",
            auth_mails::national_id_displaced(to, name, lang),
        ),
        (
            "record_claimed",
            auth_mails::record_claimed(to, name, "Trần Minh An", lang),
        ),
        (
            "dependent_not_added",
            auth_mails::dependent_not_added(to, name, "Trần Minh An", lang),
        ),
        (
            "address_already_registered",
            auth_mails::address_already_registered(to, name, lang),
        ),
        (
            "booking confirmation",
            booking_mails::appointment_mail(Kind::Confirmation, &own, &plain, &policy, stamp),
        ),
        (
            "booking confirmation, for a dependent, with specialty and room",
            booking_mails::appointment_mail(
                Kind::Confirmation,
                &dependent,
                &detailed,
                &policy,
                stamp,
            ),
        ),
        (
            "booking rescheduled",
            booking_mails::appointment_mail(Kind::Rescheduled, &own, &plain, &policy, stamp),
        ),
        (
            "booking reminder",
            booking_mails::appointment_mail(Kind::Reminder, &own, &plain, &policy, stamp),
        ),
        (
            "booking cancelled by the citizen",
            booking_mails::cancellation(&own, &plain, false, None, stamp),
        ),
        (
            "a place offered from the waitlist, for a dependent",
            booking_mails::waitlist_offer(
                &dependent,
                "examination",
                Some("pediatrics"),
                detailed.starts_at,
                at("2026-12-02T03:15:00Z"),
            ),
        ),
        (
            "the turn is near, for a dependent",
            booking_mails::turn_near(&dependent, &detailed, 3),
        ),
        (
            "booking cancelled by the facility, with a reason",
            booking_mails::cancellation(&dependent, &detailed, true, Some("Bác sĩ nghỉ"), stamp),
        ),
    ]
}

/// A mail as its recipient reads it: headers, text, and each attachment's text.
fn as_read(name: &str, mail: &OutgoingEmail) -> String {
    let mut text = format!(
        "=== {name}\nTo: {}\nSubject: {}\n\n{}\n",
        mail.recipient.expose(),
        mail.subject,
        mail.body_text
    );
    if let Some(html) = &mail.body_html {
        text.push_str(&format!("--- html\n{html}\n"));
    }
    for attachment in &mail.attachments {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&attachment.content_base64)
            .unwrap();
        text.push_str(&format!(
            "--- {} ({})\n{}\n",
            attachment.filename,
            attachment.content_type,
            String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
        ));
    }
    text
}

#[tokio::test]
async fn every_problem_body_and_mail_matches_its_snapshot_and_no_snapshot_is_left_over() {
    let mut asserted = BTreeSet::new();
    for lang in LANGS {
        let problems = problems(lang).await;
        let name = format!("problems_{}", lang.code());
        settings().bind(|| insta::assert_json_snapshot!(name.clone(), problems));
        asserted.insert(name);

        let text: String = mails(lang)
            .iter()
            .map(|(name, mail)| as_read(name, mail))
            .collect::<Vec<_>>()
            .join("\n");
        let name = format!("mails_{}", lang.code());
        settings().bind(|| insta::assert_snapshot!(name.clone(), text));
        asserted.insert(name);
    }

    // What `cargo insta test --unreferenced=reject` would do, without the tool: a snapshot
    // on disk that no assertion above produced is stale.
    let on_disk: BTreeSet<String> = std::fs::read_dir(snapshot_dir())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            entry
                .file_name()
                .to_str()
                .and_then(|file| file.strip_suffix(".snap"))
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(on_disk, asserted, "snapshot files left without a test");
}

/// Which snapshot shows each kind of appointment mail: a new kind does not compile until it
/// has one.
fn snapshot_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Confirmation => "booking confirmation",
        Kind::Rescheduled => "booking rescheduled",
        Kind::Reminder => "booking reminder",
    }
}

#[test]
fn every_mail_is_snapshotted_once_and_every_appointment_kind_is_among_them() {
    for lang in LANGS {
        let names: Vec<&str> = mails(lang).iter().map(|(name, _)| *name).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        for kind in [Kind::Confirmation, Kind::Rescheduled, Kind::Reminder] {
            assert!(unique.contains(snapshot_of(kind)), "{kind:?}");
        }
    }
}
