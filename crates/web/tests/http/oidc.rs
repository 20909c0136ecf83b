//! Staff sign-in through an OpenID Connect provider. Without one configured
//! there is nothing to see; with one, a real portal on a socket and the
//! local provider that scripts/test starts (`CIVIC_TEST_OIDC_ISSUER`), driven
//! by a client that keeps cookies and follows redirects one at a time, as a
//! browser going between the two sites does.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use axum::http::StatusCode;
use store::Role;
use web::{AppState, Settings};

use crate::accounts::get;
use crate::support::TestApp;

#[tokio::test]
async fn without_a_provider_there_is_no_button_and_no_route() {
    let app = TestApp::new().await;
    for uri in ["/signin/oidc", "/signin/oidc/callback?code=a&state=b"] {
        let reply = get(&app, uri, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(reply.body.contains("Page not found"), "{}", reply.body);
    }
    let page = get(&app, "/signin", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/signin/oidc"), "{}", page.body);
    assert!(!page.body.contains("staff account"), "{}", page.body);
}

/// A provider on a port where nothing listens.
fn unreachable_provider() -> Settings {
    Settings {
        oidc_issuer: Some("http://127.0.0.1:9".to_string()),
        oidc_client_id: Some("civic".to_string()),
        oidc_button_label: "Sign in with Aurora staff login".to_string(),
        ..Settings::default()
    }
}

#[tokio::test]
async fn the_sign_in_page_offers_the_provider_and_a_provider_down_is_a_gateway_error() {
    let app = TestApp::with_settings(unreachable_provider()).await;
    let page = get(&app, "/signin?next=/d/nypd-hate", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let button = r#"href="/signin/oidc?next=%2Fd%2Fnypd-hate">Sign in with Aurora staff login<"#;
    assert!(
        page.body.replace("&#x2f;", "/").contains(button),
        "{}",
        page.body
    );

    let leave = get(&app, "/signin/oidc", None).await;
    assert_eq!(leave.status, StatusCode::BAD_GATEWAY, "{}", leave.body);
    assert!(leave.body.contains("not answering"), "{}", leave.body);
    assert!(leave.headers.get("set-cookie").is_none());
}

#[tokio::test]
async fn a_callback_without_its_sign_in_is_refused() {
    let app = TestApp::with_settings(unreachable_provider()).await;
    let reply = get(&app, "/signin/oidc/callback?code=a&state=b", None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("Start again"), "{}", reply.body);
    assert!(reply.headers.get("set-cookie").is_none());
}

/// A portal serving on a socket, its provider the local one.
struct Portal {
    state: AppState,
    base: String,
    _dir: tempfile::TempDir,
}

impl Portal {
    async fn start() -> Portal {
        let issuer = std::env::var("CIVIC_TEST_OIDC_ISSUER").expect("CIVIC_TEST_OIDC_ISSUER");
        let env = |name: &str, default: &str| std::env::var(name).unwrap_or(default.into());
        let settings = Settings {
            oidc_issuer: Some(issuer),
            oidc_client_id: Some(env("CIVIC_TEST_OIDC_CLIENT_ID", "civic-test")),
            oidc_client_secret: Some(env("CIVIC_TEST_OIDC_CLIENT_SECRET", "civic-test-secret")),
            ..Settings::default()
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store::Store::open(dir.path()).await.expect("store opens");
        let state = AppState::new(store, settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(web::serve(state.clone(), listener));
        Portal {
            state,
            base,
            _dir: dir,
        }
    }

    async fn add_user(&self, email: &str, role: Role) -> i64 {
        let new = store::NewUser {
            email: email.to_string(),
            name: format!("A {role}"),
            password_hash: None,
            role,
            departments: Vec::new(),
        };
        let now = self.state.clock.now();
        self.state
            .store
            .create_user(new, now)
            .await
            .expect("user")
            .id
    }

    fn callback(&self) -> String {
        format!("{}/signin/oidc/callback", self.base)
    }
}

struct Page {
    status: u16,
    url: String,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

/// Cookies by host and port, each sent back to every path: enough for two
/// sites, and stricter than a browser, which shares cookies between ports.
#[derive(Default)]
struct Browser {
    jar: Mutex<HashMap<String, BTreeMap<String, String>>>,
}

impl Browser {
    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .build()
            .new_agent()
    }

    fn get(&self, url: &str) -> Page {
        let request = Self::agent().get(url);
        let request = match self.cookies_for(url) {
            Some(cookies) => request.header("Cookie", cookies),
            None => request,
        };
        self.read(url, request.call().expect("GET"))
    }

    fn post_form(&self, url: &str, fields: &[(&str, &str)]) -> Page {
        let request = Self::agent().post(url);
        let request = match self.cookies_for(url) {
            Some(cookies) => request.header("Cookie", cookies),
            None => request,
        };
        self.read(
            url,
            request.send_form(fields.iter().copied()).expect("POST"),
        )
    }

    /// Follows redirects from `url` until one leads to `stop`, which is
    /// answered without being asked; or until a page that is not a redirect.
    fn follow_until(&self, url: &str, stop: &str) -> Result<String, Page> {
        let mut url = url.to_string();
        for _ in 0..10 {
            if url.starts_with(stop) {
                return Ok(url);
            }
            let page = self.get(&url);
            match page.location {
                Some(next) => url = next,
                None => return Err(page),
            }
        }
        panic!("more than ten redirects, the last to {url}");
    }

    fn has_cookie(&self, url: &str, name: &str) -> bool {
        let jar = self.jar.lock().expect("jar");
        jar.get(&authority(url))
            .is_some_and(|cookies| cookies.contains_key(name))
    }

    fn cookies_for(&self, url: &str) -> Option<String> {
        let jar = self.jar.lock().expect("jar");
        let cookies = jar.get(&authority(url))?;
        let pairs: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    fn read(&self, url: &str, mut response: ureq::http::Response<ureq::Body>) -> Page {
        let headers = response.headers();
        let set_cookies: Vec<String> = headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(String::from))
            .collect();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(|to| resolve(url, to));
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().expect("body");
        let mut jar = self.jar.lock().expect("jar");
        let cookies = jar.entry(authority(url)).or_default();
        for line in &set_cookies {
            let pair = line.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let lower = line.to_ascii_lowercase();
            if value.is_empty() || lower.contains("max-age=0") || lower.contains("1970") {
                cookies.remove(name.trim());
            } else {
                cookies.insert(name.trim().to_string(), value.to_string());
            }
        }
        Page {
            status,
            url: url.to_string(),
            location,
            set_cookies,
            body,
        }
    }
}

/// `http://host:port` of an absolute URL.
fn authority(url: &str) -> String {
    let after = url.find("://").map_or(0, |i| i + 3);
    let end = url[after..].find('/').map_or(url.len(), |i| after + i);
    url[..end].to_string()
}

fn resolve(base: &str, location: &str) -> String {
    if location.starts_with('/') {
        format!("{}{location}", authority(base))
    } else {
        location.to_string()
    }
}

/// The query parameters of a URL, decoded.
fn query(url: &str) -> HashMap<String, String> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    serde_urlencoded::from_str(query).expect("a query string")
}

/// Leaves the portal for the provider, signs in there as `email`, and
/// answers the address the provider sends the browser back to, not yet
/// asked, with the address the portal first sent it to.
fn sign_in_at_provider(browser: &Browser, portal: &Portal, email: &str) -> (String, String) {
    let leave = browser.get(&format!("{}/signin/oidc?next=/account", portal.base));
    assert_eq!(leave.status, 303, "{}", leave.body);
    let to_provider = leave.location.expect("a redirect to the provider");
    let login = browser
        .follow_until(&to_provider, &portal.base)
        .expect_err("the provider's sign-in page");
    assert_eq!(login.status, 200, "{}", login.body);
    let signed_in = browser.post_form(&login.url, &[("email", email)]);
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let back = browser
        .follow_until(&signed_in.location.expect("on"), &portal.callback())
        .unwrap_or_else(|page| panic!("not sent back: {} {}", page.status, page.body));
    (to_provider, back)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the local OpenID provider that scripts/test starts"]
async fn a_staff_account_signs_in_through_the_provider() {
    let portal = Portal::start().await;
    let clerk = portal
        .add_user("clerk@auroragov.example", Role::Clerk)
        .await;
    let browser = Browser::default();

    let leave = browser.get(&format!("{}/signin/oidc?next=/account", portal.base));
    let pending = leave
        .set_cookies
        .iter()
        .find(|c| c.starts_with("civic_oidc="))
        .expect("the pending sign-in's cookie")
        .to_ascii_lowercase();
    for attribute in [
        "httponly",
        "samesite=lax",
        "path=/signin/oidc",
        "max-age=600",
    ] {
        assert!(pending.contains(attribute), "{attribute} in {pending}");
    }
    let to_provider = leave.location.expect("to the provider");
    let asked = query(&to_provider);
    assert_eq!(asked["response_type"], "code");
    assert_eq!(asked["code_challenge_method"], "S256");
    assert_eq!(asked["code_challenge"].len(), 43, "a SHA-256 challenge");
    assert!(asked["state"].len() >= 16 && asked["nonce"].len() >= 16);
    assert_eq!(asked["redirect_uri"], portal.callback());
    assert!(asked["scope"].split(' ').any(|s| s == "email"), "{asked:?}");

    let (_, back) = sign_in_at_provider(&browser, &portal, "clerk@auroragov.example");
    let answered = query(&back);
    assert!(answered.contains_key("code"), "{back}");
    let signed_in = browser.get(&back);
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(
        signed_in.location.as_deref(),
        Some(&*format!("{}/account", portal.base))
    );
    assert!(browser.has_cookie(&portal.base, "civic_session"));
    assert!(!browser.has_cookie(&portal.base, "civic_oidc"), "used once");

    let account = browser.get(&format!("{}/account", portal.base));
    assert_eq!(account.status, 200, "{}", account.body);
    assert!(account.body.contains("clerk@auroragov.example"));
    assert!(
        account.body.contains("<dd>Records clerk</dd>"),
        "{}",
        account.body
    );

    let audit = portal.state.store.audit_log(10, 0).await.expect("audit");
    let entry = &audit[0];
    assert_eq!(entry.action, "signed_in_with_provider");
    assert_eq!(entry.target, format!("user:{clerk}"));
    assert_eq!(entry.actor_email, "clerk@auroragov.example");
    let after = entry.after.as_ref().expect("details");
    assert_eq!(after["subject"], "u-clerk");

    // The code works once.
    let again = browser.get(&back);
    assert_eq!(again.status, 400, "{}", again.body);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the local OpenID provider that scripts/test starts"]
async fn an_address_without_an_account_or_not_confirmed_signs_no_one_in() {
    let portal = Portal::start().await;
    portal
        .add_user("unverified@auroragov.example", Role::Admin)
        .await;

    let browser = Browser::default();
    let (_, back) = sign_in_at_provider(&browser, &portal, "visitor@auroragov.example");
    let refused = browser.get(&back);
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("No account for this address"));
    assert!(refused.body.contains("visitor@auroragov.example"));
    assert!(!browser.has_cookie(&portal.base, "civic_session"));

    // An address the provider has not confirmed is not believed, though an
    // account here has it.
    let browser = Browser::default();
    let (_, back) = sign_in_at_provider(&browser, &portal, "unverified@auroragov.example");
    let refused = browser.get(&back);
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("did not confirm your e-mail address"));
    assert!(!browser.has_cookie(&portal.base, "civic_session"));

    let account = browser.get(&format!("{}/account", portal.base));
    assert_eq!(account.status, 303, "signed out: {}", account.body);
    let audit = portal.state.store.audit_log(10, 0).await.expect("audit");
    assert!(audit.iter().all(|e| e.action != "signed_in_with_provider"));
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the local OpenID provider that scripts/test starts"]
async fn a_tampered_state_is_refused() {
    let portal = Portal::start().await;
    portal
        .add_user("admin@auroragov.example", Role::Admin)
        .await;
    let browser = Browser::default();
    let (_, back) = sign_in_at_provider(&browser, &portal, "admin@auroragov.example");
    let state = &query(&back)["state"];

    let tampered = back.replace(&format!("state={state}"), "state=somebody-elses");
    assert_ne!(tampered, back);
    let refused = browser.get(&tampered);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.body.contains("does not belong"), "{}", refused.body);
    assert!(!browser.has_cookie(&portal.base, "civic_session"));

    // Another browser, without the pending sign-in, cannot use the answer.
    let elsewhere = Browser::default().get(&back);
    assert_eq!(elsewhere.status, 400, "{}", elsewhere.body);

    // The genuine answer still signs in.
    let signed_in = browser.get(&back);
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert!(browser.has_cookie(&portal.base, "civic_session"));
}
