//! The checked query: every name resolved, every expression typed.

use crate::ast::Span;
use crate::geometry::Geometry;
use crate::types::SoqlType;

#[derive(Debug, Clone, PartialEq)]
pub struct TypedExpr {
    pub kind: TypedKind,
    pub ty: SoqlType,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypedKind {
    /// A stored column, by field name (system fields keep their `:`).
    Column(String),
    Literal(Value),
    Call {
        func: Func,
        args: Vec<TypedExpr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    /// A plain decimal with no exponent (`-12.50` stays `-12.50`; `1e3` becomes `1000`).
    Number(String),
    Bool(bool),
    /// Milliseconds since 1970-01-01T00:00:00 read as a wall-clock time (no zone).
    FloatingTimestamp(i64),
    /// Milliseconds since the Unix epoch, UTC.
    FixedTimestamp(i64),
    /// A WKT text literal read where a geometry is wanted.
    Geometry(Geometry),
}

/// Every operator and function the checker resolves to. Operators are
/// functions here so that the engine has one thing to translate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    // Logic and comparison.
    And,
    Or,
    Not,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    IsNull,
    IsNotNull,
    /// `args[0] BETWEEN args[1] AND args[2]`.
    Between,
    NotBetween,
    /// `args[0] IN (args[1..])`.
    In,
    NotIn,
    Like,
    NotLike,
    // Arithmetic and text.
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    Upper,
    Lower,
    StartsWith,
    Length,
    Trim,
    /// `substring(text, start [, length])`: characters counted from 1.
    Substring,
    /// `replace(text, from, to)`: every occurrence of `from`.
    Replace,
    /// Latin letters without their diacritics: `é` → `e`, `Ø` → `O`.
    Unaccent,
    Abs,
    Round,
    Floor,
    Ceil,
    /// The natural logarithm; null where the argument is not positive.
    Ln,
    Coalesce,
    /// `nullif(a, b)`: null where `a = b`, else `a`.
    NullIf,
    /// The largest argument, ignoring nulls.
    Greatest,
    /// The smallest argument, ignoring nulls.
    Least,
    /// `case(cond1, value1, cond2, value2, ...)`: the first value whose condition holds.
    Case,
    DateTruncY,
    DateTruncYm,
    DateTruncYmd,
    DateExtractY,
    DateExtractM,
    DateExtractD,
    DateExtractHh,
    DateExtractMm,
    DateExtractSs,
    DateExtractDow,
    DateExtractWoy,
    // Geometry. Distances are great-circle metres on a sphere of radius
    // 6,371,008.8 m; arguments are in Socrata's order (latitude first).
    /// `within_circle(point, lat, lon, radius_m)`.
    WithinCircle,
    /// `within_box(point, nw_lat, nw_lon, se_lat, se_lon)`, edges included.
    WithinBox,
    /// `within_polygon(point, polygon)`: strictly inside, as `ST_Within`.
    WithinPolygon,
    /// `intersects(a, b)`: any point in common, boundaries included.
    Intersects,
    DistanceInMeters,
    NumPoints,
    /// `simplify(geometry, tolerance)`: Douglas–Peucker, tolerance in degrees.
    Simplify,
    // Aggregates.
    CountStar,
    Count,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
    StddevPop,
    StddevSamp,
    /// `regr_slope(y, x)`: the least-squares slope of `y` against `x`.
    RegrSlope,
    RegrIntercept,
    /// The coefficient of determination of that fit.
    RegrR2,
    /// The convex hull of every geometry, as a multipolygon.
    ConvexHull,
    /// The bounding box of every geometry, as a multipolygon.
    Extent,
}

impl Func {
    pub fn is_aggregate(self) -> bool {
        matches!(
            self,
            Func::CountStar
                | Func::Count
                | Func::CountDistinct
                | Func::Sum
                | Func::Avg
                | Func::Min
                | Func::Max
                | Func::StddevPop
                | Func::StddevSamp
                | Func::RegrSlope
                | Func::RegrIntercept
                | Func::RegrR2
                | Func::ConvexHull
                | Func::Extent
        )
    }
}

impl TypedExpr {
    /// Whether an aggregate call appears anywhere in this expression.
    pub fn contains_aggregate(&self) -> bool {
        match &self.kind {
            TypedKind::Call { func, args } => {
                func.is_aggregate() || args.iter().any(TypedExpr::contains_aggregate)
            }
            _ => false,
        }
    }
}

/// One output column.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    /// The output field name: the alias, or Socrata's implicit one.
    pub name: String,
    pub expr: TypedExpr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypedOrder {
    pub expr: TypedExpr,
    pub descending: bool,
    pub nulls_first: bool,
}

/// `$q`: words that must each appear, in any case, in some of `columns`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub terms: String,
    /// The schema's text columns: only what the query may name is searched,
    /// so a column left out of the schema is never matched.
    pub columns: Vec<String>,
}

/// A query that is known to make sense against its dataset's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedQuery {
    pub distinct: bool,
    /// Never empty: `*` and `:*` are expanded.
    pub selection: Vec<Selected>,
    pub filter: Option<TypedExpr>,
    /// Grouping keys; aliases are replaced by what they name.
    pub group_by: Vec<TypedExpr>,
    pub having: Option<TypedExpr>,
    /// Aliases are replaced by what they name.
    pub order_by: Vec<TypedOrder>,
    pub search: Option<Search>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl TypedQuery {
    /// Grouped, or aggregating over all rows: one output row per group.
    pub fn is_aggregated(&self) -> bool {
        !self.group_by.is_empty()
            || self.selection.iter().any(|s| s.expr.contains_aggregate())
            || self.having.is_some()
    }
}
