//! Doses as rows and as the API shows them, and the one lookup of a dose by id: through the
//! caller's relationship to it, so that a dose the caller may not act on is the 404 of one
//! that does not exist, after the same query.

use super::entities::immunization;
use crate::auth::actor::Actor;
use crate::auth::entities::guardianship;
use crate::authz::acting_guardianships;
use crate::error::ApiError;
use chrono::NaiveDate;
use healthbook_domain::account::StaffRole;
use healthbook_domain::vaccine::Programme;
use healthbook_domain::vaccine::doses::Dose;
use healthbook_domain::vaccine::screening::ScreeningResult;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// What the `screening` column holds: the answers and what they decided.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct StoredScreening {
    pub answers: healthbook_domain::vaccine::screening::ScreeningAnswers,
    pub result: ScreeningResult,
}

/// "Same person, same vaccine and product, same day": the key a standing dose holds.
pub fn standing_key(
    cid: Uuid,
    vaccine: &str,
    product: Option<&str>,
    given_on: NaiveDate,
) -> String {
    format!(
        "{cid}|{vaccine}|{}|{given_on}",
        product.unwrap_or_default().to_lowercase()
    )
}

pub fn view(row: &immunization::Model) -> Result<Dose, ApiError> {
    let stored: StoredScreening =
        serde_json::from_str(&row.screening).map_err(ApiError::internal)?;
    let unknown = || ApiError::internal(anyhow::anyhow!("dose with an unknown code"));
    Ok(Dose {
        id: row.id,
        citizen_id: row.citizen_id,
        facility_id: row.facility_id,
        book_entry_id: row.book_entry_id,
        vaccine: row.vaccine.clone(),
        product: row.product.clone(),
        lot_id: row.lot_id,
        dose_number: u32::try_from(row.dose_number).map_err(|_| unknown())?,
        given_on: row.given_on,
        programme: Programme::parse(&row.programme).ok_or_else(unknown)?,
        site: row.site.clone(),
        route: row.route.clone(),
        screening: stored.result,
        appointment_id: row.appointment_id,
        status: row.status.clone(),
        created_at: row.created_at,
    })
}

/// Who may act on a dose, besides what the book's authorization then decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoseAccess {
    /// Staff of the facility that gave it: corrections, error marks, reactions.
    Facility,
    /// The citizen, a guardian, or staff of the facility: reactions.
    PersonOrFacility,
}

/// The dose `iid` if the caller stands in `access` to it; otherwise the 404 of a dose that
/// does not exist.
pub async fn find_for(
    db: &impl ConnectionTrait,
    actor: &Actor,
    iid: Uuid,
    access: DoseAccess,
    today: NaiveDate,
) -> Result<immunization::Model, ApiError> {
    let facilities: Vec<Uuid> = [
        StaffRole::FacilityAdmin,
        StaffRole::Doctor,
        StaffRole::Vaccinator,
    ]
    .into_iter()
    .flat_map(|role| actor.facilities_with(role).collect::<Vec<_>>())
    .collect();
    let mut mine = Condition::any().add(immunization::Column::FacilityId.is_in(facilities));
    if access == DoseAccess::PersonOrFacility
        && let Some(own) = actor.citizen_id
    {
        mine = mine.add(immunization::Column::CitizenId.eq(own)).add(
            immunization::Column::CitizenId.in_subquery(
                Query::select()
                    .column(guardianship::Column::DependentId)
                    .from(guardianship::Entity)
                    .cond_where(acting_guardianships(own, today))
                    .to_owned(),
            ),
        );
    }
    // A dose is named by its own id or by its book entry's, which is what a citizen's phone
    // holds (section III); a corrected dose keeps both.
    immunization::Entity::find()
        .filter(
            Condition::any()
                .add(immunization::Column::Id.eq(iid))
                .add(immunization::Column::BookEntryId.eq(iid)),
        )
        .filter(mine)
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// How long work on a dose keeps its episode open, at most: the write that opens it closes it
/// in the same transaction, so this only bounds a transaction that never reaches its close.
const FOLLOW_UP_EPISODE: chrono::Duration = chrono::Duration::minutes(15);

/// Staff of the facility that gave a dose work on it later (a correction, a reaction they
/// report): that work opens a vaccination episode at the facility, so the book is opened by
/// the authorization module on a care basis, logged, like any other care. The caller closes
/// it with [`close_follow_up`] once the write is done. Citizens and guardians need none.
pub async fn open_follow_up(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    dose: &immunization::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Uuid>, ApiError> {
    if actor.kind != crate::auth::actor::AccountKind::Staff {
        return Ok(None);
    }
    let episode = crate::book::episodes::open(
        txn,
        crate::book::episodes::Opening {
            citizen: dose.citizen_id,
            facility: dose.facility_id,
            kind: healthbook_domain::book::access::EpisodeKind::Vaccination,
            opened_by: Some(actor.account_id),
            ends_at: now + FOLLOW_UP_EPISODE,
        },
        now,
    )
    .await?;
    Ok(Some(episode))
}

pub async fn close_follow_up(
    txn: &impl ConnectionTrait,
    episode: Option<Uuid>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    match episode {
        Some(episode) => crate::book::episodes::close(txn, episode, now).await,
        None => Ok(()),
    }
}
