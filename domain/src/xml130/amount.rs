//! Money in the standard's files: decimal text (`38500`, `1200.50`) read exactly, never as a
//! float, so that a total off by one đồng is off by one đồng.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Add;

/// An exact decimal: `units` × 10^-`scale`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Amount {
    units: i128,
    scale: u32,
}

/// The standard's amounts have at most a few decimals; more than this is not an amount.
const MAX_SCALE: u32 = 6;
/// 15 characters is the longest amount field; 30 digits leave room for sums of many rows.
const MAX_DIGITS: usize = 30;

impl Amount {
    /// `-?digits(.digits)?`, nothing else (no exponent, no grouping, no `+`).
    pub fn parse(text: &str) -> Option<Amount> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (digits, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.contains('.') && fraction.is_empty())
            || whole.len() + fraction.len() > MAX_DIGITS
        {
            return None;
        }
        let scale = u32::try_from(fraction.len())
            .ok()
            .filter(|s| *s <= MAX_SCALE)?;
        // At most 30 digits: well inside i128.
        let units = whole
            .bytes()
            .chain(fraction.bytes())
            .fold(0i128, |units, digit| units * 10 + i128::from(digit - b'0'));
        Some(Amount {
            units: if negative { -units } else { units },
            scale,
        })
    }

    fn at_scale(self, scale: u32) -> i128 {
        self.units * 10i128.pow(scale - self.scale)
    }
}

impl Add for Amount {
    type Output = Amount;

    fn add(self, other: Amount) -> Amount {
        let scale = self.scale.max(other.scale);
        Amount {
            units: self.at_scale(scale) + other.at_scale(scale),
            scale,
        }
    }
}

impl std::ops::Sub for Amount {
    type Output = Amount;

    fn sub(self, other: Amount) -> Amount {
        let scale = self.scale.max(other.scale);
        Amount {
            units: self.at_scale(scale) - other.at_scale(scale),
            scale,
        }
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::default(), Add::add)
    }
}

impl PartialEq for Amount {
    fn eq(&self, other: &Amount) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Amount {}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Amount) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Amount) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.at_scale(scale).cmp(&other.at_scale(scale))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, fraction) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(text: &str) -> Amount {
        Amount::parse(text).unwrap()
    }

    #[test]
    fn reads_exactly_and_compares_across_scales() {
        assert_eq!(a("38500"), a("38500.00"));
        assert_eq!(a("0.1") + a("0.2"), a("0.3"));
        assert_eq!(a("12000") + a("38500"), a("50500"));
        assert_ne!(a("50500"), a("50501"));
        assert_eq!(a("50500") - a("10100"), a("40400"));
        assert_eq!(
            [a("1.005"), a("2"), a("-0.005")]
                .into_iter()
                .sum::<Amount>(),
            a("3")
        );
        assert_eq!(a("1200.50").to_string(), "1200.50");
        assert_eq!(a("-0.05").to_string(), "-0.05");
    }

    #[test]
    fn refuses_what_is_not_a_plain_decimal() {
        for bad in [
            "",
            "-",
            "1.",
            ".5",
            "1e3",
            "+1",
            "1,000",
            " 1",
            "1 ",
            "0x10",
            "1.2.3",
            "1.1234567",
            "1234567890123456789012345678901",
        ] {
            assert!(Amount::parse(bad).is_none(), "{bad:?}");
        }
    }
}
