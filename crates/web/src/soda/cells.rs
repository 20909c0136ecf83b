//! Arrow columns to SODA's text forms: exact decimals, ISO timestamps,
//! GeoJSON or WKT geometries. One formatter per column, chosen once per batch.

use chrono::DateTime;
use engine::arrow::array::{Array, ArrayRef, AsArray};
use engine::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use soql::SoqlType;
use soql::geometry::{Coord, Geometry};

/// How one column's values are written.
pub enum Cells<'a> {
    Text(&'a dyn Array, TextKind),
    Decimal(&'a engine::arrow::array::PrimitiveArray<Decimal128Type>, i8),
    Integer(&'a dyn Array),
    Float(&'a dyn Array),
    Bool(&'a engine::arrow::array::BooleanArray),
    Timestamp(&'a dyn Array, TimeUnit, bool),
    Date(&'a engine::arrow::array::PrimitiveArray<Date32Type>),
    Point(&'a engine::arrow::array::StructArray),
    /// A geometry other than a point, which the engine carries as WKT.
    Shape(&'a dyn Array, TextKind),
    /// Anything else (never produced by stored data) is written as text.
    Other(&'a dyn Array),
}

#[derive(Clone, Copy)]
pub enum TextKind {
    Utf8,
    Large,
    View,
}

impl<'a> Cells<'a> {
    pub fn new(array: &'a ArrayRef) -> Cells<'a> {
        match array.data_type() {
            DataType::Utf8 => Cells::Text(array.as_ref(), TextKind::Utf8),
            DataType::LargeUtf8 => Cells::Text(array.as_ref(), TextKind::Large),
            DataType::Utf8View => Cells::Text(array.as_ref(), TextKind::View),
            DataType::Decimal128(_, scale) => Cells::Decimal(array.as_primitive(), *scale),
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => Cells::Integer(array.as_ref()),
            DataType::Float32 | DataType::Float64 => Cells::Float(array.as_ref()),
            DataType::Boolean => Cells::Bool(array.as_boolean()),
            DataType::Timestamp(unit, zone) => {
                Cells::Timestamp(array.as_ref(), *unit, zone.is_some())
            }
            DataType::Date32 => Cells::Date(array.as_primitive()),
            DataType::Struct(fields) if fields.len() == 2 => Cells::Point(array.as_struct()),
            _ => Cells::Other(array.as_ref()),
        }
    }

    /// The formatter for a column whose SoQL type is known: text of a
    /// geometry type is WKT, to be written as GeoJSON in JSON.
    pub fn typed(array: &'a ArrayRef, ty: SoqlType) -> Cells<'a> {
        match Cells::new(array) {
            Cells::Text(a, kind) if ty.is_geometry() => Cells::Shape(a, kind),
            cells => cells,
        }
    }

    pub fn is_null(&self, row: usize) -> bool {
        match self {
            Cells::Text(a, _)
            | Cells::Integer(a)
            | Cells::Float(a)
            | Cells::Timestamp(a, _, _)
            | Cells::Shape(a, _)
            | Cells::Other(a) => a.is_null(row),
            Cells::Decimal(a, _) => a.is_null(row),
            Cells::Bool(a) => a.is_null(row),
            Cells::Date(a) => a.is_null(row),
            Cells::Point(a) => a.is_null(row),
        }
    }

    /// The text of a text cell, or the WKT of a geometry cell.
    pub fn text(&self, row: usize) -> Option<&'a str> {
        match self {
            Cells::Text(a, TextKind::Utf8) | Cells::Shape(a, TextKind::Utf8) => {
                Some(a.as_string::<i32>().value(row))
            }
            Cells::Text(a, TextKind::Large) | Cells::Shape(a, TextKind::Large) => {
                Some(a.as_string::<i64>().value(row))
            }
            Cells::Text(a, TextKind::View) | Cells::Shape(a, TextKind::View) => {
                Some(a.as_string_view().value(row))
            }
            _ => None,
        }
    }

    /// A geometry cell's value: a point from its struct, anything else
    /// read back from its WKT.
    pub fn geometry(&self, row: usize) -> Option<Geometry> {
        match self {
            Cells::Point(_) => {
                let (lon, lat) = self.point(row)?;
                Some(Geometry::Point(Coord { lon, lat }))
            }
            Cells::Shape(..) => Geometry::from_wkt(self.text(row)?).ok(),
            _ => None,
        }
    }

    /// The longitude and latitude of a point cell.
    pub fn point(&self, row: usize) -> Option<(f64, f64)> {
        match self {
            Cells::Point(a) => {
                let lon = a.column(0).as_primitive::<Float64Type>().value(row);
                let lat = a.column(1).as_primitive::<Float64Type>().value(row);
                Some((lon, lat))
            }
            _ => None,
        }
    }

    /// Writes a non-null value's plain text form (CSV's, and JSON's inside quotes).
    pub fn write_plain(&self, row: usize, out: &mut String) {
        use std::fmt::Write;
        match self {
            Cells::Text(..) | Cells::Shape(..) => out.push_str(self.text(row).unwrap_or_default()),
            Cells::Decimal(a, scale) => write_decimal(a.value(row), *scale, out),
            Cells::Integer(a) => {
                let _ = write!(out, "{}", integer(*a, row));
            }
            Cells::Float(a) => {
                let v = match a.data_type() {
                    DataType::Float32 => a.as_primitive::<Float32Type>().value(row) as f64,
                    _ => a.as_primitive::<Float64Type>().value(row),
                };
                let _ = write!(out, "{v}");
            }
            Cells::Bool(a) => out.push_str(if a.value(row) { "true" } else { "false" }),
            Cells::Timestamp(a, unit, zoned) => {
                write_timestamp(timestamp_millis(*a, *unit, row), *zoned, out)
            }
            Cells::Date(a) => write_timestamp(i64::from(a.value(row)) * 86_400_000, false, out),
            Cells::Point(_) => {
                let (lon, lat) = self.point(row).unwrap_or_default();
                let _ = write!(out, "POINT ({lon} {lat})");
            }
            Cells::Other(a) => {
                let formatter =
                    engine::arrow::util::display::ArrayFormatter::try_new(*a, &Default::default());
                if let Ok(f) = formatter {
                    let _ = write!(out, "{}", f.value(row));
                }
            }
        }
    }

    /// Whether the plain form never holds a character JSON must escape
    /// (digits, signs, points, dates), so it can go between quotes as is.
    pub fn plain_is_json_safe(&self) -> bool {
        matches!(
            self,
            Cells::Decimal(..)
                | Cells::Integer(_)
                | Cells::Float(_)
                | Cells::Timestamp(..)
                | Cells::Date(_)
        )
    }

    /// Whether JSON writes this column as a bare literal (booleans) or an
    /// object (points) rather than a string.
    pub fn json_kind(&self) -> JsonKind {
        match self {
            Cells::Bool(_) => JsonKind::Bare,
            Cells::Point(_) | Cells::Shape(..) => JsonKind::Geometry,
            _ => JsonKind::String,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    String,
    Bare,
    Geometry,
}

fn integer(a: &dyn Array, row: usize) -> i128 {
    match a.data_type() {
        DataType::Int8 => a.as_primitive::<Int8Type>().value(row).into(),
        DataType::Int16 => a.as_primitive::<Int16Type>().value(row).into(),
        DataType::Int32 => a.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => a.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt8 => a.as_primitive::<UInt8Type>().value(row).into(),
        DataType::UInt16 => a.as_primitive::<UInt16Type>().value(row).into(),
        DataType::UInt32 => a.as_primitive::<UInt32Type>().value(row).into(),
        _ => a.as_primitive::<UInt64Type>().value(row).into(),
    }
}

fn timestamp_millis(a: &dyn Array, unit: TimeUnit, row: usize) -> i64 {
    match unit {
        TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(row) * 1000,
        TimeUnit::Millisecond => a.as_primitive::<TimestampMillisecondType>().value(row),
        TimeUnit::Microsecond => a
            .as_primitive::<TimestampMicrosecondType>()
            .value(row)
            .div_euclid(1000),
        TimeUnit::Nanosecond => a
            .as_primitive::<TimestampNanosecondType>()
            .value(row)
            .div_euclid(1_000_000),
    }
}

/// `2014-10-13T00:00:00.000`, with `Z` for fixed timestamps.
pub fn write_timestamp(ms: i64, zoned: bool, out: &mut String) {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        // Outside what four digits can say: fall back to chrono's form.
        use std::fmt::Write;
        if let Some(t) = DateTime::from_timestamp_millis(ms) {
            let _ = write!(out, "{}", t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.3f"));
        }
    } else {
        let (hour, minute) = (in_day / 3_600_000, in_day / 60_000 % 60);
        let (second, milli) = (in_day / 1000 % 60, in_day % 1000);
        push_digits(out, year, 4);
        out.push('-');
        push_digits(out, month, 2);
        out.push('-');
        push_digits(out, day, 2);
        out.push('T');
        push_digits(out, hour, 2);
        out.push(':');
        push_digits(out, minute, 2);
        out.push(':');
        push_digits(out, second, 2);
        out.push('.');
        push_digits(out, milli, 3);
    }
    if zoned {
        out.push('Z');
    }
}

/// Zero-padded decimal digits of a small non-negative number.
fn push_digits(out: &mut String, value: i64, width: usize) {
    let mut buf = [b'0'; 4];
    let mut v = value;
    for slot in buf[..width].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.push_str(std::str::from_utf8(&buf[..width]).unwrap_or("0"));
}

/// The proleptic Gregorian date of a day count from 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// An exact decimal with trailing zeros dropped: 150 at scale 2 is `1.5`.
pub fn write_decimal(value: i128, scale: i8, out: &mut String) {
    // 39 digits hold any i128; the rest is room for a scale's zeros.
    let mut digits = [0u8; 80];
    let mut n = value.unsigned_abs();
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        out.push('-');
    }
    if scale <= 0 {
        for i in (0..len).rev() {
            out.push(digits[i] as char);
        }
        for _ in 0..(-i32::from(scale)) {
            out.push('0');
        }
        return;
    }
    let scale = scale as usize;
    while len <= scale {
        digits[len] = b'0';
        len += 1;
    }
    // `digits` is little-endian: [0, scale) is the fraction.
    for i in (scale..len).rev() {
        out.push(digits[i] as char);
    }
    let first_kept = (0..scale).find(|&i| digits[i] != b'0');
    if let Some(low) = first_kept {
        out.push('.');
        for i in (low..scale).rev() {
            out.push(digits[i] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(value: i128, scale: i8) -> String {
        let mut s = String::new();
        write_decimal(value, scale, &mut s);
        s
    }

    #[test]
    fn decimals_are_exact_and_trimmed() {
        assert_eq!(decimal(150, 2), "1.5");
        assert_eq!(decimal(-5, 3), "-0.005");
        assert_eq!(decimal(0, 2), "0");
        assert_eq!(decimal(123456789012345, 0), "123456789012345");
        assert_eq!(decimal(12, -2), "1200");
        assert_eq!(decimal(-1200, 2), "-12");
        assert_eq!(decimal(5, 1), "0.5");
        assert_eq!(
            decimal(i128::MAX, 38),
            "1.70141183460469231731687303715884105727"
        );
        assert_eq!(
            decimal(1234567890123456789012, 2),
            "12345678901234567890.12"
        );
    }

    #[test]
    fn timestamps_have_milliseconds() {
        let mut s = String::new();
        write_timestamp(1_413_158_400_000, false, &mut s);
        assert_eq!(s, "2014-10-13T00:00:00.000");
        s.clear();
        write_timestamp(1_413_158_400_123, true, &mut s);
        assert_eq!(s, "2014-10-13T00:00:00.123Z");
        for ms in [
            -86_400_001,
            0,
            951_782_400_000,
            4_107_542_399_999,
            -62_135_596_800_000,
        ] {
            s.clear();
            write_timestamp(ms, false, &mut s);
            let expected = DateTime::from_timestamp_millis(ms)
                .unwrap()
                .naive_utc()
                .format("%Y-%m-%dT%H:%M:%S%.3f")
                .to_string();
            assert_eq!(s, expected);
        }
    }
}
