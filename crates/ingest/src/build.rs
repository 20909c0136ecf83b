//! Arrow record batches from the raw table and the column plans, laid out
//! as [`crate::columnar`] says.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Decimal128Array, Float64Array, RecordBatch, RecordBatchOptions,
    StringArray, StructArray, TimestampMillisecondArray,
};
use arrow_buffer::NullBuffer;
use arrow_schema::SchemaRef;
use soql::SoqlType;

use crate::columnar::{arrow_type, point_fields};
use crate::infer::Plan;
use crate::table::{RawColumn, RawTable, is_null};
use crate::values::{self, parse_checkbox, parse_checkbox_lenient, parse_point};

/// Every value reaching the builders was checked when its plan was made
/// (inference, or forcing with the failing rows set aside).
const CHECKED: &str = "plan was checked against every loaded value";

/// Batches of at most `batch_rows` rows, holding the table's `rows` in order.
/// `plans[i]` types raw column `i`; plans past the raw columns are derived
/// (`PointFrom`).
pub(crate) fn batches(
    table: &RawTable,
    plans: &[Plan],
    schema: &SchemaRef,
    rows: &[usize],
    batch_rows: usize,
) -> Vec<RecordBatch> {
    rows.chunks(batch_rows.max(1))
        .map(|chunk| {
            let arrays = plans
                .iter()
                .enumerate()
                .map(|(i, plan)| array(table, i, *plan, chunk))
                .collect();
            let options = RecordBatchOptions::new().with_row_count(Some(chunk.len()));
            RecordBatch::try_new_with_options(schema.clone(), arrays, &options).expect(CHECKED)
        })
        .collect()
}

/// Column `index` of the given rows as an Arrow array.
fn array(table: &RawTable, index: usize, plan: Plan, rows: &[usize]) -> ArrayRef {
    if let Plan::PointFrom { lon, lat } = plan {
        let degrees = |column: usize, row: usize| {
            let v = table.columns[column].value(row);
            (!is_null(v)).then(|| v.trim().parse::<f64>().expect(CHECKED))
        };
        let points = rows.iter().map(|&r| degrees(lon, r).zip(degrees(lat, r)));
        return point_array(points, rows.len());
    }

    let column = &table.columns[index];
    let cells = rows.iter().map(|&r| {
        let v = column.value(r);
        (!is_null(v)).then_some(v)
    });
    let typed = |ty: SoqlType| arrow_type(ty, plan.scale());
    match plan {
        Plan::Text => Arc::new(text_array(column, cells, rows.len())),
        Plan::Number { scale } => Arc::new(
            cells
                .map(|c| c.map(|v| values::to_number(v.trim(), scale).expect(CHECKED)))
                .collect::<Decimal128Array>()
                .with_data_type(typed(SoqlType::Number)),
        ),
        Plan::Checkbox { lenient } => {
            let parse = if lenient {
                parse_checkbox_lenient
            } else {
                parse_checkbox
            };
            Arc::new(
                cells
                    .map(|c| c.map(|v| parse(v.trim()).expect(CHECKED)))
                    .collect::<BooleanArray>(),
            )
        }
        Plan::Floating { day_first } => Arc::new(
            cells
                .map(|c| c.map(|v| values::to_floating(v.trim(), day_first).expect(CHECKED)))
                .collect::<TimestampMillisecondArray>()
                .with_data_type(typed(SoqlType::FloatingTimestamp)),
        ),
        Plan::Fixed => Arc::new(
            cells
                .map(|c| c.map(|v| values::to_fixed(v.trim()).expect(CHECKED)))
                .collect::<TimestampMillisecondArray>()
                .with_data_type(typed(SoqlType::FixedTimestamp)),
        ),
        Plan::Point => {
            let points = cells.map(|c| c.map(|v| parse_point(v.trim()).expect(CHECKED)));
            point_array(points, rows.len())
        }
        Plan::PointFrom { .. } => unreachable!("handled above"),
    }
}

fn text_array<'a>(
    column: &RawColumn,
    cells: impl Iterator<Item = Option<&'a str>>,
    rows: usize,
) -> StringArray {
    let bytes = column.text_len() / column.len().max(1) * rows;
    let mut builder = arrow_array::builder::StringBuilder::with_capacity(rows, bytes);
    for cell in cells {
        builder.append_option(cell);
    }
    builder.finish()
}

/// A point struct from `(lon, lat)` pairs; a null pair is a null point,
/// whose children hold 0.
fn point_array(points: impl Iterator<Item = Option<(f64, f64)>>, rows: usize) -> ArrayRef {
    let mut lon = Vec::with_capacity(rows);
    let mut lat = Vec::with_capacity(rows);
    let mut valid = Vec::with_capacity(rows);
    for point in points {
        let (x, y) = point.unwrap_or_default();
        lon.push(x);
        lat.push(y);
        valid.push(point.is_some());
    }
    let children: Vec<ArrayRef> = vec![
        Arc::new(Float64Array::from(lon)),
        Arc::new(Float64Array::from(lat)),
    ];
    Arc::new(StructArray::new(
        point_fields(),
        children,
        Some(NullBuffer::from(valid)),
    ))
}
