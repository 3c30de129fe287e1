use serde::{Deserialize, Serialize};

/// Sex as recorded in the civil registry and encoded in the personal identification number
/// (the registry knows two values; so does XML 130's `GIOI_TINH`, apart from "unknown").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// A stored value, as written by `as_str`.
    pub fn from_stored(value: &str) -> Option<Sex> {
        [Sex::Male, Sex::Female]
            .into_iter()
            .find(|sex| sex.as_str() == value)
    }

    /// "nam" / "nữ", for messages in Vietnamese.
    pub(crate) fn vietnamese(self) -> &'static str {
        match self {
            Sex::Male => "nam",
            Sex::Female => "nữ",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_serialises_in_lower_case() {
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"female\"");
        assert_eq!(serde_json::from_str::<Sex>("\"male\"").unwrap(), Sex::Male);
        assert!(serde_json::from_str::<Sex>("\"Male\"").is_err());
        assert_eq!(Sex::from_stored("female"), Some(Sex::Female));
        assert_eq!(Sex::from_stored("Female"), None);
    }
}
