//! The pre-vaccination screening (khám sàng lọc trước tiêm chủng): the checklist of each
//! group, compiled from `data/immunization/screening-*.csv` with each item's source and
//! whether its wording was checked against QĐ 1575/QĐ-BYT (2023), and the rule that turns a
//! health worker's answers into an outcome. A dose is given only on `eligible`.
//!
//! QĐ 1575/QĐ-BYT covers children (newborns, and children over one month); its own text was
//! not available, so every item carries the wording of the guidance it replaced as reported
//! by public sources, marked `verified: false`. The adults' and pregnant women's lists follow
//! WHO's general contraindications until a Vietnamese checklist for them is read.

use super::Span;
use crate::issue::FieldIssue;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Whose checklist applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ScreeningGroup {
    /// Under one month old.
    Newborn,
    /// From one month to under 18.
    Child,
    Adult,
    Pregnant,
}

impl ScreeningGroup {
    pub const ALL: [ScreeningGroup; 4] = [
        ScreeningGroup::Newborn,
        ScreeningGroup::Child,
        ScreeningGroup::Adult,
        ScreeningGroup::Pregnant,
    ];

    pub fn parse(value: &str) -> Option<ScreeningGroup> {
        ScreeningGroup::ALL
            .into_iter()
            .find(|group| group.as_str() == value)
    }

    /// Whose checklist applies to a person born on `birth`, on `on`: a pregnant woman's
    /// whatever her age (her checklist asks what pregnancy changes), else a newborn's until
    /// the day the baby turns one month, a child's until the 18th birthday, then an adult's.
    /// Ages are counted on the calendar as the schedule counts them (`Span::after`): a baby
    /// born on 31 January turns one month on the last day of February.
    pub fn of(birth: NaiveDate, on: NaiveDate, pregnant: bool) -> ScreeningGroup {
        let before = |span: Span| span.after(birth).is_none_or(|turned| on < turned);
        if pregnant {
            ScreeningGroup::Pregnant
        } else if before(NEWBORN_UNTIL) {
            ScreeningGroup::Newborn
        } else if before(CHILD_UNTIL) {
            ScreeningGroup::Child
        } else {
            ScreeningGroup::Adult
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ScreeningGroup::Newborn => "newborn",
            ScreeningGroup::Child => "child",
            ScreeningGroup::Adult => "adult",
            ScreeningGroup::Pregnant => "pregnant",
        }
    }
}

/// The newborns' checklist applies under this age: QĐ 1575/QĐ-BYT screens "trẻ sơ sinh"
/// apart from "trẻ em trên 1 tháng tuổi".
pub const NEWBORN_UNTIL: Span = Span::Months(1);

/// The children's checklist applies under this age; from it, an adult's. The checklist
/// follows the age of majority (Bộ luật Dân sự 2015, Art. 20: 18 years), not the end of the
/// children's schedule (`due::CHILD_SCHEDULE_UNTIL`, 16): a minor is screened as a child.
pub const CHILD_UNTIL: Span = Span::Years(18);

/// What a "yes" to an item means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Effect {
    /// Not today: come back once it has passed.
    Postpone,
    /// Never this vaccine.
    Contraindicate,
    /// Never a live vaccine; an inactivated one may be given.
    ContraindicateLive,
    /// Screening and vaccination at a hospital instead.
    Refer,
}

/// One question of a group's checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    pub group: ScreeningGroup,
    /// Stable code the answers name (`acute_illness`).
    pub item: &'static str,
    pub effect: Effect,
    pub question_vi: &'static str,
    pub question_en: &'static str,
    /// Whether the wording was checked against the decision's own text.
    pub verified: bool,
    pub source: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/screening_data.rs"));

/// The item answered from the measured temperature rather than by yes or no.
pub const TEMPERATURE_ITEM: &str = "temperature";

/// Fever from this axillary temperature (°C, tenths): "sốt từ 37,5 độ C trở lên" in the
/// children's screening guidance (QĐ 2301/QĐ-BYT 2015 and QĐ 104/QĐ-BYT 2018, as reported).
pub const FEVER_FROM_TENTHS: u16 = 375;
/// Low body temperature up to this one: "hạ thân nhiệt từ 35,5 độ C trở xuống" (same sources).
pub const LOW_TEMPERATURE_UP_TO_TENTHS: u16 = 355;
/// Readings outside this range are typing mistakes, not temperatures.
const PLAUSIBLE_TENTHS: std::ops::RangeInclusive<u16> = 300..=440;

/// The checklist of `group`, in the order it is asked.
pub fn checklist(group: ScreeningGroup) -> impl Iterator<Item = &'static ChecklistItem> {
    CHECKLIST.iter().filter(move |item| item.group == group)
}

/// A health worker's answers for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ScreeningAnswers {
    pub group: ScreeningGroup,
    /// Axillary temperature in tenths of a degree Celsius (`368` is 36.8 °C): an integer, so
    /// that a reading compares exactly with the thresholds.
    pub temperature_tenths: u16,
    /// Every other item of the group's checklist, answered.
    pub answers: Vec<ScreeningAnswer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ScreeningAnswer {
    pub item: String,
    pub yes: bool,
}

/// What the screening decides, the most serious finding first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ScreeningOutcome {
    Eligible,
    Postpone,
    Refer,
    Contraindicated,
}

impl ScreeningOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ScreeningOutcome::Eligible => "eligible",
            ScreeningOutcome::Postpone => "postpone",
            ScreeningOutcome::Refer => "refer",
            ScreeningOutcome::Contraindicated => "contraindicated",
        }
    }
}

/// The outcome and the items that led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ScreeningResult {
    pub outcome: ScreeningOutcome,
    /// The items whose answer decided it (empty when eligible).
    pub because: Vec<String>,
}

/// Decides `answers` for a dose of a vaccine that is `live` or not. Every item of the group
/// must be answered once, and nothing else; the issues name the fields at fault under
/// `prefix`. A contraindication outranks a referral, which outranks a postponement.
pub fn screen(
    answers: &ScreeningAnswers,
    live: bool,
    prefix: &str,
) -> Result<ScreeningResult, Vec<FieldIssue>> {
    let mut issues = Vec::new();
    if !PLAUSIBLE_TENTHS.contains(&answers.temperature_tenths) {
        issues.push(FieldIssue::new(
            format!("{prefix}temperature_tenths"),
            "temperature_implausible",
            "Nhiệt độ phải từ 30,0 đến 44,0 °C (ghi theo phần mười độ, ví dụ 368).",
            "The temperature must be 30.0–44.0 °C (in tenths of a degree, e.g. 368).",
        ));
    }
    let items: Vec<&ChecklistItem> = checklist(answers.group).collect();
    for (index, answer) in answers.answers.iter().enumerate() {
        let known = items
            .iter()
            .any(|item| item.item == answer.item && item.item != TEMPERATURE_ITEM);
        let repeated = answers.answers[..index]
            .iter()
            .any(|earlier| earlier.item == answer.item);
        if !known || repeated {
            issues.push(FieldIssue::new(
                format!("{prefix}answers[{index}].item"),
                "screening_item_unknown",
                "Câu hỏi này không thuộc bảng kiểm của nhóm, hoặc đã được trả lời.",
                "This item is not on the group's checklist, or was already answered.",
            ));
        }
    }
    for item in &items {
        if item.item != TEMPERATURE_ITEM && !answers.answers.iter().any(|a| a.item == item.item) {
            issues.push(FieldIssue::new(
                format!("{prefix}answers"),
                "screening_item_missing",
                format!("Chưa trả lời câu hỏi {} của bảng kiểm.", item.item),
                format!("The checklist item {} is not answered.", item.item),
            ));
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let t = answers.temperature_tenths;
    let mut findings: Vec<(ScreeningOutcome, &str)> = Vec::new();
    if t >= FEVER_FROM_TENTHS || t <= LOW_TEMPERATURE_UP_TO_TENTHS {
        findings.push((ScreeningOutcome::Postpone, TEMPERATURE_ITEM));
    }
    for item in &items {
        let yes = answers.answers.iter().any(|a| a.item == item.item && a.yes);
        let outcome = match item.effect {
            _ if !yes => continue,
            Effect::Postpone => ScreeningOutcome::Postpone,
            Effect::Refer => ScreeningOutcome::Refer,
            Effect::Contraindicate => ScreeningOutcome::Contraindicated,
            Effect::ContraindicateLive if live => ScreeningOutcome::Contraindicated,
            Effect::ContraindicateLive => continue,
        };
        findings.push((outcome, item.item));
    }
    let outcome = findings
        .iter()
        .map(|(outcome, _)| *outcome)
        .max()
        .unwrap_or(ScreeningOutcome::Eligible);
    Ok(ScreeningResult {
        outcome,
        because: findings
            .into_iter()
            .filter(|(o, _)| *o == outcome)
            .map(|(_, item)| item.to_owned())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_no(group: ScreeningGroup, temperature_tenths: u16) -> ScreeningAnswers {
        ScreeningAnswers {
            group,
            temperature_tenths,
            answers: checklist(group)
                .filter(|i| i.item != TEMPERATURE_ITEM)
                .map(|i| ScreeningAnswer {
                    item: i.item.to_owned(),
                    yes: false,
                })
                .collect(),
        }
    }

    fn with_yes(mut answers: ScreeningAnswers, item: &str) -> ScreeningAnswers {
        for answer in &mut answers.answers {
            if answer.item == item {
                answer.yes = true;
            }
        }
        answers
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_baby_is_a_newborn_until_the_day_it_turns_one_month() {
        let birth = day("2026-01-15");
        let group = |on: &str| ScreeningGroup::of(birth, day(on), false);
        assert_eq!(group("2026-01-15"), ScreeningGroup::Newborn);
        assert_eq!(group("2026-02-14"), ScreeningGroup::Newborn);
        assert_eq!(group("2026-02-15"), ScreeningGroup::Child);
        // A month on the calendar: the end of a short month is the day it turns.
        let end_of_january = day("2026-01-31");
        assert_eq!(
            ScreeningGroup::of(end_of_january, day("2026-02-27"), false),
            ScreeningGroup::Newborn
        );
        assert_eq!(
            ScreeningGroup::of(end_of_january, day("2026-02-28"), false),
            ScreeningGroup::Child
        );
    }

    #[test]
    fn a_child_is_screened_as_an_adult_from_the_18th_birthday() {
        let birth = day("2008-06-10");
        let group = |on: &str| ScreeningGroup::of(birth, day(on), false);
        assert_eq!(group("2026-06-09"), ScreeningGroup::Child);
        assert_eq!(group("2026-06-10"), ScreeningGroup::Adult);
        assert_eq!(group("2090-01-01"), ScreeningGroup::Adult);
        // Born on 29 February: 18 on the last day of February of a common year.
        let leap = day("2008-02-29");
        assert_eq!(
            ScreeningGroup::of(leap, day("2026-02-27"), false),
            ScreeningGroup::Child
        );
        assert_eq!(
            ScreeningGroup::of(leap, day("2026-02-28"), false),
            ScreeningGroup::Adult
        );
    }

    #[test]
    fn a_pregnant_woman_has_the_pregnancy_checklist_whatever_her_age() {
        for birth in ["1990-05-17", "2009-03-01"] {
            assert_eq!(
                ScreeningGroup::of(day(birth), day("2026-12-07"), true),
                ScreeningGroup::Pregnant
            );
        }
    }

    #[test]
    fn a_birth_date_after_the_day_is_a_newborns() {
        // A typed date a day ahead is a mistake the book's checks catch; the checklist errs on
        // the side of the most careful group.
        assert_eq!(
            ScreeningGroup::of(day("2026-12-08"), day("2026-12-07"), false),
            ScreeningGroup::Newborn
        );
    }

    #[test]
    fn every_group_has_a_checklist_with_its_temperature_and_sources() {
        for group in ScreeningGroup::ALL {
            let items: Vec<_> = checklist(group).collect();
            assert!(
                items.iter().any(|i| i.item == TEMPERATURE_ITEM),
                "{group:?}"
            );
            assert!(items.iter().all(|i| !i.source.is_empty()));
        }
    }

    #[test]
    fn a_well_person_is_eligible() {
        for group in ScreeningGroup::ALL {
            let result = screen(&all_no(group, 368), true, "").unwrap();
            assert_eq!(result.outcome, ScreeningOutcome::Eligible, "{group:?}");
            assert!(result.because.is_empty());
        }
    }

    #[test]
    fn fever_from_37_5_and_low_temperature_to_35_5_postpone() {
        let at = |t| screen(&all_no(ScreeningGroup::Child, t), false, "").unwrap();
        assert_eq!(at(374).outcome, ScreeningOutcome::Eligible);
        assert_eq!(at(375).outcome, ScreeningOutcome::Postpone);
        assert_eq!(at(375).because, vec!["temperature"]);
        assert_eq!(at(356).outcome, ScreeningOutcome::Eligible);
        assert_eq!(at(355).outcome, ScreeningOutcome::Postpone);
    }

    #[test]
    fn a_serious_reaction_to_a_previous_dose_contraindicates_and_outranks_fever() {
        let answers = with_yes(
            all_no(ScreeningGroup::Adult, 390),
            "previous_severe_reaction",
        );
        let result = screen(&answers, false, "").unwrap();
        assert_eq!(result.outcome, ScreeningOutcome::Contraindicated);
        assert_eq!(result.because, vec!["previous_severe_reaction"]);
    }

    #[test]
    fn immunodeficiency_contraindicates_live_vaccines_only() {
        let answers = with_yes(all_no(ScreeningGroup::Child, 368), "immunodeficiency");
        assert_eq!(
            screen(&answers, true, "").unwrap().outcome,
            ScreeningOutcome::Contraindicated
        );
        assert_eq!(
            screen(&answers, false, "").unwrap().outcome,
            ScreeningOutcome::Eligible
        );
    }

    #[test]
    fn a_referral_outranks_a_postponement() {
        let answers = with_yes(
            with_yes(all_no(ScreeningGroup::Newborn, 368), "acute_illness"),
            "low_birth_weight_hbsag",
        );
        assert_eq!(
            screen(&answers, false, "").unwrap().outcome,
            ScreeningOutcome::Refer
        );
    }

    #[test]
    fn missing_unknown_repeated_items_and_implausible_temperatures_are_named() {
        let mut answers = all_no(ScreeningGroup::Adult, 500);
        let first = answers.answers.remove(0);
        answers.answers.push(ScreeningAnswer {
            item: "low_birth_weight_hbsag".to_owned(),
            yes: false,
        });
        answers.answers.push(answers.answers[0].clone());
        let issues = screen(&answers, false, "screening.").unwrap_err();
        let codes: Vec<(&str, &str)> = issues
            .iter()
            .map(|i| (i.field.as_str(), i.code.as_str()))
            .collect();
        assert!(codes.contains(&("screening.temperature_tenths", "temperature_implausible")));
        assert!(codes.contains(&("screening.answers[3].item", "screening_item_unknown")));
        assert!(codes.contains(&("screening.answers[4].item", "screening_item_unknown")));
        assert!(codes.contains(&("screening.answers", "screening_item_missing")));
        assert!(issues.iter().any(|i| i.message_en.contains(&first.item)));
    }
}
