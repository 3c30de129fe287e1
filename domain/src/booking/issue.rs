//! A problem with one field of a booking request, named by its path (`sessions[2].end`).

use crate::i18n::{Lang, Localized};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub field: String,
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

impl Issue {
    pub fn of(field: impl Into<String>, error: &dyn Localized) -> Issue {
        Issue {
            field: field.into(),
            code: error.code(),
            message_vi: error.message(Lang::Vi),
            message_en: error.message(Lang::En),
        }
    }

    pub fn new(field: impl Into<String>, code: &'static str, vi: &str, en: &str) -> Issue {
        Issue {
            field: field.into(),
            code,
            message_vi: vi.to_owned(),
            message_en: en.to_owned(),
        }
    }
}

/// Collects issues while parsing, so that a form shows every problem at once.
#[derive(Debug, Default)]
pub struct Issues(pub Vec<Issue>);

impl Issues {
    pub fn check<T, E: Localized>(
        &mut self,
        field: impl Into<String>,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(Issue::of(field, &error));
                None
            }
        }
    }

    pub fn push(&mut self, issue: Issue) {
        self.0.push(issue);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result<T>(self, value: Option<T>) -> Result<T, Vec<Issue>> {
        match value {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(self.0),
        }
    }
}
