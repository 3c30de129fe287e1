//! The core's internal error, rich enough to decide on retries and to map into each area's
//! public error enum, and the problem+json body the server answers with.

use crate::store::StoreError;
use healthbook_domain::Lang;
use healthbook_domain::account::FieldIssue;
use serde::Deserialize;

/// One invalid field, from the core's own validation (`domain`'s rules) or from the server's
/// `422 validation_failed`. `code` is stable (`national_id_invalid`, `dependent_not_a_minor`);
/// `detail` is in the client's language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub detail: String,
}

impl FieldProblem {
    pub fn from_issue(issue: &FieldIssue, lang: Lang) -> FieldProblem {
        FieldProblem {
            field: issue.field.to_owned(),
            code: issue.code.to_owned(),
            detail: match lang {
                Lang::Vi => issue.message_vi.clone(),
                Lang::En => issue.message_en.clone(),
            },
        }
    }
}

/// An RFC 9457 problem as the server sends it, plus the status and `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    pub code: String,
    pub detail: String,
    pub errors: Vec<FieldProblem>,
    pub retry_after_seconds: Option<u64>,
}

#[derive(Deserialize)]
struct ProblemBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    errors: Vec<FieldProblem>,
}

impl Problem {
    /// Reads a problem body; anything else (a proxy's HTML page) still yields a problem with
    /// the status and a code derived from it.
    pub fn parse(status: u16, body: &[u8], retry_after_seconds: Option<u64>) -> Problem {
        let parsed = serde_json::from_slice::<ProblemBody>(body).ok();
        let (code, detail, errors) = match parsed {
            Some(body) if !body.code.is_empty() => (body.code, body.detail, body.errors),
            _ => (format!("http_{status}"), String::new(), Vec::new()),
        };
        Problem {
            status,
            code,
            detail,
            errors,
            retry_after_seconds,
        }
    }

    /// Worth sending again, with the same idempotency key: the server did not act on it.
    pub fn is_transient(&self) -> bool {
        matches!(self.status, 429 | 502 | 503 | 504)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.code)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The request may or may not have reached the server: retry with the same key.
    #[error("the server could not be reached")]
    Network(#[source] reqwest::Error),
    #[error("the server refused the request ({0})")]
    Problem(Problem),
    #[error("the server's answer could not be read: {0}")]
    Decode(String),
    #[error("local storage failed")]
    Store(#[from] StoreError),
    #[error("no one is signed in")]
    NotSignedIn,
    /// Caught before sending: the same rules the server applies, from `domain`.
    #[error("the input is not valid")]
    Invalid(Vec<FieldProblem>),
}

impl CoreError {
    /// The problem code of a server refusal, if this is one.
    pub fn code(&self) -> Option<&str> {
        match self {
            CoreError::Problem(problem) => Some(&problem.code),
            _ => None,
        }
    }
}

/// What every area's error enum has in common, decided once here.
pub enum Common {
    Invalid(Vec<FieldProblem>),
    NotSignedIn,
    AccountLocked,
    RateLimited(Option<u64>),
    Offline,
    Unavailable,
    Storage(String),
    Unexpected {
        status: u16,
        code: String,
        detail: String,
    },
}

impl Common {
    pub fn of(error: CoreError) -> Common {
        match error {
            CoreError::Network(_) => Common::Offline,
            CoreError::NotSignedIn => Common::NotSignedIn,
            CoreError::Invalid(issues) => Common::Invalid(issues),
            CoreError::Store(store) => Common::Storage(store.to_string()),
            CoreError::Decode(detail) => Common::Unexpected {
                status: 0,
                code: "unreadable_response".to_owned(),
                detail,
            },
            CoreError::Problem(problem) => match (problem.status, problem.code.as_str()) {
                (422, "validation_failed") => Common::Invalid(problem.errors),
                (401, _) => Common::NotSignedIn,
                (_, "account_locked") => Common::AccountLocked,
                (429, _) => Common::RateLimited(problem.retry_after_seconds),
                (502..=504, _) => Common::Unavailable,
                _ => Common::Unexpected {
                    status: problem.status,
                    code: problem.code,
                    detail: problem.detail,
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_bodies_keep_their_code_and_field_errors() {
        let body = br#"{"type":"about:blank","title":"Unprocessable","status":422,"code":"validation_failed","detail":"x","errors":[{"field":"email","code":"email_invalid","detail":"bad"}]}"#;
        let problem = Problem::parse(422, body, None);
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.errors[0].field, "email");
        assert!(matches!(
            Common::of(CoreError::Problem(problem)),
            Common::Invalid(issues) if issues[0].code == "email_invalid"
        ));
    }

    #[test]
    fn a_body_that_is_not_a_problem_still_has_a_code() {
        let problem = Problem::parse(502, b"<html>Bad gateway</html>", None);
        assert_eq!(problem.code, "http_502");
        assert!(problem.is_transient());
    }

    #[test]
    fn common_codes_map_to_the_same_variants_in_every_area() {
        let problem = |status, code: &str| {
            CoreError::Problem(Problem {
                status,
                code: code.to_owned(),
                detail: String::new(),
                errors: Vec::new(),
                retry_after_seconds: Some(7),
            })
        };
        assert!(matches!(
            Common::of(problem(401, "unauthenticated")),
            Common::NotSignedIn
        ));
        assert!(matches!(
            Common::of(problem(403, "account_locked")),
            Common::AccountLocked
        ));
        assert!(matches!(
            Common::of(problem(429, "rate_limited")),
            Common::RateLimited(Some(7))
        ));
        assert!(matches!(
            Common::of(problem(503, "service_unavailable")),
            Common::Unavailable
        ));
        assert!(matches!(
            Common::of(problem(409, "something_new")),
            Common::Unexpected { status: 409, .. }
        ));
    }
}
