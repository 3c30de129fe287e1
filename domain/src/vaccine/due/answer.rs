//! The due list's answer for one antigen.

use super::Antigen;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a person stands for one antigen on the day asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Standing {
    /// Every dose the schedule asks for is given.
    Complete,
    /// The next dose may be given; it is recommended from `from` (which may still be ahead:
    /// a dose may be given from its earliest day, before its recommended age).
    Due { from: NaiveDate },
    /// The next dose is late (see `super::OVERDUE_GRACE`).
    Overdue { since: NaiveDate },
    /// The next dose may not be given before `earliest`.
    TooEarly { earliest: NaiveDate },
    /// The person's province does not offer this antigen yet (the roll-out roadmap).
    NotApplicable,
    /// A serious reaction to `vaccine` was recorded: no further dose is proposed.
    Contraindicated { vaccine: String },
    /// The next dose can no longer be given: from `limit` on the person is past the age the
    /// course's label or the series' limit allows (rotavirus). Not `NotApplicable`: the
    /// antigen applied and was missed. Unless the limit is graded high (`may_refuse`), a dose
    /// given anyway is only warned about.
    TooLate { limit: NaiveDate },
}

/// The due list's line for one antigen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AntigenDue {
    pub antigen: Antigen,
    pub standing: Standing,
    /// Verified doses of the antigen, one a day.
    pub doses_counted: u32,
    /// Doses the schedule asks for.
    pub doses_needed: u32,
    /// The number of the next dose of the antigen (from 1), unless complete.
    pub next_dose: Option<u32>,
    /// The schedule row the next dose answers (`penta_2`).
    pub next_row: Option<String>,
    /// The first day the next dose may be given.
    pub earliest: Option<NaiveDate>,
    /// The day the schedule recommends it.
    pub recommended: Option<NaiveDate>,
    /// Whether the values behind `TooEarly` or `TooLate` are sure enough to refuse the dose;
    /// otherwise the standing only warns (`Confidence::may_refuse`).
    pub may_refuse: bool,
    /// The paid product whose label's course the antigen follows (`Rotarix`), when every dose
    /// of it was that product; otherwise the antigen follows the schedule's rows.
    pub course: Option<String>,
    pub warnings: Vec<DueWarning>,
}

/// Something to tell the person or the health worker that does not change the standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DueWarning {
    /// The product's label has its course finished before `limit` (Rotarix by 24 weeks), and
    /// the remaining doses, at their shortest intervals, cannot all be given before it. No
    /// label value is graded high in the data, so this warns and refuses nothing.
    PastLabelAge { product: String, limit: NaiveDate },
    /// The dose `row` is to be given by `deadline`, a span before the expected delivery
    /// (TT 52/2025, `tt_preg_2`: at least a month before), and its interval after the previous
    /// dose ends later: it is still proposed (it protects the mother), but it will not
    /// protect the newborn as the schedule intends.
    TooCloseToDelivery { row: String, deadline: NaiveDate },
    /// The dose given `on` came before `earliest`, the first day its row (`row`, or where the
    /// antigen follows a product's course and the dose is beyond the rows, none) allowed by
    /// its minimum age or interval. It still counts: a recorded dose is never taken back.
    GivenTooEarly {
        row: Option<String>,
        on: NaiveDate,
        earliest: NaiveDate,
    },
}
