//! The columnar convention: how each SoQL type is laid out in Arrow.
//!
//! The store writes these batches to Parquet and the query engine reads them
//! back, so both rely on this mapping exactly:
//!
//! | SoQL type | Arrow type |
//! |---|---|
//! | `text` | `Utf8` |
//! | `number` | `Decimal128(38, scale)`; the scale is the column's largest number of fraction digits, 0 for whole numbers |
//! | `checkbox` | `Boolean` |
//! | `floating_timestamp` | `Timestamp(Millisecond, None)`: the wall-clock time read as if it were UTC |
//! | `fixed_timestamp` | `Timestamp(Millisecond, Some("UTC"))`: the instant |
//! | `point` | nullable `Struct` of two non-null `Float64` children, `lon` then `lat` |
//! | `multipoint`, `line`, `multiline`, `polygon`, `multipolygon` | `Utf8` holding WKT (`MULTIPOLYGON (((lon lat, ...)))`); never a stored column, only computed by the engine |
//!
//! Every field is named by its API field name, is nullable, and carries the
//! metadata `{"soql.type": "<type name>"}` so the SoQL type survives a round
//! trip through Parquet. Batches hold only user columns; the store adds the
//! system columns (`:id`, `:created_at`, `:updated_at`).

use std::collections::HashMap;

use arrow_schema::{DataType, Field, Fields, TimeUnit};
use soql::SoqlType;

/// The field-metadata key that holds a column's SoQL type name.
pub const SOQL_TYPE_KEY: &str = "soql.type";

/// The precision of every `number` column.
pub const DECIMAL_PRECISION: u8 = 38;

/// The unit of both timestamp types.
pub const TIMESTAMP_UNIT: TimeUnit = TimeUnit::Millisecond;

/// The time zone a `fixed_timestamp` column is stored in.
pub const FIXED_TIMESTAMP_ZONE: &str = "UTC";

/// The name of a point's longitude child (the first).
pub const POINT_LON: &str = "lon";

/// The name of a point's latitude child (the second).
pub const POINT_LAT: &str = "lat";

/// The Arrow type for a column of SoQL type `ty`. `scale` is used only for
/// `number` and must be in `0..=38`.
pub fn arrow_type(ty: SoqlType, scale: i8) -> DataType {
    match ty {
        SoqlType::Text => DataType::Utf8,
        SoqlType::Number => DataType::Decimal128(DECIMAL_PRECISION, scale),
        SoqlType::Checkbox => DataType::Boolean,
        SoqlType::FloatingTimestamp => DataType::Timestamp(TIMESTAMP_UNIT, None),
        SoqlType::FixedTimestamp => {
            DataType::Timestamp(TIMESTAMP_UNIT, Some(FIXED_TIMESTAMP_ZONE.into()))
        }
        SoqlType::Point => DataType::Struct(point_fields()),
        SoqlType::MultiPoint
        | SoqlType::Line
        | SoqlType::MultiLine
        | SoqlType::Polygon
        | SoqlType::MultiPolygon => DataType::Utf8,
    }
}

/// The children of a point struct: `lon`, then `lat`, both non-null `Float64`.
pub fn point_fields() -> Fields {
    Fields::from(vec![
        Field::new(POINT_LON, DataType::Float64, false),
        Field::new(POINT_LAT, DataType::Float64, false),
    ])
}

/// The nullable Arrow field for a user column, with its SoQL type in the
/// metadata.
pub fn field(field_name: &str, ty: SoqlType, scale: i8) -> Field {
    let metadata = HashMap::from([(SOQL_TYPE_KEY.to_string(), ty.as_str().to_string())]);
    Field::new(field_name, arrow_type(ty, scale), true).with_metadata(metadata)
}

/// The SoQL type recorded in a field's metadata, if any.
pub fn soql_type(field: &Field) -> Option<SoqlType> {
    field.metadata().get(SOQL_TYPE_KEY)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_through_field_metadata() {
        for ty in SoqlType::ALL {
            let f = field("x", ty, 2);
            assert_eq!(soql_type(&f), Some(ty));
            assert!(f.is_nullable());
        }
    }

    #[test]
    fn numbers_are_38_digit_decimals() {
        assert_eq!(arrow_type(SoqlType::Number, 3), DataType::Decimal128(38, 3));
    }
}
