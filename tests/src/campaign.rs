//! A vaccination campaign day written straight into the database: facilities, a lot of
//! Twinrix in each one's fridge (received through the ledger), vaccinators with passkey
//! sessions, and adults each in a vaccination episode at their facility — what
//! `POST /v1/immunizations` needs, without the hours the HTTP path would take to set up
//! 100,000 people. Then the ledger's audit after the doses: no negative balance, no dose
//! without its `used` row, no `used` row without its dose, every balance equal to its ledger.

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use healthbook_server::auth::entities::{account, citizen, session, staff_role};
use healthbook_server::book::entities::care_episode;
use healthbook_server::booking::entities::facility;
use healthbook_server::vaccination::stock::entities::{balance, lot, movement};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, Statement, TransactionTrait,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How large a day to set up.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub facilities: usize,
    /// Spread evenly over the facilities (vaccinator `v` works at facility `v % facilities`).
    pub vaccinators: usize,
    /// Citizen `i` is in care at facility `i % facilities`.
    pub citizens: usize,
    /// Doses received into each facility's lot.
    pub doses_per_lot: i64,
}

/// A vaccinator signed in with a passkey session.
#[derive(Debug, Clone)]
pub struct Vaccinator {
    pub token: String,
    pub facility: usize,
}

/// What was set up; indexes into `facilities` and `lots` are the same.
#[derive(Debug, Clone)]
pub struct Day {
    pub facilities: Vec<Uuid>,
    pub lots: Vec<Uuid>,
    pub vaccinators: Vec<Vaccinator>,
    pub citizens: Vec<Uuid>,
}

impl Day {
    /// The citizens vaccinator `v` sees: those of their facility, dealt in turn among the
    /// facility's vaccinators, so that no two vaccinators ever give one person a dose.
    pub fn queue_of(&self, v: usize) -> Vec<usize> {
        let facilities = self.facilities.len();
        let facility = v % facilities;
        let colleagues: Vec<usize> = (0..self.vaccinators.len())
            .filter(|w| w % facilities == facility)
            .collect();
        let turn = colleagues.iter().position(|w| *w == v).unwrap_or(0);
        (0..self.citizens.len())
            .filter(|i| i % facilities == facility)
            .enumerate()
            .filter(|(n, _)| n % colleagues.len() == turn)
            .map(|(_, i)| i)
            .collect()
    }

    /// The body of citizen `i`'s dose: a first dose of Twinrix from their facility's lot, after
    /// a screening that finds nothing.
    pub fn dose(&self, i: usize) -> Value {
        let lot = self.lots[i % self.facilities.len()];
        let items = [
            "acute_illness",
            "previous_severe_reaction",
            "immunodeficiency",
            "unstable_chronic_disease",
        ];
        json!({
            "citizen_id": self.citizens[i],
            "vaccine": "hepa",
            "product": "Twinrix",
            "lot_id": lot,
            "site": "left_deltoid",
            "route": "intramuscular",
            "programme": "service",
            "screening": {
                "group": "adult",
                "temperature_tenths": 366,
                "answers": items.iter().map(|i| json!({"item": i, "yes": false})).collect::<Vec<_>>(),
            },
        })
    }
}

/// Rows per INSERT: under SQLite's 32,766 bound parameters with the widest row here.
const CHUNK: usize = 1000;

pub async fn insert_chunks<A, E>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<()>
where
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
    E: EntityTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Sets the day up at `now` (the server's clock: episodes and sessions are open then), in one
/// transaction. `tag` keeps the rows of two days in one database apart.
pub async fn seed(
    db: &DatabaseConnection,
    size: Size,
    tag: &str,
    now: DateTime<Utc>,
) -> Result<Day> {
    let txn = db.begin().await?;
    let facilities: Vec<Uuid> = (0..size.facilities).map(|_| Uuid::now_v7()).collect();
    insert_chunks(
        &txn,
        facilities
            .iter()
            .enumerate()
            .map(|(f, id)| facility::ActiveModel {
                id: Set(*id),
                code: Set(format!("{}{f:03}", &tag[..2]).to_uppercase()),
                name: Set(format!("Trạm Y tế chiến dịch {tag} {f}")),
                name_folded: Set(format!("tram y te chien dich {tag} {f}")),
                level: Set("commune_station".to_owned()),
                province_code: Set("01".to_owned()),
                commune_code: Set("00004".to_owned()),
                address: Set("Hà Nội".to_owned()),
                phone: Set(None),
                opening_hours: Set("07:00-17:00".to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect(),
    )
    .await?;

    let vaccinator_accounts: Vec<Uuid> = (0..size.vaccinators).map(|_| Uuid::now_v7()).collect();
    let citizen_accounts: Vec<Uuid> = (0..size.citizens).map(|_| Uuid::now_v7()).collect();
    let accounts = vaccinator_accounts
        .iter()
        .enumerate()
        .map(|(v, id)| {
            (
                *id,
                "staff",
                format!("vaccinator.{v}@{tag}.staff.healthbook.vn"),
            )
        })
        .chain(
            citizen_accounts
                .iter()
                .enumerate()
                .map(|(i, id)| (*id, "citizen", format!("citizen.{i}@{tag}.example.vn"))),
        )
        .map(|(id, kind, email)| account::ActiveModel {
            id: Set(id),
            kind: Set(kind.to_owned()),
            email_key: Set(email.clone()),
            email: Set(email),
            email_verified_at: Set(Some(now)),
            display_name: Set("Nguyễn Văn Chiến".to_owned()),
            phone: Set(None),
            lang: Set("vi".to_owned()),
            status: Set("active".to_owned()),
            locked_until: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    insert_chunks(&txn, accounts).await?;

    insert_chunks(
        &txn,
        vaccinator_accounts
            .iter()
            .enumerate()
            .map(|(v, account)| staff_role::ActiveModel {
                id: Set(Uuid::now_v7()),
                account_id: Set(*account),
                role: Set("vaccinator".to_owned()),
                facility_id: Set(Some(facilities[v % size.facilities])),
                admin_unit: Set(None),
                granted_by: Set(None),
                created_at: Set(now),
            })
            .collect(),
    )
    .await?;
    let mut vaccinators = Vec::with_capacity(size.vaccinators);
    let mut sessions = Vec::with_capacity(size.vaccinators);
    for (v, account) in vaccinator_accounts.iter().enumerate() {
        let token = format!("hbs_{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
        sessions.push(session::ActiveModel {
            id: Set(Uuid::now_v7()),
            token_hash: Set(hex::encode(Sha256::digest(token.as_bytes()))),
            account_id: Set(*account),
            assurance: Set("passkey".to_owned()),
            device_name: Set(Some("Campaign tablet".to_owned())),
            created_at: Set(now),
            last_seen_at: Set(now),
            idle_expires_at: Set(now + Duration::minutes(30)),
            absolute_expires_at: Set(now + Duration::hours(8)),
            revoked_at: Set(None),
            passkey_id: Set(None),
        });
        vaccinators.push(Vaccinator {
            token,
            facility: v % size.facilities,
        });
    }
    insert_chunks(&txn, sessions).await?;

    let citizens: Vec<Uuid> = (0..size.citizens).map(|_| Uuid::now_v7()).collect();
    let born = NaiveDate::from_ymd_opt(1990, 5, 17).context("a date")?;
    // National numbers of the 0xx prefixes no province uses, so none meets a demo person's.
    let prefix = 900 + tag.bytes().map(u32::from).sum::<u32>() % 90;
    insert_chunks(
        &txn,
        citizens
            .iter()
            .zip(&citizen_accounts)
            .enumerate()
            .map(|(i, (id, account))| citizen::ActiveModel {
                id: Set(*id),
                account_id: Set(Some(*account)),
                national_id: Set(format!("{prefix:03}{i:09}")),
                full_name: Set("Nguyễn Văn Chiến".to_owned()),
                date_of_birth: Set(born),
                sex: Set("male".to_owned()),
                verification: Set("verified".to_owned()),
                verified_at: Set(Some(now)),
                verified_by: Set(Some("registry".to_owned())),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect(),
    )
    .await?;
    insert_chunks(
        &txn,
        citizens
            .iter()
            .enumerate()
            .map(|(i, cid)| care_episode::ActiveModel {
                id: Set(Uuid::now_v7()),
                citizen_id: Set(*cid),
                facility_id: Set(facilities[i % size.facilities]),
                kind: Set("vaccination".to_owned()),
                opened_at: Set(now - Duration::minutes(5)),
                ends_at: Set(now + Duration::hours(8)),
                closed_at: Set(None),
                opened_by: Set(None),
            })
            .collect(),
    )
    .await?;

    let lots: Vec<Uuid> = facilities.iter().map(|_| Uuid::now_v7()).collect();
    let expires = born + Duration::days(365 * 40);
    insert_chunks(
        &txn,
        lots.iter()
            .enumerate()
            .map(|(f, id)| lot::ActiveModel {
                id: Set(*id),
                vaccine: Set("hepa".to_owned()),
                product: Set("Twinrix".to_owned()),
                manufacturer: Set("GSK".to_owned()),
                lot_number: Set(format!("CD-{tag}-{f:03}")),
                expires_on: Set(expires),
                doses_per_vial: Set(1),
                vvm_stage: Set(1),
                quarantined_at: Set(None),
                quarantine_reason: Set(None),
                quarantined_by: Set(None),
                created_at: Set(now),
            })
            .collect(),
    )
    .await?;
    insert_chunks(
        &txn,
        lots.iter()
            .zip(&facilities)
            .map(|(lot, facility)| balance::ActiveModel {
                facility_id: Set(*facility),
                lot_id: Set(*lot),
                doses: Set(size.doses_per_lot),
                updated_at: Set(now),
            })
            .collect(),
    )
    .await?;
    let receiver = vaccinator_accounts
        .first()
        .copied()
        .context("no vaccinator")?;
    insert_chunks(
        &txn,
        lots.iter()
            .zip(&facilities)
            .map(|(lot, facility)| movement::ActiveModel {
                id: Set(Uuid::now_v7()),
                facility_id: Set(*facility),
                lot_id: Set(*lot),
                kind: Set("receipt".to_owned()),
                doses: Set(size.doses_per_lot),
                counterpart_facility_id: Set(None),
                immunization_id: Set(None),
                reason: Set(Some("Phiếu nhập kho chiến dịch".to_owned())),
                recorded_by: Set(receiver),
                recorded_at: Set(now),
                occurred_on: Set(now.date_naive()),
            })
            .collect(),
    )
    .await?;
    txn.commit().await?;
    Ok(Day {
        facilities,
        lots,
        vaccinators,
        citizens,
    })
}

/// The ledger against the doses, over the whole database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audit {
    pub doses: i64,
    pub used_rows: i64,
    pub negative_balances: i64,
    pub doses_without_decrement: i64,
    pub decrements_without_dose: i64,
    /// Balances that differ from their ledger's sum (received − used − …).
    pub balances_off_ledger: i64,
    /// Citizens with more than one dose recorded today of one vaccine.
    pub citizens_dosed_twice: i64,
}

impl Audit {
    /// What is wrong, one line each; empty when the ledger and the doses agree.
    pub fn violations(&self) -> Vec<String> {
        [
            ("negative balances", self.negative_balances),
            (
                "doses without a stock decrement",
                self.doses_without_decrement,
            ),
            (
                "stock decrements without a dose",
                self.decrements_without_dose,
            ),
            (
                "balances that differ from their ledger",
                self.balances_off_ledger,
            ),
            (
                "citizens given the same dose twice",
                self.citizens_dosed_twice,
            ),
        ]
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|(what, n)| format!("{n} {what}"))
        .collect()
    }
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .context("no row")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

pub async fn audit(db: &impl ConnectionTrait) -> Result<Audit> {
    Ok(Audit {
        doses: count(db, "SELECT COUNT(*) FROM immunizations").await?,
        used_rows: count(db, "SELECT COUNT(*) FROM stock_movements WHERE kind = 'used'").await?,
        negative_balances: count(db, "SELECT COUNT(*) FROM stock_balances WHERE doses < 0").await?,
        doses_without_decrement: count(
            db,
            "SELECT COUNT(*) FROM immunizations i WHERE NOT EXISTS (SELECT 1 FROM stock_movements m \
             WHERE m.immunization_id = i.id AND m.kind = 'used' AND m.lot_id = i.lot_id \
             AND m.facility_id = i.facility_id AND m.doses = -1)",
        )
        .await?,
        decrements_without_dose: count(
            db,
            "SELECT COUNT(*) FROM stock_movements m WHERE m.kind = 'used' AND (m.immunization_id IS NULL \
             OR NOT EXISTS (SELECT 1 FROM immunizations i WHERE i.id = m.immunization_id))",
        )
        .await?,
        balances_off_ledger: count(
            db,
            "SELECT COUNT(*) FROM stock_balances b WHERE b.doses <> (SELECT COALESCE(SUM(m.doses), 0) \
             FROM stock_movements m WHERE m.facility_id = b.facility_id AND m.lot_id = b.lot_id)",
        )
        .await?,
        citizens_dosed_twice: count(
            db,
            "SELECT COUNT(*) FROM (SELECT citizen_id FROM immunizations WHERE status = 'recorded' \
             GROUP BY citizen_id, vaccine, given_on HAVING COUNT(*) > 1) twice",
        )
        .await?,
    })
}
