//! Facility files in the national XML standard, end to end: a facility administrator gives
//! the facility's system a key; the system sends envelopes; visits land in the books of the
//! people they are about (or wait for them to register, or are held when the birth does not
//! match the number); a refused file changes no book; keys rotate and revoke; and another
//! facility's administrator can see or touch none of it.

use crate::booking_support::*;
use base64::Engine as _;
use chrono::NaiveDate;
use healthbook_tests::TestApp;
use healthbook_tests::people::{Person, Session, national_id_for};
use reqwest::Method;
use serde_json::{Value, json};
use std::io::Write as _;

const XML1: &str = include_str!("../../../domain/data/xml130/sample-inner-xml1.xml");
const XML2: &str = include_str!("../../../domain/data/xml130/sample-inner-xml2.xml");
const XML3: &str = include_str!("../../../domain/data/xml130/sample-inner-xml3.xml");
const SAMPLE_FACILITY: &str = "01999";
const SAMPLE_ID: &str = "001090000001";
const SAMPLE_BIRTH: &str = "199001150000";

fn person(name: &str, born: NaiveDate, female: bool, tag: &str) -> Person {
    let mut person = Person::adult(tag);
    person.national_id = national_id_for(born, female);
    person.full_name = name.to_owned();
    person.date_of_birth = born;
    person.sex = if female { "female" } else { "male" };
    person
}

/// An app of the demo data whose population registry knows `people`.
async fn app_knowing(people: &[&Person]) -> (TestApp, Session, String) {
    let mut registry = tempfile::NamedTempFile::new().unwrap();
    writeln!(registry, "national_id,full_name,date_of_birth").unwrap();
    for p in people {
        writeln!(
            registry,
            "{},{},{}",
            p.national_id, p.full_name, p.date_of_birth
        )
        .unwrap();
    }
    let (_, path) = registry.keep().unwrap();
    let app = TestApp::builder()
        .arg("--demo")
        .arg("--registry-csv")
        .arg(path.to_str().unwrap())
        .spawn()
        .await
        .unwrap();
    let (admin, _) = app.staff("facility_admin", Some(BACH_MAI)).await.unwrap();
    let fid = facility(&app, "bach mai").await;
    (app, admin, fid)
}

/// One visit of the sample, at Bạch Mai, about `who`, as `ma_lk`; `edit` changes the inner
/// files after that.
fn visit_of(
    who: &Person,
    ma_lk: &str,
    edit: impl Fn(u8, String) -> String,
) -> Vec<(String, String)> {
    let birth = format!("{}0000", who.date_of_birth.format("%Y%m%d"));
    let fit = |table: u8, xml: &str| {
        let xml = xml
            .replace(SAMPLE_FACILITY, BACH_MAI)
            .replace(SAMPLE_ID, &who.national_id)
            .replace(SAMPLE_BIRTH, &birth)
            .replace("SYN-20261120-000001", ma_lk);
        base64::engine::general_purpose::STANDARD.encode(edit(table, xml))
    };
    vec![
        ("XML1".to_owned(), fit(1, XML1)),
        ("XML2".to_owned(), fit(2, XML2)),
        ("XML3".to_owned(), fit(3, XML3)),
    ]
}

fn envelope(facility: &str, visits: &[Vec<(String, String)>]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><GIAMDINHHS><THONGTINDONVI><MACSKCB>{facility}</MACSKCB></THONGTINDONVI><THONGTINHOSO><NGAYLAP>20261120</NGAYLAP><SOLUONGHOSO>{}</SOLUONGHOSO><DANHSACHHOSO>",
        visits.len()
    );
    for files in visits {
        out.push_str("<HOSO>");
        for (kind, content) in files {
            out.push_str(&format!(
                "<FILEHOSO><LOAIHOSO>{kind}</LOAIHOSO><NOIDUNGFILE>{content}</NOIDUNGFILE></FILEHOSO>"
            ));
        }
        out.push_str("</HOSO>");
    }
    out.push_str("</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>");
    out
}

async fn send(app: &TestApp, key: &str, body: String) -> healthbook_tests::Reply {
    let response = app
        .request(Method::POST, "/v1/ingest/encounters")
        .bearer_auth(key)
        .header("content-type", "application/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    healthbook_tests::Reply::from(response).await.unwrap()
}

async fn new_system(app: &TestApp, admin: &Session, fid: &str) -> Value {
    let made = app
        .post_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/systems"),
            &json!({ "name": "HIS Bạch Mai" }),
        )
        .await
        .unwrap();
    made.expect(201);
    made.json
}

fn fates(receipt: &Value) -> Vec<(String, String)> {
    receipt["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["ma_lk"].as_str().unwrap().to_owned(),
                v["fate"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn encounters(app: &TestApp, who: &Session) -> Vec<Value> {
    let cid = who.citizen_id.as_deref().unwrap();
    let book = app
        .get_as(&who.token, &format!("/v1/citizens/{cid}/book"))
        .await
        .unwrap();
    book.expect(200);
    book.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["body"]["kind"] == "encounter")
        .cloned()
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_owned(), b.to_owned())
}

#[tokio::test]
async fn a_facility_systems_visits_land_in_books_or_wait_for_them_and_resends_supersede() {
    let born = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mau = person("Nguyễn Văn Mẫu", born(1990, 1, 15), false, "mau");
    let hoa = person("Trần Thị Hoa", born(1985, 3, 2), true, "hoa");
    let (app, admin, fid) = app_knowing(&[&mau, &hoa]).await;
    let system = new_system(&app, &admin, &fid).await;
    let key = system["key"].as_str().unwrap();
    assert!(key.starts_with("hbk_"));
    let (mau_session, _) = app.person_with_passkey(&mau).await.unwrap();

    let first = envelope(
        BACH_MAI,
        &[
            visit_of(&mau, "BM-1", |_, x| x),
            visit_of(&hoa, "BM-2", |_, x| x),
        ],
    );
    let taken = send(&app, key, first.clone()).await;
    taken.expect(201);
    assert_eq!(
        fates(&taken.json),
        vec![pair("BM-1", "imported"), pair("BM-2", "waiting")]
    );
    assert_eq!(taken.json["envelope_hash"].as_str().unwrap().len(), 64);

    let visits = encounters(&app, &mau_session).await;
    assert_eq!(visits.len(), 1);
    let entry = &visits[0];
    assert_eq!(entry["body"]["data"]["diagnoses"][0]["icd10"], "J06.9");
    assert_eq!(
        entry["body"]["data"]["prescriptions"][0]["medicine"],
        "Paracetamol 500mg"
    );
    assert_eq!(entry["provenance"]["source"], "facility_system");
    assert_eq!(entry["provenance"]["author_name"], "HIS Bạch Mai");

    let cid = mau_session.citizen_id.as_deref().unwrap();
    let log = app
        .get_as(
            &mau_session.token,
            &format!("/v1/citizens/{cid}/access-log?limit=10"),
        )
        .await
        .unwrap();
    log.expect(200);
    let line = &log.json["items"][0];
    assert_eq!(line["basis"], "intake");
    assert_eq!(line["action"], "write");
    assert_eq!(line["actor_name"], "HIS Bạch Mai");
    assert_eq!(line["actor_role"], "facility_system");
    assert_eq!(line["sections"], json!(["visits"]));

    // The same file again changes nothing.
    let again = send(&app, key, first).await;
    again.expect(201);
    assert_eq!(
        fates(&again.json),
        vec![pair("BM-1", "unchanged"), pair("BM-2", "unchanged")]
    );
    assert_eq!(encounters(&app, &mau_session).await[0]["version"], 1);

    // A changed resend corrects the entry: the same entry, a new version.
    let changed = envelope(
        BACH_MAI,
        &[visit_of(&mau, "BM-1", |table, xml| match table {
            1 => xml.replace(
                "<MA_BENH_CHINH>J06.9</MA_BENH_CHINH>",
                "<MA_BENH_CHINH>J02.9</MA_BENH_CHINH>",
            ),
            _ => xml,
        })],
    );
    let corrected = send(&app, key, changed).await;
    corrected.expect(201);
    assert_eq!(corrected.json["visits"][0]["version"], 2);
    let visits = encounters(&app, &mau_session).await;
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0]["entry_id"], entry["entry_id"]);
    assert_eq!(visits[0]["version"], 2);
    assert_eq!(visits[0]["body"]["data"]["diagnoses"][0]["icd10"], "J02.9");

    // Hoa's visit is in her book from the day she registers.
    let (hoa_session, _) = app.person_with_passkey(&hoa).await.unwrap();
    let hers = encounters(&app, &hoa_session).await;
    assert_eq!(hers.len(), 1);
    assert_eq!(hers[0]["body"]["data"]["reason"], "Ho, sốt 2 ngày");
}

#[tokio::test]
async fn a_number_whose_book_is_someone_born_otherwise_is_held_in_no_book() {
    let born = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let owner = person("Lê Văn Chủ", born(1970, 6, 1), false, "owner");
    let later = person("Vũ Thị Sau", born(1975, 8, 9), true, "later");
    let (app, admin, fid) = app_knowing(&[&owner, &later]).await;
    let key = new_system(&app, &admin, &fid).await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (session, _) = app.person_with_passkey(&owner).await.unwrap();
    // The facility typed the owner's number for a patient born in 1990.
    let mut typo = owner.clone();
    typo.date_of_birth = born(1990, 1, 15);
    let sent = send(
        &app,
        &key,
        envelope(BACH_MAI, &[visit_of(&typo, "BM-9", |_, x| x)]),
    )
    .await;
    sent.expect(201);
    assert_eq!(fates(&sent.json), vec![pair("BM-9", "held")]);
    assert!(encounters(&app, &session).await.is_empty());

    // The same before the book exists: the visit waits, and the book that opens with the
    // number, its owner born on another day, opens without it.
    let mut early = later.clone();
    early.date_of_birth = born(1990, 1, 15);
    let sent = send(
        &app,
        &key,
        envelope(BACH_MAI, &[visit_of(&early, "BM-10", |_, x| x)]),
    )
    .await;
    assert_eq!(fates(&sent.json), vec![pair("BM-10", "waiting")]);
    let (session, _) = app.person_with_passkey(&later).await.unwrap();
    assert!(encounters(&app, &session).await.is_empty());
}

#[tokio::test]
async fn a_refused_file_changes_no_book_and_keeps_its_receipt() {
    let born = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mau = person("Nguyễn Văn Mẫu", born(1990, 1, 15), false, "refused");
    let (app, admin, fid) = app_knowing(&[&mau]).await;
    let key = new_system(&app, &admin, &fid).await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (session, _) = app.person_with_passkey(&mau).await.unwrap();

    // One good visit and one whose total is off by one đồng: neither is taken in.
    let off = envelope(
        BACH_MAI,
        &[
            visit_of(&mau, "BM-1", |_, x| x),
            visit_of(&mau, "BM-2", |table, xml| match table {
                1 => xml.replace(
                    "<T_TONGCHI_BV>50500</T_TONGCHI_BV>",
                    "<T_TONGCHI_BV>50501</T_TONGCHI_BV>",
                ),
                _ => xml,
            }),
        ],
    );
    let refused = send(&app, &key, off).await;
    refused.expect_problem(422, "envelope_refused");
    assert_eq!(
        refused.json["errors"][0]["field"],
        "hoso[2].XML1.T_TONGCHI_BV"
    );
    assert_eq!(refused.json["errors"][0]["code"], "xml_total_mismatch");
    let receipt = refused.header("healthbook-receipt").unwrap().to_owned();
    assert!(encounters(&app, &session).await.is_empty());
    let kept = app
        .get_as(&key, &format!("/v1/ingest/receipts/{receipt}"))
        .await
        .unwrap();
    kept.expect(200);
    assert_eq!(kept.json["outcome"], "refused");
    assert_eq!(kept.json["visits"], 2);
    assert_eq!(kept.json["problems"][0]["code"], "xml_total_mismatch");
    // Another facility's system, a person's session, a random id: not found, or no key.
    let (other_admin, _) = app
        .staff("facility_admin", Some(NHI_TRUNG_UONG))
        .await
        .unwrap();
    let nhi = facility(&app, "nhi trung uong").await;
    let other_key = new_system(&app, &other_admin, &nhi).await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get_as(&other_key, &format!("/v1/ingest/receipts/{receipt}"))
        .await
        .unwrap()
        .expect_problem(404, "not_found");
    app.get_as(
        &key,
        &format!("/v1/ingest/receipts/{}", uuid::Uuid::now_v7()),
    )
    .await
    .unwrap()
    .expect_problem(404, "not_found");
    app.get_as(&session.token, &format!("/v1/ingest/receipts/{receipt}"))
        .await
        .unwrap()
        .expect(401);

    let other_facility = envelope(NHI_TRUNG_UONG, &[visit_of(&mau, "BM-3", |_, x| x)]);
    let refused = send(&app, &key, other_facility).await;
    refused.expect_problem(422, "envelope_refused");
    assert_eq!(refused.json["errors"][0]["code"], "xml_facility_mismatch");
    assert!(encounters(&app, &session).await.is_empty());

    let xxe = envelope(BACH_MAI, &[visit_of(&mau, "BM-4", |_, x| x)]).replacen(
        "<GIAMDINHHS>",
        "<!DOCTYPE GIAMDINHHS [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><GIAMDINHHS>",
        1,
    );
    let refused = send(&app, &key, xxe).await;
    refused.expect_problem(422, "envelope_refused");
    assert_eq!(refused.json["errors"][0]["field"], "envelope");
    assert_eq!(refused.json["errors"][0]["code"], "xml_doctype_refused");
    assert!(encounters(&app, &session).await.is_empty());

    let as_json = app
        .request(Method::POST, "/v1/ingest/encounters")
        .bearer_auth(&key)
        .json(&json!({ "envelope": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(as_json.status().as_u16(), 415);
}

/// The sample visit sent by Bạch Mai, signed by xmlsec1 with RSA-SHA256 over Canonical XML.
const SIGNED_BY_BACH_MAI: &str =
    include_str!("../../../domain/tests/conformance/xmldsig/bach-mai-rsa-sha256.xml");

#[tokio::test]
async fn a_facilitys_signature_is_checked_and_kept_and_a_broken_one_refuses_the_file() {
    let born = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mut mau = person("Nguyễn Văn Mẫu", born(1990, 1, 15), false, "signed");
    SAMPLE_ID.clone_into(&mut mau.national_id);
    let (app, admin, fid) = app_knowing(&[&mau]).await;
    let key = new_system(&app, &admin, &fid).await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (session, _) = app.person_with_passkey(&mau).await.unwrap();

    // Changed after signing, yet still a file that reads: refused for its signature alone.
    let changed = SIGNED_BY_BACH_MAI.replacen("<NGAYLAP>20261120", "<NGAYLAP>20261121", 1);
    let refused = send(&app, &key, changed).await;
    refused.expect_problem(422, "envelope_refused");
    assert_eq!(refused.json["errors"][0]["field"], "CHUKYDONVI");
    assert_eq!(
        refused.json["errors"][0]["code"],
        "xml_signature_digest_mismatch"
    );
    assert!(encounters(&app, &session).await.is_empty());
    let receipt = refused.header("healthbook-receipt").unwrap().to_owned();
    let kept = app
        .get_as(&key, &format!("/v1/ingest/receipts/{receipt}"))
        .await
        .unwrap();
    kept.expect(200);
    assert_eq!(kept.json["signature"]["status"], "invalid");
    assert_eq!(
        kept.json["signature"]["code"],
        "xml_signature_digest_mismatch"
    );

    let taken = send(&app, &key, SIGNED_BY_BACH_MAI.to_owned()).await;
    taken.expect(201);
    assert_eq!(
        fates(&taken.json),
        [pair("SYN-20261120-000001", "imported")]
    );
    let signature = &taken.json["signature"];
    assert_eq!(signature["status"], "valid");
    assert_eq!(signature["signer"]["method"], "rsa-sha256");
    assert_eq!(signature["signer"]["current"], true);
    assert!(
        signature["signer"]["subject"]
            .as_str()
            .unwrap()
            .contains("CN=01999")
    );
    assert_eq!(encounters(&app, &session).await.len(), 1);
    let kept = app
        .get_as(
            &key,
            &format!("/v1/ingest/receipts/{}", taken.json["id"].as_str().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(kept.json["signature"], *signature);

    // An unsigned file is taken as it always was, and says so.
    let unsigned = send(
        &app,
        &key,
        envelope(BACH_MAI, &[visit_of(&mau, "BM-UNSIGNED", |_, x| x)]),
    )
    .await;
    unsigned.expect(201);
    assert_eq!(unsigned.json["signature"]["status"], "absent");
}

async fn send_batch(app: &TestApp, key: &str, parts: &[(&str, String)]) -> healthbook_tests::Reply {
    let mut body = String::from("Envelopes from HIS Bạch Mai.\r\n");
    for (content_type, envelope) in parts {
        body.push_str(&format!(
            "--hs-batch\r\nContent-Type: {content_type}\r\n\r\n{envelope}\r\n"
        ));
    }
    body.push_str("--hs-batch--\r\n");
    let response = app
        .request(Method::POST, "/v1/ingest/encounters")
        .bearer_auth(key)
        .header("content-type", "multipart/mixed; boundary=hs-batch")
        .body(body)
        .send()
        .await
        .unwrap();
    healthbook_tests::Reply::from(response).await.unwrap()
}

#[tokio::test]
async fn a_batch_of_envelopes_takes_each_in_on_its_own() {
    let born = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mau = person("Nguyễn Văn Mẫu", born(1990, 1, 15), false, "batch");
    let (app, admin, fid) = app_knowing(&[&mau]).await;
    let key = new_system(&app, &admin, &fid).await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (session, _) = app.person_with_passkey(&mau).await.unwrap();
    let first = envelope(BACH_MAI, &[visit_of(&mau, "BM-B1", |_, x| x)]);
    let off = envelope(
        BACH_MAI,
        &[visit_of(&mau, "BM-B2", |table, xml| match table {
            1 => xml.replace(
                "<T_TONGCHI_BV>50500</T_TONGCHI_BV>",
                "<T_TONGCHI_BV>50501</T_TONGCHI_BV>",
            ),
            _ => xml,
        })],
    );
    let third = envelope(BACH_MAI, &[visit_of(&mau, "BM-B3", |_, x| x)]);
    let xml = "application/xml";
    let answer = send_batch(
        &app,
        &key,
        &[
            (xml, first.clone()),
            (xml, off),
            ("text/xml; charset=utf-8", third),
        ],
    )
    .await;
    answer.expect(200);
    let envelopes = answer.json["envelopes"].as_array().unwrap().clone();
    let outcomes: Vec<&str> = envelopes
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["accepted", "refused", "accepted"]);
    assert_eq!(fates(&envelopes[0]["receipt"]), [pair("BM-B1", "imported")]);
    assert_eq!(envelopes[1]["problems"][0]["code"], "xml_total_mismatch");
    assert_eq!(encounters(&app, &session).await.len(), 2);
    let refused = envelopes[1]["receipt_id"].as_str().unwrap();
    let kept = app
        .get_as(&key, &format!("/v1/ingest/receipts/{refused}"))
        .await
        .unwrap();
    kept.expect(200);
    assert_eq!(kept.json["outcome"], "refused");

    // The same batch again changes nothing: each visit is `unchanged`.
    let again = send_batch(&app, &key, &[(xml, first.clone())]).await;
    again.expect(200);
    assert_eq!(
        fates(&again.json["envelopes"][0]["receipt"]),
        [pair("BM-B1", "unchanged")]
    );
    // A part that is not XML, or a body that never closes, takes nothing in.
    send_batch(&app, &key, &[("text/plain", first.clone())])
        .await
        .expect_problem(415, "unsupported_media_type");
    let unclosed = app
        .request(Method::POST, "/v1/ingest/encounters")
        .bearer_auth(&key)
        .header("content-type", "multipart/mixed; boundary=hs-batch")
        .body(format!(
            "--hs-batch\r\nContent-Type: application/xml\r\n\r\n{first}"
        ))
        .send()
        .await
        .unwrap();
    healthbook_tests::Reply::from(unclosed)
        .await
        .unwrap()
        .expect_problem(400, "bad_request");
    assert_eq!(encounters(&app, &session).await.len(), 2);
}

/// A birth certificate (XML9) of visit `ma_lk`: children as (sex code, grams, intended name),
/// born at 09:05 on 20 November 2026 to the carer numbered `carer`.
fn birth_certificate(ma_lk: &str, carer: &str, children: &[(&str, &str, &str)]) -> String {
    let records: String = children
        .iter()
        .map(|(sex, grams, name)| {
            format!(
                "<DU_LIEU_GIAY_CHUNG_SINH><MA_LK>{ma_lk}</MA_LK><SO_CCCD_NND>{carer}</SO_CCCD_NND>\
                 <HO_TEN_CON>{name}</HO_TEN_CON><GIOI_TINH_CON>{sex}</GIOI_TINH_CON>\
                 <CAN_NANG_CON>{grams}</CAN_NANG_CON><NGAY_SINH_CON>202611200905</NGAY_SINH_CON>\
                 <TINH_TRANG_CON>Khỏe mạnh</TINH_TRANG_CON><SO>125</SO><QUYEN_SO>03</QUYEN_SO>\
                 </DU_LIEU_GIAY_CHUNG_SINH>"
            )
        })
        .collect();
    base64::engine::general_purpose::STANDARD.encode(format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>\
         <DSACH_GIAYCHUNGSINH>{records}</DSACH_GIAYCHUNGSINH></CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH>"
    ))
}

#[tokio::test]
async fn a_birth_a_facility_reports_is_offered_to_the_mother_and_lands_in_the_childs_book() {
    let born = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mai = person("Trần Thị Mai", born(1995, 3, 8), true, "mother");
    let an = person("Lê Văn An", born(2026, 11, 20), false, "newborn");
    let stranger = person("Phạm Thị Lạ", born(1993, 6, 1), true, "stranger");
    let hoa = person("Đỗ Thị Hoa", born(1998, 9, 9), true, "later");
    let (app, admin, fid) = app_knowing(&[&mai, &an, &stranger, &hoa]).await;
    let key = new_system(&app, &admin, &fid).await["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (mother, _) = app.person_with_passkey(&mai).await.unwrap();
    let (other, _) = app.person_with_passkey(&stranger).await.unwrap();

    // Twins: a boy and a child whose sex was not determined; and a certificate naming
    // another carer, which offers her nothing.
    let mut delivery = visit_of(&mai, "BM-SINH", |_, x| x);
    delivery.push((
        "XML9".to_owned(),
        birth_certificate(
            "BM-SINH",
            &mai.national_id,
            &[("1", "3200", "Lê Văn An"), ("3", "2950", "")],
        ),
    ));
    let mut elsewhere = visit_of(&mai, "BM-KHAC", |_, x| x);
    elsewhere.push((
        "XML9".to_owned(),
        birth_certificate("BM-KHAC", &stranger.national_id, &[("2", "3000", "")]),
    ));
    // A mother without a book yet: her visit waits, and so does her child's offer.
    let mut hers = visit_of(&hoa, "BM-HOA", |_, x| x);
    hers.push((
        "XML9".to_owned(),
        birth_certificate("BM-HOA", &hoa.national_id, &[("2", "3100", "")]),
    ));
    let taken = send(&app, &key, envelope(BACH_MAI, &[delivery, elsewhere, hers])).await;
    taken.expect(201);
    assert_eq!(fates(&taken.json)[2], pair("BM-HOA", "waiting"));
    let (later, _) = app.person_with_passkey(&hoa).await.unwrap();
    let waited = app
        .get_as(&later.token, "/v1/me/expected-children")
        .await
        .unwrap();
    assert_eq!(
        waited.json.as_array().unwrap().len(),
        1,
        "{:?}",
        waited.json
    );
    assert_eq!(waited.json[0]["sex"], "female");

    let offers = app
        .get_as(&mother.token, "/v1/me/expected-children")
        .await
        .unwrap();
    offers.expect(200);
    let offered = offers.json.as_array().unwrap().clone();
    assert_eq!(offered.len(), 2, "{offered:?}");
    assert_eq!(offered[0]["born_on"], "2026-11-20");
    assert_eq!(offered[0]["sex"], "male");
    assert_eq!(offered[0]["intended_name"], "Lê Văn An");
    assert_eq!(offered[0]["weight_grams"], 3200);
    assert_eq!(offered[1]["sex"], Value::Null);
    assert!(!offered[0]["facility_name"].as_str().unwrap().is_empty());
    // Someone else sees none of them and cannot dismiss one: it does not exist for them.
    let theirs = app
        .get_as(&other.token, "/v1/me/expected-children")
        .await
        .unwrap();
    assert_eq!(theirs.json, json!([]));
    let second = offered[1]["id"].as_str().unwrap();
    let dismiss = |token: String, id: String| {
        let app = &app;
        async move {
            app.call(
                Method::DELETE,
                &format!("/v1/me/expected-children/{id}"),
                Some(&token),
                None,
            )
            .await
            .unwrap()
        }
    };
    dismiss(other.token.clone(), second.to_owned())
        .await
        .expect_problem(404, "not_found");
    dismiss(other.token.clone(), uuid::Uuid::now_v7().to_string())
        .await
        .expect_problem(404, "not_found");

    // The mother adds the boy once he has his number: the offer is taken, and the birth is
    // in his book, written by the facility's system.
    let added = app
        .post_as(
            &mother.token,
            "/v1/me/dependents",
            &json!({
                "national_id": an.national_id,
                "full_name": an.full_name,
                "date_of_birth": "2026-11-20",
                "sex": "male",
            }),
        )
        .await
        .unwrap();
    added.expect(201);
    let child = added.json["citizen"]["citizen_id"].as_str().unwrap();
    let book = app
        .get_as(&mother.token, &format!("/v1/citizens/{child}/book"))
        .await
        .unwrap();
    book.expect(200);
    let births: Vec<&Value> = book.json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["body"]["kind"] == "encounter")
        .collect();
    assert_eq!(births.len(), 1, "{:?}", book.json);
    assert_eq!(births[0]["body"]["data"]["reason"], "Chào đời");
    assert_eq!(births[0]["body"]["data"]["vital_signs"]["weight_kg"], 3.2);
    assert_eq!(births[0]["provenance"]["source"], "facility_system");
    assert_eq!(births[0]["provenance"]["author_name"], "HIS Bạch Mai");
    let left = app
        .get_as(&mother.token, "/v1/me/expected-children")
        .await
        .unwrap();
    assert_eq!(left.json.as_array().unwrap().len(), 1);
    assert_eq!(left.json[0]["id"], second);

    // The other twin is dismissed, once.
    dismiss(mother.token.clone(), second.to_owned())
        .await
        .expect(204);
    dismiss(mother.token.clone(), second.to_owned())
        .await
        .expect_problem(404, "not_found");
    let none = app
        .get_as(&mother.token, "/v1/me/expected-children")
        .await
        .unwrap();
    assert_eq!(none.json, json!([]));
}

#[tokio::test]
async fn keys_rotate_with_an_overlap_and_revoke_at_once_and_only_a_key_sends() {
    let (app, admin, fid) = app_with_admin().await;
    let made = new_system(&app, &admin, &fid).await;
    let first = made["key"].as_str().unwrap().to_owned();
    let sid = made["system"]["id"].as_str().unwrap().to_owned();
    let nothing = || envelope(BACH_MAI, &[]);

    // A key that works is refused only for its content (an envelope of no visit).
    send(&app, &first, nothing())
        .await
        .expect_problem(422, "envelope_refused");
    for wrong in ["hbk_not-a-key", admin.token.as_str(), ""] {
        send(&app, wrong, nothing()).await.expect(401);
    }

    let rotated = app
        .post_as(
            &admin.token,
            &format!("/v1/facilities/{fid}/systems/{sid}/keys"),
            &json!({}),
        )
        .await
        .unwrap();
    rotated.expect(201);
    let second = rotated.json["key"].as_str().unwrap().to_owned();
    let keys = rotated.json["system"]["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert!(
        keys[0]["expires_at"].is_string(),
        "the old key ends after the overlap"
    );
    assert!(keys[1]["expires_at"].is_null());
    send(&app, &first, nothing())
        .await
        .expect_problem(422, "envelope_refused");
    send(&app, &second, nothing())
        .await
        .expect_problem(422, "envelope_refused");

    let old = keys[0]["id"].as_str().unwrap();
    let revoked = app
        .call(
            Method::DELETE,
            &format!("/v1/facilities/{fid}/systems/{sid}/keys/{old}"),
            Some(&admin.token),
            None,
        )
        .await
        .unwrap();
    revoked.expect(204);
    send(&app, &first, nothing()).await.expect(401);
    send(&app, &second, nothing())
        .await
        .expect_problem(422, "envelope_refused");

    let listed = app
        .get_as(&admin.token, &format!("/v1/facilities/{fid}/systems"))
        .await
        .unwrap();
    listed.expect(200);
    assert!(listed.json[0]["keys"][1]["last_used_at"].is_string());
    assert!(
        !listed.text.contains("hbk_"),
        "a listing never shows a secret"
    );
}

#[tokio::test]
async fn another_facilitys_administrator_sees_and_touches_no_system() {
    let (app, admin, fid) = app_with_admin().await;
    let made = new_system(&app, &admin, &fid).await;
    let sid = made["system"]["id"].as_str().unwrap();
    let kid = made["key_id"].as_str().unwrap();
    let (stranger, _) = app
        .staff("facility_admin", Some(NHI_TRUNG_UONG))
        .await
        .unwrap();
    let nhi = facility(&app, "nhi trung uong").await;
    let stranger_system = new_system(&app, &stranger, &nhi).await;
    let theirs = stranger_system["system"]["id"].as_str().unwrap();
    let random = uuid::Uuid::now_v7().to_string();

    // Facilities are public: another's is refused as such. Systems and keys are not: another
    // facility's is as absent as a random id.
    for (method, path) in [
        (Method::GET, format!("/v1/facilities/{fid}/systems")),
        (Method::POST, format!("/v1/facilities/{fid}/systems")),
        (
            Method::POST,
            format!("/v1/facilities/{fid}/systems/{sid}/keys"),
        ),
        (
            Method::DELETE,
            format!("/v1/facilities/{fid}/systems/{sid}/keys/{kid}"),
        ),
    ] {
        let body = json!({ "name": "Intruder" });
        let reply = app
            .call(method.clone(), &path, Some(&stranger.token), Some(&body))
            .await
            .unwrap();
        reply.expect_problem(403, "forbidden");
    }
    for (method, path) in [
        (
            Method::POST,
            format!("/v1/facilities/{nhi}/systems/{sid}/keys"),
        ),
        (
            Method::DELETE,
            format!("/v1/facilities/{nhi}/systems/{sid}/keys/{kid}"),
        ),
        (
            Method::DELETE,
            format!("/v1/facilities/{nhi}/systems/{theirs}/keys/{kid}"),
        ),
        (
            Method::POST,
            format!("/v1/facilities/{nhi}/systems/{random}/keys"),
        ),
    ] {
        let body = json!({ "name": "Intruder" });
        let reply = app
            .call(method.clone(), &path, Some(&stranger.token), Some(&body))
            .await
            .unwrap();
        reply.expect_problem(404, "not_found");
    }
    let citizen = app.citizen("curious").await.unwrap();
    let reply = app
        .get_as(&citizen.token, &format!("/v1/facilities/{fid}/systems"))
        .await
        .unwrap();
    assert!(matches!(reply.status.as_u16(), 403 | 404), "{}", reply.text);
    // The first facility's system still has its one key.
    let listed = app
        .get_as(&admin.token, &format!("/v1/facilities/{fid}/systems"))
        .await
        .unwrap();
    assert_eq!(listed.json[0]["keys"].as_array().unwrap().len(), 1);
    assert!(listed.json[0]["keys"][0]["revoked_at"].is_null());
}

#[tokio::test]
async fn a_facility_writes_its_doctors_visits_out_for_the_insurer_and_the_patient_reads_that() {
    use healthbook_domain::xml130::{EnvelopeReader, Limits, check, validate};
    let clinic = crate::health_book::Clinic::open().await;
    let doctor = clinic.doctor().await;
    clinic.check_in(&doctor).await;
    let day_app = &clinic.on_the_day;
    day_app
        .post_as(
            &doctor.token,
            &clinic.path("encounters"),
            &crate::health_book::visit(&clinic, "E11.9"),
        )
        .await
        .unwrap()
        .expect(201);
    let (admin, _) = day_app
        .staff("facility_admin", Some(BACH_MAI))
        .await
        .unwrap();
    let date = clinic.appointment["date"].as_str().unwrap();
    let path = |from: &str, to: &str| {
        format!(
            "/v1/facilities/{}/xml130-export?from={from}&to={to}",
            clinic.fid
        )
    };

    let exported = day_app
        .get_as(&admin.token, &path(date, date))
        .await
        .unwrap();
    exported.expect(200);
    assert!(
        exported
            .header("content-type")
            .unwrap()
            .starts_with("application/xml")
    );
    let report = validate(exported.text.as_bytes(), BACH_MAI, Limits::default()).unwrap();
    assert!(report.accepted());
    assert_eq!(report.visits.len(), 1);
    let mut reader = EnvelopeReader::open(exported.text.as_bytes(), Limits::default()).unwrap();
    let visit = check(reader.next_visit().unwrap().unwrap(), BACH_MAI).unwrap();
    let summary = visit.summary();
    assert_eq!(summary.get("MA_LOAI_KCB"), Some("01"));
    assert_eq!(summary.get("MA_BENH_CHINH"), Some("E11.9"));
    assert_eq!(summary.get("MA_CSKCB"), Some(BACH_MAI));
    assert_eq!(summary.get("SO_CCCD").unwrap().len(), 12);
    assert_eq!(
        visit.tables[&2][0].get("TEN_THUOC"),
        Some("Metformin 500 mg")
    );

    let log = clinic.log().await;
    assert_eq!(log[0]["basis"], "export");
    assert_eq!(log[0]["actor_role"], "facility_admin");
    assert_eq!(log[0]["sections"], json!(["visits"]));

    // A period without the visit holds none, and no one is logged for it.
    let before = clinic.log().await.len();
    let empty = day_app
        .get_as(&admin.token, &path("2026-01-01", "2026-01-31"))
        .await
        .unwrap();
    empty.expect(200);
    assert!(empty.text.contains("<SOLUONGHOSO>0</SOLUONGHOSO>"));
    assert_eq!(clinic.log().await.len(), before);

    day_app
        .get_as(&admin.token, &path("2026-01-01", "2026-03-01"))
        .await
        .unwrap()
        .expect_problem(422, "validation_failed");
    let (stranger, _) = day_app
        .staff("facility_admin", Some(NHI_TRUNG_UONG))
        .await
        .unwrap();
    for token in [
        stranger.token.as_str(),
        clinic.patient.token.as_str(),
        doctor.token.as_str(),
    ] {
        let refused = day_app.get_as(token, &path(date, date)).await.unwrap();
        refused.expect_problem(403, "forbidden");
    }
    assert_eq!(clinic.log().await.len(), before);
}
