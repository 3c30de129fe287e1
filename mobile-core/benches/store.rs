//! Opening the offline store and loading what the home screen shows from it: the profile,
//! three dependents and 500 cached entries of the book, each opened from its seal. Budget:
//! under 50 ms on a phone, so the app can draw its first screen from the store before any
//! network answer.
//!
//!   cargo bench -p healthbook-core --bench store

use chrono::{DateTime, Duration, NaiveDate, Utc};
use healthbook_core::store::{CachedEntry, MemoryKeyVault, Store};
use healthbook_domain::Lang;
use healthbook_domain::account::{Assurance, CitizenProfile, Dependent, Me, Verification};
use healthbook_domain::ids::Sex;
use std::error::Error;
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

const ENTRIES: usize = 500;
const RUNS: usize = 50;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("healthbook.sqlite");
    let epoch: DateTime<Utc> = "2026-01-01T00:00:00Z".parse()?;
    let (me, citizen_id) = citizen()?;
    // The platform's keystore answers from memory here; on a phone, the keystore's unwrapping
    // of the data key comes on top, once per opening (not measured here).
    let keys = Arc::new(MemoryKeyVault::default());
    {
        let store = Store::open(&path, keys.clone())?;
        store.save_me(&me, epoch)?;
        for (kind, share) in [
            ("appointment", 100),
            ("immunization", 250),
            ("encounter", 150),
        ] {
            let entries: Vec<CachedEntry> = (0..share)
                .map(|i| entry(kind, i, citizen_id, epoch - Duration::days(i as i64)))
                .collect();
            store.replace_entries(citizen_id, kind, &entries)?;
        }
    }

    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let store = Store::open(&path, keys.clone())?;
        let (loaded, _) = store.me()?.ok_or("no profile")?;
        let entries = store.entries(citizen_id)?;
        samples.push(started.elapsed());
        if loaded.dependents.len() != 3 || entries.len() != ENTRIES {
            return Err("the store did not return what was saved".into());
        }
    }
    samples.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "store open + profile, 3 dependents, {ENTRIES} entries: p50 {:.2} ms, max {:.2} ms, min {:.2} ms ({RUNS} runs)",
        ms(samples[RUNS / 2]),
        ms(samples[RUNS - 1]),
        ms(samples[0]),
    );
    Ok(())
}

fn citizen() -> Result<(Me, Uuid), Box<dyn Error>> {
    let profile = |name: &str, born: NaiveDate| CitizenProfile {
        citizen_id: Uuid::new_v4(),
        full_name: name.to_owned(),
        date_of_birth: born,
        sex: Sex::Female,
        national_id_masked: "•••••••••001".to_owned(),
        verification: Verification::Verified,
    };
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    let own = profile("Trần Thị Lan", date(1990, 5, 17)?);
    let citizen_id = own.citizen_id;
    let dependents = [
        ("Nguyễn Minh Khôi", 2016),
        ("Nguyễn Minh Anh", 2019),
        ("Nguyễn Minh Quân", 2023),
    ]
    .into_iter()
    .map(|(name, year)| {
        Ok(Dependent {
            citizen: profile(name, date(year, 3, 2)?),
            guardianship_ends_on: Some(date(year + 18, 3, 2)?),
        })
    })
    .collect::<Result<Vec<_>, Box<dyn Error>>>()?;
    let me = Me {
        account_id: Uuid::new_v4(),
        email: "lan@example.vn".to_owned(),
        email_verified: true,
        lang: Lang::Vi,
        assurance: Assurance::Passkey,
        session_id: Uuid::new_v4(),
        citizen: Some(own),
        roles: Vec::new(),
        dependents,
        passkeys: 1,
        recovery_pending_until: None,
    };
    Ok((me, citizen_id))
}

/// An entry about the size of a real one (an immunization with its lot and facility).
fn entry(kind: &str, index: usize, citizen_id: Uuid, at: DateTime<Utc>) -> CachedEntry {
    CachedEntry {
        kind: kind.to_owned(),
        id: format!("{kind}-{index}"),
        citizen_id,
        updated_at: at,
        body: serde_json::json!({
            "id": Uuid::new_v4(),
            "kind": kind,
            "occurred_at": at,
            "vaccine": {"code": "DTaP-IPV-Hib-HepB", "name": "Vắc xin 6 trong 1", "dose": index % 4 + 1},
            "lot": format!("LOT{index:06}"),
            "facility": {"id": Uuid::new_v4(), "name": "Trạm Y tế phường Ba Đình", "commune_code": "00004"},
            "performer": "Nguyễn Thị Hoa",
            "notes": "Không có phản ứng sau tiêm. Hẹn mũi tiếp theo sau 4 tuần.",
        }),
    }
}
