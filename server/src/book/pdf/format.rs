//! Dates, instants, numbers and addresses as the documents print them.

use super::words::pick;
use chrono::{DateTime, NaiveDate, Utc};
use healthbook_domain::Lang;
use healthbook_domain::book::administrative::Address;
use healthbook_domain::booking::time::to_local;
use healthbook_domain::units::{CommuneCode, commune};
use unicode_normalization::UnicodeNormalization;

/// Text as it is drawn: composed (NFC), so every Vietnamese letter is one glyph of the font,
/// and with control characters (a stray tab) shown as spaces. Line breaks are kept.
pub(super) fn clean(text: &str) -> String {
    text.nfc()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// "23/11/2026": the order people in Việt Nam read, in both languages.
pub(super) fn date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// "23/11/2026 08:15", in Việt Nam time.
pub(super) fn instant(at: DateTime<Utc>) -> String {
    to_local(at).format("%d/%m/%Y %H:%M").to_string()
}

/// At most two decimals, none when whole; a decimal comma in Vietnamese.
pub(super) fn number(value: f64, lang: Lang) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text.to_owned(),
    }
}

/// "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh (26743)"; a code not in the list of
/// communes prints as it was recorded.
pub(super) fn address(value: &Address, lang: Lang) -> String {
    let unit = CommuneCode::parse(&value.commune_code)
        .ok()
        .and_then(commune)
        .map(|found| match found.province() {
            Some(province) => format!("{}, {}", found.name, province.name),
            None => found.name.to_owned(),
        });
    let code_label = pick(lang, "mã xã", "commune code");
    let line = value.line.trim();
    match (line.is_empty(), unit) {
        (false, Some(unit)) => format!("{line}, {unit} ({})", value.commune_code),
        (true, Some(unit)) => format!("{unit} ({})", value.commune_code),
        (false, None) => format!("{line} ({code_label} {})", value.commune_code),
        (true, None) => format!("{code_label} {}", value.commune_code),
    }
}
