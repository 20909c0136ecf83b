//! Plain queries planned straight to an execution plan.
//!
//! A query without aggregation or `DISTINCT` always has one shape: scan →
//! filter → order (ending in `:id`) → skip and take → select. Planning that
//! shape through DataFusion's logical optimizer and physical optimizer costs
//! more than running it when the query asks for one page, so this module
//! builds the execution plan directly over the version's rows read in `:id`
//! order ([`crate::scan`]):
//!
//! - ordered by `:id` ascending (the default), the rows are already in
//!   order, so the filter stops after `offset + limit` matches;
//! - any other order sorts the matches, keeping only the first
//!   `offset + limit` rows when there is a limit.
//!
//! Every such query pages by keys: a page can start just after the row that
//! ended the page before ([`crate::keyset`]), by binary search in `:id`
//! order and by one more filter condition in any other.
//!
//! Expressions go through the session's coercion and simplification exactly
//! as in a logical plan. [`crate::plan`] stays the reference: the tests below
//! check that both plans answer every query alike.

use std::sync::Arc;

use datafusion::arrow::compute::SortOptions;
use datafusion::execution::SessionState;
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::simplify::SimplifyContext;
use datafusion::logical_expr::{Expr, Operator};
use datafusion::optimizer::simplify_expressions::ExprSimplifier;
use datafusion::physical_expr::create_physical_expr;
use datafusion::physical_expr::expressions::{BinaryExpr, Column};
use datafusion::physical_expr::{LexOrdering, PhysicalExpr, PhysicalSortExpr};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::filter::FilterExecBuilder;
use datafusion::physical_plan::limit::GlobalLimitExec;
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::sorts::sort::SortExec;
use soql::types::ID_FIELD;
use soql::{TypedExpr, TypedKind, TypedQuery};

use crate::Result;
use crate::expr::Translator;
use crate::keyset;
use crate::plan::{self, is_id};
use crate::table::Table;

/// Whether a query has the plain shape this module plans.
pub fn applies(query: &TypedQuery) -> bool {
    !query.is_aggregated() && !query.distinct
}

/// Whether a query pages by keys: its rows come one per stored row, totally
/// ordered by its keys and then `:id`, so a page can start after the row
/// that ended the page before. Every query of the plain shape does.
pub fn pages_by_keys(query: &TypedQuery) -> bool {
    applies(query)
}

/// With `after`, only the rows that sort after the row with that `:id`
/// count: a keyset page.
pub fn build(
    state: &SessionState,
    table: &Table,
    query: &TypedQuery,
    after: Option<i64>,
) -> Result<Arc<dyn ExecutionPlan>> {
    let rows = Translator::default();
    // Coerced and simplified as the logical optimizer would: some functions
    // (`coalesce`, `nvl`) only run once simplified into others.
    let simplifier = ExprSimplifier::new(
        SimplifyContext::builder()
            .with_schema(Arc::clone(&table.df_schema))
            .with_config_options(Arc::clone(state.config_options()))
            .build(),
    );
    let physical = |e: Expr| -> Result<Arc<dyn PhysicalExpr>> {
        let e = simplifier.simplify(simplifier.coerce(e, &table.df_schema)?)?;
        Ok(create_physical_expr(
            &e,
            &table.df_schema,
            state.execution_props(),
            &PhysicalPlanningContext::default(),
        )?)
    };
    // A stored column needs neither coercion nor simplification.
    let typed = |e: &TypedExpr| -> Result<Arc<dyn PhysicalExpr>> {
        match &e.kind {
            TypedKind::Column(name) => Ok(Arc::new(Column::new_with_schema(name, &table.schema)?)),
            _ => physical(rows.expr(e)?),
        }
    };

    let skip = query.offset.unwrap_or(0) as usize;
    let limit = query.limit.map(|n| n as usize);
    let fetch = limit.map(|n| n.saturating_add(skip));
    let keys = order(query);
    let mut ordering = Vec::with_capacity(keys.len() + 1);
    for key in &keys {
        ordering.push(PhysicalSortExpr::new(
            typed(&key.expr)?,
            SortOptions::new(key.descending, key.nulls_first),
        ));
    }
    let by_id = ordering.is_empty();
    if !by_id && !keys.iter().any(|k| is_id(&k.expr)) {
        ordering.push(PhysicalSortExpr::new(
            Arc::new(Column::new_with_schema(ID_FIELD, &table.schema)?),
            SortOptions::new(false, false),
        ));
    }
    // In `:id` order a keyset page starts by binary search; in any other,
    // by a condition on the keys.
    let mut plan = table.rows.scan(after.filter(|_| by_id));

    let mut conditions = Vec::new();
    if let Some(filter) = &query.filter {
        conditions.push(rows.expr(filter)?);
    }
    if let Some(asked) = &query.search {
        conditions.extend(plan::search(asked));
    }
    let mut condition = conditions
        .into_iter()
        .reduce(Expr::and)
        .map(&physical)
        .transpose()?;
    if let Some(anchor) = after.filter(|_| !by_id) {
        let after = keyset::after_row(&table.rows, &ordering, anchor)?;
        condition = Some(match condition {
            Some(filter) => Arc::new(BinaryExpr::new(filter, Operator::And, after)),
            None => after,
        });
    }
    if let Some(condition) = condition {
        // In `:id` order the first matches are the answer; in any other
        // order every match is a candidate.
        let builder = FilterExecBuilder::new(condition, plan);
        let builder = if by_id {
            builder.with_fetch(fetch)
        } else {
            builder
        };
        plan = Arc::new(builder.build()?);
    }

    if let Some(ordering) = LexOrdering::new(ordering) {
        plan = Arc::new(SortExec::new(ordering, plan).with_fetch(fetch));
    }
    if skip > 0 || limit.is_some() {
        plan = Arc::new(GlobalLimitExec::new(plan, skip, limit));
    }

    let mut selection = Vec::with_capacity(query.selection.len());
    for s in &query.selection {
        selection.push((typed(&s.expr)?, s.name.clone()));
    }
    Ok(Arc::new(ProjectionExec::try_new(selection, plan)?))
}

/// The order keys that matter: everything up to the first `:id` key, which
/// is unique, and none at all when that is `:id` ascending alone, the order
/// partitions are stored in.
fn order(query: &TypedQuery) -> Vec<&soql::TypedOrder> {
    let mut keys = Vec::new();
    for key in &query.order_by {
        keys.push(key);
        if is_id(&key.expr) {
            break;
        }
    }
    if let [only] = keys.as_slice()
        && is_id(&only.expr)
        && !only.descending
    {
        keys.clear();
    }
    keys
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::{HashMap, HashSet};

    use datafusion::arrow::array::{ArrayRef, AsArray, Int64Array, TimestampMillisecondArray};
    use datafusion::arrow::compute::concat_batches;
    use datafusion::arrow::datatypes::{DataType, Field, Int64Type, Schema, TimeUnit};
    use datafusion::arrow::record_batch::RecordBatch;

    use super::*;
    use crate::Engine;
    use crate::EngineError;

    /// The NYPD sample as a stored version: system fields first, small
    /// batches, three partitions. `:updated_at` takes 41 hours in turn, an
    /// instant key with many ties.
    pub(crate) fn nypd() -> (Table, soql::Schema) {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../samples/nypd_hate_crimes.csv"
        ))
        .expect("the sample");
        let opts = ingest::LoadOptions {
            batch_rows: 97,
            ..Default::default()
        };
        let loaded = ingest::read_bytes(&bytes, ingest::Format::Csv, &opts).expect("loads");
        let typed = |name: &str, ty: DataType, soql: &str| {
            Field::new(name, ty, false)
                .with_metadata(HashMap::from([("soql.type".into(), soql.into())]))
        };
        let stamp = DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()));
        let mut fields = vec![
            typed(ID_FIELD, DataType::Int64, "number"),
            typed(":created_at", stamp.clone(), "fixed_timestamp"),
            typed(":updated_at", stamp, "fixed_timestamp"),
        ];
        fields.extend(loaded.schema.fields().iter().map(|f| f.as_ref().clone()));
        let schema = Arc::new(Schema::new(fields));
        let mut next_id = 1;
        let batches = loaded
            .batches
            .iter()
            .map(|b| {
                let n = b.num_rows() as i64;
                let ids = Int64Array::from_iter_values(next_id..next_id + n);
                next_id += n;
                let created = TimestampMillisecondArray::from(vec![1_700_000_000_000; n as usize])
                    .with_timezone("UTC");
                let updated = TimestampMillisecondArray::from_iter_values(
                    ids.values()
                        .iter()
                        .map(|id| 1_700_000_000_000 + id % 41 * 3_600_000),
                )
                .with_timezone("UTC");
                let mut columns: Vec<ArrayRef> =
                    vec![Arc::new(ids), Arc::new(created), Arc::new(updated)];
                columns.extend(b.columns().iter().cloned());
                RecordBatch::try_new(Arc::clone(&schema), columns).expect("a batch")
            })
            .collect();
        let columns = loaded
            .columns
            .iter()
            .map(|c| soql::ColumnDef {
                field_name: c.field_name.clone(),
                ty: c.ty,
            })
            .collect();
        let table = Table::new(schema, batches, 3).expect("a table");
        (table, soql::Schema::new(columns))
    }

    pub(crate) async fn run(plan: Arc<dyn ExecutionPlan>, engine: &Engine) -> RecordBatch {
        let task = Arc::new(datafusion::execution::TaskContext::from(
            engine.state.as_ref(),
        ));
        let schema = plan.schema();
        let batches = datafusion::physical_plan::collect(plan, task)
            .await
            .expect("runs");
        concat_batches(&schema, &batches).expect("one batch")
    }

    #[tokio::test]
    async fn plain_queries_answer_as_the_general_planner_does() {
        let (table, schema) = nypd();
        let engine = Engine::new(3);
        let queries = [
            "SELECT *",
            "SELECT * LIMIT 10",
            "SELECT * LIMIT 5 OFFSET 37",
            "SELECT * LIMIT 0",
            "SELECT * OFFSET 5000",
            "SELECT county, :id WHERE county = 'KINGS' LIMIT 20",
            "SELECT * WHERE county = 'KINGS' AND month_number > 3 LIMIT 7 OFFSET 100",
            "SELECT county, arrest_date ORDER BY arrest_date LIMIT 50",
            "SELECT county, arrest_date ORDER BY arrest_date DESC LIMIT 50 OFFSET 10",
            "SELECT county, arrest_date ORDER BY arrest_date ASC NULLS FIRST LIMIT 30",
            "SELECT * ORDER BY :id DESC LIMIT 9",
            "SELECT * ORDER BY :id LIMIT 9 OFFSET 200",
            "SELECT county, :id ORDER BY county, :id DESC LIMIT 30",
            "SELECT upper(county) AS c, month_number * 2 AS m ORDER BY c DESC, m LIMIT 40 OFFSET 3",
            "SELECT * SEARCH 'brooklyn' LIMIT 10",
            "SELECT * WHERE arrest_date IS NULL ORDER BY record_create_date",
            "SELECT :id, :created_at WHERE :id > 100 ORDER BY :id LIMIT 5",
            "SELECT * WHERE county IN ('KINGS', 'QUEENS') ORDER BY offense_description LIMIT 25 OFFSET 25",
            "SELECT offense_description WHERE starts_with(offense_description, 'ASSAULT') ORDER BY month_number DESC",
            "SELECT 1 + 2 AS three, 'x' AS x WHERE month_number = 4 LIMIT 3",
            "SELECT coalesce(arrest_id, 'none') AS a WHERE coalesce(arrest_id, 'none') = 'none' LIMIT 20",
            "SELECT case(month_number < 4, 'early', true, 'late') AS part, lower(county) ORDER BY part, county DESC LIMIT 60",
            "SELECT date_trunc_ym(record_create_date) AS m WHERE record_create_date > '2022-03-01' ORDER BY m DESC LIMIT 15",
        ];
        for text in queries {
            let query = soql::parse_query(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            let typed = soql::check(&query, &schema).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert!(applies(&typed), "{text}");
            let fast = run(
                build(&engine.state, &table, &typed, None).expect("plans"),
                &engine,
            )
            .await;
            let general = run(
                engine.general_plan(&table, &typed).await.expect("plans"),
                &engine,
            )
            .await;
            let names = |b: &RecordBatch| -> Vec<(String, DataType)> {
                b.schema()
                    .fields()
                    .iter()
                    .map(|f| (f.name().clone(), f.data_type().clone()))
                    .collect()
            };
            assert_eq!(names(&fast), names(&general), "{text}");
            assert_eq!(fast.num_rows(), general.num_rows(), "{text}");
            assert_eq!(fast.columns(), general.columns(), "{text}");
        }
    }

    #[tokio::test]
    async fn a_keyset_page_starts_after_its_id() {
        let (table, schema) = nypd();
        let engine = Engine::new(3);
        // Ids at batch edges (97 rows each), inside batches, before the first
        // and past the last.
        for after in [0, 1, 96, 97, 98, 150, 193, 194, 500, 1_000_000] {
            for (text, bounded) in [
                (
                    "SELECT :id, county LIMIT 10",
                    "SELECT :id, county WHERE :id > {after} LIMIT 10",
                ),
                (
                    "SELECT :id, county WHERE county = 'KINGS' LIMIT 25",
                    "SELECT :id, county WHERE county = 'KINGS' AND :id > {after} LIMIT 25",
                ),
                (
                    "SELECT :id LIMIT 3 OFFSET 2",
                    "SELECT :id WHERE :id > {after} LIMIT 3 OFFSET 2",
                ),
            ] {
                let typed = |text: &str| {
                    let query = soql::parse_query(text).expect("parses");
                    soql::check(&query, &schema).expect("checks")
                };
                let paged = run(
                    build(&engine.state, &table, &typed(text), Some(after)).expect("plans"),
                    &engine,
                )
                .await;
                let bounded = typed(&bounded.replace("{after}", &after.to_string()));
                let general = run(
                    engine.general_plan(&table, &bounded).await.expect("plans"),
                    &engine,
                )
                .await;
                assert_eq!(paged.columns(), general.columns(), "{text} after {after}");
            }
        }
    }

    /// Every row of `query`, `size` at a time, each page starting after the
    /// last row of the page before: what a client following cursors reads.
    async fn walk(engine: &Engine, table: &Table, query: &TypedQuery, size: u64) -> RecordBatch {
        let mut query = query.clone();
        query.limit = Some(size);
        let mut pages = Vec::new();
        let mut after = None;
        loop {
            let plan = build(&engine.state, table, &query, after).expect("plans");
            let page = run(plan, engine).await;
            let ids = page.column(0).as_primitive::<Int64Type>();
            if ids.is_empty() {
                break;
            }
            assert!(pages.len() < 2_500, "the walk ends");
            after = Some(ids.value(ids.len() - 1));
            pages.push(page);
        }
        let schema = pages
            .first()
            .map_or_else(|| Arc::new(Schema::empty()), |p| p.schema());
        concat_batches(&schema, &pages).expect("one batch")
    }

    #[tokio::test]
    async fn keyset_pages_in_any_order_walk_every_row_once() {
        let (table, schema) = nypd();
        let engine = Engine::new(3);
        let orders = [
            ":id",
            ":id DESC",
            "county",
            "offense_description DESC",
            "arrest_id",
            "arrest_id NULLS FIRST",
            "arrest_id DESC",
            "arrest_id DESC NULLS LAST, month_number DESC",
            "nullif(month_number, 4)",
            "nullif(month_number, 4) NULLS FIRST, complaint_precinct_code DESC",
            "nullif(month_number, 4) DESC, full_complaint_id",
            "nullif(month_number, 4) DESC NULLS LAST",
            "record_create_date DESC",
            ":updated_at, county DESC",
            ":updated_at DESC, :id DESC",
            "upper(county), :id DESC",
            "date_extract_y(record_create_date) DESC",
            "starts_with(offense_description, 'ASSAULT'), record_create_date",
            "county DESC, record_create_date",
            "month_number * 2 - complaint_precinct_code, bias_motive_description DESC",
        ];
        // Every order unfiltered, and half of them under each filter:
        // small pages where few rows match, larger ones where matching (`$q`
        // reads every text column) costs the most.
        let filters = [
            ("", 97),
            (" WHERE month_number > 9", 7),
            (" SEARCH 'kings'", 163),
        ];
        for (i, order) in orders.into_iter().enumerate() {
            let filtered = filters[1 + i % 2];
            for (filter, size) in [filters[0], filtered] {
                let text = format!(
                    "SELECT :id, county, arrest_id, month_number, record_create_date, :updated_at{filter} ORDER BY {order}"
                );
                let query = soql::parse_query(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
                let typed =
                    soql::check(&query, &schema).unwrap_or_else(|e| panic!("{text}: {e:?}"));
                assert!(pages_by_keys(&typed), "{text}");
                let whole = run(
                    engine.general_plan(&table, &typed).await.expect("plans"),
                    &engine,
                )
                .await;
                assert!(whole.num_rows() > 100, "{text}: several pages");

                let walked = walk(&engine, &table, &typed, size).await;
                assert_eq!(walked.columns(), whole.columns(), "{text}");
                let ids = walked.column(0).as_primitive::<Int64Type>();
                let unique: HashSet<i64> = ids.values().iter().copied().collect();
                assert_eq!(unique.len(), ids.len(), "{text}: no row twice");
            }
        }
    }

    #[tokio::test]
    async fn a_keyset_page_after_a_row_that_is_gone_is_refused() {
        let (table, schema) = nypd();
        let engine = Engine::new(3);
        let typed = |text: &str| {
            let query = soql::parse_query(text).expect("parses");
            soql::check(&query, &schema).expect("checks")
        };
        // Ids run from 1 to the number of rows.
        let rows = run(table.rows.scan(None), &engine).await.num_rows() as i64;
        for missing in [0, rows + 1, i64::MAX] {
            let by_county = typed("SELECT :id ORDER BY county LIMIT 5");
            let refused = build(&engine.state, &table, &by_county, Some(missing));
            assert!(
                matches!(refused, Err(EngineError::NoAnchor(id)) if id == missing),
                "after {missing}"
            );
            // Ordered by `:id` alone, a page needs no row to start after.
            for text in ["SELECT :id LIMIT 5", "SELECT :id ORDER BY :id DESC LIMIT 5"] {
                let plan = build(&engine.state, &table, &typed(text), Some(missing));
                assert!(plan.is_ok(), "{text} after {missing}");
            }
        }
    }
}
