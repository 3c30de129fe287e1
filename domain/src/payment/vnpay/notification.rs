//! What VNPAY says about a payment: the IPN call to the server and the return URL the person
//! comes back on carry the same signed query.

use super::fields::{HashSecret, TmnCode, TxnRef, gateway_time, parse_gateway_time};
use super::{VnpayError, form};
use crate::payment::Dong;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

const SIGNATURE: &str = "vnp_SecureHash";
/// Sent by older protocol versions; never part of what is signed.
const SIGNATURE_TYPE: &str = "vnp_SecureHashType";

/// The `vnp_` parameters of a query whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedQuery {
    params: BTreeMap<String, String>,
}

impl VerifiedQuery {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

/// Checks the signature of a query string (with or without what precedes `?`): the `vnp_`
/// parameters but the hash itself, sorted and encoded as VNPAY signs them, compared in
/// constant time. A parameter given twice is refused: which copy was signed is unknowable.
pub fn verify_query(query: &str, secret: &HashSecret) -> Result<VerifiedQuery, VnpayError> {
    let query = query.split_once('?').map_or(query, |(_, after)| after);
    let mut params = BTreeMap::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = form::decode(name).ok_or(VnpayError::MalformedQuery)?;
        let value = form::decode(value).ok_or(VnpayError::MalformedQuery)?;
        if !name.starts_with("vnp_") {
            continue;
        }
        if params.contains_key(&name) {
            return Err(VnpayError::DuplicateParameter(name));
        }
        params.insert(name, value);
    }
    let signature = params
        .remove(SIGNATURE)
        .ok_or(VnpayError::MissingSignature)?;
    params.remove(SIGNATURE_TYPE);
    form::verify(secret, &form::signing_string(&params), &signature)?;
    Ok(VerifiedQuery { params })
}

/// A payment result from VNPAY, read from a verified query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub tmn_code: TmnCode,
    pub txn_ref: TxnRef,
    pub amount: Dong,
    /// `vnp_ResponseCode`: two digits, `00` for success.
    pub response_code: String,
    /// `vnp_TransactionStatus`: two digits, `00` for success.
    pub transaction_status: String,
    /// VNPAY's own number for the transaction, what its support and refunds ask for.
    pub transaction_no: String,
    pub bank_code: String,
    pub pay_date: Option<DateTime<Utc>>,
}

/// What became of a payment, from VNPAY's documented response codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentOutcome {
    Paid,
    /// 07: the money was taken but VNPAY holds the transaction as suspicious until the
    /// merchant accepts or refuses it in VNPAY's merchant portal. Neither paid nor failed.
    HeldAsSuspicious,
    /// 24.
    CancelledByCustomer,
    /// 11: the time to pay ran out.
    Expired,
    /// 51.
    InsufficientFunds,
    /// 65.
    DailyLimitExceeded,
    /// 75.
    BankUnderMaintenance,
    /// Any other code: the payment did not go through.
    Failed,
}

impl Notification {
    /// Verifies `query` and reads it, refusing a notification for another terminal: a
    /// signature alone does not prove the payment was ours if two terminals share a secret.
    pub fn verify(
        query: &str,
        secret: &HashSecret,
        merchant: &TmnCode,
    ) -> Result<Notification, VnpayError> {
        let verified = verify_query(query, secret)?;
        let notification = Notification::read(&verified)?;
        if notification.tmn_code != *merchant {
            return Err(VnpayError::WrongMerchant);
        }
        Ok(notification)
    }

    fn read(query: &VerifiedQuery) -> Result<Notification, VnpayError> {
        let field = |name: &'static str| query.get(name).ok_or(VnpayError::MissingField(name));
        let two_digits = |name: &'static str| {
            let value = field(name)?;
            if value.len() == 2 && value.bytes().all(|b| b.is_ascii_digit()) {
                Ok(value.to_owned())
            } else {
                Err(VnpayError::MalformedField(name))
            }
        };
        let checked = |name: &'static str, lengths: std::ops::RangeInclusive<usize>| {
            let value = field(name)?;
            if lengths.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
                Ok(value.to_owned())
            } else {
                Err(VnpayError::MalformedField(name))
            }
        };
        let pay_date = query
            .get("vnp_PayDate")
            .map(|date| parse_gateway_time(date).ok_or(VnpayError::MalformedField("vnp_PayDate")))
            .transpose()?;
        Ok(Notification {
            tmn_code: TmnCode::parse(field("vnp_TmnCode")?)?,
            txn_ref: TxnRef::parse(field("vnp_TxnRef")?)?,
            amount: gateway_amount(field("vnp_Amount")?)?,
            response_code: two_digits("vnp_ResponseCode")?,
            transaction_status: two_digits("vnp_TransactionStatus")?,
            transaction_no: checked("vnp_TransactionNo", 1..=15)?,
            bank_code: checked("vnp_BankCode", 1..=20)?,
            pay_date,
        })
    }

    pub fn outcome(&self) -> PaymentOutcome {
        match (
            self.response_code.as_str(),
            self.transaction_status.as_str(),
        ) {
            ("00", "00") => PaymentOutcome::Paid,
            ("07", _) => PaymentOutcome::HeldAsSuspicious,
            ("24", _) => PaymentOutcome::CancelledByCustomer,
            ("11", _) => PaymentOutcome::Expired,
            ("51", _) => PaymentOutcome::InsufficientFunds,
            ("65", _) => PaymentOutcome::DailyLimitExceeded,
            ("75", _) => PaymentOutcome::BankUnderMaintenance,
            _ => PaymentOutcome::Failed,
        }
    }

    /// The query VNPAY would send for this notification, signed: for a local stand-in of the
    /// gateway and for tests of the code that receives notifications.
    pub fn to_signed_query(&self, secret: &HashSecret) -> Result<String, VnpayError> {
        let gateway_amount = self
            .amount
            .get()
            .checked_mul(100)
            .ok_or(VnpayError::AmountOutOfRange)?;
        let mut params = BTreeMap::from([
            ("vnp_Amount", gateway_amount.to_string()),
            ("vnp_BankCode", self.bank_code.clone()),
            ("vnp_ResponseCode", self.response_code.clone()),
            ("vnp_TmnCode", self.tmn_code.as_str().to_owned()),
            ("vnp_TransactionNo", self.transaction_no.clone()),
            ("vnp_TransactionStatus", self.transaction_status.clone()),
            ("vnp_TxnRef", self.txn_ref.as_str().to_owned()),
        ]);
        if let Some(pay_date) = self.pay_date {
            params.insert("vnp_PayDate", gateway_time(pay_date));
        }
        let query = form::signing_string(&params);
        let signature = form::sign(secret, &query);
        Ok(format!("{query}&{SIGNATURE}={signature}"))
    }
}

/// `vnp_Amount` is in hundredths of a đồng; a remainder would be a fraction of a đồng no
/// order of ours can have, so it is refused rather than rounded.
fn gateway_amount(text: &str) -> Result<Dong, VnpayError> {
    if text.is_empty() || text.len() > 15 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VnpayError::MalformedAmount);
    }
    let hundredths: u64 = text.parse().map_err(|_| VnpayError::MalformedAmount)?;
    if !hundredths.is_multiple_of(100) {
        return Err(VnpayError::MalformedAmount);
    }
    Ok(Dong::new(hundredths / 100))
}
