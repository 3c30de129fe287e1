//! A citizen as the schedule engine sees them: who they are (`Vaccinee`) and the doses of
//! section III of their book (`DoseHistory`). The caller has already authorized the read and
//! logged it; this module only reads.

use crate::book::read::citizen_row;
use crate::book::store::{self, Selection};
use crate::error::ApiError;
use chrono::NaiveDate;
use healthbook_domain::book::{Categories, Section, Sections};
use healthbook_domain::ids::Sex;
use healthbook_domain::vaccine::due::{DoseHistory, Vaccinee};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use uuid::Uuid;

/// The person and their dose history, for `due` and `check_dose`.
pub async fn of_citizen(
    db: &impl ConnectionTrait,
    cid: Uuid,
) -> Result<(Vaccinee, DoseHistory), ApiError> {
    let citizen = citizen_row(db, cid).await?;
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
    let person = vaccinee(citizen.date_of_birth, &citizen.sex)?;
    Ok((person, DoseHistory::from_book(&entries)))
}

/// The dose histories of many citizens, read in one query (the due lists' pages).
pub async fn of_citizens(
    db: &impl ConnectionTrait,
    citizens: &[Uuid],
) -> Result<HashMap<Uuid, DoseHistory>, ApiError> {
    let entries = store::section_of_many(db, citizens, Section::Immunizations).await?;
    Ok(citizens
        .iter()
        .map(|cid| {
            let history = entries.get(cid).map_or_else(
                || DoseHistory {
                    doses: Vec::new(),
                    reactions: Vec::new(),
                },
                DoseHistory::from_book,
            );
            (*cid, history)
        })
        .collect())
}

/// The person the schedule sees, from the stored birth date and sex code.
pub fn vaccinee(birth: NaiveDate, sex: &str) -> Result<Vaccinee, ApiError> {
    let sex = Sex::from_stored(sex)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("citizen with an unknown sex code")))?;
    Ok(Vaccinee::by_birth(birth, sex))
}
