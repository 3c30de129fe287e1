//! A citizen as the schedule engine sees them: who they are (`Vaccinee`), the doses of
//! section III of their book and the serious reactions reported after a dose that still
//! stands (`DoseHistory`). The caller has already authorized the read and logged it; this
//! module only reads.
//!
//! A serious reaction counts whoever reported it, the citizen included: withholding the next
//! dose of that vaccine until someone has looked at the report is the cautious side.

use super::entities::{immunization, reaction};
use crate::book::read::citizen_row;
use crate::book::store::{self, Selection};
use crate::error::ApiError;
use healthbook_domain::book::EntryStatus;
use healthbook_domain::book::{Categories, Section, Sections};
use healthbook_domain::ids::Sex;
use healthbook_domain::vaccine::due::{DoseHistory, SeriousReaction, Vaccinee};
use sea_orm::ConnectionTrait;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
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
    let sex = Sex::from_stored(&citizen.sex)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("citizen with an unknown sex code")))?;
    let person = Vaccinee::by_birth(citizen.date_of_birth, sex);
    let mut history = DoseHistory::from_book(&entries);
    history.reactions = serious_reactions(db, cid).await?;
    Ok((person, history))
}

async fn serious_reactions(
    db: &impl ConnectionTrait,
    cid: Uuid,
) -> Result<Vec<SeriousReaction>, ApiError> {
    let reactions = reaction::Entity::find()
        .filter(reaction::Column::CitizenId.eq(cid))
        .filter(reaction::Column::Serious.eq(true))
        .all(db)
        .await?;
    if reactions.is_empty() {
        return Ok(Vec::new());
    }
    let doses = immunization::Entity::find()
        .filter(immunization::Column::CitizenId.eq(cid))
        .filter(immunization::Column::Status.ne(EntryStatus::EnteredInError.as_str()))
        .all(db)
        .await?;
    Ok(reactions
        .iter()
        .filter_map(|r| {
            let dose = doses.iter().find(|d| d.id == r.immunization_id)?;
            Some(SeriousReaction {
                on: r.onset_on,
                vaccine: dose.vaccine.clone(),
                product: dose.product.clone(),
            })
        })
        .collect())
}
