//! Runs typed SoQL queries over a dataset version with Apache DataFusion.
//!
//! The `soql` crate decides what a query means; this crate decides how to
//! compute it. A dataset version is read once from its Parquet file into
//! memory, split into partitions that each keep `:id` order, and every query
//! becomes a DataFusion plan built directly from the typed query: user text
//! never becomes SQL. Plain queries (`fast`) and aggregated or `DISTINCT`
//! ones (`grouped`) are built straight as execution plans, which costs far
//! less than optimizing a logical plan; `plan` builds the logical plan that
//! both are checked against, and runs what neither shape covers.

mod expr;
mod fast;
mod grouped;
mod keyset;
mod lower;
mod plan;
mod scan;
mod table;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::execution::SessionState;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{SessionConfig, SessionContext};
use soql::TypedQuery;

pub use datafusion::arrow;
pub use fast::pages_by_keys;
pub use table::{Table, TableCache};

/// One immutable version of a dataset: what a query runs over.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub dataset_id: String,
    pub version: i64,
    /// The version's Parquet file.
    pub path: PathBuf,
}

/// Why a query could not run. Checked queries rarely fail here; when they do
/// it is a limit of the engine, which the API reports as a bad request.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    Unsupported(String),
    /// A keyset page names the row it starts after, and this version has
    /// no row with that `:id`.
    #[error("no row has :id {0} in this version of the dataset")]
    NoAnchor(i64),
    #[error("could not read the dataset's data: {0}")]
    Storage(String),
    #[error("query failed: {0}")]
    Execution(#[from] datafusion::error::DataFusionError),
}

pub type Result<T> = std::result::Result<T, EngineError>;

/// How a query's rows come back.
pub struct Rows {
    /// Output field names and SoQL types, in order.
    pub columns: Vec<(String, soql::SoqlType)>,
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// The query engine: a DataFusion context and the in-memory tables.
pub struct Engine {
    /// Built once: cloning a session's state for every query costs more
    /// than planning a small one.
    state: Arc<SessionState>,
    tables: TableCache,
}

impl Engine {
    pub fn new(target_partitions: usize) -> Engine {
        let config = SessionConfig::new()
            .with_target_partitions(target_partitions.max(1))
            .with_batch_size(8192);
        Engine {
            state: Arc::new(SessionContext::new_with_config(config).state()),
            tables: TableCache::new(target_partitions.max(1)),
        }
    }

    /// Runs a query and collects its rows.
    pub async fn query(&self, source: &Source, query: &TypedQuery) -> Result<Rows> {
        self.query_after(source, query, None).await
    }

    /// Runs a query and collects its rows; with `after`, a keyset page: a
    /// plain query's rows that sort after the row with that `:id`.
    pub async fn query_after(
        &self,
        source: &Source,
        query: &TypedQuery,
        after: Option<i64>,
    ) -> Result<Rows> {
        let stream = self.stream_after(source, query, after).await?;
        let schema = stream.schema();
        let started = Instant::now();
        let batches = datafusion::physical_plan::common::collect(stream).await?;
        tracing::debug!(run_us = started.elapsed().as_micros() as u64, "query run");
        Ok(Rows {
            columns: output_columns(query),
            schema,
            batches,
        })
    }

    /// Runs a query and streams its rows batch by batch, for exports.
    pub async fn stream(
        &self,
        source: &Source,
        query: &TypedQuery,
    ) -> Result<SendableRecordBatchStream> {
        self.stream_after(source, query, None).await
    }

    async fn stream_after(
        &self,
        source: &Source,
        query: &TypedQuery,
        after: Option<i64>,
    ) -> Result<SendableRecordBatchStream> {
        let table = self.tables.get(source).await?;
        let started = Instant::now();
        let physical = if fast::applies(query) {
            fast::build(&self.state, &table, query, after)?
        } else if after.is_some() {
            return Err(EngineError::Unsupported(
                "a keyset page needs a query without aggregation or DISTINCT".into(),
            ));
        } else if grouped::applies(query) {
            grouped::build(&self.state, &table, query)?
        } else {
            self.general_plan(&table, query).await?
        };
        tracing::debug!(
            dataset.id = %source.dataset_id,
            planning_us = started.elapsed().as_micros() as u64,
            plan = %datafusion::physical_plan::displayable(physical.as_ref()).indent(false),
            "query plan"
        );
        let task = Arc::new(datafusion::execution::TaskContext::from(
            self.state.as_ref(),
        ));
        Ok(datafusion::physical_plan::execute_stream(physical, task)?)
    }

    /// Plans any query through DataFusion's logical plan and optimizers.
    async fn general_plan(
        &self,
        table: &Table,
        query: &TypedQuery,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let plan = plan::build(table, query)?;
        Ok(self.state.create_physical_plan(&plan).await?)
    }

    /// Forgets every cached version of a dataset but `keep`.
    pub fn evict_older(&self, dataset_id: &str, keep: i64) {
        self.tables.evict_older(dataset_id, keep);
    }
}

/// The names and types a query's rows carry.
pub fn output_columns(query: &TypedQuery) -> Vec<(String, soql::SoqlType)> {
    query
        .selection
        .iter()
        .map(|s| (s.name.clone(), s.expr.ty))
        .collect()
}
