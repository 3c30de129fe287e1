//! The vaccine catalogue: the national programme's vaccines and common paid ones, compiled
//! into `healthbook-domain` (`vaccine::catalogue()`), so a fresh database serves it too.

use axum::Json;
use healthbook_domain::vaccine::{Vaccine, catalogue};

/// Every vaccine in the catalogue, the national programme first.
#[utoipa::path(get, path = "/vaccines", tag = "vaccination",
    responses((status = 200, description = "The vaccine catalogue", body = Vec<Vaccine>)))]
pub async fn list_vaccines() -> Json<Vec<Vaccine>> {
    Json(catalogue().iter().map(Vaccine::from).collect())
}
