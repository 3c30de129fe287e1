//! A visit's files checked together: one summary (XML1) whose `MA_LK` every row carries, the
//! sending facility's, dates in order, diagnoses that exist on the discharge day, and money
//! totals equal to the sum of the rows, exactly.

use super::amount::Amount;
use super::catalogue::{MAX_TABLE_FIELDS, fields_of, formats_of, position_from};
use super::check::{check_value_as, minute};
use super::envelope::RawVisit;
use super::problem::Problem;
use super::record::Record;
use super::standard::Standard;
use crate::FieldIssue;
use crate::book::icd10;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt;

/// A visit whose every file passed: what the book is fed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub index: usize,
    pub ma_lk: String,
    pub standard: Standard,
    /// The discharge day (the admission day for a visit without one).
    pub discharged_on: NaiveDate,
    /// Records by table number.
    pub tables: BTreeMap<u8, Vec<Record>>,
    /// What was kept although the catalogue does not know it.
    pub warnings: Vec<FieldIssue>,
}

impl Visit {
    /// The summary's record (there is always one).
    pub fn summary(&self) -> &Record {
        static EMPTY: Record = Record::new();
        self.tables
            .get(&1)
            .and_then(|r| r.first())
            .unwrap_or(&EMPTY)
    }
}

/// The summary's fields without which a visit cannot be placed in anyone's book.
const REQUIRED: [&str; 7] = [
    "MA_LK",
    "HO_TEN",
    "NGAY_SINH",
    "GIOI_TINH",
    "MA_CSKCB",
    "NGAY_VAO",
    "MA_LOAI_KCB",
];

/// Fields holding ICD-10 codes (one, or a `;` list).
const DIAGNOSES: [&str; 3] = ["MA_BENH_CHINH", "MA_BENH_KT", "MA_BENH"];

/// The summary's totals that are sums of the same field over the medicines (XML2) and the
/// services (XML3), from QĐ 130's definitions of each.
const SUMS: [(&str, &str); 5] = [
    ("T_TONGCHI_BV", "THANH_TIEN_BV"),
    ("T_TONGCHI_BH", "THANH_TIEN_BH"),
    ("T_BNTT", "T_BNTT"),
    ("T_BNCCT", "T_BNCCT"),
    ("T_NGUONKHAC", "T_NGUONKHAC"),
];

struct Found {
    prefix: String,
    errors: Vec<FieldIssue>,
    warnings: Vec<FieldIssue>,
}

impl Found {
    fn error(&mut self, at: impl fmt::Display, problem: Problem) {
        self.errors
            .push(FieldIssue::of(format!("{}{at}", self.prefix), &problem));
    }

    fn warning(&mut self, at: impl fmt::Display, problem: Problem) {
        self.warnings
            .push(FieldIssue::of(format!("{}{at}", self.prefix), &problem));
    }
}

/// Where a record is in its visit: `XML1` for the summary, `XML2[3]` for a row. Written out
/// only when a problem is found there.
#[derive(Clone, Copy)]
struct Place {
    table: u8,
    /// 1-based; `None` for the summary.
    row: Option<usize>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            None => write!(f, "XML{}", self.table),
            Some(row) => write!(f, "XML{}[{row}]", self.table),
        }
    }
}

/// A field of a record: `XML2[3].DON_GIA`.
struct At<'a>(Place, &'a str);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// Checks one visit of an envelope sent by `facility`; every problem at once.
pub fn check(raw: RawVisit, facility: &str) -> Result<Visit, Vec<FieldIssue>> {
    let mut found = Found {
        prefix: format!("hoso[{}].", raw.index),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut tables: BTreeMap<u8, Vec<Record>> = BTreeMap::new();
    for file in raw.files {
        let label = if file.kind.is_empty() {
            "FILEHOSO"
        } else {
            file.kind.as_str()
        };
        match (file.table, file.records) {
            (Some(table), Ok(records)) if !tables.contains_key(&table) => {
                tables.insert(table, records);
            }
            (Some(table), Ok(_)) => found.error(format!("XML{table}"), Problem::TableRepeated),
            (_, Err(problem)) => found.error(label, problem),
            (None, Ok(_)) => found.error(label, Problem::TableNotAccepted),
        }
    }
    let Some(summary) = tables.get(&1).and_then(|r| r.first()) else {
        found.error("XML1", Problem::SummaryMissing);
        return Err(found.errors);
    };
    let ma_lk = summary.get("MA_LK").unwrap_or_default().to_owned();
    let admitted = summary.get("NGAY_VAO").and_then(minute);
    let discharged = summary.get("NGAY_RA").and_then(minute);
    let day = discharged.or(admitted).map(|t| t.date());
    let standard = day.and_then(Standard::for_discharge);
    if day.is_some() && standard.is_none() {
        found.error("XML1.NGAY_RA", Problem::StandardNotSupported);
    }
    let refuse_unknown = standard.is_none_or(Standard::refuses_unknown_fields);

    for name in REQUIRED {
        if summary.get(name).is_none_or(str::is_empty) {
            found.error(format!("XML1.{name}"), Problem::Required);
        }
    }
    if summary
        .get("MA_CSKCB")
        .is_some_and(|code| !code.is_empty() && code != facility)
    {
        found.error("XML1.MA_CSKCB", Problem::OtherFacility);
    }
    if let (Some(admitted), Some(discharged)) = (admitted, discharged)
        && discharged < admitted
    {
        found.error("XML1.NGAY_RA", Problem::DischargeBeforeAdmission);
    }

    for (table, records) in &tables {
        for (at, record) in records.iter().enumerate() {
            let place = Place {
                table: *table,
                row: (*table != 1).then_some(at + 1),
            };
            check_record(&mut found, place, record, refuse_unknown, &ma_lk, day);
        }
    }
    check_totals(&mut found, summary, &tables);

    match (found.errors.is_empty(), standard, day) {
        (true, Some(standard), Some(day)) => Ok(Visit {
            index: raw.index,
            ma_lk,
            standard,
            discharged_on: day,
            tables,
            warnings: found.warnings,
        }),
        _ => Err(found.errors),
    }
}

fn check_record(
    found: &mut Found,
    place: Place,
    record: &Record,
    refuse_unknown: bool,
    ma_lk: &str,
    day: Option<NaiveDate>,
) {
    let fields = fields_of(place.table);
    let formats = formats_of(place.table);
    // No table has more fields than this (the catalogue's tests say so).
    let mut seen = [false; MAX_TABLE_FIELDS];
    let mut unknown_seen: Vec<&str> = Vec::new();
    let mut next = 0;
    for (name, value) in record.fields() {
        let at = At(place, name);
        let Some(slot) = position_from(place.table, name, next) else {
            if unknown_seen.contains(&name) {
                found.error(at, Problem::RepeatedField);
            } else if refuse_unknown {
                unknown_seen.push(name);
                found.error(at, Problem::UnknownField);
            } else {
                unknown_seen.push(name);
                found.warning(at, Problem::UnknownField);
            }
            continue;
        };
        next = slot + 1;
        if seen
            .get_mut(slot)
            .is_some_and(|seen| std::mem::replace(seen, true))
        {
            found.error(at, Problem::RepeatedField);
            continue;
        }
        if let Err(problem) = check_value_as(&fields[slot], formats[slot], value) {
            found.error(at, problem);
            continue;
        }
        if DIAGNOSES.contains(&name) && !value.is_empty() {
            let known = |code: &str| day.is_some_and(|d| icd10::lookup(code.trim(), d).is_some());
            if !value.split(';').all(known) {
                found.error(at, Problem::UnknownDiagnosis);
            }
        }
    }
    // Check-in rows (XML0) carry MA_LK too; every table's rows belong to the summary's visit.
    match record.get("MA_LK") {
        None | Some("") => found.error(At(place, "MA_LK"), Problem::Required),
        Some(own) if own != ma_lk => found.error(At(place, "MA_LK"), Problem::OtherVisit),
        Some(_) => {}
    }
}

fn check_totals(found: &mut Found, summary: &Record, tables: &BTreeMap<u8, Vec<Record>>) {
    let rows: Vec<&Record> = [2u8, 3]
        .iter()
        .filter_map(|t| tables.get(t))
        .flatten()
        .collect();
    // An empty amount is nothing; an unreadable one was reported with its field.
    let amount = |value: Option<&str>| match value.unwrap_or_default() {
        "" => Some(Amount::default()),
        text => Amount::parse(text),
    };
    let sum = |name: &str| -> Option<Amount> { rows.iter().map(|r| amount(r.get(name))).sum() };
    for (total, row_field) in SUMS {
        if let (Some(stated), Some(computed)) = (amount(summary.get(total)), sum(row_field))
            && stated != computed
        {
            let problem = Problem::TotalMismatch {
                stated: stated.to_string(),
                computed: computed.to_string(),
            };
            found.error(format!("XML1.{total}"), problem);
        }
    }
    let insurer = amount(summary.get("T_TONGCHI_BH"))
        .zip(amount(summary.get("T_BNCCT")))
        .map(|(covered, copay)| covered - copay);
    if let (Some(stated), Some(computed)) = (amount(summary.get("T_BHTT")), insurer)
        && stated != computed
    {
        let problem = Problem::TotalMismatch {
            stated: stated.to_string(),
            computed: computed.to_string(),
        };
        found.error("XML1.T_BHTT", problem);
    }
}
