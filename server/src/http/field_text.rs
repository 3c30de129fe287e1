//! What a field error says, in Vietnamese and English, about input that does not fit.
//!
//! serde and validator speak English only and repeat the offending input whole. Their
//! messages are rebuilt here from their parts: the caller's language, and never more than
//! [`ECHO_LIMIT`] characters of what the caller sent.

use crate::error::Text;
use std::borrow::Cow;

/// The most characters of a caller's input that an error repeats.
pub const ECHO_LIMIT: usize = 64;

/// `text` cut to `limit` characters, with an ellipsis when something was cut.
pub fn capped(text: &str, limit: usize) -> Cow<'_, str> {
    match text.char_indices().nth(limit) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// A serde message (`invalid type: string "x", expected u32`, `unknown variant …`,
/// `missing field …`, or a type's own text) in both languages.
pub fn serde_detail(message: &str) -> Text {
    if let Some(field) = between(message, "missing field `", "`") {
        let field = capped(field, ECHO_LIMIT);
        return Text::new(
            format!("Thiếu trường bắt buộc `{field}`."),
            format!("Missing field `{field}`."),
        );
    }
    if let Some(field) = between(message, "duplicate field `", "`") {
        let field = capped(field, ECHO_LIMIT);
        return Text::new(
            format!("Trường `{field}` xuất hiện nhiều lần."),
            format!("Field `{field}` appears more than once."),
        );
    }
    if let Some((value, expected)) = unknown(message, "unknown variant `") {
        let value = capped(value, ECHO_LIMIT);
        return Text::new(
            format!(
                "Giá trị `{value}` không được hỗ trợ{}.",
                allowed_vi(expected)
            ),
            format!("Unknown value `{value}`{}.", allowed_en(expected)),
        );
    }
    if let Some((field, expected)) = unknown(message, "unknown field `") {
        let field = capped(field, ECHO_LIMIT);
        return Text::new(
            format!(
                "Trường `{field}` không được hỗ trợ{}.",
                allowed_vi(expected)
            ),
            format!("Unknown field `{field}`{}.", allowed_en(expected)),
        );
    }
    if let Some((found, expected)) = found_expected(message, "invalid type: ") {
        return Text::new(
            format!(
                "Sai kiểu dữ liệu: nhận {}{}.",
                unexpected_vi(found),
                expected_vi(expected)
            ),
            format!(
                "Invalid type: {}, expected {}.",
                unexpected_en(found),
                capped(expected, ECHO_LIMIT)
            ),
        );
    }
    if let Some((found, expected)) = found_expected(message, "invalid value: ") {
        return Text::new(
            format!(
                "Giá trị không hợp lệ: {}{}.",
                unexpected_vi(found),
                expected_vi(expected)
            ),
            format!(
                "Invalid value: {}, expected {}.",
                unexpected_en(found),
                capped(expected, ECHO_LIMIT)
            ),
        );
    }
    if let Some((length, expected)) = found_expected(message, "invalid length ") {
        let length = capped(length, ECHO_LIMIT);
        return Text::new(
            format!("Sai độ dài ({length}){}.", expected_vi(expected)),
            format!(
                "Invalid length {length}, expected {}.",
                capped(expected, ECHO_LIMIT)
            ),
        );
    }
    own_message(message)
}

/// A message a type wrote itself (chrono, uuid, number parsing): recognised families get a
/// sentence of ours; the rest a general one, with at most [`ECHO_LIMIT`] characters of the
/// original (it may quote the input).
fn own_message(message: &str) -> Text {
    const DATE_TIME: &[&str] = &[
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is out of range",
        "input is not enough for unique date and time",
        "no possible date and time matching input",
    ];
    const UUID: &[&str] = &["invalid character", "invalid length", "invalid group"];
    const NUMBER: &[&str] = &[
        "invalid digit found in string",
        "cannot parse integer from empty string",
        "number too large to fit in target type",
        "number too small to fit in target type",
        "invalid float literal",
    ];
    let starts = |family: &[&str]| family.iter().any(|m| message.starts_with(m));
    if starts(DATE_TIME) {
        Text::new(
            "Ngày hoặc giờ không đúng định dạng (YYYY-MM-DD, HH:MM).",
            "Not a valid date or time (YYYY-MM-DD, HH:MM).",
        )
    } else if starts(UUID) {
        Text::new("Mã định danh (UUID) không hợp lệ.", "Not a valid UUID.")
    } else if starts(NUMBER) {
        Text::new("Không phải là một số hợp lệ.", "Not a valid number.")
    } else if message.starts_with("provided string was not `true` or `false`") {
        Text::new("Chỉ nhận true hoặc false.", "Only true or false.")
    } else {
        Text::new(
            "Giá trị không hợp lệ.",
            format!("Invalid value: {}", capped(message, ECHO_LIMIT)),
        )
    }
}

fn between<'a>(message: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(start)?;
    rest.rfind(end).map(|at| &rest[..at])
}

/// `unknown variant `VALUE`, expected …` → (VALUE, the expected list). The value is what the
/// caller sent and may hold anything, so the split is at the last separator.
fn unknown<'a>(message: &'a str, start: &str) -> Option<(&'a str, Option<&'a str>)> {
    let rest = message.strip_prefix(start)?;
    if let Some(at) = rest.rfind("`, expected ") {
        return Some((&rest[..at], Some(&rest[at + "`, expected ".len()..])));
    }
    let at = rest.rfind("`, there are no ")?;
    Some((&rest[..at], None))
}

/// `invalid type: FOUND, expected EXPECTED` → (FOUND, EXPECTED), split at the last
/// `, expected ` since FOUND quotes the caller's input.
fn found_expected<'a>(message: &'a str, start: &str) -> Option<(&'a str, &'a str)> {
    let rest = message.strip_prefix(start)?;
    let at = rest.rfind(", expected ")?;
    Some((&rest[..at], &rest[at + ", expected ".len()..]))
}

fn allowed_vi(expected: Option<&str>) -> String {
    match expected {
        Some(list) => format!("; giá trị hợp lệ: {}", list_of(list, "hoặc")),
        None => String::new(),
    }
}

fn allowed_en(expected: Option<&str>) -> String {
    match expected {
        Some(list) => format!("; expected {}", list_of(list, "or")),
        None => String::new(),
    }
}

/// serde's `one of `a`, `b`` or `` `a` or `b` `` as a plain list; it names our own fields and
/// values, but is capped all the same.
fn list_of(expected: &str, or: &str) -> String {
    let list = expected
        .strip_prefix("one of ")
        .unwrap_or(expected)
        .replace("` or `", &format!("` {or} `"));
    capped(&list, 4 * ECHO_LIMIT).into_owned()
}

/// serde's description of what it found, with the caller's value capped.
fn unexpected_en(found: &str) -> String {
    match found.split_once(' ') {
        Some((kind, value)) if value.len() > 2 => {
            let quote = value.chars().next().unwrap_or('"');
            let inner = value.get(1..value.len() - 1).unwrap_or(value);
            format!("{kind} {quote}{}{quote}", capped(inner, ECHO_LIMIT))
        }
        _ => found.to_owned(),
    }
}

fn unexpected_vi(found: &str) -> String {
    let (kind, value) = found.split_once(' ').unwrap_or((found, ""));
    let kind_vi = match kind {
        "string" => "chuỗi",
        "integer" => "số nguyên",
        "floating" => "số thực",
        "boolean" => "giá trị đúng/sai",
        "character" => "ký tự",
        "sequence" => "mảng",
        "map" => "đối tượng",
        "null" | "unit" => "null",
        _ => "giá trị",
    };
    let value = value.strip_prefix("point ").unwrap_or(value);
    if matches!(
        kind,
        "string" | "integer" | "floating" | "boolean" | "character"
    ) && value.len() > 2
    {
        let quote = value.chars().next().unwrap_or('"');
        let inner = value.get(1..value.len() - 1).unwrap_or(value);
        format!("{kind_vi} {quote}{}{quote}", capped(inner, ECHO_LIMIT))
    } else {
        kind_vi.to_owned()
    }
}

/// What the type wanted, in Vietnamese when it is one of the usual shapes; nothing otherwise
/// (an English type name would not help a Vietnamese reader).
fn expected_vi(expected: &str) -> String {
    let what = match expected {
        "a string" | "a borrowed string" | "string" => "một chuỗi",
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" | "isize" => {
            "một số nguyên"
        }
        "f32" | "f64" => "một số",
        "a boolean" | "bool" => "true hoặc false",
        "a sequence" => "một mảng",
        "a map" => "một đối tượng",
        "a formatted date string" => "một ngày dạng YYYY-MM-DD",
        "a formatted date and time string" => "một thời điểm dạng RFC 3339",
        "a UUID string" | "UUID" => "một mã định danh UUID",
        other if other.starts_with("struct ") => "một đối tượng",
        other if other.starts_with("enum ") => "một giá trị trong danh sách",
        _ => return String::new(),
    };
    format!(", cần {what}")
}

/// A validator failure in both languages, from its code and bounds; validator's `value`
/// parameter (the input) is never repeated.
pub fn validator_detail(error: &validator::ValidationError) -> Text {
    let number = |name: &str| error.params.get(name).map(ToString::to_string);
    let (min, max, equal) = (number("min"), number("max"), number("equal"));
    match (error.code.as_ref(), min, max, equal) {
        ("length", _, _, Some(equal)) => Text::new(
            format!("Phải dài đúng {equal} ký tự."),
            format!("Must be exactly {equal} characters long."),
        ),
        ("length", Some(min), Some(max), _) => Text::new(
            format!("Phải dài từ {min} đến {max} ký tự."),
            format!("Must be {min} to {max} characters long."),
        ),
        ("length", None, Some(max), _) => Text::new(
            format!("Dài tối đa {max} ký tự."),
            format!("Must be at most {max} characters long."),
        ),
        ("length", Some(min), None, _) => Text::new(
            format!("Phải dài ít nhất {min} ký tự."),
            format!("Must be at least {min} characters long."),
        ),
        ("length", ..) => Text::new("Độ dài không hợp lệ.", "Has the wrong length."),
        ("range", Some(min), Some(max), _) => Text::new(
            format!("Phải nằm trong khoảng {min} đến {max}."),
            format!("Must be between {min} and {max}."),
        ),
        ("range", ..) => Text::new("Nằm ngoài khoảng cho phép.", "Is out of range."),
        ("email", ..) => Text::new("Không phải là địa chỉ email.", "Is not an email address."),
        ("required", ..) => Text::new("Trường này là bắt buộc.", "Is required."),
        (code, ..) => Text::new(
            format!("Không hợp lệ ({}).", capped(code, ECHO_LIMIT)),
            format!("Is not valid ({}).", capped(code, ECHO_LIMIT)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english_words(text: &str) -> bool {
        [
            "invalid", "expected", "unknown", "missing", "field", "type", "value:",
        ]
        .iter()
        .any(|w| text.to_lowercase().contains(w))
    }

    #[test]
    fn serde_messages_are_rebuilt_in_both_languages() {
        for message in [
            "missing field `email`",
            "duplicate field `email`",
            "unknown variant `robot`, expected `male` or `female`",
            "unknown variant `x`, expected one of `a`, `b`, `c`",
            "unknown field `nmae`, expected one of `name`, `age`",
            "unknown field `x`, there are no fields",
            "invalid type: string \"three\", expected u32",
            "invalid type: sequence, expected struct RegisterRequest",
            "invalid type: null, expected a string",
            "invalid value: integer `-1`, expected u32",
            "invalid length 3, expected a tuple of size 2",
            "input contains invalid characters",
            "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `z` at 1",
            "invalid digit found in string",
            "something no one foresaw",
        ] {
            let text = serde_detail(message);
            assert!(!english_words(&text.vi), "{message} → {}", text.vi);
            assert!(!text.en.is_empty() && text.en != text.vi, "{message}");
        }
        let text = serde_detail("unknown variant `robot`, expected `male` or `female`");
        assert_eq!(
            text.vi,
            "Giá trị `robot` không được hỗ trợ; giá trị hợp lệ: `male` hoặc `female`."
        );
        assert_eq!(
            text.en,
            "Unknown value `robot`; expected `male` or `female`."
        );
    }

    #[test]
    fn an_error_repeats_at_most_64_characters_of_the_input() {
        let long = "x".repeat(100_000);
        for message in [
            format!("unknown variant `{long}`, expected `male` or `female`"),
            format!("unknown field `{long}`, expected `name`"),
            format!("invalid type: string \"{long}\", expected u32"),
            format!("invalid value: string \"{long}\", expected a formatted date string"),
            format!("missing field `{long}`"),
            long.clone(),
        ] {
            let text = serde_detail(&message);
            for detail in [&text.vi, &text.en] {
                assert!(detail.chars().count() < 200, "{} chars", detail.len());
                assert!(!detail.contains(&"x".repeat(ECHO_LIMIT + 1)));
            }
        }
        assert_eq!(capped("abc", 2), "ab…");
        assert_eq!(capped("ạbc", 3), "ạbc");
    }

    #[test]
    fn validator_failures_say_their_bounds_in_both_languages() {
        let mut error = validator::ValidationError::new("length");
        error.add_param("min".into(), &2);
        error.add_param("max".into(), &10);
        error.add_param("value".into(), &"secret input");
        let text = validator_detail(&error);
        assert_eq!(text.vi, "Phải dài từ 2 đến 10 ký tự.");
        assert_eq!(text.en, "Must be 2 to 10 characters long.");
        let range = validator::ValidationError::new("range");
        assert!(!english_words(&validator_detail(&range).vi));
    }
}
