//! The documents are read back with a PDF reader that decodes text through the fonts'
//! ToUnicode maps, the way a person copying or searching the text would get it.

use super::*;
use chrono::{NaiveDate, TimeZone};
use healthbook_domain::account::Verification;
use healthbook_domain::book::administrative::{
    Abo, Address, Administrative, BloodGroup, Contact, Education, Kinship, Rh,
};
use healthbook_domain::book::encounter::{
    Diagnosis, Encounter, EncounterKind, Prescription, TestResult, VitalSigns,
};
use healthbook_domain::book::history::{
    ActivityLevel, Allergy, AllergyKind, BirthCondition, ChecklistDisease, Contraception, Delivery,
    Disability, DisabilityKind, FamilyHistory, PastDisease, Relative, Reproductive, RiskFactors,
    Severity, Surgery, UseStatus,
};
use healthbook_domain::book::{
    AuthorRole, EntryBody, EntryStatus, Immunization, Observation, ObservationKind, Provenance,
    Section, Source,
};
use healthbook_domain::ids::Sex;
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

const STATION: &str = "Trạm y tế Phường Bến Thành";

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn citizen() -> CitizenProfile {
    CitizenProfile {
        citizen_id: Uuid::from_u128(1),
        full_name: "Nguyễn Thị Ánh Tuyết".into(),
        date_of_birth: day(1968, 3, 14),
        sex: Sex::Female,
        national_id_masked: "•••••••••417".into(),
        verification: Verification::Verified,
    }
}

fn by_doctor(recorded_at: DateTime<Utc>) -> Provenance {
    Provenance {
        source: Source::Staff,
        author_role: AuthorRole::Doctor,
        author_name: Some("Trần Văn Bình".into()),
        facility_id: Some(Uuid::from_u128(9)),
        facility_name: Some(STATION.into()),
        recorded_at,
        self_reported: false,
    }
}

fn by_citizen(recorded_at: DateTime<Utc>) -> Provenance {
    Provenance {
        source: Source::App,
        author_role: AuthorRole::Citizen,
        author_name: Some("Nguyễn Thị Ánh Tuyết".into()),
        facility_id: None,
        facility_name: None,
        recorded_at,
        self_reported: true,
    }
}

fn entry(n: u128, provenance: Provenance, body: EntryBody) -> BookEntry {
    BookEntry {
        entry_id: Uuid::from_u128(n),
        version: 1,
        status: EntryStatus::Recorded,
        section: body.kind().section(),
        category: None,
        reason: None,
        provenance,
        body,
    }
}

fn pneumonia_visit(n: u32) -> Encounter {
    let started_at = at(2025, 1 + n % 12, 1 + n % 27, 2);
    Encounter {
        kind: EncounterKind::Outpatient,
        facility_id: Some(Uuid::from_u128(9)),
        practitioner_name: Some("BS. Trần Văn Bình".into()),
        started_at,
        ended_at: Some(started_at + chrono::Duration::minutes(25)),
        reason: format!("Sốt, ho có đờm ngày thứ {n}; khó thở khi gắng sức"),
        vital_signs: VitalSigns {
            pulse: Some(96.0),
            temperature_c: Some(38.5),
            systolic: Some(130.0),
            diastolic: Some(85.0),
            respiratory_rate: Some(22.0),
            height_cm: Some(156.0),
            weight_kg: Some(58.5),
            waist_cm: Some(84.0),
            bmi: Some(24.04),
        },
        findings: Some("Ran nổ đáy phổi phải; họng đỏ.".into()),
        diagnoses: vec![
            Diagnosis {
                icd10: "E11.9".into(),
                title: Some("Đái tháo đường type 2 không có biến chứng".into()),
                primary: false,
                note: None,
            },
            Diagnosis {
                icd10: "J18.9".into(),
                title: Some("Viêm phổi, không đặc hiệu".into()),
                primary: true,
                note: None,
            },
        ],
        results: vec![TestResult {
            test: "Glucose máu".into(),
            value: "7,8".into(),
            unit: Some("mmol/L".into()),
            reference_range: Some("3,9–6,4".into()),
            loinc: Some("14749-6".into()),
        }],
        treatment: Some("Kháng sinh đường uống, hạ sốt".into()),
        prescriptions: vec![
            Prescription {
                medicine: "Amoxicillin 500 mg".into(),
                dosage: "1 viên × 3 lần/ngày, sau ăn".into(),
                route: Some("Uống".into()),
                days: Some(7),
                quantity: Some("21 viên".into()),
                note: None,
            },
            Prescription {
                medicine: "Paracetamol 500 mg".into(),
                dosage: "1 viên khi sốt trên 38,5 °C".into(),
                route: Some("Uống".into()),
                days: Some(3),
                quantity: Some("10 viên".into()),
                note: Some("Cách nhau ít nhất 4 giờ".into()),
            },
        ],
        advice: Some("Uống nhiều nước, nghỉ ngơi; quay lại ngay nếu khó thở tăng.".into()),
        follow_up_on: Some(day(2025, 1 + n % 12, 28)),
        appointment_id: None,
        category: None,
    }
}

fn rich_book(sections: Vec<Section>) -> Book {
    let mut entries = vec![
        entry(
            10,
            by_citizen(at(2025, 1, 5, 3)),
            EntryBody::Administrative(Administrative {
                blood_group: Some(BloodGroup {
                    abo: Abo::AB,
                    rh: Rh::Positive,
                }),
                ethnicity: Some("Kinh".into()),
                nationality: Some("VN".into()),
                occupation: Some("Giáo viên".into()),
                education: Some(Education::University),
                insurance_number: Some("7912345678".into()),
                household_code: Some("HGĐ-0042".into()),
                relation_to_head: Some("Chủ hộ".into()),
                permanent_address: Some(Address {
                    commune_code: "26743".into(),
                    line: "12 Lê Lợi".into(),
                }),
                current_address: None,
                phone: Some("0912 345 678".into()),
                emergency_contacts: vec![Contact {
                    name: "Lê Văn Đức".into(),
                    kinship: Kinship::Spouse,
                    phone: Some("0987 654 321".into()),
                }],
                parents: vec![],
                reviewed_on: Some(day(2025, 1, 5)),
            }),
        ),
        entry(
            11,
            by_citizen(at(2025, 1, 5, 3)),
            EntryBody::RiskFactors(RiskFactors {
                condition_at_birth: Some(BirthCondition {
                    delivery: Some(Delivery::Vaginal),
                    weight_grams: Some(3100),
                    length_cm: Some(49),
                    gestational_weeks: Some(39),
                    asphyxia: Some(false),
                    birth_defects: None,
                }),
                smoking: Some(UseStatus::Never),
                alcohol: Some(UseStatus::Occasional),
                drugs: None,
                physical_activity: Some(ActivityLevel::Moderate),
            }),
        ),
        entry(
            12,
            by_doctor(at(2024, 6, 2, 2)),
            EntryBody::Allergy(Allergy {
                kind: AllergyKind::Drug,
                substance: "Penicillin".into(),
                reaction: Some("Nổi mề đay toàn thân".into()),
                severity: Some(Severity::Severe),
            }),
        ),
        BookEntry {
            status: EntryStatus::EnteredInError,
            version: 2,
            reason: Some("Ghi nhầm sang hồ sơ của người khác".into()),
            ..entry(
                13,
                by_doctor(at(2024, 6, 2, 3)),
                EntryBody::Allergy(Allergy {
                    kind: AllergyKind::Food,
                    substance: "Tôm cua biển".into(),
                    reaction: None,
                    severity: Some(Severity::Mild),
                }),
            )
        },
        entry(
            14,
            by_citizen(at(2024, 2, 1, 3)),
            EntryBody::Disability(Disability {
                kind: DisabilityKind::Vision,
                detail: Some("Cận thị nặng mắt trái".into()),
            }),
        ),
        BookEntry {
            status: EntryStatus::Corrected,
            version: 2,
            reason: Some("Năm phát hiện bệnh được sửa theo giấy ra viện".into()),
            ..entry(
                15,
                by_doctor(at(2023, 9, 9, 2)),
                EntryBody::PastDisease(PastDisease {
                    disease: ChecklistDisease::Diabetes,
                    icd10: Some("E11".into()),
                    since_year: Some(2019),
                    note: Some("Đang dùng Metformin".into()),
                }),
            )
        },
        entry(
            16,
            by_citizen(at(2023, 9, 9, 2)),
            EntryBody::Surgery(Surgery {
                procedure: "Cắt ruột thừa nội soi".into(),
                year: Some(2010),
                // Written decomposed (NFD), as some keyboards send it.
                facility: Some("Bệnh viện Chợ Rẫy".nfd().collect()),
                note: None,
            }),
        ),
        entry(
            17,
            by_citizen(at(2023, 9, 9, 2)),
            EntryBody::FamilyHistory(FamilyHistory {
                relative: Relative::Mother,
                disease: ChecklistDisease::Hypertension,
                icd10: Some("I10".into()),
                note: None,
            }),
        ),
        entry(
            18,
            by_doctor(at(2023, 9, 9, 2)),
            EntryBody::Reproductive(Reproductive {
                contraception: Some(Contraception::Iud),
                pregnancies: Some(3),
                births: Some(2),
                miscarriages: Some(1),
                note: None,
            }),
        ),
        entry(
            19,
            Provenance {
                author_role: AuthorRole::Vaccinator,
                author_name: Some("Phạm Thu Hà".into()),
                ..by_doctor(at(2021, 8, 20, 2))
            },
            EntryBody::Immunization(Immunization {
                product: "Vaxzevria (AstraZeneca)".into(),
                trade_name: None,
                antigens: vec!["covid19".into()],
                dose_number: 1,
                administered_on: day(2021, 8, 20),
                lot: Some("NJ0285".into()),
                facility_id: Some(Uuid::from_u128(9)),
                site: Some("Cánh tay trái".into()),
                route: Some("Tiêm bắp".into()),
                note: None,
            }),
        ),
        entry(
            20,
            by_citizen(at(2025, 3, 1, 0)),
            EntryBody::Observation(Observation {
                kind: ObservationKind::BloodPressure,
                value: 135.0,
                second_value: Some(88.0),
                unit: "mm[Hg]".into(),
                taken_at: at(2025, 3, 1, 0),
                note: Some("Đo buổi sáng, sau khi ngủ dậy".into()),
            }),
        ),
        entry(
            21,
            by_citizen(at(2025, 3, 2, 0)),
            EntryBody::Observation(Observation {
                kind: ObservationKind::BloodGlucose,
                value: 6.8,
                second_value: None,
                unit: "mmol/L".into(),
                taken_at: at(2025, 3, 2, 0),
                note: None,
            }),
        ),
    ];
    for n in 0..14 {
        entries.push(entry(
            100 + u128::from(n),
            by_doctor(at(2025, 1 + n % 12, 1 + n % 27, 3)),
            EntryBody::Encounter(pneumonia_visit(n)),
        ));
    }
    Book {
        citizen: citizen(),
        sections,
        entries,
    }
}

/// The text of each page, as a reader extracts it. With `HEALTHBOOK_PDF_OUT` set to a
/// folder, the documents are also written there to be looked at.
fn pages_text(pdf: &[u8]) -> Vec<String> {
    if let Some(folder) = std::env::var_os("HEALTHBOOK_PDF_OUT") {
        let name = format!("{:016x}.pdf", fxhash(pdf));
        std::fs::write(std::path::Path::new(&folder).join(name), pdf).unwrap();
    }
    let document = lopdf::Document::load_mem(pdf).unwrap();
    let pages = document.get_pages();
    pages
        .keys()
        .map(|&number| document.extract_text(&[number]).unwrap())
        .collect()
}

fn fxhash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn generated() -> DateTime<Utc> {
    at(2026, 11, 23, 1)
}

#[test]
fn the_book_reads_back_with_its_vietnamese_intact_over_numbered_pages() {
    let sections = vec![
        Section::Administrative,
        Section::History,
        Section::Immunizations,
        Section::Visits,
    ];
    let pdf = book_pdf(&rich_book(sections), Lang::Vi, generated()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 150_000, "the book is {} bytes", pdf.len());

    let pages = pages_text(&pdf);
    let count = pages.len();
    assert!(
        count >= 3,
        "the visits should need several pages, got {count}"
    );
    for (index, text) in pages.iter().enumerate() {
        let number = format!("Trang {}/{count}", index + 1);
        assert!(
            text.contains(&number),
            "page {} lacks {number:?}",
            index + 1
        );
        assert!(
            text.contains("Nguyễn Thị Ánh Tuyết"),
            "footer of page {}",
            index + 1
        );
    }
    let all = pages.concat();
    for expected in [
        "Sổ sức khỏe điện tử",
        "Nguyễn Thị Ánh Tuyết",
        "•••••••••417",
        "23/11/2026 08:00",
        "I. Thông tin hành chính",
        "AB Rh+",
        "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh (26743)",
        "Lê Văn Đức (Vợ/chồng) — 0987 654 321",
        "II. Tiền sử",
        "Đái tháo đường (E11)",
        "Thuốc: Penicillin; phản ứng: Nổi mề đay toàn thân; mức độ: nặng",
        "Bệnh viện Chợ Rẫy",
        "Mẹ: Tăng huyết áp (I10)",
        "Dụng cụ tử cung",
        "III. Tiêm chủng",
        "Vaxzevria (AstraZeneca)",
        "IV. Khám bệnh",
        STATION,
        "J18.9 Viêm phổi, không đặc hiệu (bệnh chính)",
        "E11.9 Đái tháo đường type 2 không có biến chứng",
        "Nhiệt độ 38,5 °C",
        "Huyết áp 130/85 mmHg",
        "Amoxicillin 500 mg",
        "Ghi nhận: Trần Văn Bình (bác sĩ) · Trạm y tế Phường Bến Thành",
    ] {
        assert!(all.contains(expected), "missing {expected:?}");
    }
    assert!(!all.contains("\u{FFFD}"), "a character had no glyph");

    // The decomposed facility name was composed before drawing.
    let decomposed: String = "Bệnh viện Chợ Rẫy".nfd().collect();
    assert!(!all.contains(&decomposed));

    // Statuses and whose word it is.
    assert!(
        all.contains("Nhập nhầm — không còn giá trị — lý do: Ghi nhầm sang hồ sơ của người khác")
    );
    assert!(all.contains("Đã sửa (phiên bản 2) — lý do: Năm phát hiện bệnh"));
    assert!(all.contains("Tự khai báo"));

    // Readings were not shared: neither the title nor a reading shows.
    assert!(!all.contains("Chỉ số tự theo dõi tại nhà"));
    assert!(!all.contains("Đo buổi sáng"));
}

#[test]
fn an_entry_entered_in_error_is_struck_through() {
    let with_error = rich_book(vec![Section::History]);
    let mut without_error = with_error.clone();
    for entry in &mut without_error.entries {
        entry.status = EntryStatus::Recorded;
    }
    let struck = strokes(&book_pdf(&with_error, Lang::Vi, generated()).unwrap());
    let plain = strokes(&book_pdf(&without_error, Lang::Vi, generated()).unwrap());
    // One line across the one line of the allergy entered in error.
    assert_eq!(struck, plain + 1);
}

/// How many stroked paths the pages draw.
fn strokes(pdf: &[u8]) -> usize {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    document
        .get_pages()
        .values()
        .map(|&page| {
            let content = document.get_and_decode_page_content(page).unwrap();
            content
                .operations
                .iter()
                .filter(|op| op.operator == "S")
                .count()
        })
        .sum()
}

#[test]
fn the_book_in_english_names_values_in_words_and_prints_the_readings() {
    let pdf = book_pdf(&rich_book(Section::ALL.to_vec()), Lang::En, generated()).unwrap();
    let pages = pages_text(&pdf);
    let count = pages.len();
    let all = pages.concat();
    for expected in [
        "Electronic health book",
        "II. Medical history",
        "Drug: Penicillin; reaction: Nổi mề đay toàn thân; severity: severe",
        "Entered in error — not valid — reason:",
        "Self-reported",
        "Outpatient",
        "Pulse 96 /min",
        "Temperature 38.5 °C",
        "Home readings",
        "135/88 mmHg",
        "6.8 mmol/L",
        "Đo buổi sáng",
        &format!("Page {count}/{count}"),
    ] {
        assert!(all.contains(expected), "missing {expected:?}");
    }
    assert!(!all.contains("Trang "));
}

#[test]
fn a_book_showing_one_section_prints_only_that_section() {
    let pdf = book_pdf(
        &rich_book(vec![Section::Immunizations]),
        Lang::Vi,
        generated(),
    )
    .unwrap();
    let pages = pages_text(&pdf);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    assert!(text.contains("III. Tiêm chủng"));
    assert!(text.contains("NJ0285"));
    assert!(text.contains("Trang 1/1"));
    for absent in [
        "I. Thông tin hành chính",
        "II. Tiền sử",
        "IV. Khám bệnh",
        "Penicillin",
        "Viêm phổi",
    ] {
        assert!(!text.contains(absent), "{absent:?} should not be printed");
    }
}

#[test]
fn one_visit_prints_in_full_on_its_own() {
    let visit = entry(
        7,
        by_doctor(at(2026, 11, 20, 2)),
        EntryBody::Encounter(pneumonia_visit(3)),
    );
    let pdf = visit_pdf(
        &citizen(),
        &visit,
        Some("Trung tâm Y tế khu vực Quận 1"),
        Lang::Vi,
        generated(),
    )
    .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 100_000, "the visit is {} bytes", pdf.len());
    let pages = pages_text(&pdf);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    for expected in [
        "Phiếu khám bệnh",
        "Nguyễn Thị Ánh Tuyết",
        "Trung tâm Y tế khu vực Quận 1",
        "Khám ngoại trú",
        "Sốt, ho có đờm ngày thứ 3",
        "J18.9 Viêm phổi, không đặc hiệu (bệnh chính)",
        "Đái tháo đường type 2",
        "Glucose máu: 7,8 mmol/L (tham chiếu: 3,9–6,4)",
        "Paracetamol 500 mg",
        "Cách nhau ít nhất 4 giờ",
        "Uống nhiều nước",
        "Hẹn tái khám",
        "28/04/2025",
        "Trang 1/1",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
}

#[test]
fn text_is_wrapped_within_the_margins_and_numbers_read_as_written() {
    let flow = layout::Flow::new().unwrap();
    let long = "Uống nhiều nước, nghỉ ngơi; quay lại ngay nếu khó thở tăng. ".repeat(6);
    let width = 200.0;
    let lines = flow.wrap(&long, layout::Style::BODY, width);
    assert!(lines.len() > 3);
    assert!(
        lines
            .iter()
            .all(|l| flow.width_of(l, layout::Style::BODY) <= width)
    );
    assert_eq!(lines.join(" "), long.trim());
    assert_eq!(format::number(38.5, Lang::Vi), "38,5");
    assert_eq!(format::number(120.0, Lang::En), "120");
    assert_eq!(format::number(24.036, Lang::En), "24.04");
}
