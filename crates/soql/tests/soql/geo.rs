//! The geospatial functions: types and implicit names, WKT literals read at
//! check time, refusals that point at the character, and the aggregates'
//! place in grouping.

use super::check::{assert_error, call, checked, col, lit, number, refused};
use soql::ErrorCode::{self, *};
use soql::SoqlType::{self, *};
use soql::geometry::{Coord, Geometry};
use soql::{Clause, Func, Value, WithoutSpans, parse_expr, print_expr};

fn c(lon: f64, lat: f64) -> Coord {
    Coord { lon, lat }
}

#[test]
fn geo_calls_have_types_and_socrata_names() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, SoqlType)] = &[
        ("within_circle(location, 34.05, -118.25, 1000)", "within_circle_location_34_05_118_25_1000", Checkbox),
        ("WITHIN_BOX(location, 40.9, -74.3, 40.5, -73.7)", "within_box_location_40_9_74_3_40_5_73_7", Checkbox),
        ("within_polygon(location, 'MULTIPOLYGON (((-74 40, -73 40, -73 41, -74 40)))')", "within_polygon_location_multipolygon_74_40_73_40_73_41_74_40", Checkbox),
        ("within_polygon(location, 'POLYGON ((-74 40, -73 40, -73 41, -74 40))')", "within_polygon_location_polygon_74_40_73_40_73_41_74_40", Checkbox),
        ("intersects(location, 'LINESTRING (-74 40, -73 41)')", "intersects_location_linestring_74_40_73_41", Checkbox),
        ("intersects('MULTIPOINT (1 2, 3 4)', location)", "intersects_multipoint_1_2_3_4_location", Checkbox),
        ("distance_in_meters(location, 'POINT (-73.9 40.7)')", "distance_in_meters_location_point_73_9_40_7", Number),
        ("distance_in_meters(location, location)", "distance_in_meters_location_location", Number),
        ("num_points('MULTILINESTRING ((0 0, 1 1), (2 2, 3 3, 4 4))')", "num_points_multilinestring_0_0_1_1_2_2_3_3_4_4", Number),
        ("simplify(location, 0.1)", "simplify_location_0_1", Point),
        ("simplify('LINESTRING (0 0, 1 0.01, 2 0)', 0.1)", "simplify_linestring_0_0_1_0_01_2_0_0_1", Line),
        ("simplify('POLYGON ((0 0, 1 0, 1 1, 0 0))', 0.1)", "simplify_polygon_0_0_1_0_1_1_0_0_0_1", Polygon),
        ("convex_hull(location)", "convex_hull_location", MultiPolygon),
        ("extent(location)", "extent_location", MultiPolygon),
        ("num_points(convex_hull(location))", "num_points_convex_hull_location", Number),
    ];
    for (select, name, ty) in cases {
        let typed = checked(&[("$select", select)]);
        let got = &typed.selection[0];
        assert_eq!((got.name.as_str(), got.expr.ty), (*name, *ty), "{select}");
    }
}

#[test]
fn wkt_literals_become_geometries_at_check_time() {
    let filter = |text: &str| checked(&[("$where", text)]).filter.unwrap().without_spans();
    let location = || col("location", Point);
    let square = vec![
        c(-74.0, 40.0),
        c(-73.0, 40.0),
        c(-73.0, 41.0),
        c(-74.0, 40.0),
    ];
    assert_eq!(
        filter("within_polygon(location, 'multipolygon(((-74 40,-73 40,-73 41,-74 40)))')"),
        call(
            Func::WithinPolygon,
            vec![
                location(),
                lit(
                    Value::Geometry(Geometry::MultiPolygon(vec![vec![square]])),
                    MultiPolygon
                ),
            ],
            Checkbox
        )
    );
    assert_eq!(
        filter("distance_in_meters(location, 'POINT (-73.9 40.7)') < 500"),
        call(
            Func::Lt,
            vec![
                call(
                    Func::DistanceInMeters,
                    vec![
                        location(),
                        lit(Value::Geometry(Geometry::Point(c(-73.9, 40.7))), Point),
                    ],
                    Number
                ),
                number("500"),
            ],
            Checkbox
        )
    );
    // Numbers stay exact decimals; the engine decides how to compute.
    assert_eq!(
        filter("within_circle(location, 34.05, -118.25, 1000)"),
        call(
            Func::WithinCircle,
            vec![
                location(),
                number("34.05"),
                number("-118.25"),
                number("1000")
            ],
            Checkbox
        )
    );
    // A null stands for a geometry of the kind wanted.
    assert_eq!(
        filter("intersects(location, null)"),
        call(
            Func::Intersects,
            vec![location(), lit(Value::Null, Point)],
            Checkbox
        )
    );
    // Where text is wanted, WKT-looking text stays text.
    assert_eq!(
        filter("county = 'POINT (1 2)'"),
        call(
            Func::Eq,
            vec![
                col("county", Text),
                lit(Value::Text("POINT (1 2)".into()), Text)
            ],
            Checkbox
        )
    );
}

#[test]
fn wkt_literals_print_back_as_text() {
    let texts = [
        "within_polygon(location, 'MULTIPOLYGON (((-74 40, -73 40, -73 41, -74 40)))')",
        "distance_in_meters(location, 'POINT (-73.9 40.7)') < 500",
        "within_circle(location, 34.05, -118.25, 1000) AND NOT within_box(location, 1, 2, 3, 4)",
    ];
    for text in texts {
        let parsed = parse_expr(text).unwrap();
        assert_eq!(print_expr(&parsed), text);
    }
}

#[test]
fn geo_refusals_say_what_was_expected_and_where() {
    let geometry = "a geometry (point, multipoint, line, multiline, polygon or multipolygon)";
    let found_text = format!("expected {geometry}, found text");
    #[rustfmt::skip]
    let cases: &[(&str, ErrorCode, &str, &str)] = &[
        ("within_circle(location, 34.05, -118.25)", NoSuchFunction, "expected 4 arguments to `within_circle`, found 3", "within_circle(location, 34.05, -118.25)"),
        ("within_circle(county, 34, -118, 10)", TypeMismatch, "expected point, found text", "county"),
        ("within_circle(location, '34', -118, 10)", TypeMismatch, "expected number, found text", "'34'"),
        ("within_box(location, 1, 2, 3, is_solved)", TypeMismatch, "expected number, found checkbox", "is_solved"),
        ("within_polygon(location, 'POINT (1 2)')", TypeMismatch, "expected polygon or multipolygon, found point", "'POINT (1 2)'"),
        ("within_polygon(location, county)", TypeMismatch, "expected polygon or multipolygon, found text", "county"),
        ("within_polygon('POINT (1 2)', 'POLYGON ((0 0, 1 0, 1 1, 0 0))') and within_polygon(location, 'POLYGON ((0 0, 1 0, 1 1))')", BadParse, "expected a closed ring, ending at its first point (0 0) in WKT, found `1 1`", "1"),
        ("within_polygon(location, 'MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0))')", BadParse, "expected `,` or `)` in WKT, found end of the text", "'"),
        ("within_polygon(location, 'POLYGON ((0 0, 1 0, 1 x, 0 0))')", BadParse, "expected a latitude in WKT, found `x`", "x"),
        ("within_polygon(location, 'it''s POLYGON')", BadParse, "expected a geometry type (POINT, MULTIPOINT, LINESTRING, MULTILINESTRING, POLYGON or MULTIPOLYGON) in WKT, found `it`", "i"),
        ("within_polygon(location, 'POLYGON ((0 0, 1 0, 1 1, 0 0)) '' x')", BadParse, "expected the end of the text in WKT, found `'`", "'"),
        ("intersects(location, county)", TypeMismatch, &found_text, "county"),
        ("intersects(location, 'CIRCLE (1 2, 3)')", BadParse, "expected a geometry type (POINT, MULTIPOINT, LINESTRING, MULTILINESTRING, POLYGON or MULTIPOLYGON) in WKT, found `CIRCLE`", "C"),
        ("distance_in_meters(location, 'MULTIPOINT (1 2)') > 1", TypeMismatch, "expected point, found multipoint", "'MULTIPOINT (1 2)'"),
        ("distance_in_meters(location, 'POINT (1 2') > 1", BadParse, "expected `)` in WKT, found end of the text", "'"),
        ("num_points(month_number) > 1", TypeMismatch, &format!("expected {geometry}, found number"), "month_number"),
        ("simplify(location) is null", NoSuchFunction, "expected 2 arguments to `simplify`, found 1", "simplify(location)"),
        ("location = 'POINT (1 2)'", TypeMismatch, "expected a type that can be compared, found point", "location"),
    ];
    for (text, code, message, at) in cases {
        let err = refused(&[("$where", text)]);
        assert_error(&err, Clause::Where, *code, message, text, at);
    }
}

#[test]
fn geo_errors_have_positions_inside_the_literal() {
    // The column of the `x` inside the WKT, the last `x` of the text.
    let text = "within_box(location, 1, 2, 3, 4) or intersects(location, 'POINT (1 x)')";
    let err = refused(&[("$where", text)]);
    let at = err.error.position(text);
    assert_eq!((at.line, at.column), (1, text.rfind('x').unwrap() + 1));
}

/// SODA parameters and their text.
type Params<'a> = &'a [(&'a str, &'a str)];

#[test]
fn convex_hull_and_extent_are_aggregates_like_sum() {
    #[rustfmt::skip]
    let cases: &[(Params, Clause, ErrorCode, &str, &str)] = &[
        (&[("$where", "convex_hull(location) is not null")], Clause::Where, AggregateInUngroupedContext, "expected a row value in $where (use $having to filter on aggregates), found the aggregate `convex_hull`", "convex_hull(location)"),
        (&[("$select", "county"), ("$group", "county, extent(location)")], Clause::Group, AggregateInUngroupedContext, "expected a row value in $group, found the aggregate `extent`", "extent(location)"),
        (&[("$select", "extent(convex_hull(location))")], Clause::Select, AggregateInUngroupedContext, "expected a row value inside `extent`, found another aggregate", "convex_hull(location)"),
        (&[("$select", "county, convex_hull(location)")], Clause::Select, ColumnNotInGroupBys, "column `county` is neither grouped nor aggregated; add it to the group-by or use it inside an aggregate such as max(county)", "county"),
        (&[("$select", "county"), ("$group", "county"), ("$order", "extent(location)")], Clause::Order, TypeMismatch, "expected a type with an order, found multipolygon", "extent(location)"),
        (&[("$select", "max(location)")], Clause::Select, TypeMismatch, "expected a type with an order, found point", "location"),
    ];
    for (params, clause, code, message, at) in cases {
        let err = refused(params);
        let text = params[params.len() - 1].1;
        assert_error(&err, *clause, *code, message, text, at);
    }

    let accepted: &[Params] = &[
        &[
            ("$select", "county, convex_hull(location), extent(location)"),
            ("$group", "county"),
        ],
        &[
            ("$select", "county, count(*)"),
            ("$group", "county"),
            ("$having", "num_points(convex_hull(location)) > 4"),
        ],
        &[
            ("$select", "extent(location) AS box"),
            ("$where", "within_circle(location, 40.7, -74, 5000)"),
        ],
    ];
    for params in accepted {
        assert!(checked(params).is_aggregated(), "{params:?}");
    }
    let rows = checked(&[
        (
            "$select",
            "distance_in_meters(location, 'POINT (0 0)') AS d, simplify(location, 1)",
        ),
        ("$order", "d"),
    ]);
    assert!(!rows.is_aggregated());
}

#[test]
fn geometry_types_have_socrata_names() {
    let names: Vec<&str> = SoqlType::ALL.iter().map(|t| t.as_str()).collect();
    for name in [
        "point",
        "multipoint",
        "line",
        "multiline",
        "polygon",
        "multipolygon",
    ] {
        assert!(names.contains(&name), "{name}");
        let ty: SoqlType = name.parse().unwrap();
        assert!(ty.is_geometry() && !ty.is_ordered(), "{name}");
    }
    assert!(!Text.is_geometry());
}
