//! VNPAY's payment gateway, protocol version 2.1.0: the signed redirect that sends a person
//! to pay, the notification (IPN) and return URL that tell how it went, the answer VNPAY
//! expects to an IPN, and the signature of a transaction query (`querydr`).
//!
//! Every message is signed with HMAC-SHA512 under the merchant's hash secret (see
//! `form.rs`). A notification is believed only after its signature checks out and it names
//! our terminal; its amount comes back multiplied by 100 and is read back into
//! [`Dong`](super::Dong). Times travel as `yyyyMMddHHmmss` in Vietnam's time (GMT+7); here
//! they are UTC instants.

mod fields;
mod form;
mod ipn;
mod notification;
mod payment_url;
mod querydr;

pub use fields::{HashSecret, Locale, OrderInfo, OrderType, RequestId, ReturnUrl, TmnCode, TxnRef};
pub use ipn::{IpnAnswer, OrderStanding};
pub use notification::{Notification, PaymentOutcome, VerifiedQuery, verify_query};
pub use payment_url::PaymentRequest;
pub use querydr::QueryDrRequest;

/// The protocol version this module speaks.
pub const VERSION: &str = "2.1.0";

/// Why a VNPAY message could not be built or believed. [`VnpayError::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VnpayError {
    #[error("the hash secret is empty")]
    EmptySecret,
    #[error("{0} is not valid")]
    InvalidField(&'static str),
    #[error("the amount is zero or larger than VNPAY accepts")]
    AmountOutOfRange,
    #[error("the payment must expire after it is created")]
    ExpiryNotAfterCreation,
    #[error("the query string has a broken percent escape or is not UTF-8")]
    MalformedQuery,
    #[error("parameter {0} appears twice")]
    DuplicateParameter(String),
    #[error("the query carries no vnp_SecureHash")]
    MissingSignature,
    #[error("the signature does not match: the query was altered or signed with another secret")]
    BadSignature,
    #[error("{0} is required")]
    MissingField(&'static str),
    #[error("{0} is malformed")]
    MalformedField(&'static str),
    #[error("vnp_Amount is not a whole number of đồng times 100")]
    MalformedAmount,
    #[error("the notification is for another merchant terminal")]
    WrongMerchant,
}

impl VnpayError {
    /// Stable, machine-readable, `snake_case`.
    pub fn code(&self) -> &'static str {
        match self {
            VnpayError::EmptySecret => "vnpay_secret_empty",
            VnpayError::InvalidField(_) => "vnpay_field_invalid",
            VnpayError::AmountOutOfRange => "vnpay_amount_out_of_range",
            VnpayError::ExpiryNotAfterCreation => "vnpay_expiry_not_after_creation",
            VnpayError::MalformedQuery => "vnpay_query_malformed",
            VnpayError::DuplicateParameter(_) => "vnpay_duplicate_parameter",
            VnpayError::MissingSignature => "vnpay_signature_missing",
            VnpayError::BadSignature => "vnpay_signature_invalid",
            VnpayError::MissingField(_) => "vnpay_field_missing",
            VnpayError::MalformedField(_) => "vnpay_field_malformed",
            VnpayError::MalformedAmount => "vnpay_amount_malformed",
            VnpayError::WrongMerchant => "vnpay_wrong_merchant",
        }
    }
}
