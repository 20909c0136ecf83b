//! SoQL's statistics, text and comparison functions over HTTP, checked
//! against values the tests compute themselves from the sample CSVs.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{Reply, TestApp, csv_rows, q};

async fn select(app: &TestApp, dataset: &str, params: &str) -> Vec<Value> {
    let reply = app.get(&format!("/resource/{dataset}.json?{params}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{params}: {}", reply.body);
    reply.json().as_array().expect("an array of rows").clone()
}

/// A SoQL number as the API writes it: a plain decimal string, never an
/// exponent, never NaN or infinity. Missing means null.
fn number(row: &Value, field: &str) -> Option<f64> {
    let text = row.get(field)?.as_str().expect("numbers are strings");
    let plain = text.strip_prefix('-').unwrap_or(text);
    assert!(
        !plain.is_empty() && plain.chars().all(|c| c.is_ascii_digit() || c == '.'),
        "{field} = {text:?} is not a plain decimal"
    );
    Some(text.parse().expect("a number"))
}

fn text<'a>(row: &'a Value, field: &str) -> Option<&'a str> {
    row.get(field)
        .map(|v| v.as_str().expect("text is a string"))
}

fn assert_close(got: f64, expected: f64, what: &str) {
    let tolerance = 1e-9 * expected.abs().max(1e-300);
    assert!(
        (got - expected).abs() <= tolerance,
        "{what}: got {got}, expected {expected}"
    );
}

/// Two-pass sums of squared deviations: Sxx, Syy, Sxy and the means.
struct Moments {
    n: f64,
    mean_x: f64,
    mean_y: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
}

fn moments(pairs: &[(f64, f64)]) -> Moments {
    let n = pairs.len() as f64;
    let mean_y = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_x = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let sum = |f: &dyn Fn(f64, f64) -> f64| pairs.iter().map(|&(y, x)| f(y, x)).sum::<f64>();
    Moments {
        n,
        mean_x,
        mean_y,
        sxx: sum(&|_, x| (x - mean_x).powi(2)),
        syy: sum(&|y, _| (y - mean_y).powi(2)),
        sxy: sum(&|y, x| (x - mean_x) * (y - mean_y)),
    }
}

fn weather() -> Vec<BTreeMap<String, String>> {
    csv_rows("seattle-weather.csv")
}

fn value(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column].parse().expect("a number in the CSV")
}

#[tokio::test]
async fn statistics_match_formulas_computed_from_the_file() {
    let app = TestApp::new().await;
    let mut by_weather: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for r in weather() {
        let pair = (value(&r, "temp_max"), value(&r, "temp_min"));
        by_weather
            .entry(r["weather"].clone())
            .or_default()
            .push(pair);
    }
    let selection = "weather, stddev_pop(temp_max), stddev_samp(temp_max), \
                     regr_slope(temp_max, temp_min), regr_intercept(temp_max, temp_min), \
                     regr_r2(temp_max, temp_min)";
    let reply = app
        .get(&format!(
            "/resource/seat-wthr.json?$select={}&$group=weather&$order=weather",
            q(selection)
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.header("x-soda2-types"),
        r#"["text","number","number","number","number","number"]"#
    );
    let got = reply.json().as_array().expect("rows").clone();
    assert_eq!(got.len(), by_weather.len());
    for (row, (weather, pairs)) in got.iter().zip(&by_weather) {
        assert_eq!(text(row, "weather"), Some(weather.as_str()));
        let m = moments(pairs);
        let slope = m.sxy / m.sxx;
        let expected = [
            ("stddev_pop_temp_max", (m.syy / m.n).sqrt()),
            ("stddev_samp_temp_max", (m.syy / (m.n - 1.0)).sqrt()),
            ("regr_slope_temp_max_temp_min", slope),
            (
                "regr_intercept_temp_max_temp_min",
                m.mean_y - slope * m.mean_x,
            ),
            ("regr_r2_temp_max_temp_min", m.sxy * m.sxy / (m.sxx * m.syy)),
        ];
        for (field, expected) in expected {
            let got = number(row, field).unwrap_or_else(|| panic!("{weather}: no {field}"));
            assert_close(got, expected, &format!("{weather} {field}"));
        }
    }
}

#[tokio::test]
async fn statistics_over_the_whole_file_and_inside_expressions() {
    let app = TestApp::new().await;
    let pairs: Vec<(f64, f64)> = weather()
        .iter()
        .map(|r| (value(r, "wind"), value(r, "precipitation")))
        .collect();
    let m = moments(&pairs);
    let got = select(
        &app,
        "seat-wthr",
        &format!(
            "$select={}",
            q("stddev_samp(wind) * 2 AS twice, regr_slope(wind, precipitation) AS slope")
        ),
    )
    .await;
    assert_eq!(got.len(), 1);
    assert_close(
        number(&got[0], "twice").unwrap(),
        2.0 * (m.syy / (m.n - 1.0)).sqrt(),
        "twice",
    );
    assert_close(number(&got[0], "slope").unwrap(), m.sxy / m.sxx, "slope");
}

#[tokio::test]
async fn statistics_are_null_where_they_are_undefined() {
    let app = TestApp::new().await;
    // One day: no sample deviation and no line through a single point.
    let got = select(
        &app,
        "seat-wthr",
        &format!(
            "$select={}&$where={}",
            q("stddev_pop(wind) AS pop, stddev_samp(wind) AS samp, \
               regr_slope(wind, temp_min) AS slope, regr_r2(wind, temp_min) AS r2, count(*) AS n"),
            q("date = '2012-01-01'")
        ),
    )
    .await;
    assert_eq!(got, vec![serde_json::json!({ "pop": "0", "n": "1" })]);
    // As in Postgres: a constant y is fitted perfectly, a constant x not at all.
    let got = select(
        &app,
        "seat-wthr",
        &format!(
            "$select={}",
            q(
                "regr_r2(1, temp_min) AS flat, regr_r2(temp_min, 1) AS vertical, \
               regr_slope(1, temp_min) AS slope"
            )
        ),
    )
    .await;
    assert_eq!(got, vec![serde_json::json!({ "flat": "1", "slope": "0" })]);
}

#[tokio::test]
async fn statistics_are_refused_outside_aggregation() {
    let app = TestApp::new().await;
    let cases = [
        (
            format!("$where={}", q("stddev_pop(wind) > 1")),
            "query.soql.aggregate-in-ungrouped-context",
        ),
        (
            format!("$select={}", q("weather, regr_slope(wind, temp_min)")),
            "query.soql.column-not-in-group-bys",
        ),
        (
            format!("$select={}", q("regr_r2(wind, weather)")),
            "query.soql.type-mismatch",
        ),
    ];
    for (params, code) in cases {
        let reply: Reply = app.get(&format!("/resource/seat-wthr.json?{params}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{params}");
        assert_eq!(reply.json()["code"], code, "{params}");
    }
}

/// SQL's `substring`: characters `start ..` (from 1), `length` of them;
/// positions before the first character count but yield nothing.
fn sql_substring(text: &str, start: i64, length: Option<i64>) -> String {
    let end = length.map(|l| start + l);
    (1..)
        .zip(text.chars())
        .filter(|&(at, _)| at >= start && end.is_none_or(|end| at < end))
        .map(|(_, c)| c)
        .collect()
}

#[tokio::test]
async fn text_functions_on_real_rows() {
    let app = TestApp::new().await;
    let file = csv_rows("la-riots.csv");
    let selection = "last_name, age, substring(last_name, 2, 3) AS mid, \
                     substring(last_name, 3) AS tail, substring(last_name, 0, 3) AS early, \
                     substring(last_name, age / 10, 2) AS by_age, \
                     replace(neighborhood, ' ', '_') AS joined, neighborhood, \
                     unaccent(replace(replace(last_name, 'a', 'á'), 'o', 'ø')) AS bare, \
                     replace(last_name, 'a', 'á') AS accented";
    let got = select(
        &app,
        "lari-1992",
        &format!("$select={}&$order=last_name,age", q(selection)),
    )
    .await;
    assert_eq!(got.len(), file.len());
    let mut names: Vec<&str> = got.iter().map(|r| text(r, "last_name").unwrap()).collect();
    let mut expected_names: Vec<&str> = file.iter().map(|r| r["last_name"].as_str()).collect();
    names.sort_unstable();
    expected_names.sort_unstable();
    assert_eq!(names, expected_names);

    let mut accented = 0;
    for row in &got {
        let name = text(row, "last_name").unwrap();
        assert_eq!(text(row, "mid").unwrap(), sql_substring(name, 2, Some(3)));
        assert_eq!(text(row, "tail").unwrap(), sql_substring(name, 3, None));
        assert_eq!(text(row, "early").unwrap(), sql_substring(name, 0, Some(3)));
        // A fractional start rounds half away from zero: age 25 starts at 3.
        let by_age = number(row, "age").map(|age| {
            let start = (age / 10.0).round() as i64;
            sql_substring(name, start, Some(2))
        });
        assert_eq!(text(row, "by_age").map(str::to_string), by_age, "{name}");
        let neighborhood = text(row, "neighborhood").unwrap();
        assert_eq!(text(row, "joined").unwrap(), neighborhood.replace(' ', "_"));
        assert_eq!(
            text(row, "bare").unwrap(),
            name,
            "unaccent undoes the accents"
        );
        let with_accents = text(row, "accented").unwrap();
        assert_eq!(with_accents, name.replace('a', "á"));
        accented += usize::from(with_accents != name);
    }
    assert!(accented > 10, "enough names had an `a` to accent");

    let got = select(
        &app,
        "lari-1992",
        &format!(
            "$select={}&$limit=1",
            q("unaccent('Sainte-Thérèse, Québec; Łódź; Straße') AS place")
        ),
    )
    .await;
    assert_eq!(
        text(&got[0], "place"),
        Some("Sainte-Therese, Quebec; Lodz; Strasse")
    );
}

#[tokio::test]
async fn comparisons_and_logarithms_on_real_rows() {
    let app = TestApp::new().await;
    let file: BTreeMap<String, BTreeMap<String, String>> = weather()
        .into_iter()
        .map(|r| (format!("{}T00:00:00.000", r["date"]), r))
        .collect();
    let selection = "date, greatest(temp_max, temp_min, wind) AS high, \
                     least(temp_max, temp_min, precipitation) AS low, \
                     nullif(precipitation, 0) AS wet, nullif(weather, 'sun') AS not_sunny, \
                     ln(precipitation) AS ln_rain, ln(temp_min) AS ln_cold, \
                     greatest(date, '2015-01-01') AS from_2015, least(weather, 'm') AS early";
    let got = select(
        &app,
        "seat-wthr",
        &format!("$select={}&$limit=5000", q(selection)),
    )
    .await;
    assert_eq!(got.len(), file.len());
    let (mut dry, mut freezing) = (0, 0);
    for row in &got {
        let date = text(row, "date").unwrap();
        let r = &file[date];
        let [max, min, wind, rain] =
            ["temp_max", "temp_min", "wind", "precipitation"].map(|c| value(r, c));
        assert_eq!(number(row, "high"), Some(max.max(min).max(wind)), "{date}");
        assert_eq!(number(row, "low"), Some(max.min(min).min(rain)), "{date}");
        assert_eq!(number(row, "wet"), (rain != 0.0).then_some(rain), "{date}");
        let weather = r["weather"].as_str();
        assert_eq!(
            text(row, "not_sunny"),
            (weather != "sun").then_some(weather)
        );
        for (field, x) in [("ln_rain", rain), ("ln_cold", min)] {
            match number(row, field) {
                Some(got) => assert_close(got, x.ln(), &format!("{date} {field}")),
                None => assert!(x <= 0.0, "{date}: ln({x}) is missing"),
            }
        }
        dry += usize::from(rain == 0.0);
        freezing += usize::from(min <= 0.0);
        let later = if date < "2015-01-01" {
            "2015-01-01T00:00:00.000"
        } else {
            date
        };
        assert_eq!(text(row, "from_2015"), Some(later));
        assert_eq!(text(row, "early"), Some(weather.min("m")));
    }
    assert!(
        dry > 100 && freezing > 10,
        "{dry} dry and {freezing} freezing days"
    );
}

#[tokio::test]
async fn odd_arguments_answer_null_or_a_client_error() {
    let app = TestApp::new().await;
    // Over no rows every statistic is null, and nulls are left out.
    let statistics = "stddev_pop(wind), stddev_samp(wind), regr_slope(wind, temp_min), \
                      regr_intercept(wind, temp_min), regr_r2(wind, temp_min), count(*)";
    let got = select(
        &app,
        "seat-wthr",
        &format!("$select={}&$where={}", q(statistics), q("wind < 0")),
    )
    .await;
    assert_eq!(got, vec![serde_json::json!({ "count": "0" })]);

    let odd = "last_name, ln(0) AS zero, ln(-1) AS negative, ln(null) AS nothing, \
               unaccent(null) AS bare, nullif(null, null) AS neither, greatest(null, null) AS most, \
               replace(last_name, '', 'x') AS same, substring(last_name, 100) AS past, \
               substring(last_name, -5, 2) AS before";
    let got = select(
        &app,
        "lari-1992",
        &format!("$select={}&$order=last_name&$limit=1", q(odd)),
    )
    .await;
    let name = text(&got[0], "last_name").unwrap();
    assert_eq!(
        got[0],
        serde_json::json!({ "last_name": name, "same": name, "past": "", "before": "" })
    );

    // As in Postgres, a negative length or a position past 64 bits is an
    // error; here it is the client's, never the server's.
    for select in ["substring(last_name, 1, -1)", "substring(last_name, 1e30)"] {
        let reply = app
            .get(&format!("/resource/lari-1992.json?$select={}", q(select)))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{select}: {}",
            reply.body
        );
        assert_eq!(reply.json()["code"], "query.execution.failed", "{select}");
    }
}
