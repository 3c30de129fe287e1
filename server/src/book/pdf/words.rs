//! The book's coded values in words, in Vietnamese and English: every enum the documents
//! print is named here and nowhere else.

use healthbook_domain::Lang;
use healthbook_domain::book::administrative::{BloodGroup, Education, Kinship, Rh};
use healthbook_domain::book::encounter::EncounterKind;
use healthbook_domain::book::history::{
    ActivityLevel, AllergyKind, ChecklistDisease, Contraception, Delivery, DisabilityKind,
    Relative, Severity, UseStatus,
};
use healthbook_domain::book::{AuthorRole, ObservationKind, Source};
use healthbook_domain::ids::Sex;

/// The Vietnamese or the English of a label.
pub(super) fn pick(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

pub(super) fn sex(value: Sex, lang: Lang) -> &'static str {
    match value {
        Sex::Male => pick(lang, "Nam", "Male"),
        Sex::Female => pick(lang, "Nữ", "Female"),
    }
}

/// "A Rh+": written the same way in both languages.
pub(super) fn blood_group(value: BloodGroup) -> String {
    let rh = match value.rh {
        Rh::Positive => "Rh+",
        Rh::Negative => "Rh−",
    };
    format!("{:?} {rh}", value.abo)
}

pub(super) fn education(value: Education, lang: Lang) -> &'static str {
    match value {
        Education::None => pick(lang, "Không đi học", "No schooling"),
        Education::Primary => pick(lang, "Tiểu học", "Primary"),
        Education::LowerSecondary => pick(lang, "Trung học cơ sở", "Lower secondary"),
        Education::UpperSecondary => pick(lang, "Trung học phổ thông", "Upper secondary"),
        Education::Vocational => pick(lang, "Trung cấp, cao đẳng", "Vocational"),
        Education::University => pick(lang, "Đại học", "University"),
        Education::Postgraduate => pick(lang, "Sau đại học", "Postgraduate"),
    }
}

pub(super) fn kinship(value: Kinship, lang: Lang) -> &'static str {
    match value {
        Kinship::Mother => pick(lang, "Mẹ", "Mother"),
        Kinship::Father => pick(lang, "Bố", "Father"),
        Kinship::Spouse => pick(lang, "Vợ/chồng", "Spouse"),
        Kinship::Child => pick(lang, "Con", "Child"),
        Kinship::Sibling => pick(lang, "Anh chị em ruột", "Sibling"),
        Kinship::Grandparent => pick(lang, "Ông bà", "Grandparent"),
        Kinship::LegalRepresentative => pick(
            lang,
            "Người đại diện theo pháp luật",
            "Legal representative",
        ),
        Kinship::Other => pick(lang, "Khác", "Other"),
    }
}

/// ISO 3166-1 codes in words; only Việt Nam is named, others print as their code.
pub(super) fn nationality(code: &str, lang: Lang) -> String {
    if code.eq_ignore_ascii_case("VN") {
        pick(lang, "Việt Nam", "Viet Nam").to_owned()
    } else {
        code.to_owned()
    }
}

pub(super) fn use_status(value: UseStatus, lang: Lang) -> &'static str {
    match value {
        UseStatus::Never => pick(lang, "Không", "Never"),
        UseStatus::Former => pick(lang, "Đã bỏ", "Former"),
        UseStatus::Occasional => pick(lang, "Thỉnh thoảng", "Occasional"),
        UseStatus::Regular => pick(lang, "Thường xuyên", "Regular"),
    }
}

pub(super) fn activity(value: ActivityLevel, lang: Lang) -> &'static str {
    match value {
        ActivityLevel::Low => pick(lang, "Ít vận động", "Low"),
        ActivityLevel::Moderate => pick(lang, "Vừa phải", "Moderate"),
        ActivityLevel::High => pick(lang, "Nhiều", "High"),
    }
}

pub(super) fn delivery(value: Delivery, lang: Lang) -> &'static str {
    match value {
        Delivery::Vaginal => pick(lang, "Đẻ thường", "Vaginal birth"),
        Delivery::Caesarean => pick(lang, "Đẻ mổ", "Caesarean section"),
        Delivery::Assisted => pick(lang, "Đẻ có can thiệp", "Assisted delivery"),
    }
}

pub(super) fn allergy_kind(value: AllergyKind, lang: Lang) -> &'static str {
    match value {
        AllergyKind::Drug => pick(lang, "Thuốc", "Drug"),
        AllergyKind::Food => pick(lang, "Thực phẩm", "Food"),
        AllergyKind::Chemical => pick(lang, "Hóa chất, mỹ phẩm", "Chemical"),
        AllergyKind::Environment => pick(lang, "Môi trường", "Environmental"),
        AllergyKind::Other => pick(lang, "Khác", "Other"),
    }
}

pub(super) fn severity(value: Severity, lang: Lang) -> &'static str {
    match value {
        Severity::Mild => pick(lang, "nhẹ", "mild"),
        Severity::Moderate => pick(lang, "vừa", "moderate"),
        Severity::Severe => pick(lang, "nặng", "severe"),
    }
}

pub(super) fn disability_kind(value: DisabilityKind, lang: Lang) -> &'static str {
    match value {
        DisabilityKind::Vision => pick(lang, "Khuyết tật nhìn", "Vision"),
        DisabilityKind::Hearing => pick(lang, "Khuyết tật nghe", "Hearing"),
        DisabilityKind::Speech => pick(lang, "Khuyết tật nói", "Speech"),
        DisabilityKind::Mobility => pick(lang, "Khuyết tật vận động", "Mobility"),
        DisabilityKind::Intellectual => pick(lang, "Khuyết tật trí tuệ", "Intellectual"),
        DisabilityKind::Mental => pick(lang, "Khuyết tật thần kinh, tâm thần", "Mental"),
        DisabilityKind::Other => pick(lang, "Khuyết tật khác", "Other"),
    }
}

pub(super) fn disease(value: ChecklistDisease, lang: Lang) -> &'static str {
    match value {
        ChecklistDisease::HeartDisease => pick(lang, "Bệnh tim", "Heart disease"),
        ChecklistDisease::Hypertension => pick(lang, "Tăng huyết áp", "Hypertension"),
        ChecklistDisease::Diabetes => pick(lang, "Đái tháo đường", "Diabetes"),
        ChecklistDisease::StomachDisease => pick(lang, "Bệnh dạ dày", "Stomach disease"),
        ChecklistDisease::ChronicLungDisease => {
            pick(lang, "Bệnh phổi mạn tính", "Chronic lung disease")
        }
        ChecklistDisease::Asthma => pick(lang, "Hen suyễn", "Asthma"),
        ChecklistDisease::Goitre => pick(lang, "Bướu cổ", "Goitre"),
        ChecklistDisease::Hepatitis => pick(lang, "Viêm gan", "Hepatitis"),
        ChecklistDisease::CongenitalHeartDisease => {
            pick(lang, "Tim bẩm sinh", "Congenital heart disease")
        }
        ChecklistDisease::MentalIllness => pick(lang, "Tâm thần", "Mental illness"),
        ChecklistDisease::Autism => pick(lang, "Tự kỷ", "Autism"),
        ChecklistDisease::Epilepsy => pick(lang, "Động kinh", "Epilepsy"),
        ChecklistDisease::Cancer => pick(lang, "Ung thư", "Cancer"),
        ChecklistDisease::Tuberculosis => pick(lang, "Lao", "Tuberculosis"),
        ChecklistDisease::Other => pick(lang, "Bệnh khác", "Other disease"),
    }
}

pub(super) fn relative(value: Relative, lang: Lang) -> &'static str {
    match value {
        Relative::Father => pick(lang, "Bố", "Father"),
        Relative::Mother => pick(lang, "Mẹ", "Mother"),
        Relative::Sibling => pick(lang, "Anh chị em ruột", "Sibling"),
        Relative::Grandparent => pick(lang, "Ông bà", "Grandparent"),
        Relative::Child => pick(lang, "Con", "Child"),
        Relative::Other => pick(lang, "Người thân khác", "Other relative"),
    }
}

pub(super) fn contraception(value: Contraception, lang: Lang) -> &'static str {
    match value {
        Contraception::None => pick(lang, "Không sử dụng", "None"),
        Contraception::Condom => pick(lang, "Bao cao su", "Condom"),
        Contraception::Pill => pick(lang, "Thuốc uống tránh thai", "Pill"),
        Contraception::Iud => pick(lang, "Dụng cụ tử cung", "IUD"),
        Contraception::Implant => pick(lang, "Que cấy tránh thai", "Implant"),
        Contraception::Injection => pick(lang, "Thuốc tiêm tránh thai", "Injection"),
        Contraception::Sterilisation => pick(lang, "Triệt sản", "Sterilisation"),
        Contraception::Other => pick(lang, "Biện pháp khác", "Other"),
    }
}

pub(super) fn encounter_kind(value: EncounterKind, lang: Lang) -> &'static str {
    match value {
        EncounterKind::Outpatient => pick(lang, "Khám ngoại trú", "Outpatient"),
        EncounterKind::Inpatient => pick(lang, "Điều trị nội trú", "Inpatient"),
        EncounterKind::Teleconsultation => pick(lang, "Khám từ xa", "Teleconsultation"),
        EncounterKind::HomeVisit => pick(lang, "Khám tại nhà", "Home visit"),
    }
}

pub(super) fn observation_kind(value: ObservationKind, lang: Lang) -> &'static str {
    match value {
        ObservationKind::BloodPressure => pick(lang, "Huyết áp", "Blood pressure"),
        ObservationKind::HeartRate => pick(lang, "Nhịp tim", "Heart rate"),
        ObservationKind::BodyTemperature => pick(lang, "Nhiệt độ", "Body temperature"),
        ObservationKind::OxygenSaturation => {
            pick(lang, "Độ bão hòa oxy (SpO2)", "Oxygen saturation (SpO2)")
        }
        ObservationKind::BloodGlucose => pick(lang, "Đường huyết", "Blood glucose"),
        ObservationKind::BodyWeight => pick(lang, "Cân nặng", "Weight"),
        ObservationKind::BodyHeight => pick(lang, "Chiều cao", "Height"),
        ObservationKind::RespiratoryRate => pick(lang, "Nhịp thở", "Respiratory rate"),
        ObservationKind::WaistCircumference => pick(lang, "Vòng bụng", "Waist circumference"),
    }
}

pub(super) fn author_role(value: AuthorRole, lang: Lang) -> &'static str {
    match value {
        AuthorRole::Citizen => pick(lang, "công dân", "citizen"),
        AuthorRole::Guardian => pick(lang, "người giám hộ", "guardian"),
        AuthorRole::Doctor => pick(lang, "bác sĩ", "doctor"),
        AuthorRole::Vaccinator => pick(lang, "nhân viên tiêm chủng", "vaccinator"),
        AuthorRole::FacilityAdmin => pick(lang, "quản trị cơ sở", "facility administrator"),
        AuthorRole::FacilitySystem => pick(lang, "hệ thống của cơ sở", "facility system"),
    }
}

/// Said only of sources a reader would not guess from the author.
pub(super) fn unusual_source(value: Source, lang: Lang) -> Option<&'static str> {
    match value {
        Source::App | Source::Staff => None,
        Source::FacilitySystem => Some(pick(
            lang,
            "gửi từ hệ thống của cơ sở",
            "sent by the facility's system",
        )),
        Source::Import => Some(pick(
            lang,
            "chuyển từ hồ sơ trước",
            "imported from an earlier record",
        )),
    }
}

/// UCUM codes as a reader writes them.
pub(super) fn unit(ucum: &str, lang: Lang) -> String {
    match ucum {
        "mm[Hg]" => "mmHg".to_owned(),
        "Cel" => "°C".to_owned(),
        "/min" => pick(lang, "lần/phút", "/min").to_owned(),
        other => other.to_owned(),
    }
}
