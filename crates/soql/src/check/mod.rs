//! The type checker: a parsed query against a dataset's schema becomes a
//! typed query, or an error that names its clause.

mod calls;
mod expr;
mod geometry;
mod groups;
mod scope;
mod select;

use self::expr::type_expr;
use self::groups::{refuse_aggregate, require_grouped};
use self::scope::Scope;
use self::select::{CheckedSelection, check_selection};
use crate::ast::{Clause, Expr, NullOrder, OrderItem, Query};
use crate::error::{CheckError, SoqlError};
use crate::functions::Param;
use crate::typed::{Search, TypedExpr, TypedOrder, TypedQuery};
use crate::types::{Schema, SoqlType};

/// Checks `query` against `schema`. Clauses are checked in the order
/// select, where, group, having, order; the first problem is returned.
pub fn check(query: &Query, schema: &Schema) -> Result<TypedQuery, CheckError> {
    let CheckedSelection { selected, aliases } =
        check_selection(&query.select, schema).map_err(within(Clause::Select))?;
    let rows = Scope::columns(schema);
    let named = Scope::with_aliases(schema, &aliases);

    let filter = query.filter.as_ref().map(|e| check_filter(&rows, e));
    let filter = filter.transpose().map_err(within(Clause::Where))?;
    let group_by = check_group_by(&named, &query.group_by).map_err(within(Clause::Group))?;
    let having = query.having.as_ref().map(|e| condition(&named, e));
    let having = having.transpose().map_err(within(Clause::Having))?;
    let order_by = check_order_by(&named, &query.order_by).map_err(within(Clause::Order))?;

    let typed = TypedQuery {
        distinct: query.distinct,
        selection: selected,
        filter,
        group_by,
        having,
        order_by,
        search: query.search.as_ref().map(|terms| Search {
            terms: terms.clone(),
            columns: schema.text_columns(),
        }),
        limit: query.limit,
        offset: query.offset,
    };
    check_grouping(&typed)?;
    Ok(typed)
}

fn within(clause: Clause) -> impl Fn(SoqlError) -> CheckError {
    move |error| CheckError::new(clause, error)
}

/// An expression that must be true or false, such as `$where` or `$having`.
fn condition(scope: &Scope, expr: &Expr) -> Result<TypedExpr, SoqlError> {
    let mut typed = type_expr(scope, expr)?;
    calls::fit(&mut typed, Param::Is(SoqlType::Checkbox))?;
    Ok(typed)
}

fn check_filter(scope: &Scope, expr: &Expr) -> Result<TypedExpr, SoqlError> {
    let typed = condition(scope, expr)?;
    refuse_aggregate(&typed, "$where (use $having to filter on aggregates)")?;
    Ok(typed)
}

fn check_group_by(scope: &Scope, keys: &[Expr]) -> Result<Vec<TypedExpr>, SoqlError> {
    let check_key = |key: &Expr| {
        let typed = type_expr(scope, key)?;
        refuse_aggregate(&typed, "$group")?;
        Ok(typed)
    };
    keys.iter().map(check_key).collect()
}

fn check_order_by(scope: &Scope, items: &[OrderItem]) -> Result<Vec<TypedOrder>, SoqlError> {
    let check_item = |item: &OrderItem| {
        let mut expr = type_expr(scope, &item.expr)?;
        calls::fit(&mut expr, Param::Ordered)?;
        // Socrata's default: nulls last ascending, first descending.
        let nulls_first = match item.nulls {
            Some(NullOrder::First) => true,
            Some(NullOrder::Last) => false,
            None => item.descending,
        };
        let descending = item.descending;
        Ok(TypedOrder {
            expr,
            descending,
            nulls_first,
        })
    };
    items.iter().map(check_item).collect()
}

/// Once a query groups or aggregates, the selection, `$having` and `$order`
/// may read columns only through grouping keys or aggregates.
fn check_grouping(query: &TypedQuery) -> Result<(), CheckError> {
    let ordered_by_aggregate = query.order_by.iter().any(|o| o.expr.contains_aggregate());
    if !query.is_aggregated() && !ordered_by_aggregate {
        return Ok(());
    }
    let keys = &query.group_by;
    for selected in &query.selection {
        require_grouped(&selected.expr, keys).map_err(within(Clause::Select))?;
    }
    if let Some(having) = &query.having {
        require_grouped(having, keys).map_err(within(Clause::Having))?;
    }
    for order in &query.order_by {
        require_grouped(&order.expr, keys).map_err(within(Clause::Order))?;
    }
    Ok(())
}
