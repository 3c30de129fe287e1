//! The one place that turns any error into an RFC 9457 `application/problem+json` response.
//!
//! Capabilities keep their own rich error types and convert them into [`ApiError`] with
//! `From`; handlers return `Result<_, ApiError>` and use `?`. The client sees a status, a
//! stable machine `code`, a human `detail` in its language and, for bad input, one entry per
//! field. The cause chain is logged with the request id and never returned.

use crate::db_circuit::{DatabaseUnreachable, is_unreachable};
use crate::http::field_text::{ECHO_LIMIT, capped};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use healthbook_domain::problem::{ProblemCode, service_unavailable_message};
use healthbook_domain::{Lang, Localized};
use serde::Serialize;
use std::borrow::Cow;
use std::time::Duration;

tokio::task_local! {
    /// The caller's language, set per request by [`crate::http::problem`]'s middleware.
    pub static REQUEST_LANG: Lang;
}

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A message in both languages; the response picks one by `Accept-Language`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub vi: String,
    pub en: String,
}

impl Text {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn of(error: &dyn Localized) -> Text {
        Text::new(error.message(Lang::Vi), error.message(Lang::En))
    }

    pub fn pick(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// One invalid field of a request body or query.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// Dotted path of the field in the request (`dependents[0].date_of_birth`).
    pub field: String,
    pub code: String,
    pub detail: Text,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, detail: Text) -> FieldError {
        FieldError {
            field: field.into(),
            code: code.into(),
            detail,
        }
    }

    /// Every field issue a domain check found, as one 422.
    pub fn all(issues: Vec<healthbook_domain::FieldIssue>) -> Vec<FieldError> {
        issues.into_iter().map(FieldError::from).collect()
    }

    pub fn from_localized(field: impl Into<String>, error: &dyn Localized) -> FieldError {
        FieldError::new(field, error.code(), Text::of(error))
    }
}

impl From<healthbook_domain::FieldIssue> for FieldError {
    fn from(issue: healthbook_domain::FieldIssue) -> FieldError {
        FieldError::new(
            issue.field,
            issue.code,
            Text::new(issue.message_vi, issue.message_en),
        )
    }
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: Text,
    pub fields: Vec<FieldError>,
    pub retry_after: Option<Duration>,
    /// For `dose_too_early`: the first day the dose may be given.
    pub earliest: Option<chrono::NaiveDate>,
    /// The cause, for the log only.
    pub source: Option<anyhow::Error>,
}

impl ApiError {
    /// The problem `code` with the message the vocabulary gives it (`domain::problem`).
    pub fn new(status: StatusCode, code: ProblemCode) -> ApiError {
        ApiError::with_detail(status, code, Text::of(&code))
    }

    /// The problem `code` with a message that names a particular (what is unavailable, the
    /// limit that was reached).
    pub fn with_detail(status: StatusCode, code: ProblemCode, detail: Text) -> ApiError {
        ApiError {
            status,
            code: code.as_str(),
            detail,
            fields: Vec::new(),
            retry_after: None,
            earliest: None,
            source: None,
        }
    }

    pub fn with_fields(mut self, fields: Vec<FieldError>) -> ApiError {
        self.fields = fields;
        self
    }

    pub fn with_source(mut self, source: impl Into<anyhow::Error>) -> ApiError {
        self.source = Some(source.into());
        self
    }

    /// Names the first day a refused dose may be given (the body's `earliest`).
    pub fn with_earliest(mut self, earliest: chrono::NaiveDate) -> ApiError {
        self.earliest = Some(earliest);
        self
    }

    pub fn with_retry_after(mut self, after: Duration) -> ApiError {
        self.retry_after = Some(after);
        self
    }

    /// An unexpected failure: the client learns only that it happened; the log learns why.
    pub fn internal(source: impl Into<anyhow::Error>) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ProblemCode::InternalError,
        )
        .with_source(source)
    }

    pub fn unavailable(what: &str, source: impl Into<anyhow::Error>) -> ApiError {
        ApiError::unavailable_now(what).with_source(source)
    }

    /// `what` cannot be reached; the client may retry shortly.
    pub fn unavailable_now(what: &str) -> ApiError {
        ApiError::with_detail(
            StatusCode::SERVICE_UNAVAILABLE,
            ProblemCode::ServiceUnavailable,
            Text::new(
                service_unavailable_message(what, Lang::Vi),
                service_unavailable_message(what, Lang::En),
            ),
        )
        .with_retry_after(Duration::from_secs(5))
    }

    /// Also what a caller gets for an id it may not see: it must not learn that the id exists.
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, ProblemCode::NotFound)
    }

    pub fn validation(fields: Vec<FieldError>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ProblemCode::ValidationFailed,
        )
        .with_fields(fields)
    }

    /// The domain's checks of a request, as one 422 naming every field at fault.
    pub fn invalid(issues: Vec<healthbook_domain::FieldIssue>) -> ApiError {
        ApiError::validation(FieldError::all(issues))
    }

    pub fn field(field: &str, error: &dyn Localized) -> ApiError {
        ApiError::validation(vec![FieldError::from_localized(field, error)])
    }

    pub fn bad_request(code: ProblemCode) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code)
    }

    pub fn conflict(code: ProblemCode) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, code)
    }

    /// The problem for a bare error status produced by a layer (timeout, body limit, routing).
    pub fn from_status(status: StatusCode) -> ApiError {
        let code = match status {
            StatusCode::NOT_FOUND => return ApiError::not_found(),
            StatusCode::METHOD_NOT_ALLOWED => ProblemCode::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ProblemCode::PayloadTooLarge,
            StatusCode::REQUEST_TIMEOUT => ProblemCode::RequestTimeout,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemCode::UnsupportedMediaType,
            status if status.is_server_error() => {
                return ApiError::internal(anyhow::anyhow!("{status}"));
            }
            _ => ProblemCode::BadRequest,
        };
        ApiError::new(status, code)
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> ApiError {
        if is_unreachable(&error) {
            ApiError::unavailable("database", error)
        } else if matches!(
            error.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ) {
            // Two requests raced for one unique value and the database chose: the loser may
            // retry (registration does, once, to be answered like any late-comer).
            ApiError::conflict(ProblemCode::UniqueViolation)
        } else {
            ApiError::internal(error)
        }
    }
}

impl From<crate::cache::CacheError> for ApiError {
    fn from(error: crate::cache::CacheError) -> ApiError {
        ApiError::unavailable("cache", error)
    }
}

/// An RFC 9457 problem: every error response of the API has this body.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct ProblemBody<'a> {
    /// `https://healthbook.vn/problems/<code>`.
    #[serde(rename = "type")]
    kind: String,
    /// The status's reason phrase.
    title: &'a str,
    status: u16,
    /// The stable machine code (`validation_failed`, `unauthenticated`, `slot_full`…); apps
    /// switch on it.
    code: &'a str,
    /// What to tell a person, in the language of `Accept-Language`.
    detail: &'a str,
    /// One entry per invalid field, on a 422.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    errors: Vec<FieldBody<'a>>,
    /// On `dose_too_early`: the first local date (`YYYY-MM-DD`) the dose may be given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, format = Date, value_type = Option<String>)]
    earliest: Option<chrono::NaiveDate>,
}

/// One invalid field of a request.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ProblemField)]
pub struct FieldBody<'a> {
    /// Dotted path of the field (`dependents[0].date_of_birth`, `limit`, `Idempotency-Key`).
    #[schema(value_type = String)]
    field: Cow<'a, str>,
    #[schema(value_type = String)]
    code: Cow<'a, str>,
    #[schema(value_type = String)]
    detail: Cow<'a, str>,
}

/// Field paths and codes can hold the caller's own keys; whatever builds a detail, an error
/// never repeats much of the input.
const FIELD_ECHO_LIMIT: usize = 2 * ECHO_LIMIT;
const DETAIL_LIMIT: usize = 8 * ECHO_LIMIT;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(
                error.code = self.code,
                error.chain = %chain(self.source.as_ref()),
                "request failed"
            );
        } else if let Some(source) = &self.source {
            tracing::info!(error.code = self.code, error.chain = %chain(Some(source)), "request refused");
        }
        let lang = REQUEST_LANG.try_with(|lang| *lang).unwrap_or_default();
        let body = ProblemBody {
            kind: format!(
                "https://healthbook.vn/problems/{}",
                self.code.replace('_', "-")
            ),
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            code: self.code,
            detail: self.detail.pick(lang),
            errors: self
                .fields
                .iter()
                .map(|f| FieldBody {
                    field: capped(&f.field, FIELD_ECHO_LIMIT),
                    code: capped(&f.code, FIELD_ECHO_LIMIT),
                    detail: capped(f.detail.pick(lang), DETAIL_LIMIT),
                })
                .collect(),
            earliest: self.earliest,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (self.status, bytes).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.code()),
        );
        if let Some(after) = self.retry_after {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(after.as_secs().max(1)),
            );
        }
        if self.source.as_ref().is_some_and(reached_no_database) {
            response.extensions_mut().insert(DatabaseUnreachable);
        }
        response
    }
}

/// Whether the cause, at any depth, is a database that could not be reached: the circuit
/// opens on it, whichever capability's error carried it here.
fn reached_no_database(source: &anyhow::Error) -> bool {
    source.chain().any(|cause| {
        cause
            .downcast_ref::<sea_orm::DbErr>()
            .is_some_and(is_unreachable)
    })
}

fn chain(source: Option<&anyhow::Error>) -> String {
    source.map_or_else(String::new, |e| format!("{e:#}"))
}

pub type ApiResult<T> = Result<T, ApiError>;
