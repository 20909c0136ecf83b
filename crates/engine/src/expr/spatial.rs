//! SoQL's geospatial functions, with Socrata's argument order and
//! PostGIS's meaning; a null argument makes a null answer, so a row whose
//! point is null is never within anything.
//!
//! Distances are great-circle metres by the haversine formula on a sphere
//! of radius 6,371,008.8 m (the mean Earth radius); shapes are planar in
//! degrees, as PostGIS treats SRID 4326 geometry. Points travel as
//! `Struct{lon, lat}`, other geometries as WKT text (see `shapes`). The
//! aggregates `convex_hull` and `extent` are in `aggregate`.

mod aggregate;
mod shapes;

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use geo::{Contains, Coord, Intersects, Simplify};
use soql::Geometry;

pub use aggregate::{convex_hull, extent};
pub use shapes::{point_scalar, scalar};

use shapes::{Rows, floats};

/// The mean Earth radius in metres (IUGG), the sphere distances are on.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The great-circle distance in metres between two longitude/latitude
/// positions.
pub fn haversine_m(a: Coord, b: Coord) -> f64 {
    let (lat_a, lat_b) = (a.y.to_radians(), b.y.to_radians());
    let half_dlat = (lat_b - lat_a) / 2.0;
    let half_dlon = (b.x - a.x).to_radians() / 2.0;
    let h = half_dlat.sin().powi(2) + lat_a.cos() * lat_b.cos() * half_dlon.sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// `within_circle(point, lat, lon, radius_m)`: within `radius_m` metres,
/// the edge included.
pub fn within_circle(point: Expr, lat: Expr, lon: Expr, radius: Expr) -> Expr {
    call(Op::WithinCircle, vec![point, lat, lon, radius])
}

/// `within_box(point, nw_lat, nw_lon, se_lat, se_lon)`: inside the box or
/// on its edge. Corners given the other way round describe the same box.
pub fn within_box(point: Expr, nw_lat: Expr, nw_lon: Expr, se_lat: Expr, se_lon: Expr) -> Expr {
    call(Op::WithinBox, vec![point, nw_lat, nw_lon, se_lat, se_lon])
}

/// `within_polygon(point, polygon)`: strictly inside (`ST_Within`): a point
/// on the boundary or in a hole is not within.
pub fn within_polygon(point: Expr, polygon: Expr) -> Expr {
    call(Op::WithinPolygon, vec![point, polygon])
}

/// `intersects(a, b)`: the two share a point, boundaries included.
pub fn intersects(a: Expr, b: Expr) -> Expr {
    call(Op::Intersects, vec![a, b])
}

/// `distance_in_meters(a, b)` between two points, as Float64.
pub fn distance_in_meters(a: Expr, b: Expr) -> Expr {
    call(Op::Distance, vec![a, b])
}

/// `num_points(geometry)`: every position, rings' closing ones included.
pub fn num_points(geometry: Expr) -> Expr {
    call(Op::NumPoints, vec![geometry])
}

/// `simplify(geometry, tolerance)`: Douglas–Peucker with the tolerance in
/// degrees, of the same kind; points and multipoints are left as they are.
pub fn simplify(geometry: Expr, tolerance: Expr) -> Expr {
    call(Op::Simplify, vec![geometry, tolerance])
}

fn call(op: Op, args: Vec<Expr>) -> Expr {
    let udf = ScalarUDF::new_from_impl(Spatial::new(op, args.len()));
    Arc::new(udf).call(args)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    WithinCircle,
    WithinBox,
    WithinPolygon,
    Intersects,
    Distance,
    NumPoints,
    Simplify,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Spatial {
    op: Op,
    signature: Signature,
}

impl Spatial {
    fn new(op: Op, arity: usize) -> Self {
        // Arguments arrive as the translator makes them: numbers cast to
        // Float64, points as structs, other geometries as WKT.
        let signature = Signature::any(arity, Volatility::Immutable);
        Spatial { op, signature }
    }
}

impl ScalarUDFImpl for Spatial {
    fn name(&self) -> &str {
        match self.op {
            Op::WithinCircle => "within_circle",
            Op::WithinBox => "within_box",
            Op::WithinPolygon => "within_polygon",
            Op::Intersects => "intersects",
            Op::Distance => "distance_in_meters",
            Op::NumPoints => "num_points",
            Op::Simplify => "simplify",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(match self.op {
            Op::WithinCircle | Op::WithinBox | Op::WithinPolygon | Op::Intersects => {
                DataType::Boolean
            }
            Op::Distance => DataType::Float64,
            Op::NumPoints => DataType::Int64,
            Op::Simplify => arg_types.first().cloned().unwrap_or(DataType::Utf8),
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let (a, rows) = (args.args.as_slice(), args.number_rows);
        let answer = match self.op {
            Op::WithinCircle => within_circle_rows(a, rows),
            Op::WithinBox => within_box_rows(a, rows),
            Op::WithinPolygon => within_polygon_rows(a, rows),
            Op::Intersects => intersects_rows(a, rows),
            Op::Distance => distance_rows(a, rows),
            Op::NumPoints => num_points_rows(a, rows),
            Op::Simplify => return simplify_rows(a, rows),
        };
        Ok(ColumnarValue::Array(answer?))
    }
}

fn arity_error<T>(name: &str, args: &[ColumnarValue]) -> Result<T> {
    exec_err!("{name} was called with {} arguments", args.len())
}

fn within_circle_rows(args: &[ColumnarValue], rows: usize) -> Result<ArrayRef> {
    let [point, lat, lon, radius] = args else {
        return arity_error("within_circle", args);
    };
    let point = shapes::points(point)?;
    let (lat, lon, radius) = (floats(lat)?, floats(lon)?, floats(radius)?);
    Ok(booleans(rows, |r| {
        let centre = Coord {
            x: *lon.get(r)?,
            y: *lat.get(r)?,
        };
        Some(haversine_m(*point.get(r)?, centre) <= *radius.get(r)?)
    }))
}

fn within_box_rows(args: &[ColumnarValue], rows: usize) -> Result<ArrayRef> {
    let [point, nw_lat, nw_lon, se_lat, se_lon] = args else {
        return arity_error("within_box", args);
    };
    let point = shapes::points(point)?;
    let (nw_lat, nw_lon) = (floats(nw_lat)?, floats(nw_lon)?);
    let (se_lat, se_lon) = (floats(se_lat)?, floats(se_lon)?);
    Ok(booleans(rows, |r| {
        let p = point.get(r)?;
        let lat_inside = between(p.y, *nw_lat.get(r)?, *se_lat.get(r)?);
        let lon_inside = between(p.x, *nw_lon.get(r)?, *se_lon.get(r)?);
        Some(lat_inside && lon_inside)
    }))
}

fn within_polygon_rows(args: &[ColumnarValue], rows: usize) -> Result<ArrayRef> {
    let [point, shape] = args else {
        return arity_error("within_polygon", args);
    };
    let point = shapes::points(point)?;
    let areas = prepared(&shapes::geometries(shape)?, shapes::areal);
    Ok(booleans(rows, |r| {
        let area = areas.get(r)?;
        Some(area.contains(&geo::Point::from(*point.get(r)?)))
    }))
}

fn intersects_rows(args: &[ColumnarValue], rows: usize) -> Result<ArrayRef> {
    let [a, b] = args else {
        return arity_error("intersects", args);
    };
    let to_geo = |g: &Geometry| Some(shapes::to_geo(g));
    let a = prepared(&shapes::geometries(a)?, to_geo);
    let b = prepared(&shapes::geometries(b)?, to_geo);
    Ok(booleans(rows, |r| Some(a.get(r)?.intersects(b.get(r)?))))
}

fn distance_rows(args: &[ColumnarValue], rows: usize) -> Result<ArrayRef> {
    let [a, b] = args else {
        return arity_error("distance_in_meters", args);
    };
    let (a, b) = (shapes::points(a)?, shapes::points(b)?);
    let distances = (0..rows).map(|r| Some(haversine_m(*a.get(r)?, *b.get(r)?)));
    Ok(Arc::new(distances.collect::<Float64Array>()))
}

fn num_points_rows(args: &[ColumnarValue], rows: usize) -> Result<ArrayRef> {
    let [geometry] = args else {
        return arity_error("num_points", args);
    };
    let geometry = shapes::geometries(geometry)?;
    let counts = (0..rows).map(|r| geometry.get(r).map(|g| g.num_points() as i64));
    Ok(Arc::new(counts.collect::<Int64Array>()))
}

fn simplify_rows(args: &[ColumnarValue], rows: usize) -> Result<ColumnarValue> {
    let [geometry, tolerance] = args else {
        return arity_error("simplify", args);
    };
    if geometry.data_type() != DataType::Utf8 {
        // A point is its own simplification.
        return Ok(geometry.clone());
    }
    let (geometry, tolerance) = (shapes::geometries(geometry)?, floats(tolerance)?);
    let simplified = (0..rows).map(|r| {
        let g = geometry.get(r)?;
        Some(simplified(g, *tolerance.get(r)?).to_string())
    });
    let array: ArrayRef = Arc::new(simplified.collect::<StringArray>());
    Ok(ColumnarValue::Array(array))
}

fn booleans(rows: usize, test: impl Fn(usize) -> Option<bool>) -> ArrayRef {
    Arc::new((0..rows).map(test).collect::<BooleanArray>())
}

/// `x` between two bounds given in either order, bounds included.
fn between(x: f64, a: f64, b: f64) -> bool {
    a.min(b) <= x && x <= a.max(b)
}

/// Each row's geometry in the form `convert` makes, converted once when
/// the argument is a constant (the usual literal polygon).
fn prepared<T>(rows: &Rows<Geometry>, convert: impl Fn(&Geometry) -> Option<T>) -> Rows<T> {
    match rows {
        Rows::One(g) => Rows::One(g.as_ref().and_then(&convert)),
        Rows::Many(gs) => Rows::Many(gs.iter().map(|g| g.as_ref().and_then(&convert)).collect()),
    }
}

/// Douglas–Peucker on each line and ring; points are kept.
fn simplified(geometry: &Geometry, tolerance: f64) -> Geometry {
    let simple = |g: &geo::Geometry| match g {
        geo::Geometry::LineString(l) => geo::Geometry::LineString(l.simplify(tolerance)),
        geo::Geometry::MultiLineString(l) => geo::Geometry::MultiLineString(l.simplify(tolerance)),
        geo::Geometry::Polygon(p) => geo::Geometry::Polygon(p.simplify(tolerance)),
        geo::Geometry::MultiPolygon(p) => geo::Geometry::MultiPolygon(p.simplify(tolerance)),
        other => other.clone(),
    };
    let line = |l: &geo::LineString| l.coords().map(|c| shapes::soql_coord(*c)).collect();
    match simple(&shapes::to_geo(geometry)) {
        geo::Geometry::LineString(l) => Geometry::Line(line(&l)),
        geo::Geometry::MultiLineString(ls) => Geometry::MultiLine(ls.iter().map(line).collect()),
        geo::Geometry::Polygon(p) => Geometry::Polygon(shapes::from_geo_polygon(&p)),
        geo::Geometry::MultiPolygon(ps) => {
            Geometry::MultiPolygon(ps.iter().map(shapes::from_geo_polygon).collect())
        }
        _ => geometry.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_known_distances() {
        let c = |x, y| Coord { x, y };
        // A quarter of a great circle along the equator, and a pole to the
        // equator: both πR/2.
        let quarter = std::f64::consts::FRAC_PI_2 * EARTH_RADIUS_M;
        assert!((haversine_m(c(0.0, 0.0), c(90.0, 0.0)) - quarter).abs() < 1e-6);
        assert!((haversine_m(c(10.0, 90.0), c(10.0, 0.0)) - quarter).abs() < 1e-6);
        assert_eq!(haversine_m(c(-118.25, 34.05), c(-118.25, 34.05)), 0.0);
        // Antipodes: half the circumference, never NaN.
        let half = std::f64::consts::PI * EARTH_RADIUS_M;
        assert!((haversine_m(c(0.0, 0.0), c(180.0, 0.0)) - half).abs() < 1e-6);
    }

    /// Shapes a user may write that are valid WKT but degenerate: no
    /// function may panic on them (a panic would be a 500).
    #[test]
    fn degenerate_shapes_never_panic() {
        let shapes = [
            "POINT (0 0)",
            "MULTIPOINT (0 0, 0 0, 0 0)",
            "LINESTRING (0 0, 0 0)",
            "LINESTRING (0 0, 1 1, 2 2, 3 3)",
            "MULTILINESTRING ((0 0, 0 0), (1 1, 1 1))",
            "POLYGON ((0 0, 0 0, 0 0, 0 0))",
            "POLYGON ((0 0, 1 1, 2 2, 0 0))",
            "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))",
            "POLYGON ((0 0, 4 0, 4 4, 0 0), (0 0, 4 0, 4 4, 0 0))",
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((0 0, 1 0, 1 1, 0 0)))",
            "POLYGON ((-180 -90, 180 -90, 180 90, -180 -90))",
            "POINT (1e300 -1e300)",
        ];
        let shapes: Vec<Geometry> = shapes
            .iter()
            .map(|w| Geometry::from_wkt(w).unwrap())
            .collect();
        for a in &shapes {
            for b in &shapes {
                let _ = shapes::to_geo(a).intersects(&shapes::to_geo(b));
                if let (Geometry::Point(p), Some(area)) = (a, shapes::areal(b)) {
                    let _ = area.contains(&geo::Point::new(p.lon, p.lat));
                }
            }
            for tolerance in [-1.0, 0.0, 0.5, 1e30] {
                let simple = simplified(a, tolerance);
                assert_eq!(simple.soql_type(), a.soql_type());
                assert_eq!(Geometry::from_wkt(&simple.to_string()), Ok(simple));
            }
        }
    }

    #[test]
    fn simplify_drops_points_closer_than_the_tolerance() {
        let line = Geometry::from_wkt("LINESTRING (0 0, 1 0.01, 2 0, 3 1)").unwrap();
        assert_eq!(
            simplified(&line, 0.1).to_string(),
            "LINESTRING (0 0, 2 0, 3 1)"
        );
        assert_eq!(simplified(&line, 0.0), line);
        let point = Geometry::from_wkt("MULTIPOINT (0 0, 0 0.001)").unwrap();
        assert_eq!(simplified(&point, 1.0), point);
    }
}
