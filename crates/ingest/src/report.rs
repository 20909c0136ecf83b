//! The load report: what was read, how each column was typed, which rows
//! were bad and why. Serialises to JSON for `--report` and renders as text
//! for stderr.

use std::fmt;

use serde::{Serialize, Serializer};
use soql::SoqlType;

use crate::format::Format;

/// How the file's bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    /// UTF-8 behind a byte-order mark, which is dropped.
    Utf8Bom,
    /// Not valid UTF-8, so read as Windows-1252.
    Windows1252,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

/// One column as loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnReport {
    /// The display name, as the file's header (or JSON key) gives it.
    pub name: String,
    /// The API field name.
    pub field_name: String,
    #[serde(serialize_with = "type_name")]
    pub ty: SoqlType,
    /// Nulls among the loaded rows (empty cells, missing keys, JSON `null`).
    pub null_count: u64,
}

/// A row that was not loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// The physical line where the record starts; a CSV header is line 1.
    pub line: u64,
    pub reason: String,
    /// The row's raw values, so skipped rows can be written out.
    pub fields: Vec<String>,
}

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub format: Format,
    /// Data rows in the file, good and bad (a CSV header is not a row).
    pub rows_read: u64,
    /// Rows in the batches: 0 when the file was refused.
    pub rows_loaded: u64,
    pub encoding: Encoding,
    pub columns: Vec<ColumnReport>,
    /// Every bad row, in file order.
    pub bad_rows: Vec<BadRow>,
    /// Decisions worth a reader's attention: the encoding fallback, columns
    /// kept as text and why, a point column added.
    pub notes: Vec<String>,
}

fn type_name<S: Serializer>(ty: &SoqlType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(ty.as_str())
}

/// At most this many bad rows are listed in the text form; the JSON form
/// always has them all.
const BAD_ROWS_SHOWN: usize = 20;

/// The human summary for stderr.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} ({}): {} rows read, {} loaded, {} bad",
            self.format,
            self.encoding,
            self.rows_read,
            self.rows_loaded,
            self.bad_rows.len()
        )?;

        let width = self.columns.iter().map(|c| c.field_name.len()).max();
        for c in &self.columns {
            let width = width.unwrap_or(0);
            write!(f, "  {:<width$}  {:<18}", c.field_name, c.ty.as_str())?;
            write!(f, "  {:>9} null", c.null_count)?;
            if c.name != c.field_name {
                write!(f, "  ({})", c.name)?;
            }
            writeln!(f)?;
        }

        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }

        for bad in self.bad_rows.iter().take(BAD_ROWS_SHOWN) {
            writeln!(f, "line {}: {}", bad.line, bad.reason)?;
        }
        if self.bad_rows.len() > BAD_ROWS_SHOWN {
            let more = self.bad_rows.len() - BAD_ROWS_SHOWN;
            writeln!(f, "... and {more} more bad rows")?;
        }
        Ok(())
    }
}
