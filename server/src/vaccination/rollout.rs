//! The provinces' roll-out of the programme's roadmap antigens (`vaccine::rollout`): read by
//! anyone (it is public health policy, not personal data), set by the province's authority.
//! The due lists, registration and the recording of a dose read it through [`offers`].

use crate::auth::actor::Actor;
use crate::authz::{Action, Resource};
use crate::db::BeginWrite;
use crate::error::{ApiError, ApiResult};
use crate::http::ValidJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use healthbook_domain::units::{AdminUnit, ProvinceCode};
use healthbook_domain::vaccine::due::Antigen;
use healthbook_domain::vaccine::rollout::{
    ProgrammeRolloutRequest, ProvinceProgramme, ProvinceRollout, offered_on,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

pub mod programme_rollout {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "programme_rollouts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub province_code: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub antigen: String,
        pub offered_from: Option<Date>,
        pub set_by: Uuid,
        pub set_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The roadmap antigens offered on `on` where a person of `commune_code` lives; with no known
/// commune, the national programme's.
pub async fn offers(
    db: &impl ConnectionTrait,
    commune_code: Option<&str>,
    on: NaiveDate,
) -> Result<Vec<Antigen>, ApiError> {
    let province = commune_code
        .and_then(|code| AdminUnit::parse(code).ok())
        .and_then(AdminUnit::province);
    let records = match province {
        Some(province) => records_of(db, province).await?,
        None => Vec::new(),
    };
    Ok(offered_on(&records, on))
}

async fn records_of(
    db: &impl ConnectionTrait,
    province: ProvinceCode,
) -> Result<Vec<ProvinceRollout>, ApiError> {
    let rows = programme_rollout::Entity::find()
        .filter(programme_rollout::Column::ProvinceCode.eq(province_key(province)))
        .all(db)
        .await?;
    // A row this build cannot read (an antigen renamed) holds nothing back: the national
    // programme applies, as for a province that recorded nothing.
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(ProvinceRollout {
                antigen: antigen_from_key(&row.antigen)?,
                offered_from: row.offered_from,
            })
        })
        .collect())
}

fn province_key(province: ProvinceCode) -> String {
    AdminUnit::Province(province).code()
}

fn antigen_key(antigen: Antigen) -> String {
    serde_json::to_value(antigen)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn antigen_from_key(key: &str) -> Option<Antigen> {
    serde_json::from_value(serde_json::Value::String(key.to_owned())).ok()
}

/// A province code of the path: the current list's, or a former province that went whole
/// into one current province. Anything else is a 404, as an unknown id is.
fn province_of_path(code: &str) -> Result<ProvinceCode, ApiError> {
    match AdminUnit::parse(code) {
        Ok(AdminUnit::Province(province)) => Ok(province),
        _ => Err(ApiError::not_found()),
    }
}

async fn programme(
    db: &impl ConnectionTrait,
    province: ProvinceCode,
    date: NaiveDate,
) -> Result<ProvinceProgramme, ApiError> {
    let records = records_of(db, province).await?;
    Ok(ProvinceProgramme {
        province: province_key(province),
        offered: offered_on(&records, date),
        records,
        date,
    })
}

/// A province's roll-out of rotavirus and pneumococcal vaccines, and what it offers today.
#[utoipa::path(get, path = "/provinces/{province}/programme-rollout", tag = "vaccination",
    params(("province" = String, Path, description = "A province's 2-digit code")),
    responses(
        (status = 200, description = "The province's records and today's offer", body = ProvinceProgramme),
        (status = 404, description = "No such province", content_type = "application/problem+json"),
    ))]
pub async fn province_programme(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<ProvinceProgramme>> {
    let province = province_of_path(&code)?;
    Ok(Json(
        programme(&state.db, province, state.clock.today()).await?,
    ))
}

/// Replaces a province's roll-out records: the province's authority (or the country's).
#[utoipa::path(put, path = "/provinces/{province}/programme-rollout", tag = "vaccination", security(("bearer" = [])),
    params(("province" = String, Path, description = "A province's 2-digit code")),
    request_body = ProgrammeRolloutRequest,
    responses(
        (status = 200, description = "The province's records and today's offer", body = ProvinceProgramme),
        (status = 403, description = "Not an authority of this province", content_type = "application/problem+json"),
        (status = 404, description = "No such province", content_type = "application/problem+json"),
        (status = 422, description = "`not_a_roadmap_antigen`, or an antigen named twice", content_type = "application/problem+json"),
    ))]
pub async fn set_province_programme(
    State(state): State<AppState>,
    actor: Actor,
    Path(code): Path<String>,
    ValidJson(request): ValidJson<ProgrammeRolloutRequest>,
) -> ApiResult<Json<ProvinceProgramme>> {
    let province = province_of_path(&code)?;
    state
        .authorize(
            &actor,
            Action::PlanProgramme,
            Resource::Unit(AdminUnit::Province(province)),
        )
        .await?;
    request
        .check()
        .map_err(|code| ApiError::field("records", &code))?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    programme_rollout::Entity::delete_many()
        .filter(programme_rollout::Column::ProvinceCode.eq(province_key(province)))
        .exec(&txn)
        .await?;
    for record in &request.records {
        programme_rollout::Entity::insert(programme_rollout::ActiveModel {
            province_code: Set(province_key(province)),
            antigen: Set(antigen_key(record.antigen)),
            offered_from: Set(record.offered_from),
            set_by: Set(actor.account_id),
            set_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    let answer = programme(&txn, province, state.clock.today()).await?;
    txn.commit().await?;
    tracing::info!(province = %answer.province, "programme roll-out recorded");
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn antigens_are_stored_by_their_api_name() {
        assert_eq!(antigen_key(Antigen::Pneumococcal), "pneumococcal");
        assert_eq!(antigen_from_key("rotavirus"), Some(Antigen::Rotavirus));
        assert_eq!(antigen_from_key("no_such_antigen"), None);
    }

    #[test]
    fn a_former_province_reads_as_its_successor_and_a_commune_is_no_province() {
        assert!(province_of_path("01").is_ok());
        assert!(province_of_path("00004").is_err());
        assert!(province_of_path("xx").is_err());
    }
}
