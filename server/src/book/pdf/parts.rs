//! What every document and every entry carries: the header naming the citizen, an entry's
//! status and whose word it is, and where it came from.

use super::format::{date, instant};
use super::layout::{Flow, Style};
use super::words::{author_role, pick, sex, unusual_source};
use chrono::{DateTime, Utc};
use healthbook_domain::Lang;
use healthbook_domain::account::CitizenProfile;
use healthbook_domain::book::{BookEntry, EntryStatus};

/// Indent of the lines that belong to an entry, under its first line.
pub(super) const ENTRY_INDENT: f32 = 12.0;

/// The document's title, the citizen, and when it was made.
pub(super) fn header(
    flow: &mut Flow,
    title: &str,
    subtitle: &str,
    citizen: &CitizenProfile,
    lang: Lang,
    generated_at: DateTime<Utc>,
) {
    flow.paragraph(0.0, title, Style::TITLE);
    flow.paragraph(0.0, subtitle, Style::LABEL);
    flow.gap(6.0);
    flow.field(
        0.0,
        pick(lang, "Họ và tên", "Full name"),
        &citizen.full_name,
    );
    flow.field(
        0.0,
        pick(lang, "Ngày sinh", "Date of birth"),
        &date(citizen.date_of_birth),
    );
    flow.field(0.0, pick(lang, "Giới tính", "Sex"), sex(citizen.sex, lang));
    flow.field(
        0.0,
        pick(lang, "Số định danh cá nhân", "Personal ID number"),
        &citizen.national_id_masked,
    );
    flow.field(
        0.0,
        pick(lang, "Ngày tạo tài liệu", "Generated on"),
        &instant(generated_at),
    );
    flow.rule();
}

/// The footer's left part: whose record each printed page belongs to.
pub(super) fn footer(citizen: &CitizenProfile, title: &str) -> String {
    format!(
        "{} · {} · {}",
        title,
        citizen.full_name,
        date(citizen.date_of_birth)
    )
}

pub(super) fn page_number(lang: Lang) -> impl Fn(usize, usize) -> String {
    move |page, count| match lang {
        Lang::Vi => format!("Trang {page}/{count}"),
        Lang::En => format!("Page {page}/{count}"),
    }
}

/// "Entered in error", "Corrected", "Self-reported": said in words next to the entry, so the
/// marks survive printing in black and white.
pub(super) fn marks(flow: &mut Flow, indent: f32, entry: &BookEntry, lang: Lang) {
    for (text, style) in mark_lines(entry, lang) {
        flow.paragraph(indent, &text, style);
    }
}

pub(super) fn mark_lines(entry: &BookEntry, lang: Lang) -> Vec<(String, Style)> {
    let mut lines = Vec::new();
    let reason = entry
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let with_reason = |mark: String| match reason {
        Some(reason) => format!("{mark} — {}: {reason}", pick(lang, "lý do", "reason")),
        None => mark,
    };
    match entry.status {
        EntryStatus::Recorded => {}
        EntryStatus::Corrected => lines.push((
            with_reason(match lang {
                Lang::Vi => format!("Đã sửa (phiên bản {})", entry.version),
                Lang::En => format!("Corrected (version {})", entry.version),
            }),
            Style::NOTICE,
        )),
        EntryStatus::EnteredInError => lines.push((
            with_reason(
                pick(
                    lang,
                    "Nhập nhầm — không còn giá trị",
                    "Entered in error — not valid",
                )
                .to_owned(),
            ),
            Style::WARNING,
        )),
    }
    if entry.provenance.self_reported {
        lines.push((
            pick(lang, "Tự khai báo", "Self-reported").to_owned(),
            Style::NOTICE,
        ));
    }
    lines
}

/// "Ghi nhận: Trần Văn Bình (bác sĩ) · Trạm y tế … · 23/11/2026 08:15".
pub(super) fn provenance(entry: &BookEntry, lang: Lang) -> String {
    format!(
        "{}: {}",
        pick(lang, "Ghi nhận", "Recorded by"),
        recorded_by(entry, lang)
    )
}

/// The provenance without its label, for a column that already says what it holds.
pub(super) fn recorded_by(entry: &BookEntry, lang: Lang) -> String {
    let p = &entry.provenance;
    let role = author_role(p.author_role, lang);
    let mut parts = vec![match p.author_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => format!("{name} ({role})"),
        _ => role.to_owned(),
    }];
    if let Some(facility) = p.facility_name.as_deref().map(str::trim)
        && !facility.is_empty()
    {
        parts.push(facility.to_owned());
    }
    parts.push(instant(p.recorded_at));
    if let Some(source) = unusual_source(p.source, lang) {
        parts.push(source.to_owned());
    }
    parts.join(" · ")
}

/// One item of a list (an allergy, a surgery…): its text, its marks, its provenance;
/// struck through when entered in error.
pub(super) fn item(flow: &mut Flow, text: &str, entry: &BookEntry, lang: Lang) {
    flow.strike(entry.status == EntryStatus::EnteredInError);
    flow.paragraph(0.0, &format!("• {text}"), Style::BODY);
    flow.strike(false);
    marks(flow, ENTRY_INDENT, entry, lang);
    flow.paragraph(ENTRY_INDENT, &provenance(entry, lang), Style::SMALL);
    flow.gap(3.0);
}
