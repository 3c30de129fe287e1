//! The two languages HealthBook speaks, and the trait every user-facing error implements.

use serde::{Deserialize, Serialize};

/// A user's language. Vietnamese is the default: it is the language of the country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Picks the first supported language of an `Accept-Language` header value, honouring
    /// q-values; anything unsupported or unparsable falls back to Vietnamese.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let lang = match primary {
                "vi" => Lang::Vi,
                "en" => Lang::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Reads a stored language code; anything but `en` is Vietnamese, the default.
    pub fn from_code(code: &str) -> Lang {
        if code == Lang::En.code() {
            Lang::En
        } else {
            Lang::Vi
        }
    }
}

/// An error a person may read: a stable machine code plus a message in their language.
pub trait Localized {
    /// Stable, machine-readable, `snake_case`; apps switch on it, so it never changes meaning.
    fn code(&self) -> &'static str;
    fn message(&self, lang: Lang) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_quality_supported_tag() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,vi;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("fr, vi;q=0.5, en;q=0.4"),
            Lang::Vi
        );
        assert_eq!(Lang::from_accept_language("vi-VN"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("de"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Vi);
    }
}
