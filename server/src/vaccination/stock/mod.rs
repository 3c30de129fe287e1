//! Vaccine stock: lots, each facility's balance of each lot, and the ledger of every
//! movement. [`take_dose`] and [`quarantine_lot`] are what recording a dose and a cluster of
//! reactions call; the routes record the other movements and read balances and the monthly
//! report.

pub mod entities;
mod ledger;

pub use ledger::{LotUsed, lot_not_found, quarantine_lot, release_lot, take_dose};
