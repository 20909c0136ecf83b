//! The records requests API, `/api/requests`, as a client drives it: filing
//! as JSON, the requester's view by the key in the link, the staff queue and
//! view, and staff actions as JSON, from acknowledgement through extension,
//! denial and notice of intent to closing, each checked against the dates
//! the law and Aurora's calendar give; and the public log, which never says
//! who asked.
//!
//! Dates are counted by hand from `profiles/aurora-co.records.toml`: day 0
//! does not count, weekends and the listed closure days (Thanksgiving Day
//! and the day after, 27 and 28 November 2025; Christmas Day, 25 December
//! 2025) are skipped. Aurora keeps Mountain Standard Time, UTC-7, over
//! every date used here.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::TimeZone;
use chrono_tz::America::Denver;
use serde_json::{Value, json};
use store::Role;
use web::clock::ManualClock;

use crate::support::{Reply, TestApp};

mod closing;
mod deadlines;
mod filing;
mod staff;

/// A test app whose clock reads Wednesday 26 November 2025, 10:15 in
/// Aurora (17:15 UTC), the day before Thanksgiving, and that clock.
async fn desk() -> (TestApp, Arc<ManualClock>) {
    let mut app = TestApp::new().await;
    let clock = Arc::new(ManualClock::new(aurora(2025, 11, 26, 10, 15)));
    app.state.clock = clock.clone();
    (app, clock)
}

/// A time on Aurora's wall clock.
fn aurora(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<chrono::Utc> {
    Denver
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("an unambiguous local time")
        .to_utc()
}

/// A new account with `role`; a steward looks after `departments`.
async fn account(app: &TestApp, role: Role, departments: &[&str]) -> store::User {
    let email = format!(
        "{}-{}@example.org",
        role.as_str(),
        &web::access::new_secret()[..12]
    );
    let user = store::NewUser {
        email,
        name: format!("A {role}"),
        password_hash: None,
        role,
        departments: departments.iter().map(|d| d.to_string()).collect(),
    };
    let now = app.state.clock.now();
    app.state.store.create_user(user, now).await.expect("user")
}

/// An app token of `user`, as `X-App-Token` carries it.
async fn token_of(app: &TestApp, user: &store::User) -> String {
    let now = app.state.clock.now();
    let (_, secret) = web::access::issue_app_token(&app.state.store, user, None, "tests", now)
        .await
        .expect("app token");
    secret
}

/// An app token of a new account with `role`.
async fn token(app: &TestApp, role: Role) -> String {
    token_of(app, &account(app, role, &[]).await).await
}

/// A signed-in session of `user`: its cookie header and its form token.
async fn session(app: &TestApp, user: &store::User) -> (String, String) {
    let (secret, csrf) = (web::access::new_secret(), web::access::new_secret());
    let now = app.state.clock.now();
    let until = now + chrono::Duration::hours(1);
    let hash = web::access::secret_hash(&secret);
    app.state
        .store
        .create_session(user.id, &hash, &csrf, now, until)
        .await
        .expect("session");
    (format!("{}={secret}", web::access::SESSION_COOKIE), csrf)
}

/// Sends a request with `headers` and, when given, a body as JSON.
async fn call(
    app: &TestApp,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(text) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(text.to_string())
        }
        None => Body::empty(),
    };
    app.request(request.body(body).expect("request")).await
}

/// `GET` with an app token when one is given.
async fn get(app: &TestApp, uri: &str, token: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = token.map(|t| ("X-App-Token", t)).into_iter().collect();
    call(app, Method::GET, uri, &headers, None).await
}

/// Files a request as JSON, with no account.
async fn file(app: &TestApp, filing: &Value) -> Reply {
    call(
        app,
        Method::POST,
        "/api/requests",
        &[],
        Some(&filing.to_string()),
    )
    .await
}

/// Files a request from Ada, who gives her name, address and phone; its
/// tracking number and the key of its link.
async fn file_from_ada(app: &TestApp, description: &str) -> (String, String) {
    let filed = file(
        app,
        &json!({
            "description": description,
            "departments": ["Public Works"],
            "name": "Ada Requester",
            "email": "ada@example.org",
            "phone": "303-555-0142",
        }),
    )
    .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let filed = filed.json();
    let link = filed["link"].as_str().expect("a link");
    let key = link.split("key=").nth(1).expect("a key in the link");
    (
        filed["tracking"].as_str().unwrap().to_string(),
        key.to_string(),
    )
}

/// Posts one staff action as JSON with an app token.
async fn act(app: &TestApp, token: &str, tracking: &str, action: Value) -> Reply {
    let uri = format!("/api/requests/{tracking}/actions");
    let headers = [("X-App-Token", token)];
    call(app, Method::POST, &uri, &headers, Some(&action.to_string())).await
}

/// Posts an action that must succeed; answers what the API said.
async fn act_ok(app: &TestApp, token: &str, tracking: &str, action: Value) -> Value {
    let done = act(app, token, tracking, action.clone()).await;
    assert_eq!(done.status, StatusCode::OK, "{action}: {}", done.body);
    done.json()
}

/// The clock called `name` among an answer's `clocks`.
fn clock<'a>(answer: &'a Value, name: &str) -> &'a Value {
    answer["clocks"]
        .as_array()
        .and_then(|clocks| clocks.iter().find(|c| c["clock"] == name))
        .unwrap_or_else(|| panic!("no {name} clock in {answer}"))
}

/// Whether any line of a clock's explanation contains `text`.
fn explains(clock: &Value, text: &str) -> bool {
    clock["explanation"].as_array().is_some_and(|lines| {
        lines
            .iter()
            .any(|l| l.as_str().is_some_and(|l| l.contains(text)))
    })
}

/// The request as the store keeps it.
async fn kept(app: &TestApp, tracking: &str) -> store::RecordsRequest {
    let request = app.state.store.request_by_tracking(tracking).await.unwrap();
    request.unwrap_or_else(|| panic!("no request {tracking}"))
}

/// The request's state as the store keeps it.
async fn state(app: &TestApp, tracking: &str) -> String {
    kept(app, tracking).await.state
}

/// The audit entries of one action, newest first.
async fn audit(app: &TestApp, action: &str) -> Vec<store::AuditEntry> {
    let filter = store::AuditFilter {
        action: Some(action.to_string()),
        ..Default::default()
    };
    app.state
        .store
        .audit_entries(&filter, 100, 0)
        .await
        .unwrap()
}

/// The tracking numbers of a page of the log or the queue.
fn trackings(page: &Value) -> Vec<&str> {
    let rows = page["requests"].as_array().expect("requests");
    rows.iter()
        .map(|r| r["tracking"].as_str().unwrap())
        .collect()
}

/// The requester's view, by the key of their link.
async fn requester_view(app: &TestApp, tracking: &str, key: &str) -> Value {
    let seen = get(app, &format!("/api/requests/{tracking}?key={key}"), None).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    seen.json()
}

/// The body of the last message on the requester's view.
fn last_message(view: &Value) -> &str {
    let messages = view["messages"].as_array().expect("messages");
    messages.last().expect("a message")["body"]
        .as_str()
        .unwrap()
}

/// Asserts the API's error envelope, `{code, error, message, data}`, and
/// answers the message.
fn refusal(reply: &Reply, status: StatusCode, code: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert!(
        reply.header("content-type").starts_with("application/json"),
        "{}",
        reply.header("content-type")
    );
    let body = reply.json();
    let keys: Vec<&String> = body.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["code", "data", "error", "message"], "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["error"], true);
    body["message"].as_str().unwrap().to_string()
}

/// What an action leaves on a request, to tell that a refusal left none.
async fn footprint(app: &TestApp, tracking: &str) -> Option<(String, Option<Value>, usize, usize)> {
    let store = &app.state.store;
    let request = store.request_by_tracking(tracking).await.unwrap()?;
    let events = store.request_events(request.id).await.unwrap().len();
    let messages = store
        .request_messages(request.id, true)
        .await
        .unwrap()
        .len();
    Some((request.state, request.closing, events, messages))
}

/// Posts an action that must be refused with `status` and `code`, leaving
/// the request as it was; answers the refusal's message.
async fn act_refused(
    app: &TestApp,
    token: &str,
    tracking: &str,
    action: Value,
    (status, code): (StatusCode, &str),
) -> String {
    let before = footprint(app, tracking).await;
    let reply = act(app, token, tracking, action.clone()).await;
    let message = refusal(&reply, status, code);
    let after = footprint(app, tracking).await;
    assert_eq!(after, before, "{action} changed {tracking}");
    message
}

/// A bad action: a 400, `request.bad_action`.
const BAD: (StatusCode, &str) = (StatusCode::BAD_REQUEST, "request.bad_action");
/// An action the law or the lifecycle refuses: a 409,
/// `request.action_refused`.
const REFUSED: (StatusCode, &str) = (StatusCode::CONFLICT, "request.action_refused");

/// Takes a request through triage and work into review.
async fn to_review(app: &TestApp, clerk: &str, tracking: &str) {
    for action in [
        json!({"action": "acknowledge"}),
        json!({"action": "move", "state": "in_progress"}),
        json!({"action": "move", "state": "in_review"}),
    ] {
        act_ok(app, clerk, tracking, action).await;
    }
}

/// A denial on the one ground of a personnel file.
fn personnel_denial(reason: &str) -> Value {
    json!({"action": "deny", "grounds": [{"exemption": "personnel_files", "reason": reason}]})
}
