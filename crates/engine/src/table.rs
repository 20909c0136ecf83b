//! Dataset versions held in memory as partitioned, `:id`-ordered tables.

use std::collections::HashMap;
use std::fs::File;
use std::sync::{Arc, Mutex};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::record_batch::RecordBatchReader;
use datafusion::catalog::MemTable;
use datafusion::common::DFSchema;
use datafusion::logical_expr::{SortExpr, col};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::{LexOrdering, PhysicalSortExpr};
use tokio::sync::OnceCell;

use crate::scan::ScanSource;
use crate::{EngineError, Result, Source};

type Slot = Arc<OnceCell<Arc<Table>>>;

/// Rows per stored batch. DataFusion walks every batch of a table when it
/// plans a query over it (for its statistics), so fewer, larger batches keep
/// planning cheap.
const BATCH_ROWS: usize = 64 * 1024;

/// Rows per batch of the `:id`-ordered scan, which slices the stored batches
/// without copying: a query with a small limit filters one slice before it
/// can stop, so slices stay small enough for that to be cheap and large
/// enough for full scans to run at speed.
const SCAN_ROWS: usize = 8 * 1024;

/// One dataset version in memory.
pub struct Table {
    /// Every stored column, system fields first.
    pub schema: SchemaRef,
    /// The same schema as DataFusion resolves names against.
    pub df_schema: Arc<DFSchema>,
    /// The rows as a table provider, for logical plans: contiguous runs of
    /// rows, each in `:id` order, so partition `i` holds smaller ids than
    /// partition `i + 1`.
    pub provider: Arc<MemTable>,
    /// The same partitions, for plans built without a provider.
    pub partitions: Vec<Vec<RecordBatch>>,
    /// The same batches as one stream in `:id` order, for plain queries.
    pub rows: ScanSource,
}

impl Table {
    /// Splits `batches` (in `:id` order) into `partitions` runs.
    pub fn new(schema: SchemaRef, batches: Vec<RecordBatch>, partitions: usize) -> Result<Table> {
        let parts = split(batches, partitions);
        let id = Arc::new(Column::new_with_schema(soql::types::ID_FIELD, &schema)?) as _;
        let by_id =
            LexOrdering::new([PhysicalSortExpr::new_default(id)]).expect("one sort expression");
        let rows = ScanSource::new(
            Arc::clone(&schema),
            parts.iter().flatten().flat_map(slices).collect(),
            by_id,
        );
        let by_id: Vec<SortExpr> = vec![col(soql::types::ID_FIELD).sort(true, false)];
        let provider =
            MemTable::try_new(Arc::clone(&schema), parts.clone())?.with_sort_order(vec![by_id]);
        Ok(Table {
            df_schema: Arc::new(DFSchema::try_from(Arc::clone(&schema))?),
            schema,
            provider: Arc::new(provider),
            partitions: parts,
            rows,
        })
    }
}

/// Versions already read, keyed by dataset and version. A version never
/// changes, so an entry never goes stale; a newer version evicts older ones.
pub struct TableCache {
    partitions: usize,
    slots: Mutex<HashMap<(String, i64), Slot>>,
}

impl TableCache {
    pub fn new(partitions: usize) -> TableCache {
        TableCache {
            partitions,
            slots: Mutex::new(HashMap::new()),
        }
    }

    pub async fn get(&self, source: &Source) -> Result<Arc<Table>> {
        let slot = {
            let mut slots = self.slots.lock().expect("table cache lock");
            let key = (source.dataset_id.clone(), source.version);
            Arc::clone(slots.entry(key).or_default())
        };
        let table = slot
            .get_or_try_init(|| async {
                let path = source.path.clone();
                let partitions = self.partitions;
                tokio::task::spawn_blocking(move || load(&path, partitions))
                    .await
                    .map_err(|e| EngineError::Storage(e.to_string()))?
                    .map(Arc::new)
            })
            .await?;
        Ok(Arc::clone(table))
    }

    pub fn evict_older(&self, dataset_id: &str, keep: i64) {
        let mut slots = self.slots.lock().expect("table cache lock");
        slots.retain(|(id, version), _| id != dataset_id || *version >= keep);
    }
}

/// Reads a version's Parquet file into `partitions` contiguous runs of rows,
/// so that each partition stays in `:id` order.
fn load(path: &std::path::Path, partitions: usize) -> Result<Table> {
    let storage =
        |e: &dyn std::fmt::Display| EngineError::Storage(format!("{}: {e}", path.display()));
    let file = File::open(path).map_err(|e| storage(&e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| storage(&e))?
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| storage(&e))?;
    let schema = reader.schema();
    let batches = reader
        .collect::<std::result::Result<Vec<RecordBatch>, _>>()
        .map_err(|e| storage(&e))?;
    Table::new(schema, batches, partitions)
}

/// A batch as zero-copy slices of at most [`SCAN_ROWS`] rows.
fn slices(batch: &RecordBatch) -> impl Iterator<Item = RecordBatch> + '_ {
    (0..batch.num_rows())
        .step_by(SCAN_ROWS)
        .map(move |at| batch.slice(at, SCAN_ROWS.min(batch.num_rows() - at)))
}

/// Splits batches into at most `n` runs of about equal row counts, in order.
fn split(batches: Vec<RecordBatch>, n: usize) -> Vec<Vec<RecordBatch>> {
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let per_part = total.div_ceil(n).max(1);
    let mut parts: Vec<Vec<RecordBatch>> = vec![Vec::new()];
    let mut in_part = 0;
    for batch in batches {
        if in_part >= per_part && parts.len() < n {
            parts.push(Vec::new());
            in_part = 0;
        }
        in_part += batch.num_rows();
        parts.last_mut().expect("one partition").push(batch);
    }
    parts
}
