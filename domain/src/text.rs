//! Text folding for search: the keys that make "ha noi" find "Thành phố Hà Nội".
//!
//! People type Vietnamese names without diacritics, with `d` for `đ`, in any case and with
//! stray spaces; names in official lists carry full diacritics and sometimes double spaces.
//! Comparing folded keys makes both meet. Folding is lossy on purpose: keep the original
//! text for display and use the key only to compare.
//!
//! This file is also compiled into `build.rs`, which folds the administrative names once at
//! build time, so it must stay free of crate-internal imports.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Folds `s` into a search key: lower-case, without diacritics, `đ`/`Đ` as `d`, every run of
/// whitespace turned into one space, no leading or trailing space.
///
/// Diacritics go through canonical decomposition (NFD) and the combining marks are dropped,
/// so precomposed and decomposed input (`"Hoà"` typed either way, or `"Hòa"`) fold alike.
/// `đ` has no decomposition in Unicode, hence the explicit mapping; the Icelandic `Ð`/`ð`,
/// which Vietnamese text sometimes carries by mistake for `Đ`, fold to `d` as well.
/// Punctuation is kept: see [`fold_words`] for a key that ignores it.
///
/// ```
/// use healthbook_domain::text::fold;
/// assert_eq!(fold("  Thành phố  Hồ Chí Minh "), "thanh pho ho chi minh");
/// assert_eq!(fold("Đắk Lắk"), "dak lak");
/// ```
pub fn fold(s: &str) -> String {
    fold_with(s, |c| c.is_whitespace())
}

/// Like [`fold`], but every character that is not a letter or a digit separates words, so
/// `"Chân Mây – Lăng Cô"`, `"Chân Mây - Lăng Cô"` and `"chan may lang co"` give one key, as do
/// `"M’Drắk"` and `"M'Drắk"` (`"m drak"`).
///
/// ```
/// use healthbook_domain::text::fold_words;
/// assert_eq!(fold_words("Xã Chân Mây – Lăng Cô"), "xa chan may lang co");
/// ```
pub fn fold_words(s: &str) -> String {
    fold_with(s, |c| !c.is_alphanumeric())
}

fn fold_with(s: &str, is_separator: impl Fn(char) -> bool) -> String {
    let mut folded = FoldedText::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            if is_separator(c) {
                folded.separate();
            } else {
                folded.push(c.to_ascii_lowercase());
            }
            continue;
        }
        for lower in c.to_lowercase() {
            if matches!(lower, 'đ' | 'ð') {
                folded.push('d');
                continue;
            }
            decompose_canonical(lower, |part| {
                if is_combining_mark(part) {
                    return;
                }
                if is_separator(part) {
                    folded.separate();
                } else {
                    folded.push(part);
                }
            });
        }
    }
    folded.text
}

/// Accumulates folded characters, writing a separator only between two words.
struct FoldedText {
    text: String,
    separator_pending: bool,
}

impl FoldedText {
    fn with_capacity(capacity: usize) -> Self {
        FoldedText {
            text: String::with_capacity(capacity),
            separator_pending: false,
        }
    }

    fn separate(&mut self) {
        self.separator_pending = !self.text.is_empty();
    }

    fn push(&mut self, c: char) {
        if self.separator_pending {
            self.text.push(' ');
            self.separator_pending = false;
        }
        self.text.push(c);
    }
}

/// Bytes as lowercase hex: fingerprints and key ids as people compare them.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fold_strips_vietnamese_diacritics_and_d_stroke() {
        assert_eq!(fold("Đường Nguyễn Trãi"), "duong nguyen trai");
        assert_eq!(fold("ĐẮK NÔNG"), "dak nong");
        assert_eq!(fold("Ưu tiên ơi"), "uu tien oi");
        assert_eq!(fold("Ðà Nẵng"), "da nang");
    }

    #[test]
    fn fold_treats_precomposed_and_decomposed_input_alike() {
        let precomposed = "Hoà Bình";
        let decomposed = "Hoa\u{0300} Bi\u{0300}nh";
        assert_eq!(fold(precomposed), fold(decomposed));
        assert_eq!(fold("Hòa"), fold("Hoà"));
    }

    #[test]
    fn fold_collapses_whitespace_but_keeps_punctuation() {
        assert_eq!(fold(" \tXã  Bắc\u{00A0}Đông Quan\n"), "xa bac dong quan");
        assert_eq!(fold("Bà Rịa - Vũng Tàu"), "ba ria - vung tau");
    }

    #[test]
    fn fold_words_treats_dashes_and_apostrophes_as_word_breaks() {
        assert_eq!(fold_words("Xã Cư M'gar"), fold_words("Xã Cư M’gar"));
        assert_eq!(fold_words("Bà Rịa – Vũng Tàu"), "ba ria vung tau");
        assert_eq!(fold_words("--"), "");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in any::<String>()) {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn fold_words_is_idempotent(s in any::<String>()) {
            let once = fold_words(&s);
            prop_assert_eq!(fold_words(&once), once);
        }

        #[test]
        fn folded_text_has_no_outer_or_double_spaces(s in any::<String>()) {
            for key in [fold(&s), fold_words(&s)] {
                prop_assert!(!key.starts_with(' ') && !key.ends_with(' '));
                prop_assert!(!key.contains("  "));
            }
        }

        #[test]
        fn fold_of_ascii_is_lowercase_with_collapsed_whitespace(s in "[ -~\t]{0,40}") {
            let expected = s.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
            prop_assert_eq!(fold(&s), expected);
        }
    }
}
