//! Every route of the table, asked by every kind of caller: a route answers
//! only the roles its need allows, and refuses the others before any data
//! leaves.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use store::Role;
use web::access::{Need, new_secret, secret_hash};

use crate::support::{Reply, TestApp};

/// A signed-in session for a new user with `role`, as its cookie header.
pub async fn session_cookie(app: &TestApp, role: Role, departments: &[&str]) -> String {
    session_in(&app.state.store, role, departments, app.state.clock.now()).await
}

/// A new account with `role`, signed in at `now` for an hour: its cookie.
pub async fn session_in(
    store: &store::Store,
    role: Role,
    departments: &[&str],
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let user = store
        .create_user(
            store::NewUser {
                email: format!("{}-{}@example.org", role.as_str(), new_secret()),
                name: format!("A {role}"),
                password_hash: None,
                role,
                departments: departments.iter().map(|d| d.to_string()).collect(),
            },
            now,
        )
        .await
        .expect("user");
    let secret = new_secret();
    store
        .create_session(
            user.id,
            &secret_hash(&secret),
            &new_secret(),
            now,
            now + chrono::Duration::hours(1),
        )
        .await
        .expect("session");
    format!("{}={secret}", web::access::SESSION_COOKIE)
}

async fn ask(app: &TestApp, method: &Method, uri: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::builder().method(method.clone()).uri(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let body = if method == Method::POST && uri.starts_with("/api/") {
        request = request.header(header::CONTENT_TYPE, "application/json");
        Body::from(r#"{"query": "SELECT county LIMIT 2"}"#)
    } else {
        Body::empty()
    };
    app.request(request.body(body).expect("request")).await
}

/// Refused for want of a role: the API's 401/403 codes, the page's
/// sign-in redirect, or its "not allowed" page.
fn refused_for_role(reply: &Reply) -> bool {
    match reply.status {
        StatusCode::UNAUTHORIZED => reply.body.contains("authentication.required"),
        StatusCode::FORBIDDEN => {
            reply.body.contains("authorization.forbidden") || reply.body.contains("Not allowed")
        }
        StatusCode::SEE_OTHER | StatusCode::TEMPORARY_REDIRECT | StatusCode::FOUND => {
            reply.header("location").starts_with("/signin?next=")
        }
        _ => false,
    }
}

#[tokio::test]
async fn every_route_answers_only_the_roles_it_needs() {
    let app = TestApp::new().await;
    let mut callers: Vec<(Option<Role>, Option<String>)> = vec![(None, None)];
    for role in Role::ALL {
        callers.push((
            Some(role),
            Some(session_cookie(&app, role, &["Police"]).await),
        ));
    }
    // Report 1, which the desk's example addresses open, with the key `0`.
    app.state
        .store
        .create_report(
            store::NewReport {
                dataset_id: "nypd-hate".into(),
                kind: store::ReportKind::ContentIssue,
                summary: "A precinct is wrong.".into(),
                rows: String::new(),
                reporter_email: None,
                reporter_id: None,
                secret_hash: secret_hash("0"),
                due_at: None,
            },
            app.state.clock.now(),
        )
        .await
        .expect("report");
    // Request R25-000001, which the requester's example address opens with
    // the key `0`.
    app.state
        .store
        .create_request(store::NewRequest {
            year: 2025,
            received_at: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2025, 11, 26, 17, 15, 0)
                .unwrap(),
            description: "Snow plough routes".into(),
            secret_hash: secret_hash("0"),
            state: "received".into(),
            ..store::NewRequest::default()
        })
        .await
        .expect("request");
    // Routed to the stewards' department, with file 1 released to the
    // requester.
    let request = app
        .state
        .store
        .request_by_tracking("R25-000001")
        .await
        .unwrap()
        .unwrap();
    let now = app.state.clock.now();
    app.state
        .store
        .assign_request(request.id, Some("Police"), None, now)
        .await
        .unwrap();
    app.state
        .store
        .set_request_state(request.id, "released", None, now)
        .await
        .unwrap();
    app.state
        .store
        .add_request_event(
            request.id,
            now,
            "released",
            &serde_json::json!({ "event": "released", "at": now }),
            None,
        )
        .await
        .unwrap();
    app.state
        .store
        .add_request_file(
            store::NewRequestFile {
                request_id: request.id,
                name: "routes.csv".into(),
                media_type: "text/csv".into(),
                content: b"route,ward\nA,IV\n",
                sha256: String::new(),
                visibility: store::FileVisibility::Requester,
                uploaded_by: None,
            },
            now,
        )
        .await
        .unwrap();
    let table = web::routes::table();
    assert!(table.len() >= 11, "the table lists every route");
    for route in &table {
        for (role, cookie) in &callers {
            let reply = ask(&app, &route.method, route.example, cookie.as_deref()).await;
            let who = role.map_or("anonymous", Role::as_str);
            let at = format!(
                "{} {} as {who}: {}",
                route.method, route.example, reply.status
            );
            assert!(!reply.status.is_server_error(), "{at}");
            if route.need.allows(*role) {
                assert!(
                    !refused_for_role(&reply),
                    "{at} was refused: {}",
                    reply.body
                );
                // The example addresses exist: allowed readers are answered,
                // but for routes a setting turns on, which is off here.
                if route.path.starts_with("/signin/oidc") {
                    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{at}");
                } else if route.method == Method::GET {
                    assert!(reply.status.is_success(), "{at}: {}", reply.body);
                }
            } else {
                assert!(
                    refused_for_role(&reply),
                    "{at} was answered: {}",
                    reply.body
                );
                assert!(!reply.body.contains("KINGS"), "{at} leaked rows");
            }
        }
    }
}

#[test]
fn needs_order_roles_as_documented() {
    use Need::*;
    let roles = [
        None,
        Some(Role::Registered),
        Some(Role::Steward),
        Some(Role::Clerk),
        Some(Role::Admin),
    ];
    let expect = [
        (Anyone, [true, true, true, true, true]),
        (SignedIn, [false, true, true, true, true]),
        (Steward, [false, false, true, false, true]),
        (Clerk, [false, false, false, true, true]),
        (Staff, [false, false, true, true, true]),
        (Admin, [false, false, false, false, true]),
    ];
    for (need, allowed) in expect {
        let got: Vec<bool> = roles.iter().map(|r| need.allows(*r)).collect();
        assert_eq!(got, allowed, "{need:?}");
    }
}

#[test]
fn a_route_table_path_is_unique_per_method() {
    let table = web::routes::table();
    for (i, a) in table.iter().enumerate() {
        for b in &table[i + 1..] {
            assert!(
                !(a.method == b.method && a.path == b.path),
                "{} {} is listed twice",
                a.method,
                a.path
            );
        }
    }
}
