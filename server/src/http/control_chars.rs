//! Control characters are refused at the edge, in every string of every body and query.
//!
//! They have no business in a name, a code or an address, they break logs, mail headers and
//! calendar files, and PostgreSQL refuses U+0000 in text outright (a 500 where a 422 was due;
//! SQLite stores it). The rule is one, applied by the extractors to the whole request without
//! knowing its type: no C0 (U+0000–U+001F), DEL or C1 (U+0080–U+009F) character anywhere,
//! except tab, line feed and carriage return in the few free-text fields that may span lines.

use crate::error::{FieldError, Text};
use serde_json::Value;

/// Body fields whose text may span lines. Everything else is one line: an identifier, a code,
/// a name, an address.
const FREE_TEXT_FIELDS: &[&str] = &[
    "reason",
    "opening_hours",
    // The health book's clinical free text.
    "findings",
    "treatment",
    "advice",
    "note",
];

fn refused(c: char, free_text: bool) -> bool {
    match c {
        '\t' | '\n' | '\r' => !free_text,
        c => c.is_control(),
    }
}

fn has_refused(text: &str, free_text: bool) -> bool {
    text.chars().any(|c| refused(c, free_text))
}

/// Every string (and object key) of a JSON body holding a refused character, by its path.
pub fn in_json(value: &Value) -> Vec<FieldError> {
    let mut found = Vec::new();
    walk(value, "", None, &mut found);
    found
}

fn walk(value: &Value, path: &str, field: Option<&str>, found: &mut Vec<FieldError>) {
    match value {
        Value::String(text) => {
            let free_text = field.is_some_and(|f| FREE_TEXT_FIELDS.contains(&f));
            if has_refused(text, free_text) {
                found.push(refusal(if path.is_empty() { "body" } else { path }));
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{index}]"), field, found);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if has_refused(key, false) {
                    found.push(refusal(&child));
                    continue;
                }
                walk(member, &child, Some(key), found);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Every query parameter holding a refused character; query values are all one line.
pub fn in_query(query: &str) -> Vec<FieldError> {
    form_urlencoded::parse(query.as_bytes())
        .filter(|(key, value)| has_refused(key, false) || has_refused(value, false))
        .map(|(key, _)| refusal(&key))
        .collect()
}

fn refusal(field: &str) -> FieldError {
    FieldError::new(
        field.to_owned(),
        "control_character",
        Text::new(
            "Không được chứa ký tự điều khiển (như U+0000).",
            "Must not contain control characters (such as U+0000).",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(found: Vec<FieldError>) -> Vec<String> {
        found.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn every_string_is_checked_by_its_path() {
        let body = json!({
            "email": "a\u{0}@example.vn",
            "name": "Lan",
            "rooms": [{ "name": "ok" }, { "name": "P\u{85}2" }],
            "nested": { "code": "\u{7f}" },
            "count": 3,
        });
        let mut found = fields(in_json(&body));
        found.sort();
        assert_eq!(found, ["email", "nested.code", "rooms[1].name"]);
        assert_eq!(fields(in_json(&json!("\u{1b}[31m"))), ["body"]);
        assert_eq!(fields(in_json(&json!({ "k\u{0}": 1 }))), ["k\u{0}"]);
    }

    #[test]
    fn line_breaks_are_allowed_only_in_free_text() {
        assert!(in_json(&json!({ "reason": "Nghỉ lễ\r\n\tTết" })).is_empty());
        assert!(in_json(&json!({ "opening_hours": "T2–T6 7:00–17:00\nT7 7:00–11:00" })).is_empty());
        assert_eq!(fields(in_json(&json!({ "reason": "a\u{0}b" }))), ["reason"]);
        assert_eq!(
            fields(in_json(&json!({ "full_name": "Lan\nAnh" }))),
            ["full_name"]
        );
        assert!(in_json(&json!({ "full_name": "Nguyễn Thị Lan 🌸" })).is_empty());
    }

    #[test]
    fn query_parameters_are_one_line() {
        assert_eq!(fields(in_query("q=bach%00mai&limit=5")), ["q"]);
        assert_eq!(fields(in_query("q=a%0Ab")), ["q"]);
        assert!(in_query("q=b%E1%BA%A1ch+mai").is_empty());
    }
}
