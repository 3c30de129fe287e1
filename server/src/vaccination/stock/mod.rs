//! Vaccine stock: lots, each facility's balance of each lot, and the ledger of every
//! movement. [`take_dose`] and [`quarantine_lot`] are what recording a dose and a cluster of
//! reactions call; the routes record the other movements (`record.rs`) and read balances
//! (`list.rs`) and the monthly report (`report.rs`).

pub mod entities;
mod ledger;
pub mod list;
pub mod record;
pub mod report;
mod view;

pub use ledger::{LotUsed, lot_not_found, quarantine_lot, take_dose};
