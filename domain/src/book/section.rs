//! The parts of the book (QĐ 831/QĐ-BYT's sections, plus the citizen's own home readings) and
//! the sensitive categories an entry may carry. Access is granted per section and, for the
//! sensitive categories, per category: both travel as small sets.

use serde::{Deserialize, Serialize};

/// A section of the health book. A grant names the sections it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Section {
    /// I. Administrative data: blood group, insurance, household, addresses, contacts.
    Administrative,
    /// II. History and risk factors: allergies, past diseases, surgeries, family history.
    History,
    /// III. Immunizations.
    Immunizations,
    /// IV. Visits: encounters with their vital signs, diagnoses and prescriptions.
    Visits,
    /// Readings the citizen takes at home (blood pressure, glucose, weight…).
    Readings,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Administrative,
        Section::History,
        Section::Immunizations,
        Section::Visits,
        Section::Readings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Administrative => "administrative",
            Section::History => "history",
            Section::Immunizations => "immunizations",
            Section::Visits => "visits",
            Section::Readings => "readings",
        }
    }

    pub fn parse(value: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.as_str() == value)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of sections, small enough to copy and to store as one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sections(u8);

impl Sections {
    pub const NONE: Sections = Sections(0);
    pub const ALL: Sections = Sections(0b1_1111);

    pub fn of(sections: &[Section]) -> Sections {
        Sections(sections.iter().fold(0, |bits, s| bits | s.bit()))
    }

    pub fn one(section: Section) -> Sections {
        Sections(section.bit())
    }

    pub fn contains(self, section: Section) -> bool {
        self.0 & section.bit() != 0
    }

    /// Whether every section of `other` is in `self`.
    pub fn covers(self, other: Sections) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn intersect(self, other: Sections) -> Sections {
        Sections(self.0 & other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn list(self) -> Vec<Section> {
        Section::ALL
            .into_iter()
            .filter(|s| self.contains(*s))
            .collect()
    }

    /// Comma-separated names, the form the access log and the consents table store.
    pub fn to_stored(self) -> String {
        self.list()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads [`Sections::to_stored`]; unknown names (none are ever written) are skipped.
    pub fn from_stored(value: &str) -> Sections {
        Sections::of(
            &value
                .split(',')
                .filter_map(Section::parse)
                .collect::<Vec<_>>(),
        )
    }
}

/// Sensitive categories (Luật 91/2025 treats all health data as sensitive; these carry
/// stigma and are shown to others only under a consent that names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Category {
    Hiv,
    Tuberculosis,
    MentalHealth,
    SexualReproductive,
    SubstanceUse,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Hiv,
        Category::Tuberculosis,
        Category::MentalHealth,
        Category::SexualReproductive,
        Category::SubstanceUse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Hiv => "hiv",
            Category::Tuberculosis => "tuberculosis",
            Category::MentalHealth => "mental_health",
            Category::SexualReproductive => "sexual_reproductive",
            Category::SubstanceUse => "substance_use",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == value)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of sensitive categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Categories(u8);

impl Categories {
    pub const NONE: Categories = Categories(0);
    pub const ALL: Categories = Categories(0b1_1111);

    pub fn of(categories: &[Category]) -> Categories {
        Categories(categories.iter().fold(0, |bits, c| bits | c.bit()))
    }

    pub fn contains(self, category: Category) -> bool {
        self.0 & category.bit() != 0
    }

    /// Whether an entry labelled `category` (or none) may be shown under this set.
    pub fn shows(self, category: Option<Category>) -> bool {
        category.is_none_or(|c| self.contains(c))
    }

    pub fn list(self) -> Vec<Category> {
        Category::ALL
            .into_iter()
            .filter(|c| self.contains(*c))
            .collect()
    }

    pub fn to_stored(self) -> String {
        self.list()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn from_stored(value: &str) -> Categories {
        Categories::of(
            &value
                .split(',')
                .filter_map(Category::parse)
                .collect::<Vec<_>>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_round_trip_through_their_stored_form() {
        let sections = Sections::of(&[Section::History, Section::Visits]);
        assert_eq!(Sections::from_stored(&sections.to_stored()), sections);
        assert_eq!(sections.to_stored(), "history,visits");
        assert_eq!(Sections::from_stored(""), Sections::NONE);
        assert_eq!(Sections::of(&Section::ALL), Sections::ALL);
        let categories = Categories::of(&[Category::Hiv, Category::SubstanceUse]);
        assert_eq!(Categories::from_stored(&categories.to_stored()), categories);
        assert_eq!(Categories::of(&Category::ALL), Categories::ALL);
    }

    #[test]
    fn an_unlabelled_entry_shows_under_any_set_a_labelled_one_only_when_named() {
        assert!(Categories::NONE.shows(None));
        assert!(!Categories::NONE.shows(Some(Category::Hiv)));
        assert!(Categories::of(&[Category::Hiv]).shows(Some(Category::Hiv)));
        assert!(!Categories::of(&[Category::Hiv]).shows(Some(Category::Tuberculosis)));
    }

    #[test]
    fn covers_is_subset() {
        let all = Sections::ALL;
        let two = Sections::of(&[Section::History, Section::Visits]);
        assert!(all.covers(two));
        assert!(!two.covers(all));
        assert_eq!(
            two.intersect(Sections::one(Section::Visits)).list(),
            vec![Section::Visits]
        );
    }
}
