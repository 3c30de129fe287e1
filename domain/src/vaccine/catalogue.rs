//! The catalogue: one entry per series of the national programme (its doses) and per paid
//! vaccine (its products and their courses).

use super::data::CATALOGUE;
use super::schedule::ScheduleDose;
use super::{Programme, Span};
use crate::certificate::routine::{TargetDisease, targets_for_schedule_id};
use chrono::{Days, Months, NaiveDate};

/// How sure the reference data is of a value (`data/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Confidence {
    /// An official list, machine-extracted or long-standing.
    High,
    /// Official facts transcribed from secondary sources (a label as a formulary publishes it).
    Medium,
    /// A summary still to check against the source.
    Low,
}

impl Confidence {
    /// Only a value of high confidence may refuse something; the others may only warn.
    pub fn may_refuse(self) -> bool {
        self == Confidence::High
    }
}

/// A vaccine of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogueEntry {
    /// The stable code records and the API use (`hexa`, `penta`, `bcg`).
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub programme: Programme,
    /// The products used in Việt Nam, as the data names them.
    pub product_names: &'static str,
    /// The usual schedule in words (for the programme, its first dose's recommended age).
    pub schedule_note: &'static str,
    /// The youngest age at which the first dose may be given, where one is stated.
    pub min_age: Option<Span>,
    pub note: &'static str,
    /// A live attenuated vaccine (`vaccine-kinds.csv`).
    pub live: bool,
    pub route: Route,
    /// The ages past which the programme's series is no longer given (rotavirus), where
    /// `schedule-limits.csv` states them; a paid vaccine's are its courses'.
    pub age_limit: Option<AgeLimit>,
    /// The programme's doses of this series, in order; empty for a paid vaccine.
    pub schedule: &'static [&'static ScheduleDose],
    /// The paid vaccine's products; empty for the programme.
    pub products: &'static [VaccineProduct],
}

impl CatalogueEntry {
    /// Doses of a full course: the programme's doses of the series, or the longest course of
    /// the products (so a reminder list never stops a course early).
    pub fn doses(&self) -> u32 {
        match self.programme {
            Programme::Expanded => u32::try_from(self.schedule.len()).unwrap_or(u32::MAX),
            Programme::Service => self
                .products
                .iter()
                .flat_map(|p| p.courses)
                .map(Course::doses)
                .max()
                .unwrap_or(1),
        }
    }

    /// The diseases it protects against (its antigens), as certificates name them.
    pub fn antigens(&self) -> &'static [TargetDisease] {
        let id = self.schedule.first().map_or(self.code, |dose| dose.id);
        targets_for_schedule_id(id).unwrap_or_default()
    }

    pub fn product(&self, name: &str) -> Option<&'static VaccineProduct> {
        self.products.iter().find(|p| p.name == name)
    }
}

/// The ages past which a programme series is no longer given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeLimit {
    /// The series is not started at this age or older.
    pub first_dose_before: Option<Span>,
    /// No dose of it is given at this age or older.
    pub last_dose_before: Option<Span>,
    pub source: &'static str,
    pub confidence: Confidence,
}

impl AgeLimit {
    /// The first day dose `number` (from 1) may no longer be given to someone born on `birth`.
    pub fn for_dose(&self, number: usize, birth: NaiveDate) -> Option<NaiveDate> {
        let first = self
            .first_dose_before
            .filter(|_| number == 1)
            .and_then(|age| age.after(birth));
        let last = self.last_dose_before.and_then(|age| age.after(birth));
        match (first, last) {
            (Some(first), Some(last)) => Some(first.min(last)),
            (first, last) => first.or(last),
        }
    }
}

/// How a vaccine is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Oral,
    Intramuscular,
    Subcutaneous,
    Intradermal,
}

impl CatalogueEntry {
    /// Live and injected: two such vaccines not given on the same day are given at least 28
    /// days apart, so that the first one's immune response does not blunt the second's.
    /// Oral live vaccines (OPV, rotavirus) are not concerned.
    pub fn live_injectable(&self) -> bool {
        self.live && self.route != Route::Oral
    }
}

/// A product on the Vietnamese market with its courses (`service-products.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaccineProduct {
    /// The trade name (`Hexaxim`).
    pub name: &'static str,
    /// The catalogue code of its vaccine (`hexa`).
    pub vaccine: &'static str,
    /// The marketing authorisation holder as the label names it; empty where no label was read.
    pub manufacturer: &'static str,
    /// The antigens it covers where they differ from its vaccine's (Twinrix, listed under
    /// hepatitis A, also covers hepatitis B); `antigens()` resolves it.
    pub antigens_own: Option<&'static [TargetDisease]>,
    /// Live attenuated: its vaccine's unless its row says otherwise.
    pub live: bool,
    /// How it is given: its vaccine's unless its row says otherwise.
    pub route: Route,
    /// Its courses: several where the label's course depends on age (HPV, varicella) or on
    /// the circumstances (rabies before or after exposure).
    pub courses: &'static [Course],
}

impl VaccineProduct {
    /// The diseases a dose of it protects against.
    pub fn antigens(&self) -> &'static [TargetDisease] {
        self.antigens_own
            .or_else(|| targets_for_schedule_id(self.vaccine))
            .unwrap_or_default()
    }

    /// Doses of its longest course.
    pub fn doses(&self) -> u32 {
        self.courses.iter().map(Course::doses).max().unwrap_or(1)
    }

    /// Live and injected (see `CatalogueEntry::live_injectable`).
    pub fn live_injectable(&self) -> bool {
        self.live && self.route != Route::Oral
    }

    /// The courses someone born on `birth` may start on `first_dose_on`.
    pub fn courses_open_to(
        &self,
        birth: NaiveDate,
        first_dose_on: NaiveDate,
    ) -> impl Iterator<Item = &'static Course> + use<> {
        self.courses
            .iter()
            .filter(move |c| c.open_to(birth, first_dose_on))
    }
}

/// One course of a product, as its label states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Course {
    /// What tells it from the product's other courses (`9-14 years`, `post-exposure (Essen)`);
    /// empty for a product with one course.
    pub label: &'static str,
    /// The youngest age for the first dose.
    pub min_age: Option<Span>,
    /// The first dose is given before this age (a label's "9 through 14 years" is before 15).
    pub first_dose_before: Option<Span>,
    /// The last dose is given before this age (rotavirus vaccines).
    pub last_dose_before: Option<Span>,
    /// The shortest time between each dose and the next: one fewer than the doses.
    pub min_intervals: &'static [Span],
    /// Where the values come from.
    pub source: &'static str,
    pub confidence: Confidence,
}

impl Course {
    /// The first day dose `number` (from 1) of this course may no longer be given to someone
    /// born on `birth`, by the label's ages.
    pub fn limit_for_dose(&self, number: usize, birth: NaiveDate) -> Option<NaiveDate> {
        AgeLimit {
            first_dose_before: self.first_dose_before,
            last_dose_before: self.last_dose_before,
            source: self.source,
            confidence: self.confidence,
        }
        .for_dose(number, birth)
    }

    pub fn doses(&self) -> u32 {
        u32::try_from(self.min_intervals.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }

    /// Whether someone born on `birth` may start this course on `first_dose_on`.
    pub fn open_to(&self, birth: NaiveDate, first_dose_on: NaiveDate) -> bool {
        let old_enough = self
            .min_age
            .is_none_or(|age| age.after(birth).is_some_and(|day| day <= first_dose_on));
        let young_enough = self
            .first_dose_before
            .is_none_or(|age| age.after(birth).is_none_or(|day| first_dose_on < day));
        old_enough && young_enough
    }

    /// The shortest time before dose `number` (counted from 1) after the one before it.
    pub fn min_interval_before(&self, number: usize) -> Option<Span> {
        self.min_intervals.get(number.checked_sub(2)?).copied()
    }
}

impl Span {
    /// The day this span after `start`, on the calendar: a month after 31 January is the
    /// last day of February, a year after 29 February is 28 February. `None` past the
    /// calendar's end.
    pub fn after(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Span::Days(n) => start.checked_add_days(Days::new(n.into())),
            Span::Weeks(n) => start.checked_add_days(Days::new(u64::from(n) * 7)),
            Span::Months(n) => start.checked_add_months(Months::new(n.into())),
            Span::Years(n) => start.checked_add_months(Months::new(u32::from(n) * 12)),
        }
    }
}

impl Span {
    /// The day this span before `end`, on the calendar (`after`'s inverse: a month before
    /// 31 March is the last day of February). `None` before the calendar's start.
    pub fn before(self, end: NaiveDate) -> Option<NaiveDate> {
        match self {
            Span::Days(n) => end.checked_sub_days(Days::new(n.into())),
            Span::Weeks(n) => end.checked_sub_days(Days::new(u64::from(n) * 7)),
            Span::Months(n) => end.checked_sub_months(Months::new(n.into())),
            Span::Years(n) => end.checked_sub_months(Months::new(u32::from(n) * 12)),
        }
    }
}

/// The whole catalogue: the programme's series, then the paid vaccines, each by code.
pub fn catalogue() -> &'static [CatalogueEntry] {
    &CATALOGUE
}

pub fn entry(code: &str) -> Option<&'static CatalogueEntry> {
    CATALOGUE.iter().find(|e| e.code == code)
}
