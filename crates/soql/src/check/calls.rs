//! Types calls: named functions, and the argument rules operators share
//! (fixed parameter lists, comparisons, one type across many arguments).

use super::expr::type_all;
use super::geometry::read_wkt_literal;
use super::scope::Scope;
use crate::ast::{Expr, ExprKind, Span};
use crate::error::{ErrorCode, SoqlError};
use crate::functions::{self, Param, Returns, Shape};
use crate::timestamp;
use crate::typed::{Func, TypedExpr, TypedKind, Value};
use crate::types::SoqlType::{self, Checkbox, FixedTimestamp, Number, Text};

type Result<T> = std::result::Result<T, SoqlError>;

/// A function with a fixed list of parameters, the last few optional.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operator {
    func: Func,
    params: &'static [Param],
    required: usize,
    returns: Returns,
}

impl Operator {
    pub fn new(func: Func, params: &'static [Param], returns: SoqlType) -> Self {
        let required = params.len();
        let returns = Returns::Is(returns);
        Operator {
            func,
            params,
            required,
            returns,
        }
    }

    pub fn apply(&self, mut args: Vec<TypedExpr>, span: Span) -> Result<TypedExpr> {
        if !(self.required..=self.params.len()).contains(&args.len()) {
            let expected = match self.required == self.params.len() {
                true => plural(self.required, "argument"),
                false => format!("{} or {} arguments", self.required, self.params.len()),
            };
            return Err(arity_error(self.func, &expected, args.len(), span));
        }
        for (arg, param) in args.iter_mut().zip(self.params) {
            fit(arg, *param)?;
        }
        let ty = match self.returns {
            Returns::Is(ty) => ty,
            Returns::FirstArg => args[0].ty,
        };
        Ok(call_of(self.func, args, ty, span))
    }
}

fn call_of(func: Func, args: Vec<TypedExpr>, ty: SoqlType, span: Span) -> TypedExpr {
    let kind = TypedKind::Call { func, args };
    TypedExpr { kind, ty, span }
}

fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

fn arity_error(func: Func, expected: &str, found: usize, span: Span) -> SoqlError {
    let name = functions::display_name(func);
    let message = format!("expected {expected} to `{name}`, found {found}");
    SoqlError::new(ErrorCode::NoSuchFunction, message, span)
}

fn is_null_literal(expr: &TypedExpr) -> bool {
    matches!(expr.kind, TypedKind::Literal(Value::Null))
}

fn mismatch(expected: &str, found: SoqlType, span: Span) -> SoqlError {
    let message = format!("expected {expected}, found {found}");
    SoqlError::new(ErrorCode::TypeMismatch, message, span)
}

/// Checks that `arg` may stand where `param` is wanted; a bare `null`
/// takes the type wanted there, and a text literal where a geometry is
/// wanted is read as WKT.
pub(crate) fn fit(arg: &mut TypedExpr, param: Param) -> Result<()> {
    if is_null_literal(arg) {
        arg.ty = param.null_type();
        return Ok(());
    }
    if param.wants_geometry() && arg.ty == Text {
        read_wkt_literal(arg)?;
    }
    if param.accepts(arg.ty) {
        return Ok(());
    }
    Err(mismatch(&param.describe(), arg.ty, arg.span))
}

/// `=`, `<`, `BETWEEN`, `IN` ...: all arguments one ordered type, where a
/// text literal beside a timestamp is read as a timestamp.
pub(crate) fn comparison(func: Func, mut args: Vec<TypedExpr>, span: Span) -> Result<TypedExpr> {
    comparable(&mut args)?;
    Ok(call_of(func, args, Checkbox, span))
}

/// Gives every argument one type that can be compared, reading a text
/// literal beside a timestamp as a timestamp. Returns that type.
fn comparable(args: &mut [TypedExpr]) -> Result<SoqlType> {
    let ty = unify(args, true)?;
    if !ty.is_ordered() {
        let first = args
            .iter()
            .find(|a| !is_null_literal(a))
            .unwrap_or(&args[0]);
        return Err(mismatch("a type that can be compared", ty, first.span));
    }
    Ok(ty)
}

/// Gives every argument one type: the first that is not `null` (with
/// `timestamps`, the first timestamp) sets it. Returns that type.
fn unify(args: &mut [TypedExpr], timestamps: bool) -> Result<SoqlType> {
    let firm = |e: &&TypedExpr| !is_null_literal(e);
    let timestamp = args.iter().filter(firm).find(|e| e.ty.is_timestamp());
    let target = match timestamp.filter(|_| timestamps) {
        Some(e) => e.ty,
        None => args.iter().find(firm).map_or(Text, |e| e.ty),
    };
    for arg in args.iter_mut() {
        if timestamps && target.is_timestamp() && arg.ty == Text {
            text_to_timestamp(arg, target)?;
        }
        fit(arg, Param::Is(target))?;
    }
    Ok(target)
}

/// Turns the text literal `arg` into a timestamp literal of type `target`;
/// any other text expression is left for the type check to refuse.
fn text_to_timestamp(arg: &mut TypedExpr, target: SoqlType) -> Result<()> {
    let TypedKind::Literal(Value::Text(text)) = &arg.kind else {
        return Ok(());
    };
    let (parsed, example) = if target == FixedTimestamp {
        let parsed = timestamp::parse_fixed(text).map(Value::FixedTimestamp);
        (parsed, "2024-01-31T09:30:00Z")
    } else {
        let parsed = timestamp::parse_floating(text).map(Value::FloatingTimestamp);
        (parsed, "2024-01-31T09:30:00")
    };
    let Some(value) = parsed else {
        let message = format!("expected a {target} such as '{example}', found '{text}'");
        return Err(SoqlError::new(ErrorCode::TypeMismatch, message, arg.span));
    };
    arg.kind = TypedKind::Literal(value);
    arg.ty = target;
    Ok(())
}

/// A call by name: `upper(x)`, `count(*)`, `case(...)`.
pub(crate) fn call(
    scope: &Scope,
    name: &str,
    args: &[Expr],
    distinct: bool,
    span: Span,
) -> Result<TypedExpr> {
    let Some((func, shape)) = functions::lookup(name) else {
        let hint = crate::suggest::hint(name, functions::names());
        let message = format!("no such function: `{name}`{hint}");
        return Err(SoqlError::new(ErrorCode::NoSuchFunction, message, span));
    };
    if distinct && shape != Shape::Count {
        let message = format!("expected `count` before DISTINCT, found `{name}`");
        return Err(SoqlError::new(ErrorCode::NoSuchFunction, message, span));
    }
    let typed = match shape {
        Shape::Count => count(scope, args, distinct, span)?,
        Shape::Coalesce => coalesce(type_all(scope, args)?, span)?,
        Shape::Extremum => extremum(func, type_all(scope, args)?, span)?,
        Shape::NullIf => null_if(type_all(scope, args)?, span)?,
        Shape::Case => case(type_all(scope, args)?, span)?,
        Shape::Fixed {
            params,
            required,
            returns,
        } => {
            let operator = Operator {
                func,
                params,
                required,
                returns,
            };
            operator.apply(type_all(scope, args)?, span)?
        }
    };
    refuse_nested_aggregate(&typed)?;
    Ok(typed)
}

fn count(scope: &Scope, args: &[Expr], distinct: bool, span: Span) -> Result<TypedExpr> {
    if let [
        Expr {
            kind: ExprKind::Star,
            ..
        },
    ] = args
    {
        return Ok(call_of(Func::CountStar, Vec::new(), Number, span));
    }
    let func = if distinct {
        Func::CountDistinct
    } else {
        Func::Count
    };
    let args = type_all(scope, args)?;
    Operator::new(func, &[Param::Any], Number).apply(args, span)
}

fn coalesce(mut args: Vec<TypedExpr>, span: Span) -> Result<TypedExpr> {
    if args.is_empty() {
        return Err(arity_error(Func::Coalesce, "at least 1 argument", 0, span));
    }
    let ty = unify(&mut args, false)?;
    Ok(call_of(Func::Coalesce, args, ty, span))
}

/// `greatest(a, ...)` and `least(a, ...)`.
fn extremum(func: Func, mut args: Vec<TypedExpr>, span: Span) -> Result<TypedExpr> {
    if args.is_empty() {
        return Err(arity_error(func, "at least 1 argument", 0, span));
    }
    let ty = comparable(&mut args)?;
    Ok(call_of(func, args, ty, span))
}

/// `nullif(a, b)`: compares like `=`, returns `a`'s type.
fn null_if(mut args: Vec<TypedExpr>, span: Span) -> Result<TypedExpr> {
    if args.len() != 2 {
        return Err(arity_error(Func::NullIf, "2 arguments", args.len(), span));
    }
    let ty = comparable(&mut args)?;
    Ok(call_of(Func::NullIf, args, ty, span))
}

/// `case(cond1, value1, cond2, value2, ...)`.
fn case(mut args: Vec<TypedExpr>, span: Span) -> Result<TypedExpr> {
    if args.is_empty() || !args.len().is_multiple_of(2) {
        let expected = "an even number of arguments (condition, value, ...)";
        return Err(arity_error(Func::Case, expected, args.len(), span));
    }
    for condition in args.iter_mut().step_by(2) {
        fit(condition, Param::Is(Checkbox))?;
    }
    let mut values: Vec<TypedExpr> = args.iter().skip(1).step_by(2).cloned().collect();
    let ty = unify(&mut values, false)?;
    for (slot, value) in args.iter_mut().skip(1).step_by(2).zip(values) {
        *slot = value;
    }
    Ok(call_of(Func::Case, args, ty, span))
}

/// An aggregate inside an aggregate has no meaning: `sum(count(*))`.
fn refuse_nested_aggregate(call: &TypedExpr) -> Result<()> {
    let TypedKind::Call { func, args } = &call.kind else {
        return Ok(());
    };
    if !func.is_aggregate() {
        return Ok(());
    }
    let Some(inner) = args.iter().find(|a| a.contains_aggregate()) else {
        return Ok(());
    };
    let outer = functions::display_name(*func);
    let message = format!("expected a row value inside `{outer}`, found another aggregate");
    Err(SoqlError::new(
        ErrorCode::AggregateInUngroupedContext,
        message,
        inner.span,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::SoqlType::FloatingTimestamp;

    fn literal(value: Value, ty: SoqlType) -> TypedExpr {
        let kind = TypedKind::Literal(value);
        TypedExpr {
            kind,
            ty,
            span: Span::new(0, 1),
        }
    }

    #[test]
    fn unify_reads_text_beside_a_timestamp_as_a_timestamp() {
        let column = TypedExpr {
            kind: TypedKind::Column("d".into()),
            ty: FloatingTimestamp,
            span: Span::new(0, 1),
        };
        let text = literal(Value::Text("1970-01-02".into()), Text);
        let mut args = vec![text, column];
        assert_eq!(unify(&mut args, true), Ok(FloatingTimestamp));
        assert_eq!(
            args[0].kind,
            TypedKind::Literal(Value::FloatingTimestamp(86_400_000))
        );
    }

    #[test]
    fn nulls_take_the_type_of_their_neighbours() {
        let mut args = vec![
            literal(Value::Null, Text),
            literal(Value::Bool(true), Checkbox),
        ];
        assert_eq!(unify(&mut args, false), Ok(Checkbox));
        assert_eq!(args[0].ty, Checkbox);
    }
}
