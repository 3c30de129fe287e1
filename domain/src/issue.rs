//! A problem with one field of a request or a form, named by its path (`national_id`,
//! `sessions[2].end`). Every check in `domain` reports its problems this way, all of them at
//! once so that a form shows every problem together: the server renders them in a 422, the
//! mobile core hands them to the apps, which show each beside its field.

use crate::i18n::{Lang, Localized};

/// One invalid field, with its stable code and what to tell the person in either language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FieldIssue {
    pub field: String,
    /// Stable (`national_id_invalid`, `dependent_not_a_minor`): apps may switch on it.
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl FieldIssue {
    pub fn of(field: impl Into<String>, error: &dyn Localized) -> FieldIssue {
        FieldIssue {
            field: field.into(),
            code: error.code().to_owned(),
            message_vi: error.message(Lang::Vi),
            message_en: error.message(Lang::En),
        }
    }

    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> FieldIssue {
        FieldIssue {
            field: field.into(),
            code: code.into(),
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }
}

#[cfg_attr(feature = "uniffi", uniffi::export)]
impl FieldIssue {
    /// What to tell the person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.message_vi.clone(),
            Lang::En => self.message_en.clone(),
        }
    }
}

/// Collects issues while parsing, so that a form shows every problem at once.
#[derive(Debug, Default)]
pub struct Issues(pub Vec<FieldIssue>);

impl Issues {
    pub fn check<T, E: Localized>(
        &mut self,
        field: impl Into<String>,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(FieldIssue::of(field, &error));
                None
            }
        }
    }

    pub fn push(&mut self, issue: FieldIssue) {
        self.0.push(issue);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result<T>(self, value: Option<T>) -> Result<T, Vec<FieldIssue>> {
        match value {
            Some(value) if self.0.is_empty() => Ok(value),
            _ => Err(self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::NotAMinor;

    #[test]
    fn an_issue_carries_the_rules_code_and_both_messages() {
        let issue = FieldIssue::of("date_of_birth", &NotAMinor);
        assert_eq!(issue.code, "dependent_not_a_minor");
        assert_eq!(
            issue.message(Lang::Vi),
            "Người phụ thuộc phải dưới 18 tuổi."
        );
        assert_eq!(issue.message(Lang::En), "A dependent must be under 18.");
    }

    #[test]
    fn issues_are_collected_and_every_one_is_returned() {
        let mut issues = Issues::default();
        let good: Option<u8> = issues.check("a", Ok::<u8, NotAMinor>(1));
        let bad: Option<u8> = issues.check("b", Err(NotAMinor));
        assert_eq!((good, bad), (Some(1), None));
        let fields: Vec<String> = issues
            .into_result(Some(()))
            .unwrap_err()
            .into_iter()
            .map(|i| i.field)
            .collect();
        assert_eq!(fields, ["b"]);
    }
}
