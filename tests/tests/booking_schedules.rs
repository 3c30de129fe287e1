//! Schedules, closures and holidays, the facility and practitioner administration, the
//! facility search by free places, and the reminder a day before.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod booking_support;

use booking_support::*;
use chrono::{Datelike, Duration, NaiveTime};
use healthbook_domain::booking::lunar;
use healthbook_domain::booking::time::to_utc;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn schedules_that_overlap_clash_or_name_what_the_facility_lacks_are_refused() {
    let (app, admin, fid) = app_with_admin().await;
    let path = format!("/v1/facilities/{fid}/schedules");
    let mut overlapping = daily_slot(2, "oncology", &day(2));
    overlapping["sessions"] = json!([
        { "day": "monday", "start": "07:00", "end": "11:30" },
        { "day": "monday", "start": "11:00", "end": "12:00" },
    ]);
    let reply = app
        .post_as(&admin.token, &path, &overlapping)
        .await
        .unwrap();
    reply.expect_problem(422, "schedule_overlap");
    assert_eq!(reply.json["errors"][0]["field"], "sessions[1]");

    // The demo examination schedule holds room P.101 on weekday mornings.
    let mut same_room = daily_slot(2, "oncology", &day(2));
    same_room["room"] = json!("P.101");
    app.post_as(&admin.token, &path, &same_room)
        .await
        .unwrap()
        .expect_problem(409, "schedule_conflict");
    let mut unknown_room = daily_slot(2, "oncology", &day(2));
    unknown_room["room"] = json!("P.999");
    app.post_as(&admin.token, &path, &unknown_room)
        .await
        .unwrap()
        .expect_problem(422, "unknown_room");
    let mut not_offered = daily_slot(2, "oncology", &day(2));
    not_offered["service"] = json!("vaccination");
    app.post_as(&admin.token, &path, &not_offered)
        .await
        .unwrap()
        .expect_problem(422, "service_not_offered");
    let mut other_specialty = daily_slot(2, "dentistry", &day(2));
    other_specialty["slot_minutes"] = json!(30);
    let reply = app
        .post_as(&admin.token, &path, &other_specialty)
        .await
        .unwrap();
    reply.expect_problem(422, "validation_failed");
    assert_eq!(reply.json["errors"][0]["code"], "specialty_not_offered");
    let mut ambiguous = daily_slot(2, "oncology", "01/12/2026");
    ambiguous["capacity"] = json!(0);
    let reply = app.post_as(&admin.token, &path, &ambiguous).await.unwrap();
    reply.expect_problem(422, "validation_failed");
    let codes: Vec<&str> = reply.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"date_ambiguous") && codes.contains(&"range"),
        "{codes:?}"
    );
    // None of these wrote anything.
    assert!(
        slots_on(&app, &fid, &day(3), "&specialty=oncology")
            .await
            .is_empty()
    );

    let created = create_schedule(&app, &admin, &fid, &daily_slot(2, "oncology", &day(2))).await;
    assert_eq!(created["queue"], "examination-oncology");
    assert!(created["slots_ahead"].as_u64().unwrap() >= 20, "{created}");
    let listed = app
        .get(&format!("/v1/facilities/{fid}/schedules"))
        .await
        .unwrap();
    assert!(
        listed
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == created["id"])
    );

    // Retiring closes its future slots; another facility's administrator cannot.
    let sid = created["id"].as_str().unwrap();
    let (elsewhere, _) = app
        .staff("facility_admin", Some(NHI_TRUNG_UONG))
        .await
        .unwrap();
    app.post_as(
        &elsewhere.token,
        &format!("/v1/facilities/{fid}/schedules/{sid}/retire"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect_problem(403, "forbidden");
    let children = facility(&app, "nhi trung uong").await;
    app.post_as(
        &elsewhere.token,
        &format!("/v1/facilities/{children}/schedules/{sid}/retire"),
        &json!({}),
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");
    let retired = app
        .post_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/schedules/{sid}/retire"),
            &json!({}),
        )
        .await
        .unwrap();
    retired.expect(200);
    assert_eq!(retired.json["active"], false);
    let slot = daily_slot_on(&app, &fid, "oncology", &day(3)).await;
    assert_eq!(slot["status"], "closed");
}

#[tokio::test]
async fn no_slots_are_held_during_tet_unless_the_schedule_runs_on_holidays() {
    let (app, admin, fid) = app_with_admin().await;
    let tet = lunar::tet(local_today().year() + 1).unwrap();
    let from = (tet - Duration::days(10)).format("%Y-%m-%d").to_string();
    create_schedule(&app, &admin, &fid, &{
        let mut closed = daily_slot(2, "oncology", &from);
        closed["open_on_holidays"] = json!(false);
        closed
    })
    .await;
    create_schedule(&app, &admin, &fid, &daily_slot(2, "mental_health", &from)).await;
    // A process ten days before Tết extends the horizon over it.
    let before_tet = process_at(&app, to_utc(tet - Duration::days(10), NaiveTime::MIN)).await;
    for offset in -1..=3 {
        let date = (tet + Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string();
        assert!(
            slots_on(&before_tet, &fid, &date, "&specialty=oncology")
                .await
                .is_empty(),
            "a slot on {date}, Tết being {tet}"
        );
        assert_eq!(
            slots_on(&before_tet, &fid, &date, "&specialty=mental_health")
                .await
                .len(),
            1,
            "the holiday schedule on {date}"
        );
    }
    let after = (tet + Duration::days(5)).format("%Y-%m-%d").to_string();
    assert_eq!(
        slots_on(&before_tet, &fid, &after, "&specialty=oncology")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn a_doctors_leave_closes_their_slots_and_cancels_bookings_with_a_notice() {
    let (app, admin, fid) = app_with_admin().await;
    let doctors = app
        .get(&format!("/v1/facilities/{fid}/practitioners"))
        .await
        .unwrap();
    doctors.expect(200);
    let doctor = doctors
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["specialties"]
                .as_array()
                .unwrap()
                .contains(&json!("respiratory"))
        })
        .expect("a respiratory doctor at Bạch Mai")
        .clone();
    let mut schedule = daily_slot(2, "respiratory", &day(2));
    schedule["practitioner_id"] = doctor["id"].clone();
    create_schedule(&app, &admin, &fid, &schedule).await;
    let slot = daily_slot_on(&app, &fid, "respiratory", &day(3)).await;
    assert_eq!(slot["practitioner_id"], doctor["id"]);
    let citizen = app.citizen("patient").await.unwrap();
    let booked = book(&app, &citizen.token, &slot).await;
    booked.expect(201);

    let leave = app
        .post_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/closures"),
            &json!({
                "kind": "leave",
                "from": day(3),
                "until": day(3),
                "practitioner_id": doctor["id"],
                "reason": "Bác sĩ đi công tác",
                "cancel_appointments": true,
            }),
        )
        .await
        .unwrap();
    leave.expect(201);
    assert_eq!(leave.json["slots_closed"], 1);
    assert_eq!(leave.json["appointments_cancelled"], 1);
    let aid = booked.json["id"].as_str().unwrap();
    let read = app
        .get_as(&citizen.token, &format!("/v1/appointments/{aid}"))
        .await
        .unwrap();
    assert_eq!(read.json["status"], "cancelled");
    assert_eq!(read.json["cancelled_by"], "facility");
    let mail = app
        .wait_for_mail(&citizen.email, |m| m.subject.contains("hủy"))
        .await
        .unwrap();
    assert!(mail.text.contains("Bác sĩ đi công tác"), "{}", mail.text);
    let closed = slot_now(&app, &fid, &slot).await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["booked"], 0);
    book(&app, &citizen.token, &slot)
        .await
        .expect_problem(409, "slot_closed");

    // A window of a day closes only the slots it meets; a leave needs its practitioner.
    let window = app
        .post_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/closures"),
            &json!({ "kind": "closure", "from": day(4), "until": day(5), "start": "08:15", "end": "09:00", "reason": "Họp giao ban" }),
        )
        .await
        .unwrap();
    window.expect(201);
    assert_eq!(
        daily_slot_on(&app, &fid, "respiratory", &day(4)).await["status"],
        "closed"
    );
    app.post_as(
        &admin.token,
        &format!("/v1/facilities/{fid}/closures"),
        &json!({ "kind": "leave", "from": day(4), "until": "2026/12/01", "reason": "x" }),
    )
    .await
    .unwrap()
    .expect_problem(422, "validation_failed");
    let listed = app
        .get(&format!("/v1/facilities/{fid}/closures"))
        .await
        .unwrap();
    assert_eq!(listed.json.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn support_registers_facilities_and_practitioners_and_admins_keep_their_own() {
    let (app, admin, fid) = app_with_admin().await;
    let (support, _) = app.staff("support", None).await.unwrap();
    let facility = json!({
        "code": "01999",
        "name": "Phòng khám Đa khoa Thử Nghiệm",
        "level": "district_centre",
        "commune_code": "00277",
        "address": "1 Giải Phóng, Hà Nội",
        "phone": "024 3869 1234",
        "opening_hours": "07:00–17:00",
        "services": ["examination"],
        "specialties": ["general"],
        "rooms": [{ "code": "P.1", "name": "Phòng khám 1" }],
    });
    let created = app
        .post_as(&support.token, "/v1/admin/facilities", &facility)
        .await
        .unwrap();
    created.expect(201);
    assert_eq!(created.json["facility"]["province_code"], "01");
    assert_eq!(created.json["rooms"][0]["code"], "P.1");
    app.post_as(&support.token, "/v1/admin/facilities", &facility)
        .await
        .unwrap()
        .expect_problem(409, "facility_code_taken");
    let mut bad = facility.clone();
    bad["code"] = json!("1999");
    bad["commune_code"] = json!("99999");
    let reply = app
        .post_as(&support.token, "/v1/admin/facilities", &bad)
        .await
        .unwrap();
    reply.expect_problem(422, "validation_failed");
    assert_eq!(
        reply.json["errors"].as_array().unwrap().len(),
        2,
        "{}",
        reply.text
    );
    app.post_as(&admin.token, "/v1/admin/facilities", &facility)
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    let found = app.get("/v1/facilities?q=thu%20nghiem").await.unwrap();
    assert_eq!(found.json["items"][0]["code"], "01999");
    let new_fid = created.json["facility"]["id"].as_str().unwrap().to_owned();

    // A facility administrator edits their own facility, not another.
    let patched = app
        .call(
            Method::PATCH,
            &format!("/v1/admin/facilities/{fid}"),
            Some(&admin.token),
            Some(&json!({ "rooms": [
                { "code": "P.101", "name": "Phòng khám 101" },
                { "code": "P.TC", "name": "Phòng tiêm chủng" },
                { "code": "P.202", "name": "Phòng khám 202" },
            ] })),
        )
        .await
        .unwrap();
    patched.expect(200);
    assert_eq!(patched.json["rooms"].as_array().unwrap().len(), 3);
    app.call(
        Method::PATCH,
        &format!("/v1/admin/facilities/{new_fid}"),
        Some(&admin.token),
        Some(&json!({ "name": "Tên khác" })),
    )
    .await
    .unwrap()
    .expect_problem(403, "forbidden");

    let doctor = json!({
        "licence_number": "009999/HNO-CCHN",
        "full_name": "Bùi Thị Thanh",
        "title": "BS.CKI",
        "specialties": ["endocrinology"],
        "facility_ids": [fid],
    });
    let registered = app
        .post_as(&admin.token, "/v1/admin/practitioners", &doctor)
        .await
        .unwrap();
    registered.expect(201);
    app.post_as(&admin.token, "/v1/admin/practitioners", &doctor)
        .await
        .unwrap()
        .expect_problem(409, "licence_number_taken");
    let mut elsewhere = doctor.clone();
    elsewhere["licence_number"] = json!("009998/HNO-CCHN");
    elsewhere["facility_ids"] = json!([new_fid]);
    app.post_as(&admin.token, "/v1/admin/practitioners", &elsewhere)
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    let pid = registered.json["id"].as_str().unwrap();
    let moved = app
        .call(
            Method::PATCH,
            &format!("/v1/admin/practitioners/{pid}"),
            Some(&support.token),
            Some(&json!({ "facility_ids": [fid, new_fid], "title": "BS.CKII" })),
        )
        .await
        .unwrap();
    moved.expect(200);
    assert_eq!(moved.json["facility_ids"].as_array().unwrap().len(), 2);
    assert_eq!(moved.json["title"], "BS.CKII");
    let listed = app
        .get(&format!("/v1/facilities/{new_fid}/practitioners"))
        .await
        .unwrap();
    assert_eq!(listed.json[0]["full_name"], "Bùi Thị Thanh");
    let mine = app
        .get_as(
            &admin.token,
            &format!("/v1/admin/practitioners?facility_id={fid}&q=bui thi"),
        )
        .await
        .unwrap();
    mine.expect(200);
    assert_eq!(mine.json.as_array().unwrap().len(), 1, "{}", mine.text);
    app.get_as(&admin.token, "/v1/admin/practitioners")
        .await
        .unwrap()
        .expect_problem(403, "forbidden");
    let everyone = app
        .get_as(&support.token, "/v1/admin/practitioners")
        .await
        .unwrap();
    assert!(everyone.json.as_array().unwrap().len() > 10);
    let view = app
        .get_as(&admin.token, &format!("/v1/admin/facilities/{fid}"))
        .await
        .unwrap();
    view.expect(200);
    assert!(
        view.json["practitioners"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == pid)
    );
}

#[tokio::test]
async fn the_facility_search_finds_facilities_with_a_free_place() {
    let (app, admin, fid) = app_with_admin().await;
    let bookable = app
        .get("/v1/facilities?bookable=true&service=vaccination&limit=100")
        .await
        .unwrap();
    bookable.expect(200);
    let codes: Vec<&str> = bookable.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"01917") && !codes.contains(&"01929"),
        "{codes:?}"
    );
    let examination = app
        .get("/v1/facilities?bookable=true&service=examination&q=bach%20mai")
        .await
        .unwrap();
    assert_eq!(examination.json["items"].as_array().unwrap().len(), 1);
    // Closed for the whole horizon, Bạch Mai has no free place any more.
    app.post_as(
        &admin.token,
        &format!("/v1/facilities/{fid}/closures"),
        &json!({ "kind": "closure", "from": day(0), "until": day(60), "reason": "Sửa chữa" }),
    )
    .await
    .unwrap()
    .expect(201);
    let none = app
        .get("/v1/facilities?bookable=true&q=bach%20mai")
        .await
        .unwrap();
    assert_eq!(none.json["items"], json!([]));
}

#[tokio::test]
async fn a_reminder_goes_out_a_day_before_and_only_once_with_two_processes() {
    let (app, admin, fid) = app_with_admin().await;
    create_schedule(&app, &admin, &fid, &daily_slot(2, "endocrinology", &day(2))).await;
    let slot = daily_slot_on(&app, &fid, "endocrinology", &day(3)).await;
    let citizen = app.citizen("remind").await.unwrap();
    book(&app, &citizen.token, &slot).await.expect(201);
    let late_booker = app.citizen("late").await.unwrap();
    let starts_at = instant(&slot["starts_at"]);
    // Two processes start together and both look for due reminders at once. They share one
    // clock, as the servers of a deployment do: a mail lease (60 s) assumes clocks that agree
    // to within seconds, which an hour's skew between test processes would break.
    let reminder_time = starts_at - Duration::hours(23);
    let (first, _second) = tokio::join!(
        process_at(&app, reminder_time),
        process_at(&app, reminder_time),
    );
    // A booking inside the last day gets no reminder: its confirmation is enough.
    book(&first, &late_booker.token, &slot).await.expect(201);
    let mail = app
        .wait_for_mail(&citizen.email, |m| m.subject.contains("Nhắc"))
        .await
        .unwrap();
    assert!(mail.text.contains("08:00"), "{}", mail.text);
    assert!(
        mail.attachments
            .iter()
            .any(|(name, _, _)| name.ends_with(".ics"))
    );
    // Both processes have run their job by now; give them a moment more.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let reminders = app
        .mails()
        .unwrap()
        .into_iter()
        .filter(|m| m.to == citizen.email && m.subject.contains("Nhắc"))
        .count();
    assert_eq!(reminders, 1);
    app.wait_for_mail(&late_booker.email, |m| m.subject.contains("Xác nhận"))
        .await
        .unwrap();
    assert!(
        !app.mails()
            .unwrap()
            .iter()
            .any(|m| m.to == late_booker.email && m.subject.contains("Nhắc"))
    );
}
