//! The people an account stands for, as the API shows them: a citizen's profile, the
//! children a guardian acts for, the language mail is written in. Shared by the use cases
//! of `me`, `dependents`, `register` and booking, so none of them depends on another.

use super::entities::{account, citizen, guardianship};
use chrono::NaiveDate;
use healthbook_domain::account::{CitizenProfile, Dependent, Verification, mask_national_id};
use healthbook_domain::i18n::Lang;
use healthbook_domain::ids::Sex;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

pub fn profile(row: &citizen::Model) -> CitizenProfile {
    CitizenProfile {
        citizen_id: row.id,
        full_name: row.full_name.clone(),
        date_of_birth: row.date_of_birth,
        // Rows hold only what `Sex::as_str` wrote; the column's check constraint sees to it.
        sex: Sex::from_stored(&row.sex).unwrap_or(Sex::Male),
        national_id_masked: mask_national_id(&row.national_id),
        verification: Verification::from_stored(&row.verification),
    }
}

/// The children a citizen is guardian of today.
pub async fn dependents_of(
    db: &impl ConnectionTrait,
    guardian: Uuid,
    today: NaiveDate,
) -> Result<Vec<Dependent>, DbErr> {
    let links = guardianship::Entity::find()
        .filter(guardianship::Column::GuardianId.eq(guardian))
        .filter(guardianship::in_force(today))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = links.iter().map(|l| l.dependent_id).collect();
    let mut children = citizen::Entity::find()
        .filter(citizen::Column::Id.is_in(ids))
        .all(db)
        .await?;
    children.sort_by_key(|c| c.date_of_birth);
    Ok(children
        .iter()
        .map(|child| Dependent {
            citizen: profile(child),
            guardianship_ends_on: links
                .iter()
                .find(|l| l.dependent_id == child.id)
                .and_then(|l| l.ends_on),
        })
        .collect())
}

/// The language the account's mail and messages are written in.
pub fn lang_of(account: &account::Model) -> Lang {
    Lang::from_code(&account.lang)
}
