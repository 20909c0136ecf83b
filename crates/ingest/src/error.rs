//! Why a file could not be loaded.

use std::path::PathBuf;

use crate::report::Report;

/// A file that was not loaded. Each variant is a different kind of failure,
/// so a caller can map them to its own outcomes (the CLI: `Refused` is
/// "input refused", `UnknownField` a usage error, `Io` an I/O error).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file holds a NUL byte, so it is not text.
    #[error("not a text file: NUL byte at offset {offset} (line {line})")]
    Binary { offset: u64, line: u64 },

    /// The file has no header and no data.
    #[error("the file is empty")]
    Empty,

    /// Strict mode found bad rows; the report lists every one of them.
    #[error("{}", refusal(report))]
    Refused { report: Box<Report> },

    /// A type override names a field the file does not have.
    #[error("no field `{field}` in the file; fields are {}", valid.join(", "))]
    UnknownField { field: String, valid: Vec<String> },

    /// The file's structure cannot be read (broken JSON, an unsupported
    /// geometry, ...). `line` is 1-based.
    #[error("line {line}: {message}")]
    Malformed { line: u64, message: String },

    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn refusal(report: &Report) -> String {
    let count = report.bad_rows.len();
    let rows = if count == 1 { "bad row" } else { "bad rows" };
    match report.bad_rows.first() {
        Some(first) => format!(
            "refused: {count} {rows}; the first, at line {}: {}",
            first.line, first.reason
        ),
        None => "refused".to_string(),
    }
}
