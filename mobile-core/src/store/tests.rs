use super::*;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use healthbook_domain::Lang;
use healthbook_domain::account::{Assurance, CitizenProfile, Dependent, Me, Verification};
use healthbook_domain::ids::Sex;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn profile(name: &str, born: NaiveDate) -> CitizenProfile {
    CitizenProfile {
        citizen_id: Uuid::new_v4(),
        full_name: name.to_owned(),
        date_of_birth: born,
        sex: Sex::Female,
        national_id_masked: "•••••••••001".to_owned(),
        verification: Verification::Verified,
    }
}

fn me(account_id: Uuid, dependents: Vec<Dependent>) -> Me {
    Me {
        account_id,
        email: "lan@example.vn".to_owned(),
        email_verified: true,
        lang: Lang::Vi,
        assurance: Assurance::Basic,
        session_id: Uuid::new_v4(),
        citizen: Some(profile(
            "Trần Thị Lan",
            NaiveDate::from_ymd_opt(1990, 5, 17).unwrap(),
        )),
        roles: Vec::new(),
        dependents,
        passkeys: 0,
        recovery_pending_until: None,
    }
}

fn child(name: &str) -> Dependent {
    Dependent {
        citizen: profile(name, NaiveDate::from_ymd_opt(2020, 3, 2).unwrap()),
        guardianship_ends_on: NaiveDate::from_ymd_opt(2038, 3, 2),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Note(String);

#[test]
fn the_profile_and_its_dependents_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/store.sqlite");
    let account = Uuid::new_v4();
    let synced = at("2026-11-23T08:00:00Z");
    let saved = me(account, vec![child("Khôi"), child("Anh")]);
    Store::open(&path).unwrap().save_me(&saved, synced).unwrap();

    let reopened = Store::open(&path).unwrap();
    let (cached, when) = reopened.me().unwrap().unwrap();
    assert_eq!(cached, saved);
    assert_eq!(when, synced);
    assert_eq!(reopened.account_id().unwrap(), Some(account));
}

#[test]
fn a_refreshed_dependent_list_replaces_the_one_inside_me() {
    let store = Store::in_memory().unwrap();
    let account = Uuid::new_v4();
    store
        .save_me(
            &me(account, vec![child("Khôi")]),
            at("2026-11-23T08:00:00Z"),
        )
        .unwrap();
    let newer = vec![child("Khôi"), child("Anh")];
    store
        .save_dependents(account, &newer, at("2026-11-23T09:00:00Z"))
        .unwrap();
    assert_eq!(store.me().unwrap().unwrap().0.dependents, newer);
    assert_eq!(store.dependents(account).unwrap(), newer);
}

#[test]
fn another_account_signing_in_erases_the_previous_persons_data() {
    let store = Store::in_memory().unwrap();
    let first = Uuid::new_v4();
    let now = at("2026-11-23T08:00:00Z");
    let first_me = me(first, vec![child("Khôi")]);
    store.save_me(&first_me, now).unwrap();
    let citizen = first_me.citizen.clone().unwrap().citizen_id;
    store
        .replace_entries(
            citizen,
            "appointment",
            &[entry(citizen, "appointment", "a1", now)],
        )
        .unwrap();
    store
        .enqueue(first, &Note("x".into()), Uuid::new_v4(), now)
        .unwrap();

    let second = Uuid::new_v4();
    store.save_me(&me(second, Vec::new()), now).unwrap();
    assert_eq!(store.account_id().unwrap(), Some(second));
    assert!(store.dependents(first).unwrap().is_empty());
    assert!(store.entries(citizen).unwrap().is_empty());
    assert!(store.queued::<Note>(first).unwrap().is_empty());
}

#[test]
fn the_outbox_keeps_order_keys_and_attempts() {
    let store = Store::in_memory().unwrap();
    let account = Uuid::new_v4();
    let t0 = at("2026-11-23T08:00:00Z");
    let keys: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
    let ids: Vec<Uuid> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            store
                .enqueue(
                    account,
                    &Note(format!("n{i}")),
                    *key,
                    t0 + Duration::seconds(i as i64),
                )
                .unwrap()
        })
        .collect();

    store.record_attempt(ids[0], "service_unavailable").unwrap();
    store.settle(ids[1]).unwrap();

    let queued = store.queued::<Note>(account).unwrap();
    assert_eq!(
        queued.iter().map(|q| q.id).collect::<Vec<_>>(),
        [ids[0], ids[2]]
    );
    assert_eq!(queued[0].idempotency_key, keys[0]);
    assert_eq!(queued[0].action, Note("n0".into()));
    assert_eq!(queued[0].attempts, 1);
    assert_eq!(queued[0].last_error.as_deref(), Some("service_unavailable"));
    assert_eq!(queued[1].queued_at, t0 + Duration::seconds(2));
}

#[test]
fn an_idempotency_key_cannot_be_queued_twice() {
    let store = Store::in_memory().unwrap();
    let key = Uuid::new_v4();
    let now = at("2026-11-23T08:00:00Z");
    store
        .enqueue(Uuid::nil(), &Note("a".into()), key, now)
        .unwrap();
    assert!(
        store
            .enqueue(Uuid::nil(), &Note("b".into()), key, now)
            .is_err()
    );
}

#[test]
fn entries_are_replaced_per_kind_and_read_newest_first() {
    let store = Store::in_memory().unwrap();
    let citizen = Uuid::new_v4();
    let t = at("2026-11-23T08:00:00Z");
    store
        .replace_entries(
            citizen,
            "appointment",
            &[entry(citizen, "appointment", "a1", t)],
        )
        .unwrap();
    store
        .replace_entries(
            citizen,
            "certificate",
            &[entry(citizen, "certificate", "c1", t + Duration::days(1))],
        )
        .unwrap();
    store
        .replace_entries(
            citizen,
            "appointment",
            &[entry(citizen, "appointment", "a2", t + Duration::days(2))],
        )
        .unwrap();
    let ids: Vec<_> = store
        .entries(citizen)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, ["a2", "c1"]);
}

#[test]
fn wipe_leaves_an_empty_store_at_the_current_schema() {
    let store = Store::in_memory().unwrap();
    store
        .save_me(
            &me(Uuid::new_v4(), vec![child("Khôi")]),
            at("2026-11-23T08:00:00Z"),
        )
        .unwrap();
    store.wipe().unwrap();
    assert!(store.me().unwrap().is_none());
    let version: u32 = store
        .with(|db| Ok(db.pragma_query_value(None, "user_version", |r| r.get(0))?))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

fn entry(citizen: Uuid, kind: &str, id: &str, updated_at: DateTime<Utc>) -> CachedEntry {
    CachedEntry {
        kind: kind.to_owned(),
        id: id.to_owned(),
        citizen_id: citizen,
        updated_at,
        body: serde_json::json!({ "id": id }),
    }
}
