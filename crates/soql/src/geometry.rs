//! Geometry values: points, lines and polygons in longitude/latitude
//! (WGS 84), read from and written as WKT, the form SoQL takes them in
//! (`'POINT (-118.25 34.05)'`).
//!
//! Only what SoQL needs is modelled: the six simple geometry kinds of
//! Socrata's types, two dimensions, no `EMPTY`. The reader is in `wkt`.

use std::fmt::{self, Display, Formatter, Write};

use crate::types::SoqlType;

pub use crate::wkt::WktError;

/// One position: `lon` is WKT's and GeoJSON's x, `lat` its y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coord {
    pub lon: f64,
    pub lat: f64,
}

/// A closed ring of a polygon: at least four positions, the last equal to
/// the first.
pub type Ring = Vec<Coord>;

#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Point(Coord),
    MultiPoint(Vec<Coord>),
    /// WKT's LINESTRING: at least two positions.
    Line(Vec<Coord>),
    MultiLine(Vec<Vec<Coord>>),
    /// The exterior ring, then any holes.
    Polygon(Vec<Ring>),
    MultiPolygon(Vec<Vec<Ring>>),
}

impl Geometry {
    /// Reads WKT such as `MULTIPOLYGON (((-118.3 34, ...)))`; keywords in
    /// any case.
    pub fn from_wkt(text: &str) -> Result<Geometry, WktError> {
        crate::wkt::parse(text)
    }

    /// The SoQL type of this value.
    pub fn soql_type(&self) -> SoqlType {
        match self {
            Geometry::Point(_) => SoqlType::Point,
            Geometry::MultiPoint(_) => SoqlType::MultiPoint,
            Geometry::Line(_) => SoqlType::Line,
            Geometry::MultiLine(_) => SoqlType::MultiLine,
            Geometry::Polygon(_) => SoqlType::Polygon,
            Geometry::MultiPolygon(_) => SoqlType::MultiPolygon,
        }
    }

    /// The WKT keyword.
    pub fn wkt_name(&self) -> &'static str {
        match self {
            Geometry::Point(_) => "POINT",
            Geometry::MultiPoint(_) => "MULTIPOINT",
            Geometry::Line(_) => "LINESTRING",
            Geometry::MultiLine(_) => "MULTILINESTRING",
            Geometry::Polygon(_) => "POLYGON",
            Geometry::MultiPolygon(_) => "MULTIPOLYGON",
        }
    }

    /// The GeoJSON `type`.
    pub fn geojson_name(&self) -> &'static str {
        match self {
            Geometry::Point(_) => "Point",
            Geometry::MultiPoint(_) => "MultiPoint",
            Geometry::Line(_) => "LineString",
            Geometry::MultiLine(_) => "MultiLineString",
            Geometry::Polygon(_) => "Polygon",
            Geometry::MultiPolygon(_) => "MultiPolygon",
        }
    }

    /// Every position, rings' closing ones included (PostGIS's
    /// `ST_NPoints`, which Socrata's `num_points` is).
    pub fn num_points(&self) -> usize {
        let rings = |rings: &[Ring]| rings.iter().map(Vec::len).sum::<usize>();
        match self {
            Geometry::Point(_) => 1,
            Geometry::MultiPoint(points) | Geometry::Line(points) => points.len(),
            Geometry::MultiLine(lines) => rings(lines),
            Geometry::Polygon(polygon) => rings(polygon),
            Geometry::MultiPolygon(polygons) => polygons.iter().map(|p| rings(p)).sum(),
        }
    }
}

/// WKT: `POINT (-118.25 34.05)`, `MULTIPOLYGON (((1 2, 3 4, 5 6, 1 2)))`.
/// Numbers are written in their shortest form that reads back exactly.
impl Display for Geometry {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.wkt_name())?;
        match self {
            Geometry::Point(c) => write!(f, "({c})"),
            Geometry::MultiPoint(points) => {
                let wrapped: Vec<_> = points.iter().map(Parens).collect();
                write_list(f, &wrapped)
            }
            Geometry::Line(points) => write_list(f, points),
            Geometry::MultiLine(lines) => write_nested(f, lines),
            Geometry::Polygon(rings) => write_nested(f, rings),
            Geometry::MultiPolygon(polygons) => {
                f.write_char('(')?;
                for (i, rings) in polygons.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_nested(f, rings)?;
                }
                f.write_char(')')
            }
        }
    }
}

impl Display for Coord {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.lon, self.lat)
    }
}

/// `(x y)`, as MULTIPOINT writes each member.
struct Parens<'a>(&'a Coord);

impl Display for Parens<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "({})", self.0)
    }
}

/// `(a, b, c)`.
fn write_list<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    f.write_char('(')?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    f.write_char(')')
}

/// `((a, b), (c, d))`.
fn write_nested(f: &mut Formatter<'_>, lists: &[Vec<Coord>]) -> fmt::Result {
    f.write_char('(')?;
    for (i, list) in lists.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_list(f, list)?;
    }
    f.write_char(')')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(lon: f64, lat: f64) -> Coord {
        Coord { lon, lat }
    }

    #[test]
    fn wkt_is_written_in_the_common_form() {
        let square = vec![c(0.0, 0.0), c(1.0, 0.0), c(1.0, 1.0), c(0.0, 0.0)];
        let cases = [
            (Geometry::Point(c(-118.25, 34.05)), "POINT (-118.25 34.05)"),
            (
                Geometry::MultiPoint(vec![c(1.0, 2.0), c(3.5, -4.0)]),
                "MULTIPOINT ((1 2), (3.5 -4))",
            ),
            (
                Geometry::Line(vec![c(1.0, 2.0), c(3.0, 4.0)]),
                "LINESTRING (1 2, 3 4)",
            ),
            (
                Geometry::MultiLine(vec![
                    vec![c(1.0, 2.0), c(3.0, 4.0)],
                    vec![c(0.0, 0.0), c(1.0, 1.0)],
                ]),
                "MULTILINESTRING ((1 2, 3 4), (0 0, 1 1))",
            ),
            (
                Geometry::Polygon(vec![square.clone()]),
                "POLYGON ((0 0, 1 0, 1 1, 0 0))",
            ),
            (
                Geometry::MultiPolygon(vec![vec![square.clone()], vec![square]]),
                "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((0 0, 1 0, 1 1, 0 0)))",
            ),
        ];
        for (geometry, wkt) in cases {
            assert_eq!(geometry.to_string(), wkt);
            assert_eq!(Geometry::from_wkt(wkt), Ok(geometry));
        }
    }

    #[test]
    fn points_are_counted_as_postgis_counts_them() {
        let ring = vec![c(0.0, 0.0), c(1.0, 0.0), c(1.0, 1.0), c(0.0, 0.0)];
        assert_eq!(Geometry::Point(c(1.0, 2.0)).num_points(), 1);
        assert_eq!(
            Geometry::Polygon(vec![ring.clone(), ring.clone()]).num_points(),
            8
        );
        let multi = Geometry::MultiPolygon(vec![vec![ring.clone()], vec![ring]]);
        assert_eq!(multi.num_points(), 8);
        assert_eq!(multi.soql_type(), SoqlType::MultiPolygon);
    }
}
