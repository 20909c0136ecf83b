//! The file's values as text, column by column, before they are typed.
//!
//! Every reader fills a [`RawTable`]; inference and the Arrow builders then
//! walk one column at a time, which keeps each column's text contiguous.

use soql::SoqlType;

use crate::report::BadRow;

/// One column's text: all values back to back, with their boundaries.
pub(crate) struct RawColumn {
    /// The display name from the header or JSON key.
    pub name: String,
    /// A type the format itself fixes (GeoJSON geometry is a point).
    pub hint: Option<SoqlType>,
    text: String,
    /// `offsets[r]..offsets[r + 1]` is row `r`'s value.
    offsets: Vec<usize>,
}

impl RawColumn {
    pub fn new(name: String) -> Self {
        RawColumn {
            name,
            hint: None,
            text: String::new(),
            offsets: vec![0],
        }
    }

    pub fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.offsets.push(self.text.len());
    }

    /// Row `row`'s value as written; empty means null.
    pub fn value(&self, row: usize) -> &str {
        &self.text[self.offsets[row]..self.offsets[row + 1]]
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Bytes of text held, for sizing builders.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }
}

/// What a reader produced.
pub(crate) struct RawTable {
    pub columns: Vec<RawColumn>,
    /// The physical line where each row starts.
    pub lines: Vec<u64>,
    /// Rows refused while reading (ragged CSV records).
    pub bad_rows: Vec<BadRow>,
    /// Data rows seen, good and bad.
    pub rows_read: u64,
}

impl RawTable {
    pub fn new(names: Vec<String>) -> Self {
        RawTable {
            columns: names.into_iter().map(RawColumn::new).collect(),
            lines: Vec::new(),
            bad_rows: Vec::new(),
            rows_read: 0,
        }
    }

    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    /// Row `row`'s values in column order, for a bad-row listing.
    pub fn row_values(&self, row: usize) -> Vec<String> {
        self.columns
            .iter()
            .map(|c| c.value(row).to_string())
            .collect()
    }
}

/// Whether a value counts as null: empty, or only white space.
pub(crate) fn is_null(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_whitespace())
}
