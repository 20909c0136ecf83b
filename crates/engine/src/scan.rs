//! A version's rows as one stream in `:id` order.
//!
//! Partitions hold contiguous runs of ids, so reading them one after the
//! other gives every row in order without a merge, and a plan with a limit
//! stops as soon as it has its rows. Nothing is computed or copied to build
//! a scan: it shares the version's batches and its precomputed properties.

use std::fmt;
use std::sync::Arc;

use datafusion::arrow::array::{AsArray, Int64Array};
use datafusion::arrow::datatypes::{Int64Type, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::Result;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::{EquivalenceProperties, LexOrdering, PhysicalExpr};
use datafusion::physical_plan::coop::make_cooperative;
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties,
};

/// What every scan of one version shares.
pub struct ScanSource {
    schema: SchemaRef,
    batches: Arc<[RecordBatch]>,
    properties: Arc<PlanProperties>,
}

impl ScanSource {
    /// `batches` in `:id` order; `by_id` is that order as a sort expression.
    pub fn new(schema: SchemaRef, batches: Vec<RecordBatch>, by_id: LexOrdering) -> ScanSource {
        let properties = PlanProperties::new(
            EquivalenceProperties::new_with_orderings(Arc::clone(&schema), [by_id]),
            Partitioning::UnknownPartitioning(1),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        ScanSource {
            schema,
            batches: batches.into(),
            properties: Arc::new(properties),
        }
    }

    /// Every row, or with `after`, the rows whose `:id` (the first column)
    /// is greater: found by binary search, so a page deep in a dataset
    /// costs no more to start than the first.
    pub fn scan(&self, after: Option<i64>) -> Arc<dyn ExecutionPlan> {
        let (from, skip) = match after {
            Some(id) => self.position_after(id),
            None => (0, 0),
        };
        Arc::new(Scan {
            schema: Arc::clone(&self.schema),
            batches: Arc::clone(&self.batches),
            from,
            skip,
            properties: Arc::clone(&self.properties),
        })
    }

    /// The row with this `:id` as a batch of one, if the version holds it.
    pub fn row(&self, id: i64) -> Option<RecordBatch> {
        let (from, skip) = self.position_after(id.checked_sub(1)?);
        let batch = self.batches.get(from)?;
        let ids = batch.column(0).as_primitive_opt::<Int64Type>()?;
        (skip < ids.len() && ids.value(skip) == id).then(|| batch.slice(skip, 1))
    }

    /// The batch and row where ids greater than `id` begin.
    fn position_after(&self, id: i64) -> (usize, usize) {
        let ids = |b: &RecordBatch| {
            b.column(0)
                .as_primitive_opt::<Int64Type>()
                .cloned()
                .unwrap_or_else(|| Int64Array::from(Vec::<i64>::new()))
        };
        let from = self.batches.partition_point(|b| {
            let ids = ids(b);
            ids.is_empty() || ids.value(ids.len() - 1) <= id
        });
        let skip = self
            .batches
            .get(from)
            .map_or(0, |b| ids(b).values().partition_point(|&v| v <= id));
        (from, skip)
    }
}

#[derive(Debug)]
struct Scan {
    schema: SchemaRef,
    batches: Arc<[RecordBatch]>,
    /// The first batch read, and how many of its rows are skipped.
    from: usize,
    skip: usize,
    properties: Arc<PlanProperties>,
}

impl DisplayAs for Scan {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "VersionScan: batches={}, from={}, skip={}",
            self.batches.len(),
            self.from,
            self.skip
        )
    }
}

impl ExecutionPlan for Scan {
    fn name(&self) -> &'static str {
        "VersionScan"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        Vec::new()
    }

    fn apply_expressions(
        &self,
        _: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        _: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(self)
    }

    fn execute(&self, partition: usize, _: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        if partition != 0 {
            return datafusion::common::internal_err!("a version scan has one partition");
        }
        let batches = Arc::clone(&self.batches);
        let (from, skip) = (self.from, self.skip);
        let rows = futures::stream::iter((from..batches.len()).map(move |i| {
            let batch = &batches[i];
            Ok(if i == from && skip > 0 {
                batch.slice(skip, batch.num_rows() - skip)
            } else {
                batch.clone()
            })
        }));
        Ok(make_cooperative(Box::pin(RecordBatchStreamAdapter::new(
            Arc::clone(&self.schema),
            rows,
        ))))
    }
}
