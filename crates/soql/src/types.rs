//! SoQL's data types and the schema a query is checked against.

use std::fmt;
use std::str::FromStr;

/// A column or expression type, named as Socrata names it on the wire
/// (`X-SODA2-Types`, `dataTypeName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SoqlType {
    Text,
    /// Exact decimal; never a binary float on the wire.
    Number,
    Checkbox,
    /// A date and time with no zone; read in the city's zone.
    FloatingTimestamp,
    /// An instant, always written in UTC with `Z`.
    FixedTimestamp,
    /// A longitude and latitude (WGS 84), the only geometry a column holds.
    Point,
    // The other geometries come only from literals and geo functions
    // (`convex_hull`, `extent`, `simplify`); the engine carries them as WKT.
    MultiPoint,
    Line,
    MultiLine,
    Polygon,
    MultiPolygon,
}

impl SoqlType {
    pub const ALL: [SoqlType; 11] = [
        SoqlType::Text,
        SoqlType::Number,
        SoqlType::Checkbox,
        SoqlType::FloatingTimestamp,
        SoqlType::FixedTimestamp,
        SoqlType::Point,
        SoqlType::MultiPoint,
        SoqlType::Line,
        SoqlType::MultiLine,
        SoqlType::Polygon,
        SoqlType::MultiPolygon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SoqlType::Text => "text",
            SoqlType::Number => "number",
            SoqlType::Checkbox => "checkbox",
            SoqlType::FloatingTimestamp => "floating_timestamp",
            SoqlType::FixedTimestamp => "fixed_timestamp",
            SoqlType::Point => "point",
            SoqlType::MultiPoint => "multipoint",
            SoqlType::Line => "line",
            SoqlType::MultiLine => "multiline",
            SoqlType::Polygon => "polygon",
            SoqlType::MultiPolygon => "multipolygon",
        }
    }

    pub fn is_timestamp(self) -> bool {
        matches!(self, SoqlType::FloatingTimestamp | SoqlType::FixedTimestamp)
    }

    /// Whether values of this type have an order (`<`, `min`, `$order`).
    pub fn is_ordered(self) -> bool {
        !self.is_geometry()
    }

    /// Points, lines and polygons, single or multiple.
    pub fn is_geometry(self) -> bool {
        matches!(
            self,
            SoqlType::Point
                | SoqlType::MultiPoint
                | SoqlType::Line
                | SoqlType::MultiLine
                | SoqlType::Polygon
                | SoqlType::MultiPolygon
        )
    }
}

impl fmt::Display for SoqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name given is not a SoQL type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown type `{0}`; valid types are text, number, checkbox, floating_timestamp, \
     fixed_timestamp, point, multipoint, line, multiline, polygon, multipolygon"
)]
pub struct UnknownType(pub String);

impl FromStr for SoqlType {
    type Err = UnknownType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SoqlType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownType(s.to_string()))
    }
}

/// The row identifier every dataset carries.
pub const ID_FIELD: &str = ":id";
/// When the row was first published.
pub const CREATED_AT_FIELD: &str = ":created_at";
/// When the row last changed.
pub const UPDATED_AT_FIELD: &str = ":updated_at";

/// The system fields in the order `:*` expands to, with their types.
pub const SYSTEM_FIELDS: [(&str, SoqlType); 3] = [
    (ID_FIELD, SoqlType::Number),
    (CREATED_AT_FIELD, SoqlType::FixedTimestamp),
    (UPDATED_AT_FIELD, SoqlType::FixedTimestamp),
];

/// One column of a dataset as a query sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// The API field name (`agg_assault`).
    pub field_name: String,
    pub ty: SoqlType,
}

/// A dataset's user columns, in display order. System fields are implied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub columns: Vec<ColumnDef>,
}

impl Schema {
    pub fn new(columns: Vec<ColumnDef>) -> Self {
        Schema { columns }
    }

    /// Looks a field up among the user columns and then the system fields.
    pub fn lookup(&self, field_name: &str) -> Option<SoqlType> {
        self.columns
            .iter()
            .find(|c| c.field_name == field_name)
            .map(|c| c.ty)
            .or_else(|| {
                SYSTEM_FIELDS
                    .iter()
                    .find(|(name, _)| *name == field_name)
                    .map(|(_, ty)| *ty)
            })
    }

    /// The user columns of type text, which `$q` searches.
    pub fn text_columns(&self) -> Vec<String> {
        self.columns
            .iter()
            .filter(|c| c.ty == SoqlType::Text)
            .map(|c| c.field_name.clone())
            .collect()
    }
}
