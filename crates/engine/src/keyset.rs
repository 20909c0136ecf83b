//! Where a keyset page starts: just after the row that ended the page before.
//!
//! A plain query's rows are totally ordered: by its keys, then by `:id`,
//! which is unique. So a page can name the row it ended on by `:id` alone,
//! and the next page keeps only the rows that sort strictly after that row
//! (the anchor). That costs one filter over the rows, however deep the page
//! lies, where `$offset` would sort and throw away every row before it.

use std::sync::Arc;

use datafusion::common::ScalarValue;
use datafusion::logical_expr::Operator;
use datafusion::physical_expr::expressions::{BinaryExpr, Column, Literal, is_not_null, is_null};
use datafusion::physical_expr::{PhysicalExpr, PhysicalSortExpr};
use soql::types::ID_FIELD;

use crate::scan::ScanSource;
use crate::{EngineError, Result};

/// The condition "sorts strictly after the row with `:id` `anchor`" under
/// `ordering`, which ends with an `:id` key. The anchor's key values come
/// from the same expressions the sort evaluates, so the condition and the
/// sort always agree; an ordering of `:id` alone needs no anchor row.
pub fn after_row(
    rows: &ScanSource,
    ordering: &[PhysicalSortExpr],
    anchor: i64,
) -> Result<Arc<dyn PhysicalExpr>> {
    let row = if ordering.iter().all(|key| is_id(&key.expr)) {
        None
    } else {
        Some(rows.row(anchor).ok_or(EngineError::NoAnchor(anchor))?)
    };

    let mut values = Vec::with_capacity(ordering.len());
    for key in ordering {
        values.push(match &row {
            Some(row) if !is_id(&key.expr) => {
                let value = key.expr.evaluate(row)?.into_array(1)?;
                ScalarValue::try_from_array(&value, 0)?
            }
            _ => ScalarValue::Int64(Some(anchor)),
        });
    }

    // after(k1) OR (k1 = v1 AND (after(k2) OR (k2 = v2 AND ... after(kn)))),
    // built from the last key outwards; `None` is a condition no row meets.
    let mut condition: Option<Arc<dyn PhysicalExpr>> = None;
    for (key, value) in ordering.iter().zip(values).rev() {
        let same = binary(
            Arc::clone(&key.expr),
            Operator::IsNotDistinctFrom,
            Arc::new(Literal::new(value.clone())),
        );
        let later = condition.map(|rest| binary(same, Operator::And, rest));
        condition = match (sorts_after(key, value)?, later) {
            (Some(after), Some(later)) => Some(binary(after, Operator::Or, later)),
            (after, later) => after.or(later),
        };
    }
    Ok(condition.unwrap_or_else(|| Arc::new(Literal::new(ScalarValue::Boolean(Some(false))))))
}

/// The rows that sort strictly after `value` on one key, given its
/// direction and where its nulls go; `None` when no row does.
fn sorts_after(
    key: &PhysicalSortExpr,
    value: ScalarValue,
) -> Result<Option<Arc<dyn PhysicalExpr>>> {
    let nulls_first = key.options.nulls_first;
    if value.is_null() {
        // Nulls sit together at one end: before every value, or after all.
        return Ok(if nulls_first {
            Some(is_not_null(Arc::clone(&key.expr))?)
        } else {
            None
        });
    }
    let op = if key.options.descending {
        Operator::Lt
    } else {
        Operator::Gt
    };
    let beyond = binary(Arc::clone(&key.expr), op, Arc::new(Literal::new(value)));
    Ok(Some(if nulls_first {
        beyond
    } else {
        binary(beyond, Operator::Or, is_null(Arc::clone(&key.expr))?)
    }))
}

fn binary(
    left: Arc<dyn PhysicalExpr>,
    op: Operator,
    right: Arc<dyn PhysicalExpr>,
) -> Arc<dyn PhysicalExpr> {
    Arc::new(BinaryExpr::new(left, op, right))
}

fn is_id(expr: &Arc<dyn PhysicalExpr>) -> bool {
    expr.downcast_ref::<Column>()
        .is_some_and(|c| c.name() == ID_FIELD)
}
