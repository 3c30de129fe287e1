//! The data layout of EMVCo merchant-presented QR codes (EMV QRCPS-MPM), on which VietQR is
//! built: a flat run of data objects, each a two-digit tag, a two-digit length and that many
//! characters of value, some of them templates holding data objects of their own, and a
//! CRC-16 over everything up to and including the CRC's own tag and length (`6304`).
//!
//! This module knows the layout only; which tags mean what is [`super::vietqr`]'s business.

use std::fmt::Write as _;

/// The tag and length that open the CRC object; they are covered by the CRC themselves.
pub(crate) const CRC_HEADER: &str = "6304";
/// EMV QRCPS caps a data object's value at 99 characters: the length has two digits.
pub(crate) const MAX_VALUE_LENGTH: usize = 99;

/// CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no reflection, no final
/// xor), the checksum EMV QRCPS prescribes. Its check value: `"123456789"` gives `0x29B1`.
pub fn crc16_ccitt_false(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for byte in bytes {
        crc ^= u16::from(*byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The four uppercase hex digits that close a payload whose text so far is `covered`
/// (which already ends in [`CRC_HEADER`]).
pub(crate) fn crc_digits(covered: &str) -> String {
    format!("{:04X}", crc16_ccitt_false(covered.as_bytes()))
}

/// One data object as read: its tag and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DataObject<'a> {
    pub tag: u8,
    pub value: &'a str,
}

/// Why a run of data objects could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LayoutError {
    /// A tag or a length is not two digits, or a length is zero.
    BadHeader,
    /// A length runs past the end of the text that holds it.
    Truncated,
}

/// Reads `text` as consecutive data objects. The text must be ASCII (checked by the caller),
/// so that lengths in characters and offsets in bytes agree.
pub(crate) fn read_objects(text: &str) -> Result<Vec<DataObject<'_>>, LayoutError> {
    let mut objects = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let tag = two_digits(rest.get(0..2)).ok_or(LayoutError::BadHeader)?;
        let length = two_digits(rest.get(2..4)).ok_or(LayoutError::BadHeader)?;
        if length == 0 {
            return Err(LayoutError::BadHeader);
        }
        let end = 4 + usize::from(length);
        let value = rest.get(4..end).ok_or(LayoutError::Truncated)?;
        objects.push(DataObject { tag, value });
        rest = rest.get(end..).unwrap_or_default();
    }
    Ok(objects)
}

fn two_digits(text: Option<&str>) -> Option<u8> {
    let text = text?;
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// Appends one data object. Values are built from validated parts that stay within
/// [`MAX_VALUE_LENGTH`]; the debug assertion guards that promise while testing.
pub(crate) fn write_object(out: &mut String, tag: u8, value: &str) {
    debug_assert!(!value.is_empty() && value.len() <= MAX_VALUE_LENGTH);
    // Writing to a String cannot fail.
    let _ = write!(out, "{tag:02}{:02}{value}", value.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_catalogued_check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

    #[test]
    fn objects_are_read_in_order_and_templates_left_whole() {
        let objects = read_objects("00020138100006970436").unwrap();
        assert_eq!(
            objects,
            vec![
                DataObject {
                    tag: 0,
                    value: "01"
                },
                DataObject {
                    tag: 38,
                    value: "0006970436"
                },
            ]
        );
        assert_eq!(read_objects("0002010"), Err(LayoutError::BadHeader));
        assert_eq!(read_objects("000501"), Err(LayoutError::Truncated));
        assert_eq!(read_objects("0000"), Err(LayoutError::BadHeader));
    }
}
