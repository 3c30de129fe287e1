//! Errors: the core's internal one, rich enough to decide on retries; the problem+json body
//! the server answers with; and [`CommonError`], what every area's public error holds for the
//! failures they share, mapped once here.
//!
//! An area's error is a few variants of its own plus `Common { error }`, in the manner of
//! matrix-rust-sdk's `ClientError`: adding an area adds only what is particular to it. Every
//! public error says what to tell the person (`user_message(lang)`), from the problem codes in
//! `domain` or, for what only the phone knows (no network, a full disk), from [`Own`] below,
//! so that no app keeps a sentence of its own per failure.

use crate::store::StoreError;
use healthbook_domain::{FieldIssue, Lang, ProblemCode};
use serde::Deserialize;

/// An RFC 9457 problem as the server sends it, plus the status and `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    pub code: String,
    pub detail: String,
    pub errors: Vec<FieldIssue>,
    pub retry_after_seconds: Option<u64>,
    /// The first day a dose refused as too early may be given (`dose_too_early`).
    pub earliest: Option<chrono::NaiveDate>,
}

#[derive(Deserialize)]
struct ProblemBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    errors: Vec<FieldBody>,
    #[serde(default)]
    earliest: Option<chrono::NaiveDate>,
}

/// A field error as the server renders it: one detail, in the language the core asked for.
#[derive(Deserialize)]
struct FieldBody {
    field: String,
    code: String,
    #[serde(default)]
    detail: String,
}

impl FieldBody {
    /// The server's words stand for either language: they are in the one the core asked
    /// for, which is the app's.
    fn into_issue(self) -> FieldIssue {
        FieldIssue::new(self.field, self.code, self.detail.clone(), self.detail)
    }
}

impl Problem {
    /// Reads a problem body; anything else (a proxy's HTML page) still yields a problem with
    /// the status and a code derived from it.
    pub fn parse(status: u16, body: &[u8], retry_after_seconds: Option<u64>) -> Problem {
        let parsed = serde_json::from_slice::<ProblemBody>(body).ok();
        let (code, detail, errors, earliest) = match parsed {
            Some(body) if !body.code.is_empty() => (
                body.code,
                body.detail,
                body.errors.into_iter().map(FieldBody::into_issue).collect(),
                body.earliest,
            ),
            _ => (format!("http_{status}"), String::new(), Vec::new(), None),
        };
        Problem {
            status,
            code,
            detail,
            errors,
            retry_after_seconds,
            earliest,
        }
    }

    /// Worth sending again, with the same idempotency key: the server did not act on it.
    pub fn is_transient(&self) -> bool {
        matches!(self.status, 429 | 502 | 503 | 504)
    }

    /// The code, when this build knows it.
    pub fn known(&self) -> Option<ProblemCode> {
        ProblemCode::parse(&self.code)
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
    Invalid(Vec<FieldIssue>),
}

impl CoreError {
    /// The known problem code of a server refusal, if this is one.
    pub fn problem(&self) -> Option<ProblemCode> {
        match self {
            CoreError::Problem(problem) => problem.known(),
            _ => None,
        }
    }

    /// The server's words for a refusal, in the client's language.
    pub fn detail(&self) -> String {
        match self {
            CoreError::Problem(problem) => problem.detail.clone(),
            _ => String::new(),
        }
    }
}

/// What any call can fail with, whatever its area. Each area's error holds it as
/// `Common { error }`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Enum)]
pub enum CommonError {
    /// Fields to correct, each shown beside its field (`FieldIssue.message(lang)`).
    #[error("the input is not valid")]
    InvalidInput { issues: Vec<FieldIssue> },
    /// The session is over: the sign-in screen is next.
    #[error("no one is signed in")]
    NotSignedIn,
    /// The call needs a session opened with a passkey: offer passkey sign-in.
    #[error("sign in with a passkey to continue")]
    StepUpRequired,
    /// No such thing — or not one this account may see.
    #[error("not found")]
    NotFound,
    #[error("the account is locked")]
    AccountLocked,
    #[error("too many requests; try again later")]
    RateLimited { retry_after_seconds: Option<u64> },
    #[error("the server cannot be reached")]
    Offline,
    #[error("the service is temporarily unavailable")]
    Unavailable,
    #[error("local storage failed: {detail}")]
    Storage { detail: String },
    /// Refused for a reason the area does not name (`registry_mismatch`, `same_slot`…):
    /// `code` is the server's stable code, `detail` its words in the client's language.
    #[error("refused ({status} {code}): {detail}")]
    Refused {
        status: u16,
        code: String,
        detail: String,
    },
    /// What should not happen: a server failure, an answer that cannot be read.
    #[error("unexpected answer ({status} {code}): {detail}")]
    Unexpected {
        status: u16,
        code: String,
        detail: String,
    },
}

impl From<CoreError> for CommonError {
    fn from(error: CoreError) -> CommonError {
        match error {
            CoreError::Network(_) => CommonError::Offline,
            CoreError::NotSignedIn => CommonError::NotSignedIn,
            CoreError::Invalid(issues) => CommonError::InvalidInput { issues },
            CoreError::Store(store) => CommonError::Storage {
                detail: store.to_string(),
            },
            CoreError::Decode(detail) => CommonError::Unexpected {
                status: 0,
                code: UNREADABLE_RESPONSE.to_owned(),
                detail,
            },
            CoreError::Problem(problem) => CommonError::of_problem(problem),
        }
    }
}

/// The code of an answer the core could not read.
const UNREADABLE_RESPONSE: &str = "unreadable_response";

impl CommonError {
    fn of_problem(problem: Problem) -> CommonError {
        match (problem.status, problem.known()) {
            (422, Some(ProblemCode::ValidationFailed)) => CommonError::InvalidInput {
                issues: problem.errors,
            },
            (401, _) => CommonError::NotSignedIn,
            (_, Some(ProblemCode::StepUpRequired)) => CommonError::StepUpRequired,
            (_, Some(ProblemCode::AccountLocked)) => CommonError::AccountLocked,
            (404, _) => CommonError::NotFound,
            (429, _) => CommonError::RateLimited {
                retry_after_seconds: problem.retry_after_seconds,
            },
            (502..=504, _) => CommonError::Unavailable,
            (400..=499, _) => CommonError::Refused {
                status: problem.status,
                code: problem.code,
                detail: problem.detail,
            },
            _ => CommonError::Unexpected {
                status: problem.status,
                code: problem.code,
                detail: problem.detail,
            },
        }
    }
}

impl From<StoreError> for CommonError {
    fn from(error: StoreError) -> CommonError {
        CoreError::Store(error).into()
    }
}

#[uniffi::export]
impl CommonError {
    /// What to tell the person, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        let code = match self {
            CommonError::InvalidInput { .. } => ProblemCode::ValidationFailed,
            CommonError::NotSignedIn => ProblemCode::Unauthenticated,
            CommonError::StepUpRequired => ProblemCode::StepUpRequired,
            CommonError::NotFound => ProblemCode::NotFound,
            CommonError::AccountLocked => ProblemCode::AccountLocked,
            CommonError::RateLimited { .. } => ProblemCode::RateLimited,
            CommonError::Unavailable => ProblemCode::ServiceUnavailable,
            CommonError::Offline => return Own::Offline.message(lang),
            CommonError::Storage { .. } => return Own::Storage.message(lang),
            CommonError::Refused { code, detail, .. }
            | CommonError::Unexpected { code, detail, .. } => {
                return server_words(code, detail, lang);
            }
        };
        code.message(lang).to_owned()
    }
}

/// A refusal's message: the table's for a code this build knows, else the server's own words
/// (they are in the client's language), else a plain "something went wrong".
pub(crate) fn server_words(code: &str, detail: &str, lang: Lang) -> String {
    match ProblemCode::parse(code) {
        Some(known) => known.message(lang).to_owned(),
        None if !detail.trim().is_empty() => detail.to_owned(),
        None => Own::Unexpected.message(lang),
    }
}

/// What the phone itself says about failures no server code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Own {
    Offline,
    Storage,
    Unexpected,
    NoTrustListKey,
    ListRejected,
}

impl Own {
    pub(crate) fn message(self, lang: Lang) -> String {
        let (vi, en) = match self {
            Own::Offline => (
                "Không có kết nối mạng. Hãy thử lại khi có mạng.",
                "No connection. Try again when you are online.",
            ),
            Own::Storage => (
                "Điện thoại không lưu được dữ liệu của bạn.",
                "This phone could not save your data.",
            ),
            Own::Unexpected => (
                "Đã có lỗi xảy ra. Vui lòng thử lại.",
                "Something went wrong. Please try again.",
            ),
            Own::NoTrustListKey => (
                "Ứng dụng chưa có khóa danh sách tin cậy: không thể xác minh chứng nhận.",
                "This app has no trust-list key: certificates cannot be verified.",
            ),
            Own::ListRejected => (
                "Danh sách tin cậy tải về bị từ chối; vẫn dùng danh sách trên máy.",
                "The downloaded trust list was refused; the one on this phone is still used.",
            ),
        };
        match lang {
            Lang::Vi => vi.to_owned(),
            Lang::En => en.to_owned(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn problem(status: u16, code: &str) -> CoreError {
        CoreError::Problem(Problem {
            status,
            code: code.to_owned(),
            detail: "why".to_owned(),
            errors: Vec::new(),
            retry_after_seconds: Some(7),
            earliest: None,
        })
    }

    #[test]
    fn problem_bodies_keep_their_code_and_field_errors() {
        let body = br#"{"type":"about:blank","title":"Unprocessable","status":422,"code":"validation_failed","detail":"x","errors":[{"field":"email","code":"email_invalid","detail":"bad"}]}"#;
        let problem = Problem::parse(422, body, None);
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.errors[0].field, "email");
        assert_eq!(problem.errors[0].message(Lang::En), "bad");
        assert!(matches!(
            CommonError::from(CoreError::Problem(problem)),
            CommonError::InvalidInput { issues } if issues[0].code == "email_invalid"
        ));
    }

    #[test]
    fn a_body_that_is_not_a_problem_still_has_a_code() {
        let problem = Problem::parse(502, b"<html>Bad gateway</html>", None);
        assert_eq!(problem.code, "http_502");
        assert!(problem.is_transient());
    }

    #[test]
    fn shared_failures_map_to_one_vocabulary() {
        let common = |status, code| CommonError::from(problem(status, code));
        assert_eq!(common(401, "unauthenticated"), CommonError::NotSignedIn);
        assert_eq!(common(403, "step_up_required"), CommonError::StepUpRequired);
        assert_eq!(common(403, "account_locked"), CommonError::AccountLocked);
        assert_eq!(common(404, "slot_not_found"), CommonError::NotFound);
        assert_eq!(
            common(429, "rate_limited"),
            CommonError::RateLimited {
                retry_after_seconds: Some(7)
            }
        );
        assert_eq!(common(503, "service_unavailable"), CommonError::Unavailable);
        assert!(matches!(
            common(409, "something_new"),
            CommonError::Refused { status: 409, code, .. } if code == "something_new"
        ));
        assert!(matches!(
            common(500, "internal_error"),
            CommonError::Unexpected { status: 500, .. }
        ));
    }

    #[test]
    fn messages_come_from_the_problem_table_in_the_apps_language() {
        let refused = CommonError::from(problem(422, "registry_mismatch"));
        assert_eq!(
            refused.user_message(Lang::Vi),
            ProblemCode::RegistryMismatch.message(Lang::Vi)
        );
        assert_eq!(
            CommonError::NotSignedIn.user_message(Lang::En),
            ProblemCode::Unauthenticated.message(Lang::En)
        );
        assert_eq!(
            CommonError::Offline.user_message(Lang::Vi),
            "Không có kết nối mạng. Hãy thử lại khi có mạng."
        );
    }

    #[test]
    fn a_code_this_build_does_not_know_shows_the_servers_words() {
        let newer = CommonError::from(problem(409, "something_new"));
        assert_eq!(newer.user_message(Lang::En), "why");
        let silent = CommonError::Unexpected {
            status: 0,
            code: UNREADABLE_RESPONSE.to_owned(),
            detail: String::new(),
        };
        assert_eq!(
            silent.user_message(Lang::En),
            "Something went wrong. Please try again."
        );
    }
}
