//! A citizen as the schedule engine sees them: who they are (`Vaccinee`) and the doses of
//! section III of their book (`DoseHistory`). The caller has already authorized the read and
//! logged it; this module only reads.

use crate::book::read::citizen_row;
use crate::book::store::{self, Selection};
use crate::error::ApiError;
use healthbook_domain::book::{Categories, Section, Sections};
use healthbook_domain::ids::Sex;
use healthbook_domain::vaccine::due::{DoseHistory, Vaccinee};
use sea_orm::ConnectionTrait;
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
    Ok((person, DoseHistory::from_book(&entries)))
}
