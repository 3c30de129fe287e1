//! The queue on the day: reception calls numbers in order among those who came, the hall's
//! screen and anyone's phone see numbers only, and each patient sees their place and is told
//! by mail when their turn is near.

use crate::booking_support::*;
use chrono::Duration;
use healthbook_tests::TestApp;
use serde_json::{Value, json};

fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn call(app: &TestApp, token: &str, fid: &str, queue: &str) -> Value {
    let reply = app
        .post_as(
            token,
            &format!("/v1/facilities/{fid}/queues/{}/call", path_segment(queue)),
            &json!({}),
        )
        .await
        .unwrap();
    reply.expect(200);
    reply.json
}

#[tokio::test]
async fn reception_calls_numbers_in_order_and_each_patient_sees_their_place_and_is_told_when_near()
{
    let (app, admin, fid) = app_with_admin().await;
    create_schedule(&app, &admin, &fid, &daily_slot(6, "endocrinology", &day(2))).await;
    let slot = daily_slot_on(&app, &fid, "endocrinology", &day(2)).await;
    let patients = crowd(&app, 5, "queue").await;
    let mut appointments = Vec::new();
    for person in &patients {
        let reply = book(&app, &person.token, &slot).await;
        reply.expect(201);
        appointments.push(reply.json);
    }
    let queue = appointments[0]["queue"].as_str().unwrap().to_owned();
    let numbers: Vec<i64> = appointments
        .iter()
        .map(|a| a["queue_number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);

    let day_of = process_at(&app, instant(&slot["starts_at"]) + Duration::minutes(10)).await;
    let (desk, _) = day_of.staff("doctor", Some(BACH_MAI)).await.unwrap();
    // Numbers 3, 1, 2 and 5 arrive, in that order; 4 does not come.
    for i in [2, 0, 1, 4] {
        let aid = appointments[i]["id"].as_str().unwrap();
        day_of
            .post_as(
                &desk.token,
                &format!("/v1/appointments/{aid}/check-in"),
                &json!({}),
            )
            .await
            .unwrap()
            .expect(200);
    }
    let public_path = format!("/v1/facilities/{fid}/queues/{}", path_segment(&queue));
    let before = day_of.get(&public_path).await.unwrap();
    before.expect(200);
    assert_eq!(before.json["waiting"], json!([1, 2, 3, 5]));
    assert_eq!(before.json["serving"], json!([]));
    assert_eq!(before.json["not_arrived"], 1);
    assert!(!before.text.contains("Công dân"), "{}", before.text);

    let first = call(&day_of, &desk.token, &fid, &queue).await;
    assert_eq!(first["serving"], json!([1]));
    assert_eq!(first["waiting"], json!([2, 3, 5]));
    assert_eq!(first["average_service_seconds"], Value::Null);
    // Those three numbers or fewer from their turn are told, once.
    let last = &patients[4];
    let near = day_of
        .wait_for_mail(&last.email, |m| m.subject == "Sắp đến lượt khám")
        .await
        .unwrap();
    assert!(near.text.contains("Số thứ tự 5"), "{}", near.text);
    let mine = day_of
        .get_as(
            &last.token,
            &format!(
                "/v1/appointments/{}/queue",
                appointments[4]["id"].as_str().unwrap()
            ),
        )
        .await
        .unwrap();
    mine.expect(200);
    assert_eq!(mine.json["stage"], "waiting");
    assert_eq!(mine.json["ahead"], 2);

    let second = call(&day_of, &desk.token, &fid, &queue).await;
    assert_eq!(second["serving"], json!([2]));
    assert_eq!(second["served"], 1);
    assert!(second["average_service_seconds"].is_u64(), "{second}");
    let mine = day_of
        .get_as(
            &last.token,
            &format!(
                "/v1/appointments/{}/queue",
                appointments[4]["id"].as_str().unwrap()
            ),
        )
        .await
        .unwrap();
    assert_eq!(mine.json["ahead"], 1);
    assert!(mine.json["estimated_call_at"].is_string(), "{}", mine.text);
    let absent = day_of
        .get_as(
            &patients[3].token,
            &format!(
                "/v1/appointments/{}/queue",
                appointments[3]["id"].as_str().unwrap()
            ),
        )
        .await
        .unwrap();
    assert_eq!(absent.json["stage"], "not_arrived");
    // The second call told nobody again.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let notices = day_of
        .mails()
        .unwrap()
        .into_iter()
        .filter(|m| m.to.eq_ignore_ascii_case(&last.email) && m.subject == "Sắp đến lượt khám")
        .count();
    assert_eq!(notices, 1, "one notice only");

    // The waiting hall's screen.
    let screen = day_of
        .get(&format!("/display/{fid}/{}", path_segment(&queue)))
        .await
        .unwrap();
    screen.expect(200);
    assert!(screen.text.contains("id=\"serving\">2<"), "{}", screen.text);
    assert!(screen.text.contains("3 · 5"), "{}", screen.text);
    assert!(screen.text.contains("http-equiv=\"refresh\""));

    // Nobody else reads a patient's place, and only staff of the facility call.
    let stranger = day_of.citizen("queue-stranger").await.unwrap();
    day_of
        .get_as(
            &stranger.token,
            &format!(
                "/v1/appointments/{}/queue",
                appointments[4]["id"].as_str().unwrap()
            ),
        )
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    let refused = day_of
        .post_as(
            &stranger.token,
            &format!("/v1/facilities/{fid}/queues/{}/call", path_segment(&queue)),
            &json!({}),
        )
        .await
        .unwrap();
    assert_eq!(refused.status.as_u16(), 403, "{}", refused.text);
    let after = day_of.get(&public_path).await.unwrap();
    assert_eq!(
        after.json["serving"],
        json!([2]),
        "the stranger called no one"
    );
    let missing = uuid::Uuid::now_v7();
    day_of
        .get(&format!("/display/{missing}/{}", path_segment(&queue)))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
}
