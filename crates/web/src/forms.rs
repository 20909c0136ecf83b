//! Forms posted from the portal's own pages, and the token that proves it.
//!
//! Another site can make a browser post a form here, cookies and all, but
//! cannot read the pages this site serves, so every form carries a token
//! from its page in a hidden `csrf` field. A signed-in browser's forms carry
//! its session's token. Before signing in there is no session, so the
//! sign-in and sign-up forms carry a random value that is also in the
//! `civic_csrf` cookie (HttpOnly, SameSite=Strict); another site can
//! neither read nor set that cookie, so it cannot send the pair.
//!
//! Every POST handler takes its body as [`Posted`], which refuses a form
//! without the right token before the handler runs.

use std::sync::Arc;

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use bytes::Bytes;
use cookie::SameSite;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::access::{self, Caller};
use crate::pages::PageError;
use crate::sessions;

/// The cookie that holds the token of forms shown before signing in.
pub const CSRF_COOKIE: &str = "civic_csrf";

/// The hidden field every form carries its token in.
pub const CSRF_FIELD: &str = "csrf";

/// The token a page's forms carry, and the cookie that must go with the
/// page when the token is new.
pub struct FormToken {
    pub value: String,
    pub set_cookie: Option<HeaderValue>,
}

/// The token for the forms of a page shown to `caller`: the session's own,
/// or the browser's `civic_csrf` value, made now if it has none yet.
pub fn form_token(app: &AppState, caller: &Caller, headers: &HeaderMap) -> FormToken {
    if let Some(token) = &caller.csrf_token {
        return FormToken {
            value: token.clone(),
            set_cookie: None,
        };
    }
    if let Some(value) = access::cookie(headers, CSRF_COOKIE).filter(|v| is_token(v)) {
        return FormToken {
            value,
            set_cookie: None,
        };
    }
    let value = access::new_secret();
    let cookie = sessions::site_cookie(app, headers, CSRF_COOKIE, value.clone(), SameSite::Strict);
    FormToken {
        value,
        set_cookie: Some(sessions::set_cookie(&cookie)),
    }
}

/// A form body that came with the right token; its fields as `T`.
///
/// The token expected is the session's when the request has a session, and
/// the `civic_csrf` cookie's otherwise. A body that is not a form counts as
/// a form without a token.
pub struct Posted<T>(pub T);

impl<S, T> FromRequest<S> for Posted<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, PageError> {
        let expected = expected_token(&request);
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|e| bad_form(&e.body_text()))?;
        let body = if is_form { body } else { Bytes::new() };

        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&body).map_err(|e| bad_form(&e.to_string()))?;
        let sent = fields
            .iter()
            .find(|(name, _)| name == CSRF_FIELD)
            .map(|(_, value)| value.as_str());
        if !matches(expected.as_deref(), sent) {
            return Err(expired());
        }

        // Repeated names (a list of checkboxes) fill a list field.
        serde_html_form::from_bytes(&body)
            .map(Posted)
            .map_err(|e| bad_form(&e.to_string()))
    }
}

fn expected_token(request: &Request) -> Option<String> {
    let session = request
        .extensions()
        .get::<Arc<Caller>>()
        .and_then(|c| c.csrf_token.clone());
    session.or_else(|| access::cookie(request.headers(), CSRF_COOKIE).filter(|v| is_token(v)))
}

/// The answer to a form that came back without its page's token.
pub fn expired() -> PageError {
    PageError::new(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "The form did not come back with the token of the page it was on, so it was not \
         accepted: it may be old, or it may have been sent from another site. Go back, \
         reload the page and try again.",
    )
}

/// Whether a token read from a body [`Posted`] does not parse (an upload)
/// is the signed-in caller's session token.
pub fn token_matches(caller: &Caller, sent: Option<&str>) -> bool {
    matches(caller.csrf_token.as_deref(), sent)
}

fn bad_form(detail: &str) -> PageError {
    PageError::new(
        StatusCode::BAD_REQUEST,
        "This form could not be read",
        format!("The form's contents could not be read ({detail}). Go back and try again."),
    )
}

/// Tokens are what [`access::new_secret`] makes: 64 hex digits.
fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compares in time that does not depend on where the two first differ,
/// so the answer's timing does not reveal the expected token bit by bit.
fn matches(expected: Option<&str>, sent: Option<&str>) -> bool {
    let (Some(expected), Some(sent)) = (expected, sent) else {
        return false;
    };
    expected.len() == sent.len()
        && expected
            .bytes()
            .zip(sent.bytes())
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_when_both_are_present_and_equal() {
        let token = access::new_secret();
        assert!(matches(Some(&token), Some(&token)));
        assert!(!matches(Some(&token), Some(&token[..63])));
        assert!(!matches(Some(&token), Some("")));
        assert!(!matches(Some(&token), None));
        assert!(!matches(None, Some(&token)));
        assert!(!matches(None, None));
        assert!(is_token(&token));
        assert!(!is_token("not-a-token"));
    }
}
