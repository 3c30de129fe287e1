//! A birth certificate in a facility's files (XML9): the child a mother is to add as her
//! dependent once the child has an identification number, and what the child's own book
//! will say of the birth.

use super::book::{instant, long, short, some};
use super::visit::Visit;
use crate::book::encounter::{Encounter, EncounterKind, VitalSigns};
use crate::ids::Sex;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// One child of a birth certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Birth {
    /// 1-based, in the file's order: twins are two records of one visit.
    pub ordinal: u32,
    pub born_at: DateTime<Utc>,
    /// `GIOI_TINH_CON`: none when the facility wrote "not determined".
    pub sex: Option<Sex>,
    /// `HO_TEN_CON`: the name the parents meant to give, when they had one.
    pub intended_name: Option<String>,
    pub weight_grams: Option<u32>,
    /// `TINH_TRANG_CON` and the certificate's notes.
    pub condition: Option<String>,
    pub caesarean: bool,
    pub before_32_weeks: bool,
    /// `SO` and `QUYEN_SO` of the certificate.
    pub certificate: Option<String>,
    /// `SO_CCCD_NND`: whose child it is to bring up (the mother's, or another carer's).
    pub carer_national_id: Option<String>,
}

/// The children of a visit's birth certificate; a record without a real birth minute says
/// nothing anyone could confirm and is left out.
pub fn births(visit: &Visit) -> Vec<Birth> {
    let rows = visit.tables.get(&9).map(Vec::as_slice).unwrap_or(&[]);
    rows.iter()
        .filter_map(|row| {
            let born_at = instant(row.get("NGAY_SINH_CON"))?;
            let certificate = match (some(row.get("SO")), some(row.get("QUYEN_SO"))) {
                (Some(number), Some(book)) => Some(format!("{number}, quyển {book}")),
                (Some(number), None) => Some(number.to_owned()),
                _ => None,
            };
            let notes: Vec<&str> = [row.get("TINH_TRANG_CON"), row.get("GHI_CHU")]
                .into_iter()
                .filter_map(some)
                .collect();
            Some(Birth {
                ordinal: 0,
                born_at,
                sex: match some(row.get("GIOI_TINH_CON")) {
                    Some("1") => Some(Sex::Male),
                    Some("2") => Some(Sex::Female),
                    _ => None,
                },
                intended_name: some(row.get("HO_TEN_CON")).map(short),
                weight_grams: some(row.get("CAN_NANG_CON"))
                    .and_then(|g| g.parse::<f64>().ok())
                    .filter(|g| *g > 0.0 && *g < 10_000.0)
                    .map(|g| g.round() as u32),
                condition: (!notes.is_empty()).then(|| long(&notes.join("\n"))),
                caesarean: row.get("SINHCON_PHAUTHUAT") == Some("1"),
                before_32_weeks: row.get("SINHCON_DUOI32TUAN") == Some("1"),
                certificate,
                carer_national_id: some(row.get("SO_CCCD_NND")).map(str::to_owned),
            })
        })
        .zip(1..)
        .map(|(birth, ordinal)| Birth { ordinal, ..birth })
        .collect()
}

/// Whether a dependent being added (born `date_of_birth`, of `sex`) is the child a birth
/// certificate reported born `born_on`, of `reported_sex` where the facility could tell. The
/// name is the registry's to confirm, and may have changed since.
pub fn is_the_child(
    born_on: NaiveDate,
    reported_sex: Option<Sex>,
    date_of_birth: NaiveDate,
    sex: Sex,
) -> bool {
    born_on == date_of_birth && reported_sex.is_none_or(|s| s == sex)
}

impl Birth {
    pub fn born_on(&self) -> NaiveDate {
        crate::booking::time::local_date(self.born_at)
    }

    pub fn is(&self, date_of_birth: NaiveDate, sex: Sex) -> bool {
        is_the_child(self.born_on(), self.sex, date_of_birth, sex)
    }

    /// Whether the certificate names `national_id` as the child's carer, or names no one.
    pub fn is_cared_for_by(&self, national_id: &str) -> bool {
        self.carer_national_id
            .as_deref()
            .is_none_or(|carer| carer == national_id)
    }

    /// The birth as the child's book tells it: a stay at the facility that began then.
    pub fn encounter(&self, facility_id: Uuid) -> Encounter {
        let mut findings = Vec::new();
        if let Some(condition) = &self.condition {
            findings.push(condition.clone());
        }
        if self.caesarean {
            findings.push("Sinh mổ.".to_owned());
        }
        if self.before_32_weeks {
            findings.push("Sinh dưới 32 tuần tuổi thai.".to_owned());
        }
        if let Some(certificate) = &self.certificate {
            findings.push(format!("Giấy chứng sinh số {certificate}."));
        }
        Encounter {
            kind: EncounterKind::Inpatient,
            facility_id: Some(facility_id),
            practitioner_name: None,
            started_at: self.born_at,
            ended_at: None,
            reason: "Chào đời".to_owned(),
            vital_signs: VitalSigns {
                weight_kg: self.weight_grams.map(|g| f64::from(g) / 1000.0),
                ..VitalSigns::default()
            },
            findings: (!findings.is_empty()).then(|| long(&findings.join("\n"))),
            diagnoses: Vec::new(),
            results: Vec::new(),
            treatment: None,
            prescriptions: Vec::new(),
            advice: None,
            follow_up_on: None,
            appointment_id: None,
            category: None,
        }
    }
}
