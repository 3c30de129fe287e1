//! The whole book in the order of QĐ 831/QĐ-BYT: administrative data, history, immunizations,
//! visits, then the citizen's home readings. A section the book does not hold is not printed,
//! not even its title.

use super::PdfError;
use super::format::{address, date, instant, number};
use super::layout::{Cell, Column, Flow, Style};
use super::parts::{self, ENTRY_INDENT, item, mark_lines, marks, provenance, recorded_by};
use super::visit::encounter;
use super::words::{self, pick};
use super::writer::Metadata;
use chrono::{DateTime, Utc};
use healthbook_domain::Lang;
use healthbook_domain::book::administrative::{Administrative, Contact};
use healthbook_domain::book::history::{Reproductive, RiskFactors};
use healthbook_domain::book::{Book, BookEntry, EntryBody, EntryKind, EntryStatus, Section};

pub(super) fn render(
    book: &Book,
    lang: Lang,
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, PdfError> {
    let title = pick(lang, "Sổ sức khỏe điện tử", "Electronic health book");
    let mut flow = Flow::new()?;
    parts::header(
        &mut flow,
        title,
        pick(
            lang,
            "Theo mẫu Quyết định 831/QĐ-BYT",
            "Following the form of Decision 831/QĐ-BYT",
        ),
        &book.citizen,
        lang,
        generated_at,
    );
    for section in Section::ALL {
        if !book.sections.contains(&section) {
            continue;
        }
        let entries: Vec<&BookEntry> = book
            .entries
            .iter()
            .filter(|e| e.body.kind().section() == section)
            .collect();
        flow.heading(section_title(section, lang), Style::SECTION, 30.0);
        flow.gap(2.0);
        if entries.is_empty() {
            flow.paragraph(
                0.0,
                pick(lang, "Chưa có thông tin.", "Nothing recorded."),
                Style::LABEL,
            );
        }
        match section {
            Section::Administrative => administrative_section(&mut flow, &entries, lang),
            Section::History => history_section(&mut flow, &entries, lang),
            Section::Immunizations => immunizations_section(&mut flow, &entries, lang),
            Section::Visits => {
                for entry in &entries {
                    if let EntryBody::Encounter(value) = &entry.body {
                        encounter(&mut flow, entry, value, None, lang);
                    }
                }
            }
            Section::Readings => readings_section(&mut flow, &entries, lang),
        }
        flow.gap(10.0);
    }
    let metadata = Metadata {
        title,
        lang,
        generated_at,
    };
    flow.finish(
        &parts::footer(&book.citizen, title),
        parts::page_number(lang),
        &metadata,
    )
}

fn section_title(section: Section, lang: Lang) -> &'static str {
    match section {
        Section::Administrative => pick(
            lang,
            "I. Thông tin hành chính",
            "I. Administrative information",
        ),
        Section::History => pick(lang, "II. Tiền sử", "II. Medical history"),
        Section::Immunizations => pick(lang, "III. Tiêm chủng", "III. Immunizations"),
        Section::Visits => pick(lang, "IV. Khám bệnh", "IV. Visits"),
        Section::Readings => pick(lang, "Chỉ số tự theo dõi tại nhà", "Home readings"),
    }
}

fn administrative_section(flow: &mut Flow, entries: &[&BookEntry], lang: Lang) {
    for entry in entries {
        if let EntryBody::Administrative(value) = &entry.body {
            marks(flow, 0.0, entry, lang);
            flow.strike(entry.status == EntryStatus::EnteredInError);
            administrative(flow, value, lang);
            flow.strike(false);
            flow.paragraph(0.0, &provenance(entry, lang), Style::SMALL);
            flow.gap(4.0);
        }
    }
}

fn administrative(flow: &mut Flow, a: &Administrative, lang: Lang) {
    let rows: Vec<(&str, Option<String>)> = vec![
        (
            pick(lang, "Nhóm máu", "Blood group"),
            a.blood_group.map(words::blood_group),
        ),
        (pick(lang, "Dân tộc", "Ethnicity"), a.ethnicity.clone()),
        (
            pick(lang, "Quốc tịch", "Nationality"),
            a.nationality
                .as_deref()
                .map(|n| words::nationality(n, lang)),
        ),
        (
            pick(lang, "Nghề nghiệp", "Occupation"),
            a.occupation.clone(),
        ),
        (
            pick(lang, "Trình độ học vấn", "Education"),
            a.education.map(|e| words::education(e, lang).to_owned()),
        ),
        (
            pick(lang, "Số thẻ bảo hiểm y tế", "Health insurance number"),
            a.insurance_number.clone(),
        ),
        (
            pick(lang, "Mã hộ gia đình", "Household code"),
            a.household_code.clone(),
        ),
        (
            pick(lang, "Quan hệ với chủ hộ", "Relation to head of household"),
            a.relation_to_head.clone(),
        ),
        (
            pick(lang, "Địa chỉ thường trú", "Permanent address"),
            a.permanent_address.as_ref().map(|x| address(x, lang)),
        ),
        (
            pick(lang, "Nơi ở hiện tại", "Current address"),
            a.current_address.as_ref().map(|x| address(x, lang)),
        ),
        (pick(lang, "Điện thoại", "Phone"), a.phone.clone()),
        (
            pick(lang, "Liên hệ khẩn cấp", "Emergency contacts"),
            contacts(&a.emergency_contacts, lang),
        ),
        (
            pick(
                lang,
                "Cha mẹ, người đại diện",
                "Parents, legal representative",
            ),
            contacts(&a.parents, lang),
        ),
        (
            pick(lang, "Rà soát lần cuối", "Last reviewed"),
            a.reviewed_on.map(date),
        ),
    ];
    for (label, value) in rows {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            flow.field(0.0, label, &value);
        }
    }
}

fn contacts(list: &[Contact], lang: Lang) -> Option<String> {
    let lines: Vec<String> = list
        .iter()
        .map(|c| {
            let mut line = format!("{} ({})", c.name, words::kinship(c.kinship, lang));
            if let Some(phone) = &c.phone {
                line = format!("{line} — {phone}");
            }
            line
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Section II's parts, in the form's order, each titled only when it holds something.
fn history_section(flow: &mut Flow, entries: &[&BookEntry], lang: Lang) {
    let parts = [
        (
            EntryKind::RiskFactors,
            pick(lang, "Yếu tố nguy cơ", "Risk factors"),
        ),
        (EntryKind::Allergy, pick(lang, "Dị ứng", "Allergies")),
        (
            EntryKind::Disability,
            pick(lang, "Khuyết tật", "Disabilities"),
        ),
        (
            EntryKind::PastDisease,
            pick(lang, "Tiền sử bệnh tật", "Past diseases"),
        ),
        (EntryKind::Surgery, pick(lang, "Phẫu thuật", "Surgeries")),
        (
            EntryKind::FamilyHistory,
            pick(lang, "Tiền sử gia đình", "Family history"),
        ),
        (
            EntryKind::Reproductive,
            pick(lang, "Sức khỏe sinh sản", "Reproductive health"),
        ),
    ];
    for (number, (kind, title)) in parts.into_iter().enumerate() {
        let of_kind: Vec<&&BookEntry> = entries.iter().filter(|e| e.body.kind() == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        flow.heading(&format!("{}. {title}", number + 1), Style::SUBSECTION, 24.0);
        for entry in of_kind {
            history_entry(flow, entry, lang);
        }
        flow.gap(4.0);
    }
}

fn history_entry(flow: &mut Flow, entry: &BookEntry, lang: Lang) {
    let joined = |parts: Vec<String>| parts.join("; ");
    match &entry.body {
        EntryBody::RiskFactors(value) => fielded(flow, entry, lang, |flow| {
            risk_factors(flow, value, lang);
        }),
        EntryBody::Reproductive(value) => fielded(flow, entry, lang, |flow| {
            reproductive(flow, value, lang);
        }),
        EntryBody::Allergy(value) => {
            let mut parts = vec![format!(
                "{}: {}",
                words::allergy_kind(value.kind, lang),
                value.substance
            )];
            if let Some(reaction) = &value.reaction {
                parts.push(format!(
                    "{} {reaction}",
                    pick(lang, "phản ứng:", "reaction:")
                ));
            }
            if let Some(severity) = value.severity {
                parts.push(format!(
                    "{} {}",
                    pick(lang, "mức độ:", "severity:"),
                    words::severity(severity, lang)
                ));
            }
            item(flow, &joined(parts), entry, lang);
        }
        EntryBody::Disability(value) => {
            let mut parts = vec![words::disability_kind(value.kind, lang).to_owned()];
            parts.extend(value.detail.clone());
            item(flow, &joined(parts), entry, lang);
        }
        EntryBody::PastDisease(value) => {
            let mut head = words::disease(value.disease, lang).to_owned();
            if let Some(code) = &value.icd10 {
                head = format!("{head} ({code})");
            }
            let mut parts = vec![head];
            if let Some(year) = value.since_year {
                parts.push(format!("{} {year}", pick(lang, "từ năm", "since")));
            }
            parts.extend(value.note.clone());
            item(flow, &joined(parts), entry, lang);
        }
        EntryBody::Surgery(value) => {
            let mut parts = vec![value.procedure.clone()];
            if let Some(year) = value.year {
                parts.push(format!("{} {year}", pick(lang, "năm", "in")));
            }
            parts.extend(value.facility.clone());
            parts.extend(value.note.clone());
            item(flow, &joined(parts), entry, lang);
        }
        EntryBody::FamilyHistory(value) => {
            let mut head = format!(
                "{}: {}",
                words::relative(value.relative, lang),
                words::disease(value.disease, lang)
            );
            if let Some(code) = &value.icd10 {
                head = format!("{head} ({code})");
            }
            let mut parts = vec![head];
            parts.extend(value.note.clone());
            item(flow, &joined(parts), entry, lang);
        }
        EntryBody::Administrative { .. }
        | EntryBody::Immunization { .. }
        | EntryBody::Encounter { .. }
        | EntryBody::Observation { .. } => {}
    }
}

/// An entry shown as label–value rows (risk factors, reproductive health).
fn fielded(flow: &mut Flow, entry: &BookEntry, lang: Lang, rows: impl FnOnce(&mut Flow)) {
    marks(flow, ENTRY_INDENT, entry, lang);
    flow.strike(entry.status == EntryStatus::EnteredInError);
    rows(flow);
    flow.strike(false);
    flow.paragraph(ENTRY_INDENT, &provenance(entry, lang), Style::SMALL);
    flow.gap(3.0);
}

fn risk_factors(flow: &mut Flow, value: &RiskFactors, lang: Lang) {
    let uses = [
        (pick(lang, "Hút thuốc lá", "Smoking"), value.smoking),
        (pick(lang, "Rượu, bia", "Alcohol"), value.alcohol),
        (pick(lang, "Chất gây nghiện", "Drugs"), value.drugs),
    ];
    for (label, status) in uses {
        if let Some(status) = status {
            flow.field(ENTRY_INDENT, label, words::use_status(status, lang));
        }
    }
    if let Some(level) = value.physical_activity {
        flow.field(
            ENTRY_INDENT,
            pick(lang, "Hoạt động thể lực", "Physical activity"),
            words::activity(level, lang),
        );
    }
    if let Some(birth) = &value.condition_at_birth {
        let mut parts = Vec::new();
        parts.extend(birth.delivery.map(|d| words::delivery(d, lang).to_owned()));
        parts.extend(birth.weight_grams.map(|g| format!("{g} g")));
        parts.extend(birth.length_cm.map(|cm| format!("{cm} cm")));
        parts.extend(
            birth
                .gestational_weeks
                .map(|w| format!("{w} {}", pick(lang, "tuần thai", "weeks of gestation"))),
        );
        parts.extend(birth.asphyxia.map(|asphyxia| {
            let yes_no = if asphyxia {
                pick(lang, "có", "yes")
            } else {
                pick(lang, "không", "no")
            };
            format!("{} {yes_no}", pick(lang, "ngạt khi sinh:", "asphyxia:"))
        }));
        parts.extend(
            birth
                .birth_defects
                .as_ref()
                .map(|d| format!("{} {d}", pick(lang, "dị tật bẩm sinh:", "birth defects:"))),
        );
        flow.field(
            ENTRY_INDENT,
            pick(lang, "Tình trạng khi sinh", "Condition at birth"),
            &parts.join("; "),
        );
    }
}

fn reproductive(flow: &mut Flow, value: &Reproductive, lang: Lang) {
    if let Some(method) = value.contraception {
        flow.field(
            ENTRY_INDENT,
            pick(lang, "Biện pháp tránh thai", "Contraception"),
            words::contraception(method, lang),
        );
    }
    let counts = [
        (
            pick(lang, "Số lần có thai", "Pregnancies"),
            value.pregnancies,
        ),
        (pick(lang, "Số lần sinh", "Births"), value.births),
        (
            pick(lang, "Số lần sẩy thai", "Miscarriages"),
            value.miscarriages,
        ),
    ];
    for (label, count) in counts {
        if let Some(count) = count {
            flow.field(ENTRY_INDENT, label, &count.to_string());
        }
    }
    if let Some(note) = &value.note {
        flow.field(ENTRY_INDENT, pick(lang, "Ghi chú", "Note"), note);
    }
}

/// The last column of the tables: the entry's marks, then who recorded it.
fn recorded_cell(entry: &BookEntry, lang: Lang) -> Cell {
    let mut parts: Vec<(String, Style)> = mark_lines(entry, lang)
        .into_iter()
        .map(|(text, style)| (text, style.sized(Style::TABLE.size)))
        .collect();
    parts.push((recorded_by(entry, lang), Style::SMALL));
    Cell {
        parts,
        struck: false,
    }
}

fn immunizations_section(flow: &mut Flow, entries: &[&BookEntry], lang: Lang) {
    let columns = [
        (pick(lang, "Ngày tiêm", "Date"), 0.12),
        (pick(lang, "Vắc xin", "Vaccine"), 0.24),
        (pick(lang, "Mũi", "Dose"), 0.06),
        (pick(lang, "Số lô", "Lot"), 0.1),
        (pick(lang, "Ghi chú", "Notes"), 0.18),
        (pick(lang, "Ghi nhận", "Recorded"), 0.3),
    ]
    .map(|(title, share)| Column {
        title: title.to_owned(),
        share,
    });
    let mut rows = Vec::new();
    for entry in entries {
        let EntryBody::Immunization(value) = &entry.body else {
            continue;
        };
        let struck = entry.status == EntryStatus::EnteredInError;
        let mut vaccine = value.product.clone();
        if !value.antigens.is_empty() {
            vaccine = format!("{vaccine}\n({})", value.antigens.join(", "));
        }
        let notes: Vec<String> = [&value.site, &value.route, &value.note]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let mut row: Vec<Cell> = [
            date(value.administered_on),
            vaccine,
            value.dose_number.to_string(),
            value.lot.clone().unwrap_or_default(),
            notes.join("; "),
        ]
        .into_iter()
        .map(|text| Cell {
            struck,
            ..Cell::plain(text)
        })
        .collect();
        row.push(recorded_cell(entry, lang));
        rows.push(row);
    }
    if !rows.is_empty() {
        flow.table(0.0, &columns, &rows);
    }
}

fn readings_section(flow: &mut Flow, entries: &[&BookEntry], lang: Lang) {
    let columns = [
        (pick(lang, "Thời điểm đo", "Taken at"), 0.16),
        (pick(lang, "Chỉ số", "Reading"), 0.22),
        (pick(lang, "Kết quả", "Value"), 0.16),
        (pick(lang, "Ghi chú", "Note"), 0.16),
        (pick(lang, "Ghi nhận", "Recorded"), 0.3),
    ]
    .map(|(title, share)| Column {
        title: title.to_owned(),
        share,
    });
    let mut rows = Vec::new();
    for entry in entries {
        let EntryBody::Observation(value) = &entry.body else {
            continue;
        };
        let struck = entry.status == EntryStatus::EnteredInError;
        let amount = match value.second_value {
            Some(second) => format!("{}/{}", number(value.value, lang), number(second, lang)),
            None => number(value.value, lang),
        };
        let mut row: Vec<Cell> = [
            instant(value.taken_at),
            words::observation_kind(value.kind, lang).to_owned(),
            format!("{amount} {}", words::unit(&value.unit, lang)),
            value.note.clone().unwrap_or_default(),
        ]
        .into_iter()
        .map(|text| Cell {
            struck,
            ..Cell::plain(text)
        })
        .collect();
        row.push(recorded_cell(entry, lang));
        rows.push(row);
    }
    if !rows.is_empty() {
        flow.table(0.0, &columns, &rows);
    }
}
