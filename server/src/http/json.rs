//! A JSON body extractor whose every failure is a precise problem+json.

use super::control_chars;
use super::field_text::{serde_detail, validator_detail};
use super::objects_only::ObjectsOnly;
use crate::error::{ApiError, FieldError, Text};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use healthbook_domain::problem::ProblemCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

/// Parses and validates a JSON body:
/// wrong or missing content type → 415; too large → 413; malformed JSON → 400 naming line
/// and column; anything but an object, or a control character in any string → 422; well-formed
/// JSON of the wrong shape → 422 naming the field; a value that breaks a rule → 422 with every
/// failing field. Details are in the caller's language and repeat little of the input.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValidJson<T>(pub T);

impl<T, S> FromRequest<S> for ValidJson<T>
where
    T: DeserializeOwned + Validate,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&request) {
            return Err(ApiError::from_status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::from_status(rejection.status()))?;
        let value = parse::<T>(&bytes)?;
        value.validate().map_err(validation_error)?;
        Ok(ValidJson(value))
    }
}

fn is_json(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime_like::Essence>().ok())
        .is_some_and(|essence| essence.is_json())
}

/// Reads a JSON body in three steps: well-formed JSON (else 400 naming line and column); an
/// object whose strings hold no control character (else 422 naming each field); then the
/// type, structs from objects only, with the path of the failing field (else 422).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| malformed(&e))?;
    if !value.is_object() {
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            "expected_object",
            Text::new(
                "Nội dung yêu cầu phải là một đối tượng JSON ({…}).",
                "The body must be a JSON object ({…}).",
            ),
        )]));
    }
    let refused = control_chars::in_json(&value);
    if !refused.is_empty() {
        return Err(ApiError::validation(refused));
    }
    typed(bytes)
}

fn typed<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, (String, serde_json::Error)> =
        serde_path_to_error::deserialize(ObjectsOnly(&mut deserializer))
            .map_err(|error| (error.path().to_string(), error.into_inner()))
            .and_then(|value| {
                deserializer
                    .end()
                    .map(|()| value)
                    .map_err(|e| (".".to_owned(), e))
            });
    result.map_err(|(path, inner)| match inner.classify() {
        serde_json::error::Category::Data => {
            let field = if path == "." { "body".to_owned() } else { path };
            ApiError::validation(vec![FieldError::new(
                field,
                "invalid_value",
                serde_detail(&strip_position(&inner)),
            )])
        }
        _ => malformed(&inner),
    })
}

fn malformed(error: &serde_json::Error) -> ApiError {
    ApiError::with_detail(
        StatusCode::BAD_REQUEST,
        ProblemCode::MalformedJson,
        Text::new(
            format!(
                "JSON không hợp lệ ở dòng {}, cột {}.",
                error.line(),
                error.column()
            ),
            format!(
                "Malformed JSON at line {}, column {}.",
                error.line(),
                error.column()
            ),
        ),
    )
}

/// serde_json appends " at line 1 column 42" to data errors; the field path says more.
fn strip_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}

/// Flattens validator's nested errors into dotted field paths.
pub fn validation_error(errors: ValidationErrors) -> ApiError {
    let mut fields = Vec::new();
    collect(&errors, "", &mut fields);
    ApiError::validation(fields)
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    out.push(FieldError::new(
                        path.clone(),
                        error.code.to_string(),
                        validator_detail(error),
                    ));
                }
            }
            ValidationErrorsKind::Struct(nested) => collect(nested, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, nested) in items {
                    collect(nested, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

/// Just enough media-type parsing to accept `application/json; charset=utf-8` and
/// `application/merge-patch+json` while refusing `text/plain`.
mod mime_like {
    pub struct Essence(String);

    impl std::str::FromStr for Essence {
        type Err = ();
        fn from_str(s: &str) -> Result<Self, ()> {
            let essence = s
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if essence.is_empty() {
                Err(())
            } else {
                Ok(Essence(essence))
            }
        }
    }

    impl Essence {
        pub fn is_json(&self) -> bool {
            self.0 == "application/json"
                || (self.0.starts_with("application/") && self.0.ends_with("+json"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::problem::problem_layer;
    use axum::Router;
    use axum::body::Body;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    use serde::Deserialize;
    use tower::ServiceExt;

    #[derive(Debug, Deserialize, Validate)]
    struct Body1 {
        #[validate(length(min = 2, max = 10))]
        name: String,
        #[validate(range(min = 0, max = 150))]
        age: u32,
    }

    async fn accept(ValidJson(body): ValidJson<Body1>) -> String {
        format!("{}:{}", body.name, body.age)
    }

    async fn call(
        content_type: Option<&str>,
        body: &'static str,
    ) -> (StatusCode, serde_json::Value) {
        let app = Router::new()
            .route("/", post(accept))
            .layer(DefaultBodyLimit::max(64))
            .layer(axum::middleware::from_fn(problem_layer));
        let mut request = Request::builder().method("POST").uri("/");
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        let response = app
            .oneshot(request.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    #[tokio::test]
    async fn valid_body_passes() {
        let (status, _) = call(
            Some("application/json; charset=utf-8"),
            r#"{"name":"An","age":3}"#,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }

    #[tokio::test]
    async fn malformed_json_is_400_with_line_and_column() {
        let (status, body) = call(
            Some("application/json"),
            "{\n  \"name\": \"An\",\n  \"age\": }",
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "malformed_json");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("3") && detail.contains("10"), "{detail}");
    }

    #[tokio::test]
    async fn wrong_content_type_is_415() {
        let (status, body) = call(Some("text/plain"), r#"{"name":"An","age":3}"#).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(body["code"], "unsupported_media_type");
        let (status, _) = call(None, r#"{"name":"An","age":3}"#).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }

    #[tokio::test]
    async fn oversized_body_is_413() {
        let (status, body) = call(
            Some("application/json"),
            r#"{"name":"An","age":3,"padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#,
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["code"], "payload_too_large");
    }

    #[tokio::test]
    async fn wrong_type_is_422_naming_the_field() {
        let (status, body) = call(Some("application/json"), r#"{"name":"An","age":"three"}"#).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["errors"][0]["field"], "age");
    }

    #[tokio::test]
    async fn every_broken_rule_is_listed() {
        let (status, body) = call(Some("application/json"), r#"{"name":"A","age":200}"#).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let mut fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        fields.sort_unstable();
        assert_eq!(fields, ["age", "name"]);
    }

    #[tokio::test]
    async fn trailing_garbage_is_malformed() {
        let (status, body) = call(Some("application/json"), r#"{"name":"An","age":3} x"#).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
}
