//! The geometry aggregates, both answered as a multipolygon in WKT as
//! Socrata answers them: `convex_hull(g)`, the smallest convex polygon
//! holding every position of every non-null geometry, and `extent(g)`, their
//! bounding box. Null when every geometry is null. A hull or box of one
//! point, or of points on one line, is a degenerate polygon whose ring
//! repeats a vertex (see `shapes::ring`).

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ColumnarValue, Expr, Signature, Volatility,
};
use geo::{Coord, CoordsIter, LineString, Polygon, Rect};
use soql::Geometry;

use super::shapes;

/// The call `convex_hull(geometry)`.
pub fn convex_hull(geometry: Expr) -> Expr {
    static UDAF: LazyLock<Arc<AggregateUDF>> =
        LazyLock::new(|| Arc::new(AggregateUDF::new_from_impl(GeoAggregate::new(Kind::Hull))));
    UDAF.call(vec![geometry])
}

/// The call `extent(geometry)`.
pub fn extent(geometry: Expr) -> Expr {
    static UDAF: LazyLock<Arc<AggregateUDF>> =
        LazyLock::new(|| Arc::new(AggregateUDF::new_from_impl(GeoAggregate::new(Kind::Extent))));
    UDAF.call(vec![geometry])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Hull,
    Extent,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct GeoAggregate {
    kind: Kind,
    signature: Signature,
}

impl GeoAggregate {
    fn new(kind: Kind) -> Self {
        let signature = Signature::any(1, Volatility::Immutable);
        GeoAggregate { kind, signature }
    }
}

impl AggregateUDFImpl for GeoAggregate {
    fn name(&self) -> &str {
        match self.kind {
            Kind::Hull => "convex_hull",
            Kind::Extent => "extent",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(Positions {
            kind: self.kind,
            coords: Vec::new(),
            kept: 0,
        }))
    }

    /// The partial state is the positions kept so far, as WKT: for a hull
    /// only its vertices, for an extent only two corners.
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let name = format_state_name(args.name, "positions");
        Ok(vec![Arc::new(Field::new(name, DataType::Utf8, true))])
    }
}

/// Every position seen, thinned now and then to those that can still be
/// on the answer's boundary.
#[derive(Debug)]
struct Positions {
    kind: Kind,
    coords: Vec<Coord>,
    /// How many positions the last thinning kept.
    kept: usize,
}

impl Positions {
    fn add(&mut self, geometry: &Geometry) {
        self.coords.extend(shapes::to_geo(geometry).coords_iter());
        if self.coords.len() > 2 * self.kept + 4096 {
            self.thin();
        }
    }

    fn thin(&mut self) {
        self.coords = match self.kind {
            Kind::Hull => hull(&mut self.coords).coords().copied().collect(),
            Kind::Extent => match bounds(&self.coords) {
                Some(rect) => vec![rect.min(), rect.max()],
                None => Vec::new(),
            },
        };
        self.kept = self.coords.len();
    }

    fn answer(&mut self) -> Option<Geometry> {
        if self.coords.is_empty() {
            return None;
        }
        let polygon = match self.kind {
            Kind::Hull => Polygon::new(hull(&mut self.coords), Vec::new()),
            Kind::Extent => box_polygon(bounds(&self.coords)?),
        };
        Some(Geometry::MultiPolygon(vec![shapes::from_geo_polygon(
            &polygon,
        )]))
    }
}

fn hull(coords: &mut [Coord]) -> LineString {
    geo::algorithm::convex_hull::quick_hull(coords)
}

/// The bounding box of some positions.
fn bounds(coords: &[Coord]) -> Option<Rect> {
    let first = *coords.first()?;
    let (min, max) = coords.iter().fold((first, first), |(lo, hi), c| {
        let lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        let hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
        (lo, hi)
    });
    Some(Rect::new(min, max))
}

/// A box as PostGIS writes one: (xmin ymin, xmin ymax, xmax ymax, xmax ymin,
/// xmin ymin).
fn box_polygon(rect: Rect) -> Polygon {
    let (lo, hi) = (rect.min(), rect.max());
    let corner = |x, y| Coord { x, y };
    let ring = vec![lo, corner(lo.x, hi.y), hi, corner(hi.x, lo.y), lo];
    Polygon::new(LineString::new(ring), Vec::new())
}

impl Accumulator for Positions {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let [geometries] = values else {
            return exec_err!("{:?} takes 1 argument, found {}", self.kind, values.len());
        };
        let rows = shapes::geometries(&ColumnarValue::Array(Arc::clone(geometries)))?;
        for row in 0..geometries.len() {
            if let Some(g) = rows.get(row) {
                self.add(g);
            }
        }
        Ok(())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Utf8(self.answer().map(|g| g.to_string())))
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.coords.capacity() * size_of::<Coord>()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        self.thin();
        let points = self.coords.iter().map(|c| shapes::soql_coord(*c));
        let wkt = (!self.coords.is_empty()).then(|| Geometry::MultiPoint(points.collect()));
        Ok(vec![ScalarValue::Utf8(wkt.map(|g| g.to_string()))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let [positions] = states else {
            return exec_err!(
                "{:?} has 1 partial state, found {}",
                self.kind,
                states.len()
            );
        };
        let texts = positions.as_string::<i32>();
        for row in 0..texts.len() {
            if texts.is_valid(row) {
                self.add(&shapes::from_wkt(texts.value(row))?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(kind: Kind, wkts: &[&str]) -> Option<String> {
        let mut positions = Positions {
            kind,
            coords: Vec::new(),
            kept: 0,
        };
        for wkt in wkts {
            positions.add(&Geometry::from_wkt(wkt).unwrap());
        }
        positions.answer().map(|g| g.to_string())
    }

    #[test]
    fn hull_and_extent_of_a_few_points() {
        let points = [
            "POINT (0 0)",
            "POINT (2 0)",
            "POINT (1 1)",
            "POINT (1 3)",
            "POINT (0 2)",
        ];
        let hull = answer(Kind::Hull, &points).unwrap();
        let Geometry::MultiPolygon(polygons) = Geometry::from_wkt(&hull).unwrap() else {
            panic!("{hull}");
        };
        let mut vertices: Vec<(f64, f64)> = polygons[0][0].iter().map(|c| (c.lon, c.lat)).collect();
        assert_eq!(vertices.first(), vertices.last());
        vertices.pop();
        vertices.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(vertices, [(0.0, 0.0), (0.0, 2.0), (1.0, 3.0), (2.0, 0.0)]);
        assert_eq!(
            answer(Kind::Extent, &points).unwrap(),
            "MULTIPOLYGON (((0 0, 0 3, 2 3, 2 0, 0 0)))"
        );
        assert_eq!(answer(Kind::Hull, &[]), None);
    }

    #[test]
    fn degenerate_hulls_and_boxes_are_still_polygons() {
        let one = ["POINT (1 2)", "POINT (1 2)"];
        assert_eq!(
            answer(Kind::Hull, &one).unwrap(),
            "MULTIPOLYGON (((1 2, 1 2, 1 2, 1 2)))"
        );
        assert_eq!(
            answer(Kind::Extent, &one).unwrap(),
            "MULTIPOLYGON (((1 2, 1 2, 1 2, 1 2, 1 2)))"
        );
        let line = ["POINT (0 0)", "POINT (1 1)", "LINESTRING (2 2, 0.5 0.5)"];
        let hull = answer(Kind::Hull, &line).unwrap();
        let Geometry::MultiPolygon(polygons) = Geometry::from_wkt(&hull).unwrap() else {
            panic!("{hull}");
        };
        let ring = &polygons[0][0];
        assert_eq!(ring.len(), 4, "{hull}");
        assert!(
            ring.iter()
                .all(|c| c.lon == c.lat && [0.0, 2.0].contains(&c.lon)),
            "{hull}"
        );
    }

    #[test]
    fn thinning_keeps_the_answer() {
        let mut positions = Positions {
            kind: Kind::Hull,
            coords: Vec::new(),
            kept: 0,
        };
        for i in 0..10_000 {
            let angle = f64::from(i) * 0.001;
            let wkt = format!("POINT ({} {})", angle.cos() * (i % 7) as f64, angle.sin());
            positions.add(&Geometry::from_wkt(&wkt).unwrap());
        }
        assert!(positions.coords.len() < 5000, "{}", positions.coords.len());
        let mut merged = Positions {
            kind: Kind::Hull,
            coords: Vec::new(),
            kept: 0,
        };
        let state = positions.state().unwrap();
        let ScalarValue::Utf8(Some(wkt)) = &state[0] else {
            panic!("{state:?}");
        };
        merged.add(&Geometry::from_wkt(wkt).unwrap());
        assert_eq!(merged.answer(), positions.answer());
    }
}
