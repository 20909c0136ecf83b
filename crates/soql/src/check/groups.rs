//! Aggregation rules: where aggregates may stand, and what a grouped or
//! aggregated query may still refer to row by row.

use crate::ast::Span;
use crate::error::{ErrorCode, SoqlError};
use crate::functions::display_name;
use crate::typed::{TypedExpr, TypedKind};

type Result<T> = std::result::Result<T, SoqlError>;

/// Refuses an aggregate in a clause that is evaluated row by row, such as
/// `$where` or `$group`; `place` names that clause in the message.
pub(crate) fn refuse_aggregate(expr: &TypedExpr, place: &str) -> Result<()> {
    let Some((func, span)) = first_aggregate(expr) else {
        return Ok(());
    };
    let name = display_name(func);
    let message = format!("expected a row value in {place}, found the aggregate `{name}`");
    Err(SoqlError::new(
        ErrorCode::AggregateInUngroupedContext,
        message,
        span,
    ))
}

fn first_aggregate(expr: &TypedExpr) -> Option<(crate::typed::Func, Span)> {
    let TypedKind::Call { func, args } = &expr.kind else {
        return None;
    };
    if func.is_aggregate() {
        return Some((*func, expr.span));
    }
    args.iter().find_map(first_aggregate)
}

/// In an aggregated query every column must be read through a grouping key
/// or an aggregate: an expression equal to a key is fine as a whole.
pub(crate) fn require_grouped(expr: &TypedExpr, keys: &[TypedExpr]) -> Result<()> {
    if keys.iter().any(|key| same(key, expr)) {
        return Ok(());
    }
    match &expr.kind {
        TypedKind::Literal(_) => Ok(()),
        TypedKind::Column(name) => Err(ungrouped(name, expr.span)),
        TypedKind::Call { func, .. } if func.is_aggregate() => Ok(()),
        TypedKind::Call { args, .. } => args.iter().try_for_each(|a| require_grouped(a, keys)),
    }
}

fn ungrouped(name: &str, span: Span) -> SoqlError {
    let message = format!(
        "column `{name}` is neither grouped nor aggregated; add it to the group-by or use it \
         inside an aggregate such as max({name})"
    );
    SoqlError::new(ErrorCode::ColumnNotInGroupBys, message, span)
}

/// Equal apart from spans.
fn same(a: &TypedExpr, b: &TypedExpr) -> bool {
    if a.ty != b.ty {
        return false;
    }
    match (&a.kind, &b.kind) {
        (TypedKind::Call { func: f, args: x }, TypedKind::Call { func: g, args: y }) => {
            f == g && x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (left, right) => left == right,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typed::{Func, Value};
    use crate::types::SoqlType;

    fn column(name: &str, at: usize) -> TypedExpr {
        TypedExpr {
            kind: TypedKind::Column(name.into()),
            ty: SoqlType::Text,
            span: Span::new(at, at + name.len()),
        }
    }

    fn upper(arg: TypedExpr) -> TypedExpr {
        let span = arg.span;
        let kind = TypedKind::Call {
            func: Func::Upper,
            args: vec![arg],
        };
        TypedExpr {
            kind,
            ty: SoqlType::Text,
            span,
        }
    }

    #[test]
    fn keys_cover_equal_expressions_written_elsewhere() {
        let keys = [upper(column("county", 0))];
        assert_eq!(require_grouped(&upper(column("county", 40)), &keys), Ok(()));
        let err = require_grouped(&column("county", 40), &keys).unwrap_err();
        assert_eq!(err.code, ErrorCode::ColumnNotInGroupBys);
        assert_eq!(err.span, Span::new(40, 46));
    }

    #[test]
    fn literals_need_no_key() {
        let literal = TypedExpr {
            kind: TypedKind::Literal(Value::Number("1".into())),
            ty: SoqlType::Number,
            span: Span::default(),
        };
        assert_eq!(require_grouped(&literal, &[]), Ok(()));
    }
}
