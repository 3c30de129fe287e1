//! One record of a table: its fields in the file's order, as written (trimmed).
//!
//! The values sit one after another in a single string, so reading a record allocates twice
//! (the string and the list) rather than once a field, and dropping it frees as much; a name
//! the catalogue has is the catalogue's own string, only names it lacks are copied. A record
//! is built by pushing fields in order, so two records are equal when they hold the same
//! names and values in the same order, however they were made.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

#[derive(Clone, PartialEq, Eq, Default)]
pub struct Record {
    values: String,
    fields: Vec<(Cow<'static, str>, Range<usize>)>,
}

impl Record {
    pub const fn new() -> Record {
        Record {
            values: String::new(),
            fields: Vec::new(),
        }
    }

    /// An empty record with room for `fields` fields of `bytes` bytes of values in all.
    pub fn with_capacity(fields: usize, bytes: usize) -> Record {
        Record {
            values: String::with_capacity(bytes),
            fields: Vec::with_capacity(fields),
        }
    }

    /// Adds a field after the others (a name already present is added again: whether that
    /// is allowed is the checks' question).
    pub fn push(&mut self, name: impl Into<Cow<'static, str>>, value: &str) {
        let start = self.values.len();
        self.values.push_str(value);
        self.fields.push((name.into(), start..self.values.len()));
    }

    /// The value of `name`; `None` when absent, `Some("")` when empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The fields, as (name, value), in the record's order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.fields.iter().map(|(name, range)| {
            let value = self.values.get(range.clone()).unwrap_or_default();
            (name.as_ref(), value)
        })
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The values' bytes in all.
    pub fn value_bytes(&self) -> usize {
        self.values.len()
    }

    /// Gives every field called `name` the value `value`, or adds it at the end.
    pub fn set(&mut self, name: &str, value: &str) {
        let mut found = false;
        let mut rebuilt = Record::with_capacity(self.len() + 1, self.values.len() + value.len());
        for ((own, _), (_, old)) in self.fields.iter().zip(self.fields()) {
            let mine = own == name;
            found |= mine;
            rebuilt.push(own.clone(), if mine { value } else { old });
        }
        if !found {
            rebuilt.push(name.to_owned(), value);
        }
        *self = rebuilt;
    }

    /// Takes out every field called `name`.
    pub fn remove(&mut self, name: &str) {
        let mut rebuilt = Record::with_capacity(self.len(), self.values.len());
        for ((own, _), (_, value)) in self.fields.iter().zip(self.fields()) {
            if own != name {
                rebuilt.push(own.clone(), value);
            }
        }
        *self = rebuilt;
    }
}

impl<N: Into<Cow<'static, str>>, V: AsRef<str>> FromIterator<(N, V)> for Record {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(fields: I) -> Record {
        let mut record = Record::default();
        for (name, value) in fields {
            record.push(name, value.as_ref());
        }
        record
    }
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.fields()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_holds_its_fields_in_order_with_their_values() {
        let mut record: Record = [("MA_LK", "A"), ("HO_TEN", "Trần Thị Ánh"), ("NHOM_MAU", "")]
            .into_iter()
            .collect();
        assert_eq!(record.get("HO_TEN"), Some("Trần Thị Ánh"));
        assert_eq!(record.get("NHOM_MAU"), Some(""));
        assert_eq!(record.get("STT"), None);
        assert_eq!(
            record.fields().collect::<Vec<_>>(),
            [("MA_LK", "A"), ("HO_TEN", "Trần Thị Ánh"), ("NHOM_MAU", "")]
        );
        record.set("MA_LK", "BB");
        record.set("STT", "1");
        record.remove("NHOM_MAU");
        assert_eq!(
            record.fields().collect::<Vec<_>>(),
            [("MA_LK", "BB"), ("HO_TEN", "Trần Thị Ánh"), ("STT", "1")]
        );
        assert_eq!(record.value_bytes(), "BBTrần Thị Ánh1".len());
    }

    #[test]
    fn records_are_equal_when_their_fields_are_however_made() {
        let mut edited: Record = [("MA_LK", "XYZ"), ("STT", "1")].into_iter().collect();
        edited.set("MA_LK", "A");
        let mut pushed = Record::with_capacity(2, 64);
        pushed.push("MA_LK", "A");
        pushed.push(String::from("STT"), "1");
        assert_eq!(edited, pushed);
        pushed.set("STT", "2");
        assert_ne!(edited, pushed);
    }
}
