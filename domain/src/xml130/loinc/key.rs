//! The keys LOINC codes are looked up by, and the code's own check.
//!
//! This file is also compiled into `build.rs`, which writes the table's keys with it, so the
//! keys the build writes and the keys a lookup makes cannot drift apart. It must stay free of
//! crate-internal imports.

/// A unit as labs write it, reduced to one spelling: lower case, `µ` (micro sign or Greek mu)
/// as `u`, `×` as `x`, no whitespace. `"µmol/L"`, `"umol/l"` and `" µmol / L"` give one key.
pub fn unit_key(unit: &str) -> String {
    unit.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'µ' | 'μ' | 'Μ' => 'u',
            '×' => 'x',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `code` is written as LOINC writes codes (`2345-7`: up to seven digits, a hyphen,
/// a check digit) and its check digit is right. LOINC's Mod 10 is the Luhn algorithm over the
/// digits before the hyphen, so a mistyped or transposed digit is caught.
pub fn is_well_formed(code: &str) -> bool {
    let Some((number, check)) = code.split_once('-') else {
        return false;
    };
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if number.is_empty() || number.len() > 7 || check.len() != 1 || !digits_only(number) {
        return false;
    }
    if !digits_only(check) {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(position, digit)| {
            if position % 2 == 0 {
                let doubled = digit * 2;
                doubled / 10 + doubled % 10
            } else {
                digit
            }
        })
        .sum();
    let expected = (10 - sum % 10) % 10;
    u32::from(check.as_bytes()[0] - b'0') == expected
}
