//! A visit in full (section IV), in the book and as a document of its own.

use super::PdfError;
use super::format::{date, instant, number};
use super::layout::{Cell, Column, Flow, Style};
use super::parts::{self, ENTRY_INDENT};
use super::words::{encounter_kind, pick};
use super::writer::Metadata;
use chrono::{DateTime, Utc};
use healthbook_domain::Lang;
use healthbook_domain::account::CitizenProfile;
use healthbook_domain::book::encounter::{Diagnosis, Encounter, Prescription, VitalSigns};
use healthbook_domain::book::{BookEntry, EntryBody, EntryStatus};

/// One visit as its own document: the header, then the visit with everything recorded.
/// An entry that is not a visit gives a document saying so rather than an error, since the
/// caller already chose the entry.
pub(super) fn render(
    citizen: &CitizenProfile,
    visit: &BookEntry,
    facility_name: Option<&str>,
    lang: Lang,
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, PdfError> {
    let title = pick(lang, "Phiếu khám bệnh", "Visit record");
    let mut flow = Flow::new()?;
    parts::header(
        &mut flow,
        title,
        pick(
            lang,
            "Trích từ Sổ sức khỏe điện tử",
            "From the electronic health book",
        ),
        citizen,
        lang,
        generated_at,
    );
    match &visit.body {
        EntryBody::Encounter(value) => encounter(&mut flow, visit, value, facility_name, lang),
        _ => flow.paragraph(
            0.0,
            pick(
                lang,
                "Mục này không phải là một lần khám bệnh.",
                "This entry is not a visit.",
            ),
            Style::BODY,
        ),
    }
    let metadata = Metadata {
        title,
        lang,
        generated_at,
    };
    flow.finish(
        &parts::footer(citizen, title),
        parts::page_number(lang),
        &metadata,
    )
}

/// A visit: when and where, its marks, then each part recorded, then who recorded it.
pub(super) fn encounter(
    flow: &mut Flow,
    entry: &BookEntry,
    visit: &Encounter,
    facility_name: Option<&str>,
    lang: Lang,
) {
    let facility = facility_name
        .or(entry.provenance.facility_name.as_deref())
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .unwrap_or(pick(lang, "Cơ sở không rõ", "Facility not recorded"));
    let local_day = date(healthbook_domain::booking::time::local_date(
        visit.started_at,
    ));
    flow.heading(&format!("{local_day} · {facility}"), Style::ENTRY, 40.0);
    parts::marks(flow, ENTRY_INDENT, entry, lang);
    flow.strike(entry.status == EntryStatus::EnteredInError);

    let field = |flow: &mut Flow, label: &str, value: &str| {
        if !value.trim().is_empty() {
            flow.field(ENTRY_INDENT, label, value);
        }
    };
    field(
        flow,
        pick(lang, "Hình thức", "Kind"),
        encounter_kind(visit.kind, lang),
    );
    let time = match visit.ended_at {
        Some(end) => format!("{} – {}", instant(visit.started_at), instant(end)),
        None => instant(visit.started_at),
    };
    field(flow, pick(lang, "Thời gian", "Time"), &time);
    if let Some(name) = &visit.practitioner_name {
        field(flow, pick(lang, "Người khám", "Seen by"), name);
    }
    field(flow, pick(lang, "Lý do khám", "Reason"), &visit.reason);
    field(
        flow,
        pick(lang, "Dấu hiệu sinh tồn", "Vital signs"),
        &vital_signs(&visit.vital_signs, lang),
    );
    if let Some(findings) = &visit.findings {
        field(flow, pick(lang, "Khám thấy", "Findings"), findings);
    }
    field(
        flow,
        pick(lang, "Chẩn đoán", "Diagnoses"),
        &diagnoses(&visit.diagnoses, lang),
    );
    let results: Vec<String> = visit
        .results
        .iter()
        .map(|r| {
            let mut line = format!("{}: {}", r.test, r.value);
            if let Some(unit) = &r.unit {
                line = format!("{line} {unit}");
            }
            if let Some(range) = &r.reference_range {
                line = format!(
                    "{line} ({}: {range})",
                    pick(lang, "tham chiếu", "reference")
                );
            }
            line
        })
        .collect();
    field(
        flow,
        pick(lang, "Kết quả cận lâm sàng", "Test results"),
        &results.join("\n"),
    );
    if let Some(treatment) = &visit.treatment {
        field(flow, pick(lang, "Điều trị", "Treatment"), treatment);
    }
    if !visit.prescriptions.is_empty() {
        flow.field(ENTRY_INDENT, pick(lang, "Đơn thuốc", "Prescription"), "");
        prescriptions(flow, &visit.prescriptions, lang);
    }
    if let Some(advice) = &visit.advice {
        field(flow, pick(lang, "Lời dặn", "Advice"), advice);
    }
    if let Some(day) = visit.follow_up_on {
        field(flow, pick(lang, "Hẹn tái khám", "Follow-up on"), &date(day));
    }
    flow.strike(false);
    flow.paragraph(ENTRY_INDENT, &parts::provenance(entry, lang), Style::SMALL);
    flow.gap(8.0);
}

/// "Mạch 82 lần/phút; Nhiệt độ 38,5 °C; Huyết áp 130/85 mmHg; …"; empty when none was taken.
fn vital_signs(signs: &VitalSigns, lang: Lang) -> String {
    let n = |v: f64| number(v, lang);
    let mut parts = Vec::new();
    if let Some(v) = signs.pulse {
        parts.push(format!(
            "{} {} {}",
            pick(lang, "Mạch", "Pulse"),
            n(v),
            pick(lang, "lần/phút", "/min")
        ));
    }
    if let Some(v) = signs.temperature_c {
        parts.push(format!(
            "{} {} °C",
            pick(lang, "Nhiệt độ", "Temperature"),
            n(v)
        ));
    }
    match (signs.systolic, signs.diastolic) {
        (Some(s), Some(d)) => parts.push(format!(
            "{} {}/{} mmHg",
            pick(lang, "Huyết áp", "Blood pressure"),
            n(s),
            n(d)
        )),
        (Some(s), None) => parts.push(format!(
            "{} {} mmHg",
            pick(lang, "Huyết áp tâm thu", "Systolic pressure"),
            n(s)
        )),
        (None, Some(d)) => parts.push(format!(
            "{} {} mmHg",
            pick(lang, "Huyết áp tâm trương", "Diastolic pressure"),
            n(d)
        )),
        (None, None) => {}
    }
    if let Some(v) = signs.respiratory_rate {
        parts.push(format!(
            "{} {} {}",
            pick(lang, "Nhịp thở", "Respiratory rate"),
            n(v),
            pick(lang, "lần/phút", "/min")
        ));
    }
    if let Some(v) = signs.height_cm {
        parts.push(format!("{} {} cm", pick(lang, "Chiều cao", "Height"), n(v)));
    }
    if let Some(v) = signs.weight_kg {
        parts.push(format!("{} {} kg", pick(lang, "Cân nặng", "Weight"), n(v)));
    }
    if let Some(v) = signs.bmi {
        parts.push(format!("BMI {}", n(v)));
    }
    if let Some(v) = signs.waist_cm {
        parts.push(format!("{} {} cm", pick(lang, "Vòng bụng", "Waist"), n(v)));
    }
    parts.join("; ")
}

/// One line each, the main diagnosis first: "J18.9 Viêm phổi (bệnh chính)".
fn diagnoses(list: &[Diagnosis], lang: Lang) -> String {
    let mut ordered: Vec<&Diagnosis> = list.iter().collect();
    ordered.sort_by_key(|d| !d.primary);
    ordered
        .iter()
        .map(|d| {
            let mut line = d.icd10.clone();
            if let Some(title) = &d.title {
                line = format!("{line} {title}");
            }
            if d.primary {
                line = format!("{line} ({})", pick(lang, "bệnh chính", "main diagnosis"));
            }
            if let Some(note) = &d.note {
                line = format!("{line} — {note}");
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn prescriptions(flow: &mut Flow, list: &[Prescription], lang: Lang) {
    let columns = [
        (pick(lang, "Thuốc", "Medicine"), 0.3),
        (pick(lang, "Cách dùng", "Dosage"), 0.34),
        (pick(lang, "Đường dùng", "Route"), 0.12),
        (pick(lang, "Số ngày", "Days"), 0.08),
        (pick(lang, "Số lượng", "Quantity"), 0.16),
    ]
    .map(|(title, share)| Column {
        title: title.to_owned(),
        share,
    });
    let rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|p| {
            let dosage = match &p.note {
                Some(note) => format!("{}\n{note}", p.dosage),
                None => p.dosage.clone(),
            };
            vec![
                Cell::plain(p.medicine.clone()),
                Cell::plain(dosage),
                Cell::plain(p.route.clone().unwrap_or_default()),
                Cell::plain(p.days.map(|d| d.to_string()).unwrap_or_default()),
                Cell::plain(p.quantity.clone().unwrap_or_default()),
            ]
        })
        .collect();
    flow.table(ENTRY_INDENT, &columns, &rows);
    flow.gap(4.0);
}
