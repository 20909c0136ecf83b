//! Private datasets and restricted columns: what a caller may not see does
//! not exist for them, in every format and every endpoint, and no cached
//! answer or validator crosses from one access class to another.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use store::{Role, Visibility};

use crate::accounts::{get, hidden, post};
use crate::roles::session_cookie;
use crate::support::{Reply, TestApp, nypd, q};

const DATASET: &str = "nypd-hate";
const RESTRICTED: &str = "arrest_id";

/// The NYPD sample's arrest ids: the values no one without access may see.
fn arrest_ids() -> Vec<String> {
    let ids: Vec<String> = nypd()
        .into_iter()
        .map(|row| row["Arrest Id"].clone())
        .filter(|id| !id.is_empty())
        .collect();
    assert!(ids.len() > 900, "the sample has arrest ids");
    ids
}

/// The sample with its arrest ids restricted, before anyone has asked for it.
async fn restricted_app() -> TestApp {
    let app = TestApp::new().await;
    app.state
        .store
        .set_column_restricted(DATASET, RESTRICTED, true)
        .await
        .expect("restricts");
    // A second one, whose name no other column shares, for the catalog
    // search.
    app.state
        .store
        .set_column_restricted(DATASET, "bias_motive_description", true)
        .await
        .expect("restricts");
    app
}

/// Every way of reading the dataset, its metadata or the catalog.
fn readings() -> Vec<String> {
    let mut uris: Vec<String> = [
        "/resource/nypd-hate.json",
        "/resource/nypd-hate.csv",
        "/resource/nypd-hate.geojson",
        "/resource/nypd-hate.json?$select=*",
        "/resource/nypd-hate.json?$select=:*,*",
        "/resource/nypd-hate.json?$$exclude_system_fields=false",
        "/resource/nypd-hate.json?$limit=5000",
        "/resource/nypd-hate.csv?$limit=5000&$order=:id",
        "/resource/nypd-hate.json?$select=count(*)&$group=county",
        "/resource/nypd-hate/1.json",
        "/api/views/nypd-hate.json",
        "/api/views/nypd-hate/rows.json",
        "/api/views/nypd-hate/rows.csv",
        "/api/v3/views/nypd-hate/query.json?query=SELECT%20*",
        "/api/v3/views/nypd-hate/export.csv",
        "/api/catalog/v1",
        "/api/catalog/v1?q=nypd",
        "/browse",
        "/browse?q=hate",
        "/d/nypd-hate",
        "/d/nypd-hate?sort=arrest_id",
        "/",
    ]
    .map(String::from)
    .to_vec();
    // A search for an arrest id finds nothing: the column is not searched.
    let one = &arrest_ids()[0];
    uris.push(format!("/resource/nypd-hate.json?$q={one}"));
    uris
}

/// A search for a restricted column's name finds nothing for those who may
/// not see it (the page repeats the words searched for, and no more).
async fn search_finds_nothing(app: &TestApp, cookie: Option<&str>) {
    let api = read(app, "/api/catalog/v1?q=bias", cookie).await;
    assert_eq!(api.json()["resultSetSize"], 0, "{}", api.body);
    let page = read(app, "/browse?q=bias", cookie).await;
    assert!(!page.body.contains("/d/nypd-hate"));
}

/// Whether anything in the reply names the restricted column or carries
/// one of its values.
fn leaks(reply: &Reply, ids: &[String]) -> Option<String> {
    let mut text = reply.body.to_lowercase();
    for (name, value) in &reply.headers {
        text.push_str(&format!("\n{name}: {}", value.to_str().unwrap_or("")));
    }
    let text = text.to_lowercase();
    if text.contains(RESTRICTED) || text.contains("arrest id") {
        return Some("the column's name".into());
    }
    ids.iter()
        .find(|id| text.contains(&id.to_lowercase()))
        .map(|id| format!("the value {id}"))
}

async fn read(app: &TestApp, uri: &str, cookie: Option<&str>) -> Reply {
    let reply = get(app, uri, cookie).await;
    assert!(
        reply.status.is_success(),
        "{uri}: {} {}",
        reply.status,
        reply.body
    );
    reply
}

#[tokio::test]
async fn a_restricted_column_reaches_no_one_without_access_in_any_format() {
    let app = restricted_app().await;
    let ids = arrest_ids();
    let mut callers: Vec<(&str, Option<String>)> = vec![("the public", None)];
    for (who, role, departments) in [
        ("a registered user", Role::Registered, &[][..]),
        ("a records clerk", Role::Clerk, &["Police"][..]),
        (
            "a steward of Parks",
            Role::Steward,
            &["Parks Recreation and Open Space"][..],
        ),
    ] {
        callers.push((who, Some(session_cookie(&app, role, departments).await)));
    }
    for (who, cookie) in &callers {
        for uri in readings() {
            let reply = read(&app, &uri, cookie.as_deref()).await;
            if let Some(leak) = leaks(&reply, &ids) {
                panic!("{uri} shows {who} {leak}");
            }
        }
        search_finds_nothing(&app, cookie.as_deref()).await;
        let v3 = app
            .request(
                Request::post("/api/v3/views/nypd-hate/query.json")
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::COOKIE, cookie.as_deref().unwrap_or(""))
                    .body(Body::from(
                        r#"{"query": "SELECT *", "page": {"pageNumber": 1, "pageSize": 5000}}"#,
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(v3.status, StatusCode::OK, "{}", v3.body);
        assert_eq!(v3.json().as_array().map(Vec::len), Some(2406));
        assert_eq!(leaks(&v3, &ids), None, "SODA3 for {who}");
    }

    // Everything a query may name it by is answered as for a column that
    // was never there: the same code, the same words.
    for clause in [
        "$select=arrest_id",
        "$select=count(arrest_id)",
        "$where=arrest_id IS NOT NULL",
        "$order=arrest_id",
        "$group=arrest_id&$select=arrest_id, count(*)",
        "$query=SELECT arrest_id WHERE county='KINGS'",
    ] {
        let asked = read_error(&app, clause, RESTRICTED).await;
        let never_there =
            read_error(&app, &clause.replace(RESTRICTED, "zrrest_id"), "zrrest_id").await;
        assert_eq!(asked["code"], "query.soql.no-such-column", "{clause}");
        assert_eq!(asked, never_there, "{clause}");
    }
    // A near miss is not corrected to the restricted column.
    let near = get(&app, "/resource/nypd-hate.json?$select=arrest_ix", None).await;
    assert_eq!(near.status, StatusCode::BAD_REQUEST);
    assert_eq!(leaks(&near, &ids), None);
}

/// A query naming `name` as the public sends it: its error, with `name`
/// written as `column` so two answers compare.
async fn read_error(app: &TestApp, clause: &str, name: &str) -> serde_json::Value {
    let (key, value) = clause.split_once('=').unwrap();
    let (value, rest) = value.split_once('&').map_or((value, ""), |(v, r)| (v, r));
    let mut uri = format!("/resource/nypd-hate.json?{key}={}", q(value));
    if let Some((k, v)) = rest.split_once('=') {
        uri.push_str(&format!("&{k}={}", q(v)));
    }
    let reply = get(app, &uri, None).await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{uri}: {}",
        reply.body
    );
    let body = reply.body.replace(name, "column");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn the_departments_stewards_and_administrators_see_the_restricted_column() {
    let app = restricted_app().await;
    let ids = arrest_ids();
    for (role, departments) in [(Role::Steward, &["Police"][..]), (Role::Admin, &[][..])] {
        let cookie = session_cookie(&app, role, departments).await;
        let uri = "/resource/nypd-hate.json?$select=arrest_id&$where=arrest_id IS NOT NULL&$order=:id&$limit=5000";
        let reply = read(&app, &uri.replace(' ', "%20"), Some(&cookie)).await;
        let seen: Vec<String> = reply
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row[RESTRICTED].as_str().unwrap().to_string())
            .collect();
        assert_eq!(seen, ids, "{role}");
        let found = read(&app, "/api/catalog/v1?q=bias", Some(&cookie)).await;
        assert_eq!(found.json()["resultSetSize"], 1, "{role}: {}", found.body);
        let page = read(&app, "/d/nypd-hate", Some(&cookie)).await;
        assert!(page.body.contains("Restricted"), "{role}");
        // What a steward sees is theirs alone: no shared cache may keep it.
        assert_eq!(reply.header("cache-control"), "private", "{role}");
    }
}

#[tokio::test]
async fn a_cached_answer_or_its_etag_never_crosses_to_another_access_class() {
    let app = restricted_app().await;
    let ids = arrest_ids();
    let steward = session_cookie(&app, Role::Steward, &["Police"]).await;
    let uri = "/resource/nypd-hate.csv?$limit=3&$order=:id";
    // The steward asks first, so their answer is the one cached.
    let theirs = read(&app, uri, Some(&steward)).await;
    assert!(theirs.body.contains(RESTRICTED));
    let again = read(&app, uri, Some(&steward)).await;
    assert_eq!(again.body, theirs.body);
    let public = read(&app, uri, None).await;
    assert_eq!(leaks(&public, &ids), None);
    assert_eq!(public.body.lines().count(), 4);
    assert_ne!(public.header("etag"), theirs.header("etag"));
    // The steward's validator does not validate the public's copy.
    let revalidated = app
        .request(
            Request::get(uri)
                .header(header::IF_NONE_MATCH, theirs.header("etag"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(revalidated.status, StatusCode::OK);
    assert_eq!(leaks(&revalidated, &ids), None);
}

#[tokio::test]
async fn a_private_dataset_is_not_found_by_those_who_may_not_see_it() {
    let app = TestApp::new().await;
    let everyone = app.state.store.search(&Default::default()).await.unwrap();
    app.state
        .store
        .set_visibility(DATASET, Visibility::Private)
        .await
        .unwrap();
    let clerk = session_cookie(&app, Role::Clerk, &[]).await;
    let steward = session_cookie(&app, Role::Steward, &["Police"]).await;
    for cookie in [None, Some(clerk.as_str())] {
        for uri in [
            "/resource/nypd-hate.json",
            "/resource/nypd-hate/1.json",
            "/api/views/nypd-hate.json",
            "/api/views/nypd-hate/rows.csv",
            "/api/v3/views/nypd-hate/query.json?query=SELECT%20count(*)",
        ] {
            let reply = get(&app, uri, cookie).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}: {}", reply.body);
            let unknown = get(&app, &uri.replace(DATASET, "zzzz-9999"), cookie).await;
            assert_eq!(
                reply.body.replace(DATASET, "zzzz-9999"),
                unknown.body,
                "{uri}"
            );
        }
        let page = get(&app, "/d/nypd-hate", cookie).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let catalog = read(&app, "/api/catalog/v1", cookie).await.json();
        assert_eq!(catalog["resultSetSize"], everyone.total - 1);
        assert!(!catalog.to_string().contains(DATASET));
        let home = read(&app, "/", cookie).await;
        assert!(!home.body.contains("NYPD Hate Crimes"));
    }
    let seen = read(
        &app,
        "/resource/nypd-hate.json?$select=count(*)",
        Some(&steward),
    )
    .await;
    assert_eq!(seen.json()[0]["count"], "2406");
    assert_eq!(seen.header("cache-control"), "private");
    let catalog = read(&app, "/api/catalog/v1", Some(&steward)).await.json();
    assert_eq!(catalog["resultSetSize"], everyone.total);

    // Internal: staff see it, the public and registered users do not.
    let fresh = TestApp::new().await;
    fresh
        .state
        .store
        .set_visibility(DATASET, Visibility::Internal)
        .await
        .unwrap();
    let registered = session_cookie(&fresh, Role::Registered, &[]).await;
    let clerk = session_cookie(&fresh, Role::Clerk, &[]).await;
    let uri = "/resource/nypd-hate.json?$select=count(*)";
    assert_eq!(get(&fresh, uri, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&fresh, uri, Some(&registered)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        read(&fresh, uri, Some(&clerk)).await.json()[0]["count"],
        "2406"
    );
}

#[tokio::test]
async fn a_steward_sets_access_from_the_dataset_page_and_it_is_audited() {
    let app = TestApp::new().await;
    let ids = arrest_ids();
    let steward = session_cookie(&app, Role::Steward, &["Police"]).await;
    let page = read(&app, "/d/nypd-hate", Some(&steward)).await;
    assert!(page.body.contains("Who may see this dataset"));
    let csrf = hidden(&page.body, "csrf");

    // A steward of another department gets no form and may not post one.
    let parks = session_cookie(&app, Role::Steward, &["Parks Recreation and Open Space"]).await;
    let their_page = read(&app, "/d/nypd-hate", Some(&parks)).await;
    assert!(!their_page.body.contains("Who may see this dataset"));
    let their_csrf = hidden(&their_page.body, "csrf");
    let refused = post(
        &app,
        "/d/nypd-hate/access",
        Some(&parks),
        &[("csrf", &their_csrf), ("visibility", "private")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A column that is not there is refused, and nothing changes.
    let bad = post(
        &app,
        "/d/nypd-hate/access",
        Some(&steward),
        &[
            ("csrf", &csrf),
            ("visibility", "public"),
            ("restricted", "nope"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("no column “nope”"), "{}", bad.body);

    let saved = post(
        &app,
        "/d/nypd-hate/access",
        Some(&steward),
        &[
            ("csrf", &csrf),
            ("visibility", "internal"),
            ("restricted", RESTRICTED),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored = app.state.store.dataset(DATASET).await.unwrap().unwrap();
    assert_eq!(stored.visibility, Visibility::Internal);
    assert!(stored.column(RESTRICTED).unwrap().restricted);

    // At once: a clerk (staff) sees the dataset without the column.
    let clerk = session_cookie(&app, Role::Clerk, &[]).await;
    let seen = read(&app, "/resource/nypd-hate.json?$limit=5000", Some(&clerk)).await;
    assert_eq!(seen.json().as_array().map(Vec::len), Some(2406));
    assert_eq!(leaks(&seen, &ids), None);
    assert_eq!(
        get(&app, "/resource/nypd-hate.json", None).await.status,
        StatusCode::NOT_FOUND
    );

    let log = app.state.store.audit_log(10, 0).await.unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.target.as_str()))
        .collect();
    assert!(actions.contains(&("dataset_visibility_changed", "dataset:nypd-hate")));
    assert!(actions.contains(&("column_restricted", "dataset:nypd-hate")));
    let visibility = log
        .iter()
        .find(|e| e.action == "dataset_visibility_changed")
        .unwrap();
    assert_eq!(visibility.before.as_ref().unwrap()["visibility"], "public");
    assert_eq!(visibility.after.as_ref().unwrap()["visibility"], "internal");
    assert!(visibility.actor_email.starts_with("steward-"));
}
