//! The transaction query (`vnp_Command=querydr`): how the server asks VNPAY what became of a
//! payment whose IPN never came, for reconciliation.
//!
//! Unlike the payment URL, `querydr` is a JSON POST whose signature covers fixed fields joined
//! with `|` in a fixed order, not the sorted query.

use super::fields::{HashSecret, OrderInfo, RequestId, TmnCode, TxnRef, gateway_time};
use super::{VERSION, form};
use chrono::{DateTime, Utc};
use std::net::IpAddr;

const COMMAND: &str = "querydr";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryDrRequest {
    pub request_id: RequestId,
    pub tmn_code: TmnCode,
    /// The payment asked about.
    pub txn_ref: TxnRef,
    /// The payment's `vnp_CreateDate`.
    pub transaction_date: DateTime<Utc>,
    /// When this query is made.
    pub created_at: DateTime<Utc>,
    /// The address of the server making the query.
    pub ip_addr: IpAddr,
    pub order_info: OrderInfo,
}

impl QueryDrRequest {
    /// `vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|vnp_TxnRef|vnp_TransactionDate|
    /// vnp_CreateDate|vnp_IpAddr|vnp_OrderInfo`, the values as sent, unencoded.
    pub fn signing_data(&self) -> String {
        [
            self.request_id.as_str(),
            VERSION,
            COMMAND,
            self.tmn_code.as_str(),
            self.txn_ref.as_str(),
            &gateway_time(self.transaction_date),
            &gateway_time(self.created_at),
            &self.ip_addr.to_string(),
            self.order_info.as_str(),
        ]
        .join("|")
    }

    /// The JSON body to POST, `vnp_SecureHash` included.
    pub fn signed_body(&self, secret: &HashSecret) -> String {
        serde_json::json!({
            "vnp_RequestId": self.request_id.as_str(),
            "vnp_Version": VERSION,
            "vnp_Command": COMMAND,
            "vnp_TmnCode": self.tmn_code.as_str(),
            "vnp_TxnRef": self.txn_ref.as_str(),
            "vnp_OrderInfo": self.order_info.as_str(),
            "vnp_TransactionDate": gateway_time(self.transaction_date),
            "vnp_CreateDate": gateway_time(self.created_at),
            "vnp_IpAddr": self.ip_addr.to_string(),
            "vnp_SecureHash": form::sign(secret, &self.signing_data()),
        })
        .to_string()
    }
}
