//! The screening checklist of a group, as the vaccinator's app shows it before a dose.

use crate::error::{ApiError, ApiResult};
use crate::http::ValidQuery;
use axum::Json;
use healthbook_domain::FieldIssue;
use healthbook_domain::vaccine::screening::{ChecklistItem, ScreeningGroup, checklist};
use serde::Deserialize;
use validator::Validate;

#[derive(Debug, Deserialize, Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScreeningQuery {
    /// `newborn`, `child`, `adult` or `pregnant`.
    #[validate(length(max = 16))]
    #[param(max_length = 16)]
    pub group: String,
}

/// The pre-vaccination screening checklist of a group, each item with its source and whether
/// its wording was checked against the decision.
#[utoipa::path(get, path = "/vaccines/screening", tag = "vaccination",
    params(ScreeningQuery),
    responses(
        (status = 200, description = "The group's checklist, in the order it is asked", body = Vec<ChecklistItem>),
        (status = 422, description = "An unknown group", content_type = "application/problem+json"),
    ))]
pub async fn screening_checklist(
    ValidQuery(query): ValidQuery<ScreeningQuery>,
) -> ApiResult<Json<Vec<ChecklistItem>>> {
    let group = ScreeningGroup::parse(&query.group).ok_or_else(|| {
        ApiError::invalid(vec![FieldIssue::new(
            "group",
            "unknown_screening_group",
            "Nhóm phải là newborn, child, adult hoặc pregnant.",
            "The group must be newborn, child, adult or pregnant.",
        )])
    })?;
    Ok(Json(checklist(group).copied().collect()))
}
