//! Thousands of generated and mutated queries: none may answer 5xx or panic.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::support::{TestApp, q};

const SEEDS: [(&str, &str); 27] = [
    (
        "$where",
        "county = 'KINGS' and complaint_year_number >= 2021",
    ),
    (
        "$where",
        "month_number between 3 and 5 or county in ('BRONX', 'QUEENS')",
    ),
    ("$where", "upper(offense_description) like '%ASSAULT%'"),
    (
        "$where",
        "starts_with(county, 'K') and not (month_number % 2 = 0)",
    ),
    (
        "$where",
        "record_create_date > '2020-01-01T00:00:00' and arrest_date is null",
    ),
    ("$where", "complaint_precinct_code * 2 - 1 / 3 > 10 ^ 2"),
    (
        "$where",
        "lower(county) || '-' || patrol_borough_name = 'kings-X'",
    ),
    ("$where", "coalesce(arrest_id, 'none') = 'none'"),
    (
        "$select",
        "count(*) AS n, min(record_create_date), max(month_number)",
    ),
    (
        "$select",
        "date_trunc_ym(record_create_date) AS month, county",
    ),
    (
        "$select",
        "max(date_extract_y(record_create_date)), avg(month_number), sum(complaint_precinct_code)",
    ),
    (
        "$select",
        "case(month_number > 6, 'late', true, 'early') AS half, length(county), abs(month_number - 7)",
    ),
    ("$select", "distinct county, patrol_borough_name"),
    ("$select", ":id, :created_at, *"),
    (
        "$select",
        "round(month_number / 7, 2), floor(month_number / 3), ceil(month_number / 3)",
    ),
    (
        "$select",
        "count(distinct bias_motive_description), max(trim(county))",
    ),
    ("$order", "county DESC, month_number ASC NULL FIRST, :id"),
    ("$order", "record_create_date desc"),
    (
        "$query",
        "SELECT county, patrol_borough_name GROUP BY county, patrol_borough_name",
    ),
    (
        "$query",
        "SELECT county, count(*) GROUP BY county HAVING count(*) > 10 ORDER BY county",
    ),
    (
        "$where",
        "nullif(county, 'KINGS') is null or greatest(month_number, 3) > least(complaint_precinct_code, 9)",
    ),
    (
        "$select",
        "substring(county, month_number - 6, 3), replace(county, 'K', 'Q'), unaccent(offense_description), ln(month_number - 5)",
    ),
    (
        "$query",
        "SELECT county, stddev_samp(month_number), regr_r2(month_number, complaint_precinct_code), least(min(month_number), 2) GROUP BY county",
    ),
    ("$q", "anti jewish"),
    ("$limit", "10"),
    ("$offset", "2400"),
    (
        "$query",
        "SELECT county, count(*) AS n WHERE month_number > 2 GROUP BY county HAVING n > 5 ORDER BY n DESC LIMIT 3 OFFSET 1",
    ),
];

/// Seeds for the LA riots sample, whose `location` is a point.
const GEO_SEEDS: [(&str, &str); 7] = [
    ("$where", "within_circle(location, 34.05, -118.25, 5000)"),
    (
        "$where",
        "within_box(location, 34.07, -118.35, 33.95, -118.25) or not within_polygon(location, 'MULTIPOLYGON (((-118.35 33.95, -118.25 33.95, -118.25 34.07, -118.35 33.95)))')",
    ),
    (
        "$where",
        "intersects(location, 'POLYGON ((-118.3 34, -118.2 34, -118.2 34.1, -118.3 34))')",
    ),
    (
        "$select",
        "first_name, distance_in_meters(location, 'POINT (-118.25 34.05)') AS d, simplify(location, 0.01)",
    ),
    (
        "$select",
        "convex_hull(location), extent(location), num_points(convex_hull(location))",
    ),
    (
        "$query",
        "SELECT neighborhood, extent(location) AS box, count(*) WHERE within_circle(location, 34.05, -118.25, 20000) GROUP BY neighborhood ORDER BY neighborhood",
    ),
    (
        "$select",
        "simplify('LINESTRING (0 0, 1 0.01, 2 0, 3 1)', 0.1), num_points('MULTIPOINT (1 2, 3 4)')",
    ),
];

const PIECES: [&str; 32] = [
    "(",
    ")",
    "'",
    "''",
    ",",
    "*",
    "count(",
    "sum(",
    "and",
    "or",
    "not",
    "is null",
    "=",
    "<",
    "%",
    "^",
    "||",
    "`",
    ":id",
    "9999999999999999999999999999999999999999",
    "1e308",
    "-",
    ".",
    "\\",
    "between",
    "in (",
    "\u{0}",
    "é",
    "'POINT (",
    "within_circle(",
    "MULTIPOLYGON",
    "))",
];

fn mutate(rng: &mut StdRng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..rng.random_range(1..4) {
        let at = rng.random_range(0..=chars.len());
        match rng.random_range(0..4) {
            0 if !chars.is_empty() => {
                chars.remove(at.min(chars.len() - 1));
            }
            1 => {
                let piece = PIECES[rng.random_range(0..PIECES.len())];
                for (i, c) in piece.chars().enumerate() {
                    chars.insert(at + i, c);
                }
            }
            2 if at < chars.len() => chars.truncate(at),
            _ => chars.insert(at, char::from(rng.random_range(32u8..127))),
        }
    }
    chars.into_iter().collect()
}

#[tokio::test]
async fn mutated_queries_never_answer_5xx() {
    let app = TestApp::new().await;
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let mut seen_ok = 0;
    let nypd = SEEDS
        .iter()
        .map(|&(param, text)| ("nypd-hate", param, text));
    let geo = GEO_SEEDS
        .iter()
        .map(|&(param, text)| ("lari-1992", param, text));
    let seeds: Vec<(&str, &str, &str)> = nypd.chain(geo).collect();
    for round in 0..3400 {
        let (dataset, param, text) = seeds[round % seeds.len()];
        let text = if round < seeds.len() {
            text.to_string()
        } else {
            mutate(&mut rng, text)
        };
        let format = ["json", "csv", "geojson"][round % 3];
        let uri = format!("/resource/{dataset}.{format}?{}={}", q(param), q(&text));
        let reply = app.get(&uri).await;
        assert!(
            reply.status.as_u16() < 500,
            "{param}={text} answered {}: {}",
            reply.status,
            reply.body
        );
        if round < seeds.len() {
            assert_eq!(
                reply.status.as_u16(),
                200,
                "seed {param}={text}: {}",
                reply.body
            );
        }
        if reply.status.is_success() {
            seen_ok += 1;
        }
    }
    assert!(
        seen_ok > 100,
        "the mutations still leave many valid queries ({seen_ok})"
    );
}
