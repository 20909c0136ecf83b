//! The SODA read API, checked against values computed from the sample CSVs.

use std::collections::{BTreeMap, HashSet};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

use crate::support::{TestApp, nypd, q, sample_path};

fn count_where(
    rows: &[BTreeMap<String, String>],
    f: impl Fn(&BTreeMap<String, String>) -> bool,
) -> usize {
    rows.iter().filter(|r| f(r)).count()
}

fn rows(reply: &crate::support::Reply) -> Vec<Value> {
    reply.json().as_array().expect("an array of rows").clone()
}

#[tokio::test]
async fn count_star_matches_the_file() {
    let app = TestApp::new().await;
    let reply = app
        .get(&format!(
            "/resource/nypd-hate.json?$select={}",
            q("count(*)")
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        rows(&reply),
        vec![serde_json::json!({ "count": nypd().len().to_string() })]
    );
    assert_eq!(reply.header("x-soda2-types"), r#"["number"]"#);
}

#[tokio::test]
async fn grouped_counts_match_the_file() {
    let app = TestApp::new().await;
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for r in nypd() {
        *expected.entry(r["County"].clone()).or_default() += 1;
    }
    let reply = app
        .get(&format!(
            "/resource/nypd-hate.json?$select={}&$group=county&$order=county",
            q("county, count(*) AS n")
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let got: BTreeMap<String, usize> = rows(&reply)
        .iter()
        .map(|r| {
            (
                r["county"].as_str().expect("county").to_string(),
                r["n"].as_str().expect("n as a string").parse().expect("n"),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn where_filters_match_the_file() {
    let app = TestApp::new().await;
    let data = nypd();
    let cases: Vec<(&str, usize)> = vec![
        (
            "complaint_year_number >= 2022",
            count_where(&data, |r| {
                r["Complaint Year Number"].parse::<i64>().unwrap() >= 2022
            }),
        ),
        (
            "county = 'KINGS' and law_code_category_description = 'FELONY'",
            count_where(&data, |r| {
                r["County"] == "KINGS" && r["Law Code Category Description"] == "FELONY"
            }),
        ),
        (
            "county in ('BRONX', 'RICHMOND')",
            count_where(&data, |r| {
                r["County"] == "BRONX" || r["County"] == "RICHMOND"
            }),
        ),
        (
            "month_number between 3 and 5",
            count_where(&data, |r| {
                (3..=5).contains(&r["Month Number"].parse::<i64>().unwrap())
            }),
        ),
        (
            "bias_motive_description like 'ANTI-%'",
            count_where(&data, |r| r["Bias Motive Description"].starts_with("ANTI-")),
        ),
        (
            "starts_with(offense_description, 'ASSAULT')",
            count_where(&data, |r| r["Offense Description"].starts_with("ASSAULT")),
        ),
        (
            "lower(county) = 'queens'",
            count_where(&data, |r| r["County"] == "QUEENS"),
        ),
        (
            "not (county = 'KINGS' or county = 'QUEENS')",
            count_where(&data, |r| r["County"] != "KINGS" && r["County"] != "QUEENS"),
        ),
        ("arrest_date is null", data.len()),
        ("arrest_date is not null", 0),
        (
            "record_create_date >= '2023-01-01'",
            count_where(&data, |r| {
                let d = &r["Record Create Date"];
                d[6..10].parse::<i32>().unwrap() >= 2023
            }),
        ),
    ];
    for (condition, expected) in cases {
        let reply = app
            .get(&format!(
                "/resource/nypd-hate.json?$select={}&$where={}",
                q("count(*)"),
                q(condition)
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{condition}: {}", reply.body);
        assert_eq!(
            rows(&reply)[0]["count"],
            Value::String(expected.to_string()),
            "{condition}"
        );
    }
}

#[tokio::test]
async fn simple_filters_and_full_text_search() {
    let app = TestApp::new().await;
    let data = nypd();
    let reply = app
        .get("/resource/nypd-hate.json?county=KINGS&$limit=5000")
        .await;
    assert_eq!(
        rows(&reply).len(),
        count_where(&data, |r| r["County"] == "KINGS")
    );

    let reply = app
        .get("/resource/nypd-hate.json?complaint_year_number=2021&$limit=5000")
        .await;
    assert_eq!(
        rows(&reply).len(),
        count_where(&data, |r| r["Complaint Year Number"] == "2021")
    );

    let expected = count_where(&data, |r| {
        let terms = ["anti-jewish", "kings"];
        terms
            .iter()
            .all(|t| r.values().any(|v| v.to_lowercase().contains(t)))
    });
    let reply = app
        .get(&format!(
            "/resource/nypd-hate.json?$q={}&$limit=5000",
            q("Anti-Jewish KINGS")
        ))
        .await;
    assert_eq!(rows(&reply).len(), expected);
    assert!(expected > 0);
}

#[tokio::test]
async fn having_and_aliases() {
    let app = TestApp::new().await;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in nypd() {
        *counts.entry(r["County"].clone()).or_default() += 1;
    }
    let mut expected: Vec<(String, usize)> = counts.into_iter().filter(|(_, n)| *n > 400).collect();
    expected.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let reply = app
        .get(&format!(
            "/resource/nypd-hate.json?$select={}&$group=county&$having={}&$order={}",
            q("county, count(*)"),
            q("count > 400"),
            q("count DESC")
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let got: Vec<(String, usize)> = rows(&reply)
        .iter()
        .map(|r| {
            (
                r["county"].as_str().unwrap().to_string(),
                r["count"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn paging_without_order_is_stable_and_signals_the_next_page() {
    let app = TestApp::new().await;
    let total = nypd().len();
    let mut seen = HashSet::new();
    let mut offset = 0;
    loop {
        let reply = app
            .get(&format!(
                "/resource/nypd-hate.json?$select=:id,county&$limit=500&$offset={offset}"
            ))
            .await;
        let page = rows(&reply);
        for r in &page {
            assert!(
                seen.insert(r[":id"].as_str().unwrap().to_string()),
                "a row came twice"
            );
        }
        let link = reply.header("link");
        if offset + 500 < total {
            // The next page starts after this page's last `:id`.
            assert!(link.contains("%24%24cursor="), "{link}");
            assert!(!link.contains("%24offset"), "{link}");
            assert!(link.ends_with("rel=\"next\""), "{link}");
        } else {
            assert_eq!(link, "", "no next page after the last");
            break;
        }
        offset += 500;
    }
    assert_eq!(seen.len(), total);
}

/// The path and query of a `Link: <…>; rel="next"` header, if any.
fn next_link(reply: &crate::support::Reply) -> Option<String> {
    let link = reply.header("link");
    let url = link.strip_prefix('<')?.split_once(">; rel=\"next\"")?.0;
    Some(
        url.strip_prefix("http://localhost")
            .unwrap_or(url)
            .to_string(),
    )
}

#[tokio::test]
async fn following_the_links_visits_every_matching_row_once_in_id_order() {
    let app = TestApp::new().await;
    let expected = count_where(&nypd(), |r| r["County"] == "KINGS");
    assert!(expected > 300, "several pages of KINGS rows");
    let mut next = Some(
        "/resource/nypd-hate.json?$select=:id,county&$where=county%3D%27KINGS%27&$limit=100&$offset=50"
            .to_string(),
    );
    let mut ids: Vec<i64> = Vec::new();
    let mut pages = 0;
    while let Some(uri) = next {
        let reply = app.get(&uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
        for r in rows(&reply) {
            assert_eq!(r["county"], "KINGS");
            ids.push(r[":id"].as_str().unwrap().parse().unwrap());
        }
        next = next_link(&reply);
        if let Some(link) = &next {
            assert!(
                link.contains("%24%24cursor=") && !link.contains("%24offset"),
                "{link}"
            );
        }
        pages += 1;
    }
    // The first page skipped 50 rows; every later page came by cursor.
    assert_eq!(ids.len(), expected - 50);
    assert_eq!(pages, (expected - 50).div_ceil(100));
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids strictly increase");

    // The same rows by offset paging, for comparison.
    let all = app
        .get("/resource/nypd-hate.json?$select=:id&$where=county%3D%27KINGS%27&$limit=5000")
        .await;
    let by_offset: Vec<i64> = rows(&all)
        .iter()
        .map(|r| r[":id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids, by_offset[50..]);
}

#[tokio::test]
async fn cursors_are_refused_where_they_cannot_apply() {
    let app = TestApp::new().await;
    for (uri, says) in [
        ("/resource/nypd-hate.json?$$cursor=nonsense", "not a cursor"),
        (
            "/resource/nypd-hate.json?$$cursor=k10&$offset=5",
            "drop $offset",
        ),
        (
            "/resource/nypd-hate.json?$$cursor=k10&$select=county,count(*)&$group=county",
            "without aggregation or DISTINCT",
        ),
        (
            "/resource/nypd-hate.json?$$cursor=k10&$select=DISTINCT%20county",
            "without aggregation or DISTINCT",
        ),
        (
            "/resource/nypd-hate.json?$$cursor=k10&$query=SELECT%20county",
            "drop $offset",
        ),
    ] {
        let reply = app.get(uri).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            reply.body
        );
        let body = reply.json();
        assert_eq!(body["data"]["parameter"], "$$cursor", "{uri}");
        assert!(
            body["message"].as_str().unwrap().contains(says),
            "{uri}: {}",
            body["message"]
        );
    }
    // A cursor past the last row is an empty page, not an error.
    let reply = app
        .get("/resource/nypd-hate.json?$$cursor=kfffffff&$select=:id")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(rows(&reply).len(), 0);
    assert_eq!(reply.header("link"), "");
}

/// Each row's `:id`, as the number it is.
fn ids(reply: &crate::support::Reply) -> Vec<i64> {
    rows(reply)
        .iter()
        .map(|r| r[":id"].as_str().expect(":id").parse().expect("a number"))
        .collect()
}

#[tokio::test]
async fn a_cursor_continues_any_order_after_its_row() {
    let app = TestApp::new().await;
    let all = app
        .get("/resource/nypd-hate.json?$select=:id&$order=county&$limit=5000")
        .await;
    let in_order = ids(&all);
    let at = in_order.iter().position(|id| *id == 10).expect("row 10");
    let reply = app
        .get(&format!(
            "/resource/nypd-hate.json?$select=:id&$order=county&$limit=5&$$cursor={}",
            web::soda::params::cursor(10)
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(ids(&reply), in_order[at + 1..at + 6]);
}

/// `MM/DD/YYYY` from the CSV as SODA writes a floating timestamp.
fn floating(date: &str) -> String {
    let parts: Vec<&str> = date.split('/').collect();
    format!("{}-{}-{}T00:00:00.000", parts[2], parts[0], parts[1])
}

#[tokio::test]
async fn following_the_links_in_any_order_visits_every_row_once_in_that_order() {
    let app = TestApp::new().await;
    // Each file row as `:id` (its place in the file), county, creation date
    // and arrest id (often empty).
    let file: Vec<(i64, String, String, Option<String>)> = nypd()
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let arrest = Some(r["Arrest Id"].clone()).filter(|a| !a.is_empty());
            let date = floating(&r["Record Create Date"]);
            (i as i64 + 1, r["County"].clone(), date, arrest)
        })
        .collect();

    // County descending, then date; `:id` breaks ties.
    let mut by_county = file.clone();
    by_county.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
    // Early months only; arrest ids ascending with nulls last, ties by `:id`
    // descending.
    let mut by_arrest: Vec<_> = file
        .iter()
        .zip(nypd())
        .filter(|(_, r)| r["Month Number"].parse::<u32>().expect("a month") < 4)
        .map(|(row, _)| row.clone())
        .collect();
    by_arrest.sort_by(|a, b| {
        let nulls_last = (a.3.is_none(), &a.3).cmp(&(b.3.is_none(), &b.3));
        nulls_last.then(b.0.cmp(&a.0))
    });

    for (query, offset, expected) in [
        (
            format!("$order={}", q("county DESC, record_create_date")),
            30,
            by_county,
        ),
        (
            format!(
                "$order={}&$where={}",
                q("arrest_id, :id DESC"),
                q("month_number < 4")
            ),
            0,
            by_arrest,
        ),
    ] {
        assert!(expected.len() > 300, "{query}: several pages");
        let mut next = Some(format!(
            "/resource/nypd-hate.json?$select=:id,county,record_create_date,arrest_id&{query}&$limit=100&$offset={offset}"
        ));
        let mut walked = Vec::new();
        let mut pages = 0;
        while let Some(uri) = next {
            let reply = app.get(&uri).await;
            assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
            for r in rows(&reply) {
                let text = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
                walked.push((
                    text(":id").expect(":id").parse::<i64>().expect("a number"),
                    text("county").expect("county"),
                    text("record_create_date").expect("date"),
                    text("arrest_id"),
                ));
            }
            next = next_link(&reply);
            if let Some(link) = &next {
                // Later pages start after a row, never at an offset, in the
                // order asked for.
                assert!(link.contains("%24%24cursor="), "{link}");
                assert!(!link.contains("%24offset"), "{link}");
                assert!(link.contains("%24order="), "{link}");
            }
            pages += 1;
        }
        assert_eq!(walked, expected[offset..], "{query}");
        assert_eq!(pages, (expected.len() - offset).div_ceil(100), "{query}");
    }
}

#[tokio::test]
async fn a_cursor_after_a_row_that_is_gone_is_refused() {
    let app = TestApp::new().await;
    let rows = nypd().len() as i64;
    for missing in [0, rows + 1, 1 << 40] {
        let uri = format!(
            "/resource/nypd-hate.json?$order=county&$$cursor={}",
            web::soda::params::cursor(missing)
        );
        let reply = app.get(&uri).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            reply.body
        );
        let body = reply.json();
        assert_eq!(body["data"]["parameter"], "$$cursor", "{uri}");
        let message = body["message"].as_str().expect("a message");
        assert!(message.contains("first page"), "{uri}: {message}");
    }
}

#[tokio::test]
async fn json_encoding_follows_soda() {
    let app = TestApp::new().await;
    let first = &nypd()[0];
    let reply = app.get("/resource/nypd-hate.json?$limit=1").await;
    let row = &rows(&reply)[0];
    // 15-digit ids stay exact, as strings.
    assert_eq!(
        row["full_complaint_id"],
        Value::String(first["Full Complaint ID"].clone())
    );
    // Null keys are left out.
    assert!(row.get("arrest_date").is_none());
    // Floating timestamps with milliseconds and no zone.
    let (m, d, y) = {
        let parts: Vec<&str> = first["Record Create Date"].split('/').collect();
        (
            parts[0].to_string(),
            parts[1].to_string(),
            parts[2].to_string(),
        )
    };
    assert_eq!(
        row["record_create_date"],
        Value::String(format!("{y}-{m}-{d}T00:00:00.000"))
    );
    assert_eq!(
        reply.header("content-type"),
        "application/json;charset=utf-8"
    );
    assert_eq!(reply.header("access-control-allow-origin"), "*");
    let fields: Vec<String> = serde_json::from_str(reply.header("x-soda2-fields")).unwrap();
    assert_eq!(fields[0], "full_complaint_id");
    assert!(!reply.header("last-modified").is_empty());
}

#[tokio::test]
async fn csv_and_geojson_outputs() {
    let app = TestApp::new().await;
    let reply = app.get("/resource/lari-1992.csv?$limit=100").await;
    assert_eq!(reply.header("content-type"), "text/csv; charset=utf-8");
    let mut lines = reply.body.lines();
    assert_eq!(
        lines.next().unwrap(),
        "first_name,last_name,age,gender,race,death_date,address,neighborhood,type,longitude,latitude,location"
    );
    assert_eq!(lines.count(), 63);

    let mut reader = csv::Reader::from_path(sample_path("la-riots.csv")).unwrap();
    let first = reader.records().next().unwrap().unwrap();
    let reply = app.get("/resource/lari-1992.geojson").await;
    assert_eq!(
        reply.header("content-type"),
        "application/vnd.geo+json;charset=utf-8"
    );
    let doc = reply.json();
    assert_eq!(doc["type"], "FeatureCollection");
    let features = doc["features"].as_array().unwrap();
    assert_eq!(features.len(), 63);
    let coordinates = &features[0]["geometry"]["coordinates"];
    assert_eq!(
        coordinates[0].as_f64().unwrap(),
        first[9].parse::<f64>().unwrap()
    );
    assert_eq!(
        coordinates[1].as_f64().unwrap(),
        first[10].parse::<f64>().unwrap()
    );
    assert_eq!(features[0]["properties"]["last_name"], first[1]);

    let request = Request::get("/resource/lari-1992?$limit=2")
        .header("accept", "text/csv")
        .body(Body::empty())
        .unwrap();
    let reply = app.request(request).await;
    assert_eq!(reply.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(reply.body.lines().count(), 3);
}

#[tokio::test]
async fn full_downloads_are_never_cut() {
    let app = TestApp::new().await;
    let reply = app.get("/api/views/nypd-hate/rows.csv").await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(reply.body.as_bytes());
    assert_eq!(reader.records().count(), nypd().len());
    let reply = app.get("/api/views/nypd-hate/rows.json").await;
    assert_eq!(rows(&reply).len(), nypd().len());
}

#[tokio::test]
async fn conditional_requests_answer_304() {
    let app = TestApp::new().await;
    let reply = app.get("/resource/nypd-hate.json?$limit=3").await;
    let etag = reply.header("etag").to_string();
    assert!(etag.starts_with("W/\"nypd-hate-v1-"), "{etag}");
    let request = Request::get("/resource/nypd-hate.json?$limit=3")
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    let reply = app.request(request).await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    let other = app.get("/resource/nypd-hate.json?$limit=4").await;
    assert_ne!(other.header("etag"), etag);
}

#[tokio::test]
async fn errors_name_the_parameter_and_the_position() {
    let app = TestApp::new().await;
    let reply = app
        .get(&format!(
            "/resource/nypd-hate.json?$where={}",
            q("county = 'KINGS' and countyy = 'X'")
        ))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let body = reply.json();
    assert_eq!(body["code"], "query.soql.no-such-column");
    assert_eq!(body["error"], true);
    assert_eq!(body["data"]["parameter"], "$where");
    assert_eq!(body["data"]["position"]["line"], 1);
    assert_eq!(body["data"]["position"]["column"], 22);

    let cases = [
        (
            "/resource/nypd-hate.json?$select=count(",
            400,
            "query.soql.unexpected-eof",
        ),
        (
            "/resource/nypd-hate.json?$where=county%20%3D%205",
            400,
            "query.soql.type-mismatch",
        ),
        (
            "/resource/nypd-hate.json?$limit=50001",
            400,
            "req.row-limit-exceeded",
        ),
        (
            "/resource/nypd-hate.json?$limit=ten",
            400,
            "req.bad-parameter",
        ),
        (
            "/resource/nypd-hate.json?$frobnicate=1",
            400,
            "req.bad-parameter",
        ),
        (
            "/resource/nypd-hate.json?no_such_field=1",
            400,
            "query.soql.no-such-column",
        ),
        (
            "/resource/zzzz-9999.json",
            404,
            "query.dataset.does-not-exist",
        ),
        ("/resource/nypd-hate.xml", 404, "req.format.unsupported"),
    ];
    for (uri, status, code) in cases {
        let reply = app.get(uri).await;
        assert_eq!(reply.status.as_u16(), status, "{uri}: {}", reply.body);
        assert_eq!(reply.json()["code"], code, "{uri}");
    }
}

#[tokio::test]
async fn views_and_catalog_speak_socrata() {
    let app = TestApp::new().await;
    let reply = app.get("/api/views/nypd-hate.json").await;
    assert_eq!(reply.header("access-control-allow-origin"), "*");
    let view = reply.json();
    assert_eq!(view["id"], "nypd-hate");
    assert_eq!(view["name"], "NYPD Hate Crimes");
    assert_eq!(view["category"], "Public Safety");
    let columns = view["columns"].as_array().unwrap();
    assert_eq!(columns.len(), 14);
    assert_eq!(columns[3]["fieldName"], "record_create_date");
    assert_eq!(columns[3]["name"], "Record Create Date");
    assert_eq!(columns[3]["dataTypeName"], "floating_timestamp");

    let found = app.get("/api/catalog/v1?q=hate").await.json();
    assert_eq!(found["resultSetSize"], 1);
    assert_eq!(found["results"][0]["resource"]["id"], "nypd-hate");
    let fields = found["results"][0]["resource"]["columns_field_name"]
        .as_array()
        .unwrap();
    assert!(fields.iter().any(|f| f == "county"));
    assert_eq!(
        found["results"][0]["classification"]["domain_category"],
        "Public Safety"
    );
    assert_eq!(
        found["results"][0]["classification"]["domain_metadata"][0],
        serde_json::json!({ "key": "Department", "value": "Police" })
    );

    let history = app.get("/api/catalog/v1?categories=History").await.json();
    assert_eq!(history["resultSetSize"], 1);
    assert_eq!(history["results"][0]["resource"]["id"], "lari-1992");

    let works = app
        .get("/api/catalog/v1?department=Public%20Works")
        .await
        .json();
    assert_eq!(works["results"][0]["resource"]["id"], "seat-wthr");

    let all = app.get("/api/catalog/v1?limit=2&offset=1").await.json();
    assert_eq!(all["resultSetSize"], 3);
    assert_eq!(all["results"].as_array().unwrap().len(), 2);

    let either = app
        .get("/api/catalog/v1?categories=History&categories=Environment&order=name")
        .await
        .json();
    let ids: Vec<&str> = either["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resource"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["lari-1992", "seat-wthr"], "Deaths… before Seattle…");
    let by_name_desc = app.get("/api/catalog/v1?order=name%20DESC").await.json();
    assert_eq!(by_name_desc["results"][0]["resource"]["id"], "seat-wthr");
    let bad_order = app.get("/api/catalog/v1?order=colour").await;
    assert_eq!(bad_order.status, StatusCode::BAD_REQUEST);

    let by_column = app.get("/api/catalog/v1?q=precipitation").await.json();
    assert_eq!(by_column["results"][0]["resource"]["id"], "seat-wthr");
}

#[tokio::test]
async fn repeated_queries_answer_the_same_from_the_cache() {
    let app = TestApp::new().await;
    let uri = format!(
        "/resource/nypd-hate.json?$where={}&$limit=10",
        q("county='BRONX'")
    );
    let first = app.get(&uri).await;
    let second = app.get(&uri).await;
    assert_eq!(first.body, second.body);
    assert_eq!(first.header("link"), second.header("link"));
    assert!(second.header("link").contains("%24%24cursor="));
    assert_eq!(
        first.header("x-soda2-fields"),
        second.header("x-soda2-fields")
    );

    let uncached = TestApp::with_settings(web::Settings {
        query_cache_mb: 0,
        ..web::Settings::default()
    })
    .await;
    assert_eq!(uncached.get(&uri).await.body, first.body);
}

#[tokio::test]
async fn nulls_sort_last_ascending_and_first_descending() {
    let app = TestApp::new().await;
    let mut reader = csv::Reader::from_path(sample_path("la-riots.csv")).unwrap();
    let mut ages: Vec<u32> = reader
        .records()
        .filter_map(|r| r.unwrap()[2].parse().ok())
        .collect();
    ages.sort();

    let up = rows(
        &app.get("/resource/lari-1992.json?$select=age&$order=age")
            .await,
    );
    assert_eq!(up.len(), ages.len() + 1);
    assert_eq!(up[0]["age"], Value::String(ages[0].to_string()));
    assert!(
        up.last().unwrap().get("age").is_none(),
        "the null age comes last"
    );

    let down = rows(
        &app.get(&format!(
            "/resource/lari-1992.json?$select=age&$order={}",
            q("age DESC")
        ))
        .await,
    );
    assert!(down[0].get("age").is_none(), "the null age comes first");
    assert_eq!(
        down[1]["age"],
        Value::String(ages.last().unwrap().to_string())
    );
}

/// A decimal with at most one fraction digit, in tenths.
fn tenths(text: &str) -> i64 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    whole.parse::<i64>().unwrap() * 10 + sign * fraction.parse::<i64>().unwrap()
}

fn from_tenths(n: i64) -> String {
    let (whole, fraction) = (n / 10, (n % 10).abs());
    let sign = if n < 0 && whole == 0 { "-" } else { "" };
    if fraction == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

#[tokio::test]
async fn aggregates_are_exact() {
    let app = TestApp::new().await;
    let mut reader = csv::Reader::from_path(sample_path("seattle-weather.csv")).unwrap();
    let mut by_weather: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for r in reader.records() {
        let r = r.unwrap();
        by_weather
            .entry(r[5].to_string())
            .or_default()
            .push(tenths(&r[2]));
    }
    let reply = app
        .get(&format!(
            "/resource/seat-wthr.json?$select={}&$group=weather&$order=weather",
            q("weather, sum(temp_max), min(temp_max) AS coldest, max(temp_max), avg(temp_max), count(*) AS days")
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let got = rows(&reply);
    assert_eq!(got.len(), by_weather.len());
    for (row, (weather, values)) in got.iter().zip(&by_weather) {
        assert_eq!(row["weather"], Value::String(weather.clone()));
        let sum: i64 = values.iter().sum();
        assert_eq!(
            row["sum_temp_max"],
            Value::String(from_tenths(sum)),
            "{weather}"
        );
        assert_eq!(
            row["coldest"],
            Value::String(from_tenths(*values.iter().min().unwrap()))
        );
        assert_eq!(
            row["max_temp_max"],
            Value::String(from_tenths(*values.iter().max().unwrap()))
        );
        assert_eq!(row["days"], Value::String(values.len().to_string()));
        let avg: f64 = row["avg_temp_max"].as_str().unwrap().parse().unwrap();
        let expected = sum as f64 / 10.0 / values.len() as f64;
        assert!(
            (avg - expected).abs() < 1e-4,
            "{weather}: {avg} vs {expected}"
        );
    }
}

#[tokio::test]
async fn a_group_without_a_selection_names_the_selection() {
    let app = TestApp::new().await;
    let reply = app.get("/resource/nypd-hate.json?$group=county").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let body = reply.json();
    assert_eq!(body["code"], "query.soql.column-not-in-group-bys");
    assert_eq!(body["data"]["parameter"], "$select");
}

async fn post_json(app: &TestApp, uri: &str, body: &str) -> crate::support::Reply {
    // SODA3 stays open to callers without a token.
    let request = Request::post(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.request(request).await
}

#[tokio::test]
async fn soda3_queries_page_through_a_statement() {
    let app = TestApp::new().await;
    let data = nypd();
    let felonies: Vec<&BTreeMap<String, String>> = data
        .iter()
        .filter(|r| r["Law Code Category Description"] == "FELONY")
        .collect();
    let statement = "SELECT full_complaint_id WHERE law_code_category_description = 'FELONY'";

    let mut ids = Vec::new();
    for page in 1..=3 {
        let body = serde_json::json!({
            "query": statement,
            "page": { "pageNumber": page, "pageSize": 500 },
            "includeSynthetic": false,
        });
        let reply = post_json(
            &app,
            "/api/v3/views/nypd-hate/query.json",
            &body.to_string(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        for row in rows(&reply) {
            ids.push(row["full_complaint_id"].as_str().unwrap().to_string());
        }
    }
    let expected: Vec<String> = felonies
        .iter()
        .take(1500)
        .map(|r| r["Full Complaint ID"].clone())
        .collect();
    assert_eq!(
        ids, expected,
        "pages come in file order without gaps or repeats"
    );

    let synthetic = post_json(
        &app,
        "/api/v3/views/nypd-hate/query.json",
        r#"{"query": "SELECT *", "page": {"pageNumber": 1, "pageSize": 1}, "includeSynthetic": true}"#,
    )
    .await;
    assert_eq!(rows(&synthetic)[0][":id"], "1");

    let by_url = app
        .get(&format!(
            "/api/v3/views/nypd-hate/query.json?query={}&pageNumber=2&pageSize=500",
            q(statement)
        ))
        .await;
    let second: Vec<String> = rows(&by_url)
        .iter()
        .map(|r| r["full_complaint_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(second, expected[500..1000]);

    let export = app
        .get(&format!(
            "/api/v3/views/nypd-hate/export.csv?query={}",
            q(statement)
        ))
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(export.body.lines().count(), felonies.len() + 1);

    let bad = post_json(&app, "/api/v3/views/nypd-hate/query.json", "{not json").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["code"], "req.body.malformed-json");
    let misspelt = post_json(
        &app,
        "/api/v3/views/nypd-hate/query.json",
        r#"{"query": "SELECT countyy"}"#,
    )
    .await;
    assert_eq!(misspelt.json()["code"], "query.soql.no-such-column");
    assert_eq!(misspelt.json()["data"]["parameter"], "$query");
    assert_eq!(misspelt.json()["data"]["position"]["column"], 8);
}

#[tokio::test]
async fn one_row_by_its_id() {
    let app = TestApp::new().await;
    let data = nypd();
    let reply = app.get("/resource/nypd-hate/3.json").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let row = reply.json();
    assert_eq!(
        row["full_complaint_id"],
        Value::String(data[2]["Full Complaint ID"].clone())
    );
    for missing in [
        "/resource/nypd-hate/99999.json",
        "/resource/nypd-hate/abc.json",
    ] {
        let reply = app.get(missing).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(reply.json()["code"], "soda.row.not-found");
    }
}

#[tokio::test]
async fn preflights_limits_and_offsets() {
    let app = TestApp::with_settings(web::Settings {
        max_limit: 10,
        ..web::Settings::default()
    })
    .await;
    let preflight = Request::options("/resource/nypd-hate.json")
        .header("origin", "https://example.org")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-app-token")
        .body(Body::empty())
        .unwrap();
    let reply = app.request(preflight).await;
    assert!(reply.status.is_success(), "{}", reply.status);
    assert_eq!(reply.header("access-control-allow-origin"), "*");

    // With no $limit the page is as large as the maximum allows.
    let page = app.get("/resource/nypd-hate.json").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(rows(&page).len(), 10);
    // Rows in `:id` order: the next page starts after the 10th row's id.
    assert!(
        page.header("link")
            .contains(&format!("%24%24cursor={}", web::soda::params::cursor(10)))
    );
    // So do rows in any other order, which the link keeps.
    let ordered = app.get("/resource/nypd-hate.json?$order=county").await;
    let link = ordered.header("link");
    assert!(
        link.contains("%24%24cursor=") && !link.contains("%24offset"),
        "{link}"
    );
    assert!(link.contains("%24order=county"), "{link}");

    let far = app
        .get("/resource/nypd-hate.json?$offset=18446744073709551615")
        .await;
    assert_eq!(far.status, StatusCode::BAD_REQUEST);
    assert_eq!(far.json()["code"], "req.bad-parameter");
    let past_the_end = app.get("/resource/nypd-hate.json?$offset=1000000").await;
    assert_eq!(rows(&past_the_end).len(), 0);
}

#[tokio::test]
async fn a_query_statement_pages_by_its_link() {
    let app = TestApp::new().await;
    let data = nypd();
    let expected: Vec<String> = data
        .iter()
        .filter(|r| r["County"] == "KINGS")
        .map(|r| r["Full Complaint ID"].clone())
        .collect();
    let statement = "SELECT full_complaint_id WHERE county = 'KINGS' LIMIT 300";
    let mut uri = format!("/resource/nypd-hate.json?$query={}", q(statement));
    let mut ids = Vec::new();
    for _ in 0..10 {
        let reply = app.get(&uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
        ids.extend(
            rows(&reply)
                .iter()
                .map(|r| r["full_complaint_id"].as_str().unwrap().to_string()),
        );
        let link = reply.header("link").to_string();
        if link.is_empty() {
            break;
        }
        let next = link.trim_start_matches('<').split('>').next().unwrap();
        uri = next
            .split_once("://")
            .unwrap()
            .1
            .split_once('/')
            .map(|(_, p)| format!("/{p}"))
            .unwrap();
    }
    assert_eq!(ids, expected);
}
