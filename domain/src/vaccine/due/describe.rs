//! A due-list line in words, as the apps and mails show it: the disease, then where the
//! person stands, with the day that matters. One wording for every screen.

use super::{Antigen, AntigenDue, DueWarning, Standing};
use crate::i18n::Lang;
use chrono::NaiveDate;

/// The disease an antigen protects against, as people name it.
pub fn antigen_name(antigen: Antigen, lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => antigen.name_vi(),
        Lang::En => antigen.name_en(),
    }
}

/// Where the person stands for the line's antigen ("Mũi 2: quá hạn từ 01/05/2026").
pub fn standing_text(line: &AntigenDue, lang: Lang) -> String {
    let day = |d: &NaiveDate| d.format("%d/%m/%Y").to_string();
    let dose = line
        .next_dose
        .unwrap_or(line.doses_counted.saturating_add(1));
    match (&line.standing, lang) {
        (Standing::Complete, Lang::Vi) => format!("Đã tiêm đủ ({} mũi)", line.doses_counted),
        (Standing::Complete, Lang::En) => format!("Complete ({} doses)", line.doses_counted),
        (Standing::Due { from }, Lang::Vi) => format!("Mũi {dose}: tiêm từ {}", day(from)),
        (Standing::Due { from }, Lang::En) => format!("Dose {dose}: due from {}", day(from)),
        (Standing::Overdue { since }, Lang::Vi) => {
            format!("Mũi {dose}: quá hạn từ {}", day(since))
        }
        (Standing::Overdue { since }, Lang::En) => {
            format!("Dose {dose}: overdue since {}", day(since))
        }
        (Standing::TooEarly { earliest }, Lang::Vi) => {
            format!("Mũi {dose}: chưa đến lúc, sớm nhất {}", day(earliest))
        }
        (Standing::TooEarly { earliest }, Lang::En) => {
            format!("Dose {dose}: not before {}", day(earliest))
        }
        (Standing::NotApplicable, Lang::Vi) => "Tỉnh chưa triển khai vắc xin này".to_owned(),
        (Standing::NotApplicable, Lang::En) => "Not offered in the province yet".to_owned(),
        (Standing::Contraindicated { vaccine }, Lang::Vi) => {
            format!("Không tiêm tiếp: đã có phản ứng nặng sau {vaccine}")
        }
        (Standing::Contraindicated { vaccine }, Lang::En) => {
            format!("No further dose: a serious reaction followed {vaccine}")
        }
    }
}

/// A warning in words.
pub fn warning_text(warning: &DueWarning, lang: Lang) -> String {
    match (warning, lang) {
        (DueWarning::PastLabelAge { product, limit }, Lang::Vi) => format!(
            "Theo nhãn {product}, liệu trình phải xong trước {}; hỏi nhân viên y tế.",
            limit.format("%d/%m/%Y")
        ),
        (DueWarning::PastLabelAge { product, limit }, Lang::En) => format!(
            "{product}'s label has the course finished before {}; ask a health worker.",
            limit.format("%d/%m/%Y")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(standing: Standing) -> AntigenDue {
        AntigenDue {
            antigen: Antigen::Measles,
            standing,
            doses_counted: 1,
            doses_needed: 2,
            next_dose: Some(2),
            next_row: Some("measles_2".into()),
            earliest: None,
            recommended: None,
            may_refuse: true,
            course: None,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn each_standing_reads_with_its_dose_and_day_in_both_languages() {
        let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let overdue = line(Standing::Overdue { since: day });
        assert_eq!(
            standing_text(&overdue, Lang::Vi),
            "Mũi 2: quá hạn từ 01/05/2026"
        );
        assert_eq!(
            standing_text(&overdue, Lang::En),
            "Dose 2: overdue since 01/05/2026"
        );
        let early = line(Standing::TooEarly { earliest: day });
        assert_eq!(
            standing_text(&early, Lang::En),
            "Dose 2: not before 01/05/2026"
        );
        let complete = AntigenDue {
            doses_counted: 2,
            ..line(Standing::Complete)
        };
        assert_eq!(standing_text(&complete, Lang::Vi), "Đã tiêm đủ (2 mũi)");
        assert_eq!(antigen_name(Antigen::Measles, Lang::Vi), "Sởi");
    }
}
