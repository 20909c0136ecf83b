//! Accounts through the pages, as a browser uses them: signing up and in,
//! the cookies that carry a session, the token every form carries back,
//! signing out, and app tokens from creation to revocation.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, TimeZone, Utc};
use web::Settings;
use web::clock::ManualClock;

use crate::support::{Reply, TestApp};

const PASSWORD: &str = "correct horse battery staple";

/// The `Set-Cookie` line a reply sends for `name`.
fn set_cookie(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(String::from)
}

/// A `Set-Cookie` line as the `Cookie` header that sends it back.
fn sent_back(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_string()
}

/// The attributes of a `Set-Cookie` line, in lower case.
fn attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect()
}

/// The value of the first hidden field called `name`.
pub fn hidden(html: &str, name: &str) -> String {
    let at = format!("name=\"{name}\" value=\"");
    let from = html
        .find(&at)
        .unwrap_or_else(|| panic!("no hidden {name} in {html}"))
        + at.len();
    let len = html[from..].find('"').expect("closing quote");
    html[from..from + len].replace("&#x2f;", "/")
}

pub async fn get(app: &TestApp, uri: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.request(request.body(Body::empty()).unwrap()).await
}

pub async fn post(
    app: &TestApp,
    uri: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> Reply {
    let mut request =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let body = serde_urlencoded::to_string(fields).unwrap();
    app.request(request.body(Body::from(body)).unwrap()).await
}

/// What a browser has after showing an anonymous form: the `civic_csrf`
/// cookie and the form's token.
pub async fn anonymous_form(app: &TestApp, uri: &str) -> (String, String) {
    let page = get(app, uri, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let cookie = set_cookie(&page, "civic_csrf").expect("a civic_csrf cookie");
    (sent_back(&cookie), hidden(&page.body, "csrf"))
}

/// Signs a new person up; answers the reply, which carries the session.
async fn sign_up(app: &TestApp, email: &str) -> Reply {
    let (cookie, csrf) = anonymous_form(app, "/signup").await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("email", email),
        ("name", "Ada Lovelace"),
        ("password", PASSWORD),
    ];
    post(app, "/signup", Some(&cookie), &fields).await
}

/// Signs a new person up; answers their session's `Cookie` header.
async fn session_of_new(app: &TestApp, email: &str) -> String {
    let reply = sign_up(app, email).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    sent_back(&set_cookie(&reply, "civic_session").expect("a session cookie"))
}

async fn sign_in(app: &TestApp, email: &str, password: &str, next: &str) -> Reply {
    let (cookie, csrf) = anonymous_form(app, "/signin").await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("email", email),
        ("password", password),
        ("next", next),
    ];
    post(app, "/signin", Some(&cookie), &fields).await
}

/// The session's form token, as its pages carry it.
async fn csrf_of(app: &TestApp, session: &str) -> String {
    hidden(&get(app, "/account", Some(session)).await.body, "csrf")
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    let found = app.state.store.user_with_password(email).await.unwrap();
    found.expect("the account exists").0.id
}

/// The text of the sign-in form's error box.
fn error_summary(html: &str) -> &str {
    let from = html
        .find("class=\"error-summary\"")
        .expect("an error summary");
    let len = html[from..].find("</div>").expect("its end");
    &html[from..from + len]
}

#[tokio::test]
async fn signing_up_signs_in_with_a_cookie_scripts_cannot_read() {
    let app = TestApp::new().await;
    let form = get(&app, "/signup", None).await;
    let csrf_cookie = set_cookie(&form, "civic_csrf").expect("civic_csrf");
    let csrf_attributes = attributes(&csrf_cookie);
    for expected in ["httponly", "samesite=strict", "path=/"] {
        assert!(
            csrf_attributes.iter().any(|a| a == expected),
            "{csrf_cookie}"
        );
    }

    let reply = sign_up(&app, "ada@example.org").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.header("location"), "/account");
    let session = set_cookie(&reply, "civic_session").expect("civic_session");
    let secret = sent_back(&session)["civic_session=".len()..].to_string();
    assert_eq!(secret.len(), 64, "{session}");
    let mut session_attributes = attributes(&session);
    session_attributes.sort();
    assert_eq!(
        session_attributes,
        ["httponly", "max-age=1209600", "path=/", "samesite=lax"],
        "{session}"
    );

    let account = get(&app, "/account", Some(&sent_back(&session))).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(
        account.body.contains("<dd>ada@example.org</dd>"),
        "{}",
        account.body
    );
    assert!(account.body.contains("<dd>Ada Lovelace</dd>"));
    assert!(account.body.contains("<dd>Registered user</dd>"));
    assert_eq!(account.header("cache-control"), "no-store");

    // Every page's header then names the person and offers to sign out.
    let home = get(&app, "/", Some(&sent_back(&session))).await;
    assert!(
        home.body
            .contains("Your account: </span>ada@example.org</a>")
    );
    assert!(home.body.contains("action=\"/signout\""));
    assert!(!home.body.contains(">Sign in</a>"));
    let anonymous = get(&app, "/", None).await;
    assert!(anonymous.body.contains("<a href=\"/signin\">Sign in</a>"));
    assert!(!anonymous.body.contains("action=\"/signout\""));
}

#[tokio::test]
async fn a_portal_served_over_https_marks_its_cookies_secure() {
    let settings = Settings {
        public_url: Some("https://data.example.gov".to_string()),
        ..Settings::default()
    };
    let app = TestApp::with_settings(settings).await;
    let form = get(&app, "/signin", None).await;
    let csrf = set_cookie(&form, "civic_csrf").expect("civic_csrf");
    assert!(attributes(&csrf).contains(&"secure".to_string()), "{csrf}");

    let reply = sign_up(&app, "ada@example.org").await;
    let session = set_cookie(&reply, "civic_session").expect("civic_session");
    assert!(
        attributes(&session).contains(&"secure".to_string()),
        "{session}"
    );
}

#[tokio::test]
async fn the_signup_form_says_what_to_change() {
    let app = TestApp::new().await;
    let (cookie, csrf) = anonymous_form(&app, "/signup").await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("email", "ada@example"),
        ("name", " "),
        ("password", "hunter2"),
    ];
    let reply = post(&app, "/signup", Some(&cookie), &fields).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("Enter an e-mail address in the form name@example.org.")
    );
    assert!(reply.body.contains("Enter your name."));
    assert!(
        reply
            .body
            .contains("Choose a password of at least 12 characters; this one has 7.")
    );
    assert!(
        reply.body.contains("value=\"ada@example\""),
        "the address is kept"
    );
    assert!(!reply.body.contains("hunter2"), "the password is not");
    assert!(set_cookie(&reply, "civic_session").is_none());

    session_of_new(&app, "ada@example.org").await;
    let again = sign_up(&app, "ADA@example.org").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains("An account with this e-mail address already exists: sign in instead.")
    );
    assert_eq!(app.state.store.users().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_failed_sign_in_does_not_say_what_was_wrong() {
    let app = TestApp::new().await;
    session_of_new(&app, "ada@example.org").await;
    session_of_new(&app, "bob@example.org").await;
    sqlx::query("UPDATE users SET disabled_at = '2025-01-01T00:00:00.000Z' WHERE email = ?")
        .bind("bob@example.org")
        .execute(app.state.store.pool())
        .await
        .unwrap();

    let wrong_password = sign_in(&app, "ada@example.org", "correct horse battery", "/").await;
    let no_account = sign_in(&app, "nobody@example.org", PASSWORD, "/").await;
    let disabled = sign_in(&app, "bob@example.org", PASSWORD, "/").await;
    let expected = "That e-mail address and password do not match an account. \
                    Check both and try again.";
    for reply in [&wrong_password, &no_account, &disabled] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(reply.body.contains(expected), "{}", reply.body);
        assert!(set_cookie(reply, "civic_session").is_none());
    }
    assert_eq!(
        error_summary(&wrong_password.body),
        error_summary(&no_account.body)
    );
    assert_eq!(
        error_summary(&wrong_password.body),
        error_summary(&disabled.body)
    );

    let right = sign_in(&app, "ADA@Example.org", PASSWORD, "/").await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(right.header("location"), "/");
    assert!(set_cookie(&right, "civic_session").is_some());
}

#[tokio::test]
async fn a_form_without_its_token_is_refused() {
    let app = TestApp::new().await;
    let (cookie, csrf) = anonymous_form(&app, "/signin").await;
    let zeros = "0".repeat(64);
    let no_field = [("email", "ada@example.org"), ("password", PASSWORD)];
    let with_token = [("csrf", csrf.as_str()), ("email", "ada@example.org")];
    let wrong_token = [("csrf", zeros.as_str()), ("email", "ada@example.org")];

    // Anonymous: the token must come in the form and in the cookie alike.
    let cases = [
        (Some(cookie.as_str()), &no_field[..]),
        (None, &with_token[..]),
        (Some(cookie.as_str()), &wrong_token[..]),
    ];
    for (cookie, fields) in cases {
        let reply = post(&app, "/signin", cookie, fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{cookie:?} {fields:?}");
        assert!(
            reply.body.contains("This form has expired"),
            "{}",
            reply.body
        );
    }

    // Signed in: the session's own token, and no other.
    let session = session_of_new(&app, "ada@example.org").await;
    let token = csrf_of(&app, &session).await;
    let both = format!("{session}; {cookie}");
    for wrong in ["", csrf.as_str(), zeros.as_str()] {
        let reply = post(
            &app,
            "/account/tokens",
            Some(&both),
            &[("csrf", wrong), ("name", "dashboard")],
        )
        .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{wrong}");
    }
    let bare = Request::post("/account/tokens")
        .header(header::COOKIE, &session)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.request(bare).await.status, StatusCode::FORBIDDEN);
    let ada = user_id(&app, "ada@example.org").await;
    assert!(app.state.store.app_tokens(ada).await.unwrap().is_empty());

    let reply = post(
        &app,
        "/account/tokens",
        Some(&session),
        &[("csrf", &token), ("name", "dashboard")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn signing_out_everywhere_ends_the_other_browsers_sessions() {
    let app = TestApp::new().await;
    let laptop = session_of_new(&app, "ada@example.org").await;
    let phone_reply = sign_in(&app, "ada@example.org", PASSWORD, "/account").await;
    let phone = sent_back(&set_cookie(&phone_reply, "civic_session").unwrap());
    let desk = session_of_new(&app, "bob@example.org").await;
    for session in [&laptop, &phone, &desk] {
        assert_eq!(
            get(&app, "/account", Some(session)).await.status,
            StatusCode::OK
        );
    }

    let csrf = csrf_of(&app, &laptop).await;
    let reply = post(
        &app,
        "/signout/everywhere",
        Some(&laptop),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), "/");
    let removal = set_cookie(&reply, "civic_session").expect("the cookie is removed");
    assert!(
        attributes(&removal).contains(&"max-age=0".to_string()),
        "{removal}"
    );

    for gone in [&laptop, &phone] {
        let reply = get(&app, "/account", Some(gone)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.header("location"), "/signin?next=%2Faccount");
    }
    assert_eq!(
        get(&app, "/account", Some(&desk)).await.status,
        StatusCode::OK
    );

    // Signing out of one browser leaves the others signed in.
    let again = sign_in(&app, "ada@example.org", PASSWORD, "/").await;
    let again = sent_back(&set_cookie(&again, "civic_session").unwrap());
    let csrf = csrf_of(&app, &desk).await;
    let reply = post(&app, "/signout", Some(&desk), &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&app, "/account", Some(&desk)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        get(&app, "/account", Some(&again)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_session_ends_fourteen_days_after_signing_in() {
    let mut app = TestApp::new().await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap(),
    ));
    app.state.clock = clock.clone();
    let session = session_of_new(&app, "ada@example.org").await;

    clock.advance(Duration::days(14) - Duration::seconds(1));
    assert_eq!(
        get(&app, "/account", Some(&session)).await.status,
        StatusCode::OK
    );
    clock.advance(Duration::seconds(1));
    let reply = get(&app, "/account", Some(&session)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), "/signin?next=%2Faccount");
}

#[tokio::test]
async fn an_app_token_is_shown_once_works_and_stops_when_revoked() {
    let app = TestApp::new().await;
    let session = session_of_new(&app, "ada@example.org").await;
    let csrf = csrf_of(&app, &session).await;

    let created = post(
        &app,
        "/account/tokens",
        Some(&session),
        &[("csrf", &csrf), ("name", "weather dashboard")],
    )
    .await;
    assert_eq!(created.status, StatusCode::OK);
    assert_eq!(created.header("cache-control"), "no-store");
    let opening = "<code class=\"secret\">";
    let from = created.body.find(opening).expect("the secret") + opening.len();
    let secret = &created.body[from..from + 64];
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()), "{secret}");
    assert!(created.body.contains("this is the only time it is shown"));

    let later = get(&app, "/account", Some(&session)).await;
    assert!(!later.body.contains(secret), "the secret is shown once");
    assert!(later.body.contains("weather dashboard"));
    assert!(
        later
            .body
            .contains(&format!("<code>{}…</code>", &secret[..8]))
    );

    let with_token = |token: &str| {
        Request::get("/resource/nypd-hate.json?$limit=1")
            .header("X-App-Token", token)
            .body(Body::empty())
            .unwrap()
    };
    let answered = app.request(with_token(secret)).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert_eq!(answered.json().as_array().map(Vec::len), Some(1));

    let ada = user_id(&app, "ada@example.org").await;
    let tokens = app.state.store.app_tokens(ada).await.unwrap();
    assert_eq!(tokens.len(), 1);
    let id = tokens[0].id;
    let audit = app.state.store.audit_log(10, 0).await.unwrap();
    assert_eq!(audit[0].action, "app_token_created");
    assert_eq!(audit[0].target, format!("app_token:{id}"));
    assert_eq!(audit[0].actor_email, "ada@example.org");

    let revoke = format!("/account/tokens/{id}/revoke");
    let reply = post(&app, &revoke, Some(&session), &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), "/account");

    let refused = app.request(with_token(secret)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["code"], "authentication.invalid-app-token");
    let audit = app.state.store.audit_log(10, 0).await.unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].action, "app_token_revoked");
    assert_eq!(audit[0].target, format!("app_token:{id}"));
    assert_eq!(
        audit[0].before.as_ref().unwrap()["revoked_at"],
        serde_json::Value::Null
    );
    assert!(audit[0].after.as_ref().unwrap()["revoked_at"].is_string());
    let logged = serde_json::to_string(&audit).unwrap();
    assert!(
        !logged.contains(&secret[..8]),
        "no part of the secret: {logged}"
    );
    assert!(
        get(&app, "/account", Some(&session))
            .await
            .body
            .contains("Revoked")
    );

    // Revoking again changes nothing; another person's token is not found.
    let again = post(&app, &revoke, Some(&session), &[("csrf", &csrf)]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(app.state.store.audit_log(10, 0).await.unwrap().len(), 2);
    let bob = session_of_new(&app, "bob@example.org").await;
    let bobs_csrf = csrf_of(&app, &bob).await;
    let reply = post(&app, &revoke, Some(&bob), &[("csrf", &bobs_csrf)]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn next_is_followed_only_to_paths_on_this_portal() {
    let app = TestApp::new().await;
    session_of_new(&app, "ada@example.org").await;

    let asked = get(&app, "/account", None).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert_eq!(asked.header("location"), "/signin?next=%2Faccount");
    let form = get(&app, "/signin?next=%2Fd%2Fnypd-hate", None).await;
    assert_eq!(hidden(&form.body, "next"), "/d/nypd-hate");
    let reply = sign_in(&app, "ada@example.org", PASSWORD, "/d/nypd-hate").await;
    assert_eq!(reply.header("location"), "/d/nypd-hate");

    for away in ["//evil.example", "https://evil.example/", "/\\evil.example"] {
        let form = get(
            &app,
            &format!("/signin?next={}", urlencoding::encode(away)),
            None,
        )
        .await;
        assert_eq!(hidden(&form.body, "next"), "/account", "{away}");
        let reply = sign_in(&app, "ada@example.org", PASSWORD, away).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        assert_eq!(reply.header("location"), "/account", "{away}");
    }
}

#[tokio::test]
async fn without_e_mail_the_forgotten_password_page_says_to_ask_an_administrator() {
    let app = TestApp::new().await;
    assert!(app.state.mailer.is_none());
    let page = get(&app, "/password/forgot", None).await;
    assert!(
        page.body.contains("cannot send you a link"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("action=\"/password/forgot\""),
        "no form"
    );
    // A form posted anyway, with a browser's token from another page.
    let (cookie, csrf) = anonymous_form(&app, "/signin").await;
    let fields = [("csrf", csrf.as_str()), ("email", "ada@example.org")];
    let reply = post(&app, "/password/forgot", Some(&cookie), &fields).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        reply.body.contains("Ask an administrator"),
        "{}",
        reply.body
    );
}

/// The messages the SMTP sink has kept for `to`, as received.
pub fn mail_to(to: &str) -> Vec<String> {
    let folder = std::env::var("CIVIC_TEST_MAIL_DIR").expect("CIVIC_TEST_MAIL_DIR");
    let mut found: Vec<(std::path::PathBuf, String)> = std::fs::read_dir(folder)
        .expect("the sink's folder")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "eml").then_some(path)
        })
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(&path).ok()?)))
        .filter(|(_, text)| {
            text.lines()
                .any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, text)| text).collect()
}

/// The reset link's token in a message (quoted-printable soft breaks undone).
fn link_token(message: &str) -> String {
    let text = message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let at = text.find("/password/reset?token=").expect("a reset link") + 22;
    text[at..at + 64].to_string()
}

#[tokio::test]
#[ignore = "needs the SMTP sink that scripts/test starts (CIVIC_TEST_SMTP_URL, CIVIC_TEST_MAIL_DIR)"]
async fn a_forgotten_password_is_set_again_by_a_link_sent_by_mail() {
    let settings = Settings {
        smtp_url: Some(std::env::var("CIVIC_TEST_SMTP_URL").expect("CIVIC_TEST_SMTP_URL")),
        mail_from: "Civic Test <civic@example.org>".to_string(),
        ..Settings::default()
    };
    let mut app = TestApp::with_settings(settings).await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0).unwrap(),
    ));
    app.state.clock = clock.clone();
    // The sink is shared by every test run: addresses of this run only.
    let run = &web::access::new_secret()[..12];
    let ada = format!("ada-{run}@example.org");
    let nobody = format!("nobody-{run}@example.org");
    let old_session = session_of_new(&app, &ada).await;

    let ask = |email: String| {
        let app = &app;
        async move {
            let (cookie, csrf) = anonymous_form(app, "/password/forgot").await;
            let fields = [("csrf", csrf.as_str()), ("email", email.as_str())];
            post(app, "/password/forgot", Some(&cookie), &fields).await
        }
    };
    let known = ask(ada.clone()).await;
    let unknown = ask(nobody.clone()).await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(known.body.contains("If an account uses that address"));
    assert_eq!(
        without_form_token(&known.body),
        without_form_token(&unknown.body),
        "the answer does not tell who has an account"
    );
    assert!(mail_to(&nobody).is_empty());
    let sent = mail_to(&ada);
    assert_eq!(sent.len(), 1, "one message to the account's address");
    assert!(sent[0].contains("Subject: Setting a new password"));
    assert!(sent[0].contains("civic@example.org"));
    let token = link_token(&sent[0]);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");

    let form = get(&app, &format!("/password/reset?token={token}"), None).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(hidden(&form.body, "token"), token);
    let (cookie, csrf) = anonymous_form(&app, "/password/forgot").await;
    let reset = |password: &'static str, token: String| {
        let (app, cookie, csrf) = (&app, cookie.clone(), csrf.clone());
        async move {
            let fields = [
                ("csrf", csrf.as_str()),
                ("token", token.as_str()),
                ("password", password),
            ];
            post(app, "/password/reset", Some(&cookie), &fields).await
        }
    };
    assert_eq!(
        reset("too short", token.clone()).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let done = reset("a brand new passphrase", token.clone()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Password changed"));

    // Signed out everywhere; the old password no longer signs in, the new one does.
    let account = get(&app, "/account", Some(&old_session)).await;
    assert_eq!(account.status, StatusCode::SEE_OTHER);
    assert_eq!(
        sign_in(&app, &ada, PASSWORD, "/account").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&app, &ada, "a brand new passphrase", "/account")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // A link works once.
    assert_eq!(
        reset("yet another passphrase", token).await.status,
        StatusCode::BAD_REQUEST
    );

    // A link an hour old no longer works.
    ask(ada.clone()).await;
    let second = mail_to(&ada);
    assert_eq!(second.len(), 2);
    let late = link_token(&second[1]);
    clock.advance(Duration::hours(1));
    assert_eq!(
        reset("yet another passphrase", late).await.status,
        StatusCode::BAD_REQUEST
    );
    let audit = app.state.store.audit_log(10, 0).await.unwrap();
    assert_eq!(audit[0].action, "password_reset");
    assert_eq!(
        audit[0].target,
        format!("user:{}", user_id(&app, &ada).await)
    );
}

/// A page without its form token, which differs on every page shown.
fn without_form_token(html: &str) -> String {
    html.lines()
        .filter(|l| !l.contains("name=\"csrf\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_password_handed_out_must_be_changed_before_anything_else() {
    let app = TestApp::new().await;
    let handed_out = "handed-out-password-2345";
    let hash = web::credentials::hash_password(handed_out.to_string())
        .await
        .unwrap();
    let user = app
        .state
        .store
        .create_user(
            store::NewUser {
                email: "ana@example.org".into(),
                name: "Ana".into(),
                password_hash: Some(hash),
                role: store::Role::Steward,
                departments: vec!["Police".into()],
            },
            app.state.clock.now(),
        )
        .await
        .unwrap();
    app.state
        .store
        .require_password_change(user.id)
        .await
        .unwrap();

    let signed_in = sign_in(&app, "ana@example.org", handed_out, "/desk").await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let session = sent_back(&set_cookie(&signed_in, "civic_session").unwrap());
    for page in ["/account", "/desk", "/admin/blocks"] {
        let reply = get(&app, page, Some(&session)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{page}");
        assert_eq!(reply.header("location"), "/account/password", "{page}");
    }
    assert_eq!(
        get(&app, "/browse", Some(&session)).await.status,
        StatusCode::OK
    );
    let form = get(&app, "/account/password", Some(&session)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("was given to you"));
    let csrf = hidden(&form.body, "csrf");

    let change = |current: &'static str, new: &'static str| {
        let (app, session, csrf) = (&app, session.clone(), csrf.clone());
        async move {
            let fields = [
                ("csrf", csrf.as_str()),
                ("current", current),
                ("password", new),
            ];
            post(app, "/account/password", Some(&session), &fields).await
        }
    };
    let wrong = change("not-my-password-at-all", "a brand new long password").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("That is not your current password."));
    let short = change("handed-out-password-2345", "short").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = change("handed-out-password-2345", "a brand new long password").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.header("location"), "/account");
    let fresh = sent_back(&set_cookie(&done, "civic_session").unwrap());

    // The old session is over; the new one reaches every page.
    let old = get(&app, "/account", Some(&session)).await;
    assert_eq!(old.header("location"), "/signin?next=%2Faccount");
    assert_eq!(
        get(&app, "/desk", Some(&fresh)).await.status,
        StatusCode::OK
    );
    let stored = app.state.store.user(user.id).await.unwrap().unwrap();
    assert!(!stored.must_change_password);
    assert_eq!(
        sign_in(&app, "ana@example.org", handed_out, "/account")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let again = sign_in(
        &app,
        "ana@example.org",
        "a brand new long password",
        "/account",
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let log = app.state.store.audit_log(5, 0).await.unwrap();
    let entry = log.iter().find(|e| e.action == "password_changed").unwrap();
    assert_eq!(entry.before.as_ref().unwrap()["must_change_password"], true);
    assert_eq!(entry.after.as_ref().unwrap()["sessions_ended"], 1);
}
