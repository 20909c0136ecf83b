//! CSV per RFC 4180 into a [`RawTable`]: the first record is the header,
//! quoted fields may span lines, records end in LF or CRLF.

use crate::error::IngestError;
use crate::report::BadRow;
use crate::table::RawTable;

/// How often, in bytes of input, progress is reported.
pub(crate) const PROGRESS_STEP: u64 = 1 << 20;

/// Reads `text`; `progress` gets the byte offset reached. A record whose
/// field count differs from the header's is a bad row.
pub(crate) fn read(text: &str, progress: &mut dyn FnMut(u64)) -> Result<RawTable, IngestError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();

    if !reader.read_record(&mut record).map_err(malformed)? {
        return Err(IngestError::Empty);
    }
    let names = record.iter().map(str::to_string).collect();
    let mut table = RawTable::new(names);
    let width = table.columns.len();

    let mut next_report = PROGRESS_STEP;
    while reader.read_record(&mut record).map_err(malformed)? {
        let line = start_line(text, record.position());
        table.rows_read += 1;

        if record.len() == width {
            for (column, value) in table.columns.iter_mut().zip(record.iter()) {
                column.push(value);
            }
            table.lines.push(line);
        } else {
            table.bad_rows.push(BadRow {
                line,
                reason: format!("expected {width} fields, found {}", record.len()),
                fields: record.iter().map(str::to_string).collect(),
            });
        }

        let done = reader.position().byte();
        if done >= next_report {
            progress(done);
            next_report = done + PROGRESS_STEP;
        }
    }
    Ok(table)
}

/// The physical line where a record starts.
///
/// The `csv` crate records where it began looking for the record, which may
/// be before the `\n` of a previous CRLF or before blank lines it skipped;
/// step over those to the record's first byte.
fn start_line(text: &str, position: Option<&csv::Position>) -> u64 {
    let Some(position) = position else {
        return 0;
    };
    let from = position.byte() as usize;
    let skipped = text.as_bytes()[from..]
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    position.line() + skipped as u64
}

fn malformed(e: csv::Error) -> IngestError {
    let line = e.position().map_or(0, csv::Position::line);
    IngestError::Malformed {
        line,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<u64> {
        read(text, &mut |_| {}).unwrap().lines
    }

    #[test]
    fn record_lines_survive_crlf_blank_lines_and_multiline_fields() {
        assert_eq!(lines("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n"), [2, 3, 5]);
        assert_eq!(lines("a,b\n1,2\n\n\n3,4\n"), [2, 5]);
        assert_eq!(lines("a,b\r\n1,2\r\n\r\n3,4"), [2, 4]);
    }

    #[test]
    fn ragged_records_are_bad_rows() {
        let table = read("a,b\n1\n2,3\n", &mut |_| {}).unwrap();
        assert_eq!(table.rows_read, 2);
        assert_eq!(table.bad_rows[0].line, 2);
        assert_eq!(table.bad_rows[0].reason, "expected 2 fields, found 1");
        assert_eq!(table.columns[1].value(0), "3");
    }
}
