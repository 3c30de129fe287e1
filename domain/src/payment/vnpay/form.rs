//! The form encoding VNPAY signs, and the signature itself.
//!
//! VNPAY signs the query string, not the values: parameters sorted by name, each name and
//! value form-encoded, joined with `&`, HMAC-SHA512 with the merchant's hash secret, in lower
//! hex. Both sides must encode alike, so the encoding follows VNPAY's PHP reference code
//! (`urlencode`): letters, digits and `-_.` stay, a space becomes `+`, every other byte of the
//! UTF-8 text becomes `%XX` in upper hex.

use super::{HashSecret, VnpayError};
use ring::hmac;
use std::collections::BTreeMap;

pub(super) fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                encoded.push(char::from(byte));
            }
            b' ' => encoded.push('+'),
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

/// `None` for a broken `%` escape or bytes that are not UTF-8.
pub(super) fn decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        match byte {
            b'+' => {
                bytes.push(b' ');
                rest = tail;
            }
            b'%' => {
                let hex = tail.get(..2)?;
                let high = char::from(*hex.first()?).to_digit(16)?;
                let low = char::from(*hex.get(1)?).to_digit(16)?;
                bytes.push(u8::try_from(high * 16 + low).ok()?);
                rest = tail.get(2..)?;
            }
            other => {
                bytes.push(other);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).ok()
}

/// The string VNPAY signs. Empty values are left out, as VNPAY's Java sample code leaves
/// them out, both when building a request and when checking a notification.
pub(super) fn signing_string<K: AsRef<str>, V: AsRef<str>>(params: &BTreeMap<K, V>) -> String {
    params
        .iter()
        .filter(|(_, value)| !value.as_ref().is_empty())
        .map(|(key, value)| format!("{}={}", encode(key.as_ref()), encode(value.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// HMAC-SHA512 of `data` under the hash secret, in lower hex.
pub(super) fn sign(secret: &HashSecret, data: &str) -> String {
    crate::text::hex(hmac::sign(&secret.key(), data.as_bytes()).as_ref())
}

/// Checks a hex signature in constant time; its case does not matter.
pub(super) fn verify(secret: &HashSecret, data: &str, signature: &str) -> Result<(), VnpayError> {
    let tag = hex_bytes(signature).ok_or(VnpayError::BadSignature)?;
    hmac::verify(&secret.key(), data.as_bytes(), &tag).map_err(|_| VnpayError::BadSignature)
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let high = char::from(*pair.first()?).to_digit(16)?;
            let low = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(high * 16 + low).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encoding_matches_php_urlencode() {
        assert_eq!(encode("Thanh toan don hang :5"), "Thanh+toan+don+hang+%3A5");
        assert_eq!(
            encode("https://domainmerchant.vn/ReturnUrl"),
            "https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
        );
        assert_eq!(encode("a-b_c.d~e*f"), "a-b_c.d%7Ee%2Af");
        assert_eq!(encode("Phí"), "Ph%C3%AD");
    }

    #[test]
    fn broken_escapes_do_not_decode() {
        assert_eq!(decode("%4"), None);
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%FF"), None);
        assert_eq!(decode("a+b%2Bc").as_deref(), Some("a b+c"));
    }

    proptest! {
        #[test]
        fn decode_undoes_encode(text in any::<String>()) {
            prop_assert_eq!(decode(&encode(&text)), Some(text));
        }
    }
}
