//! LOINC codes for the laboratory results facilities send in XML4.
//!
//! XML4 names an indicator in words (`TEN_CHI_SO`) and a facility's own code (`MA_CHI_SO`),
//! neither of which a receiving system understands. The common indicators are mapped to LOINC
//! in `data/loinc/xml4.csv` (sources and what was left out: `data/loinc/README.md`), compiled
//! by `build.rs`. A result is coded only when both its name and its unit are known, because
//! LOINC gives mass and substance concentration different codes: glucose in mmol/L is not the
//! code of glucose in mg/dL, and a guessed code in a health record is worse than none.

mod key;

pub use key::{is_well_formed, unit_key};

use crate::text::fold_words;

/// A LOINC code and its long common name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loinc {
    pub code: &'static str,
    pub display: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/loinc_data.rs"));

/// The LOINC code of an indicator named `name` (with or without diacritics, in any case)
/// reported in `unit` (`mmol/L`, `µmol/l`, `G/L`…); none when either is not in the table or
/// the unit is missing, since the unit is what tells mass from molar codes apart.
pub fn code_for(name: &str, unit: Option<&str>) -> Option<&'static Loinc> {
    let name = fold_words(name);
    let unit = unit_key(unit?);
    let at = KEYS
        .binary_search_by(|(n, u, _)| (*n, *u).cmp(&(name.as_str(), unit.as_str())))
        .ok()?;
    let (_, _, row) = KEYS.get(at)?;
    CODES.get(*row)
}

/// The long common name of a code of the table, for a display beside the code.
pub fn display_of(code: &str) -> Option<&'static str> {
    CODES.iter().find(|l| l.code == code).map(|l| l.display)
}

/// Whether a service's name (XML3 `TEN_DICH_VU`) says its specimen is urine or another body
/// fluid. XML4 does not name the specimen, and the table's codes are for serum, plasma and
/// blood: a urine panel's `Glucose` in mmol/L must not read as blood glucose.
pub fn names_other_specimen(service: &str) -> bool {
    let words = format!(" {} ", fold_words(service));
    [
        " nuoc tieu ",
        " nieu ",
        " dich nao tuy ",
        " dich mang ",
        " dich khop ",
        " dich choc ",
    ]
    .iter()
    .any(|specimen| words.contains(specimen))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(name: &str, unit: &str) -> Option<&'static str> {
        code_for(name, Some(unit)).map(|l| l.code)
    }

    #[test]
    fn names_match_with_or_without_diacritics_and_in_any_case() {
        assert_eq!(code("Đường huyết", "mmol/L"), Some("14749-6"));
        assert_eq!(code("duong huyet", "mmol/l"), Some("14749-6"));
        assert_eq!(code("GLUCOSE", "mmol/L"), Some("14749-6"));
        assert_eq!(code("Urê", "mmol/L"), Some("22664-7"));
        assert_eq!(code("Ure", "mmol/L"), Some("22664-7"));
        assert_eq!(code("Bilirubin toàn phần", "µmol/L"), Some("14631-6"));
        assert_eq!(code("bilirubin toan phan", "umol/L"), Some("14631-6"));
        assert_eq!(code("AST (GOT)", "U/L"), Some("1920-8"));
        assert_eq!(code("SGPT", "U/L"), Some("1742-6"));
        assert_eq!(
            code("Hồng cầu", "T/L"),
            None,
            "left out until its code is checked"
        );
    }

    #[test]
    fn unit_spellings_fold_to_one_key() {
        for unit in ["µmol/L", "μmol/L", "umol/l", "UMOL/L", " µmol / L "] {
            assert_eq!(code("Creatinin", unit), Some("14682-9"), "{unit}");
        }
        assert_eq!(code("Bạch cầu", "G/L"), Some("26464-8"));
        assert_eq!(code("WBC", "10^9/L"), Some("26464-8"));
        assert_eq!(code("Hemoglobin", "g/L"), Some("718-7"));
        assert_eq!(code("HGB", "g/dL"), Some("718-7"));
    }

    #[test]
    fn mass_and_molar_concentrations_get_different_codes() {
        assert_eq!(code("Glucose", "mmol/L"), Some("14749-6"));
        assert_eq!(code("Glucose", "mg/dL"), Some("2345-7"));
        assert_eq!(code("Creatinin", "µmol/L"), Some("14682-9"));
        assert_eq!(code("Creatinin", "mg/dL"), Some("2160-0"));
        assert_eq!(code("Cholesterol toàn phần", "mmol/L"), Some("14647-2"));
        assert_eq!(code("Cholesterol toàn phần", "mg/dL"), Some("2093-3"));
    }

    #[test]
    fn an_unknown_or_missing_unit_gives_no_code() {
        assert_eq!(code("Glucose", "g/L"), None);
        assert_eq!(code("Creatinin", "mmol/mol"), None);
        assert_eq!(code_for("Glucose", None), None);
        assert_eq!(code("Glucose niệu", "mmol/L"), None);
        assert_eq!(code("Siêu âm ổ bụng", "mmol/L"), None);
    }

    #[test]
    fn every_code_of_the_table_is_well_formed_and_has_its_name() {
        for loinc in &CODES {
            assert!(is_well_formed(loinc.code), "{}", loinc.code);
            assert_eq!(display_of(loinc.code), Some(loinc.display));
        }
        assert!(KEYS.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
    }

    #[test]
    fn the_check_digit_catches_a_mistyped_code() {
        assert!(is_well_formed("2345-7"));
        assert!(is_well_formed("718-7"));
        assert!(!is_well_formed("2345-6"));
        assert!(!is_well_formed("2354-7"));
        assert!(!is_well_formed("2345"));
        assert!(!is_well_formed("23a5-7"));
        assert!(!is_well_formed("12345678-9"));
    }

    #[test]
    fn urine_and_fluid_services_are_other_specimens() {
        assert!(names_other_specimen(
            "Tổng phân tích nước tiểu (Bằng máy tự động)"
        ));
        assert!(names_other_specimen("Định lượng Creatinin (niệu)"));
        assert!(names_other_specimen("Định lượng Glucose (dịch não tủy)"));
        assert!(!names_other_specimen("Định lượng Glucose [Máu]"));
        assert!(!names_other_specimen("Xét nghiệm miễn dịch"));
    }
}
