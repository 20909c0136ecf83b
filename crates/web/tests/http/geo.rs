//! SoQL's geospatial functions over HTTP, on the LA riots sample and a small
//! dataset with null points. Every expected answer is computed here from
//! the CSV's own numbers: haversine distances, ray-cast point-in-polygon,
//! a monotone-chain hull and a bounding box.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, new_columns, q, sample_path};

/// The sphere Socrata's distances are measured on, in metres.
const R: f64 = 6_371_008.8;

/// One death in the LA riots sample: name and where it happened.
#[derive(Debug, Clone, PartialEq)]
struct Death {
    first: String,
    last: String,
    lon: f64,
    lat: f64,
}

fn deaths() -> Vec<Death> {
    let mut reader = csv::Reader::from_path(sample_path("la-riots.csv")).expect("csv");
    let headers = reader.headers().expect("header").clone();
    let at = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (first, last) = (at("first_name"), at("last_name"));
    let (lon, lat) = (at("longitude"), at("latitude"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            Death {
                first: r[first].to_string(),
                last: r[last].to_string(),
                lon: r[lon].parse().expect("longitude"),
                lat: r[lat].parse().expect("latitude"),
            }
        })
        .collect()
}

/// Great-circle metres between two latitude/longitude pairs (haversine).
fn haversine(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * a.sqrt().asin()
}

/// Even-odd ray casting: whether (x, y) is inside the closed ring.
fn in_ring(x: f64, y: f64, ring: &[(f64, f64)]) -> bool {
    let mut inside = false;
    for pair in ring.windows(2) {
        let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
        if (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) {
            inside = !inside;
        }
    }
    inside
}

/// Inside some polygon's exterior and none of its holes.
fn in_multipolygon(x: f64, y: f64, polygons: &[Vec<Vec<(f64, f64)>>]) -> bool {
    polygons
        .iter()
        .any(|rings| in_ring(x, y, &rings[0]) && !rings[1..].iter().any(|h| in_ring(x, y, h)))
}

fn wkt_rings(rings: &[Vec<(f64, f64)>]) -> String {
    let ring = |r: &Vec<(f64, f64)>| {
        let points: Vec<String> = r.iter().map(|(x, y)| format!("{x} {y}")).collect();
        format!("({})", points.join(", "))
    };
    let all: Vec<String> = rings.iter().map(ring).collect();
    format!("({})", all.join(", "))
}

/// Andrew's monotone chain: the hull's vertices, counter-clockwise, with
/// no point on an edge.
fn hull(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut p = points.to_vec();
    p.sort_by(|a, b| a.partial_cmp(b).unwrap());
    p.dedup();
    let cross = |o: (f64, f64), a: (f64, f64), b: (f64, f64)| {
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    };
    let chain = |points: &mut dyn Iterator<Item = (f64, f64)>| {
        let mut h: Vec<(f64, f64)> = Vec::new();
        for pt in points {
            while h.len() >= 2 && cross(h[h.len() - 2], h[h.len() - 1], pt) <= 0.0 {
                h.pop();
            }
            h.push(pt);
        }
        h.pop();
        h
    };
    let mut lower = chain(&mut p.clone().into_iter());
    lower.extend(chain(&mut p.into_iter().rev()));
    lower
}

async fn rows(app: &TestApp, dataset: &str, params: &str) -> Vec<Value> {
    let reply = app.get(&format!("/resource/{dataset}.json?{params}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{params}: {}", reply.body);
    reply.json().as_array().expect("an array of rows").clone()
}

/// The sorted names of rows that have `first_name` and `last_name`.
fn names_of(rows: &[Value]) -> Vec<(String, String)> {
    let mut names: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let name = |k: &str| r[k].as_str().expect(k).to_string();
            (name("first_name"), name("last_name"))
        })
        .collect();
    names.sort();
    names
}

fn expected_names<'a>(deaths: impl Iterator<Item = &'a Death>) -> Vec<(String, String)> {
    let mut names: Vec<_> = deaths.map(|d| (d.first.clone(), d.last.clone())).collect();
    names.sort();
    names
}

fn number(row: &Value, field: &str) -> f64 {
    let text = row[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {row}"));
    assert!(
        !text.contains(['e', 'E']),
        "{field} = {text} is not a plain decimal"
    );
    text.parse().expect("a number")
}

/// The positions of a GeoJSON MultiPolygon's only ring.
fn only_ring(geometry: &Value) -> Vec<(f64, f64)> {
    assert_eq!(geometry["type"], "MultiPolygon", "{geometry}");
    let polygons = geometry["coordinates"].as_array().expect("coordinates");
    assert_eq!(polygons.len(), 1, "{geometry}");
    let rings = polygons[0].as_array().expect("rings");
    assert_eq!(rings.len(), 1, "{geometry}");
    let ring: Vec<(f64, f64)> = rings[0]
        .as_array()
        .expect("ring")
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    assert!(ring.len() >= 4 && ring.first() == ring.last(), "{geometry}");
    ring
}

/// A ring's distinct vertices, sorted.
fn vertices(ring: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut v = ring[..ring.len() - 1].to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v.dedup();
    v
}

#[tokio::test]
async fn within_circle_selects_exactly_the_rows_within_the_haversine_radius() {
    let app = TestApp::new().await;
    let deaths = deaths();
    let (lat, lon) = (34.05, -118.25);
    let mut counts = Vec::new();
    for radius in [1000.0, 2500.0, 5000.0, 10000.0, 25000.0] {
        let query = format!("within_circle(location, {lat}, {lon}, {radius})");
        let params = format!("$select=first_name,last_name&$where={}", q(&query));
        let got = names_of(&rows(&app, "lari-1992", &params).await);
        let near = deaths
            .iter()
            .filter(|d| haversine(d.lat, d.lon, lat, lon) <= radius);
        let expected = expected_names(near);
        assert_eq!(got, expected, "radius {radius}");
        counts.push(got.len());
    }
    // The radii cut the sample in different places, so a wrong distance
    // would show.
    assert_eq!(counts[0], 0);
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "{counts:?}");
    assert!(*counts.last().unwrap() < deaths.len(), "{counts:?}");
}

#[tokio::test]
async fn within_box_and_within_polygon_select_the_rows_computed_here() {
    let app = TestApp::new().await;
    let deaths = deaths();

    let (nw_lat, nw_lon, se_lat, se_lon) = (34.07, -118.35, 33.95, -118.25);
    let query = format!("within_box(location, {nw_lat}, {nw_lon}, {se_lat}, {se_lon})");
    let params = format!("$select=first_name,last_name&$where={}", q(&query));
    let got = names_of(&rows(&app, "lari-1992", &params).await);
    let in_box = deaths
        .iter()
        .filter(|d| (se_lat..=nw_lat).contains(&d.lat) && (nw_lon..=se_lon).contains(&d.lon));
    let expected = expected_names(in_box);
    assert!(expected.len() > 5, "{}", expected.len());
    assert_eq!(got, expected);

    // The box with a hole, and a triangle to the north-east.
    let square = vec![
        (-118.35, 33.95),
        (-118.25, 33.95),
        (-118.25, 34.07),
        (-118.35, 34.07),
        (-118.35, 33.95),
    ];
    let hole = vec![
        (-118.32, 33.98),
        (-118.28, 33.98),
        (-118.28, 34.02),
        (-118.32, 34.02),
        (-118.32, 33.98),
    ];
    let triangle = vec![
        (-118.25, 34.05),
        (-118.15, 34.05),
        (-118.2, 34.15),
        (-118.25, 34.05),
    ];
    let polygons = vec![vec![square, hole], vec![triangle]];
    let parts: Vec<String> = polygons.iter().map(|p| wkt_rings(p)).collect();
    let wkt = format!("MULTIPOLYGON ({})", parts.join(", "));
    let inside = deaths
        .iter()
        .filter(|d| in_multipolygon(d.lon, d.lat, &polygons));
    let expected = expected_names(inside);
    assert!(
        expected.len() > 3 && expected.len() < 25,
        "{}",
        expected.len()
    );
    for function in ["within_polygon", "intersects"] {
        let query = format!("{function}(location, '{wkt}')");
        let params = format!("$select=first_name,last_name&$where={}", q(&query));
        let got = names_of(&rows(&app, "lari-1992", &params).await);
        assert_eq!(got, expected, "{function}");
    }

    // A plain POLYGON is accepted as well.
    let query = format!(
        "within_polygon(location, 'POLYGON {}')",
        wkt_rings(&polygons[1])
    );
    let params = format!("$select=first_name,last_name&$where={}", q(&query));
    let got = names_of(&rows(&app, "lari-1992", &params).await);
    let inside = deaths
        .iter()
        .filter(|d| in_multipolygon(d.lon, d.lat, &polygons[1..]));
    assert_eq!(got, expected_names(inside));
}

#[tokio::test]
async fn intersects_a_point_or_line_means_lying_on_it() {
    let app = TestApp::new().await;
    let deaths = deaths();
    let (a, b) = (&deaths[0], &deaths[5]);
    let query = format!(
        "intersects(location, 'MULTIPOINT ({} {}, {} {})')",
        a.lon, a.lat, b.lon, b.lat
    );
    let params = format!("$select=first_name,last_name&$where={}", q(&query));
    let got = names_of(&rows(&app, "lari-1992", &params).await);
    let same_place = deaths
        .iter()
        .filter(|d| (d.lon, d.lat) == (a.lon, a.lat) || (d.lon, d.lat) == (b.lon, b.lat));
    assert_eq!(got, expected_names(same_place));

    // A line from one death to another passes through both.
    let query = format!(
        "intersects(location, 'LINESTRING ({} {}, {} {})')",
        a.lon, a.lat, b.lon, b.lat
    );
    let params = format!("$select=first_name,last_name&$where={}", q(&query));
    let got = names_of(&rows(&app, "lari-1992", &params).await);
    assert!(got.contains(&(a.first.clone(), a.last.clone())), "{got:?}");
    assert!(got.contains(&(b.first.clone(), b.last.clone())), "{got:?}");
}

#[tokio::test]
async fn distance_in_meters_is_the_haversine_distance() {
    let app = TestApp::new().await;
    let deaths = deaths();
    let select = "first_name, last_name, longitude, latitude, \
                  distance_in_meters(location, 'POINT (-118.25 34.05)') AS d, \
                  distance_in_meters(location, location) AS zero";
    let params = format!("$select={}&$order=d&$limit=100", q(select));
    let got = rows(&app, "lari-1992", &params).await;
    assert_eq!(got.len(), deaths.len());
    let mut previous = 0.0;
    for row in &got {
        let (lon, lat) = (number(row, "longitude"), number(row, "latitude"));
        let expected = haversine(lat, lon, 34.05, -118.25);
        let d = number(row, "d");
        assert!(
            (d - expected).abs() <= 1e-6 * expected,
            "{row}: expected {expected}"
        );
        assert!(d >= previous, "ordered by distance");
        previous = d;
        assert_eq!(number(row, "zero"), 0.0);
    }
    let reply = app.get(&format!("/resource/lari-1992.json?{params}")).await;
    assert!(
        reply
            .header("x-soda2-types")
            .contains(r#""number","number"]"#)
    );

    // The implicit name follows Socrata's rule.
    let params = format!(
        "$select={}&$limit=1",
        q("distance_in_meters(location, 'POINT (-118.25 34.05)')")
    );
    let got = rows(&app, "lari-1992", &params).await;
    let keys: Vec<&String> = got[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["distance_in_meters_location_point_118_25_34_05"]);
}

/// The deaths within 10 km of downtown, the set the aggregates run over.
const NEAR: &str = "within_circle(location, 34.05, -118.25, 10000)";

fn near_downtown(deaths: &[Death]) -> Vec<(f64, f64)> {
    let near = deaths
        .iter()
        .filter(|d| haversine(d.lat, d.lon, 34.05, -118.25) <= 10000.0);
    near.map(|d| (d.lon, d.lat)).collect()
}

#[tokio::test]
async fn convex_hull_and_extent_match_the_hull_and_box_computed_here() {
    let app = TestApp::new().await;
    let points = near_downtown(&deaths());
    assert!(points.len() > 10);
    let select = "convex_hull(location) AS hull, extent(location) AS box, \
                  num_points(convex_hull(location)) AS n, count(*) AS rows";
    let params = format!("$select={}&$where={}", q(select), q(NEAR));
    let reply = app.get(&format!("/resource/lari-1992.json?{params}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.header("x-soda2-types"),
        r#"["multipolygon","multipolygon","number","number"]"#
    );
    let row = &reply.json()[0];
    assert_eq!(number(row, "rows"), points.len() as f64);

    let mut expected = hull(&points);
    let ring = only_ring(&row["hull"]);
    assert_eq!(number(row, "n"), ring.len() as f64);
    expected.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(vertices(&ring), expected);

    let (xs, ys): (Vec<f64>, Vec<f64>) = points.iter().copied().unzip();
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (x0, x1, y0, y1) = (min(&xs), max(&xs), min(&ys), max(&ys));
    let ring = only_ring(&row["box"]);
    assert_eq!(ring.len(), 5);
    assert_eq!(vertices(&ring), [(x0, y0), (x0, y1), (x1, y0), (x1, y1)]);

    // Nothing to aggregate: null, so the key is left out.
    let params = format!("$select={}&$where={}", q(select), q("1 = 0"));
    let got = rows(&app, "lari-1992", &params).await;
    assert_eq!(got, [json!({"rows": "0"})]);
}

#[tokio::test]
async fn grouped_extents_cover_each_group() {
    let app = TestApp::new().await;
    let deaths = deaths();
    let params = "$select=neighborhood,extent(location)&$group=neighborhood";
    let got = rows(&app, "lari-1992", params).await;
    let mut reader = csv::Reader::from_path(sample_path("la-riots.csv")).expect("csv");
    let hoods: Vec<String> = reader
        .records()
        .map(|r| r.expect("record")[7].to_string())
        .collect();
    assert!(got.len() > 10);
    for row in &got {
        let hood = row["neighborhood"].as_str().expect("neighborhood");
        let points: Vec<(f64, f64)> = deaths
            .iter()
            .zip(&hoods)
            .filter(|(_, h)| *h == hood)
            .map(|(d, _)| (d.lon, d.lat))
            .collect();
        let ring = only_ring(&row["extent_location"]);
        let (xs, ys): (Vec<f64>, Vec<f64>) = points.iter().copied().unzip();
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (x0, x1, y0, y1) = (min(&xs), max(&xs), min(&ys), max(&ys));
        let mut corners = vec![(x0, y0), (x0, y1), (x1, y0), (x1, y1)];
        corners.sort_by(|a, b| a.partial_cmp(b).unwrap());
        corners.dedup();
        assert_eq!(vertices(&ring), corners, "{hood}");
    }
}

#[tokio::test]
async fn polygons_are_geojson_in_json_wkt_in_csv_and_the_feature_geometry() {
    let app = TestApp::new().await;
    let points = near_downtown(&deaths());
    let select = "extent(location) AS box, convex_hull(location) AS hull, count(*) AS rows";
    let params = format!("$select={}&$where={}", q(select), q(NEAR));

    let json = app.get(&format!("/resource/lari-1992.json?{params}")).await;
    let row = &json.json()[0];
    let box_ring = only_ring(&row["box"]);
    let hull_ring = only_ring(&row["hull"]);

    // CSV: the same polygons as WKT, coordinates in the same order.
    let csv = app.get(&format!("/resource/lari-1992.csv?{params}")).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["box", "hull", "rows"]);
    let record = reader.records().next().unwrap().unwrap();
    let wkt = |ring: &[(f64, f64)]| {
        let points: Vec<String> = ring.iter().map(|(x, y)| format!("{x} {y}")).collect();
        format!("MULTIPOLYGON ((({})))", points.join(", "))
    };
    assert_eq!(&record[0], wkt(&box_ring));
    assert_eq!(&record[1], wkt(&hull_ring));
    assert_eq!(&record[2], points.len().to_string());

    // GeoJSON: the first geometry column is the feature's geometry; the
    // other stays a property, as a geometry object.
    let geojson = app
        .get(&format!("/resource/lari-1992.geojson?{params}"))
        .await;
    assert_eq!(geojson.status, StatusCode::OK, "{}", geojson.body);
    let body = geojson.json();
    assert_eq!(body["type"], "FeatureCollection");
    let feature = &body["features"][0];
    assert_eq!(only_ring(&feature["geometry"]), box_ring);
    assert_eq!(feature["properties"]["rows"], points.len().to_string());
    assert_eq!(only_ring(&feature["properties"]["hull"]), hull_ring);
    assert!(feature["properties"].get("box").is_none());
}

#[tokio::test]
async fn simplify_keeps_the_kind_and_drops_close_points() {
    let app = TestApp::new().await;
    // Douglas–Peucker by hand: from (0 0) to (3 1) the farthest point is
    // (2 0), 0.63° off; between (0 0) and (2 0), (1 0.01) is 0.01° off and
    // goes at a tolerance of 0.1.
    let select = "simplify('LINESTRING (0 0, 1 0.01, 2 0, 3 1)', 0.1) AS line, \
                  simplify(location, 1) AS point, location, \
                  num_points('POLYGON ((0 0, 1 0, 1 1, 0 0), (0.2 0.1, 0.8 0.1, 0.8 0.7, 0.2 0.1))') AS n";
    let params = format!("$select={}&$limit=3", q(select));
    let reply = app.get(&format!("/resource/lari-1992.json?{params}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.header("x-soda2-types"),
        r#"["line","point","point","number"]"#
    );
    for row in reply.json().as_array().unwrap() {
        assert_eq!(
            row["line"],
            json!({"type": "LineString", "coordinates": [[0, 0], [2, 0], [3, 1]]})
        );
        assert_eq!(row["point"], row["location"]);
        assert_eq!(row["point"]["type"], "Point");
        assert_eq!(row["n"], "8");
    }
    let csv = app.get(&format!("/resource/lari-1992.csv?{params}")).await;
    assert!(
        csv.body.contains("LINESTRING (0 0, 2 0, 3 1)"),
        "{}",
        csv.body
    );
}

#[tokio::test]
async fn bad_geometry_is_a_400_that_points_at_the_problem() {
    let app = TestApp::new().await;
    let unclosed = "within_polygon(location, 'POLYGON ((-118 34, -118.1 34, -118.1 34.1))')";
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, &str)] = &[
        ("$where", unclosed, "query.soql.bad-parse", "-118.1 34.1))')"),
        ("$where", "within_polygon(location, 'POLYGON ((0 0, 1 0, 1 1, 0 0)')", "query.soql.bad-parse", "')"),
        ("$where", "within_polygon(location, 'POINT (-118 34)')", "query.soql.type-mismatch", "'POINT (-118 34)')"),
        ("$where", "within_circle(location, '34', -118, 1000)", "query.soql.type-mismatch", "'34', -118, 1000)"),
        ("$where", "within_circle(first_name, 34, -118, 1000)", "query.soql.type-mismatch", "first_name, 34, -118, 1000)"),
        ("$where", "within_box(location, 34, -118, 33)", "query.soql.no-such-function", "within_box(location, 34, -118, 33)"),
        ("$select", "distance_in_meters(location, 'POINT (1 2 3)')", "query.soql.bad-parse", "3)')"),
        ("$where", "extent(location) IS NOT NULL", "query.soql.aggregate-in-ungrouped-context", "extent(location) IS NOT NULL"),
        ("$select", "neighborhood, convex_hull(location)", "query.soql.column-not-in-group-bys", "neighborhood, convex_hull(location)"),
        ("$order", "convex_hull(location)", "query.soql.type-mismatch", "convex_hull(location)"),
    ];
    for (param, text, code, rest) in cases {
        let uri = format!("/resource/lari-1992.json?{}={}", q(param), q(text));
        let reply = app.get(&uri).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{text}: {}",
            reply.body
        );
        let body = reply.json();
        assert_eq!(body["code"], *code, "{text}: {body}");
        if code.ends_with("bad-parse") || code.ends_with("type-mismatch") {
            let message = body["message"].as_str().unwrap();
            assert!(
                message.starts_with("expected ") && message.contains(", found "),
                "{body}"
            );
        }
        assert_eq!(body["data"]["parameter"], *param);
        let column = body["data"]["position"]["column"].as_u64().unwrap() as usize;
        let at = text.chars().skip(column - 1).collect::<String>();
        assert_eq!(&at, rest, "{text}: {body}");
    }
}

/// Publishes a small CSV as dataset `id`.
async fn publish(app: &TestApp, id: &str, csv: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("{id}.csv"));
    std::fs::write(&path, csv).expect("csv written");
    let loaded = ingest::read_path(&path, &ingest::LoadOptions::default(), &mut |_, _| {})
        .expect("csv loads");
    let new = store::NewDataset {
        id: id.to_string(),
        title: id.to_string(),
        department: "Tests".to_string(),
        meta: store::Metadata::default(),
        columns: new_columns(&loaded),
    };
    app.state
        .store
        .create_dataset(new, &loaded.schema, loaded.batches, chrono::Utc::now())
        .await
        .expect("published");
}

const TRIPS: &str = "name,home,work
ana,POINT (-118.25 34.05),POINT (-118.3 34.1)
ben,,POINT (-118.2 34.0)
cy,POINT (-73.97 40.78),
dee,POINT (2.35 48.86),POINT (-0.13 51.51)
eve,,
";

#[tokio::test]
async fn null_points_are_never_within_anything() {
    let app = TestApp::new().await;
    publish(&app, "trip-test", TRIPS).await;
    let names = |rows: Vec<Value>| -> Vec<String> {
        rows.iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    // Half the Earth's circumference covers every point there is.
    let everywhere = "within_circle(home, 0, 0, 20100000)";
    #[rustfmt::skip]
    let cases: &[(&str, &[&str])] = &[
        (everywhere, &["ana", "cy", "dee"]),
        ("NOT within_circle(home, 0, 0, 20100000)", &[]),
        ("NOT within_circle(home, 34.05, -118.25, 1000)", &["cy", "dee"]),
        ("within_box(work, 90, -180, -90, 180)", &["ana", "ben", "dee"]),
        ("NOT within_polygon(home, 'POLYGON ((-1 -1, 1 -1, 1 1, -1 -1))')", &["ana", "cy", "dee"]),
        ("intersects(home, null) OR intersects(null, 'POINT (1 2)')", &[]),
        ("distance_in_meters(home, work) IS NULL", &["ben", "cy", "eve"]),
        ("within_circle(home, 34.05, -118.25, null)", &[]),
    ];
    for (filter, expected) in cases {
        let params = format!("$select=name&$where={}&$order=name", q(filter));
        let got = names(rows(&app, "trip-test", &params).await);
        assert_eq!(got, *expected, "{filter}");
    }

    // Two point columns: the distance between them, null where either is.
    let params = format!(
        "$select={}&$order=name",
        q("name, distance_in_meters(home, work) AS d")
    );
    let got = rows(&app, "trip-test", &params).await;
    let expected = [
        ("ana", Some(haversine(34.05, -118.25, 34.1, -118.3))),
        ("ben", None),
        ("cy", None),
        ("dee", Some(haversine(48.86, 2.35, 51.51, -0.13))),
        ("eve", None),
    ];
    for (row, (name, d)) in got.iter().zip(expected) {
        assert_eq!(row["name"], name);
        match d {
            Some(d) => assert!((number(row, "d") - d).abs() <= 1e-6 * d, "{row}"),
            None => assert!(row.get("d").is_none(), "{row}"),
        }
    }

    // The aggregates skip nulls: the box of three homes.
    let got = rows(
        &app,
        "trip-test",
        &format!("$select={}", q("extent(home) AS box")),
    )
    .await;
    let ring = only_ring(&got[0]["box"]);
    assert_eq!(
        vertices(&ring),
        [
            (-118.25, 34.05),
            (-118.25, 48.86),
            (2.35, 34.05),
            (2.35, 48.86)
        ]
    );
}
