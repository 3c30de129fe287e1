//! The checks every entry of the book passes before it is stored, on the server and in the
//! mobile core alike; the sensitive category an entry falls in; the merge patch of section I;
//! the written reason a correction or an emergency access needs.
//!
//! [`check_entry`] reports every problem at once, each named by its path inside the entry's
//! value (`diagnoses[0].icd10`, `vital_signs.systolic`, `emergency_contacts[1].phone`), and
//! normalises what it accepts in place: text trimmed (an optional text left empty becomes
//! none), codes and numbers in their canonical form, ICD-10 titles filled in, BMI computed.
//!
//! Text follows the project's rule (the server's `control_chars`): no control character,
//! except tab and line breaks in the long free-text fields (findings, treatment, advice,
//! notes). A name or a short text holds at most 200 characters, a long one 4,000.

mod administrative;
mod measures;

pub use administrative::{MAX_EMERGENCY_CONTACTS, MAX_PARENTS};
pub use measures::{bmi, units_for};

use super::encounter::Encounter;
use super::entry::EntryBody;
use super::history::{
    Allergy, BirthCondition, ChecklistDisease, Disability, FamilyHistory, PastDisease,
    Reproductive, RiskFactors, Surgery,
};
use super::icd10;
use super::immunization::Immunization;
use super::section::Category;
use crate::booking::time::local_date;
use crate::issue::{FieldIssue, Issues};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::Value;

/// The most characters of a name or a short text.
pub const SHORT_TEXT: usize = 200;
/// The most characters of a long free text (findings, advice, notes).
pub const LONG_TEXT: usize = 4_000;
/// Clocks drift: a reading taken "now" on a phone a little ahead is not in the future.
pub const CLOCK_TOLERANCE_MINUTES: i64 = 5;
/// Before this, a date is a typing mistake.
pub const EARLIEST_YEAR: i32 = 1900;
/// A reason is read by the citizen and by reviewers: long enough to say something.
pub const REASON_MIN: usize = 10;
pub const REASON_MAX: usize = 500;
/// Lists of a visit (diagnoses, results, prescriptions) beyond this are not one visit.
pub const MAX_ITEMS: usize = 50;

/// Checks an entry of any kind and normalises it in place; `now` is the time of writing.
/// ICD-10 codes must be valid on the day of the visit (its local date) for an encounter, and
/// today for a past disease or a family history.
pub fn check_entry(body: &mut EntryBody, now: DateTime<Utc>) -> Result<(), Vec<FieldIssue>> {
    let mut check = Check::new(now);
    match body {
        EntryBody::Administrative(value) => administrative::check(&mut check, value),
        EntryBody::RiskFactors(value) => check.risk_factors(value),
        EntryBody::Allergy(value) => check.allergy(value),
        EntryBody::Disability(value) => check.disability(value),
        EntryBody::PastDisease(value) => check.past_disease(value),
        EntryBody::Surgery(value) => check.surgery(value),
        EntryBody::FamilyHistory(value) => check.family_history(value),
        EntryBody::Reproductive(value) => check.reproductive(value),
        EntryBody::Immunization(value) => check.immunization(value),
        EntryBody::Encounter(value) => check.encounter(value),
        EntryBody::Observation(value) => measures::observation(&mut check, value),
    }
    check.into_result()
}

/// The sensitive category an entry falls in, if any: a visit's named category, else the first
/// its diagnoses fall in; a past disease or family history by its code, else its checklist
/// item; any drug use; reproductive health always. Other kinds carry none.
pub fn category_of(body: &EntryBody) -> Option<Category> {
    match body {
        EntryBody::Encounter(value) => value.category.or_else(|| {
            value
                .diagnoses
                .iter()
                .find_map(|d| icd10::category_of_code(&d.icd10))
        }),
        EntryBody::PastDisease(value) => disease_category(value.icd10.as_deref(), value.disease),
        EntryBody::FamilyHistory(value) => disease_category(value.icd10.as_deref(), value.disease),
        EntryBody::RiskFactors(value) => value
            .drugs
            .is_some_and(|use_status| use_status.ever())
            .then_some(Category::SubstanceUse),
        EntryBody::Reproductive { .. } => Some(Category::SexualReproductive),
        EntryBody::Administrative { .. }
        | EntryBody::Allergy { .. }
        | EntryBody::Disability { .. }
        | EntryBody::Surgery { .. }
        | EntryBody::Immunization { .. }
        | EntryBody::Observation { .. } => None,
    }
}

fn disease_category(icd10: Option<&str>, disease: ChecklistDisease) -> Option<Category> {
    icd10.and_then(icd10::category_of_code).or(match disease {
        ChecklistDisease::MentalIllness => Some(Category::MentalHealth),
        ChecklistDisease::Tuberculosis => Some(Category::Tuberculosis),
        _ => None,
    })
}

/// Applies a JSON merge patch (RFC 7396) to `target`: an object merges member by member, a
/// member set to `null` is removed, anything else replaces the target whole.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(target_members) = target {
        for (key, value) in members {
            if value.is_null() {
                target_members.remove(key);
            } else {
                merge_patch(
                    target_members.entry(key.clone()).or_insert(Value::Null),
                    value,
                );
            }
        }
    }
}

/// A written reason (a correction, an entry marked in error, an emergency access, its
/// review): trimmed, 10 to 500 characters, line breaks allowed, no other control character.
pub fn check_reason(field: &str, reason: &str) -> Result<String, FieldIssue> {
    let trimmed = reason.trim();
    let length = trimmed.chars().count();
    if has_control(trimmed, true) {
        return Err(control_character(field));
    }
    if length < REASON_MIN {
        return Err(FieldIssue::new(
            field,
            "reason_too_short",
            format!("Lý do cần ít nhất {REASON_MIN} ký tự."),
            format!("The reason needs at least {REASON_MIN} characters."),
        ));
    }
    if length > REASON_MAX {
        return Err(FieldIssue::new(
            field,
            "reason_too_long",
            format!("Lý do dài tối đa {REASON_MAX} ký tự."),
            format!("The reason is at most {REASON_MAX} characters long."),
        ));
    }
    Ok(trimmed.to_owned())
}

fn has_control(text: &str, multiline: bool) -> bool {
    text.chars().any(|c| match c {
        '\t' | '\n' | '\r' => !multiline,
        c => c.is_control(),
    })
}

fn control_character(field: &str) -> FieldIssue {
    FieldIssue::new(
        field,
        "control_character",
        "Không được chứa ký tự điều khiển (như U+0000).",
        "Must not contain control characters (such as U+0000).",
    )
}

/// What a check needs: where to put problems, and when "now" and "today" are.
struct Check {
    issues: Issues,
    now: DateTime<Utc>,
    today: NaiveDate,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    /// One line, at most [`SHORT_TEXT`] characters: names, codes, short answers.
    Short,
    /// Lines allowed, at most [`LONG_TEXT`] characters.
    Long,
}

impl Text {
    fn limit(self) -> usize {
        match self {
            Text::Short => SHORT_TEXT,
            Text::Long => LONG_TEXT,
        }
    }
}

impl Check {
    fn new(now: DateTime<Utc>) -> Check {
        Check {
            issues: Issues::default(),
            now,
            today: local_date(now),
        }
    }

    fn into_result(self) -> Result<(), Vec<FieldIssue>> {
        self.issues.into_result(Some(()))
    }

    fn push(&mut self, issue: FieldIssue) {
        self.issues.push(issue);
    }

    /// A text that must be there: trimmed in place.
    fn required(&mut self, field: &str, value: &mut String, kind: Text) {
        let trimmed = value.trim();
        if trimmed.len() != value.len() {
            *value = trimmed.to_owned();
        }
        if value.is_empty() {
            self.push(FieldIssue::new(
                field,
                "required",
                "Trường này là bắt buộc.",
                "Is required.",
            ));
            return;
        }
        self.text(field, value, kind);
    }

    /// A text that may be left out: trimmed in place, and none when nothing is left.
    fn optional(&mut self, field: &str, value: &mut Option<String>, kind: Text) {
        if let Some(text) = value {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                *value = None;
                return;
            }
            if trimmed.len() != text.len() {
                *text = trimmed.to_owned();
            }
            let text = text.clone();
            self.text(field, &text, kind);
        }
    }

    fn text(&mut self, field: &str, text: &str, kind: Text) {
        if has_control(text, kind == Text::Long) {
            self.push(control_character(field));
        } else if text.chars().count() > kind.limit() {
            let limit = kind.limit();
            self.push(FieldIssue::new(
                field,
                "text_too_long",
                format!("Dài tối đa {limit} ký tự."),
                format!("Must be at most {limit} characters long."),
            ));
        }
    }

    /// An instant that has happened: not after now (give or take the clock tolerance), not
    /// before 1900.
    fn past_instant(&mut self, field: &str, at: DateTime<Utc>) {
        if at > self.now + Duration::minutes(CLOCK_TOLERANCE_MINUTES) {
            self.in_future(field);
        } else if local_date(at).year() < EARLIEST_YEAR {
            self.before_earliest(field);
        }
    }

    /// A day that has come: not after today, not before 1900.
    fn past_date(&mut self, field: &str, day: NaiveDate) {
        if day > self.today {
            self.in_future(field);
        } else if day.year() < EARLIEST_YEAR {
            self.before_earliest(field);
        }
    }

    fn year(&mut self, field: &str, year: Option<i32>) {
        let this_year = self.today.year();
        if let Some(year) = year
            && !(EARLIEST_YEAR..=this_year).contains(&year)
        {
            self.push(FieldIssue::new(
                field,
                "year_out_of_range",
                format!("Năm phải từ {EARLIEST_YEAR} đến {this_year}."),
                format!("The year must be from {EARLIEST_YEAR} to {this_year}."),
            ));
        }
    }

    fn in_future(&mut self, field: &str) {
        self.push(FieldIssue::new(
            field,
            "date_in_future",
            "Thời điểm này chưa đến.",
            "This is in the future.",
        ));
    }

    fn before_earliest(&mut self, field: &str) {
        self.push(FieldIssue::new(
            field,
            "date_before_1900",
            "Thời điểm này trước năm 1900.",
            "This is before 1900.",
        ));
    }

    /// A whole number from `min` to `max`, said in `unit` words.
    fn count(&mut self, field: &str, value: Option<u32>, min: u32, max: u32) {
        if let Some(value) = value
            && !(min..=max).contains(&value)
        {
            self.out_of_range(field, f64::from(min), f64::from(max), "");
        }
    }

    fn out_of_range(&mut self, field: &str, min: f64, max: f64, unit: &str) {
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        };
        self.push(FieldIssue::new(
            field,
            "out_of_range",
            format!("Phải từ {min} đến {max}{unit}."),
            format!("Must be from {min} to {max}{unit}."),
        ));
    }

    fn too_many<T>(&mut self, field: &str, items: &[T], max: usize) -> bool {
        if items.len() <= max {
            return false;
        }
        self.push(FieldIssue::new(
            field,
            "too_many_items",
            format!("Tối đa {max} mục."),
            format!("At most {max} items."),
        ));
        true
    }

    /// An ICD-10 code valid on `day`, rewritten canonical; its title when it is.
    fn icd10(&mut self, field: &str, code: &mut String, day: NaiveDate) -> Option<&'static str> {
        let Some(found) = icd10::find(code) else {
            self.push(FieldIssue::new(
                field,
                "icd10_unknown",
                "Mã ICD-10 không có trong danh mục.",
                "This ICD-10 code is not in the code list.",
            ));
            return None;
        };
        *code = found.code.to_owned();
        if found.valid_from > day {
            let from = found.valid_from.format("%d/%m/%Y");
            self.push(FieldIssue::new(
                field,
                "icd10_not_valid_on_date",
                format!("Mã ICD-10 này chỉ dùng từ ngày {from}."),
                format!("This ICD-10 code may be used only from {from}."),
            ));
            return None;
        }
        Some(found.title_en)
    }

    fn risk_factors(&mut self, value: &mut RiskFactors) {
        if let Some(birth) = &mut value.condition_at_birth {
            self.birth(birth);
        }
    }

    /// Birth weight 300–7,000 g: the smallest survivors weigh about 300 g and the heaviest
    /// newborns recorded about 7 kg. 20–45 weeks: below 20 is a miscarriage, not a birth, and
    /// pregnancies beyond 45 weeks are not seen. 20–70 cm covers the same newborns' length.
    fn birth(&mut self, birth: &mut BirthCondition) {
        self.count(
            "condition_at_birth.weight_grams",
            birth.weight_grams,
            300,
            7_000,
        );
        self.count(
            "condition_at_birth.gestational_weeks",
            birth.gestational_weeks,
            20,
            45,
        );
        self.count("condition_at_birth.length_cm", birth.length_cm, 20, 70);
        self.optional(
            "condition_at_birth.birth_defects",
            &mut birth.birth_defects,
            Text::Short,
        );
    }

    fn allergy(&mut self, value: &mut Allergy) {
        self.required("substance", &mut value.substance, Text::Short);
        self.optional("reaction", &mut value.reaction, Text::Short);
    }

    fn disability(&mut self, value: &mut Disability) {
        self.optional("detail", &mut value.detail, Text::Short);
    }

    fn past_disease(&mut self, value: &mut PastDisease) {
        let today = self.today;
        self.history_code(&mut value.icd10, today);
        self.year("since_year", value.since_year);
        self.optional("note", &mut value.note, Text::Long);
    }

    fn family_history(&mut self, value: &mut FamilyHistory) {
        let today = self.today;
        self.history_code(&mut value.icd10, today);
        self.optional("note", &mut value.note, Text::Long);
    }

    fn history_code(&mut self, code: &mut Option<String>, today: NaiveDate) {
        self.optional("icd10", code, Text::Short);
        if let Some(text) = code {
            self.icd10("icd10", text, today);
        }
    }

    fn surgery(&mut self, value: &mut Surgery) {
        self.required("procedure", &mut value.procedure, Text::Short);
        self.year("year", value.year);
        self.optional("facility", &mut value.facility, Text::Short);
        self.optional("note", &mut value.note, Text::Long);
    }

    /// Counts above 30 are typing mistakes.
    fn reproductive(&mut self, value: &mut Reproductive) {
        self.count("pregnancies", value.pregnancies, 0, 30);
        self.count("births", value.births, 0, 30);
        self.count("miscarriages", value.miscarriages, 0, 30);
        self.optional("note", &mut value.note, Text::Long);
    }

    fn immunization(&mut self, value: &mut Immunization) {
        self.required("product", &mut value.product, Text::Short);
        self.optional("trade_name", &mut value.trade_name, Text::Short);
        if value.antigens.is_empty() {
            self.push(FieldIssue::new(
                "antigens",
                "required",
                "Trường này là bắt buộc.",
                "Is required.",
            ));
        }
        if !self.too_many("antigens", &value.antigens, 20) {
            for (i, antigen) in value.antigens.iter_mut().enumerate() {
                self.required(&format!("antigens[{i}]"), antigen, Text::Short);
            }
        }
        self.count("dose_number", Some(value.dose_number), 1, 20);
        self.past_date("administered_on", value.administered_on);
        self.optional("lot", &mut value.lot, Text::Short);
        self.optional("site", &mut value.site, Text::Short);
        self.optional("route", &mut value.route, Text::Short);
        self.optional("note", &mut value.note, Text::Long);
    }

    fn encounter(&mut self, value: &mut Encounter) {
        let visit_day = local_date(value.started_at);
        self.past_instant("started_at", value.started_at);
        if let Some(ended_at) = value.ended_at {
            self.past_instant("ended_at", ended_at);
            if ended_at < value.started_at {
                self.push(FieldIssue::new(
                    "ended_at",
                    "ended_before_started",
                    "Thời điểm kết thúc phải sau khi bắt đầu.",
                    "The visit must end after it starts.",
                ));
            }
        }
        self.optional(
            "practitioner_name",
            &mut value.practitioner_name,
            Text::Short,
        );
        self.required("reason", &mut value.reason, Text::Short);
        measures::vital_signs(self, &mut value.vital_signs);
        self.optional("findings", &mut value.findings, Text::Long);
        self.diagnoses(value, visit_day);
        if !self.too_many("results", &value.results, MAX_ITEMS) {
            for (i, result) in value.results.iter_mut().enumerate() {
                self.required(&format!("results[{i}].test"), &mut result.test, Text::Short);
                self.required(
                    &format!("results[{i}].value"),
                    &mut result.value,
                    Text::Short,
                );
                self.optional(&format!("results[{i}].unit"), &mut result.unit, Text::Short);
                self.optional(
                    &format!("results[{i}].reference_range"),
                    &mut result.reference_range,
                    Text::Short,
                );
                self.loinc(&format!("results[{i}].loinc"), &mut result.loinc);
            }
        }
        self.optional("treatment", &mut value.treatment, Text::Long);
        if !self.too_many("prescriptions", &value.prescriptions, MAX_ITEMS) {
            for (i, p) in value.prescriptions.iter_mut().enumerate() {
                let at = |name: &str| format!("prescriptions[{i}].{name}");
                self.required(&at("medicine"), &mut p.medicine, Text::Short);
                self.required(&at("dosage"), &mut p.dosage, Text::Short);
                self.optional(&at("route"), &mut p.route, Text::Short);
                // A course beyond a year is a standing treatment renewed at visits.
                self.count(&at("days"), p.days, 1, 365);
                self.optional(&at("quantity"), &mut p.quantity, Text::Short);
                self.optional(&at("note"), &mut p.note, Text::Long);
            }
        }
        self.optional("advice", &mut value.advice, Text::Long);
        if let Some(follow_up) = value.follow_up_on
            && follow_up < visit_day
        {
            self.push(FieldIssue::new(
                "follow_up_on",
                "follow_up_before_visit",
                "Ngày tái khám không được trước ngày khám.",
                "The follow-up cannot be before the visit.",
            ));
        }
    }

    /// A LOINC code, if any, must be one: a mistyped code would file the result under
    /// another test in every system that reads it, so its check digit is checked.
    fn loinc(&mut self, field: &str, value: &mut Option<String>) {
        self.optional(field, value, Text::Short);
        if value
            .as_deref()
            .is_some_and(|code| !crate::xml130::loinc::is_well_formed(code))
        {
            self.push(FieldIssue::new(
                field,
                "loinc_invalid",
                "Mã LOINC không hợp lệ.",
                "Is not a valid LOINC code.",
            ));
        }
    }

    fn diagnoses(&mut self, value: &mut Encounter, visit_day: NaiveDate) {
        if self.too_many("diagnoses", &value.diagnoses, MAX_ITEMS) {
            return;
        }
        let mut primary_seen = false;
        for (i, diagnosis) in value.diagnoses.iter_mut().enumerate() {
            let field = format!("diagnoses[{i}].icd10");
            // Any title sent is replaced by the list's, or dropped with an unknown code.
            diagnosis.title = self
                .icd10(&field, &mut diagnosis.icd10, visit_day)
                .map(str::to_owned);
            if diagnosis.primary {
                if primary_seen {
                    self.push(FieldIssue::new(
                        format!("diagnoses[{i}].primary"),
                        "primary_diagnosis_duplicate",
                        "Một lần khám chỉ có một chẩn đoán chính.",
                        "A visit has at most one primary diagnosis.",
                    ));
                }
                primary_seen = true;
            }
            self.optional(
                &format!("diagnoses[{i}].note"),
                &mut diagnosis.note,
                Text::Long,
            );
        }
    }
}

#[cfg(test)]
mod tests;
