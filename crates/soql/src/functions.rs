//! The functions SoQL knows by name, with the argument types each accepts.

use crate::typed::Func;
use crate::types::SoqlType::{
    self, Checkbox, FloatingTimestamp, MultiPolygon, Number, Point, Polygon, Text,
};

/// What one argument may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Param {
    Is(SoqlType),
    /// Either kind of timestamp.
    Timestamp,
    /// Any type that has an order (everything but geometries).
    Ordered,
    /// Any geometry: point, line or polygon, single or multiple.
    Geometry,
    /// A polygon or multipolygon.
    Areal,
    Any,
}

impl Param {
    pub fn accepts(self, ty: SoqlType) -> bool {
        match self {
            Param::Is(wanted) => ty == wanted,
            Param::Timestamp => ty.is_timestamp(),
            Param::Ordered => ty.is_ordered(),
            Param::Geometry => ty.is_geometry(),
            Param::Areal => matches!(ty, Polygon | MultiPolygon),
            Param::Any => true,
        }
    }

    /// Whether a text literal here is read as WKT.
    pub fn wants_geometry(self) -> bool {
        match self {
            Param::Is(ty) => ty.is_geometry(),
            Param::Geometry | Param::Areal => true,
            Param::Timestamp | Param::Ordered | Param::Any => false,
        }
    }

    /// The type a bare `null` argument takes here.
    pub fn null_type(self) -> SoqlType {
        match self {
            Param::Is(ty) => ty,
            Param::Timestamp => FloatingTimestamp,
            Param::Geometry => Point,
            Param::Areal => MultiPolygon,
            Param::Ordered | Param::Any => Text,
        }
    }

    /// How an error message names what was wanted.
    pub fn describe(self) -> String {
        match self {
            Param::Is(ty) => ty.to_string(),
            Param::Timestamp => "floating_timestamp or fixed_timestamp".to_string(),
            Param::Ordered => "a type with an order".to_string(),
            Param::Geometry => {
                "a geometry (point, multipoint, line, multiline, polygon or multipolygon)"
                    .to_string()
            }
            Param::Areal => "polygon or multipolygon".to_string(),
            Param::Any => "any type".to_string(),
        }
    }
}

/// What a call returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Returns {
    Is(SoqlType),
    /// The type of the first argument (`min`, `max`).
    FirstArg,
}

/// How a function takes its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `params`, of which the first `required` must be given.
    Fixed {
        params: &'static [Param],
        required: usize,
        returns: Returns,
    },
    /// One or more arguments of one type; returns that type.
    Coalesce,
    /// One or more arguments of one ordered type; returns that type
    /// (`greatest`, `least`).
    Extremum,
    /// Two arguments of one type that can be compared; returns that type.
    NullIf,
    /// Pairs of checkbox condition and value; returns the values' type.
    Case,
    /// `count(*)`, `count(x)`, `count(DISTINCT x)`.
    Count,
}

const fn fixed(params: &'static [Param], returns: SoqlType) -> Shape {
    Shape::Fixed {
        params,
        required: params.len(),
        returns: Returns::Is(returns),
    }
}

const TEXT: &[Param] = &[Param::Is(Text)];
const NUMBER: &[Param] = &[Param::Is(Number)];
const TWO_NUMBERS: &[Param] = &[Param::Is(Number), Param::Is(Number)];
const THREE_TEXTS: &[Param] = &[Param::Is(Text), Param::Is(Text), Param::Is(Text)];
const FLOATING: &[Param] = &[Param::Is(FloatingTimestamp)];
const TIMESTAMP: &[Param] = &[Param::Timestamp];
const ORDERED: &[Param] = &[Param::Ordered];
const GEOMETRY: &[Param] = &[Param::Geometry];
/// `within_circle(point, lat, lon, radius_m)`.
const CIRCLE: &[Param] = &[
    Param::Is(Point),
    Param::Is(Number),
    Param::Is(Number),
    Param::Is(Number),
];
/// `within_box(point, nw_lat, nw_lon, se_lat, se_lon)`.
const BOX: &[Param] = &[
    Param::Is(Point),
    Param::Is(Number),
    Param::Is(Number),
    Param::Is(Number),
    Param::Is(Number),
];

/// Every function by its lower-case name.
const FUNCTIONS: &[(&str, Func, Shape)] = &[
    ("upper", Func::Upper, fixed(TEXT, Text)),
    ("lower", Func::Lower, fixed(TEXT, Text)),
    ("trim", Func::Trim, fixed(TEXT, Text)),
    ("length", Func::Length, fixed(TEXT, Number)),
    (
        "starts_with",
        Func::StartsWith,
        fixed(&[Param::Is(Text), Param::Is(Text)], Checkbox),
    ),
    (
        "substring",
        Func::Substring,
        Shape::Fixed {
            params: &[Param::Is(Text), Param::Is(Number), Param::Is(Number)],
            required: 2,
            returns: Returns::Is(Text),
        },
    ),
    ("replace", Func::Replace, fixed(THREE_TEXTS, Text)),
    ("unaccent", Func::Unaccent, fixed(TEXT, Text)),
    ("abs", Func::Abs, fixed(NUMBER, Number)),
    ("floor", Func::Floor, fixed(NUMBER, Number)),
    ("ceil", Func::Ceil, fixed(NUMBER, Number)),
    (
        "round",
        Func::Round,
        Shape::Fixed {
            params: &[Param::Is(Number), Param::Is(Number)],
            required: 1,
            returns: Returns::Is(Number),
        },
    ),
    ("ln", Func::Ln, fixed(NUMBER, Number)),
    ("coalesce", Func::Coalesce, Shape::Coalesce),
    ("nullif", Func::NullIf, Shape::NullIf),
    ("greatest", Func::Greatest, Shape::Extremum),
    ("least", Func::Least, Shape::Extremum),
    ("case", Func::Case, Shape::Case),
    (
        "date_trunc_y",
        Func::DateTruncY,
        fixed(FLOATING, FloatingTimestamp),
    ),
    (
        "date_trunc_ym",
        Func::DateTruncYm,
        fixed(FLOATING, FloatingTimestamp),
    ),
    (
        "date_trunc_ymd",
        Func::DateTruncYmd,
        fixed(FLOATING, FloatingTimestamp),
    ),
    (
        "date_extract_y",
        Func::DateExtractY,
        fixed(TIMESTAMP, Number),
    ),
    (
        "date_extract_m",
        Func::DateExtractM,
        fixed(TIMESTAMP, Number),
    ),
    (
        "date_extract_d",
        Func::DateExtractD,
        fixed(TIMESTAMP, Number),
    ),
    (
        "date_extract_hh",
        Func::DateExtractHh,
        fixed(TIMESTAMP, Number),
    ),
    (
        "date_extract_mm",
        Func::DateExtractMm,
        fixed(TIMESTAMP, Number),
    ),
    (
        "date_extract_ss",
        Func::DateExtractSs,
        fixed(TIMESTAMP, Number),
    ),
    (
        "date_extract_dow",
        Func::DateExtractDow,
        fixed(TIMESTAMP, Number),
    ),
    (
        "date_extract_woy",
        Func::DateExtractWoy,
        fixed(TIMESTAMP, Number),
    ),
    ("within_circle", Func::WithinCircle, fixed(CIRCLE, Checkbox)),
    ("within_box", Func::WithinBox, fixed(BOX, Checkbox)),
    (
        "within_polygon",
        Func::WithinPolygon,
        fixed(&[Param::Is(Point), Param::Areal], Checkbox),
    ),
    (
        "intersects",
        Func::Intersects,
        fixed(&[Param::Geometry, Param::Geometry], Checkbox),
    ),
    (
        "distance_in_meters",
        Func::DistanceInMeters,
        fixed(&[Param::Is(Point), Param::Is(Point)], Number),
    ),
    ("num_points", Func::NumPoints, fixed(GEOMETRY, Number)),
    (
        "simplify",
        Func::Simplify,
        Shape::Fixed {
            params: &[Param::Geometry, Param::Is(Number)],
            required: 2,
            returns: Returns::FirstArg,
        },
    ),
    ("count", Func::Count, Shape::Count),
    ("sum", Func::Sum, fixed(NUMBER, Number)),
    ("avg", Func::Avg, fixed(NUMBER, Number)),
    (
        "min",
        Func::Min,
        Shape::Fixed {
            params: ORDERED,
            required: 1,
            returns: Returns::FirstArg,
        },
    ),
    (
        "max",
        Func::Max,
        Shape::Fixed {
            params: ORDERED,
            required: 1,
            returns: Returns::FirstArg,
        },
    ),
    ("stddev_pop", Func::StddevPop, fixed(NUMBER, Number)),
    ("stddev_samp", Func::StddevSamp, fixed(NUMBER, Number)),
    ("regr_slope", Func::RegrSlope, fixed(TWO_NUMBERS, Number)),
    (
        "regr_intercept",
        Func::RegrIntercept,
        fixed(TWO_NUMBERS, Number),
    ),
    ("regr_r2", Func::RegrR2, fixed(TWO_NUMBERS, Number)),
    (
        "convex_hull",
        Func::ConvexHull,
        fixed(GEOMETRY, MultiPolygon),
    ),
    ("extent", Func::Extent, fixed(GEOMETRY, MultiPolygon)),
];

/// The function called `name` (lower case) and how it takes arguments.
pub(crate) fn lookup(name: &str) -> Option<(Func, Shape)> {
    FUNCTIONS
        .iter()
        .find(|(known, _, _)| *known == name)
        .map(|&(_, func, shape)| (func, shape))
}

/// Every function name, for "did you mean" hints.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().map(|(name, _, _)| *name)
}

/// How messages name `func`: its SoQL name or operator.
pub(crate) fn display_name(func: Func) -> &'static str {
    if let Some((name, _, _)) = FUNCTIONS.iter().find(|(_, f, _)| *f == func) {
        return name;
    }
    match func {
        Func::And => "AND",
        Func::Or => "OR",
        Func::Not => "NOT",
        Func::Eq => "=",
        Func::NotEq => "!=",
        Func::Lt => "<",
        Func::LtEq => "<=",
        Func::Gt => ">",
        Func::GtEq => ">=",
        Func::IsNull => "IS NULL",
        Func::IsNotNull => "IS NOT NULL",
        Func::Between => "BETWEEN",
        Func::NotBetween => "NOT BETWEEN",
        Func::In => "IN",
        Func::NotIn => "NOT IN",
        Func::Like => "LIKE",
        Func::NotLike => "NOT LIKE",
        Func::Neg | Func::Sub => "-",
        Func::Add => "+",
        Func::Mul => "*",
        Func::Div => "/",
        Func::Mod => "%",
        Func::Pow => "^",
        Func::Concat => "||",
        Func::CountStar | Func::CountDistinct => "count",
        _ => "function",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lower_case() {
        let all: Vec<&str> = names().collect();
        for name in &all {
            assert_eq!(*name, name.to_lowercase());
            assert_eq!(all.iter().filter(|n| *n == name).count(), 1, "{name}");
        }
    }

    #[test]
    fn display_names_cover_operators_and_functions() {
        assert_eq!(display_name(Func::Sum), "sum");
        assert_eq!(display_name(Func::CountStar), "count");
        assert_eq!(display_name(Func::NotBetween), "NOT BETWEEN");
        assert_eq!(lookup("nope"), None);
    }
}
