//! Geometry values between their three forms: Arrow columns (a point is
//! `Struct{lon, lat}`, any other geometry WKT text), SoQL's `Geometry`, and
//! the `geo` crate's types the algorithms run on.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, StructArray};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Float64Type};
use datafusion::common::{Result, ScalarValue, exec_datafusion_err, exec_err};
use datafusion::logical_expr::ColumnarValue;
use geo::{Coord, LineString, MultiLineString, MultiPoint, MultiPolygon, Polygon};
use soql::Geometry;
use soql::geometry::{Coord as SoqlCoord, Ring};

/// The Arrow type of a point: what `ingest::columnar` stores.
pub fn point_type() -> DataType {
    DataType::Struct(Fields::from(vec![
        Field::new("lon", DataType::Float64, false),
        Field::new("lat", DataType::Float64, false),
    ]))
}

/// A geometry literal as the engine carries it: a point as a one-row
/// struct, anything else as WKT.
pub fn scalar(geometry: &Geometry) -> ScalarValue {
    match geometry {
        Geometry::Point(c) => point_scalar(Some(*c)),
        other => ScalarValue::Utf8(Some(other.to_string())),
    }
}

/// A point scalar, or a null of the point type.
pub fn point_scalar(point: Option<SoqlCoord>) -> ScalarValue {
    let Some(c) = point else {
        return ScalarValue::try_from(&point_type()).unwrap_or(ScalarValue::Null);
    };
    let DataType::Struct(fields) = point_type() else {
        return ScalarValue::Null;
    };
    let lon: ArrayRef = Arc::new(Float64Array::from(vec![c.lon]));
    let lat: ArrayRef = Arc::new(Float64Array::from(vec![c.lat]));
    ScalarValue::Struct(Arc::new(StructArray::new(fields, vec![lon, lat], None)))
}

/// One argument's values, row by row: the same for every row when the
/// argument is a constant.
pub enum Rows<T> {
    One(Option<T>),
    Many(Vec<Option<T>>),
}

impl<T> Rows<T> {
    pub fn get(&self, row: usize) -> Option<&T> {
        match self {
            Rows::One(value) => value.as_ref(),
            Rows::Many(values) => values.get(row).and_then(Option::as_ref),
        }
    }
}

/// A number argument (already cast to Float64).
pub fn floats(value: &ColumnarValue) -> Result<Rows<f64>> {
    match value {
        ColumnarValue::Scalar(ScalarValue::Float64(v)) => Ok(Rows::One(*v)),
        ColumnarValue::Scalar(s) if s.is_null() => Ok(Rows::One(None)),
        ColumnarValue::Array(a) if a.data_type() == &DataType::Float64 => {
            Ok(Rows::Many(a.as_primitive::<Float64Type>().iter().collect()))
        }
        other => exec_err!("expected a Float64 argument, found {}", other.data_type()),
    }
}

/// A point argument as longitude/latitude pairs.
pub fn points(value: &ColumnarValue) -> Result<Rows<Coord>> {
    match value {
        ColumnarValue::Scalar(ScalarValue::Struct(one)) => {
            Ok(Rows::One(point_rows(one.as_ref())?.pop().flatten()))
        }
        ColumnarValue::Scalar(s) if s.is_null() => Ok(Rows::One(None)),
        ColumnarValue::Array(a) => Ok(Rows::Many(point_rows(a.as_ref())?)),
        other => exec_err!("expected a point, found {}", other.data_type()),
    }
}

fn point_rows(array: &dyn Array) -> Result<Vec<Option<Coord>>> {
    let Some(points) = array.as_struct_opt() else {
        return exec_err!("expected a point, found {}", array.data_type());
    };
    let (Some(lon), Some(lat)) = (
        points.column(0).as_primitive_opt::<Float64Type>(),
        points.column(1).as_primitive_opt::<Float64Type>(),
    ) else {
        return exec_err!(
            "expected a point of two Float64, found {}",
            array.data_type()
        );
    };
    let point = |row: usize| {
        let x = lon.value(row);
        let y = lat.value(row);
        points.is_valid(row).then_some(Coord { x, y })
    };
    Ok((0..points.len()).map(point).collect())
}

/// Any geometry argument: points from their struct, the rest from WKT.
pub fn geometries(value: &ColumnarValue) -> Result<Rows<Geometry>> {
    match value {
        ColumnarValue::Scalar(ScalarValue::Utf8(text)) => {
            Ok(Rows::One(text.as_deref().map(from_wkt).transpose()?))
        }
        ColumnarValue::Scalar(ScalarValue::Struct(_)) => Ok(as_points(points(value)?)),
        ColumnarValue::Scalar(s) if s.is_null() => Ok(Rows::One(None)),
        ColumnarValue::Array(a) if a.data_type().is_string() => {
            let texts = datafusion::arrow::compute::cast(a, &DataType::Utf8)?;
            let texts = texts.as_string::<i32>();
            let rows = texts.iter().map(|t| t.map(from_wkt).transpose());
            Ok(Rows::Many(rows.collect::<Result<_>>()?))
        }
        ColumnarValue::Array(_) => Ok(as_points(points(value)?)),
        other => exec_err!("expected a geometry, found {}", other.data_type()),
    }
}

fn as_points(rows: Rows<Coord>) -> Rows<Geometry> {
    let point = |c: Coord| Geometry::Point(soql_coord(c));
    match rows {
        Rows::One(c) => Rows::One(c.map(point)),
        Rows::Many(cs) => Rows::Many(cs.into_iter().map(|c| c.map(point)).collect()),
    }
}

/// WKT the engine made or the checker read; failing here is our fault.
pub fn from_wkt(text: &str) -> Result<Geometry> {
    Geometry::from_wkt(text).map_err(|e| exec_datafusion_err!("a geometry is not WKT: {e}"))
}

pub fn soql_coord(c: Coord) -> SoqlCoord {
    SoqlCoord { lon: c.x, lat: c.y }
}

fn geo_coord(c: &SoqlCoord) -> Coord {
    Coord { x: c.lon, y: c.lat }
}

fn line(points: &[SoqlCoord]) -> LineString {
    points.iter().map(geo_coord).collect()
}

fn polygon(rings: &[Ring]) -> Polygon {
    let mut rings = rings.iter().map(|r| line(r));
    let exterior = rings.next().unwrap_or_else(|| LineString::new(Vec::new()));
    Polygon::new(exterior, rings.collect())
}

/// The `geo` form of a geometry.
pub fn to_geo(geometry: &Geometry) -> geo::Geometry {
    match geometry {
        Geometry::Point(c) => geo::Geometry::Point(geo_coord(c).into()),
        Geometry::MultiPoint(points) => {
            let points = points.iter().map(|c| geo_coord(c).into());
            geo::Geometry::MultiPoint(MultiPoint::new(points.collect()))
        }
        Geometry::Line(points) => geo::Geometry::LineString(line(points)),
        Geometry::MultiLine(lines) => geo::Geometry::MultiLineString(MultiLineString::new(
            lines.iter().map(|l| line(l)).collect(),
        )),
        Geometry::Polygon(rings) => geo::Geometry::Polygon(polygon(rings)),
        Geometry::MultiPolygon(polygons) => geo::Geometry::MultiPolygon(MultiPolygon::new(
            polygons.iter().map(|p| polygon(p)).collect(),
        )),
    }
}

/// A polygon or multipolygon as one `geo` multipolygon.
pub fn areal(geometry: &Geometry) -> Option<MultiPolygon> {
    match geometry {
        Geometry::Polygon(rings) => Some(MultiPolygon::new(vec![polygon(rings)])),
        Geometry::MultiPolygon(polygons) => Some(MultiPolygon::new(
            polygons.iter().map(|p| polygon(p)).collect(),
        )),
        _ => None,
    }
}

/// A `geo` ring back as a SoQL ring, padded to the four positions a ring
/// needs by repeating its last vertex: a degenerate hull or box (one point,
/// or points on one line) stays a valid polygon.
pub fn ring(line: &LineString) -> Ring {
    let mut ring: Ring = line.coords().map(|c| soql_coord(*c)).collect();
    if let Some(&first) = ring.first() {
        if ring.last() != Some(&first) || ring.len() == 1 {
            ring.push(first);
        }
        while ring.len() < 4 {
            let at = ring.len() - 1;
            ring.insert(at, ring[at - 1]);
        }
    }
    ring
}

pub fn from_geo_polygon(polygon: &Polygon) -> Vec<Ring> {
    std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(ring)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    #[test]
    fn degenerate_rings_are_padded_to_four_positions() {
        let lon_lat = |r: Ring| r.iter().map(|c| (c.lon, c.lat)).collect::<Vec<_>>();
        let one = LineString::new(vec![c(1.0, 2.0), c(1.0, 2.0)]);
        assert_eq!(lon_lat(ring(&one)), vec![(1.0, 2.0); 4]);
        let two = LineString::new(vec![c(0.0, 0.0), c(3.0, 1.0), c(0.0, 0.0)]);
        assert_eq!(
            lon_lat(ring(&two)),
            vec![(0.0, 0.0), (3.0, 1.0), (3.0, 1.0), (0.0, 0.0)]
        );
        let square = LineString::new(vec![c(0.0, 0.0), c(1.0, 0.0), c(1.0, 1.0), c(0.0, 0.0)]);
        assert_eq!(ring(&square).len(), 4);
    }

    #[test]
    fn point_scalars_have_the_stored_type() {
        let point = point_scalar(Some(SoqlCoord {
            lon: -118.25,
            lat: 34.05,
        }));
        assert_eq!(point.data_type(), point_type());
        assert!(point_scalar(None).is_null());
        assert_eq!(point_scalar(None).data_type(), point_type());
    }
}
