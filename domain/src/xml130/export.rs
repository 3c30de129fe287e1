//! HealthBook's own visits in the national standard: a visit of the book (a teleconsultation,
//! a visit at a commune station or at home, an examination a doctor wrote) as the summary
//! (XML1) and its medicines (XML2), for the facility to submit. HealthBook keeps no prices:
//! every amount is 0, and the facility's billing adds its own.

use super::record::Record;
use super::write::OutVisit;
use crate::book::encounter::{Encounter, EncounterKind};
use crate::booking::time::to_local;
use crate::ids::Sex;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use std::collections::BTreeMap;

/// The person a visit is about, as the book knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub national_id: String,
    pub full_name: String,
    pub born: NaiveDate,
    pub sex: Option<Sex>,
    pub insurance_number: Option<String>,
}

/// `MA_LOAI_KCB` of a visit's kind (QĐ 824 and, for remote and home care, the 2026 additions).
pub fn visit_type(kind: EncounterKind) -> &'static str {
    match kind {
        EncounterKind::Outpatient => "01",
        EncounterKind::Inpatient => "03",
        EncounterKind::HomeVisit => "12",
        EncounterKind::Teleconsultation => "14",
    }
}

fn minute(at: DateTime<Utc>) -> String {
    to_local(at).format("%Y%m%d%H%M").to_string()
}

const AMOUNTS: [&str; 9] = [
    "T_THUOC",
    "T_VTYT",
    "T_TONGCHI_BV",
    "T_TONGCHI_BH",
    "T_BNTT",
    "T_BNCCT",
    "T_BHTT",
    "T_NGUONKHAC",
    "T_BHTT_GDV",
];

/// The visit `ma_lk` of `person` at the facility `facility_code`.
pub fn out_visit(ma_lk: &str, facility_code: &str, person: &Person, visit: &Encounter) -> OutVisit {
    let ended = visit.ended_at.unwrap_or(visit.started_at);
    let local_end = to_local(ended);
    let primary = visit
        .diagnoses
        .iter()
        .find(|d| d.primary)
        .or(visit.diagnoses.first());
    let others: Vec<&str> = visit
        .diagnoses
        .iter()
        .filter(|d| Some(*d) != primary)
        .map(|d| d.icd10.as_str())
        .collect();
    let diagnosis_text: Vec<String> = visit
        .diagnoses
        .iter()
        .map(|d| d.title.clone().unwrap_or_else(|| d.icd10.clone()))
        .collect();
    let mut summary = Record::default();
    let mut put = |name: &'static str, value: &str| summary.push(name, value);
    put("MA_LK", ma_lk);
    put("STT", "1");
    put("HO_TEN", &person.full_name);
    put("SO_CCCD", &person.national_id);
    put(
        "NGAY_SINH",
        &format!("{}0000", person.born.format("%Y%m%d")),
    );
    let sex = match person.sex {
        Some(Sex::Male) => "1",
        Some(Sex::Female) => "2",
        None => "3",
    };
    put("GIOI_TINH", sex);
    if let Some(card) = &person.insurance_number {
        put("MA_THE_BHYT", card);
    }
    put("LY_DO_VV", &visit.reason);
    put("CHAN_DOAN_RV", &diagnosis_text.join("; "));
    if let Some(primary) = primary {
        put("MA_BENH_CHINH", &primary.icd10);
    }
    put("MA_BENH_KT", &others.join(";"));
    put("NGAY_VAO", &minute(visit.started_at));
    put("NGAY_RA", &minute(ended));
    // Days of treatment count for stays only (QĐ 4750's rule); a visit is 0.
    put("SO_NGAY_DTRI", "0");
    if let Some(treatment) = &visit.treatment {
        put("PP_DIEU_TRI", treatment);
    }
    if let Some(advice) = &visit.advice {
        put("GHI_CHU", advice);
    }
    for amount in AMOUNTS {
        put(amount, "0");
    }
    put("NAM_QT", &local_end.year().to_string());
    put("THANG_QT", &local_end.month().to_string());
    put("MA_LOAI_KCB", visit_type(visit.kind));
    put("MA_CSKCB", facility_code);
    if let Some(weight) = visit.vital_signs.weight_kg {
        put("CAN_NANG", &format!("{weight:.2}"));
    }
    if let Some(on) = visit.follow_up_on {
        put("NGAY_TAI_KHAM", &on.format("%Y%m%d").to_string());
    }

    let medicines: Vec<Record> = visit
        .prescriptions
        .iter()
        .enumerate()
        .map(|(at, p)| {
            let mut row = Record::default();
            row.push("MA_LK", ma_lk);
            row.push("STT", &(at + 1).to_string());
            row.push("TEN_THUOC", &p.medicine);
            row.push("LIEU_DUNG", &p.dosage);
            if let Some(note) = &p.note {
                row.push("CACH_DUNG", note);
            }
            for amount in [
                "THANH_TIEN_BV",
                "THANH_TIEN_BH",
                "T_BNTT",
                "T_BNCCT",
                "T_BHTT",
                "T_NGUONKHAC",
            ] {
                row.push(amount, "0");
            }
            row
        })
        .collect();
    let mut tables = BTreeMap::from([(1, vec![summary])]);
    if !medicines.is_empty() {
        tables.insert(2, medicines);
    }
    OutVisit { tables }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::encounter::{Diagnosis, Prescription};
    use crate::xml130::{Limits, validate, write};
    use chrono::TimeZone;

    fn consultation() -> Encounter {
        Encounter {
            kind: EncounterKind::Teleconsultation,
            facility_id: None,
            practitioner_name: Some("Bác sĩ A".into()),
            started_at: Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap(),
            ended_at: Some(Utc.with_ymd_and_hms(2026, 11, 20, 2, 20, 0).unwrap()),
            reason: "Ho & sốt <3 ngày>".into(),
            vital_signs: Default::default(),
            findings: None,
            diagnoses: vec![
                Diagnosis {
                    icd10: "J06.9".into(),
                    title: Some("Acute upper respiratory infection".into()),
                    primary: true,
                    note: None,
                },
                Diagnosis {
                    icd10: "I10".into(),
                    title: None,
                    primary: false,
                    note: None,
                },
            ],
            results: vec![],
            treatment: Some("Điều trị ngoại trú".into()),
            prescriptions: vec![Prescription {
                medicine: "Paracetamol 500mg".into(),
                dosage: "1 viên x 3 lần/ngày".into(),
                route: None,
                days: Some(3),
                quantity: None,
                note: Some("Uống sau ăn".into()),
            }],
            advice: Some("Tái khám nếu sốt cao".into()),
            follow_up_on: NaiveDate::from_ymd_opt(2026, 11, 27),
            appointment_id: None,
            category: None,
        }
    }

    #[test]
    fn a_teleconsultation_is_written_as_a_visit_the_validator_accepts() {
        let person = Person {
            national_id: "001090000001".into(),
            full_name: "Nguyễn Văn Mẫu".into(),
            born: NaiveDate::from_ymd_opt(1990, 1, 15).unwrap(),
            sex: Some(Sex::Male),
            insurance_number: Some("DN4010000000001".into()),
        };
        let visit = out_visit("HB-1", "01999", &person, &consultation());
        let made_on = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let xml = write::envelope("01999", made_on, &[visit]).unwrap();
        let report = validate(xml.as_bytes(), "01999", Limits::default()).unwrap();
        assert!(report.accepted(), "{:?}", report.visits);

        let mut reader =
            crate::xml130::EnvelopeReader::open(xml.as_bytes(), Limits::default()).unwrap();
        let read = crate::xml130::check(reader.next_visit().unwrap().unwrap(), "01999").unwrap();
        let summary = read.summary();
        assert_eq!(summary.get("MA_LOAI_KCB"), Some("14"));
        assert_eq!(
            summary.get("NGAY_VAO"),
            Some("202611200900"),
            "Việt Nam's clock"
        );
        assert_eq!(summary.get("MA_BENH_KT"), Some("I10"));
        assert_eq!(summary.get("LY_DO_VV"), Some("Ho & sốt <3 ngày>"));
        assert_eq!(summary.get("NGAY_TAI_KHAM"), Some("20261127"));
        assert_eq!(
            read.tables[&2][0].get("TEN_THUOC"),
            Some("Paracetamol 500mg")
        );
    }
}
