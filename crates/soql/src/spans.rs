//! Comparing trees while ignoring where their parts were written.

use crate::ast::{Expr, ExprKind, OrderItem, Query, SelectItem, Span};
use crate::typed::{Selected, TypedExpr, TypedKind, TypedOrder, TypedQuery};

/// A syntax tree whose spans can be zeroed, so that two parses of different
/// text with the same meaning compare equal.
pub trait WithoutSpans: Sized {
    /// Sets every span inside to `Span::default()`.
    fn clear_spans(&mut self);

    /// A copy with every span zeroed.
    fn without_spans(&self) -> Self
    where
        Self: Clone,
    {
        let mut copy = self.clone();
        copy.clear_spans();
        copy
    }
}

impl WithoutSpans for Expr {
    fn clear_spans(&mut self) {
        self.span = Span::default();
        match &mut self.kind {
            ExprKind::Column(_) | ExprKind::Star | ExprKind::SystemStar | ExprKind::Literal(_) => {}
            ExprKind::Unary { expr, .. } | ExprKind::IsNull { expr, .. } => expr.clear_spans(),
            ExprKind::Binary { left, right, .. } => {
                left.clear_spans();
                right.clear_spans();
            }
            ExprKind::Between {
                expr, low, high, ..
            } => {
                expr.clear_spans();
                low.clear_spans();
                high.clear_spans();
            }
            ExprKind::In { expr, list, .. } => {
                expr.clear_spans();
                list.clear_spans();
            }
            ExprKind::Like { expr, pattern, .. } => {
                expr.clear_spans();
                pattern.clear_spans();
            }
            ExprKind::Call { args, .. } => args.clear_spans(),
        }
    }
}

impl<T: WithoutSpans> WithoutSpans for Vec<T> {
    fn clear_spans(&mut self) {
        self.iter_mut().for_each(T::clear_spans);
    }
}

impl<T: WithoutSpans> WithoutSpans for Option<T> {
    fn clear_spans(&mut self) {
        if let Some(inner) = self {
            inner.clear_spans();
        }
    }
}

impl WithoutSpans for SelectItem {
    fn clear_spans(&mut self) {
        self.expr.clear_spans();
        if let Some((_, span)) = &mut self.alias {
            *span = Span::default();
        }
    }
}

impl WithoutSpans for OrderItem {
    fn clear_spans(&mut self) {
        self.expr.clear_spans();
    }
}

impl WithoutSpans for Query {
    fn clear_spans(&mut self) {
        self.select.clear_spans();
        self.filter.clear_spans();
        self.group_by.clear_spans();
        self.having.clear_spans();
        self.order_by.clear_spans();
    }
}

impl WithoutSpans for TypedExpr {
    fn clear_spans(&mut self) {
        self.span = Span::default();
        if let TypedKind::Call { args, .. } = &mut self.kind {
            args.clear_spans();
        }
    }
}

impl WithoutSpans for Selected {
    fn clear_spans(&mut self) {
        self.expr.clear_spans();
    }
}

impl WithoutSpans for TypedOrder {
    fn clear_spans(&mut self) {
        self.expr.clear_spans();
    }
}

impl WithoutSpans for TypedQuery {
    fn clear_spans(&mut self) {
        self.selection.clear_spans();
        self.filter.clear_spans();
        self.group_by.clear_spans();
        self.having.clear_spans();
        self.order_by.clear_spans();
    }
}
