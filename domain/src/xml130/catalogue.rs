//! The tables and fields of the standard: the 16 tables' tags (`data/xml130/tables.json`),
//! and the 481 fields with their type and maximum length as QĐ 4750 left them
//! (`data/xml130/fields.csv`, compiled by `build/xml130.rs`).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// One field of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The table's number: 1 for XML1.
    pub table: u8,
    pub name: &'static str,
    /// A string (`Chuỗi`) rather than a number (`Số`); codes stay strings, leading zeros and
    /// all.
    pub text: bool,
    /// In characters; `None` where the standard sets none (`n`).
    pub max_len: Option<u16>,
    pub added_by_4750: bool,
}

mod data {
    use super::Field;

    include!(concat!(env!("OUT_DIR"), "/xml130_data.rs"));
}

/// Where a table's records sit in its inner file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub root: &'static str,
    /// The element between the root and the records; `None` where the root is the record.
    pub list: Option<&'static str>,
    pub record: &'static str,
    /// Whether the table holds many records (XML2) or one (XML1).
    pub many: bool,
}

/// The inner file's tags of table `number`; `None` for XML12, which facilities do not send
/// (medical-assessment councils enter it on the insurer's portal), and for unknown numbers.
pub fn layout(number: u8) -> Option<Layout> {
    let (root, list, record, many) = match number {
        0 => (
            "CHI_TIEU_TRANG_THAI_KCB",
            Some("DSACH_TRANG_THAI_KCB"),
            "TRANG_THAI_KCB",
            true,
        ),
        1 => ("TONG_HOP", None, "TONG_HOP", false),
        2 => (
            "CHITIEU_CHITIET_THUOC",
            Some("DSACH_CHI_TIET_THUOC"),
            "CHI_TIET_THUOC",
            true,
        ),
        3 => (
            "CHITIEU_CHITIET_DVKT_VTYT",
            Some("DSACH_CHI_TIET_DVKT"),
            "CHI_TIET_DVKT",
            true,
        ),
        4 => (
            "CHITIEU_CHITIET_DICHVUCANLAMSANG",
            Some("DSACH_CHI_TIET_CLS"),
            "CHI_TIET_CLS",
            true,
        ),
        5 => (
            "CHITIEU_CHITIET_DIENBIENLAMSANG",
            Some("DSACH_CHI_TIET_DIEN_BIEN_BENH"),
            "CHI_TIET_DIEN_BIEN_BENH",
            true,
        ),
        6 => (
            "CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS",
            Some("DSACH_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS"),
            "HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS",
            true,
        ),
        7 => single("CHI_TIEU_DU_LIEU_GIAY_RA_VIEN"),
        8 => single("CHI_TIEU_DU_LIEU_TOM_TAT_HO_SO_BENH_AN"),
        9 => (
            "CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH",
            Some("DSACH_GIAYCHUNGSINH"),
            "DU_LIEU_GIAY_CHUNG_SINH",
            true,
        ),
        10 => single("CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI"),
        11 => single("CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI"),
        13 => single("CHI_TIEU_GIAYCHUYENTUYEN"),
        14 => single("CHI_TIEU_GIAYHEN_KHAMLAI"),
        15 => (
            "CHI_TIEU_DIEUTRI_BENHLAO",
            Some("DSACH_CHITIET_DIEUTRI_BENHLAO"),
            "CHITIET_DIEUTRI_BENHLAO",
            true,
        ),
        _ => return None,
    };
    Some(Layout {
        root,
        list,
        record,
        many,
    })
}

fn single(root: &'static str) -> (&'static str, Option<&'static str>, &'static str, bool) {
    (root, None, root, false)
}

/// The number of a `LOAIHOSO` code: `XML2` is 2. XML12 is a number too; [`layout`] refuses it.
pub fn table_number(code: &str) -> Option<u8> {
    let digits = code.trim().strip_prefix("XML")?;
    if digits.is_empty() || digits.len() > 2 || (digits.len() == 2 && digits.starts_with('0')) {
        return None;
    }
    digits.parse().ok().filter(|n| *n <= 15)
}

/// Every field, in the order of the standard.
pub fn fields() -> &'static [Field] {
    &data::FIELDS
}

/// The most fields a table has (XML1 has 66): room to spare for a table's seen fields.
pub const MAX_TABLE_FIELDS: usize = 128;

/// The fields of table `number`, in the standard's order (the catalogue keeps each table's
/// fields together); empty for a number the standard does not have.
pub fn fields_of(number: u8) -> &'static [Field] {
    fields().get(range_of(number)).unwrap_or_default()
}

/// Where table `number`'s fields are in [`fields`]: found once, since every field read is
/// looked up in its table.
fn range_of(number: u8) -> Range<usize> {
    static RANGES: OnceLock<Vec<Range<usize>>> = OnceLock::new();
    let ranges = RANGES.get_or_init(|| {
        (0..=u8::MAX)
            .map(|number| {
                let start = fields().partition_point(|f| f.table < number);
                start..fields().partition_point(|f| f.table <= number)
            })
            .collect()
    });
    ranges.get(usize::from(number)).cloned().unwrap_or(0..0)
}

/// How each field of table `number` is written, in the order of [`fields_of`].
pub fn formats_of(number: u8) -> &'static [Format] {
    static FORMATS: OnceLock<Vec<Format>> = OnceLock::new();
    let all = FORMATS.get_or_init(|| fields().iter().map(format).collect());
    all.get(range_of(number)).unwrap_or_default()
}

/// The field `name` of table `number`.
pub fn field(number: u8, name: &str) -> Option<&'static Field> {
    index_of(number, name).and_then(|at| fields().get(at))
}

/// Where the field `name` of table `number` is in [`fields_of`]`(number)`.
pub fn position(number: u8, name: &str) -> Option<usize> {
    let first = range_of(number).start;
    index_of(number, name).map(|at| at - first)
}

/// [`position`], looked for first at `expected`: files list a table's fields in the
/// catalogue's order, so the field after the last one found is nearly always the next.
pub fn position_from(number: u8, name: &str, expected: usize) -> Option<usize> {
    match fields_of(number).get(expected) {
        Some(field) if field.name == name => Some(expected),
        _ => position(number, name),
    }
}

fn index_of(number: u8, name: &str) -> Option<usize> {
    static INDEX: OnceLock<HashMap<(u8, &'static str), usize>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        fields()
            .iter()
            .enumerate()
            .map(|(at, f)| ((f.table, f.name), at))
            .collect()
    });
    index.get(&(number, name)).copied()
}

/// How a string field's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `yyyyMMddHHmm`.
    Minute,
    /// `yyyyMMdd`.
    Day,
    /// `yyyyMMdd` values separated by `;`: a card's periods (`GT_THE_TU` in XML1 lists one
    /// day per period of validity, as `MA_THE_BHYT` lists one card each).
    Days,
    /// A birth time (`NGAY_SINH`, `NGAY_SINH_CON`…): 12 characters where an unknown day and
    /// month are `0000` and an unknown time `0000`.
    Birth,
    /// `;` between values, none of them empty.
    List,
    /// One of the standard's codes.
    Code(&'static [&'static str]),
    Free,
}

/// Fields whose values are `;`-separated lists (QĐ 130's and QĐ 4750's wording: "cách nhau
/// bằng dấu chấm phẩy").
const LISTS: [&str; 7] = [
    "MA_BENH_KT",
    "MA_BENH_YHCT",
    "MA_PTTT_QT",
    "MA_DICH_VU",
    "TT_THAU",
    "MA_BAC_SI",
    "NGUOI_THUC_HIEN",
];

/// The code lists of `tables.json`. MA_LOAI_KCB 11–16 come from QĐ 1804/2026 through
/// secondary sources: accepted (a value of low confidence may never cause a refusal).
const SEX: &[&str] = &["1", "2", "3"];
const OUTCOME: &[&str] = &["1", "2", "3", "4", "5", "6", "7", "8"];
const DISCHARGE: &[&str] = &["1", "2", "3", "4", "5"];
const AREA: &[&str] = &["K1", "K2", "K3"];
const VISIT_TYPE: &[&str] = &[
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16",
];

/// How `field`'s value is written.
pub fn format(field: &Field) -> Format {
    let name = field.name;
    match name {
        "GIOI_TINH" => return Format::Code(SEX),
        "KET_QUA_DTRI" => return Format::Code(OUTCOME),
        "MA_LOAI_RV" => return Format::Code(DISCHARGE),
        "MA_KHUVUC" => return Format::Code(AREA),
        "MA_LOAI_KCB" => return Format::Code(VISIT_TYPE),
        _ => {}
    }
    if LISTS.contains(&name) {
        return Format::List;
    }
    let dated = name.starts_with("NGAY")
        || name.starts_with("THOI")
        || name.starts_with("GT_THE_")
        || matches!(name, "TU_NGAY" | "DEN_NGAY" | "NAM_NAM_LIEN_TUC");
    match (dated, field.max_len) {
        (true, None) if name.starts_with("GT_THE_") => Format::Days,
        (true, Some(12)) if name.starts_with("NGAY_SINH") || name == "NGAYSINH_NND" => {
            Format::Birth
        }
        (true, Some(12)) => Format::Minute,
        (true, Some(8)) => Format::Day,
        _ => Format::Free,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_holds_the_481_fields_of_the_16_tables() {
        assert_eq!(fields().len(), 481);
        for number in 0..=15u8 {
            assert!(fields().iter().any(|f| f.table == number), "XML{number}");
            assert_eq!(layout(number).is_none(), number == 12);
        }
        assert!(fields().iter().all(|f| field(f.table, f.name) == Some(f)));
    }

    #[test]
    fn each_tables_fields_are_found_together_and_in_order() {
        for number in 0..=16u8 {
            let scattered: Vec<&Field> = fields().iter().filter(|f| f.table == number).collect();
            let together: Vec<&Field> = fields_of(number).iter().collect();
            assert_eq!(together, scattered, "XML{number}");
        }
        assert_eq!(fields_of(1)[0].name, "MA_LK");
        for f in fields() {
            let at = position(f.table, f.name).unwrap();
            assert_eq!(&fields_of(f.table)[at], f);
        }
        assert_eq!(position(1, "DON_GIA"), None, "a field of XML2");
        assert_eq!(position_from(1, "STT", 1), Some(1));
        assert_eq!(position_from(1, "MA_LK", 1), Some(0), "out of order");
        assert_eq!(position_from(1, "DON_GIA", 0), None);
        assert_eq!(position_from(1, "MA_LK", 999), Some(0));
        for number in 0..=16u8 {
            let formats: Vec<Format> = fields_of(number).iter().map(format).collect();
            assert_eq!(formats_of(number), formats, "XML{number}");
        }
        assert!(fields_of(16).is_empty());
        assert!((0..=15).all(|number| fields_of(number).len() <= MAX_TABLE_FIELDS));
    }

    #[test]
    fn qd_4750_turned_numbers_into_strings_and_widened_fields() {
        let national_id = field(0, "SO_CCCD").unwrap();
        assert!(national_id.text, "SO_CCCD is a string since QĐ 4750");
        let visit_type = field(1, "MA_LOAI_KCB").unwrap();
        assert!(visit_type.text, "MA_LOAI_KCB keeps its leading zero");
        assert_eq!(field(1, "MA_DOITUONG_KCB").unwrap().max_len, Some(4));
        assert!(field(0, "NGAY_VAO_NOI_TRU").unwrap().added_by_4750);
        assert!(!field(1, "NGAY_VAO").unwrap().added_by_4750);
        assert!(!field(1, "T_THUOC").unwrap().text);
        assert_eq!(field(2, "DU_PHONG").unwrap().max_len, None);
    }

    #[test]
    fn formats_follow_the_names_and_lengths() {
        let of = |t, n| format(field(t, n).unwrap());
        assert_eq!(of(1, "NGAY_VAO"), Format::Minute);
        assert_eq!(of(0, "GT_THE_TU"), Format::Day);
        assert_eq!(of(1, "GT_THE_TU"), Format::Days);
        assert_eq!(of(1, "NGAY_SINH"), Format::Birth);
        assert_eq!(of(1, "MA_BENH_KT"), Format::List);
        assert_eq!(of(1, "GIOI_TINH"), Format::Code(SEX));
        assert_eq!(of(1, "HO_TEN"), Format::Free);
    }

    #[test]
    fn table_codes() {
        assert_eq!(table_number("XML0"), Some(0));
        assert_eq!(table_number("XML15"), Some(15));
        assert_eq!(table_number("XML12"), Some(12));
        for bad in ["XML16", "XML01", "XML", "xml1", "XML-1", "XML1a"] {
            assert_eq!(table_number(bad), None, "{bad}");
        }
    }
}
