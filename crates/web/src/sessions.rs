//! Signed-in browsers: starting and ending a session, and the cookies that
//! carry secrets to a browser.
//!
//! A session's cookie holds a random secret; the store keeps only its hash,
//! beside the session's form token and its expiry, which the store checks
//! against the server's clock on every request.

use axum::http::{HeaderMap, HeaderValue};
use chrono::TimeDelta;
use cookie::{Cookie, SameSite};

use crate::access::{SESSION_COOKIE, cookie, new_secret, secret_hash};
use crate::{ApiError, AppState};

/// How long a sign-in lasts: long enough not to ask every day, short
/// enough that a forgotten browser signs itself out.
pub const LIFETIME: TimeDelta = TimeDelta::days(14);

/// Signs `user_id` in on this browser, ending any session it had before;
/// answers the `Set-Cookie` value that hands the new session's secret to it.
/// The secret is always new, so a secret planted in a browser before it
/// signs in never becomes a session.
pub async fn start(
    app: &AppState,
    headers: &HeaderMap,
    user_id: i64,
) -> Result<HeaderValue, ApiError> {
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        app.store.end_session(&secret_hash(&old)).await?;
    }
    let now = app.clock.now();
    let secret = new_secret();
    app.store
        .create_session(
            user_id,
            &secret_hash(&secret),
            &new_secret(),
            now,
            now + LIFETIME,
        )
        .await?;

    let lifetime = cookie::time::Duration::seconds(LIFETIME.num_seconds());
    let mut session = site_cookie(app, headers, SESSION_COOKIE, secret, SameSite::Lax);
    session.set_max_age(lifetime);
    Ok(set_cookie(&session))
}

/// Ends the session this browser's cookie names, if it names one; answers
/// the `Set-Cookie` value that removes the cookie.
pub async fn end(app: &AppState, headers: &HeaderMap) -> Result<HeaderValue, ApiError> {
    if let Some(secret) = cookie(headers, SESSION_COOKIE) {
        app.store.end_session(&secret_hash(&secret)).await?;
    }
    Ok(removal(app, headers))
}

/// The `Set-Cookie` value that removes the session cookie, for a browser
/// whose sessions have all been ended.
pub fn removal(app: &AppState, headers: &HeaderMap) -> HeaderValue {
    let mut gone = site_cookie(app, headers, SESSION_COOKIE, String::new(), SameSite::Lax);
    gone.make_removal();
    set_cookie(&gone)
}

/// A cookie for this site only that scripts cannot read: `HttpOnly`,
/// `Path=/`, and `Secure` whenever the portal is reached over HTTPS.
pub(crate) fn site_cookie(
    app: &AppState,
    headers: &HeaderMap,
    name: &'static str,
    value: String,
    same_site: SameSite,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(same_site)
        .path("/")
        .secure(app.base_url(headers).starts_with("https://"))
        .build()
}

pub(crate) fn set_cookie(cookie: &Cookie<'_>) -> HeaderValue {
    // Names and values are ours (letters, digits, underscores), so the
    // cookie always makes a valid header.
    HeaderValue::try_from(cookie.to_string()).expect("a cookie of hex digits is a header value")
}
