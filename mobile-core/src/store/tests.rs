use super::*;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use healthbook_domain::Lang;
use healthbook_domain::account::{Assurance, CitizenProfile, Dependent, Me, Verification};
use healthbook_domain::ids::Sex;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

pub(crate) fn at(text: &str) -> DateTime<Utc> {
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

pub(crate) fn me(account_id: Uuid, dependents: Vec<Dependent>) -> Me {
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

pub(crate) fn child(name: &str) -> Dependent {
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
    let keys = Arc::new(MemoryKeyVault::default());
    Store::open(&path, keys.clone())
        .unwrap()
        .save_me(&saved, synced)
        .unwrap();

    let reopened = Store::open(&path, keys).unwrap();
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

/// What a person's data looks like on the phone, each piece something that must never be
/// readable in the file.
const SECRETS: &[&str] = &[
    "Trần Thị Lan",
    "Nguyễn Minh Khôi",
    "Nguyễn Minh Anh",
    "lan@example.vn",
    "001322000456",
    "1990-05-17",
    "2022-08-09",
    "Tim mạch",
    "Bạch Mai",
    "HC1:",
];

const HC1: &str = "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOP-I2DU6UJ2:LPV8WC6";

struct Phone {
    _dir: tempfile::TempDir,
    path: PathBuf,
    keys: Arc<MemoryKeyVault>,
    account: Uuid,
    citizen: Uuid,
}

impl Phone {
    fn new() -> Phone {
        let dir = tempfile::tempdir().unwrap();
        Phone {
            path: dir.path().join("healthbook.sqlite"),
            _dir: dir,
            keys: Arc::new(MemoryKeyVault::default()),
            account: Uuid::new_v4(),
            citizen: Uuid::new_v4(),
        }
    }

    fn open(&self) -> Store {
        Store::open(&self.path, self.keys.clone()).unwrap()
    }

    /// A profile, its dependents, an appointment, a certificate and a queued action with a
    /// child's national ID: everything the phone keeps about a person.
    fn fill(&self, store: &Store) {
        let now = at("2026-11-23T08:00:00Z");
        let mut saved = me(self.account, vec![child("Nguyễn Minh Khôi")]);
        saved.citizen.as_mut().unwrap().citizen_id = self.citizen;
        store.save_me(&saved, now).unwrap();
        store
            .replace_kind(
                "appointment",
                &[CachedEntry {
                    kind: "appointment".to_owned(),
                    id: Uuid::new_v4().to_string(),
                    citizen_id: self.citizen,
                    updated_at: now,
                    body: serde_json::json!({
                        "facility": "Bệnh viện Bạch Mai",
                        "specialty": "Tim mạch",
                        "starts_at": "2026-12-01T02:00:00Z",
                    }),
                }],
            )
            .unwrap();
        store.save_certificate(HC1, now).unwrap();
        store
            .enqueue(self.account, &queued_child(), Uuid::new_v4(), now)
            .unwrap();
    }

    /// Fails with the first secret found in the file or its write-ahead log.
    fn assert_nothing_readable(&self) {
        for file in [self.path.clone(), wal(&self.path)] {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            for secret in SECRETS {
                assert!(
                    !contains(&bytes, secret.as_bytes()),
                    "{secret:?} is readable in {}",
                    file.display()
                );
            }
        }
    }
}

fn queued_child() -> serde_json::Value {
    serde_json::json!({
        "kind": "add_dependent",
        "request": {
            "national_id": "001322000456",
            "full_name": "Nguyễn Minh Anh",
            "date_of_birth": "2022-08-09",
        },
    })
}

fn wal(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn the_file_and_its_journal_hold_no_name_number_or_certificate_text() {
    let phone = Phone::new();
    let store = phone.open();
    phone.fill(&store);
    assert_eq!(
        store.me().unwrap().unwrap().0.citizen.unwrap().full_name,
        "Trần Thị Lan"
    );
    assert_eq!(store.certificates().unwrap()[0].hc1, HC1);
    assert_eq!(
        store.queued::<serde_json::Value>(phone.account).unwrap()[0].action,
        queued_child()
    );
    phone.assert_nothing_readable();
    drop(store);
    phone.assert_nothing_readable();
}

#[test]
fn a_plaintext_store_of_an_earlier_version_is_sealed_without_losing_the_queue() {
    let phone = Phone::new();
    let account = phone.account.to_string();
    let old_me = me(phone.account, vec![child("Nguyễn Minh Khôi")]);
    let dependent = &old_me.dependents[0];
    let keys: Vec<Uuid> = (0..2).map(|_| Uuid::new_v4()).collect();
    {
        let mut db = Connection::open(&phone.path).unwrap();
        db.pragma_update(None, "journal_mode", "WAL").unwrap();
        migrations::migrate_to(&mut db, phone.keys.as_ref(), 2).unwrap();
        db.execute(
            "INSERT INTO profile (account_id, body, synced_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![
                account,
                serde_json::to_string(&old_me).unwrap(),
                "2026-11-23T08:00:00+00:00"
            ],
        )
        .unwrap();
        db.execute(
            "INSERT INTO dependents (citizen_id, account_id, position, body, synced_at)
             VALUES (?1, ?2, 0, ?3, '2026-11-23T08:00:00+00:00')",
            rusqlite::params![
                dependent.citizen.citizen_id.to_string(),
                account,
                serde_json::to_string(dependent).unwrap()
            ],
        )
        .unwrap();
        db.execute(
            "INSERT INTO entries (kind, id, citizen_id, updated_at, body)
             VALUES ('appointment', 'a1', ?1, '2026-11-23T08:00:00+00:00', ?2)",
            rusqlite::params![
                phone.citizen.to_string(),
                r#"{"facility":"Bệnh viện Bạch Mai","specialty":"Tim mạch"}"#
            ],
        )
        .unwrap();
        for (i, key) in keys.iter().enumerate() {
            db.execute(
                "INSERT INTO outbox (id, account_id, idempotency_key, action, queued_at, attempts, last_error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'service_unavailable')",
                rusqlite::params![
                    Uuid::new_v4().to_string(),
                    account,
                    key.to_string(),
                    queued_child().to_string(),
                    format!("2026-11-23T08:0{i}:00+00:00"),
                    i as i64,
                ],
            )
            .unwrap();
        }
        db.execute(
            "INSERT INTO certificates (id, hc1, added_at) VALUES (?1, ?2, '2026-11-23T08:00:00+00:00')",
            rusqlite::params![Uuid::new_v4().to_string(), HC1],
        )
        .unwrap();
        let raw = std::fs::read(wal(&phone.path)).unwrap();
        assert!(
            contains(&raw, "001322000456".as_bytes()),
            "the old store was not plain"
        );
    }

    let store = phone.open();
    let version: u32 = store
        .with(|db| Ok(db.pragma_query_value(None, "user_version", |r| r.get(0))?))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    phone.assert_nothing_readable();

    assert_eq!(store.me().unwrap().unwrap().0, old_me);
    let queued = store.queued::<serde_json::Value>(phone.account).unwrap();
    assert_eq!(
        queued.iter().map(|q| q.idempotency_key).collect::<Vec<_>>(),
        keys
    );
    assert_eq!(queued[1].action, queued_child());
    assert_eq!(queued[1].attempts, 1);
    assert_eq!(queued[1].last_error.as_deref(), Some("service_unavailable"));
    assert_eq!(
        store.entries(phone.citizen).unwrap()[0].body["specialty"],
        "Tim mạch"
    );
    assert_eq!(store.certificates().unwrap()[0].hc1, HC1);
    assert_eq!(
        store
            .save_certificate(HC1, at("2026-11-24T08:00:00Z"))
            .unwrap()
            .id,
        store.certificates().unwrap()[0].id
    );
    drop(store);
    phone.assert_nothing_readable();
}

#[test]
fn sign_out_deletes_the_rows_and_has_the_keystore_forget_their_key() {
    let phone = Phone::new();
    let store = phone.open();
    phone.fill(&store);
    store.pin_key("pinned", false).unwrap();
    let old_keys = phone.keys.names();
    let sealed_profile: Vec<u8> = store
        .with(|db| Ok(db.query_row("SELECT body FROM profile", [], |r| r.get(0))?))
        .unwrap();

    store.wipe().unwrap();

    let new_keys = phone.keys.names();
    assert_eq!(new_keys.len(), 1);
    assert!(!old_keys.contains(&new_keys[0]), "the key was kept");
    assert!(store.me().unwrap().is_none());
    assert!(store.certificates().unwrap().is_empty());
    assert!(
        store
            .queued::<serde_json::Value>(phone.account)
            .unwrap()
            .is_empty()
    );
    assert!(store.entries(phone.citizen).unwrap().is_empty());
    assert_eq!(store.pinned_key().unwrap().as_deref(), Some("pinned"));
    for file in [phone.path.clone(), wal(&phone.path)] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !contains(&bytes, &sealed_profile[..32]),
            "the deleted profile is still in {}",
            file.display()
        );
    }
    phone.fill(&store);
    assert!(
        phone.open().me().unwrap().is_some(),
        "the new key is not the one kept"
    );
}

#[test]
fn a_lapsed_session_forgets_the_cache_but_keeps_the_queue_under_a_new_key() {
    let phone = Phone::new();
    let store = phone.open();
    phone.fill(&store);
    let old_keys = phone.keys.names();
    let queued = store.queued::<serde_json::Value>(phone.account).unwrap();

    assert!(store.end_session().unwrap());

    assert!(store.me().unwrap().is_none());
    assert!(store.dependents(phone.account).unwrap().is_empty());
    assert!(store.entries(phone.citizen).unwrap().is_empty());
    assert!(store.certificates().unwrap().is_empty());
    assert_eq!(
        store.queued::<serde_json::Value>(phone.account).unwrap(),
        queued
    );
    let new_keys = phone.keys.names();
    assert_eq!(new_keys.len(), 1);
    assert!(!old_keys.contains(&new_keys[0]), "the key was kept");
    assert_eq!(
        phone
            .open()
            .queued::<serde_json::Value>(phone.account)
            .unwrap(),
        queued,
        "the queue does not open with the new key after a restart"
    );

    assert!(!store.end_session().unwrap(), "nothing was left to forget");
    assert_eq!(phone.keys.names(), new_keys);
}

#[test]
fn the_queue_kept_for_one_person_goes_when_another_signs_in() {
    let phone = Phone::new();
    let store = phone.open();
    phone.fill(&store);
    store.end_session().unwrap();
    let kept_key = phone.keys.names();

    let other = Uuid::new_v4();
    store
        .save_me(&me(other, Vec::new()), at("2026-11-24T08:00:00Z"))
        .unwrap();

    assert!(
        store
            .queued::<serde_json::Value>(phone.account)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.account_id().unwrap(), Some(other));
    assert_ne!(
        phone.keys.names(),
        kept_key,
        "the previous person's key was kept"
    );
}

#[test]
fn a_store_whose_key_the_keystore_lost_starts_over_empty() {
    let phone = Phone::new();
    phone.fill(&phone.open());

    let other_keystore = Arc::new(MemoryKeyVault::default());
    let store = Store::open(&phone.path, other_keystore.clone()).unwrap();
    assert!(store.me().unwrap().is_none());
    assert!(
        store
            .queued::<serde_json::Value>(phone.account)
            .unwrap()
            .is_empty()
    );
    assert!(store.certificates().unwrap().is_empty());
    phone.fill(&store);
    drop(store);
    let reopened = Store::open(&phone.path, other_keystore).unwrap();
    assert!(reopened.me().unwrap().is_some());
}

/// A keystore that cannot be used now, or can no longer forget.
struct Failing {
    inner: Arc<MemoryKeyVault>,
    load: bool,
    forget: bool,
}

impl KeyVault for Failing {
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, KeyVaultError> {
        if self.load {
            return Err(KeyVaultError::Unavailable {
                detail: "locked".into(),
            });
        }
        self.inner.load(name)
    }
    fn save(&self, name: String, key: Vec<u8>) -> Result<(), KeyVaultError> {
        self.inner.save(name, key)
    }
    fn forget(&self, name: String) -> Result<(), KeyVaultError> {
        if self.forget {
            return Err(KeyVaultError::Unavailable {
                detail: "busy".into(),
            });
        }
        self.inner.forget(name)
    }
}

#[test]
fn a_keystore_that_cannot_answer_keeps_the_store_closed_and_intact() {
    let phone = Phone::new();
    phone.fill(&phone.open());
    let locked = Failing {
        inner: phone.keys.clone(),
        load: true,
        forget: false,
    };
    assert!(matches!(
        Store::open(&phone.path, Arc::new(locked)),
        Err(StoreError::Keystore(_))
    ));
    assert!(phone.open().me().unwrap().is_some(), "data was dropped");
}

#[test]
fn a_retired_key_the_keystore_could_not_forget_is_forgotten_at_the_next_opening() {
    let phone = Phone::new();
    let old_keys = {
        let store = phone.open();
        phone.fill(&store);
        phone.keys.names()
    };
    let stubborn = Failing {
        inner: phone.keys.clone(),
        load: false,
        forget: true,
    };
    Store::open(&phone.path, Arc::new(stubborn))
        .unwrap()
        .wipe()
        .unwrap();
    assert!(phone.keys.names().contains(&old_keys[0]));

    phone.open();
    let left = phone.keys.names();
    assert_eq!(left.len(), 1);
    assert!(!left.contains(&old_keys[0]));
}

#[test]
fn a_sealed_value_moved_into_another_row_does_not_open() {
    let store = Store::in_memory().unwrap();
    let account = Uuid::new_v4();
    store
        .save_me(
            &me(account, vec![child("Khôi"), child("Anh")]),
            at("2026-11-23T08:00:00Z"),
        )
        .unwrap();
    store
        .with(|db| {
            db.execute(
                "UPDATE dependents SET body = (SELECT body FROM dependents WHERE position = 0)
                 WHERE position = 1",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    assert!(matches!(
        store.dependents(account),
        Err(StoreError::Corrupt(_))
    ));
}
