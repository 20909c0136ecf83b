//! Typed SoQL expressions to DataFusion expressions.

mod regr_r2;
mod spatial;
mod unaccent;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, ScalarValue};
use datafusion::functions::expr_fn as f;
use datafusion::functions_aggregate::expr_fn as agg;
use datafusion::logical_expr::expr::{Case, Like};
use datafusion::logical_expr::{Between, Expr, Operator, binary_expr, cast, lit};
use soql::{Func, SoqlType, TypedExpr, TypedKind, Value};

use crate::{EngineError, Result};

/// A reference to a stored or computed column by its exact name.
pub fn field(name: &str) -> Expr {
    Expr::Column(Column::new_unqualified(name))
}

/// Translates typed expressions, replacing any sub-expression that was
/// already computed below (group keys and aggregates after an aggregation)
/// by a reference to its column.
#[derive(Default)]
pub struct Translator<'a> {
    pub computed: Vec<(&'a TypedExpr, String)>,
}

impl Translator<'_> {
    pub fn expr(&self, e: &TypedExpr) -> Result<Expr> {
        if let Some((_, name)) = self.computed.iter().find(|(c, _)| same(c, e)) {
            return Ok(field(name));
        }
        match &e.kind {
            TypedKind::Column(name) => Ok(field(name)),
            TypedKind::Literal(value) => literal(value, e.ty),
            TypedKind::Call { func, args } => self.call(*func, args),
        }
    }

    fn args(&self, args: &[TypedExpr]) -> Result<Vec<Expr>> {
        args.iter().map(|a| self.expr(a)).collect()
    }

    fn call(&self, func: Func, args: &[TypedExpr]) -> Result<Expr> {
        let mut a = self.args(args)?.into_iter();
        let mut next = || {
            a.next()
                .ok_or_else(|| EngineError::Unsupported(format!("{func:?} is missing an argument")))
        };
        let e = match func {
            Func::And => binary_expr(next()?, Operator::And, next()?),
            Func::Or => binary_expr(next()?, Operator::Or, next()?),
            Func::Not => Expr::Not(Box::new(next()?)),
            Func::Eq => binary_expr(next()?, Operator::Eq, next()?),
            Func::NotEq => binary_expr(next()?, Operator::NotEq, next()?),
            Func::Lt => binary_expr(next()?, Operator::Lt, next()?),
            Func::LtEq => binary_expr(next()?, Operator::LtEq, next()?),
            Func::Gt => binary_expr(next()?, Operator::Gt, next()?),
            Func::GtEq => binary_expr(next()?, Operator::GtEq, next()?),
            Func::IsNull => next()?.is_null(),
            Func::IsNotNull => next()?.is_not_null(),
            Func::Between | Func::NotBetween => {
                let (e, low, high) = (next()?, next()?, next()?);
                Expr::Between(Between::new(
                    Box::new(e),
                    func == Func::NotBetween,
                    Box::new(low),
                    Box::new(high),
                ))
            }
            Func::In | Func::NotIn => {
                let e = next()?;
                let list: Vec<Expr> = std::iter::from_fn(|| a.next()).collect();
                e.in_list(list, func == Func::NotIn)
            }
            Func::Like | Func::NotLike => {
                let (e, pattern) = (next()?, next()?);
                Expr::Like(Like::new(
                    func == Func::NotLike,
                    Box::new(e),
                    Box::new(pattern),
                    None,
                    false,
                ))
            }
            Func::Neg => Expr::Negative(Box::new(next()?)),
            Func::Add => binary_expr(next()?, Operator::Plus, next()?),
            Func::Sub => binary_expr(next()?, Operator::Minus, next()?),
            Func::Mul => binary_expr(next()?, Operator::Multiply, next()?),
            Func::Div => binary_expr(next()?, Operator::Divide, next()?),
            Func::Mod => binary_expr(next()?, Operator::Modulo, next()?),
            Func::Pow => f::power(float(next()?), float(next()?)),
            Func::Concat => binary_expr(next()?, Operator::StringConcat, next()?),
            Func::Upper => f::upper(next()?),
            Func::Lower => f::lower(next()?),
            Func::StartsWith => f::starts_with(next()?, next()?),
            Func::Length => f::character_length(next()?),
            Func::Trim => f::btrim(vec![next()?]),
            Func::Substring => {
                let (text, start) = (next()?, whole(next()?));
                match a.next() {
                    Some(length) => f::substring(text, start, whole(length)),
                    None => f::substr(text, start),
                }
            }
            Func::Replace => f::replace(next()?, next()?, next()?),
            Func::Unaccent => unaccent::unaccent(next()?),
            Func::Abs => f::abs(next()?),
            // FIXME: rounding goes through binary floats, so values beyond
            // 15 significant digits lose precision; decimal rounding belongs
            // with the rest of SoQL's numeric functions.
            Func::Round => {
                let x = float(next()?);
                match a.next() {
                    Some(digits) => f::round(vec![x, cast(digits, DataType::Int64)]),
                    None => f::round(vec![x]),
                }
            }
            Func::Floor => f::floor(float(next()?)),
            Func::Ceil => f::ceil(float(next()?)),
            Func::Ln => ln(next()?),
            Func::Coalesce => f::coalesce(std::iter::from_fn(|| a.next()).collect()),
            Func::NullIf => f::nullif(next()?, next()?),
            Func::Greatest => f::greatest(std::iter::from_fn(|| a.next()).collect()),
            Func::Least => f::least(std::iter::from_fn(|| a.next()).collect()),
            Func::Case => case(std::iter::from_fn(|| a.next()).collect())?,
            Func::DateTruncY => f::date_trunc(lit("year"), next()?),
            Func::DateTruncYm => f::date_trunc(lit("month"), next()?),
            Func::DateTruncYmd => f::date_trunc(lit("day"), next()?),
            Func::DateExtractY => f::date_part(lit("year"), next()?),
            Func::DateExtractM => f::date_part(lit("month"), next()?),
            Func::DateExtractD => f::date_part(lit("day"), next()?),
            Func::DateExtractHh => f::date_part(lit("hour"), next()?),
            Func::DateExtractMm => f::date_part(lit("minute"), next()?),
            Func::DateExtractSs => f::date_part(lit("second"), next()?),
            Func::DateExtractDow => f::date_part(lit("dow"), next()?),
            Func::DateExtractWoy => f::date_part(lit("week"), next()?),
            Func::CountStar => datafusion::functions_aggregate::count::count_all(),
            Func::Count => agg::count(next()?),
            Func::CountDistinct => agg::count_distinct(next()?),
            // FIXME: a Decimal128 sum that passes 38 digits wraps instead of
            // failing, and avg keeps only four more fraction digits than its
            // column; both want a wider accumulator (Decimal256) and full
            // precision rounding, as Socrata answers.
            Func::Sum => agg::sum(next()?),
            Func::Avg => agg::avg(next()?),
            Func::Min => agg::min(next()?),
            Func::Max => agg::max(next()?),
            // The statistics are inherently inexact, so they are computed in
            // binary floats and answered as such, as Postgres does.
            Func::StddevPop => agg::stddev_pop(float(next()?)),
            Func::StddevSamp => agg::stddev(float(next()?)),
            Func::RegrSlope => agg::regr_slope(float(next()?), float(next()?)),
            Func::RegrIntercept => agg::regr_intercept(float(next()?), float(next()?)),
            Func::RegrR2 => regr_r2::regr_r2(float(next()?), float(next()?)),
            Func::WithinCircle => {
                let point = next()?;
                let (lat, lon, radius) = (float(next()?), float(next()?), float(next()?));
                spatial::within_circle(point, lat, lon, radius)
            }
            Func::WithinBox => {
                let point = next()?;
                let (nw_lat, nw_lon) = (float(next()?), float(next()?));
                let (se_lat, se_lon) = (float(next()?), float(next()?));
                spatial::within_box(point, nw_lat, nw_lon, se_lat, se_lon)
            }
            Func::WithinPolygon => spatial::within_polygon(next()?, next()?),
            Func::Intersects => spatial::intersects(next()?, next()?),
            Func::DistanceInMeters => spatial::distance_in_meters(next()?, next()?),
            Func::NumPoints => spatial::num_points(next()?),
            Func::Simplify => spatial::simplify(next()?, float(next()?)),
            Func::ConvexHull => spatial::convex_hull(next()?),
            Func::Extent => spatial::extent(next()?),
        };
        Ok(e)
    }
}

fn float(e: Expr) -> Expr {
    cast(e, DataType::Float64)
}

/// A number as a whole number of characters, rounded half away from zero as
/// Postgres turns a numeric into an integer. Past 64 bits the cast fails and
/// the query is refused.
fn whole(e: Expr) -> Expr {
    cast(f::round(vec![e]), DataType::Int64)
}

/// `ln(x)`, null rather than minus infinity or NaN where `x` is not positive.
fn ln(x: Expr) -> Expr {
    let x = float(x);
    let positive = Box::new(x.clone().gt(lit(0.0)));
    Expr::Case(Case::new(None, vec![(positive, Box::new(f::ln(x)))], None))
}

/// `case(c1, v1, c2, v2, ...)`: the first value whose condition holds, else null.
fn case(args: Vec<Expr>) -> Result<Expr> {
    if args.is_empty() || !args.len().is_multiple_of(2) {
        return Err(EngineError::Unsupported(
            "case takes pairs of condition and value".into(),
        ));
    }
    let mut pairs = Vec::with_capacity(args.len() / 2);
    let mut it = args.into_iter();
    while let (Some(c), Some(v)) = (it.next(), it.next()) {
        pairs.push((Box::new(c), Box::new(v)));
    }
    Ok(Expr::Case(Case::new(None, pairs, None)))
}

/// Whether two typed expressions are the same, ignoring where they were written.
pub fn same(a: &TypedExpr, b: &TypedExpr) -> bool {
    a.ty == b.ty
        && match (&a.kind, &b.kind) {
            (TypedKind::Column(x), TypedKind::Column(y)) => x == y,
            (TypedKind::Literal(x), TypedKind::Literal(y)) => x == y,
            (TypedKind::Call { func: f1, args: a1 }, TypedKind::Call { func: f2, args: a2 }) => {
                f1 == f2 && a1.len() == a2.len() && a1.iter().zip(a2).all(|(x, y)| same(x, y))
            }
            _ => false,
        }
}

fn literal(value: &Value, ty: SoqlType) -> Result<Expr> {
    let scalar = match value {
        Value::Null => typed_null(ty),
        Value::Text(s) => ScalarValue::Utf8(Some(s.clone())),
        Value::Number(n) => decimal(n)?,
        Value::Bool(b) => ScalarValue::Boolean(Some(*b)),
        Value::FloatingTimestamp(ms) => ScalarValue::TimestampMillisecond(Some(*ms), None),
        Value::FixedTimestamp(ms) => {
            ScalarValue::TimestampMillisecond(Some(*ms), Some("UTC".into()))
        }
        Value::Geometry(geometry) => spatial::scalar(geometry),
    };
    Ok(lit(scalar))
}

fn typed_null(ty: SoqlType) -> ScalarValue {
    match ty {
        SoqlType::Text => ScalarValue::Utf8(None),
        SoqlType::Number => ScalarValue::Decimal128(None, 38, 0),
        SoqlType::Checkbox => ScalarValue::Boolean(None),
        SoqlType::FloatingTimestamp => ScalarValue::TimestampMillisecond(None, None),
        SoqlType::FixedTimestamp => ScalarValue::TimestampMillisecond(None, Some("UTC".into())),
        SoqlType::Point => spatial::point_scalar(None),
        SoqlType::MultiPoint
        | SoqlType::Line
        | SoqlType::MultiLine
        | SoqlType::Polygon
        | SoqlType::MultiPolygon => ScalarValue::Utf8(None),
    }
}

/// A plain decimal (`-12.50`) as an exact Decimal128 of the smallest fitting precision.
pub fn decimal(text: &str) -> Result<ScalarValue> {
    let too_big = || EngineError::Unsupported(format!("the number {text} has more than 38 digits"));
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all: String = format!("{whole}{fraction}");
    let significant = all.trim_start_matches('0');
    if all.is_empty() || !all.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EngineError::Unsupported(format!("{text} is not a number")));
    }
    if significant.len() > 38 || fraction.len() > 38 {
        return Err(too_big());
    }
    let mut value: i128 = significant.parse().unwrap_or(0);
    if negative {
        value = -value;
    }
    let scale = fraction.len() as i8;
    let precision = (significant.len().max(fraction.len() + 1)).clamp(1, 38) as u8;
    Ok(ScalarValue::Decimal128(Some(value), precision, scale))
}
