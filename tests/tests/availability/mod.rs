//! Public availability: free places by unit, service and date, without a session and
//! without personal data, with an `ETag` a portal can poll against, and a limit per client.

use crate::booking_support::*;
use chrono::Duration;
use healthbook_tests::{Reply, TestApp};
use reqwest::Method;
use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};

async fn availability(app: &TestApp, query: &str, etag: Option<&str>) -> Reply {
    let mut request = app.request(Method::GET, &format!("/v1/availability?{query}"));
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    Reply::from(request.send().await.unwrap()).await.unwrap()
}

/// The free places the answer gives the slot, if it lists it.
fn free_in(answer: &Value, slot: &Value) -> Option<u64> {
    answer["facilities"]
        .as_array()?
        .iter()
        .flat_map(|f| f["days"].as_array().cloned().unwrap_or_default())
        .flat_map(|d| d["slots"].as_array().cloned().unwrap_or_default())
        .find(|s| s["slot_id"] == slot["id"])
        .and_then(|s| s["free"].as_u64())
}

#[tokio::test]
async fn public_availability_counts_free_places_without_personal_data_and_answers_304_when_unchanged()
 {
    let (app, admin, fid) = app_with_admin().await;
    create_schedule(&app, &admin, &fid, &daily_slot(2, "oncology", &day(2))).await;
    let slot = daily_slot_on(&app, &fid, "oncology", &day(2)).await;
    let query = format!(
        "province=01&service=examination&specialty=oncology&date={}&days=2",
        day(1)
    );

    let first = availability(&app, &query, None).await;
    first.expect(200);
    assert_eq!(first.headers[CACHE_CONTROL], "public, max-age=30");
    let etag = first.headers[ETAG].to_str().unwrap().to_owned();
    assert_eq!(free_in(&first.json, &slot), Some(2), "{}", first.text);
    let bach_mai = first.json["facilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["facility_id"] == fid.as_str())
        .expect("Bạch Mai is listed");
    assert_eq!(bach_mai["province_code"], "01");
    assert_eq!(first.json["from"], day(1));
    assert_eq!(first.json["to"], day(2));
    // Unchanged: 304 with the same tag and no body.
    let again = availability(&app, &query, Some(&etag)).await;
    assert_eq!(again.status.as_u16(), 304);
    assert_eq!(again.headers[ETAG].to_str().unwrap(), etag);
    assert!(again.text.is_empty());

    // A booking and a hold take the two places: the slot is no longer listed, and nothing of
    // who booked or holds is in the answer.
    let booker = app.citizen("public-booker").await.unwrap();
    let holder = app.citizen("public-holder").await.unwrap();
    book(&app, &booker.token, &slot).await.expect(201);
    let after_booking = availability(&app, &query, Some(&etag)).await;
    after_booking.expect(200);
    assert_ne!(after_booking.headers[ETAG].to_str().unwrap(), etag);
    assert_eq!(free_in(&after_booking.json, &slot), Some(1));
    let held = app
        .post_as(
            &holder.token,
            &format!("/v1/slots/{}/hold", slot["id"].as_str().unwrap()),
            &json!({ "service": "examination" }),
        )
        .await
        .unwrap();
    held.expect(201);
    let full = availability(&app, &query, None).await;
    full.expect(200);
    assert_eq!(free_in(&full.json, &slot), None, "{}", full.text);
    for private in [&booker.email, &holder.email, "Công dân", "citizen"] {
        assert!(!full.text.contains(private), "{private} in {}", full.text);
    }

    // The hold lapses unbooked: its place counts as free again, before any sweep.
    let later = process_at(
        &app,
        instant(&held.json["expires_at"]) + Duration::minutes(1),
    )
    .await;
    let freed = availability(&later, &query, None).await;
    freed.expect(200);
    assert_eq!(free_in(&freed.json, &slot), Some(1), "{}", freed.text);
}

#[tokio::test]
async fn public_availability_refuses_a_query_without_a_unit_or_out_of_range_and_limits_each_client()
{
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let date = day(1);
    for (query, field) in [
        (format!("service=examination&date={date}"), "province"),
        (
            format!("province=01&service=examination&date={date}&days=8"),
            "days",
        ),
        (
            "province=01&service=examination&date=2026-13-40".to_owned(),
            "date",
        ),
        (
            format!("province=1&service=examination&date={date}"),
            "province",
        ),
        (
            format!("province=01&service=examination&date={date}&limit=101"),
            "limit",
        ),
    ] {
        let reply = availability(&app, &query, None).await;
        reply.expect_problem(422, "validation_failed");
        assert!(
            reply.json["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{query}: {}",
            reply.text
        );
    }
    // Some 300 a minute per client address, then 429 with when to come back.
    let query = format!("province=01&service=examination&date={date}");
    let mut limited = None;
    for _ in 0..320 {
        let reply = availability(&app, &query, None).await;
        if reply.status.as_u16() == 429 {
            limited = Some(reply);
            break;
        }
        reply.expect(200);
    }
    let limited = limited.expect("a client is limited");
    limited.expect_problem(429, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
}
