//! Rate limits: budgets spent to the request, refused with 429 and the
//! `RateLimit-*` headers, refilled as the server's clock moves on, and kept
//! apart by address and by app token, through proxies and over a real
//! socket.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use futures::future::join_all;
use store::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;
use web::access::{new_secret, secret_hash};
use web::clock::ManualClock;
use web::{AppState, Settings};

use crate::support::Reply;

/// A server with an empty catalog on a clock that stands still.
struct Server {
    state: AppState,
    router: Router,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

fn noon() -> DateTime<Utc> {
    "2025-03-03T12:00:00Z".parse().expect("a time")
}

fn n(value: u32) -> NonZeroU32 {
    NonZeroU32::new(value).expect("non-zero")
}

/// Anonymous callers get `burst` at once and `per_hour` an hour.
fn limited(burst: u32, per_hour: u32) -> Settings {
    Settings {
        anonymous_burst: n(burst),
        anonymous_requests_per_hour: n(per_hour),
        ..Settings::default()
    }
}

async fn state(settings: Settings) -> (AppState, Arc<ManualClock>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store::Store::open(dir.path()).await.expect("store opens");
    let clock = Arc::new(ManualClock::new(noon()));
    let mut state = AppState::new(store, settings);
    state.clock = clock.clone();
    (state, clock, dir)
}

impl Server {
    async fn new(settings: Settings) -> Server {
        let (state, clock, dir) = state(settings).await;
        Server {
            router: web::router(state.clone()),
            state,
            clock,
            _dir: dir,
        }
    }

    async fn get(&self, peer: &str, uri: &str) -> Reply {
        self.get_with(peer, uri, &[]).await
    }

    async fn get_with(&self, peer: &str, uri: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut request = request.body(Body::empty()).expect("request");
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

    /// A new account's app token, as its secret.
    async fn token(&self) -> String {
        let now = noon();
        let user = self
            .state
            .store
            .create_user(
                store::NewUser {
                    email: format!("dev-{}@example.org", new_secret()),
                    name: "A developer".into(),
                    password_hash: None,
                    role: Role::Registered,
                    departments: Vec::new(),
                },
                now,
            )
            .await
            .expect("user");
        let secret = new_secret();
        self.state
            .store
            .create_app_token(user.id, "tests", &secret_hash(&secret), &secret[..8], now)
            .await
            .expect("token");
        secret
    }
}

const API: &str = "/api/catalog/v1";

/// (limit, remaining, reset) as the headers say.
fn budget(reply: &Reply) -> (&str, &str, &str) {
    (
        reply.header("ratelimit-limit"),
        reply.header("ratelimit-remaining"),
        reply.header("ratelimit-reset"),
    )
}

#[tokio::test]
async fn a_burst_is_served_exactly_then_refused_in_sodas_shape() {
    // Three at once, then one a minute.
    let server = Server::new(limited(3, 60)).await;

    for (remaining, reset) in [("2", "60"), ("1", "120"), ("0", "180")] {
        let reply = server.get("192.0.2.1", API).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(budget(&reply), ("3", remaining, reset));
    }

    let refused = server.get("192.0.2.1", API).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.header("retry-after"), "60");
    assert_eq!(budget(&refused), ("3", "0", "180"));
    assert!(
        refused
            .header("content-type")
            .starts_with("application/json")
    );
    let body = refused.json();
    assert_eq!(body["code"], "req.rate-limited");
    assert_eq!(body["error"], true);
    assert_eq!(body["data"]["retry_after"], 60);
    assert_eq!(body["data"]["terms"], "/terms/api");
    let message = body["message"].as_str().expect("a message");
    assert!(message.contains("retry in 60 seconds"), "{message}");
    assert!(
        message.contains("app token gets a larger budget"),
        "{message}"
    );
}

#[tokio::test]
async fn pages_and_unknown_addresses_spend_the_same_budget() {
    let server = Server::new(limited(3, 60)).await;
    assert_eq!(server.get("192.0.2.1", "/").await.status, StatusCode::OK);
    assert_eq!(
        server.get("192.0.2.1", "/nowhere").await.status,
        StatusCode::NOT_FOUND
    );
    let last = server.get("192.0.2.1", "/terms/api").await;
    assert_eq!(budget(&last), ("3", "0", "180"));
    let refused = server.get("192.0.2.1", "/browse").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn static_files_are_never_counted() {
    let server = Server::new(limited(1, 60)).await;
    for _ in 0..5 {
        let reply = server.get("192.0.2.1", "/static/civic.css").await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("ratelimit-limit"), "");
    }
    let reply = server.get("192.0.2.1", API).await;
    assert_eq!(budget(&reply), ("1", "0", "60"));
}

#[tokio::test]
async fn another_address_or_a_token_is_still_served() {
    let server = Server::new(limited(1, 60)).await;
    let token = server.token().await;
    server.get("192.0.2.1", API).await;
    assert_eq!(
        server.get("192.0.2.1", API).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    let other = server.get("192.0.2.2", API).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(budget(&other), ("1", "0", "60"));

    // The same exhausted address, now with a token: the token's budget.
    let with_token = server
        .get_with("192.0.2.1", API, &[("X-App-Token", &token)])
        .await;
    assert_eq!(with_token.status, StatusCode::OK);
    assert_eq!(budget(&with_token).0, "600");
    assert_eq!(budget(&with_token).1, "599");
}

#[tokio::test]
async fn each_token_has_its_own_budget_from_any_address() {
    let server = Server::new(Settings {
        token_burst: n(2),
        token_requests_per_hour: n(120),
        ..Settings::default()
    })
    .await;
    let (first, second) = (server.token().await, server.token().await);

    for peer in ["192.0.2.1", "198.51.100.7"] {
        let reply = server.get_with(peer, API, &[("X-App-Token", &first)]).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let refused = server
        .get(
            "203.0.113.4",
            &format!("{API}?$$app_token={}", urlencoding::encode(&first)),
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.header("retry-after"), "30");
    assert_eq!(budget(&refused), ("2", "0", "60"));
    let message = refused.json()["message"].as_str().unwrap_or("").to_string();
    assert!(message.contains("with this app token"), "{message}");

    let other = server
        .get_with("192.0.2.1", API, &[("X-App-Token", &second)])
        .await;
    assert_eq!(budget(&other), ("2", "1", "30"));
    // The addresses' own budgets were never touched.
    assert_eq!(budget(&server.get("192.0.2.1", API).await).1, "59");
}

#[tokio::test]
async fn the_budget_refills_as_the_clock_moves_on() {
    let server = Server::new(limited(3, 60)).await;
    for _ in 0..3 {
        server.get("192.0.2.1", API).await;
    }
    assert_eq!(
        server.get("192.0.2.1", API).await.header("retry-after"),
        "60"
    );

    server.clock.advance(Duration::seconds(20));
    let refused = server.get("192.0.2.1", API).await;
    assert_eq!(refused.header("retry-after"), "40");
    assert_eq!(budget(&refused), ("3", "0", "160"));

    server.clock.advance(Duration::seconds(40));
    let refilled = server.get("192.0.2.1", API).await;
    assert_eq!(refilled.status, StatusCode::OK);
    assert_eq!(budget(&refilled), ("3", "0", "180"));
    assert_eq!(
        server.get("192.0.2.1", API).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    server.clock.advance(Duration::seconds(180));
    for remaining in ["2", "1", "0"] {
        assert_eq!(budget(&server.get("192.0.2.1", API).await).1, remaining);
    }
}

#[tokio::test]
async fn with_limits_off_nothing_is_ever_refused() {
    let server = Server::new(Settings {
        rate_limits_enabled: false,
        ..limited(1, 1)
    })
    .await;
    for _ in 0..10 {
        let reply = server.get("192.0.2.1", API).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("ratelimit-limit"), "");
    }
}

#[tokio::test]
async fn forwarded_for_is_ignored_from_an_untrusted_peer() {
    let server = Server::new(Settings {
        trusted_proxies: "10.0.0.0/8".parse().expect("proxies"),
        ..limited(1, 60)
    })
    .await;
    let from = |client: &'static str| [("X-Forwarded-For", client)];
    let first = server
        .get_with("203.0.113.9", API, &from("198.51.100.1"))
        .await;
    assert_eq!(first.status, StatusCode::OK);
    // Another claimed client from the same peer spends the peer's budget.
    let second = server
        .get_with("203.0.113.9", API, &from("198.51.100.2"))
        .await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn forwarded_for_is_honoured_from_a_trusted_proxy() {
    let server = Server::new(Settings {
        trusted_proxies: "10.0.0.0/8, 192.0.2.50".parse().expect("proxies"),
        ..limited(1, 60)
    })
    .await;
    let from = |client: &'static str| [("X-Forwarded-For", client)];
    let ok = StatusCode::OK;
    let refused = StatusCode::TOO_MANY_REQUESTS;

    assert_eq!(
        server
            .get_with("10.0.0.5", API, &from("198.51.100.1"))
            .await
            .status,
        ok
    );
    // Another client behind the same proxy has its own budget.
    assert_eq!(
        server
            .get_with("10.0.0.5", API, &from("198.51.100.2"))
            .await
            .status,
        ok
    );
    // The first client again, through another proxy of the chain.
    let again = server
        .get_with("192.0.2.50", API, &from("198.51.100.1, 10.0.0.9"))
        .await;
    assert_eq!(again.status, refused);
    // What a client writes on the left changes nothing.
    let spoofed = server
        .get_with("10.0.0.5", API, &from("203.0.113.77, 198.51.100.2"))
        .await;
    assert_eq!(spoofed.status, refused);
    // The proxy's own address was never charged.
    assert_eq!(server.get("10.0.0.5", API).await.status, ok);
}

#[tokio::test]
async fn the_terms_page_shows_this_portals_numbers() {
    let server = Server::new(Settings {
        anonymous_requests_per_hour: n(1_234),
        anonymous_burst: n(56),
        token_requests_per_hour: n(9_876),
        token_burst: n(432),
        staff_requests_per_hour: n(5_432),
        staff_burst: n(321),
        ..Settings::default()
    })
    .await;
    let page = server.get("192.0.2.1", "/terms/api").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    for text in [
        "<td>1234</td><td>56</td>",
        "<td>9876</td><td>432</td>",
        "<td>5432</td><td>321</td>",
        "X-App-Token",
        "$$app_token",
        "429 Too Many Requests",
        "<code>Retry-After</code>",
        "<code>RateLimit-Limit</code>",
        "<code>RateLimit-Remaining</code>",
        "<code>RateLimit-Reset</code>",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    assert!(!page.body.contains("switched off"));

    // A developer reading it with their token sees themselves in the header.
    let token = server.token().await;
    let page = server
        .get_with("192.0.2.1", "/terms/api", &[("X-App-Token", &token)])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("@example.org"));
}

/// `GET path` over a connection from `from`: the status code.
async fn status_from(server: SocketAddr, from: &str, path: &str) -> u16 {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::new(from.parse().expect("address"), 0))
        .expect("binds to its own loopback address");
    let mut stream = socket.connect(server).await.expect("connects");
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("sends");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("reads");
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_over_a_socket_get_exactly_the_burst() {
    let (state, _clock, _dir) = state(limited(20, 1)).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listens");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(web::serve(state, listener));

    let statuses = join_all((0..200).map(|_| status_from(address, "127.0.0.2", API))).await;
    let served = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((served, refused), (20, 180), "{statuses:?}");

    assert_eq!(status_from(address, "127.0.0.3", API).await, 200);
    assert_eq!(status_from(address, "127.0.0.2", API).await, 429);
}

/// A signed-in session's cookie for a new account with `role`.
async fn session(server: &Server, role: Role) -> String {
    crate::roles::session_in(&server.state.store, role, &[], noon()).await
}

#[tokio::test]
async fn signed_in_staff_spend_their_own_budget_not_their_offices() {
    let server = Server::new(limited(1, 60)).await;
    // The office's address has spent its budget.
    server.get("192.0.2.9", API).await;
    assert_eq!(
        server.get("192.0.2.9", API).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A clerk at the same address works on, from their own budget.
    let clerk = session(&server, Role::Clerk).await;
    let served = server
        .get_with("192.0.2.9", API, &[("Cookie", &clerk)])
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(budget(&served).0, "600");
    // A resident signed in from there shares the address's.
    let resident = session(&server, Role::Registered).await;
    let refused = server
        .get_with("192.0.2.9", API, &[("Cookie", &resident)])
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
}
