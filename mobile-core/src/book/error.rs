use crate::error::{CommonError, CoreError};
use healthbook_domain::book::BookEntry;
use healthbook_domain::{Lang, ProblemCode};

/// Why a call about the health book failed: what a book screen acts on, and the rest in
/// `Common` (`NotFound` for a book, an entry or a consent this account may not see).
#[allow(
    clippy::large_enum_variant,
    reason = "a value handed across the FFI boundary once, never kept in bulk; uniffi records cannot be boxed"
)]
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum BookError {
    #[error(transparent)]
    Common { error: CommonError },
    /// The entry changed since this phone read it (`version_conflict`): `current` is the
    /// newer version, to show before the person makes their change again; none when it could
    /// not be read. Nothing was overwritten.
    #[error("the entry changed since it was read")]
    VersionConflict { current: Option<BookEntry> },
    /// A clinical entry is corrected by its facility, not by the citizen (`not_the_author`).
    #[error("only the author may change this entry")]
    NotTheAuthor,
    /// The book holds this kind once: change the existing entry instead (`entry_exists`).
    #[error("the book already holds this entry")]
    EntryExists,
    /// The consent was withdrawn or has ended already (`consent_not_active`).
    #[error("the consent is no longer active")]
    ConsentNotActive,
    /// The server asks for a consent text this build cannot show word for word: the app
    /// needs an update before the person can consent.
    #[error("this version of the app cannot show the current consent text")]
    ConsentTextUnknown { version: String },
    /// Not a kind the citizen writes through this call (visits and immunizations are the
    /// facility's; section I goes through `update_profile`).
    #[error("this kind of entry cannot be written here")]
    NotWritable,
}

impl From<CoreError> for BookError {
    fn from(error: CoreError) -> BookError {
        match error.problem() {
            Some(ProblemCode::VersionConflict) => BookError::VersionConflict { current: None },
            Some(ProblemCode::NotTheAuthor) => BookError::NotTheAuthor,
            Some(ProblemCode::EntryExists) => BookError::EntryExists,
            Some(ProblemCode::ConsentNotActive) => BookError::ConsentNotActive,
            _ => BookError::Common {
                error: error.into(),
            },
        }
    }
}

impl From<CommonError> for BookError {
    fn from(error: CommonError) -> BookError {
        BookError::Common { error }
    }
}

#[uniffi::export]
impl BookError {
    /// What to tell the person, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        let code = match self {
            BookError::Common { error } => return error.user_message(lang),
            BookError::VersionConflict { .. } => ProblemCode::VersionConflict,
            BookError::NotTheAuthor => ProblemCode::NotTheAuthor,
            BookError::EntryExists => ProblemCode::EntryExists,
            BookError::ConsentNotActive => ProblemCode::ConsentNotActive,
            BookError::ConsentTextUnknown { .. } => {
                return match lang {
                    Lang::Vi => "Hãy cập nhật ứng dụng để xem văn bản đồng ý hiện hành.",
                    Lang::En => "Update the app to see the current consent text.",
                }
                .to_owned();
            }
            BookError::NotWritable => ProblemCode::Forbidden,
        };
        code.message(lang).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::tests::problem;

    #[test]
    fn book_codes_become_their_own_variants() {
        assert!(matches!(
            problem(409, "version_conflict").into(),
            BookError::VersionConflict { current: None }
        ));
        assert!(matches!(
            problem(403, "not_the_author").into(),
            BookError::NotTheAuthor
        ));
        assert!(matches!(
            problem(409, "consent_not_active").into(),
            BookError::ConsentNotActive
        ));
        assert!(matches!(
            problem(409, "entry_exists").into(),
            BookError::EntryExists
        ));
    }

    #[test]
    fn the_rest_is_the_shared_vocabulary() {
        let common = |status, code| match BookError::from(problem(status, code)) {
            BookError::Common { error } => error,
            other => panic!("{other:?}"),
        };
        assert_eq!(common(404, "not_found"), CommonError::NotFound);
        assert_eq!(common(403, "step_up_required"), CommonError::StepUpRequired);
        assert!(matches!(
            common(422, "validation_failed"),
            CommonError::InvalidInput { .. }
        ));
    }

    #[test]
    fn messages_come_from_the_problem_table() {
        assert_eq!(
            BookError::VersionConflict { current: None }.user_message(Lang::Vi),
            ProblemCode::VersionConflict.message(Lang::Vi)
        );
        assert!(
            BookError::ConsentTextUnknown {
                version: "2099-01".into()
            }
            .user_message(Lang::En)
            .starts_with("Update the app")
        );
    }
}
