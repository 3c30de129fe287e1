//! A `GIAMDINHHS` envelope written from HealthBook's own visits (teleconsultations, commune
//! stations' visits): each table's records in its inner file's layout, every field of the
//! table in the catalogue's order and empty when not given (as facilities' files are), text
//! escaped, each inner file UTF-8 with its declaration and base64 in `NOIDUNGFILE`.
//!
//! The writer knows the standard's shapes, not its rules: whether the values are right is
//! [`super::validate`]'s question, to ask of the result before sending it. It refuses only
//! what it could not write faithfully, as an `Err` naming the visit, table and field: a field
//! the table does not have, a field given twice, a table facilities do not send, a single-record
//! table given another number of records, a character XML 1.0 cannot carry. Readers of the
//! standard trim each value, so spaces around a value do not survive a round trip.

use super::catalogue::{Field, fields_of, layout};
use super::record::Record;
use base64::Engine as _;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use thiserror::Error;

/// One visit to write: its tables' records by table number (1 for the summary).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutVisit {
    pub tables: BTreeMap<u8, Vec<Record>>,
}

/// What the caller asked for that no file of the standard can hold. `visit` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WriteError {
    #[error("the facility code is empty or holds a character XML cannot carry")]
    Facility,
    #[error("visit {visit}: XML{table} is not a table facilities send")]
    UnknownTable { visit: usize, table: u8 },
    #[error("visit {visit}: XML{table} has no field {field}")]
    UnknownField {
        visit: usize,
        table: u8,
        field: String,
    },
    #[error("visit {visit}: a record of XML{table} gives {field} twice")]
    RepeatedField {
        visit: usize,
        table: u8,
        field: String,
    },
    #[error("visit {visit}: XML{table} holds one record, not {records}")]
    NotOneRecord {
        visit: usize,
        table: u8,
        records: usize,
    },
    #[error("visit {visit}: XML{table}.{field} holds a character XML 1.0 cannot carry")]
    ForbiddenCharacter {
        visit: usize,
        table: u8,
        field: String,
    },
}

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// The envelope of `visits` sent by `facility_code`, made on `made_on`, unsigned (an empty
/// `CHUKYDONVI`: signing is the facility's, over the finished file).
pub fn envelope(
    facility_code: &str,
    made_on: NaiveDate,
    visits: &[OutVisit],
) -> Result<String, WriteError> {
    let mut out = String::new();
    open_envelope(&mut out, facility_code, made_on, visits.len())?;
    for (at, visit) in visits.iter().enumerate() {
        push_visit(&mut out, at + 1, visit)?;
    }
    close_envelope(&mut out);
    Ok(out)
}

/// The envelope's beginning, up to its first visit, declaring `visits` of them. With
/// [`push_visit`] and [`close_envelope`] an envelope is written piece by piece, each sent on
/// before the next is made; a count other than the visits pushed is refused by every reader.
pub fn open_envelope(
    out: &mut String,
    facility_code: &str,
    made_on: NaiveDate,
    visits: usize,
) -> Result<(), WriteError> {
    out.push_str(DECLARATION);
    out.push_str("<GIAMDINHHS>\n <THONGTINDONVI>\n  <MACSKCB>");
    if facility_code.is_empty() || !push_escaped(out, facility_code) {
        return Err(WriteError::Facility);
    }
    out.push_str("</MACSKCB>\n </THONGTINDONVI>\n <THONGTINHOSO>\n  <NGAYLAP>");
    out.push_str(&made_on.format("%Y%m%d").to_string());
    out.push_str("</NGAYLAP>\n  <SOLUONGHOSO>");
    out.push_str(&visits.to_string());
    out.push_str("</SOLUONGHOSO>\n  <DANHSACHHOSO>\n");
    Ok(())
}

/// One `HOSO`: `visit`'s tables in their number's order. `index` (1-based) names the visit
/// in an error.
pub fn push_visit(out: &mut String, index: usize, visit: &OutVisit) -> Result<(), WriteError> {
    out.push_str("   <HOSO>\n");
    let mut inner = String::new();
    for (table, records) in &visit.tables {
        inner.clear();
        inner_file(&mut inner, index, *table, records)?;
        out.push_str("    <FILEHOSO>\n     <LOAIHOSO>XML");
        out.push_str(&table.to_string());
        out.push_str("</LOAIHOSO>\n     <NOIDUNGFILE>");
        base64::engine::general_purpose::STANDARD.encode_string(inner.as_bytes(), out);
        out.push_str("</NOIDUNGFILE>\n    </FILEHOSO>\n");
    }
    out.push_str("   </HOSO>\n");
    Ok(())
}

/// The envelope's end, after its last visit.
pub fn close_envelope(out: &mut String) {
    out.push_str("  </DANHSACHHOSO>\n </THONGTINHOSO>\n <CHUKYDONVI/>\n</GIAMDINHHS>\n");
}

/// Table `table`'s inner file of `records`, appended to `out`.
fn inner_file(
    out: &mut String,
    visit: usize,
    table: u8,
    records: &[Record],
) -> Result<(), WriteError> {
    let layout = layout(table).ok_or(WriteError::UnknownTable { visit, table })?;
    if !layout.many && records.len() != 1 {
        return Err(WriteError::NotOneRecord {
            visit,
            table,
            records: records.len(),
        });
    }
    let fields = fields_of(table);
    out.push_str(DECLARATION);
    open(out, 0, layout.root);
    let record_depth = match layout.list {
        Some(list) => {
            open(out, 1, list);
            2
        }
        None => 0,
    };
    let mut values: Vec<Option<&str>> = Vec::with_capacity(fields.len());
    for record in records {
        place(&mut values, fields, record, visit, table)?;
        if layout.list.is_some() {
            open(out, record_depth, layout.record);
        }
        for (field, value) in fields.iter().zip(&values) {
            indent(out, record_depth + 1);
            out.push('<');
            out.push_str(field.name);
            out.push('>');
            if !push_escaped(out, value.unwrap_or_default()) {
                return Err(WriteError::ForbiddenCharacter {
                    visit,
                    table,
                    field: field.name.to_owned(),
                });
            }
            out.push_str("</");
            out.push_str(field.name);
            out.push_str(">\n");
        }
        if layout.list.is_some() {
            close(out, record_depth, layout.record);
        }
    }
    if let Some(list) = layout.list {
        close(out, 1, list);
    }
    close(out, 0, layout.root);
    Ok(())
}

/// Puts `record`'s values into `values`, one slot per field of the table in its order.
fn place<'a>(
    values: &mut Vec<Option<&'a str>>,
    fields: &[Field],
    record: &'a Record,
    visit: usize,
    table: u8,
) -> Result<(), WriteError> {
    values.clear();
    values.resize(fields.len(), None);
    for (name, value) in record.fields() {
        let Some(slot) = fields.iter().position(|f| f.name == name) else {
            return Err(WriteError::UnknownField {
                visit,
                table,
                field: name.to_owned(),
            });
        };
        if values[slot].replace(value).is_some() {
            return Err(WriteError::RepeatedField {
                visit,
                table,
                field: name.to_owned(),
            });
        }
    }
    Ok(())
}

fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n(' ', depth));
}

fn open(out: &mut String, depth: usize, tag: &str) {
    indent(out, depth);
    out.push('<');
    out.push_str(tag);
    out.push_str(">\n");
}

fn close(out: &mut String, depth: usize, tag: &str) {
    indent(out, depth);
    out.push_str("</");
    out.push_str(tag);
    out.push_str(">\n");
}

/// Appends `text` as element content; `false` (with `out` partly written) when it holds a
/// character XML 1.0 has no place for: a control character other than tab, line feed and
/// carriage return, or U+FFFE/U+FFFF.
fn push_escaped(out: &mut String, text: &str) -> bool {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A parser reads a written carriage return as a line feed; the reference keeps it.
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => return false,
            c => out.push(c),
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[(&'static str, &str)]) -> Record {
        fields.iter().copied().collect()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    }

    fn one(table: u8, records: Vec<Record>) -> Vec<OutVisit> {
        vec![OutVisit {
            tables: BTreeMap::from([(table, records)]),
        }]
    }

    fn decoded(envelope: &str) -> String {
        let start = envelope.find("<NOIDUNGFILE>").unwrap() + "<NOIDUNGFILE>".len();
        let end = envelope.find("</NOIDUNGFILE>").unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&envelope[start..end])
            .unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn every_field_of_the_table_is_written_in_the_catalogues_order() {
        let xml = envelope(
            "01999",
            day(),
            &one(2, vec![record(&[("STT", "1"), ("MA_LK", "A")])]),
        )
        .unwrap();
        let inner = decoded(&xml);
        assert!(inner.starts_with(DECLARATION));
        assert!(inner.contains(
            "<CHITIEU_CHITIET_THUOC>\n <DSACH_CHI_TIET_THUOC>\n  <CHI_TIET_THUOC>\n   <MA_LK>A</MA_LK>\n   <STT>1</STT>\n"
        ));
        let written: Vec<&str> = inner
            .lines()
            .filter_map(|l| l.trim().strip_prefix('<')?.split_once('>'))
            .filter(|(_, rest)| rest.ends_with('>') && rest.contains("</"))
            .map(|(name, _)| name)
            .collect();
        let catalogue: Vec<&str> = fields_of(2).iter().map(|f| f.name).collect();
        assert_eq!(written, catalogue);
        assert!(xml.contains("<NGAYLAP>20261120</NGAYLAP>"));
        assert!(xml.contains("<SOLUONGHOSO>1</SOLUONGHOSO>"));
        assert!(xml.contains("<LOAIHOSO>XML2</LOAIHOSO>"));
        assert!(xml.contains("<CHUKYDONVI/>"));
    }

    #[test]
    fn an_envelope_written_piece_by_piece_is_the_same_envelope() {
        let visits = [
            one(2, vec![record(&[("MA_LK", "A")])]).remove(0),
            one(3, vec![record(&[("MA_LK", "B")])]).remove(0),
        ];
        let mut pieces = String::new();
        open_envelope(&mut pieces, "01999", day(), 2).unwrap();
        for (at, visit) in visits.iter().enumerate() {
            push_visit(&mut pieces, at + 1, visit).unwrap();
        }
        close_envelope(&mut pieces);
        assert_eq!(pieces, envelope("01999", day(), &visits).unwrap());
    }

    #[test]
    fn text_is_escaped_and_characters_xml_cannot_carry_are_refused() {
        let mut out = String::new();
        assert!(push_escaped(&mut out, "a & b <c> \"d\" 'e'\r\nĐ"));
        assert_eq!(out, "a &amp; b &lt;c&gt; \"d\" 'e'&#13;\nĐ");
        for bad in ["\u{0}", "a\u{1b}b", "\u{ffff}"] {
            assert!(!push_escaped(&mut String::new(), bad), "{bad:?}");
        }
        assert_eq!(
            envelope(
                "01999",
                day(),
                &one(1, vec![record(&[("HO_TEN", "A\u{7}")])])
            ),
            Err(WriteError::ForbiddenCharacter {
                visit: 1,
                table: 1,
                field: "HO_TEN".into()
            })
        );
        assert_eq!(envelope("", day(), &[]), Err(WriteError::Facility));
    }

    #[test]
    fn what_no_file_can_hold_is_an_error_not_a_panic() {
        let cases = [
            (
                one(1, vec![record(&[("NO_SUCH_FIELD", "x")])]),
                WriteError::UnknownField {
                    visit: 1,
                    table: 1,
                    field: "NO_SUCH_FIELD".into(),
                },
            ),
            (
                // A field of XML2 is not one of XML1.
                one(1, vec![record(&[("DON_GIA", "1")])]),
                WriteError::UnknownField {
                    visit: 1,
                    table: 1,
                    field: "DON_GIA".into(),
                },
            ),
            (
                one(2, vec![record(&[("STT", "1"), ("STT", "2")])]),
                WriteError::RepeatedField {
                    visit: 1,
                    table: 2,
                    field: "STT".into(),
                },
            ),
            (
                one(12, vec![record(&[])]),
                WriteError::UnknownTable {
                    visit: 1,
                    table: 12,
                },
            ),
            (
                one(16, vec![]),
                WriteError::UnknownTable {
                    visit: 1,
                    table: 16,
                },
            ),
            (
                one(1, vec![record(&[]), record(&[])]),
                WriteError::NotOneRecord {
                    visit: 1,
                    table: 1,
                    records: 2,
                },
            ),
            (
                one(1, vec![]),
                WriteError::NotOneRecord {
                    visit: 1,
                    table: 1,
                    records: 0,
                },
            ),
        ];
        for (visits, expected) in cases {
            assert_eq!(envelope("01999", day(), &visits), Err(expected));
        }
    }
}
