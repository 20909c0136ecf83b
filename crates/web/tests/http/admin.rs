//! The administration pages: blocks made and lifted through their forms
//! and enforced on the API and on pages, the callers over their rate limit,
//! and the audit log read through filters and exported.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use store::{AppToken, AuditFilter, NewAuditEntry, Role, User};
use tower::ServiceExt;
use web::access::{new_secret, secret_hash};
use web::clock::ManualClock;
use web::{AppState, Settings};

use crate::support::Reply;

const API: &str = "/api/catalog/v1";
const REASON: &str = "Scraping the parcel pages faster than the terms allow.";

/// Noon in Aurora's winter is 05:00 there: 3 March all day.
fn noon() -> DateTime<Utc> {
    "2025-03-03T12:00:00Z".parse().expect("a time")
}

/// A server with an empty catalog on a clock that stands still, one router
/// for its whole life (so the limiter's counts last between requests).
struct Server {
    state: AppState,
    router: Router,
    clock: Arc<ManualClock>,
    /// Staff requests come from addresses of their own, one each, so they
    /// never spend the budgets the tests are about.
    staff_peers: AtomicU32,
    _dir: tempfile::TempDir,
}

/// A signed-in staff member.
struct Staff {
    user: User,
    cookie: String,
    csrf: String,
}

impl Server {
    async fn new() -> Server {
        Server::with_settings(Settings::default()).await
    }

    async fn with_settings(settings: Settings) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store::Store::open(dir.path()).await.expect("store opens");
        let clock = Arc::new(ManualClock::new(noon()));
        let mut state = AppState::new(store, settings);
        state.clock = clock.clone();
        Server {
            router: web::router(state.clone()),
            state,
            clock,
            staff_peers: AtomicU32::new(1),
            _dir: dir,
        }
    }

    async fn send(&self, peer: &str, request: axum::http::request::Builder, body: Body) -> Reply {
        let mut request = request.body(body).expect("request");
        let peer = SocketAddr::new(peer.parse().expect("peer address"), 40_000);
        request.extensions_mut().insert(ConnectInfo(peer));
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        Reply::read(response).await
    }

    async fn get(&self, peer: &str, uri: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(peer, request, Body::empty()).await
    }

    fn staff_peer(&self) -> String {
        let n = self.staff_peers.fetch_add(1, Ordering::Relaxed);
        format!("10.99.{}.{}", n / 250, n % 250 + 1)
    }

    /// A page as a staff member sees it.
    async fn page(&self, staff: &Staff, uri: &str) -> Reply {
        let peer = self.staff_peer();
        self.get(&peer, uri, &[("cookie", &staff.cookie)]).await
    }

    /// A form posted by a staff member, with their session's form token.
    async fn post(&self, staff: &Staff, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let peer = self.staff_peer();
        self.post_from(&peer, staff, uri, fields).await
    }

    async fn post_from(
        &self,
        peer: &str,
        staff: &Staff,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        let mut all = vec![("csrf", staff.csrf.as_str())];
        all.extend_from_slice(fields);
        let request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &staff.cookie);
        let body = serde_urlencoded::to_string(&all).expect("form");
        self.send(peer, request, Body::from(body)).await
    }

    async fn user(&self, email: &str, role: Role) -> User {
        let new = store::NewUser {
            email: email.to_string(),
            name: String::new(),
            password_hash: None,
            role,
            departments: Vec::new(),
        };
        self.state
            .store
            .create_user(new, noon())
            .await
            .expect("user")
    }

    /// A session for `user` that outlasts every clock move of these tests.
    async fn sign_in(&self, user: &User) -> Staff {
        let (secret, csrf) = (new_secret(), new_secret());
        self.state
            .store
            .create_session(
                user.id,
                &secret_hash(&secret),
                &csrf,
                noon(),
                noon() + Duration::days(60),
            )
            .await
            .expect("session");
        Staff {
            user: user.clone(),
            cookie: format!("{}={secret}", web::access::SESSION_COOKIE),
            csrf,
        }
    }

    async fn staff(&self, email: &str, role: Role) -> Staff {
        let user = self.user(email, role).await;
        self.sign_in(&user).await
    }

    /// A new app token of `owner`, and its secret.
    async fn token(&self, owner: &User, name: &str) -> (AppToken, String) {
        let secret = new_secret();
        let token = self
            .state
            .store
            .create_app_token(owner.id, name, &secret_hash(&secret), &secret[..8], noon())
            .await
            .expect("token");
        (token, secret)
    }

    /// The block form, posted by `staff`: the answer.
    async fn block(&self, staff: &Staff, kind: &str, value: &str, until: &str) -> Reply {
        let fields = [
            ("kind", kind),
            ("value", value),
            ("reason", REASON),
            ("until", until),
        ];
        self.post(staff, "/admin/blocks", &fields).await
    }

    async fn audit(&self) -> Vec<store::AuditEntry> {
        let filter = AuditFilter::default();
        self.state
            .store
            .audit_entries(&filter, 100, 0)
            .await
            .expect("audit log")
    }
}

/// The answer is the API's 403 for a blocked caller, with the reason.
fn assert_blocked_api(reply: &Reply, until: Value) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.header("content-type").starts_with("application/json"));
    assert_eq!(
        reply.json(),
        json!({
            "code": "authorization.blocked",
            "error": true,
            "message": REASON,
            "data": { "until": until },
        })
    );
}

/// The answer is the blocked page, with the reason.
fn assert_blocked_page(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.header("content-type").starts_with("text/html"));
    assert!(
        reply.body.contains("<h1>Access blocked</h1>"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains(REASON), "{}", reply.body);
}

fn assert_made(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.header("location"), "/admin/blocks");
}

#[tokio::test]
async fn a_blocked_token_is_refused_on_the_api_and_on_pages() {
    let server = Server::new().await;
    let admin = server.staff("admin@example.org", Role::Admin).await;
    let dev = server.user("dev@example.org", Role::Registered).await;
    let (nightly, secret) = server.token(&dev, "nightly").await;
    let (_, other_secret) = server.token(&dev, "dashboard").await;

    assert_made(&server.block(&admin, "app_token", &secret[..8], "").await);

    let api = server
        .get("192.0.2.1", API, &[("X-App-Token", &secret)])
        .await;
    assert_blocked_api(&api, Value::Null);
    let by_parameter = format!("{API}?$$app_token={secret}");
    assert_blocked_api(
        &server.get("192.0.2.1", &by_parameter, &[]).await,
        Value::Null,
    );
    let page = server
        .get("192.0.2.1", "/", &[("X-App-Token", &secret)])
        .await;
    assert_blocked_page(&page);
    assert!(page.body.contains("until the block is lifted"));
    // The stylesheet is still served, so the page has its look.
    let css = server
        .get(
            "192.0.2.1",
            "/static/civic.css",
            &[("X-App-Token", &secret)],
        )
        .await;
    assert_eq!(css.status, StatusCode::OK);

    // The owner's other token, and the same address without a token, are
    // not blocked.
    let other = server
        .get("192.0.2.1", API, &[("X-App-Token", &other_secret)])
        .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(
        server.get("192.0.2.1", API, &[]).await.status,
        StatusCode::OK
    );

    let audit = server.audit().await;
    assert_eq!(audit[0].action, "block_created");
    assert_eq!(audit[0].target, format!("app_token:{}", nightly.id));
    assert_eq!(audit[0].actor_email, "admin@example.org");
    assert_eq!(audit[0].before, None);
    let after = audit[0].after.as_ref().expect("after");
    assert_eq!(after["reason"], REASON);
    assert_eq!(after["ends_at"], Value::Null);
    assert_eq!(after["lifted_at"], Value::Null);
    let what = after["what"].as_str().unwrap_or_default();
    assert!(
        what.contains("“nightly”") && what.contains("dev@example.org"),
        "{what}"
    );
}

#[tokio::test]
async fn a_blocked_account_is_refused_in_its_sessions_and_with_all_its_tokens() {
    let server = Server::new().await;
    let steward = server.staff("steward@example.org", Role::Steward).await;
    let dev = server.user("dev@example.org", Role::Registered).await;
    let session = server.sign_in(&dev).await;
    let (_, first) = server.token(&dev, "one").await;
    let (_, second) = server.token(&dev, "two").await;
    let bystander = server.user("bob@example.org", Role::Registered).await;
    let (_, bobs) = server.token(&bystander, "bob's").await;

    // Stewards block too; the address is found in any case.
    assert_made(&server.block(&steward, "user", "DEV@Example.org", "").await);

    let own_page = server.page(&session, "/account").await;
    assert_blocked_page(&own_page);
    for secret in [&first, &second] {
        let reply = server
            .get("192.0.2.1", API, &[("X-App-Token", secret)])
            .await;
        assert_blocked_api(&reply, Value::Null);
    }
    let bob = server
        .get("192.0.2.1", API, &[("X-App-Token", &bobs)])
        .await;
    assert_eq!(bob.status, StatusCode::OK);

    let audit = server.audit().await;
    assert_eq!(audit[0].target, format!("user:{}", dev.id));
    assert_eq!(audit[0].actor_email, "steward@example.org");
}

#[tokio::test]
async fn a_blocked_range_refuses_every_address_in_it() {
    let server = Server::with_settings(Settings {
        trusted_proxies: "10.0.0.0/8".parse().expect("proxies"),
        ..Settings::default()
    })
    .await;
    let admin = server.staff("admin@example.org", Role::Admin).await;
    assert_made(
        &server
            .block(&admin, "network", "198.51.100.77/24", "")
            .await,
    );
    assert_made(&server.block(&admin, "network", "2001:db8:1::/48", "").await);

    assert_blocked_api(&server.get("198.51.100.200", API, &[]).await, Value::Null);
    assert_blocked_page(&server.get("198.51.100.1", "/browse", &[]).await);
    assert_blocked_api(&server.get("2001:db8:1:2::9", API, &[]).await, Value::Null);
    assert_blocked_page(&server.get("::ffff:198.51.100.3", "/", &[]).await);
    for free in ["198.51.101.1", "2001:db8:2::1"] {
        assert_eq!(
            server.get(free, API, &[]).await.status,
            StatusCode::OK,
            "{free}"
        );
    }

    // Behind a trusted proxy the forwarded client counts; from anyone else
    // the header is ignored, as the rate limits do.
    let forwarded = [("X-Forwarded-For", "198.51.100.9")];
    assert_blocked_api(&server.get("10.0.0.5", API, &forwarded).await, Value::Null);
    assert_eq!(
        server.get("203.0.113.9", API, &forwarded).await.status,
        StatusCode::OK
    );

    let targets: Vec<String> = server
        .audit()
        .await
        .iter()
        .map(|e| e.target.clone())
        .collect();
    assert_eq!(
        targets,
        ["network:2001:db8:1::/48", "network:198.51.100.0/24"]
    );
}

#[tokio::test]
async fn a_block_ends_by_itself_after_its_last_day() {
    let server = Server::new().await;
    let admin = server.staff("admin@example.org", Role::Admin).await;
    assert_made(
        &server
            .block(&admin, "network", "192.0.2.0/24", "2025-03-03")
            .await,
    );

    // Through 3 March in Aurora: until 07:00 UTC on the 4th.
    let until = json!("2025-03-04T07:00:00Z");
    assert_blocked_api(&server.get("192.0.2.1", API, &[]).await, until.clone());
    server.clock.advance(Duration::hours(18));
    assert_blocked_api(&server.get("192.0.2.1", API, &[]).await, until);
    server.clock.advance(Duration::hours(1));
    assert_eq!(
        server.get("192.0.2.1", API, &[]).await.status,
        StatusCode::OK
    );

    let page = server.page(&admin, "/admin/blocks").await;
    assert!(page.body.contains("No one is blocked."), "{}", page.body);
    assert!(page.body.contains("ran its course"), "{}", page.body);
}

#[tokio::test]
async fn lifting_a_block_lets_the_caller_back_at_once() {
    let server = Server::new().await;
    let admin = server.staff("admin@example.org", Role::Admin).await;
    assert_made(
        &server
            .block(&admin, "network", "192.0.2.7", "2025-03-10")
            .await,
    );
    assert_eq!(
        server.get("192.0.2.7", API, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let block = server.state.store.blocks(10).await.expect("blocks")[0].clone();
    let listed = server.page(&admin, "/admin/blocks").await;
    assert!(
        listed.body.contains("Addresses 192.0.2.7&#x2f;32"),
        "{}",
        listed.body
    );
    assert!(
        listed
            .body
            .contains(&format!("/admin/blocks/{}/lift", block.id))
    );

    server.clock.advance(Duration::minutes(5));
    let lift = format!("/admin/blocks/{}/lift", block.id);
    assert_made(&server.post(&admin, &lift, &[]).await);
    assert_eq!(
        server.get("192.0.2.7", API, &[]).await.status,
        StatusCode::OK
    );
    // Lifting again changes nothing and writes nothing.
    assert_made(&server.post(&admin, &lift, &[]).await);

    let audit = server.audit().await;
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["block_lifted", "block_created"]);
    let lifted = &audit[0];
    assert_eq!(lifted.target, "network:192.0.2.7/32");
    assert_eq!(lifted.at, noon() + Duration::minutes(5));
    let before = lifted.before.as_ref().expect("before");
    let after = lifted.after.as_ref().expect("after");
    assert_eq!(before["block"], json!(block.id));
    assert_eq!(before["lifted_at"], Value::Null);
    assert_eq!(after["lifted_at"], json!("2025-03-03T12:05:00Z"));
    // Summer time starts on 9 March: midnight is 06:00 UTC by then.
    assert_eq!(after["ends_at"], json!("2025-03-11T06:00:00Z"));
    assert_eq!(after["reason"], REASON);

    let missing = server.post(&admin, "/admin/blocks/999/lift", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_block_form_that_cannot_be_used_is_answered_with_400_and_why() {
    let server = Server::new().await;
    let admin = server.staff("admin@example.org", Role::Admin).await;
    let steward = server.staff("steward@example.org", Role::Steward).await;
    let clerk = server.user("clerk@example.org", Role::Clerk).await;
    let (admins_token, _) = server.token(&admin.user, "mine").await;
    let own_token = format!("#{}", admins_token.id);

    let cases = [
        (
            &admin,
            "network",
            "10.0.0.0/33",
            "",
            "neither an address nor a range",
        ),
        (
            &admin,
            "network",
            "example.org",
            "",
            "neither an address nor a range",
        ),
        (
            &admin,
            "user",
            "nobody@example.org",
            "",
            "No account has the e-mail address",
        ),
        (
            &admin,
            "app_token",
            "#4242",
            "",
            "no app token with this number",
        ),
        (
            &admin,
            "app_token",
            "deadbeef",
            "",
            "No app token starts with",
        ),
        (
            &admin,
            "network",
            "192.0.2.0/24",
            "2025-03-02",
            "has passed",
        ),
        (&admin, "network", "192.0.2.0/24", "soon", "not a date"),
        (
            &admin,
            "network",
            "10.99.0.0/16",
            "",
            "holds your own address",
        ),
        (&admin, "user", "admin@example.org", "", "your own account"),
        (&admin, "app_token", &own_token, "", "your own account"),
        (
            &steward,
            "user",
            "clerk@example.org",
            "",
            "Only an administrator",
        ),
    ];
    for (staff, kind, value, until, says) in cases {
        let reply = server.block(staff, kind, value, until).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{value}: {}",
            reply.body
        );
        assert!(
            reply.body.contains(says),
            "{value}: {says} not in {}",
            reply.body
        );
        // The form comes back as it was filled in.
        let shown = value.replace('/', "&#x2f;");
        assert!(
            reply.body.contains(&format!("value=\"{shown}\"")),
            "{value}"
        );
    }
    let no_reason = [("kind", "network"), ("value", "192.0.2.1"), ("reason", " ")];
    let reply = server.post(&admin, "/admin/blocks", &no_reason).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("Give the reason"));

    assert!(
        server
            .state
            .store
            .blocks(10)
            .await
            .expect("blocks")
            .is_empty()
    );
    assert!(server.audit().await.is_empty());
    // An administrator may block a staff account.
    assert_made(&server.block(&admin, "user", &clerk.email, "").await);
}

#[tokio::test]
async fn only_administrators_read_the_audit_log() {
    let server = Server::new().await;
    let steward = server.staff("steward@example.org", Role::Steward).await;
    let clerk = server.staff("clerk@example.org", Role::Clerk).await;
    let admin = server.staff("admin@example.org", Role::Admin).await;

    for uri in ["/admin/audit", "/admin/audit.csv", "/admin/audit.json"] {
        for staff in [&steward, &clerk] {
            let reply = server.page(staff, uri).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
            assert!(reply.body.contains("Not allowed"), "{uri}");
        }
        let anonymous = server.get("192.0.2.1", uri, &[]).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(
            server.page(&admin, uri).await.status,
            StatusCode::OK,
            "{uri}"
        );
    }
    // Stewards block, and see the index without the audit log.
    let index = server.page(&steward, "/admin").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("/admin/blocks"));
    assert!(!index.body.contains("/admin/audit"));
    assert!(
        index
            .body
            .contains("aria-current=\"page\">Administration</a>")
    );
    assert!(
        server
            .page(&admin, "/admin")
            .await
            .body
            .contains("/admin/audit")
    );
    assert_eq!(
        server.page(&clerk, "/admin/blocks").await.status,
        StatusCode::FORBIDDEN
    );
}

/// Entries by two people over three days, straight into the log.
async fn some_history(server: &Server) -> (User, User) {
    let ada = server.user("ada@example.org", Role::Admin).await;
    let bob = server.user("bob@example.org", Role::Steward).await;
    let day = Duration::days(1);
    let entries = [
        (&ada, "block_created", "user:7", noon() - day * 2),
        (&bob, "block_created", "network:192.0.2.0/24", noon() - day),
        (&ada, "block_lifted", "user:7", noon() - day),
        (&bob, "app_token_revoked", "app_token:3", noon()),
    ];
    for (actor, action, target, at) in entries {
        let entry = NewAuditEntry {
            actor: Some(actor.clone()),
            action,
            target: target.to_string(),
            before: Some(json!({ "note": "a, \"quoted\" value" })),
            after: None,
        };
        server
            .state
            .store
            .append_audit(entry, at)
            .await
            .expect("entry");
    }
    (ada, bob)
}

#[tokio::test]
async fn the_audit_page_filters_by_who_what_and_when() {
    let server = Server::new().await;
    let (ada, _) = some_history(&server).await;
    let admin = server.sign_in(&ada).await;

    let all = server.page(&admin, "/admin/audit").await;
    assert!(all.body.contains("4 entries"), "{}", all.body);
    assert!(all.body.contains("<code>app_token:3</code>"));

    let by_bob = server.page(&admin, "/admin/audit?actor=BOB").await;
    assert!(by_bob.body.contains("2 entries"), "{}", by_bob.body);
    assert!(!by_bob.body.contains("<td>ada@example.org</td>"));

    let lifted = server
        .page(&admin, "/admin/audit?action=block_lifted")
        .await;
    assert!(lifted.body.contains("1 entry"), "{}", lifted.body);
    assert!(lifted.body.contains("<code>block_lifted</code>"));

    let on_user = server.page(&admin, "/admin/audit?target=user%3A7").await;
    assert!(on_user.body.contains("2 entries"), "{}", on_user.body);

    let one_day = server
        .page(&admin, "/admin/audit?from=2025-03-02&to=2025-03-02")
        .await;
    assert!(one_day.body.contains("2 entries"), "{}", one_day.body);
    assert!(one_day.body.contains("2 March 2025, 05:00 MST"));
    // The downloads carry the filters.
    assert!(
        one_day
            .body
            .contains("href=\"&#x2f;admin&#x2f;audit.csv?from=2025-03-02&amp;to=2025-03-02\""),
        "{}",
        one_day.body
    );

    let bad = server.page(&admin, "/admin/audit?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("not a date"));
}

#[tokio::test]
async fn the_exports_hold_the_filtered_entries_with_every_column() {
    let server = Server::new().await;
    let (ada, bob) = some_history(&server).await;
    let admin = server.sign_in(&ada).await;

    let csv = server
        .page(&admin, "/admin/audit.csv?actor=bob&from=2025-03-02")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        csv.header("content-disposition"),
        "attachment; filename=\"audit-log.csv\""
    );
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        columns,
        [
            "id",
            "at",
            "actor_id",
            "actor_email",
            "action",
            "target",
            "before",
            "after"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("record").iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{}", csv.body);
    let bob_id = bob.id.to_string();
    assert_eq!(
        rows[0][1..],
        [
            "2025-03-03T12:00:00.000Z",
            bob_id.as_str(),
            "bob@example.org",
            "app_token_revoked",
            "app_token:3",
            r#"{"note":"a, \"quoted\" value"}"#,
            "",
        ]
    );
    assert_eq!(rows[1][4..6], ["block_created", "network:192.0.2.0/24"]);

    let json = server
        .page(&admin, "/admin/audit.json?action=block_created")
        .await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(
        json.header("content-type"),
        "application/json; charset=utf-8"
    );
    let entries = json.json();
    let entries = entries.as_array().expect("an array");
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[1],
        json!({
            "id": entries[1]["id"],
            "at": "2025-03-01T12:00:00.000Z",
            "actor_id": ada.id,
            "actor_email": "ada@example.org",
            "action": "block_created",
            "target": "user:7",
            "before": { "note": "a, \"quoted\" value" },
            "after": null,
        })
    );
    assert_eq!(entries[0]["target"], "network:192.0.2.0/24");

    let none = server.page(&admin, "/admin/audit.json?actor=nobody").await;
    assert_eq!(none.json(), json!([]));
}

#[tokio::test]
async fn an_export_longer_than_one_store_page_is_whole() {
    let server = Server::new().await;
    let ada = server.user("ada@example.org", Role::Admin).await;
    for i in 0..1_203 {
        let entry = NewAuditEntry {
            actor: None,
            action: "user_created",
            target: format!("user:{i}"),
            before: None,
            after: None,
        };
        server
            .state
            .store
            .append_audit(entry, noon())
            .await
            .expect("entry");
    }
    let admin = server.sign_in(&ada).await;
    let json = server.page(&admin, "/admin/audit.json").await;
    let entries = json.json();
    let targets: Vec<&str> = entries
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|e| e["target"].as_str())
        .collect();
    let expected: Vec<String> = (0..1_203).rev().map(|i| format!("user:{i}")).collect();
    assert_eq!(targets, expected);
}

#[tokio::test]
async fn callers_who_keep_hitting_the_limit_are_flagged_with_a_block_button() {
    let one = NonZeroU32::new(1).expect("non-zero");
    let server = Server::with_settings(Settings {
        anonymous_burst: one,
        anonymous_requests_per_hour: one,
        token_burst: one,
        token_requests_per_hour: one,
        ..Settings::default()
    })
    .await;
    let admin = server.staff("admin@example.org", Role::Admin).await;
    let dev = server.user("dev@example.org", Role::Registered).await;
    let (token, secret) = server.token(&dev, "tight loop").await;

    for _ in 0..4 {
        server.get("127.0.0.7", API, &[]).await;
    }
    server.clock.advance(Duration::minutes(3));
    server.get("127.0.0.7", API, &[]).await;
    for _ in 0..3 {
        server
            .get("127.0.0.8", API, &[("X-App-Token", &secret)])
            .await;
    }
    server.get("127.0.0.9", API, &[]).await;

    let page = server.page(&admin, "/admin/limits").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    let address = body
        .find("<th scope=\"row\">Address 127.0.0.7</th>")
        .expect("address");
    let token_row = body
        .find(&format!(
            "<th scope=\"row\">App token #{} “tight loop” ({}…) of dev@example.org</th>",
            token.id,
            &secret[..8]
        ))
        .expect("token");
    assert!(address < token_row, "most refused first");
    assert!(!body.contains("127.0.0.9"), "never refused");
    assert!(!body.contains("127.0.0.8"), "counted by token");
    let row = &body[address..token_row];
    assert!(row.contains("<td class=\"num\">4</td>"), "{row}");
    assert!(row.contains("3 March 2025, 05:00 MST"), "{row}");
    assert!(row.contains("3 March 2025, 05:03 MST"), "{row}");
    assert!(row.contains("name=\"value\" value=\"127.0.0.7\""), "{row}");
    assert!(body.contains(&format!("name=\"value\" value=\"#{}\"", token.id)));

    // One click: the prefilled form blocks the address for a week.
    let until = "2025-03-10";
    assert!(
        row.contains(&format!("name=\"until\" value=\"{until}\"")),
        "{row}"
    );
    let reason = "This client kept sending requests after being told to slow down, so it has \
                  been blocked for a while. Programs that query the portal often should pace \
                  their requests and send an app token.";
    let fields = [
        ("kind", "network"),
        ("value", "127.0.0.7"),
        ("reason", reason),
        ("until", until),
    ];
    assert_made(&server.post(&admin, "/admin/blocks", &fields).await);
    let refused = server.get("127.0.0.7", API, &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["message"], reason);

    let page = server.page(&admin, "/admin/limits").await;
    let address = page.body.find("Address 127.0.0.7").expect("still listed");
    let rest = &page.body[address..];
    let row = &rest[..rest.find("</tr>").expect("row end")];
    assert!(row.contains("Blocked"), "{row}");
    assert!(!row.contains("<form"), "{row}");
}
