//! Reads CSV, JSON and GeoJSON files into typed Arrow record batches and a
//! load report. No server, no database: the store writes what this returns.
//!
//! A load runs in steps: decode the bytes (UTF-8, else Windows-1252; NUL
//! bytes refuse the file), read the format into text columns, name the
//! fields ([`names`]), type each column (inferred, or forced by an override),
//! add a `location` point from latitude/longitude columns, set bad rows
//! aside, and build batches laid out as [`columnar`] describes.
//!
//! Loading is strict by default: one bad row refuses the file with
//! [`IngestError::Refused`], whose report lists every bad row. With
//! [`LoadOptions::skip_bad_rows`] the good rows load and the bad ones are
//! in [`Report::bad_rows`].
//!
//! "Line" always means the physical line where a record starts, counting
//! from 1: the CSV header is line 1, and a JSON object or GeoJSON feature is
//! at the line of its opening brace.

mod build;
pub mod columnar;
mod csv_reader;
mod decode;
mod error;
mod format;
mod infer;
mod json_reader;
mod load;
pub mod names;
mod report;
mod table;
mod values;

use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use soql::SoqlType;

pub use error::IngestError;
pub use format::Format;
pub use report::{BadRow, ColumnReport, Encoding, Report};

/// Rows per batch unless told otherwise.
pub const DEFAULT_BATCH_ROWS: usize = 65_536;

/// How to load a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Types forced on columns, by API field name; a later entry for the
    /// same field wins. Values that do not convert are bad rows.
    pub type_overrides: Vec<(String, SoqlType)>,
    /// Load the good rows and report the bad ones, instead of refusing.
    pub skip_bad_rows: bool,
    /// The most rows in one batch; 0 is taken as 1.
    pub batch_rows: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            type_overrides: Vec::new(),
            skip_bad_rows: false,
            batch_rows: DEFAULT_BATCH_ROWS,
        }
    }
}

/// A loaded file.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// User columns only, laid out as [`columnar`] says.
    pub schema: SchemaRef,
    /// The same as `report.columns`, in schema order.
    pub columns: Vec<ColumnReport>,
    pub batches: Vec<RecordBatch>,
    pub report: Report,
}

/// Loads the file at `path`, its format taken from the extension or
/// sniffed ([`Format::detect`]). `progress` is called with (bytes done,
/// bytes total) about every megabyte while reading, and once at the end.
pub fn read_path(
    path: &Path,
    opts: &LoadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Loaded, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    load::load(&bytes, Format::detect(path, &bytes), opts, progress)
}

/// Loads a file already in memory (a test, an HTTP upload).
pub fn read_bytes(bytes: &[u8], format: Format, opts: &LoadOptions) -> Result<Loaded, IngestError> {
    load::load(bytes, format, opts, &mut |_, _| {})
}
