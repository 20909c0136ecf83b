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

const PIECES: [&str; 28] = [
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
    for round in 0..3000 {
        let (param, text) = SEEDS[round % SEEDS.len()];
        let text = if round < SEEDS.len() {
            text.to_string()
        } else {
            mutate(&mut rng, text)
        };
        let format = ["json", "csv", "geojson"][round % 3];
        let uri = format!("/resource/nypd-hate.{format}?{}={}", q(param), q(&text));
        let reply = app.get(&uri).await;
        assert!(
            reply.status.as_u16() < 500,
            "{param}={text} answered {}: {}",
            reply.status,
            reply.body
        );
        if round < SEEDS.len() {
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
