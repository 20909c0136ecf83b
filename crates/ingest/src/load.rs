//! One load from bytes to batches: the steps the crate docs list, in order.

use std::collections::HashSet;
use std::sync::Arc;

use arrow_schema::{Schema, SchemaRef};
use soql::SoqlType;

use crate::infer::{self, Plan};
use crate::table::{RawTable, is_null};
use crate::{
    BadRow, ColumnReport, Format, IngestError, LoadOptions, Loaded, Report, build, columnar,
    csv_reader, decode, json_reader, names,
};

pub(crate) fn load(
    bytes: &[u8],
    format: Format,
    opts: &LoadOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Loaded, IngestError> {
    let decoded = decode::decode(bytes)?;
    let text = decoded.text.as_ref();
    if text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    let total = bytes.len() as u64;
    let mut table = read(text, format, total, progress)?;

    let mut notes: Vec<String> = decoded.note.into_iter().collect();
    let mut columns = Columns::named(&table);
    let forced = forced_types(&table, &columns.fields, &opts.type_overrides)?;
    let failures = columns.type_all(&table, forced, &mut notes);
    columns.add_location(&table, &mut notes);

    let (bad_rows, good) = sort_rows(&mut table, failures);
    let mut report = Report {
        format,
        rows_read: table.rows_read,
        rows_loaded: good.len() as u64,
        encoding: decoded.encoding,
        columns: columns.reports(&table, &good),
        bad_rows,
        notes,
    };
    if !report.bad_rows.is_empty() && !opts.skip_bad_rows {
        report.rows_loaded = 0;
        return Err(IngestError::Refused {
            report: Box::new(report),
        });
    }

    let schema = columns.schema();
    let batches = build::batches(&table, &columns.plans, &schema, &good, opts.batch_rows);
    progress(total, total);
    Ok(Loaded {
        schema,
        columns: report.columns.clone(),
        batches,
        report,
    })
}

/// Reads the decoded text, reporting progress in bytes of the original file.
fn read(
    text: &str,
    format: Format,
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<RawTable, IngestError> {
    let mut reading = |done: u64| {
        let scaled = u128::from(done) * u128::from(total) / text.len() as u128;
        progress(scaled as u64, total);
    };
    match format {
        Format::Csv => csv_reader::read(text, &mut reading),
        Format::Json => json_reader::read_json(text, &mut reading),
        Format::GeoJson => json_reader::read_geojson(text, &mut reading),
    }
}

/// The output columns: the raw table's, then any derived point.
struct Columns {
    displays: Vec<String>,
    fields: Vec<String>,
    plans: Vec<Plan>,
}

impl Columns {
    fn named(table: &RawTable) -> Self {
        let displays: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        Columns {
            fields: names::field_names(&displays),
            displays,
            plans: Vec::new(),
        }
    }

    /// Plans every raw column; returns the (row, reason) of values that do
    /// not convert to a forced type.
    fn type_all(
        &mut self,
        table: &RawTable,
        forced: Vec<Option<SoqlType>>,
        notes: &mut Vec<String>,
    ) -> Vec<(usize, String)> {
        let mut failures = Vec::new();
        for ((column, field), forced) in table.columns.iter().zip(&self.fields).zip(forced) {
            self.plans.push(match forced {
                Some(ty) => {
                    let (plan, bad) = infer::force(ty, column, field);
                    failures.extend(bad);
                    plan
                }
                None => infer::infer(column, field, notes),
            });
        }
        failures
    }

    /// Adds `location` (or the first free `location_N`) when the columns
    /// hold a longitude/latitude pair.
    fn add_location(&mut self, table: &RawTable, notes: &mut Vec<String>) {
        let pair = infer::lon_lat_pair(&self.fields, &self.plans, &table.columns, notes);
        let Some((lon, lat)) = pair else {
            return;
        };
        let taken: HashSet<String> = self.fields.iter().cloned().collect();
        let name = names::unique("location", &taken);
        notes.push(format!(
            "added point column `{name}` from `{}` and `{}`",
            self.fields[lon], self.fields[lat]
        ));
        self.plans.push(Plan::PointFrom { lon, lat });
        self.fields.push(name);
        self.displays.push("location".to_string());
    }

    fn reports(&self, table: &RawTable, good: &[usize]) -> Vec<ColumnReport> {
        (0..self.plans.len())
            .map(|i| ColumnReport {
                name: self.displays[i].clone(),
                field_name: self.fields[i].clone(),
                ty: self.plans[i].ty(),
                null_count: null_count(table, i, self.plans[i], good),
            })
            .collect()
    }

    fn schema(&self) -> SchemaRef {
        let fields: Vec<_> = (self.fields.iter().zip(&self.plans))
            .map(|(name, plan)| columnar::field(name, plan.ty(), plan.scale()))
            .collect();
        Arc::new(Schema::new(fields))
    }
}

/// Each raw column's forced type: the format's hint, overridden by the
/// caller's `--type`s. An override must name a field of the file.
fn forced_types(
    table: &RawTable,
    fields: &[String],
    overrides: &[(String, SoqlType)],
) -> Result<Vec<Option<SoqlType>>, IngestError> {
    let mut forced: Vec<Option<SoqlType>> = table.columns.iter().map(|c| c.hint).collect();
    for (field, ty) in overrides {
        let index =
            fields
                .iter()
                .position(|f| f == field)
                .ok_or_else(|| IngestError::UnknownField {
                    field: field.clone(),
                    valid: fields.to_vec(),
                })?;
        forced[index] = Some(*ty);
    }
    Ok(forced)
}

/// All bad rows in file order (ragged ones from reading, plus rows with
/// values that do not convert, one reason per column), and the good rows.
fn sort_rows(table: &mut RawTable, failures: Vec<(usize, String)>) -> (Vec<BadRow>, Vec<usize>) {
    let mut reasons: Vec<Vec<String>> = vec![Vec::new(); table.rows()];
    for (row, reason) in failures {
        reasons[row].push(reason);
    }

    let mut bad_rows = std::mem::take(&mut table.bad_rows);
    let mut good = Vec::with_capacity(table.rows());
    for (row, reasons) in reasons.into_iter().enumerate() {
        if reasons.is_empty() {
            good.push(row);
        } else {
            bad_rows.push(BadRow {
                line: table.lines[row],
                reason: reasons.join("; "),
                fields: table.row_values(row),
            });
        }
    }
    bad_rows.sort_by_key(|b| b.line);
    (bad_rows, good)
}

/// Nulls in output column `index` among the `good` rows.
fn null_count(table: &RawTable, index: usize, plan: Plan, good: &[usize]) -> u64 {
    let null = |column: usize, row: usize| is_null(table.columns[column].value(row));
    let count = match plan {
        Plan::PointFrom { lon, lat } => good
            .iter()
            .filter(|&&r| null(lon, r) || null(lat, r))
            .count(),
        _ => good.iter().filter(|&&r| null(index, r)).count(),
    };
    count as u64
}
