//! Properties of the identifier parsers: what they print they read back, they never panic on
//! any input, and every value a generator builds from the rules is accepted.

// Strategies are built outside `#[test]` functions; a bad pattern there is a broken test.
#![allow(clippy::unwrap_used)]

use chrono::{Datelike, NaiveDate};
use healthbook_domain::ids::{
    EmailAddress, FacilityCode, InsuranceNumber, NationalId, PhoneKind, PhoneNumber, Sex,
};
use proptest::prelude::*;

fn sex() -> impl Strategy<Value = Sex> {
    prop_oneof![Just(Sex::Male), Just(Sex::Female)]
}

/// A birth date the personal identification number can encode (1900–2399).
fn date_of_birth() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2400, 1u32..=12, 1u32..=28)
        .prop_filter_map("valid date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// A number built by the rules for a person born on `date` of `sex`, registered in any
/// province with a 3-digit prefix (known or not).
fn national_id_for(date: NaiveDate, sex: Sex, prefix: u16, random: u32) -> String {
    let century_index = (date.year() - 1900) / 100;
    let sex_offset = match sex {
        Sex::Male => 0,
        Sex::Female => 1,
    };
    let sex_century = century_index * 2 + sex_offset;
    format!(
        "{prefix:03}{sex_century}{:02}{random:06}",
        date.year().rem_euclid(100)
    )
}

fn valid_national_id() -> impl Strategy<Value = (String, NaiveDate, Sex)> {
    (date_of_birth(), sex(), 0u16..1000, 0u32..1_000_000).prop_map(|(date, sex, prefix, random)| {
        (national_id_for(date, sex, prefix, random), date, sex)
    })
}

const VIETNAMESE_LETTERS: &str =
    "a-zA-ZàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐÂÊÔƠƯ";

/// A domain label that may hold Vietnamese letters, as internationalised domains do.
fn domain_label() -> impl Strategy<Value = String> {
    let edge = format!("[{VIETNAMESE_LETTERS}0-9]");
    proptest::string::string_regex(&format!("{edge}([a-z0-9-]{{0,10}}{edge})?")).unwrap()
}

fn whitespace() -> impl Strategy<Value = String> {
    "[ \t\n\u{00A0}]{0,3}"
}

proptest! {
    #[test]
    fn national_id_built_by_the_rules_parses_and_matches_its_owner(
        (number, date, sex) in valid_national_id(),
        before in whitespace(),
        after in whitespace(),
    ) {
        let id = NationalId::parse(&format!("{before}{number}{after}")).unwrap();
        prop_assert_eq!(id.as_str(), number.as_str());
        prop_assert_eq!(id.sex(), sex);
        prop_assert_eq!(id.birth_year(), date.year());
        prop_assert!(id.check_against(date, sex).is_ok());
    }

    #[test]
    fn national_id_rejects_the_other_sex_and_another_year(
        (number, date, sex) in valid_national_id(),
        years_off in 1i32..150,
    ) {
        let id = NationalId::parse(&number).unwrap();
        let other_sex = match sex { Sex::Male => Sex::Female, Sex::Female => Sex::Male };
        prop_assert!(id.check_against(date, other_sex).is_err());
        if let Some(other_date) = date.with_year(date.year() + years_off) {
            prop_assert!(id.check_against(other_date, sex).is_err());
        }
    }

    #[test]
    fn national_id_display_parses_back((number, _, _) in valid_national_id()) {
        let id = NationalId::parse(&number).unwrap();
        prop_assert_eq!(NationalId::parse(&format!("{id}")), Ok(id.clone()));
        let json = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(serde_json::from_str::<NationalId>(&json).unwrap(), id);
    }

    #[test]
    fn national_id_accepts_exactly_twelve_ascii_digits(s in "\\PC{0,20}") {
        let trimmed = s.trim();
        let expected = trimmed.len() == 12 && trimmed.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(NationalId::parse(&s).is_ok(), expected);
    }

    #[test]
    fn national_id_debug_never_contains_the_number((number, _, _) in valid_national_id()) {
        let id = NationalId::parse(&number).unwrap();
        let debug = format!("{id:?}");
        prop_assert!(!debug.contains(&number[3..]));
    }

    #[test]
    fn insurance_card_built_by_the_rules_parses(
        group in "[A-Z]{2}",
        level in 1u8..=5,
        province in 0u8..100,
        social in "[0-9]{10}",
    ) {
        let code = format!("{group}{level}{province:02}{social}");
        let card = InsuranceNumber::parse(&code.to_lowercase()).unwrap();
        prop_assert_eq!(card.as_str(), code.as_str());
        prop_assert_eq!(card.social_insurance_number(), social.as_str());
        prop_assert_eq!(card.benefit_level().map(|l| l.value()), Some(level));
        prop_assert_eq!(InsuranceNumber::parse(&format!("{card}")), Ok(card.clone()));
        let bare = InsuranceNumber::parse(card.social_insurance_number()).unwrap();
        prop_assert_eq!(bare.social_insurance_number(), social.as_str());
        let debug = format!("{card:?}");
        prop_assert!(!debug.contains(&social));
    }

    #[test]
    fn facility_code_built_by_the_rules_parses(code in "[0-9]{5}") {
        let parsed = FacilityCode::parse(&code).unwrap();
        prop_assert_eq!(parsed.as_str(), code.as_str());
        prop_assert_eq!(FacilityCode::parse(&format!("{parsed}")), Ok(parsed.clone()));
        prop_assert_eq!(parsed.province_code().to_string(), &code[..2]);
    }

    #[test]
    fn mobile_number_in_any_accepted_form_parses_to_one_value(
        second in prop::sample::select(vec!['3', '5', '7', '8', '9']),
        rest in "[0-9]{8}",
        form in 0usize..5,
    ) {
        let national = format!("0{second}{rest}");
        let written = match form {
            0 => national.clone(),
            1 => format!("+84 {}", &national[1..]),
            2 => format!("84{}", &national[1..]),
            3 => format!("{}.{}.{}", &national[..3], &national[3..6], &national[6..]),
            _ => format!("{}-{}-{}", &national[..3], &national[3..6], &national[6..]),
        };
        let number = PhoneNumber::parse(&written).unwrap();
        prop_assert_eq!(number.national(), national);
        prop_assert_eq!(number.kind(), PhoneKind::Mobile);
        prop_assert_eq!(PhoneNumber::parse(&format!("{number}")), Ok(number.clone()));
        prop_assert_eq!(PhoneNumber::parse(&number.national()), Ok(number.clone()));
    }

    #[test]
    fn fixed_line_number_parses_and_prints_back(rest in "[0-9]{9}") {
        let national = format!("02{rest}");
        let number = PhoneNumber::parse(&national).unwrap();
        prop_assert_eq!(number.kind(), PhoneKind::FixedLine);
        prop_assert_eq!(number.national(), national);
        prop_assert_eq!(PhoneNumber::parse(&number.e164()), Ok(number.clone()));
    }

    #[test]
    fn email_built_from_practical_parts_parses_and_prints_back(
        local in "[A-Za-z0-9_+-]{1,20}(\\.[A-Za-z0-9_+-]{1,10}){0,2}",
        labels in prop::collection::vec(domain_label(), 1..4),
        tld in "[a-zA-Z]{2,6}",
    ) {
        let address = format!("{local}@{}.{tld}", labels.join("."));
        let parsed = EmailAddress::parse(&address).unwrap();
        prop_assert_eq!(parsed.local_part(), local.as_str());
        prop_assert_eq!(EmailAddress::parse(&format!("{parsed}")), Ok(parsed.clone()));
        let json = serde_json::to_string(&parsed).unwrap();
        prop_assert_eq!(serde_json::from_str::<EmailAddress>(&json).unwrap(), parsed);
    }

    #[test]
    fn parsers_never_panic_and_what_they_accept_prints_back(s in any::<String>()) {
        if let Ok(id) = NationalId::parse(&s) {
            prop_assert_eq!(NationalId::parse(&format!("{id}")), Ok(id));
        }
        if let Ok(number) = InsuranceNumber::parse(&s) {
            prop_assert_eq!(InsuranceNumber::parse(&format!("{number}")), Ok(number));
        }
        if let Ok(code) = FacilityCode::parse(&s) {
            prop_assert_eq!(FacilityCode::parse(&format!("{code}")), Ok(code));
        }
        if let Ok(number) = PhoneNumber::parse(&s) {
            prop_assert_eq!(PhoneNumber::parse(&format!("{number}")), Ok(number));
        }
        if let Ok(address) = EmailAddress::parse(&s) {
            prop_assert_eq!(EmailAddress::parse(&format!("{address}")), Ok(address));
        }
    }

    #[test]
    fn parsers_never_panic_on_near_misses(s in "[0-9+ .@a-zA-Z\\-đĐ()]{0,20}") {
        for parsed in [
            NationalId::parse(&s).map(|v| v.to_string()).ok(),
            InsuranceNumber::parse(&s).map(|v| v.to_string()).ok(),
            FacilityCode::parse(&s).map(|v| v.to_string()).ok(),
            PhoneNumber::parse(&s).map(|v| v.to_string()).ok(),
            EmailAddress::parse(&s).map(|v| v.to_string()).ok(),
        ].into_iter().flatten() {
            prop_assert!(!parsed.is_empty());
        }
    }
}
