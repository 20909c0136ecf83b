//! Dataset versions on disk: one Parquet file each, written to a temporary
//! name, synced, then renamed, so a reader never sees half a version.

use std::collections::HashMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, TimestampMillisecondArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use soql::types::{CREATED_AT_FIELD, ID_FIELD, UPDATED_AT_FIELD};

use crate::{Result, StoreError};

pub fn version_path(dir: &Path, id: &str, version: i64) -> PathBuf {
    dir.join("datasets")
        .join(id)
        .join(format!("v{version}.parquet"))
}

/// The stored schema: the system fields, then the user columns.
pub fn stored_schema(user: &Schema) -> SchemaRef {
    let stamp = DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()));
    let system = |name: &str, ty: DataType, soql: &str| {
        Field::new(name, ty, false)
            .with_metadata(HashMap::from([("soql.type".to_string(), soql.to_string())]))
    };
    let mut fields = vec![
        system(ID_FIELD, DataType::Int64, "number"),
        system(CREATED_AT_FIELD, stamp.clone(), "fixed_timestamp"),
        system(UPDATED_AT_FIELD, stamp, "fixed_timestamp"),
    ];
    fields.extend(user.fields().iter().map(|f| f.as_ref().clone()));
    Arc::new(Schema::new(fields))
}

/// Writes a first version: rows get `:id` 1, 2, … and `now` as both stamps.
/// Returns the number of rows written.
pub fn write_first_version(
    path: &Path,
    user: &Schema,
    batches: &[RecordBatch],
    now_ms: i64,
) -> Result<u64> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let parent = path.parent().expect("version files live in a folder");
    fs::create_dir_all(parent).map_err(io)?;
    let temp = path.with_extension("parquet.tmp");
    let written = write_file(&temp, user, batches, now_ms);
    let rows = match written {
        Ok(rows) => rows,
        Err(e) => {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
    };
    fs::rename(&temp, path).map_err(io)?;
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
    Ok(rows)
}

fn write_file(temp: &Path, user: &Schema, batches: &[RecordBatch], now_ms: i64) -> Result<u64> {
    let io = |source| StoreError::Io {
        path: temp.to_path_buf(),
        source,
    };
    let parquet = |e: &dyn std::fmt::Display| StoreError::Parquet(e.to_string());
    let schema = stored_schema(user);
    let file = File::create(temp).map_err(io)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(128 * 1024))
        .build();
    let mut writer =
        ArrowWriter::try_new(file, Arc::clone(&schema), Some(props)).map_err(|e| parquet(&e))?;
    let mut next_id: i64 = 1;
    for batch in batches {
        let n = batch.num_rows();
        let ids = Int64Array::from_iter_values(next_id..next_id + n as i64);
        let stamps = TimestampMillisecondArray::from(vec![now_ms; n]).with_timezone("UTC");
        let mut columns: Vec<ArrayRef> =
            vec![Arc::new(ids), Arc::new(stamps.clone()), Arc::new(stamps)];
        columns.extend(batch.columns().iter().cloned());
        let stored = RecordBatch::try_new(Arc::clone(&schema), columns).map_err(|e| parquet(&e))?;
        writer.write(&stored).map_err(|e| parquet(&e))?;
        next_id += n as i64;
    }
    let file = writer.into_inner().map_err(|e| parquet(&e))?;
    file.sync_all().map_err(io)?;
    Ok((next_id - 1) as u64)
}
