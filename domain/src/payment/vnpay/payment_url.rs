//! The signed URL that sends a person to VNPAY's payment page (`vnp_Command=pay`).

use super::fields::{
    HashSecret, Locale, OrderInfo, OrderType, ReturnUrl, TmnCode, TxnRef, gateway_time,
};
use super::{VERSION, VnpayError, form};
use crate::payment::Dong;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// `vnp_Amount` is Numeric[1,12] in hundredths of a đồng.
const MAX_GATEWAY_AMOUNT: u64 = 999_999_999_999;

/// One payment attempt as VNPAY's payment page receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    pub tmn_code: TmnCode,
    pub amount: Dong,
    pub txn_ref: TxnRef,
    pub order_info: OrderInfo,
    pub order_type: OrderType,
    pub locale: Locale,
    pub return_url: ReturnUrl,
    /// The paying person's address, as the server saw it.
    pub ip_addr: IpAddr,
    pub created_at: DateTime<Utc>,
    /// After this VNPAY refuses to take the payment (response code 11).
    pub expires_at: DateTime<Utc>,
}

impl PaymentRequest {
    /// The parameters VNPAY's table lists for `pay`, by name, as they are signed.
    pub fn parameters(&self) -> Result<BTreeMap<&'static str, String>, VnpayError> {
        let gateway_amount = self
            .amount
            .get()
            .checked_mul(100)
            .filter(|amount| (1..=MAX_GATEWAY_AMOUNT).contains(amount))
            .ok_or(VnpayError::AmountOutOfRange)?;
        // Compared in whole seconds, the gateway's grain, so that both stamps differ on the wire.
        if self.expires_at.timestamp() <= self.created_at.timestamp() {
            return Err(VnpayError::ExpiryNotAfterCreation);
        }
        Ok(BTreeMap::from([
            ("vnp_Amount", gateway_amount.to_string()),
            ("vnp_Command", "pay".to_owned()),
            ("vnp_CreateDate", gateway_time(self.created_at)),
            ("vnp_CurrCode", "VND".to_owned()),
            ("vnp_ExpireDate", gateway_time(self.expires_at)),
            ("vnp_IpAddr", self.ip_addr.to_string()),
            ("vnp_Locale", self.locale.code().to_owned()),
            ("vnp_OrderInfo", self.order_info.as_str().to_owned()),
            ("vnp_OrderType", self.order_type.as_str().to_owned()),
            ("vnp_ReturnUrl", self.return_url.as_str().to_owned()),
            ("vnp_TmnCode", self.tmn_code.as_str().to_owned()),
            ("vnp_TxnRef", self.txn_ref.as_str().to_owned()),
            ("vnp_Version", VERSION.to_owned()),
        ]))
    }

    /// `gateway` (such as `https://sandbox.vnpayment.vn/paymentv2/vpcpay.html`) followed by
    /// the sorted, encoded parameters and their `vnp_SecureHash`.
    pub fn signed_url(&self, gateway: &str, secret: &HashSecret) -> Result<String, VnpayError> {
        let query = form::signing_string(&self.parameters()?);
        let signature = form::sign(secret, &query);
        Ok(format!("{gateway}?{query}&vnp_SecureHash={signature}"))
    }
}
