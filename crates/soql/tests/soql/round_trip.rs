//! Parse → print → parse over realistic queries: the tree survives printing.

use soql::{WithoutSpans, parse_query, print_query};

/// Queries of the kind people send to the NYPD hate crimes dataset.
const QUERIES: &[&str] = &[
    "SELECT *",
    "SELECT :*, *",
    "SELECT county, count(*) GROUP BY county",
    "SELECT county, count(*) AS total GROUP BY county ORDER BY total DESC",
    "select bias_motive_description, count(*) group by bias_motive_description order by count(*) desc limit 5",
    "SELECT * WHERE county = 'KINGS' AND complaint_year_number = 2019",
    "SELECT * WHERE county IN ('KINGS', 'QUEENS', 'BRONX')",
    "SELECT * WHERE county NOT IN ('RICHMOND')",
    "SELECT * WHERE record_create_date > '2020-01-20'",
    "SELECT * WHERE record_create_date BETWEEN '2019-01-01' AND '2019-12-31T23:59:59'",
    "SELECT * WHERE record_create_date NOT BETWEEN '2019-01-01' AND '2019-06-30'",
    "SELECT * WHERE arrest_date IS NULL",
    "SELECT * WHERE arrest_date IS NOT NULL ORDER BY arrest_date DESC NULL LAST",
    "SELECT * WHERE offense_description LIKE '%ASSAULT%'",
    "SELECT * WHERE offense_description NOT LIKE 'CRIMINAL%'",
    "SELECT * WHERE upper(patrol_borough_name) = 'PATROL BORO BKLYN NORTH'",
    "SELECT * WHERE starts_with(pd_code_description, 'AGGRAVATED')",
    "SELECT date_trunc_ym(record_create_date) AS month, count(*) GROUP BY month ORDER BY month",
    "SELECT date_extract_y(record_create_date) AS year, count(*) AS n GROUP BY year HAVING n > 100",
    "SELECT complaint_year_number, month_number, count(*) GROUP BY complaint_year_number, month_number ORDER BY complaint_year_number, month_number",
    "SELECT DISTINCT county",
    "SELECT DISTINCT law_code_category_description ORDER BY law_code_category_description",
    "SELECT count(DISTINCT bias_motive_description)",
    "SELECT min(record_create_date), max(record_create_date)",
    "SELECT avg(complaint_precinct_code), sum(month_number)",
    "SELECT county, law_code_category_description, count(*) WHERE law_code_category_description = 'FELONY' GROUP BY county, law_code_category_description",
    "SELECT * ORDER BY :id LIMIT 1000 OFFSET 2000",
    "SELECT * ORDER BY :id OFFSET 50000 LIMIT 50000",
    "SELECT * SEARCH 'anti-jewish' LIMIT 10",
    "SELECT * ORDER BY county SEARCH 'swastika'",
    "SELECT * SEARCH 'it''s' ORDER BY county DESC",
    "SELECT full_complaint_id, arrest_id WHERE arrest_id IS NOT NULL AND complaint_year_number >= 2020",
    "SELECT county WHERE (county = 'KINGS' OR county = 'QUEENS') AND NOT offense_category = 'Property'",
    "SELECT complaint_precinct_code * 2 + 1 AS doubled WHERE complaint_precinct_code % 2 = 0",
    "SELECT -complaint_precinct_code, complaint_precinct_code ^ 2 ^ 3, (complaint_precinct_code - 1) / 4",
    "SELECT county || ' / ' || patrol_borough_name AS place",
    "SELECT coalesce(arrest_id, 'none') AS arrest",
    "SELECT case(law_code_category_description = 'FELONY', 3, law_code_category_description = 'MISDEMEANOR', 2, TRUE, 1) AS severity",
    "SELECT round(avg(month_number), 2) AS average_month",
    "SELECT abs(-3.50), floor(2.5), ceil(.5), 1e3, 1.5E-2",
    "SELECT length(trim(lower(offense_description))) AS len ORDER BY len DESC NULL FIRST",
    "SELECT `county` AS `County Name`, `Odd``Name`",
    "SELECT county WHERE :created_at > '2021-03-14T09:30:00-07:00' ORDER BY :updated_at",
    "SELECT county, count(*) WHERE complaint_year_number BETWEEN 2019 AND 2021 GROUP BY county HAVING count(*) BETWEEN 10 AND 100",
    "SELECT county, count(*) GROUP BY county HAVING count(*) > 5 AND county != 'RICHMOND' ORDER BY county LIMIT 3",
    "SELECT date_trunc_y(arrest_date) AS y, count(arrest_id) GROUP BY y ORDER BY y NULL FIRST",
    "SELECT is_solved, count(*) WHERE is_solved = TRUE OR is_solved IS NULL GROUP BY is_solved",
    "SELECT * WHERE reported_at < '2020-01-01T00:00:00Z' AND location IS NOT NULL",
    "SELECT date_extract_dow(record_create_date) AS dow, date_extract_hh(record_create_date) AS hour, count(*) GROUP BY dow, hour",
    "select county as c where c = 'KINGS' limit 1",
    "SELECT county\nWHERE\n  county = 'NEW YORK'\nORDER BY\n  county",
    "SELECT x WHERE a = b IS NULL OR NOT NOT c",
    "SELECT county, stddev_pop(month_number), stddev_samp(month_number) AS spread GROUP BY county HAVING stddev_samp(month_number) > 1 ORDER BY spread DESC",
    "SELECT regr_slope(month_number, complaint_year_number) AS slope, regr_intercept(month_number, complaint_year_number), regr_r2(month_number, complaint_year_number)",
    "SELECT unaccent(upper(offense_description)) AS plain, substring(county, 1, 3), substring(county, -2) WHERE replace(county, ' ', '') = 'NEWYORK'",
    "SELECT nullif(arrest_id, ''), greatest(month_number, 6, -1.5), least(record_create_date, '2020-01-01') AS earliest WHERE ln(complaint_precinct_code) > 3",
    "SELECT round(ln(stddev_pop(complaint_precinct_code)), 3) AS spread, greatest(max(month_number), 6)",
    "SELECT * WHERE within_circle(location, 40.7128, -74.006, 500)",
    "SELECT county WHERE within_box(location, 40.9, -74.3, 40.5, -73.7) AND NOT within_polygon(location, 'MULTIPOLYGON (((-74 40.6, -73.9 40.6, -73.9 40.7, -74 40.6)))')",
    "SELECT county, distance_in_meters(location, 'POINT (-73.97 40.78)') AS meters WHERE location IS NOT NULL ORDER BY meters LIMIT 5",
    "SELECT county, convex_hull(location), extent(location) AS box, num_points(convex_hull(location)) GROUP BY county HAVING count(*) > 2",
    "SELECT simplify(location, 0.01), intersects(location, 'POLYGON ((-74 40, -73 40, -73 41, -74 40), (-73.8 40.2, -73.2 40.2, -73.2 40.8, -73.8 40.2))')",
];

#[test]
fn printed_queries_parse_back_to_the_same_tree() {
    assert!(QUERIES.len() >= 50);
    for text in QUERIES {
        let parsed = parse_query(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let printed = print_query(&parsed);
        let reparsed = parse_query(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
        assert_eq!(
            reparsed.without_spans(),
            parsed.without_spans(),
            "{text}\n{printed}"
        );
        assert_eq!(
            print_query(&reparsed),
            printed,
            "printing is not stable for {text}"
        );
    }
}

#[test]
fn realistic_queries_check_against_the_dataset() {
    let schema = super::hate_crimes();
    // Queries that only exist to exercise the parser are skipped.
    let parse_only = [
        "SELECT x WHERE",
        "select county as c where c",
        "SELECT `county` AS",
    ];
    for text in QUERIES {
        if parse_only.iter().any(|p| text.starts_with(p)) {
            continue;
        }
        let query = parse_query(text).unwrap();
        if let Err(e) = soql::check(&query, &schema) {
            panic!("{text}: {e:?}");
        }
    }
}
