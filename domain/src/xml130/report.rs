//! An envelope read through once, every visit checked, nothing kept but each visit's outcome:
//! what a receipt lists, and what decides whether anything is imported at all.

use super::envelope::{EnvelopeError, EnvelopeReader, Header};
use super::problem::Problem;
use super::visit::check;
use super::walk::Limits;
use crate::FieldIssue;
use std::collections::HashSet;
use std::io::BufRead;

/// One visit's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitOutcome {
    pub index: usize,
    /// As written in XML1 (empty when the visit had none).
    pub ma_lk: String,
    /// Empty when the visit passed.
    pub problems: Vec<FieldIssue>,
    pub warnings: Vec<FieldIssue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub header: Header,
    pub visits: Vec<VisitOutcome>,
    pub signed: bool,
}

impl Report {
    /// Whether every visit passed: only then is any of them imported.
    pub fn accepted(&self) -> bool {
        !self.visits.is_empty() && self.visits.iter().all(|v| v.problems.is_empty())
    }
}

/// Reads the whole envelope sent by `facility` (the credential's), checking each visit and
/// that no `MA_LK` comes twice.
pub fn validate<R: BufRead>(
    input: R,
    facility: &str,
    limits: Limits,
) -> Result<Report, EnvelopeError> {
    let mut reader = EnvelopeReader::open(input, limits)?;
    let mut visits = Vec::new();
    let mut seen = HashSet::new();
    while let Some(raw) = reader.next_visit()? {
        // The facility comes before the first visit: a file for another facility is
        // refused whole, before any of its visits is looked at.
        if reader.header().facility != facility {
            return Err(EnvelopeError::OtherFacility);
        }
        let index = raw.index;
        let outcome = match check(raw, facility) {
            Ok(visit) => VisitOutcome {
                index,
                ma_lk: visit.ma_lk.clone(),
                problems: Vec::new(),
                warnings: visit.warnings,
            },
            Err(problems) => VisitOutcome {
                index,
                ma_lk: String::new(),
                problems,
                warnings: Vec::new(),
            },
        };
        visits.push(outcome);
    }
    for visit in &mut visits {
        if !visit.ma_lk.is_empty() && !seen.insert(visit.ma_lk.clone()) {
            visit.problems.push(FieldIssue::of(
                format!("hoso[{}].XML1.MA_LK", visit.index),
                &Problem::RepeatedVisit,
            ));
        }
    }
    if reader.header().facility != facility {
        return Err(EnvelopeError::OtherFacility);
    }
    Ok(Report {
        header: reader.header().clone(),
        visits,
        signed: reader.signed(),
    })
}
