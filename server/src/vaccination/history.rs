//! A citizen as the schedule engine sees them: who they are (`Vaccinee`), the doses of
//! section III of their book and the serious reactions reported after a dose that still
//! stands (`DoseHistory`). The caller has already authorized the read and logged it; this
//! module only reads.
//!
//! A serious reaction counts whoever reported it, the citizen included: withholding the next
//! dose of that vaccine until someone has looked at the report is the cautious side.

use super::entities::{immunization, reaction};
use super::rollout;
use crate::auth::entities::citizen;
use crate::book::entities::residence;
use crate::book::store::{self, Selection};
use crate::error::ApiError;
use chrono::NaiveDate;
use healthbook_domain::book::EntryStatus;
use healthbook_domain::book::{Categories, Section, Sections};
use healthbook_domain::ids::Sex;
use healthbook_domain::vaccine::due::{Antigen, DoseHistory, SeriousReaction, Vaccinee};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The person on `on` and their dose history, for `due` and `check_dose`.
pub async fn of_citizen(
    db: &impl ConnectionTrait,
    cid: Uuid,
    on: NaiveDate,
) -> Result<(Vaccinee, DoseHistory), ApiError> {
    let citizen = person_row(db, cid).await?;
    let offers = rollout::offers(db, citizen.commune_code.as_deref(), on).await?;
    let entries = store::entries(
        db,
        cid,
        Selection {
            sections: Sections::one(Section::Immunizations),
            categories: Categories::ALL,
            since: None,
        },
    )
    .await?;
    let person = vaccinee(citizen.date_of_birth, &citizen.sex, offers)?;
    let mut history = DoseHistory::from_book(&entries);
    history.reactions = serious_reactions(db, &[cid])
        .await?
        .remove(&cid)
        .unwrap_or_default();
    Ok((person, history))
}

/// What the engine needs of a person: birth date, sex and the commune they live in.
#[derive(Debug, FromQueryResult)]
struct PersonRow {
    date_of_birth: NaiveDate,
    sex: String,
    commune_code: Option<String>,
}

/// One statement, the commune as a subquery: a dose reads this inside its transaction.
async fn person_row(db: &impl ConnectionTrait, cid: Uuid) -> Result<PersonRow, ApiError> {
    let commune = Query::select()
        .column(residence::Column::CommuneCode)
        .from(residence::Entity)
        .and_where(residence::Column::CitizenId.eq(cid))
        .to_owned();
    citizen::Entity::find_by_id(cid)
        .select_only()
        .column(citizen::Column::DateOfBirth)
        .column(citizen::Column::Sex)
        .expr_as(Expr::from(commune), "commune_code")
        .into_model::<PersonRow>()
        .one(db)
        .await?
        // Access was granted, so the row exists unless it vanished in between.
        .ok_or_else(ApiError::not_found)
}

/// The dose histories of many citizens, read in two queries (the due lists' pages).
pub async fn of_citizens(
    db: &impl ConnectionTrait,
    citizens: &[Uuid],
) -> Result<HashMap<Uuid, DoseHistory>, ApiError> {
    let entries = store::section_of_many(db, citizens, Section::Immunizations).await?;
    let mut reactions = serious_reactions(db, citizens).await?;
    Ok(citizens
        .iter()
        .map(|cid| {
            let mut history = entries
                .get(cid)
                .map_or_else(DoseHistory::default, DoseHistory::from_book);
            history.reactions = reactions.remove(cid).unwrap_or_default();
            (*cid, history)
        })
        .collect())
}

/// The person the schedule sees, from the stored birth date and sex code, where the
/// province they live in offers the roadmap's antigens `offers` (`rollout::offers`).
pub fn vaccinee(birth: NaiveDate, sex: &str, offers: Vec<Antigen>) -> Result<Vaccinee, ApiError> {
    let sex = Sex::from_stored(sex)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("citizen with an unknown sex code")))?;
    Ok(Vaccinee {
        province_offers: offers,
        ..Vaccinee::by_birth(birth, sex)
    })
}

/// The serious reactions of `citizens` after doses that still stand, by citizen.
async fn serious_reactions(
    db: &impl ConnectionTrait,
    citizens: &[Uuid],
) -> Result<HashMap<Uuid, Vec<SeriousReaction>>, ApiError> {
    let reactions = reaction::Entity::find()
        .filter(reaction::Column::CitizenId.is_in(citizens.iter().copied()))
        .filter(reaction::Column::Serious.eq(true))
        .all(db)
        .await?;
    if reactions.is_empty() {
        return Ok(HashMap::new());
    }
    let doses: HashMap<Uuid, immunization::Model> = immunization::Entity::find()
        .filter(immunization::Column::Id.is_in(reactions.iter().map(|r| r.immunization_id)))
        .filter(immunization::Column::Status.ne(EntryStatus::EnteredInError.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|dose| (dose.id, dose))
        .collect();
    let mut by_citizen: HashMap<Uuid, Vec<SeriousReaction>> = HashMap::new();
    for r in reactions {
        if let Some(dose) = doses.get(&r.immunization_id) {
            by_citizen
                .entry(r.citizen_id)
                .or_default()
                .push(SeriousReaction {
                    on: r.onset_on,
                    vaccine: dose.vaccine.clone(),
                    product: dose.product.clone(),
                });
        }
    }
    Ok(by_citizen)
}
