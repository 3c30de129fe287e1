//! What can be wrong with a file of the standard, each with a stable code.

use crate::i18n::{Lang, Localized};

/// A problem with one value, record or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A field the table does not have (under the QĐ 4750 layer, which this catalogue is).
    UnknownField,
    RepeatedField,
    Required,
    TooLong(u16),
    NotANumber,
    NotADate,
    /// Not one of the standard's codes.
    NotACode,
    EmptyListItem,
    /// Not an ICD-10 code that exists on the visit's discharge day.
    UnknownDiagnosis,
    /// A row's `MA_LK` differs from the summary's.
    OtherVisit,
    /// The summary's total differs from the sum of the rows'; both amounts shown.
    TotalMismatch {
        stated: String,
        computed: String,
    },
    /// The summary's facility is not the one the envelope (and the credential) is for.
    OtherFacility,
    DischargeBeforeAdmission,
    /// XML12, or a number the standard does not have.
    TableNotAccepted,
    TableRepeated,
    SummaryMissing,
    /// A table holding one record holds several.
    SeveralRecords,
    TooManyRecords,
    /// The file is not the table's layout: another root or record tag.
    WrongLayout,
    /// Discharged before the standard this service reads was in force.
    StandardNotSupported,
    Base64,
    /// A visit (`MA_LK`) sent twice in one envelope.
    RepeatedVisit,
    /// The inner file's XML itself (see the envelope's codes for the kinds).
    InnerXml(&'static str),
}

impl Localized for Problem {
    fn code(&self) -> &'static str {
        match self {
            Problem::UnknownField => "xml_field_unknown",
            Problem::RepeatedField => "xml_field_repeated",
            Problem::Required => "xml_field_required",
            Problem::TooLong(_) => "xml_field_too_long",
            Problem::NotANumber => "xml_field_not_a_number",
            Problem::NotADate => "xml_field_not_a_date",
            Problem::NotACode => "xml_field_not_a_code",
            Problem::EmptyListItem => "xml_field_empty_list_item",
            Problem::UnknownDiagnosis => "xml_icd10_unknown",
            Problem::OtherVisit => "xml_ma_lk_mismatch",
            Problem::TotalMismatch { .. } => "xml_total_mismatch",
            Problem::OtherFacility => "xml_facility_mismatch",
            Problem::DischargeBeforeAdmission => "xml_discharge_before_admission",
            Problem::TableNotAccepted => "xml_table_not_accepted",
            Problem::TableRepeated => "xml_table_repeated",
            Problem::SummaryMissing => "xml_summary_missing",
            Problem::SeveralRecords => "xml_several_records",
            Problem::TooManyRecords => "xml_too_many_records",
            Problem::WrongLayout => "xml_wrong_layout",
            Problem::StandardNotSupported => "xml_standard_not_supported",
            Problem::Base64 => "xml_base64_invalid",
            Problem::RepeatedVisit => "xml_visit_repeated",
            Problem::InnerXml(code) => code,
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (vi, en): (String, String) = match self {
            Problem::UnknownField => (
                "Bảng không có trường này.".into(),
                "The table has no such field.".into(),
            ),
            Problem::RepeatedField => (
                "Trường xuất hiện hai lần trong một bản ghi.".into(),
                "The field appears twice in one record.".into(),
            ),
            Problem::Required => ("Trường bắt buộc.".into(), "The field is required.".into()),
            Problem::TooLong(max) => (
                format!("Dài quá {max} ký tự."),
                format!("Longer than {max} characters."),
            ),
            Problem::NotANumber => (
                "Không phải là số (chữ số, dấu chấm thập phân).".into(),
                "Not a number (digits, a decimal point).".into(),
            ),
            Problem::NotADate => (
                "Không phải ngày giờ có thật theo định dạng của chuẩn.".into(),
                "Not a real date in the standard's format.".into(),
            ),
            Problem::NotACode => (
                "Không phải mã trong danh mục của chuẩn.".into(),
                "Not one of the standard's codes.".into(),
            ),
            Problem::EmptyListItem => (
                "Danh sách phân cách bằng ';' có phần tử rỗng.".into(),
                "The ';'-separated list has an empty item.".into(),
            ),
            Problem::UnknownDiagnosis => (
                "Mã ICD-10 không tồn tại vào ngày ra viện.".into(),
                "No such ICD-10 code on the discharge day.".into(),
            ),
            Problem::OtherVisit => (
                "MA_LK khác với MA_LK của bảng XML1.".into(),
                "MA_LK differs from XML1's.".into(),
            ),
            Problem::TotalMismatch { stated, computed } => (
                format!("Tổng ghi {stated} nhưng cộng các dòng được {computed}."),
                format!("The total says {stated}; the rows add up to {computed}."),
            ),
            Problem::OtherFacility => (
                "Mã cơ sở KBCB không phải của cơ sở gửi dữ liệu.".into(),
                "The facility code is not the sending facility's.".into(),
            ),
            Problem::DischargeBeforeAdmission => (
                "Ngày ra trước ngày vào.".into(),
                "Discharged before admitted.".into(),
            ),
            Problem::TableNotAccepted => (
                "Bảng này không được gửi từ cơ sở KBCB.".into(),
                "Facilities do not send this table.".into(),
            ),
            Problem::TableRepeated => (
                "Hồ sơ có hai file cùng loại.".into(),
                "The visit has two files of the same table.".into(),
            ),
            Problem::SummaryMissing => (
                "Hồ sơ thiếu bảng XML1.".into(),
                "The visit has no XML1 summary.".into(),
            ),
            Problem::SeveralRecords => (
                "Bảng này chỉ có một bản ghi.".into(),
                "This table holds a single record.".into(),
            ),
            Problem::TooManyRecords => (
                "Bảng có quá nhiều bản ghi.".into(),
                "The table has too many records.".into(),
            ),
            Problem::WrongLayout => (
                "Thẻ gốc hoặc thẻ bản ghi không đúng với bảng.".into(),
                "The root or record tag is not the table's.".into(),
            ),
            Problem::StandardNotSupported => (
                "Lượt khám ra viện trước ngày 01/07/2024, theo chuẩn cũ không được hỗ trợ.".into(),
                "Discharged before 1 July 2024, under an earlier standard not supported.".into(),
            ),
            Problem::Base64 => (
                "NOIDUNGFILE không phải base64 hợp lệ.".into(),
                "NOIDUNGFILE is not valid base64.".into(),
            ),
            Problem::RepeatedVisit => (
                "MA_LK này đã có trong cùng tệp.".into(),
                "This MA_LK is already in the same envelope.".into(),
            ),
            Problem::InnerXml(code) => (
                format!("File XML bên trong không hợp lệ ({code})."),
                format!("The inner XML file is not valid ({code})."),
            ),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}
