//! The values VNPAY messages carry, each parsed once into a type that holds only what
//! VNPAY's parameter tables allow, and the instants in the gateway's time zone.

use super::VnpayError;
use crate::Sensitive;
use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use ring::hmac;

/// The merchant's hash secret, the HMAC-SHA512 key of every signature. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct HashSecret(Sensitive<String>);

impl HashSecret {
    /// Refuses an empty secret: a missing setting would otherwise sign with an empty key,
    /// which anyone can reproduce.
    pub fn new(secret: String) -> Result<HashSecret, VnpayError> {
        if secret.is_empty() {
            Err(VnpayError::EmptySecret)
        } else {
            Ok(HashSecret(Sensitive::new(secret)))
        }
    }

    pub(super) fn key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA512, self.0.expose().as_bytes())
    }
}

impl std::fmt::Debug for HashSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HashSecret({:?})", self.0)
    }
}

/// Declares a string newtype that holds only ASCII text of a length range and charset.
macro_rules! checked_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $lengths:expr, $allowed:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn parse(text: &str) -> Result<$name, VnpayError> {
                let allowed: fn(u8) -> bool = $allowed;
                if $lengths.contains(&text.len()) && text.bytes().all(allowed) {
                    Ok($name(text.to_owned()))
                } else {
                    Err(VnpayError::InvalidField($field))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

checked_text!(
    /// The merchant's terminal code (`vnp_TmnCode`): eight letters and digits.
    TmnCode, "vnp_TmnCode", 8..=8, |b| b.is_ascii_alphanumeric()
);
checked_text!(
    /// The merchant's reference of one payment attempt (`vnp_TxnRef`), unique per terminal:
    /// 1 to 100 letters and digits.
    TxnRef, "vnp_TxnRef", 1..=100, |b| b.is_ascii_alphanumeric()
);
checked_text!(
    /// What is paid for (`vnp_OrderInfo`): 1 to 255 printable ASCII characters, since VNPAY
    /// asks for Vietnamese without diacritics.
    OrderInfo, "vnp_OrderInfo", 1..=255, |b| (b' '..=b'~').contains(&b)
);
checked_text!(
    /// The goods category code VNPAY assigns (`vnp_OrderType`), such as `other`.
    OrderType, "vnp_OrderType", 1..=100, |b| b.is_ascii_alphanumeric() || b == b'_'
);
checked_text!(
    /// The id of one `querydr` request (`vnp_RequestId`), unique within a day: 1 to 32
    /// letters and digits.
    RequestId, "vnp_RequestId", 1..=32, |b| b.is_ascii_alphanumeric()
);
/// Where VNPAY sends the person back (`vnp_ReturnUrl`): an http(s) URL of printable ASCII
/// without spaces, at most 255 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReturnUrl(String);

impl ReturnUrl {
    pub fn parse(text: &str) -> Result<ReturnUrl, VnpayError> {
        let has_scheme = text.starts_with("https://") || text.starts_with("http://");
        let printable = text.bytes().all(|b| (b'!'..=b'~').contains(&b));
        if has_scheme && printable && text.len() <= 255 {
            Ok(ReturnUrl(text.to_owned()))
        } else {
            Err(VnpayError::InvalidField("vnp_ReturnUrl"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The language of VNPAY's pages (`vnp_Locale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    Vietnamese,
    English,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Vietnamese => "vn",
            Locale::English => "en",
        }
    }
}

impl From<crate::Lang> for Locale {
    fn from(lang: crate::Lang) -> Self {
        match lang {
            crate::Lang::Vi => Locale::Vietnamese,
            crate::Lang::En => Locale::English,
        }
    }
}

const GATEWAY_TIME_FORMAT: &str = "%Y%m%d%H%M%S";

fn vietnam_time() -> FixedOffset {
    // GMT+7 has no daylight saving; seven hours east is always in range.
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| Utc.fix())
}

/// `yyyyMMddHHmmss` in GMT+7; fractions of a second are dropped.
pub(super) fn gateway_time(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&vietnam_time())
        .format(GATEWAY_TIME_FORMAT)
        .to_string()
}

pub(super) fn parse_gateway_time(text: &str) -> Option<DateTime<Utc>> {
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let local = NaiveDateTime::parse_from_str(text, GATEWAY_TIME_FORMAT).ok()?;
    vietnam_time()
        .from_local_datetime(&local)
        .single()
        .map(|instant| instant.with_timezone(&Utc))
}
