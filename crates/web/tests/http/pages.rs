//! The portal's pages, checked against the sample CSVs: what a resident
//! sees on the home page, in search results and on a dataset's page.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::support::{Reply, TestApp, new_columns, nypd, q, sample_path};

/// The NYPD sample's columns in file order.
fn nypd_headers() -> Vec<String> {
    let mut reader = csv::Reader::from_path(sample_path("nypd_hate_crimes.csv")).expect("csv");
    reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect()
}

/// A CSV row as the page shows it: dates as `YYYY-MM-DD`.
fn as_shown(row: &BTreeMap<String, String>) -> Vec<String> {
    nypd_headers()
        .iter()
        .map(|h| {
            let v = &row[h];
            let parts: Vec<&str> = v.split('/').collect();
            match (h.as_str(), parts.as_slice()) {
                ("Record Create Date", [m, d, y]) => format!("{y}-{m}-{d}"),
                _ => v.clone(),
            }
        })
        .collect()
}

/// Entities minijinja writes, back to text.
fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text between `start` (after it) and the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in page"))
        + start.len();
    let len = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}`"));
    &html[from..from + len]
}

/// Text with its tags taken out.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(out.trim())
}

/// The cells of the data table's body, row by row.
fn data_rows(html: &str) -> Vec<Vec<String>> {
    let table = between(html, "<table class=\"data\"", "</table>");
    let body = between(table, "<tbody>", "</tbody>");
    body.split("<tr>")
        .skip(1)
        .map(|tr| {
            tr.split("<td")
                .skip(1)
                .map(|td| strip_tags(&format!("<td{}", td.split("</td>").next().unwrap_or(""))))
                .collect()
        })
        .collect()
}

/// A facet value's count in the list `list` (the part of the page after
/// `list`'s marker), or `None` when the value is not listed.
fn facet_count(html: &str, list: &str, value: &str) -> Option<i64> {
    let items = between(html, list, "</ul>");
    let marker = format!("<span class=\"facet-name\">{value}</span> <span class=\"count\">");
    let at = items.find(&marker)? + marker.len();
    items[at..].split('<').next()?.parse().ok()
}

/// The `href` of the link whose text starts with `text`.
fn href_of(html: &str, text: &str) -> Option<String> {
    html.split("<a ").skip(1).find_map(|a| {
        let (attributes, rest) = a.split_once('>')?;
        if !strip_tags(rest.split("</a>").next()?).starts_with(text) {
            return None;
        }
        let href = between(attributes, "href=\"", "\"");
        Some(unescape(href))
    })
}

async fn page(app: &TestApp, uri: &str) -> Reply {
    let reply = app.get(uri).await;
    assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
    assert!(
        reply.header("content-type").starts_with("text/html"),
        "{uri}"
    );
    reply
}

/// Publishes `n` small datasets, enough to need a second page of results.
async fn publish_many(app: &TestApp, n: usize) {
    for i in 0..n {
        let loaded = ingest::read_bytes(
            b"name,size\nfirst,1\nsecond,2\n",
            ingest::Format::Csv,
            &ingest::LoadOptions::default(),
        )
        .expect("tiny csv loads");
        let new = store::NewDataset {
            id: format!("tiny-{i:04}"),
            title: format!("Tiny table {i}"),
            department: "Finance".to_string(),
            meta: store::Metadata {
                topic: Some("Budget".to_string()),
                ..Default::default()
            },
            columns: new_columns(&loaded),
        };
        app.state
            .store
            .create_dataset(new, &loaded.schema, loaded.batches, chrono::Utc::now())
            .await
            .expect("tiny dataset publishes");
    }
}

#[tokio::test]
async fn home_lists_topics_departments_and_recent_datasets() {
    let app = TestApp::new().await;
    let reply = page(&app, "/").await;
    let html = &reply.body;

    assert!(html.contains("Civic") && html.contains("City of Aurora"));
    assert!(html.contains(r#"<form class="search" action="/browse" method="get" role="search">"#));
    assert!(html.contains(r#"<label for="q">Search datasets</label>"#));
    assert!(html.contains(r#"<input id="q" name="q""#));

    let topics = "<h2 id=\"topics-title\">";
    assert_eq!(facet_count(html, topics, "Public Safety"), Some(1));
    assert_eq!(facet_count(html, topics, "History"), Some(1));
    assert_eq!(facet_count(html, topics, "Environment"), Some(1));
    assert_eq!(facet_count(html, topics, "Budget"), None);
    let departments = "<h2 id=\"departments-title\">";
    assert_eq!(facet_count(html, departments, "Police"), Some(1));
    assert_eq!(
        facet_count(html, departments, "Library and Cultural Services"),
        Some(1)
    );
    assert_eq!(
        href_of(html, "History").as_deref(),
        Some("/browse?topic=History")
    );
    assert_eq!(
        href_of(html, "Library and Cultural Services").as_deref(),
        Some("/browse?department=Library%20and%20Cultural%20Services")
    );

    let recent = between(html, "<h2 id=\"recent-title\">", "</section>");
    for (id, title) in [
        ("nypd-hate", "NYPD Hate Crimes"),
        ("lari-1992", "Deaths in the 1992 Los Angeles Riots"),
        ("seat-wthr", "Seattle Daily Weather"),
    ] {
        assert_eq!(href_of(recent, title), Some(format!("/d/{id}")), "{title}");
    }
    assert!(recent.contains("2,406 rows"), "the NYPD row count");
}

#[tokio::test]
async fn topic_counts_add_up_when_topics_share_datasets() {
    let app = TestApp::new().await;
    publish_many(&app, 3).await;
    let reply = page(&app, "/").await;
    assert_eq!(
        facet_count(&reply.body, "<h2 id=\"topics-title\">", "Budget"),
        Some(3)
    );
    assert_eq!(
        facet_count(&reply.body, "<h2 id=\"departments-title\">", "Finance"),
        Some(3)
    );
    assert!(reply.body.contains("6 datasets"));
}

#[tokio::test]
async fn search_finds_by_title_and_column_names() {
    let app = TestApp::new().await;
    let reply = page(&app, "/browse?q=hate").await;
    let html = &reply.body;
    assert_eq!(
        href_of(html, "NYPD Hate Crimes").as_deref(),
        Some("/d/nypd-hate")
    );
    assert!(!html.contains("Seattle Daily Weather"));
    assert!(!html.contains("Deaths in the 1992 Los Angeles Riots"));
    assert!(html.contains("1 dataset matching “hate”"));
    assert!(html.contains(r#"value="hate""#), "the box keeps the words");

    // Facets count what the words match.
    assert_eq!(
        facet_count(html, r#"data-facet="topic""#, "Public Safety"),
        Some(1)
    );
    assert_eq!(facet_count(html, r#"data-facet="topic""#, "History"), None);
    assert_eq!(
        facet_count(html, r#"data-facet="department""#, "Police"),
        Some(1)
    );

    // `precipitation` is only a column name of the weather sample here.
    let reply = page(&app, "/browse?q=precipitation").await;
    assert!(reply.body.contains("Seattle Daily Weather"));
    assert!(!reply.body.contains("NYPD Hate Crimes"));
}

#[tokio::test]
async fn a_topic_narrows_the_results_and_links_keep_the_words() {
    let app = TestApp::new().await;
    let reply = page(&app, "/browse?topic=History").await;
    let html = &reply.body;
    assert!(html.contains("Deaths in the 1992 Los Angeles Riots"));
    assert!(!html.contains("NYPD Hate Crimes"));
    assert!(html.contains("1 dataset"));
    // A facet's own counts ignore its choice, so other topics stay reachable.
    let topics = r#"data-facet="topic""#;
    assert_eq!(facet_count(html, topics, "Public Safety"), Some(1));
    assert_eq!(facet_count(html, topics, "History"), Some(1));
    assert_eq!(
        href_of(html, "History").as_deref(),
        Some("/browse"),
        "choosing again lets go"
    );
    assert!(html.contains(r#"<li class="selected"><a href="&#x2f;browse" aria-current="true">"#));
    assert_eq!(
        facet_count(
            html,
            r#"data-facet="department""#,
            "Library and Cultural Services"
        ),
        Some(1)
    );
    assert_eq!(
        facet_count(html, r#"data-facet="department""#, "Police"),
        None
    );
    assert!(html.contains(r#"<input type="hidden" name="topic" value="History">"#));

    let reply = page(&app, "/browse?q=sample&topic=History").await;
    assert!(reply.body.contains("Deaths in the 1992 Los Angeles Riots"));
    assert!(!reply.body.contains("Seattle Daily Weather"));
    assert_eq!(
        href_of(&reply.body, "Public Safety").as_deref(),
        Some("/browse?q=sample&topic=Public%20Safety")
    );
    assert_eq!(
        href_of(&reply.body, "History").as_deref(),
        Some("/browse?q=sample")
    );
    assert_eq!(
        href_of(&reply.body, "Library and Cultural Services").as_deref(),
        Some("/browse?q=sample&topic=History&department=Library%20and%20Cultural%20Services")
    );
}

#[tokio::test]
async fn an_empty_result_says_so() {
    let app = TestApp::new().await;
    let reply = page(&app, "/browse?q=zebra").await;
    assert!(reply.body.contains("0 datasets"));
    assert!(reply.body.contains("No datasets match “zebra”"));

    // A chosen topic with no matches can still be let go of.
    let reply = page(&app, "/browse?q=hate&topic=History").await;
    assert!(reply.body.contains("No datasets match"));
    assert_eq!(
        href_of(&reply.body, "History").as_deref(),
        Some("/browse?q=hate")
    );
}

#[tokio::test]
async fn results_come_twenty_to_a_page() {
    let app = TestApp::new().await;
    publish_many(&app, 25).await;

    let first = page(&app, "/browse").await;
    assert!(first.body.contains("28 datasets"));
    assert_eq!(first.body.matches("<li class=\"result\">").count(), 20);
    assert!(first.body.contains("Page 1 of 2"));
    assert_eq!(
        href_of(&first.body, "Next").as_deref(),
        Some("/browse?page=2")
    );
    assert!(href_of(&first.body, "← Previous").is_none());

    let second = page(&app, "/browse?page=2").await;
    assert_eq!(second.body.matches("<li class=\"result\">").count(), 8);
    assert_eq!(
        href_of(&second.body, "← Previous").as_deref(),
        Some("/browse")
    );
    assert!(href_of(&second.body, "Next").is_none());
    let titles = |html: &str| -> Vec<String> {
        html.split("class=\"result-title\">")
            .skip(1)
            .map(|s| strip_tags(between(s, "", "</h3>")))
            .collect()
    };
    let (a, b) = (titles(&first.body), titles(&second.body));
    assert!(a.iter().all(|t| !b.contains(t)), "pages do not overlap");

    let filtered = page(&app, "/browse?topic=Budget&page=2").await;
    assert_eq!(filtered.body.matches("<li class=\"result\">").count(), 5);
    assert_eq!(
        href_of(&filtered.body, "← Previous").as_deref(),
        Some("/browse?topic=Budget")
    );

    // Past the end reads as the last page.
    let beyond = page(&app, "/browse?page=99").await;
    assert!(beyond.body.contains("Page 2 of 2"));
}

#[tokio::test]
async fn the_dataset_page_shows_metadata_columns_and_links() {
    let app = TestApp::new().await;
    let request = Request::get("/d/nypd-hate")
        .header(header::HOST, "data.example.gov")
        .body(Body::empty())
        .expect("request");
    let reply = app.request(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let html = unescape(&reply.body);

    assert!(html.contains("<h1>NYPD Hate Crimes</h1>"));
    assert!(html.contains("<dt>Department</dt><dd>Police</dd>"));
    assert!(html.contains("<dt>Topic</dt><dd>Public Safety</dd>"));
    assert!(html.contains("NYPD Hate Crimes, a sample dataset."));
    assert!(html.contains("<li>sample</li>"), "tags");
    assert!(html.contains(&format!("{} rows", thousands(nypd().len()))));

    let columns = between(&html, "<table class=\"columns\">", "</table>");
    assert!(
        columns
            .contains("<tr><th scope=\"row\">County</th><td><code>county</code></td><td>Text</td>")
    );
    assert!(columns.contains("<th scope=\"row\">Record Create Date</th><td><code>record_create_date</code></td><td>Date & time</td>"));
    assert_eq!(
        columns.matches("<th scope=\"row\">").count(),
        nypd_headers().len()
    );

    assert!(html.contains("http://data.example.gov/resource/nypd-hate.json"));
    for ext in ["csv", "json", "geojson"] {
        assert!(
            html.contains(&format!("href=\"/api/views/nypd-hate/rows.{ext}\"")),
            "{ext}"
        );
    }
}

#[tokio::test]
async fn every_metadata_field_is_shown_and_escaped() {
    let app = TestApp::new().await;
    let loaded =
        ingest::read_bytes(b"name\nx\n", ingest::Format::Csv, &Default::default()).expect("loads");
    let new = store::NewDataset {
        id: "meta-full".to_string(),
        title: "Trees <b>planted</b>".to_string(),
        department: "Parks".to_string(),
        meta: store::Metadata {
            description: Some("Every tree.\n\nA second paragraph.".to_string()),
            steward_name: Some("Forestry Office".to_string()),
            steward_email: Some("trees@city.example.org".to_string()),
            topic: Some("Environment".to_string()),
            tags: vec!["trees".to_string(), "parks".to_string()],
            license: Some("CC BY 4.0".to_string()),
            update_frequency: Some("Monthly".to_string()),
            usage_notes: Some("Counts include saplings.".to_string()),
            source: Some("javascript:alert(1)".to_string()),
            attribution: Some("Parks Department".to_string()),
            ..Default::default()
        },
        columns: new_columns(&loaded),
    };
    app.state
        .store
        .create_dataset(new, &loaded.schema, loaded.batches, chrono::Utc::now())
        .await
        .expect("publishes");

    let reply = page(&app, "/d/meta-full").await;
    let raw = &reply.body;
    assert!(raw.contains("<h1>Trees &lt;b&gt;planted&lt;&#x2f;b&gt;</h1>"));
    assert!(!raw.contains("<b>planted"));
    assert!(
        !raw.contains("href=\"javascript:"),
        "a source that is not a web address is text"
    );
    let html = unescape(raw);
    for expected in [
        "<p class=\"description\">Every tree.</p>",
        "<p class=\"description\">A second paragraph.</p>",
        "Forestry Office<br><a href=\"mailto:trees@city.example.org\">trees@city.example.org</a>",
        "<dt>Topic</dt><dd>Environment</dd>",
        "<li>trees</li><li>parks</li>",
        "<dt>License</dt><dd>CC BY 4.0</dd>",
        "<dt>Update frequency</dt><dd>Monthly</dd>",
        "<dt>Usage notes</dt><dd>Counts include saplings.</dd>",
        "<dt>Source</dt><dd>javascript:alert(1)</dd>",
        "<dt>Attribution</dt><dd>Parks Department</dd>",
        "<dt>Created</dt>",
        "<dt>Updated</dt>",
        "<dt>Rows</dt><dd>1 row</dd>",
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }

    let reply = page(&app, "/d/nypd-hate").await;
    assert!(
        !reply.body.contains("<dt>Steward</dt>"),
        "absent metadata leaves no empty row"
    );
}

#[tokio::test]
async fn the_table_shows_the_first_rows_of_the_file() {
    let app = TestApp::new().await;
    let reply = page(&app, "/d/nypd-hate").await;
    let rows = data_rows(&reply.body);
    let expected: Vec<Vec<String>> = nypd().iter().take(50).map(as_shown).collect();
    assert_eq!(rows.len(), 50);
    assert_eq!(rows, expected);
    assert!(reply.body.contains("Rows 1–50 of 2,406"));
    assert_eq!(
        href_of(&reply.body, "Next").as_deref(),
        Some("/d/nypd-hate?page=2#rows-title")
    );
}

#[tokio::test]
async fn the_second_page_shows_the_next_rows() {
    let app = TestApp::new().await;
    let first = data_rows(&page(&app, "/d/nypd-hate").await.body);
    let reply = page(&app, "/d/nypd-hate?page=2").await;
    let second = data_rows(&reply.body);
    let expected: Vec<Vec<String>> = nypd()[50..100].iter().map(as_shown).collect();
    assert_eq!(second, expected);
    assert_ne!(first, second);
    assert!(reply.body.contains("Rows 51–100 of 2,406"));
    assert!(
        reply
            .body
            .contains(&format!("Page 2 of {}", nypd().len().div_ceil(50)))
    );
    assert_eq!(
        href_of(&reply.body, "← Previous").as_deref(),
        Some("/d/nypd-hate?page=1#rows-title")
    );
}

#[tokio::test]
async fn sorting_by_a_column_header_orders_the_rows() {
    let app = TestApp::new().await;
    let all = nypd();
    // Ties keep the file's order, as the page breaks them by row id.
    let mut by_county: Vec<&BTreeMap<String, String>> = all.iter().collect();
    by_county.sort_by(|a, b| b["County"].cmp(&a["County"]));

    let reply = page(&app, "/d/nypd-hate?sort=county&dir=desc").await;
    let rows = data_rows(&reply.body);
    let county = nypd_headers()
        .iter()
        .position(|h| h == "County")
        .expect("County");
    assert_eq!(rows[0][county], by_county[0]["County"]);
    assert_eq!(rows[0][county], "RICHMOND");
    assert_eq!(rows[0], as_shown(by_county[0]));
    assert!(
        reply
            .body
            .contains(r#"data-field="county" aria-sort="descending""#)
    );
    assert!(reply.body.contains("sorted by County, descending"));
    // Following the header again sorts the other way; others start ascending.
    let html = unescape(&reply.body);
    assert!(html.contains(r#"<a href="/d/nypd-hate?sort=county&dir=asc#rows-title">County"#));
    assert!(html.contains(r#"<a href="/d/nypd-hate?sort=month_number&dir=asc#rows-title">"#));
    assert_eq!(
        href_of(&reply.body, "Next").as_deref(),
        Some("/d/nypd-hate?sort=county&dir=desc&page=2#rows-title")
    );

    let page_two = data_rows(
        &page(&app, "/d/nypd-hate?sort=county&dir=desc&page=2")
            .await
            .body,
    );
    let expected: Vec<Vec<String>> = by_county[50..100].iter().map(|r| as_shown(r)).collect();
    assert_eq!(page_two, expected);

    let ascending = data_rows(&page(&app, "/d/nypd-hate?sort=county&dir=asc").await.body);
    let first_bronx = all
        .iter()
        .find(|r| r["County"] == "BRONX")
        .expect("a BRONX row");
    assert_eq!(ascending[0], as_shown(first_bronx));
}

#[tokio::test]
async fn points_are_not_offered_for_sorting() {
    let app = TestApp::new().await;
    let reply = page(&app, "/d/lari-1992?sort=location&dir=desc").await;
    let location = between(&reply.body, "data-field=\"location\"", "</th>");
    assert!(location.starts_with('>'), "no aria-sort: {location}");
    assert!(!location.contains("<a "), "no sort link: {location}");
    assert!(reply.body.contains(r#"data-field="age" aria-sort="none""#));
    assert!(!reply.body.contains("sorted by"), "a point sort is ignored");
}

#[tokio::test]
async fn example_queries_answer() {
    let app = TestApp::new().await;
    for id in ["nypd-hate", "lari-1992", "seat-wthr"] {
        let reply = page(&app, &format!("/d/{id}")).await;
        let examples = between(&reply.body, "<ul class=\"examples\">", "</ul>");
        let links: Vec<String> = examples
            .split("<a href=\"")
            .skip(1)
            .map(|s| unescape(s.split('"').next().unwrap_or("")))
            .collect();
        assert!(links.len() >= 3, "{id}: {links:?}");
        assert!(
            links.iter().any(|l| l.contains("$where=")),
            "{id}: {links:?}"
        );
        for link in links {
            let path = link.strip_prefix("http://localhost").expect("absolute URL");
            let answer = app.get(path).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
            assert!(
                !answer.json().as_array().expect("rows").is_empty(),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn an_unknown_dataset_is_a_404_page() {
    let app = TestApp::new().await;
    let reply = app.get("/d/nope-0000").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.header("content-type").starts_with("text/html"));
    assert!(reply.body.contains("Dataset not found"));
    assert!(reply.body.contains("nope-0000"));
    assert!(
        reply
            .body
            .contains(r#"<a href="/browse">Browse all datasets</a>"#)
    );
}

#[tokio::test]
async fn search_words_are_escaped() {
    let app = TestApp::new().await;
    let reply = page(
        &app,
        &format!("/browse?q={}", q("<script>alert(1)</script>")),
    )
    .await;
    assert!(!reply.body.contains("<script>alert"));
    assert!(
        reply
            .body
            .contains("value=\"&lt;script&gt;alert(1)&lt;&#x2f;script&gt;\"")
    );
    assert!(reply.body.contains("No datasets match “&lt;script&gt;"));
}

#[tokio::test]
async fn odd_input_never_breaks_a_page() {
    let app = TestApp::new().await;
    for uri in [
        "/d/nypd-hate?sort=nope",
        "/d/nypd-hate?sort=county&dir=sideways",
        "/d/nypd-hate?sort=%60county%60",
        "/d/nypd-hate?page=abc",
        "/d/nypd-hate?page=0",
        "/d/nypd-hate?page=-3",
        "/d/nypd-hate?page=99999999999999999999999",
        "/d/nypd-hate?page=18446744073709551615",
        "/d/nypd-hate?$limit=5&$where=nonsense",
        "/browse?page=-1",
        "/browse?page=18446744073709551615",
        "/browse?q=%22%22%22",
        "/browse?q=AND%20OR%20NOT%20*%20NEAR(",
        "/browse?topic=%00&department=%27",
    ] {
        let reply = app.get(uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.body);
        assert!(
            reply.header("content-type").starts_with("text/html"),
            "{uri}"
        );
    }

    let reply = page(&app, "/d/nypd-hate?page=1000000").await;
    assert_eq!(
        data_rows(&reply.body).len(),
        nypd().len() % 50,
        "the last page"
    );
}

#[tokio::test]
async fn pages_are_accessible_landmarks_and_the_stylesheet_is_cached() {
    let app = TestApp::new().await;
    for uri in ["/", "/browse", "/d/seat-wthr"] {
        let reply = page(&app, uri).await;
        let html = &reply.body;
        assert!(html.contains("<html lang=\"en\">"), "{uri}");
        assert!(
            html.contains(r##"<a class="skip-link" href="#main">"##),
            "{uri}"
        );
        assert!(html.contains("<main id=\"main\""), "{uri}");
        assert!(html.contains("<nav aria-label=\"Main\">"), "{uri}");
        assert!(
            html.contains("href=\"&#x2f;static&#x2f;civic.css\"")
                || html.contains("href=\"/static/civic.css\""),
            "{uri}"
        );
        assert!(!html.contains("https://fonts."), "{uri}");
    }

    let css = app.get("/static/civic.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.header("cache-control").contains("max-age="));
    assert!(css.body.contains(":focus-visible"));
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[tokio::test]
async fn pages_name_the_city_of_the_profile() {
    let mut app = TestApp::new().await;
    assert!(
        page(&app, "/")
            .await
            .body
            .contains("City of Aurora open data")
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("boulder.toml");
    std::fs::write(
        &path,
        "departments = ['Open Data']\n[records_office]\nname = 'Central Records'\nemail = 'records@boulder.example'\nphone = '303 555 0100'\n[city]\nname = 'City of Boulder'\nstate = 'Colorado'\ntime_zone = 'America/Denver'\n",
    )
    .unwrap();
    let profile = web::profile::Profile::read(&path).expect("profile reads");
    app.state = app.state.clone().with_profile(profile);
    for uri in ["/", "/browse", "/d/nypd-hate", "/terms/api", "/signin"] {
        let body = page(&app, uri).await.body;
        assert!(body.contains("City of Boulder"), "{uri}");
        assert!(!body.contains("Aurora"), "{uri}");
    }
}

#[tokio::test]
async fn the_terms_privacy_and_records_help_pages_say_what_they_must() {
    let app = TestApp::new().await;
    let settings = &app.state.settings;

    let terms = page(&app, "/terms").await.body;
    assert!(terms.contains(r#"href="/terms/api""#));
    assert!(terms.contains("not released through this portal"));
    assert!(terms.contains("may block an app token, an account or a range of addresses"));

    let api = page(&app, "/terms/api").await.body;
    for number in [
        settings.anonymous_requests_per_hour.get(),
        settings.anonymous_burst.get(),
        settings.token_requests_per_hour.get(),
        settings.token_burst.get(),
    ] {
        assert!(api.contains(&format!("<td>{number}</td>")), "{number}");
    }

    let privacy = page(&app, "/privacy").await.body;
    assert!(privacy.contains("civic_session") && privacy.contains("argon2"));

    let office = &app.state.profile.records_office;
    let records = page(&app, "/help/records").await.body;
    assert!(records.contains(&format!("mailto:{}", office.email)));
    assert!(records.contains(&office.phone));
    assert!(records.contains("C.R.S. 24-72-201"));
    assert!(records.contains("three working days"));
    // The contact is marked unverified in the profile, and the page says so.
    assert!(office.unverified);
    assert!(records.contains("have not yet been confirmed"));

    // Every page links to all four from its footer.
    let home = page(&app, "/").await.body;
    for link in ["/terms", "/terms/api", "/privacy", "/help/records"] {
        assert!(home.contains(&format!(r#"href="{link}""#)), "{link}");
    }
}
