//! Cashless payment of fees: the amounts, the NAPAS VietQR transfer code a person scans in
//! their banking app, and VNPAY's payment gateway protocol.
//!
//! Everything here is pure: building and reading payloads, signing and verifying. The server
//! keeps the orders, talks to the gateway and reads the clock; it hands the instants in.

mod emv;
mod money;
pub mod vietqr;
pub mod vnpay;

pub use emv::crc16_ccitt_false;
pub use money::Dong;
