//! Money as whole Vietnamese đồng.
//!
//! The đồng has no minor unit in use, so an amount is an integer count of đồng; floats never
//! hold money here, and arithmetic that could overflow or go below zero says so instead of
//! wrapping. A refund or a balance owed is its own amount, never a negative one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in đồng. Serialises as a plain JSON integer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Dong(u64);

impl Dong {
    pub const ZERO: Dong = Dong(0);

    pub const fn new(dong: u64) -> Dong {
        Dong(dong)
    }

    pub const fn get(self) -> u64 {
        self.0
    }

    pub fn checked_add(self, other: Dong) -> Option<Dong> {
        self.0.checked_add(other.0).map(Dong)
    }

    /// `None` when `other` is larger: what is owed cannot drop below nothing.
    pub fn checked_sub(self, other: Dong) -> Option<Dong> {
        self.0.checked_sub(other.0).map(Dong)
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

/// `1.250.000 ₫`: the dot groups thousands in Vietnamese, and the sign follows the number.
impl fmt::Display for Dong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(digit);
        }
        write!(f, "{grouped} ₫")
    }
}
