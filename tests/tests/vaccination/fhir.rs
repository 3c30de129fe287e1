//! Doses exchanged as FHIR R4 Immunization: one resource imported, re-sent (the same dose),
//! changed (a new version), withdrawn (entered in error); refused for an unknown vaccine code
//! or a person who does not match, writing nothing; an NDJSON file of mixed lines answered
//! with an exact report, and a file of 2,000 lines in seconds; a citizen's doses exported as a
//! searchset that a caller without a relationship cannot tell from a missing citizen, and
//! imported back without a second dose.
//!
//! The exported bundles and the resources an import accepts are written where
//! `FHIR_SAMPLES_DIR` says, for CI's independent validators.

use crate::booking_support::*;
use chrono::{Duration, NaiveDate};
use healthbook_server::auth::entities::citizen;
use healthbook_server::book::entities::book_entry;
use healthbook_server::vaccination::entities::immunization_import;
use healthbook_tests::people::Session;
use healthbook_tests::{Reply, TestApp};
use reqwest::Method;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const SOURCE: &str = "https://tiemchung.example.vn/immunization";
const VACCINE_PRODUCT: &str = "https://fhir.healthbook.vn/CodeSystem/vaccine-product";
const CCCD: &str = "https://fhir.healthbook.vn/sid/cccd";

struct World {
    app: TestApp,
    vaccinator: Session,
    db: DatabaseConnection,
}

/// Who an imported dose names, as the registry holds them.
struct Person {
    session: Session,
    cid: String,
    national_id: String,
    birth: NaiveDate,
}

async fn world() -> World {
    let app = TestApp::builder().arg("--demo").spawn().await.unwrap();
    let (vaccinator, _) = app.staff("vaccinator", Some(BACH_MAI)).await.unwrap();
    let db = app.database().await.unwrap();
    World {
        app,
        vaccinator,
        db,
    }
}

impl World {
    async fn person(&self, tag: &str) -> Person {
        let (session, _) = self.app.citizen_with_passkey(tag).await.unwrap();
        let cid = session.citizen_id.clone().unwrap();
        let row = citizen::Entity::find_by_id(cid.parse::<Uuid>().unwrap())
            .one(&self.db)
            .await
            .unwrap()
            .unwrap();
        Person {
            session,
            cid,
            national_id: row.national_id,
            birth: row.date_of_birth,
        }
    }

    async fn post(&self, token: &str, path: &str, content_type: &str, body: String) -> Reply {
        Reply::from(
            self.app
                .request(Method::POST, path)
                .bearer_auth(token)
                .header("Content-Type", content_type)
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await
        .unwrap()
    }

    async fn import(&self, resource: &Value) -> Reply {
        self.post(
            &self.vaccinator.token,
            "/v1/fhir/Immunization",
            "application/fhir+json",
            resource.to_string(),
        )
        .await
    }

    async fn bulk(&self, lines: &[String]) -> Reply {
        self.post(
            &self.vaccinator.token,
            "/v1/fhir/Immunization/$import",
            "application/fhir+ndjson",
            lines.join("\n"),
        )
        .await
    }

    /// The immunization entries of `cid`'s book, every version.
    async fn versions(&self, cid: &str) -> Vec<book_entry::Model> {
        book_entry::Entity::find()
            .filter(book_entry::Column::CitizenId.eq(cid.parse::<Uuid>().unwrap()))
            .filter(book_entry::Column::Kind.eq("immunization"))
            .all(&self.db)
            .await
            .unwrap()
    }

    async fn imports(&self) -> usize {
        immunization_import::Entity::find()
            .all(&self.db)
            .await
            .unwrap()
            .len()
    }
}

/// A dose of `vaccine` given `days_ago`, as the source system sends it.
fn dose(source_id: &str, person: &Person, vaccine: &str, days_ago: i64) -> Value {
    dose_for(
        source_id,
        &person.national_id,
        person.birth,
        vaccine,
        days_ago,
    )
}

fn dose_for(
    source_id: &str,
    national_id: &str,
    birth: NaiveDate,
    vaccine: &str,
    days_ago: i64,
) -> Value {
    let on = local_today() - Duration::days(days_ago);
    json!({
        "resourceType": "Immunization",
        "contained": [{
            "resourceType": "Patient",
            "id": "p",
            "identifier": [{"system": CCCD, "value": national_id}],
            "birthDate": birth.format("%Y-%m-%d").to_string(),
        }],
        "identifier": [{"system": SOURCE, "value": source_id}],
        "status": "completed",
        "vaccineCode": {"coding": [{"system": VACCINE_PRODUCT, "code": vaccine}]},
        "patient": {"reference": "#p"},
        "occurrenceDateTime": on.format("%Y-%m-%d").to_string(),
        "primarySource": false,
        "lotNumber": "FK1234",
        "protocolApplied": [{"doseNumberPositiveInt": 1}],
    })
}

/// Keeps accepted resources, as a collection Bundle, for `.ci/validate-fhir.sh`.
fn keep_accepted(name: &str, resources: &[Value]) {
    let bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": resources.iter().map(|resource| json!({
            "fullUrl": Uuid::new_v4().urn().to_string(),
            "resource": resource,
        })).collect::<Vec<_>>(),
    });
    keep(name, &bundle);
}

fn keep(name: &str, bundle: &Value) {
    if let Ok(dir) = std::env::var("FHIR_SAMPLES_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        let path = std::path::Path::new(&dir).join(format!("{name}.json"));
        std::fs::write(path, serde_json::to_vec_pretty(bundle).unwrap()).unwrap();
    }
}

#[tokio::test]
async fn an_imported_dose_is_written_once_corrected_as_a_new_version_and_withdrawn() {
    let world = world().await;
    let person = world.person("fhir-one").await;
    let first = dose("covid-0001", &person, "hepb_birth", 400);

    let created = world.import(&first).await;
    created.expect(201);
    assert_eq!(created.json["outcome"], "created");
    let entry = created.json["entry_id"].as_str().unwrap().to_owned();

    let again = world.import(&first).await;
    again.expect(200);
    assert_eq!(again.json["outcome"], "unchanged");
    assert_eq!(again.json["entry_id"], entry.as_str());
    assert_eq!(world.versions(&person.cid).await.len(), 1);

    // The book shows the dose as imported, by the importing vaccinator: a dose a health
    // worker stands behind.
    let book = world
        .app
        .get_as(
            &person.session.token,
            &format!("/v1/citizens/{}/immunizations", person.cid),
        )
        .await
        .unwrap();
    book.expect(200);
    let shown = &book.json["items"][0];
    assert_eq!(shown["provenance"]["source"], "import");
    assert_eq!(shown["provenance"]["self_reported"], false);
    assert_eq!(shown["body"]["data"]["lot"], "FK1234");

    let mut changed = first.clone();
    changed["lotNumber"] = json!("FK1235");
    let corrected = world.import(&changed).await;
    corrected.expect(200);
    assert_eq!(corrected.json["outcome"], "corrected");
    assert_eq!(corrected.json["entry_id"], entry.as_str());
    let versions = world.versions(&person.cid).await;
    assert_eq!(versions.len(), 2);
    assert!(
        versions
            .iter()
            .any(|v| v.version == 2 && v.status == "corrected")
    );
    keep_accepted(
        "immunization-import-accepted",
        &[first.clone(), changed.clone()],
    );

    let mut withdrawn = changed.clone();
    withdrawn["status"] = json!("entered-in-error");
    let marked = world.import(&withdrawn).await;
    marked.expect(200);
    assert_eq!(marked.json["outcome"], "withdrawn");
    let versions = world.versions(&person.cid).await;
    assert_eq!(versions.len(), 3);
    assert!(versions.iter().any(|v| v.status == "entered_in_error"));
    let again = world.import(&withdrawn).await;
    again.expect(200);
    assert_eq!(again.json["outcome"], "unchanged");
    assert_eq!(world.versions(&person.cid).await.len(), 3);

    // An error mark for a dose never imported has nothing to withdraw.
    let mut stray = dose("covid-never", &person, "hepb_birth", 10);
    stray["status"] = json!("entered-in-error");
    world
        .import(&stray)
        .await
        .expect_problem(422, "fhir_status_not_completed");
}

#[tokio::test]
async fn a_dose_that_cannot_be_placed_is_refused_and_nothing_is_written() {
    let world = world().await;
    let person = world.person("fhir-refused").await;

    let unknown = dose("x-1", &person, "smallpox_1796", 30);
    world
        .import(&unknown)
        .await
        .expect_problem(422, "fhir_unknown_vaccine_code");

    let wrong_birth = dose_for(
        "x-2",
        &person.national_id,
        person.birth - Duration::days(1),
        "bcg",
        30,
    );
    world
        .import(&wrong_birth)
        .await
        .expect_problem(422, "fhir_patient_not_matched");
    let nobody = dose_for("x-3", "001099012345", person.birth, "bcg", 30);
    world
        .import(&nobody)
        .await
        .expect_problem(422, "fhir_patient_not_matched");

    let future = dose("x-4", &person, "bcg", -3);
    world
        .import(&future)
        .await
        .expect_problem(422, "fhir_occurrence_in_future");
    let mut undated = dose("x-5", &person, "bcg", 3);
    undated
        .as_object_mut()
        .unwrap()
        .remove("occurrenceDateTime");
    world
        .import(&undated)
        .await
        .expect_problem(422, "fhir_occurrence_missing");
    let mut anonymous = dose("x-6", &person, "bcg", 3);
    anonymous.as_object_mut().unwrap().remove("identifier");
    world
        .import(&anonymous)
        .await
        .expect_problem(422, "fhir_source_id_missing");
    world
        .post(
            &world.vaccinator.token,
            "/v1/fhir/Immunization",
            "application/fhir+json",
            "{\"resourceType\": \"Patient\"}".to_owned(),
        )
        .await
        .expect_problem(422, "fhir_malformed");

    assert!(world.versions(&person.cid).await.is_empty());
    assert_eq!(world.imports().await, 0);

    // A citizen is not a vaccinator: no import at all.
    world
        .post(
            &person.session.token,
            "/v1/fhir/Immunization",
            "application/fhir+json",
            dose("x-7", &person, "bcg", 3).to_string(),
        )
        .await
        .expect(403);
    assert_eq!(world.imports().await, 0);
}

#[tokio::test]
async fn an_ndjson_file_of_mixed_lines_is_reported_line_by_line() {
    let world = world().await;
    let person = world.person("fhir-bulk").await;
    let other = world.person("fhir-bulk-other").await;
    world
        .import(&dose("b-1", &person, "hepb_birth", 300))
        .await
        .expect(201);

    let lines = vec![
        // 1: sent before, unchanged.
        dose("b-1", &person, "hepb_birth", 300).to_string(),
        // 2: new.
        dose("b-2", &person, "bcg", 290).to_string(),
        // 3: unknown vaccine.
        dose("b-3", &person, "not_a_vaccine", 280).to_string(),
        String::new(),
        // 5: not JSON.
        "{\"resourceType\": \"Immunization\", ".to_owned(),
        // 6: the other person's birth date with this one's number.
        dose_for(
            "b-6",
            &person.national_id,
            other.birth - Duration::days(400),
            "bcg",
            10,
        )
        .to_string(),
        // 7: new, the other person.
        dose("b-7", &other, "bcg", 20).to_string(),
    ];
    let reply = world.bulk(&lines).await;
    reply.expect(200);
    assert_eq!(
        reply.json,
        json!({
            "lines": 6,
            "matched": 3,
            "created": 2,
            "corrected": 0,
            "unchanged": 1,
            "withdrawn": 0,
            "refused": 3,
            "refusals": [
                {"line": 3, "source_id": "b-3", "reason": "fhir_unknown_vaccine_code"},
                {"line": 5, "source_id": null, "reason": "fhir_malformed"},
                {"line": 6, "source_id": "b-6", "reason": "fhir_patient_not_matched"},
            ],
        })
    );
    // Nothing of the person travels in the report or the log.
    for secret in [&person.national_id, &other.national_id] {
        assert!(!reply.text.contains(secret.as_str()));
        assert!(!world.app.logs().contains(secret.as_str()));
    }
    assert_eq!(world.versions(&person.cid).await.len(), 2);
    assert_eq!(world.versions(&other.cid).await.len(), 1);

    // The same file again imports nothing twice.
    let again = world.bulk(&lines).await;
    again.expect(200);
    assert_eq!(again.json["created"], 0);
    assert_eq!(again.json["unchanged"], 3);
    assert_eq!(world.versions(&person.cid).await.len(), 2);
}

#[tokio::test]
async fn a_file_of_hundreds_of_historic_doses_imports_whole_in_one_request() {
    let world = world().await;
    let mut people = Vec::new();
    for n in 0..4 {
        people.push(world.person(&format!("fhir-many-{n}")).await);
    }
    // Compact lines, as an export of the old platform writes them: the optional fields left out.
    let lines: Vec<String> = (0..300)
        .map(|n| {
            let person = &people[n % people.len()];
            let mut resource = dose(&format!("m-{n}"), person, "hepb_birth", 30 + n as i64);
            let fields = resource.as_object_mut().unwrap();
            for name in ["lotNumber", "primarySource", "protocolApplied"] {
                fields.remove(name);
            }
            resource.to_string()
        })
        .collect();
    let reply = world.bulk(&lines).await;
    reply.expect(200);
    assert_eq!(reply.json["lines"], 300);
    assert_eq!(reply.json["created"], 300);
    assert_eq!(reply.json["refused"], 0);
    assert_eq!(world.imports().await, 300);
    for person in &people {
        assert_eq!(world.versions(&person.cid).await.len(), 75);
    }
}

#[tokio::test]
async fn exported_doses_are_a_searchset_that_imports_back_as_the_same_doses() {
    let world = world().await;
    let person = world.person("fhir-export").await;
    let stranger = world.person("fhir-export-stranger").await;
    world
        .import(&dose("e-1", &person, "hepb_birth", 200))
        .await
        .expect(201);
    world
        .import(&dose("e-2", &person, "bcg", 190))
        .await
        .expect(201);

    let path = format!("/v1/citizens/{}/immunizations/fhir", person.cid);
    let export = world
        .app
        .get_as(&person.session.token, &path)
        .await
        .unwrap();
    export.expect(200);
    assert_eq!(export.header("content-type"), Some("application/fhir+json"));
    let bundle = &export.json;
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], 2);
    keep("immunization-searchset", bundle);
    let doses: Vec<&Value> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["search"]["mode"] == "match")
        .map(|e| &e["resource"])
        .collect();
    assert_eq!(doses.len(), 2);
    for resource in &doses {
        assert_eq!(resource["resourceType"], "Immunization");
        assert_eq!(
            resource["contained"][0]["identifier"][0]["value"],
            person.national_id.as_str()
        );
    }

    // A caller with no relationship gets the 404 of a citizen who does not exist.
    let hidden = world
        .app
        .get_as(&stranger.session.token, &path)
        .await
        .unwrap();
    let missing = world
        .app
        .get_as(
            &stranger.session.token,
            &format!("/v1/citizens/{}/immunizations/fhir", Uuid::new_v4()),
        )
        .await
        .unwrap();
    hidden.expect(404);
    missing.expect(404);
    assert_eq!(hidden.json["code"], missing.json["code"]);
    let vaccinator = world
        .app
        .get_as(&world.vaccinator.token, &path)
        .await
        .unwrap();
    vaccinator.expect(404);

    // Imported back (as another system would send them): the same doses, not new ones.
    let before = world.versions(&person.cid).await.len();
    for resource in &doses {
        let reply = world.import(resource).await;
        reply.expect(200);
        assert_eq!(reply.json["outcome"], "unchanged");
        assert_eq!(reply.json["entry_id"], resource["id"]);
    }
    assert_eq!(world.versions(&person.cid).await.len(), before);
}
