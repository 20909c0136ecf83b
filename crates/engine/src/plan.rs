//! A typed query to a DataFusion logical plan.
//!
//! Plain queries: scan → filter → sort (with `:id` as the last key, so every
//! order is total and paging never repeats or skips a row) → project → limit.
//! Aggregated queries: scan → filter → aggregate (group keys `__g{i}`,
//! aggregates `__a{j}`) → having → sort (group keys last) → project → limit.

use std::sync::Arc;

use datafusion::catalog::TableProvider;
use datafusion::datasource::provider_as_source;
use datafusion::logical_expr::expr::Like;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, SortExpr, lit};
use soql::types::ID_FIELD;
use soql::{Search, SoqlType, TypedExpr, TypedKind, TypedQuery};

use crate::expr::{Translator, field, same};
use crate::table::Table;
use crate::{EngineError, Result};

pub fn build(table: &Table, query: &TypedQuery) -> Result<LogicalPlan> {
    let provider: Arc<dyn TableProvider> = Arc::clone(&table.provider) as _;
    let mut plan = LogicalPlanBuilder::scan("dataset", provider_as_source(provider), None)?;

    let rows = Translator::default();
    let mut conditions = Vec::new();
    if let Some(filter) = &query.filter {
        conditions.push(rows.expr(filter)?);
    }
    if let Some(asked) = &query.search {
        conditions.extend(search(asked));
    }
    if let Some(condition) = conditions.into_iter().reduce(Expr::and) {
        plan = plan.filter(condition)?;
    }

    let plan = if query.is_aggregated() {
        aggregated(plan, query)?
    } else {
        plain(plan, query)?
    };
    Ok(limit(plan, query)?.build()?)
}

fn plain(plan: LogicalPlanBuilder, query: &TypedQuery) -> Result<LogicalPlanBuilder> {
    let rows = Translator::default();
    if query.distinct {
        let plan = plan.project(projection(&rows, query)?)?.distinct()?;
        return sort_distinct(plan, query);
    }
    let mut keys = order_keys(&rows, query)?;
    let by_id = query.order_by.iter().any(|o| is_id(&o.expr));
    if !by_id {
        keys.push(field(ID_FIELD).sort(true, false));
    }
    Ok(plan.sort(keys)?.project(projection(&rows, query)?)?)
}

fn aggregated(plan: LogicalPlanBuilder, query: &TypedQuery) -> Result<LogicalPlanBuilder> {
    let rows = Translator::default();
    let mut after = Translator::default();

    let mut groups = Vec::new();
    for (i, key) in query.group_by.iter().enumerate() {
        let name = format!("__g{i}");
        groups.push(rows.expr(key)?.alias(&name));
        after.computed.push((key, name));
    }
    let mut aggregates = Vec::new();
    for call in aggregate_calls(query) {
        let name = format!("__a{}", aggregates.len());
        aggregates.push(rows.expr(call)?.alias(&name));
        after.computed.push((call, name));
    }
    let mut plan = plan.aggregate(groups, aggregates)?;

    if let Some(having) = &query.having {
        plan = plan.filter(after.expr(having)?)?;
    }
    if query.distinct {
        let plan = plan.project(projection(&after, query)?)?.distinct()?;
        return sort_distinct(plan, query);
    }
    let mut keys = order_keys(&after, query)?;
    for i in 0..query.group_by.len() {
        if point(&query.group_by[i]) {
            continue;
        }
        keys.push(field(&format!("__g{i}")).sort(true, false));
    }
    if !keys.is_empty() {
        plan = plan.sort(keys)?;
    }
    Ok(plan.project(projection(&after, query)?)?)
}

/// With DISTINCT, rows are sorted by output columns: each order key must be
/// one of the selected expressions, and the rest of the columns follow.
fn sort_distinct(plan: LogicalPlanBuilder, query: &TypedQuery) -> Result<LogicalPlanBuilder> {
    let mut keys = Vec::new();
    for order in &query.order_by {
        let selected = query
            .selection
            .iter()
            .find(|s| same(&s.expr, &order.expr))
            .ok_or_else(|| {
                EngineError::Unsupported(
                    "with DISTINCT, every $order expression must also be selected".into(),
                )
            })?;
        keys.push(field(&selected.name).sort(!order.descending, order.nulls_first));
    }
    for s in query.selection.iter().filter(|s| !point(&s.expr)) {
        keys.push(field(&s.name).sort(true, false));
    }
    Ok(plan.sort(keys)?)
}

fn limit(plan: LogicalPlanBuilder, query: &TypedQuery) -> Result<LogicalPlanBuilder> {
    let skip = query.offset.unwrap_or(0) as usize;
    let fetch = query.limit.map(|n| n as usize);
    if skip == 0 && fetch.is_none() {
        return Ok(plan);
    }
    Ok(plan.limit(skip, fetch)?)
}

fn projection(t: &Translator, query: &TypedQuery) -> Result<Vec<Expr>> {
    query
        .selection
        .iter()
        .map(|s| Ok(t.expr(&s.expr)?.alias(&s.name)))
        .collect()
}

fn order_keys(t: &Translator, query: &TypedQuery) -> Result<Vec<SortExpr>> {
    query
        .order_by
        .iter()
        .map(|o| Ok(t.expr(&o.expr)?.sort(!o.descending, o.nulls_first)))
        .collect()
}

/// Every distinct aggregate call in the selection, `$having` and `$order`.
pub fn aggregate_calls(query: &TypedQuery) -> Vec<&TypedExpr> {
    let mut found: Vec<&TypedExpr> = Vec::new();
    let roots = query
        .selection
        .iter()
        .map(|s| &s.expr)
        .chain(query.having.as_ref())
        .chain(query.order_by.iter().map(|o| &o.expr));
    for root in roots {
        collect_aggregates(root, &mut found);
    }
    found
}

fn collect_aggregates<'a>(e: &'a TypedExpr, found: &mut Vec<&'a TypedExpr>) {
    if let TypedKind::Call { func, args } = &e.kind {
        if func.is_aggregate() {
            if !found.iter().any(|f| same(f, e)) {
                found.push(e);
            }
            return;
        }
        for arg in args {
            collect_aggregates(arg, found);
        }
    }
}

/// `$q`: every term must appear, in any case, in some of the columns the
/// checker named (the text columns the caller may see).
pub fn search(asked: &Search) -> Vec<Expr> {
    let text_columns = &asked.columns;
    asked
        .terms
        .split_whitespace()
        .map(|term| {
            let pattern = format!("%{}%", escape_like(term));
            text_columns
                .iter()
                .map(|c| {
                    Expr::Like(Like::new(
                        false,
                        Box::new(field(c)),
                        Box::new(lit(pattern.clone())),
                        Some('\\'),
                        true,
                    ))
                })
                .reduce(Expr::or)
                .unwrap_or(lit(false))
        })
        .collect()
}

fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn is_id(e: &TypedExpr) -> bool {
    matches!(&e.kind, TypedKind::Column(name) if name == ID_FIELD)
}

fn point(e: &TypedExpr) -> bool {
    e.ty == SoqlType::Point
}
