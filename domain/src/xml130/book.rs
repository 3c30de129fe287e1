//! What a checked visit puts in a citizen's book: one encounter (facility, times, kind,
//! diagnoses, results, medicines, treatment, outcome, follow-up), and who it is about.
//!
//! The book's limits hold (a short text is one line of at most 200 characters, a visit lists
//! at most 50 results and 50 medicines): longer values are cut with an ellipsis and the rest
//! is counted in the findings. The visit's files are kept whole beside the entry, so nothing
//! is lost, only not shown in the book.

use super::check::{day, minute};
use super::envelope::Record;
use super::loinc;
use super::visit::Visit;
use crate::book::check::{LONG_TEXT, MAX_ITEMS, SHORT_TEXT};
use crate::book::encounter::{Diagnosis, Encounter, EncounterKind, Prescription, TestResult};
use crate::book::section::Category;
use crate::booking::time::to_utc;
use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

/// Who a visit is about, as the facility wrote it: the book is found by the identification
/// number, else by the insurance card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    /// `SO_CCCD`: 12 digits when it is a citizen's identification number.
    pub national_id: Option<String>,
    /// `MA_THE_BHYT`: the first card when several are listed.
    pub insurance_number: Option<String>,
    pub full_name: String,
    /// `NGAY_SINH` as written (`yyyyMMddHHmm`, day and time possibly `0000`).
    pub birth: String,
}

impl Patient {
    /// Whether someone born on `day` can be this patient: the same year, and the same day
    /// and month where the facility knew them. A number typed wrong by one digit is another
    /// person's number; their birth is what tells.
    pub fn may_be_born_on(&self, day: chrono::NaiveDate) -> bool {
        use chrono::Datelike;
        let (Some(year), Some(month_day)) = (self.birth.get(..4), self.birth.get(4..8)) else {
            return false;
        };
        let same_year = year.parse::<i32>().is_ok_and(|y| y == day.year());
        let same_day = month_day == "0000" || month_day == day.format("%m%d").to_string();
        same_year && same_day
    }
}

pub fn patient(visit: &Visit) -> Patient {
    let summary = visit.summary();
    let text = |name: &str| {
        summary
            .get(name)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Patient {
        national_id: text("SO_CCCD")
            .filter(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())),
        insurance_number: text("MA_THE_BHYT")
            .and_then(|cards| cards.split(';').next().map(|c| c.trim().to_owned()))
            .filter(|c| !c.is_empty()),
        full_name: text("HO_TEN").unwrap_or_default(),
        birth: text("NGAY_SINH").unwrap_or_default(),
    }
}

/// A minute written by the facility, on Việt Nam's clock.
pub(super) fn instant(value: Option<&str>) -> Option<DateTime<Utc>> {
    value
        .and_then(minute)
        .map(|t: NaiveDateTime| to_utc(t.date(), t.time()))
}

/// `MA_LOAI_KCB` as the book's kinds: admissions (inpatient, day care, a stay at the station,
/// under four hours) are inpatient; a remote consultation and a home visit are theirs;
/// everything else is outpatient.
fn kind(code: &str) -> EncounterKind {
    match code {
        "03" | "04" | "06" | "09" => EncounterKind::Inpatient,
        "12" => EncounterKind::HomeVisit,
        "14" => EncounterKind::Teleconsultation,
        _ => EncounterKind::Outpatient,
    }
}

fn cut(value: &str, limit: usize, one_line: bool) -> String {
    let value = if one_line {
        value.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        value.trim().to_owned()
    };
    if value.chars().count() <= limit {
        return value;
    }
    let mut kept: String = value.chars().take(limit - 1).collect();
    kept.push('…');
    kept
}

pub(super) fn short(value: &str) -> String {
    cut(value, SHORT_TEXT, true)
}

pub(super) fn long(value: &str) -> String {
    cut(value, LONG_TEXT, false)
}

pub(super) fn some(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The encounter of a visit sent by the facility `facility_id`.
pub fn encounter(visit: &Visit, facility_id: Uuid) -> Encounter {
    let summary = visit.summary();
    let rows = |table: u8| visit.tables.get(&table).map(Vec::as_slice).unwrap_or(&[]);
    let started_at = instant(summary.get("NGAY_VAO")).unwrap_or_default();
    let mut left_out = Vec::new();

    let other_specimen = services_of_other_specimens(rows(3));
    let results = list(
        rows(4),
        &mut left_out,
        "kết quả cận lâm sàng",
        |row| result(row, &other_specimen),
    );
    let prescriptions = list(rows(2), &mut left_out, "thuốc", prescription);
    let mut findings: Vec<String> = Vec::new();
    if let Some(discharge) = some(summary.get("CHAN_DOAN_RV")) {
        findings.push(discharge.to_owned());
    }
    findings.extend(
        rows(5)
            .iter()
            .filter_map(|r| some(r.get("DIEN_BIEN_LS")).map(str::to_owned)),
    );
    // The summary of the medical record (XML8): the course and the results, in words.
    for row in rows(8) {
        findings.extend(
            ["QT_BENHLY", "TOMTAT_KQ"]
                .iter()
                .filter_map(|f| some(row.get(f)).map(str::to_owned)),
        );
    }
    findings.extend(left_out);
    // The discharge paper (XML7): what the summary may lack, the doctor who signed it, and
    // the sick leave or outpatient treatment it prescribes.
    let discharge = rows(7).first();
    let from_discharge = |field: &str| discharge.and_then(|r| some(r.get(field)));
    if some(summary.get("CHAN_DOAN_RV")).is_none()
        && let Some(diagnosis) = from_discharge("CHAN_DOAN_RV")
    {
        findings.insert(0, diagnosis.to_owned());
    }
    let mut treatment: Vec<String> = some(summary.get("PP_DIEU_TRI"))
        .or(from_discharge("PP_DIEUTRI"))
        .map(str::to_owned)
        .into_iter()
        .collect();
    treatment.extend(services(rows(3)));
    let mut advice: Vec<String> = some(summary.get("GHI_CHU"))
        .map(str::to_owned)
        .into_iter()
        .collect();
    advice.extend(from_discharge("GHI_CHU").map(str::to_owned));
    if let Some(days) = from_discharge("SO_NGAY_NGHI").filter(|d| *d != "0") {
        advice.push(format!("Nghỉ việc hưởng BHXH {days} ngày."));
    }
    if let (Some(from), Some(to)) = (
        from_discharge("NGOAITRU_TUNGAY").and_then(day),
        from_discharge("NGOAITRU_DENNGAY").and_then(day),
    ) {
        advice.push(format!(
            "Điều trị ngoại trú từ {} đến {}.",
            from.format("%d/%m/%Y"),
            to.format("%d/%m/%Y")
        ));
    }
    // A referral (XML13) tells the citizen where to go next and why.
    for row in rows(13) {
        let to = some(row.get("MA_NOI_DEN")).map(|code| format!("Chuyển tuyến đến cơ sở {code}."));
        advice.extend(to);
        advice.extend(some(row.get("HUONG_DIEU_TRI")).map(str::to_owned));
    }

    let reason = some(summary.get("LY_DO_VV"))
        .or(some(summary.get("CHAN_DOAN_VAO")))
        .unwrap_or("Khám bệnh");
    let follow_up = some(summary.get("NGAY_TAI_KHAM"))
        .and_then(day)
        .or_else(|| {
            rows(14)
                .first()
                .and_then(|r| r.get("NGAY_HEN_KL"))
                .and_then(minute)
                .map(|t| t.date())
        });
    Encounter {
        kind: kind(summary.get("MA_LOAI_KCB").unwrap_or_default()),
        facility_id: Some(facility_id),
        practitioner_name: from_discharge("TEN_BS").map(short),
        started_at,
        ended_at: instant(summary.get("NGAY_RA")).filter(|end| *end >= started_at),
        reason: short(reason),
        vital_signs: crate::book::encounter::VitalSigns {
            weight_kg: some(summary.get("CAN_NANG"))
                .and_then(|w| w.parse().ok())
                .filter(|w: &f64| *w > 0.0),
            ..Default::default()
        },
        findings: (!findings.is_empty()).then(|| long(&findings.join("\n"))),
        diagnoses: diagnoses(summary),
        results,
        treatment: (!treatment.is_empty()).then(|| long(&treatment.join("\n"))),
        prescriptions,
        advice: (!advice.is_empty()).then(|| long(&advice.join("\n"))),
        follow_up_on: follow_up.filter(|d| *d >= crate::booking::time::local_date(started_at)),
        appointment_id: None,
        category: category(visit),
    }
}

/// The services and procedures performed (XML3 rows with a service code; the others are
/// supplies), each with its ICD-9-CM procedure code when it has one, as one line.
fn services(rows: &[Record]) -> Option<String> {
    let done: Vec<String> = rows
        .iter()
        .filter(|row| some(row.get("MA_DICH_VU")).is_some())
        .filter_map(|row| {
            let name = some(row.get("TEN_DICH_VU"))?;
            Some(match some(row.get("MA_PTTT_QT")) {
                Some(code) => format!("{name} ({code})"),
                None => name.to_owned(),
            })
        })
        .collect();
    if done.is_empty() {
        return None;
    }
    let shown = done.len().min(MAX_ITEMS);
    let mut line = format!("Dịch vụ đã thực hiện: {}", done[..shown].join("; "));
    if done.len() > shown {
        line.push_str(&format!("; và {} dịch vụ khác", done.len() - shown));
    }
    Some(line)
}

/// The first [`MAX_ITEMS`] rows as the book's items; the count of the rest, for the findings.
fn list<T>(
    rows: &[Record],
    left_out: &mut Vec<String>,
    what: &str,
    item: impl Fn(&Record) -> Option<T>,
) -> Vec<T> {
    let items: Vec<T> = rows.iter().filter_map(item).collect();
    if items.len() > MAX_ITEMS {
        left_out.push(format!(
            "Và {} {what} khác trong hồ sơ của cơ sở.",
            items.len() - MAX_ITEMS
        ));
    }
    items.into_iter().take(MAX_ITEMS).collect()
}

/// The services (XML3 `MA_DICH_VU`) whose name says they test urine or another body fluid.
fn services_of_other_specimens(services: &[Record]) -> Vec<&str> {
    services
        .iter()
        .filter(|s| some(s.get("TEN_DICH_VU")).is_some_and(loinc::names_other_specimen))
        .filter_map(|s| some(s.get("MA_DICH_VU")))
        .collect()
}

/// A result, with its LOINC code when its name and unit are in the table and its service is
/// not known to test another specimen than blood.
fn result(row: &Record, other_specimen: &[&str]) -> Option<TestResult> {
    let test = some(row.get("TEN_CHI_SO")).or(some(row.get("MA_CHI_SO")))?;
    let value = some(row.get("GIA_TRI")).or(some(row.get("KET_LUAN")))?;
    let unit = some(row.get("DON_VI_DO"));
    let blood = some(row.get("MA_DICH_VU")).is_none_or(|s| !other_specimen.contains(&s));
    let loinc = some(row.get("TEN_CHI_SO"))
        .filter(|_| blood)
        .and_then(|name| loinc::code_for(name, unit))
        .map(|l| l.code.to_owned());
    Some(TestResult {
        test: short(test),
        value: short(value),
        unit: unit.map(short),
        reference_range: None,
        loinc,
    })
}

fn prescription(row: &Record) -> Option<Prescription> {
    let name = some(row.get("TEN_THUOC"))?;
    let medicine = match some(row.get("HAM_LUONG")) {
        Some(strength) => format!("{name} {strength}"),
        None => name.to_owned(),
    };
    let quantity = some(row.get("SO_LUONG")).map(|n| match some(row.get("DON_VI_TINH")) {
        Some(unit) => format!("{n} {unit}"),
        None => n.to_owned(),
    });
    Some(Prescription {
        medicine: short(&medicine),
        dosage: short(some(row.get("LIEU_DUNG")).unwrap_or("Theo chỉ định")),
        route: some(row.get("DUONG_DUNG")).map(short),
        days: None,
        quantity: quantity.map(|q| short(&q)),
        note: some(row.get("CACH_DUNG")).map(long),
    })
}

fn diagnoses(summary: &Record) -> Vec<Diagnosis> {
    let main = some(summary.get("MA_BENH_CHINH")).map(|code| (code, true));
    let others = some(summary.get("MA_BENH_KT"))
        .into_iter()
        .flat_map(|codes| codes.split(';'))
        .filter_map(|code| some(Some(code)))
        .map(|code| (code, false));
    let mut seen = Vec::new();
    main.into_iter()
        .chain(others)
        .filter(|(code, _)| {
            let fresh = !seen.contains(code);
            seen.push(*code);
            fresh
        })
        .take(MAX_ITEMS)
        .map(|(code, primary)| Diagnosis {
            icd10: code.to_owned(),
            title: None,
            primary,
            note: None,
        })
        .collect()
}

/// HIV care (XML6) and tuberculosis treatment (XML15) mark the whole visit, whatever its
/// diagnoses say: the book shows it to no one but the citizen without a consent naming them.
fn category(visit: &Visit) -> Option<Category> {
    if visit.tables.contains_key(&6) {
        Some(Category::Hiv)
    } else if visit.tables.contains_key(&15) {
        Some(Category::Tuberculosis)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml130::{EnvelopeReader, Limits, check};

    const SAMPLE: &str = include_str!("../../data/xml130/sample-giamdinhhs-synthetic.xml");

    fn sample() -> Visit {
        let mut reader = EnvelopeReader::open(SAMPLE.as_bytes(), Limits::default()).unwrap();
        check(reader.next_visit().unwrap().unwrap(), "01999").unwrap()
    }

    #[test]
    fn the_sample_visit_becomes_an_outpatient_encounter_that_the_book_accepts() {
        let visit = sample();
        let facility = Uuid::nil();
        let encounter = encounter(&visit, facility);
        assert_eq!(encounter.kind, EncounterKind::Outpatient);
        // 08:30 in Việt Nam is 01:30 UTC.
        assert_eq!(
            encounter.started_at.to_rfc3339(),
            "2026-11-20T01:30:00+00:00"
        );
        assert_eq!(encounter.reason, "Ho, sốt 2 ngày");
        assert_eq!(encounter.diagnoses[0].icd10, "J06.9");
        assert!(encounter.diagnoses[0].primary);
        assert_eq!(encounter.prescriptions[0].medicine, "Paracetamol 500mg");
        assert_eq!(
            encounter.prescriptions[0].quantity.as_deref(),
            Some("10 Viên")
        );
        assert_eq!(encounter.vital_signs.weight_kg, Some(62.5));
        assert_eq!(encounter.category, None);
        let mut body = crate::book::EntryBody::Encounter(encounter);
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-07T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(crate::book::check::check_entry(&mut body, now), Ok(()));

        let patient = patient(&visit);
        assert_eq!(patient.national_id.as_deref(), Some("001090000001"));
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(patient.may_be_born_on(day(1990, 1, 15)));
        assert!(
            !patient.may_be_born_on(day(1990, 5, 17)),
            "the demo registry's An"
        );
        let unknown_day = Patient {
            birth: "199000000000".into(),
            ..patient.clone()
        };
        assert!(unknown_day.may_be_born_on(day(1990, 5, 17)));
        assert!(!unknown_day.may_be_born_on(day(1991, 5, 17)));
        assert_eq!(patient.insurance_number.as_deref(), Some("DN4010000000001"));
    }

    #[test]
    fn long_texts_and_lists_are_cut_to_the_books_limits() {
        let mut visit = sample();
        let row = visit.tables[&2][0].clone();
        visit.tables.insert(2, vec![row; MAX_ITEMS + 3]);
        let summary = &mut visit.tables.get_mut(&1).unwrap()[0];
        summary.set("LY_DO_VV", &"x ".repeat(300));
        let encounter = encounter(&visit, Uuid::nil());
        assert_eq!(encounter.prescriptions.len(), MAX_ITEMS);
        assert!(encounter.findings.unwrap().contains("Và 3 thuốc khác"));
        assert_eq!(encounter.reason.chars().count(), SHORT_TEXT);
        assert!(encounter.reason.ends_with('…'));
    }

    #[test]
    fn a_summary_and_a_referral_add_to_the_findings_and_the_advice() {
        let mut visit = sample();
        let summary_row: Record = [
            ("MA_LK", "SYN-20261120-000001"),
            ("QT_BENHLY", "Sốt 2 ngày, ho khan"),
            ("TOMTAT_KQ", "X-quang phổi bình thường"),
        ]
        .into_iter()
        .collect();
        let referral: Record = [
            ("MA_LK", "SYN-20261120-000001"),
            ("MA_NOI_DEN", "01929"),
            ("HUONG_DIEU_TRI", "Khám chuyên khoa hô hấp"),
        ]
        .into_iter()
        .collect();
        visit.tables.insert(8, vec![summary_row]);
        visit.tables.insert(13, vec![referral]);
        let encounter = encounter(&visit, Uuid::nil());
        let findings = encounter.findings.unwrap();
        assert!(
            findings.contains("ho khan") && findings.contains("X-quang"),
            "{findings}"
        );
        let advice = encounter.advice.unwrap();
        assert!(advice.starts_with("Uống nhiều nước"), "{advice}");
        assert!(
            advice.contains("Chuyển tuyến đến cơ sở 01929.") && advice.contains("hô hấp"),
            "{advice}"
        );
    }

    #[test]
    fn services_and_the_discharge_paper_add_to_the_treatment_and_the_advice() {
        let mut visit = sample();
        let treatment = encounter(&visit, Uuid::nil()).treatment.unwrap();
        assert_eq!(
            treatment,
            "Điều trị ngoại trú bằng thuốc\nDịch vụ đã thực hiện: Khám Nội"
        );
        let mut procedure = visit.tables[&3][0].clone();
        procedure.set("TEN_DICH_VU", "Cắt ruột thừa nội soi");
        procedure.set("MA_PTTT_QT", "47.01");
        let mut supply = visit.tables[&3][0].clone();
        supply.set("MA_DICH_VU", "");
        supply.set("TEN_DICH_VU", "");
        supply.set("MA_VAT_TU", "N03.01.070");
        supply.set("TEN_VAT_TU", "Bơm tiêm 5ml");
        visit
            .tables
            .get_mut(&3)
            .unwrap()
            .extend([procedure, supply]);
        let discharge: Record = [
            ("MA_LK", "SYN-20261120-000001"),
            ("PP_DIEUTRI", "Phẫu thuật nội soi"),
            ("GHI_CHU", "Tái khám sau 7 ngày"),
            ("TEN_BS", "Nguyễn Văn Bác"),
            ("SO_NGAY_NGHI", "10"),
            ("NGOAITRU_TUNGAY", "20261121"),
            ("NGOAITRU_DENNGAY", "20261130"),
        ]
        .into_iter()
        .collect();
        visit.tables.insert(7, vec![discharge]);
        let told = encounter(&visit, Uuid::nil());
        let treatment = told.treatment.unwrap();
        assert!(
            treatment.ends_with("Khám Nội; Cắt ruột thừa nội soi (47.01)"),
            "supplies are not services: {treatment}"
        );
        assert!(
            treatment.starts_with("Điều trị ngoại trú bằng thuốc"),
            "the summary's treatment comes first: {treatment}"
        );
        assert_eq!(told.practitioner_name.as_deref(), Some("Nguyễn Văn Bác"));
        let advice = told.advice.unwrap();
        assert!(advice.contains("Tái khám sau 7 ngày"), "{advice}");
        assert!(advice.contains("Nghỉ việc hưởng BHXH 10 ngày."), "{advice}");
        assert!(
            advice.contains("Điều trị ngoại trú từ 21/11/2026 đến 30/11/2026."),
            "{advice}"
        );
    }

    fn lab_row(service: &str, name: &str, value: &str, unit: &str) -> Record {
        [
            ("MA_LK", "SYN-20261120-000001"),
            ("MA_DICH_VU", service),
            ("MA_CHI_SO", "GLU"),
            ("TEN_CHI_SO", name),
            ("GIA_TRI", value),
            ("DON_VI_DO", unit),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn lab_results_carry_their_loinc_code_when_name_and_unit_map() {
        let mut visit = sample();
        visit.tables.insert(
            4,
            vec![
                lab_row("23.0075.1494", "Đường huyết", "7,8", "mmol/l"),
                lab_row("23.0051.1494", "Creatinin", "1.1", "mg/dL"),
                lab_row("23.0075.1494", "Glucose", "7.8", "mg/mmol"),
                lab_row("22.0001.1494", "Nhóm máu ABO", "O", ""),
            ],
        );
        let results = encounter(&visit, Uuid::nil()).results;
        let codes: Vec<Option<&str>> = results.iter().map(|r| r.loinc.as_deref()).collect();
        assert_eq!(codes, [Some("14749-6"), Some("2160-0"), None, None]);
        assert_eq!(results[0].test, "Đường huyết");
        assert_eq!(results[0].unit.as_deref(), Some("mmol/l"));
    }

    #[test]
    fn a_result_of_a_urine_service_gets_no_blood_code() {
        let mut visit = sample();
        let urine: Record = [
            ("MA_LK", "SYN-20261120-000001"),
            ("MA_DICH_VU", "23.0206.1596"),
            ("TEN_DICH_VU", "Tổng phân tích nước tiểu (Bằng máy tự động)"),
        ]
        .into_iter()
        .collect();
        visit.tables.get_mut(&3).unwrap().push(urine);
        visit
            .tables
            .insert(4, vec![lab_row("23.0206.1596", "Glucose", "5.5", "mmol/L")]);
        let results = encounter(&visit, Uuid::nil()).results;
        assert_eq!(results[0].loinc, None);
    }

    #[test]
    fn hiv_and_tuberculosis_files_mark_the_visit_sensitive() {
        let mut visit = sample();
        visit.tables.insert(15, vec![]);
        assert_eq!(
            encounter(&visit, Uuid::nil()).category,
            Some(Category::Tuberculosis)
        );
        visit.tables.insert(6, vec![]);
        assert_eq!(encounter(&visit, Uuid::nil()).category, Some(Category::Hiv));
    }
}
