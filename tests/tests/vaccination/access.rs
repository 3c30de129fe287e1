//! Staff read a citizen's doses only through one of the book's bases — care (checked in at
//! their facility today), a consent naming their facility, a break-glass opening — each read
//! leaving its access-log line with that basis; a member of staff with none of them is
//! answered as for a citizen who does not exist.

use crate::booking_support::*;
use crate::health_book::Clinic;
use healthbook_tests::Reply;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

fn same(a: &Reply, b: &Reply, what: &str) {
    assert_eq!(a.status, b.status, "{what}: {} vs {}", a.text, b.text);
    assert_eq!(a.json, b.json, "{what}");
}

/// Reads the doses as `token`, which must succeed and leave the `lines`-th access-log line: a
/// read of the doses on `basis` by a doctor. Returns the whole log.
async fn reads_on(clinic: &Clinic, token: &str, lines: usize, basis: &str) -> Vec<Value> {
    clinic
        .on_the_day
        .get_as(token, &clinic.path("immunizations"))
        .await
        .unwrap()
        .expect(200);
    let log = clinic.log().await;
    assert_eq!(log.len(), lines, "{log:?}");
    let line = &log[0];
    assert_eq!(line["basis"], basis, "{log:?}");
    assert_eq!(line["action"], "read", "{log:?}");
    assert_eq!(line["actor_role"], "doctor", "{log:?}");
    assert_eq!(line["sections"], json!(["immunizations"]), "{log:?}");
    log
}

#[tokio::test]
async fn staff_read_a_citizens_doses_through_care_consent_or_break_glass_each_logged() {
    let clinic = Clinic::open().await;
    let day_app = &clinic.on_the_day;
    let doses = clinic.path("immunizations");
    let unknown = format!("/v1/citizens/{}/immunizations", Uuid::now_v7());
    let doctor = clinic.doctor().await;
    let (elsewhere, _) = day_app.staff("doctor", Some(NHI_TRUNG_UONG)).await.unwrap();
    let other_fid = facility(day_app, "nhi trung uong").await;
    let (vaccinator_elsewhere, _) = day_app.staff("vaccinator", Some("01818")).await.unwrap();

    // No relationship: the doses of a citizen who does not exist, and nothing logged.
    for (who, token) in [
        ("the facility's doctor before the check-in", &doctor.token),
        ("another facility's doctor", &elsewhere.token),
        ("another facility's vaccinator", &vaccinator_elsewhere.token),
    ] {
        let foreign = day_app.get_as(token, &doses).await.unwrap();
        let missing = day_app.get_as(token, &unknown).await.unwrap();
        foreign.expect_problem(404, "not_found");
        same(&foreign, &missing, who);
    }
    assert!(clinic.log().await.is_empty());

    // Care: checked in at the doctor's facility today.
    clinic.check_in(&doctor).await;
    reads_on(&clinic, &doctor.token, 1, "care").await;

    // Consent: the citizen names the other facility for their doses.
    let text = day_app.get("/v1/consent-text?lang=vi").await.unwrap();
    let consent = day_app
        .post_as(
            &clinic.patient.token,
            &clinic.path("consents"),
            &json!({
                "facility_id": other_fid, "purpose": "referral", "sections": ["immunizations"],
                "valid_until": day(30), "text_version": text.json["version"],
                "channel": "app", "agreed": true,
            }),
        )
        .await
        .unwrap();
    consent.expect(201);
    reads_on(&clinic, &elsewhere.token, 2, "consent").await;
    // Still nothing for staff the consent does not name.
    day_app
        .get_as(&vaccinator_elsewhere.token, &doses)
        .await
        .unwrap()
        .expect_problem(404, "not_found");

    // Break-glass: the consent withdrawn, the other facility's doctor opens the book.
    let consent_id = consent.json["id"].as_str().unwrap();
    day_app
        .call(
            Method::DELETE,
            &clinic.path(&format!("consents/{consent_id}")),
            Some(&clinic.patient.token),
            None,
        )
        .await
        .unwrap()
        .expect(200);
    day_app
        .get_as(&elsewhere.token, &doses)
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    day_app
        .post_as(
            &elsewhere.token,
            &clinic.path("break-glass"),
            &json!({ "facility_id": other_fid, "reason": "Sốc phản vệ tại cấp cứu, cần biết các mũi đã tiêm" }),
        )
        .await
        .unwrap()
        .expect(201);
    let log = reads_on(&clinic, &elsewhere.token, 3, "break_glass").await;
    assert_eq!(log.iter().filter(|l| l["basis"] == "care").count(), 1);
}
