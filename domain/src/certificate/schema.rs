//! The rules of the DCC JSON schema 1.3.0 (`DCC.combined-schema.json`), written out in Rust.
//!
//! A general JSON-schema engine would be a heavy dependency for one fixed schema. The
//! rules below follow the schema keyword by keyword, with JSON-schema semantics: `pattern`
//! is unanchored unless the pattern anchors itself, `maxLength` counts code points, an
//! integer may be written `1.0`, and members not named by the schema are allowed.
//! `format` (`date`, `date-time`) is checked too: we issue nothing that a stricter
//! validator would refuse.

use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value};
use std::fmt;
use thiserror::Error;

/// How hard to look. Issuers are strict; verifiers follow the DCC special-case rules and
/// do not reject on the date-of-birth pattern, the transliterated-name patterns or date
/// formats, which real issuers have got wrong without meaning anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    Strict,
    Lenient,
}

/// Every rule a DCC breaks, each with the JSON pointer of the offending member.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct SchemaViolation {
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer, e.g. `/v/0/dn`; empty for the document itself.
    pub path: String,
    pub rule: &'static str,
}

impl fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the DCC breaks the schema:")?;
        for problem in &self.problems {
            write!(f, " {} {};", display_path(&problem.path), problem.rule)?;
        }
        Ok(())
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "(document)" } else { path }
}

const MAX_LENGTH: usize = 80;
const EVENT_GROUPS: [&str; 3] = ["v", "t", "r"];

/// Checks a DCC (as JSON) against the DCC 1.3.0 schema.
pub fn validate(dcc: &Value, strictness: Strictness) -> Result<(), SchemaViolation> {
    let mut check = Checker {
        strictness,
        problems: Vec::new(),
    };
    check.document(dcc);
    if check.problems.is_empty() {
        Ok(())
    } else {
        Err(SchemaViolation {
            problems: check.problems,
        })
    }
}

struct Checker {
    strictness: Strictness,
    problems: Vec<Problem>,
}

#[derive(Clone, Copy)]
enum Format {
    Date,
    DateTime,
}

impl Checker {
    fn fail(&mut self, path: &str, rule: &'static str) {
        self.problems.push(Problem {
            path: path.to_owned(),
            rule,
        });
    }

    fn strict(&self) -> bool {
        self.strictness == Strictness::Strict
    }

    fn document(&mut self, value: &Value) {
        let Some(dcc) = value.as_object() else {
            self.fail("", "must be an object");
            return;
        };
        // `oneOf` of three `required` lists that share ver, nam and dob.
        let has_base = ["ver", "nam", "dob"]
            .iter()
            .all(|key| dcc.contains_key(*key));
        let groups = EVENT_GROUPS
            .iter()
            .filter(|key| dcc.contains_key(**key))
            .count();
        if !has_base || groups != 1 {
            self.fail("", "must hold ver, nam, dob and exactly one of v, t, r");
        }
        if let Some(ver) = dcc.get("ver")
            && let Some(ver) = self.string("/ver", ver, None)
            && !is_version(ver)
        {
            self.fail("/ver", "must match ^\\d+.\\d+.\\d+$");
        }
        if let Some(nam) = dcc.get("nam") {
            self.person_name(nam);
        }
        if let Some(dob) = dcc.get("dob")
            && let Some(dob) = self.string("/dob", dob, None)
            && self.strict()
            && !is_date_of_birth(dob)
        {
            self.fail(
                "/dob",
                "must be YYYY, YYYY-MM or YYYY-MM-DD in 1900-2099, or empty",
            );
        }
        for group in EVENT_GROUPS {
            if let Some(entries) = dcc.get(group) {
                self.group(group, entries);
            }
        }
    }

    fn person_name(&mut self, value: &Value) {
        let Some(nam) = value.as_object() else {
            self.fail("/nam", "must be an object");
            return;
        };
        if !nam.contains_key("fnt") {
            self.fail("/nam", "must hold fnt");
        }
        for key in ["fn", "gn"] {
            if let Some(name) = nam.get(key) {
                self.string(&format!("/nam/{key}"), name, Some(MAX_LENGTH));
            }
        }
        for key in ["fnt", "gnt"] {
            if let Some(name) = nam.get(key) {
                let path = format!("/nam/{key}");
                if let Some(name) = self.string(&path, name, Some(MAX_LENGTH)) {
                    let icao = name.bytes().all(|b| b.is_ascii_uppercase() || b == b'<');
                    if self.strict() && !icao {
                        self.fail(&path, "must match ^[A-Z<]*$");
                    }
                }
            }
        }
    }

    fn group(&mut self, group: &'static str, value: &Value) {
        let path = format!("/{group}");
        let Some(entries) = value.as_array() else {
            self.fail(&path, "must be an array");
            return;
        };
        if entries.len() != 1 {
            self.fail(&path, "must hold exactly one entry");
        }
        for (index, entry) in entries.iter().enumerate() {
            let path = format!("{path}/{index}");
            let Some(entry) = entry.as_object() else {
                self.fail(&path, "must be an object");
                continue;
            };
            match group {
                "v" => self.vaccination(&path, entry),
                "t" => self.test(&path, entry),
                _ => self.recovery(&path, entry),
            }
        }
    }

    fn vaccination(&mut self, path: &str, entry: &Map<String, Value>) {
        self.required(
            path,
            entry,
            &["tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci"],
        );
        self.plain_strings(path, entry, &["tg", "vp", "mp", "ma"]);
        self.dose(path, entry, "dn");
        self.dose(path, entry, "sd");
        self.formatted(path, entry, "dt", Format::Date);
        self.common(path, entry);
    }

    fn test(&mut self, path: &str, entry: &Map<String, Value>) {
        self.required(path, entry, &["tg", "tt", "sc", "tr", "co", "is", "ci"]);
        self.plain_strings(path, entry, &["tg", "tt", "ma", "tr"]);
        for key in ["nm", "tc"] {
            if let Some(value) = entry.get(key) {
                self.string(&format!("{path}/{key}"), value, Some(MAX_LENGTH));
            }
        }
        self.formatted(path, entry, "sc", Format::DateTime);
        self.common(path, entry);
    }

    fn recovery(&mut self, path: &str, entry: &Map<String, Value>) {
        self.required(path, entry, &["tg", "fr", "co", "is", "df", "du", "ci"]);
        self.plain_strings(path, entry, &["tg"]);
        for key in ["fr", "df", "du"] {
            self.formatted(path, entry, key, Format::Date);
        }
        self.common(path, entry);
    }

    /// `co`, `is` and `ci`, which every entry type shares.
    fn common(&mut self, path: &str, entry: &Map<String, Value>) {
        if let Some(country) = entry.get("co") {
            let member = format!("{path}/co");
            if let Some(country) = self.string(&member, country, None) {
                // The schema's pattern `[A-Z]{1,10}` is unanchored: one capital suffices.
                if !country.bytes().any(|b| b.is_ascii_uppercase()) {
                    self.fail(&member, "must match [A-Z]{1,10}");
                }
            }
        }
        for key in ["is", "ci"] {
            if let Some(value) = entry.get(key) {
                self.string(&format!("{path}/{key}"), value, Some(MAX_LENGTH));
            }
        }
    }

    fn required(&mut self, path: &str, entry: &Map<String, Value>, keys: &[&str]) {
        if keys.iter().any(|key| !entry.contains_key(*key)) {
            let missing: Vec<&str> = keys
                .iter()
                .copied()
                .filter(|k| !entry.contains_key(*k))
                .collect();
            self.problems.push(Problem {
                path: format!("{path} ({})", missing.join(", ")),
                rule: "is missing required members",
            });
        }
    }

    fn plain_strings(&mut self, path: &str, entry: &Map<String, Value>, keys: &[&str]) {
        for key in keys {
            if let Some(value) = entry.get(*key) {
                self.string(&format!("{path}/{key}"), value, None);
            }
        }
    }

    fn dose(&mut self, path: &str, entry: &Map<String, Value>, key: &str) {
        let Some(value) = entry.get(key) else { return };
        let positive_integer = value.as_f64().is_some_and(|n| n.fract() == 0.0 && n >= 1.0);
        if !positive_integer {
            self.fail(&format!("{path}/{key}"), "must be an integer of at least 1");
        }
    }

    fn formatted(&mut self, path: &str, entry: &Map<String, Value>, key: &str, format: Format) {
        let Some(value) = entry.get(key) else { return };
        let member = format!("{path}/{key}");
        let Some(text) = self.string(&member, value, None) else {
            return;
        };
        if !self.strict() {
            return;
        }
        match format {
            Format::Date if !is_full_date(text) => self.fail(&member, "must be a date YYYY-MM-DD"),
            Format::DateTime if !is_date_time(text) => {
                self.fail(&member, "must be an RFC 3339 date-time")
            }
            _ => {}
        }
    }

    fn string<'v>(&mut self, path: &str, value: &'v Value, max: Option<usize>) -> Option<&'v str> {
        let Some(text) = value.as_str() else {
            self.fail(path, "must be a string");
            return None;
        };
        if max.is_some_and(|max| text.chars().count() > max) {
            self.fail(path, "must be at most 80 characters");
        }
        Some(text)
    }
}

/// `^\d+.\d+.\d+$`: three digit runs joined by any two characters (the dots are not
/// escaped in the schema). Linear: only the two joints may be non-digits.
fn is_version(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let others: Vec<usize> = (0..n).filter(|&i| !chars[i].is_ascii_digit()).collect();
    let joint_ok = |i: usize| chars.get(i).is_some_and(|c| *c != '\n' && *c != '\r');
    let split_ok =
        |p: usize, q: usize| p >= 1 && q >= p + 2 && q + 2 <= n && joint_ok(p) && joint_ok(q);
    match others.as_slice() {
        [] => n >= 5,
        [k] => {
            let k = *k;
            (k + 2..n.saturating_sub(1)).any(|q| split_ok(k, q))
                || (1..k.saturating_sub(1)).any(|p| split_ok(p, k))
        }
        [p, q] => split_ok(*p, *q),
        _ => false,
    }
}

/// `^((19|20)\d\d(-\d\d){0,2}){0,1}$`
fn is_date_of_birth(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    let bytes = text.as_bytes();
    let century_ok = text.starts_with("19") || text.starts_with("20");
    let year_ok = bytes.len() >= 4 && bytes[..4].iter().all(u8::is_ascii_digit);
    let rest = &bytes[bytes.len().min(4)..];
    let parts_ok = rest.len().is_multiple_of(3)
        && rest.len() <= 6
        && rest
            .chunks(3)
            .all(|part| part[0] == b'-' && part[1..].iter().all(u8::is_ascii_digit));
    century_ok && year_ok && parts_ok
}

/// RFC 3339 `full-date`.
fn is_full_date(text: &str) -> bool {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

/// RFC 3339 `date-time`.
fn is_date_time(text: &str) -> bool {
    text.get(..10).is_some_and(is_full_date)
        && matches!(text.as_bytes().get(10), Some(b'T' | b't'))
        && DateTime::parse_from_rfc3339(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_pattern_follows_the_unescaped_regex() {
        for ok in ["1.3.0", "10.20.30", "1x2y3", "11111", "1.0.0"] {
            assert!(is_version(ok), "{ok}");
        }
        for bad in [
            "1.3", "1..3.0", "a.b.c", "1.3.0.", "", "1.3.", "v1.3.0", "1\n2.3",
        ] {
            assert!(!is_version(bad), "{bad}");
        }
    }

    #[test]
    fn date_of_birth_pattern_allows_partial_dates() {
        for ok in ["", "1979", "1979-04", "1979-04-14", "2099-99-99"] {
            assert!(is_date_of_birth(ok), "{ok}");
        }
        for bad in [
            "1899",
            "79-04-14",
            "1979-4-14",
            "1979-04-14-01",
            "197a",
            "1979/04",
        ] {
            assert!(!is_date_of_birth(bad), "{bad}");
        }
    }

    #[test]
    fn date_formats_are_rfc_3339() {
        assert!(!is_full_date("2021-02-29"));
        assert!(is_full_date("2024-02-29"));
        assert!(is_date_time("2021-02-20T12:34:56Z"));
        assert!(is_date_time("2021-02-20T12:34:56.5+02:00"));
        assert!(!is_date_time("2021-02-20 12:34:56Z"));
        assert!(!is_date_time("2021-02-20"));
    }
}
