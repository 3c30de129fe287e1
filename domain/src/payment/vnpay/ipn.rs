//! The answer the server owes VNPAY for each IPN call. VNPAY retries a notification until it
//! gets an answer it reads as final, so the answer says whether the notification was taken,
//! not whether the payment succeeded: a failed payment recorded against its order is
//! `Confirmed` too.

use super::{Notification, VnpayError};
use crate::payment::Dong;

/// The documented `RspCode`s of an IPN answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpnAnswer {
    /// 00: the result was recorded.
    Confirmed,
    /// 01: no order has this `vnp_TxnRef`.
    OrderNotFound,
    /// 02: the order's result was recorded before; nothing changed.
    OrderAlreadyConfirmed,
    /// 04: the amount is not the order's.
    InvalidAmount,
    /// 97: the signature did not check out.
    InvalidSignature,
    /// 99: anything else.
    UnknownError,
}

/// Where the order a notification names stands, as the server found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStanding {
    NotFound,
    AwaitingPayment {
        amount: Dong,
    },
    /// Its payment result is already recorded.
    Settled,
}

impl IpnAnswer {
    pub fn rsp_code(self) -> &'static str {
        match self {
            IpnAnswer::Confirmed => "00",
            IpnAnswer::OrderNotFound => "01",
            IpnAnswer::OrderAlreadyConfirmed => "02",
            IpnAnswer::InvalidAmount => "04",
            IpnAnswer::InvalidSignature => "97",
            IpnAnswer::UnknownError => "99",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            IpnAnswer::Confirmed => "Confirm Success",
            IpnAnswer::OrderNotFound => "Order not found",
            IpnAnswer::OrderAlreadyConfirmed => "Order already confirmed",
            IpnAnswer::InvalidAmount => "Invalid amount",
            IpnAnswer::InvalidSignature => "Invalid signature",
            IpnAnswer::UnknownError => "Unknown error",
        }
    }

    /// The response body, such as `{"RspCode":"00","Message":"Confirm Success"}`, keys in
    /// the order VNPAY's guide prints them. Codes and messages are constants with nothing to
    /// escape.
    pub fn to_json(self) -> String {
        format!(
            r#"{{"RspCode":"{}","Message":"{}"}}"#,
            self.rsp_code(),
            self.message()
        )
    }

    /// The answer to a notification that could not be believed or read.
    pub fn for_rejected(error: &VnpayError) -> IpnAnswer {
        match error {
            VnpayError::BadSignature | VnpayError::MissingSignature => IpnAnswer::InvalidSignature,
            _ => IpnAnswer::UnknownError,
        }
    }

    /// The answer to a verified notification, in the order VNPAY's integration guide checks:
    /// the order exists, the amount is its amount, and its result is not recorded yet. Only
    /// `Confirmed` lets the server record the outcome.
    pub fn for_notification(notification: &Notification, order: OrderStanding) -> IpnAnswer {
        match order {
            OrderStanding::NotFound => IpnAnswer::OrderNotFound,
            OrderStanding::AwaitingPayment { amount } if amount != notification.amount => {
                IpnAnswer::InvalidAmount
            }
            OrderStanding::AwaitingPayment { .. } => IpnAnswer::Confirmed,
            OrderStanding::Settled => IpnAnswer::OrderAlreadyConfirmed,
        }
    }
}
