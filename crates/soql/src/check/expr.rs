//! Types one expression: literals, names and operators. Calls by name are in
//! `calls`, which also holds the argument rules operators share.

use super::calls::{self, Operator};
use super::scope::Scope;
use crate::ast::{BinaryOp, Expr, ExprKind, Literal, Span, UnaryOp};
use crate::error::{ErrorCode, SoqlError};
use crate::functions::Param;
use crate::number::plain_decimal;
use crate::typed::{Func, TypedExpr, TypedKind, Value};
use crate::types::SoqlType::{Checkbox, Number, Text};

type Result<T> = std::result::Result<T, SoqlError>;

const TWO_CHECKBOXES: &[Param] = &[Param::Is(Checkbox), Param::Is(Checkbox)];
const TWO_NUMBERS: &[Param] = &[Param::Is(Number), Param::Is(Number)];
const TWO_TEXTS: &[Param] = &[Param::Is(Text), Param::Is(Text)];

pub(crate) fn type_expr(scope: &Scope, expr: &Expr) -> Result<TypedExpr> {
    let span = expr.span;
    match &expr.kind {
        ExprKind::Column(name) => scope.resolve(name, span),
        ExprKind::Star | ExprKind::SystemStar => Err(star_outside_selection(&expr.kind, span)),
        ExprKind::Literal(literal) => typed_literal(literal, span),
        ExprKind::Unary { op, expr } => unary(scope, *op, expr, span),
        ExprKind::Binary { op, left, right } => binary(scope, *op, left, right, span),
        ExprKind::IsNull { expr, negated } => {
            let func = if *negated {
                Func::IsNotNull
            } else {
                Func::IsNull
            };
            let args = vec![type_expr(scope, expr)?];
            Operator::new(func, &[Param::Any], Checkbox).apply(args, span)
        }
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => {
            let func = if *negated {
                Func::NotBetween
            } else {
                Func::Between
            };
            let args = type_all(scope, [&**expr, low, high])?;
            calls::comparison(func, args, span)
        }
        ExprKind::In {
            expr,
            list,
            negated,
        } => {
            let func = if *negated { Func::NotIn } else { Func::In };
            let args = type_all(scope, std::iter::once(&**expr).chain(list))?;
            calls::comparison(func, args, span)
        }
        ExprKind::Like {
            expr,
            pattern,
            negated,
        } => {
            let func = if *negated { Func::NotLike } else { Func::Like };
            let args = type_all(scope, [&**expr, pattern])?;
            Operator::new(func, TWO_TEXTS, Checkbox).apply(args, span)
        }
        ExprKind::Call {
            name,
            args,
            distinct,
        } => calls::call(scope, name, args, *distinct, span),
    }
}

pub(crate) fn type_all<'e>(
    scope: &Scope,
    exprs: impl IntoIterator<Item = &'e Expr>,
) -> Result<Vec<TypedExpr>> {
    exprs.into_iter().map(|e| type_expr(scope, e)).collect()
}

fn star_outside_selection(kind: &ExprKind, span: Span) -> SoqlError {
    let (found, allowed) = match kind {
        ExprKind::SystemStar => ("`:*`", "only a selection may use `:*`"),
        _ => ("`*`", "only a selection and count(*) may use `*`"),
    };
    let message = format!("expected an expression, found {found}; {allowed}");
    SoqlError::new(ErrorCode::BadParse, message, span)
}

/// A literal's value; `null` is typed as text until its context says more.
fn typed_literal(literal: &Literal, span: Span) -> Result<TypedExpr> {
    let (value, ty) = match literal {
        Literal::Text(text) => (Value::Text(text.clone()), Text),
        Literal::Bool(value) => (Value::Bool(*value), Checkbox),
        Literal::Null => (Value::Null, Text),
        Literal::Number(written) => {
            let Some(plain) = plain_decimal(written) else {
                let message = format!("expected a number, found `{written}`");
                return Err(SoqlError::new(ErrorCode::BadParse, message, span));
            };
            (Value::Number(plain), Number)
        }
    };
    let kind = TypedKind::Literal(value);
    Ok(TypedExpr { kind, ty, span })
}

fn unary(scope: &Scope, op: UnaryOp, operand: &Expr, span: Span) -> Result<TypedExpr> {
    let mut operand = type_expr(scope, operand)?;
    match op {
        UnaryOp::Not => {
            Operator::new(Func::Not, &[Param::Is(Checkbox)], Checkbox).apply(vec![operand], span)
        }
        UnaryOp::Neg => match operand.kind {
            // A minus sign written before a number is part of the number.
            TypedKind::Literal(Value::Number(digits)) => {
                let kind = TypedKind::Literal(Value::Number(negate(&digits)));
                Ok(TypedExpr {
                    kind,
                    ty: Number,
                    span,
                })
            }
            _ => Operator::new(Func::Neg, &[Param::Is(Number)], Number).apply(vec![operand], span),
        },
        // Unary plus changes nothing, so it leaves no trace once checked.
        UnaryOp::Plus => {
            calls::fit(&mut operand, Param::Is(Number))?;
            Ok(TypedExpr { span, ..operand })
        }
    }
}

fn negate(digits: &str) -> String {
    match digits.strip_prefix('-') {
        Some(positive) => positive.to_string(),
        None => format!("-{digits}"),
    }
}

fn binary(scope: &Scope, op: BinaryOp, left: &Expr, right: &Expr, span: Span) -> Result<TypedExpr> {
    let args = type_all(scope, [left, right])?;
    let (func, operator) = match op {
        BinaryOp::Eq => return calls::comparison(Func::Eq, args, span),
        BinaryOp::NotEq => return calls::comparison(Func::NotEq, args, span),
        BinaryOp::Lt => return calls::comparison(Func::Lt, args, span),
        BinaryOp::LtEq => return calls::comparison(Func::LtEq, args, span),
        BinaryOp::Gt => return calls::comparison(Func::Gt, args, span),
        BinaryOp::GtEq => return calls::comparison(Func::GtEq, args, span),
        BinaryOp::And => (Func::And, (TWO_CHECKBOXES, Checkbox)),
        BinaryOp::Or => (Func::Or, (TWO_CHECKBOXES, Checkbox)),
        BinaryOp::Concat => (Func::Concat, (TWO_TEXTS, Text)),
        BinaryOp::Add => (Func::Add, (TWO_NUMBERS, Number)),
        BinaryOp::Sub => (Func::Sub, (TWO_NUMBERS, Number)),
        BinaryOp::Mul => (Func::Mul, (TWO_NUMBERS, Number)),
        BinaryOp::Div => (Func::Div, (TWO_NUMBERS, Number)),
        BinaryOp::Mod => (Func::Mod, (TWO_NUMBERS, Number)),
        BinaryOp::Pow => (Func::Pow, (TWO_NUMBERS, Number)),
    };
    let (params, returns) = operator;
    Operator::new(func, params, returns).apply(args, span)
}
