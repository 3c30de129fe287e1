//! Readings as a chart draws them: one series per kind, oldest first.

use crate::Timestamp;
use crate::queue::OfflineAction;
use healthbook_domain::book::check::units_for;
use healthbook_domain::book::{BookEntry, EntryBody, EntryStatus, Observation, ObservationKind};
use uuid::Uuid;

/// One point of a chart: a reading's time and values (`second_value` is the diastolic of a
/// blood pressure), in its unit.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChartPoint {
    pub taken_at: Timestamp,
    pub value: f64,
    pub second_value: Option<f64>,
    pub unit: String,
    /// Taken on this phone and still waiting to be sent.
    pub pending: bool,
}

fn point(reading: &Observation, pending: bool) -> ChartPoint {
    ChartPoint {
        taken_at: reading.taken_at,
        value: reading.value,
        second_value: reading.second_value,
        unit: reading.unit.clone(),
        pending,
    }
}

/// The readings of `kind` among `entries`, oldest first; a reading marked entered in error is
/// not a fact and is left out.
#[uniffi::export]
pub fn reading_series(entries: Vec<BookEntry>, kind: ObservationKind) -> Vec<ChartPoint> {
    series(&entries, &[], kind)
}

/// The units a reading of `kind` may be recorded in, the first the usual one (`mm[Hg]`,
/// `mmol/L`…): the reading form offers these and no others.
#[uniffi::export]
pub fn reading_units(kind: ObservationKind) -> Vec<String> {
    units_for(kind).into_iter().map(str::to_owned).collect()
}

/// The series of `kind` from recorded entries and from readings still queued.
pub(crate) fn series(
    entries: &[BookEntry],
    queued: &[Observation],
    kind: ObservationKind,
) -> Vec<ChartPoint> {
    let recorded = entries.iter().filter_map(|entry| match &entry.body {
        EntryBody::Observation(reading)
            if reading.kind == kind && entry.status != EntryStatus::EnteredInError =>
        {
            Some(point(reading, false))
        }
        _ => None,
    });
    let waiting = queued
        .iter()
        .filter(|reading| reading.kind == kind)
        .map(|reading| point(reading, true));
    let mut points: Vec<ChartPoint> = recorded.chain(waiting).collect();
    points.sort_by_key(|p| p.taken_at);
    points
}

/// The readings queued for `citizen_id`.
pub(crate) fn queued_readings<'a>(
    actions: impl IntoIterator<Item = &'a OfflineAction>,
    citizen_id: Uuid,
) -> Vec<Observation> {
    actions
        .into_iter()
        .filter_map(|action| match action {
            OfflineAction::AddReading {
                citizen_id: about,
                reading,
            } if *about == citizen_id => Some(reading.clone()),
            _ => None,
        })
        .collect()
}
