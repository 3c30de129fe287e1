//! A query-string extractor whose failures are problem+json naming the parameter.

use super::control_chars;
use super::field_text::serde_detail;
use crate::error::{ApiError, FieldError};
use crate::http::json::validation_error;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use validator::Validate;

#[derive(Debug, Clone, Copy, Default)]
pub struct ValidQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ValidQuery<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let refused = control_chars::in_query(query);
        if !refused.is_empty() {
            return Err(ApiError::validation(refused));
        }
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        let value: T = serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let field = error.path().to_string();
            let message = error.into_inner().to_string();
            ApiError::validation(vec![FieldError::new(
                if field == "." {
                    "query".to_owned()
                } else {
                    field
                },
                "invalid_query",
                serde_detail(&message),
            )])
        })?;
        value.validate().map_err(validation_error)?;
        Ok(ValidQuery(value))
    }
}
