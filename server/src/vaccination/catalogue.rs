//! The vaccine catalogue: the national programme's vaccines and common paid ones.

use crate::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use healthbook_domain::vaccine::{Programme, Vaccine};
use sea_orm::{EntityTrait, QueryOrder};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vaccines")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name_vi: String,
        pub name_en: String,
        pub programme: String,
        pub products: String,
        pub schedule_note: String,
        pub doses: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Every vaccine in the catalogue, the national programme first.
#[utoipa::path(get, path = "/vaccines", tag = "vaccination",
    responses((status = 200, description = "The vaccine catalogue", body = Vec<Vaccine>)))]
pub async fn list_vaccines(State(state): State<AppState>) -> ApiResult<Json<Vec<Vaccine>>> {
    let rows = entity::Entity::find()
        .order_by_asc(entity::Column::Programme)
        .order_by_asc(entity::Column::Code)
        .all(&state.db)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| Vaccine {
                programme: Programme::parse(&row.programme).unwrap_or(Programme::Service),
                doses: u32::try_from(row.doses).unwrap_or(0),
                code: row.code,
                name_vi: row.name_vi,
                name_en: row.name_en,
                products: row.products,
                schedule_note: row.schedule_note,
            })
            .collect(),
    ))
}
