//! Signing in through the city's OpenID Connect provider.
//!
//! `/signin/oidc` sends the browser to the provider with a fresh `state`,
//! `nonce` and PKCE challenge, and keeps all three, with where to go after,
//! in a short-lived cookie; `/signin/oidc/callback` is where the provider
//! sends it back. The cookie is `SameSite=Lax`, not `Strict`: the way back
//! is a navigation from the provider's site, and a `Strict` cookie would not
//! come with it.
//!
//! The provider vouches for an e-mail address and nothing more: it signs in
//! the account that already has that address, with the role that account
//! already has, and never makes one.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use cookie::SameSite;
use serde::Deserialize;
use serde_json::json;
use store::NewAuditEntry;

use super::render::PageError;
use super::signin::{AFTER_SIGN_IN, local_path, redirect};
use crate::access::cookie;
use crate::oidc::{Identity, Oidc, OidcError, Pending};
use crate::sessions::{self, set_cookie, site_cookie};
use crate::{ApiError, AppState};

const PENDING_COOKIE: &str = "civic_oidc";

/// Long enough to sign in at the provider, short enough that a cookie left
/// behind is soon gone.
const PENDING_LIFETIME: cookie::time::Duration = cookie::time::Duration::minutes(10);

/// The way back from the provider, on this portal.
pub const CALLBACK_PATH: &str = "/signin/oidc/callback";

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /signin/oidc`: off to the provider, with `?next=` kept for after.
pub async fn sign_in_with_provider(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let oidc = provider(&app)?;
    let next = local_path(super::param(&params, "next")).unwrap_or(AFTER_SIGN_IN);

    let callback = callback_url(&app, &headers);
    let (to, pending) = oidc
        .authorization_url(&callback)
        .await
        .map_err(provider_fault)?;

    let mut kept = site_cookie(
        &app,
        &headers,
        PENDING_COOKIE,
        keep(&pending, next),
        SameSite::Lax,
    );
    kept.set_path("/signin/oidc");
    kept.set_max_age(PENDING_LIFETIME);
    Ok(redirect(&to, set_cookie(&kept)))
}

/// `GET /signin/oidc/callback`: the provider's answer. A session for the
/// account with the verified address, or a page that says why not.
pub async fn finish_provider_sign_in(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(answer): Query<Callback>,
) -> Result<Response, PageError> {
    let oidc = provider(&app)?;
    let (pending, next) = cookie(&headers, PENDING_COOKIE)
        .as_deref()
        .and_then(kept)
        .ok_or_else(expired)?;
    if answer.state.as_deref() != Some(pending.state.as_str()) {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "Sign-in not finished",
            "This answer from the sign-in service does not belong to the sign-in this \
             browser started. Start again from the sign-in page.",
        ));
    }
    if let Some(error) = &answer.error {
        tracing::info!(oidc.error = %error, "provider sign-in not given");
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "Not signed in",
            "The city's sign-in service did not sign you in. Start again from the \
             sign-in page, or sign in with your password.",
        ));
    }
    let code = answer.code.filter(|c| !c.is_empty()).ok_or_else(expired)?;

    let identity = oidc
        .identify(&callback_url(&app, &headers), code, pending)
        .await
        .map_err(provider_fault)?;
    let user_id = account_for(&app, &identity).await?;
    let session = sessions::start(&app, &headers, user_id).await?;
    audit(&app, oidc, user_id, &identity).await?;

    let mut response = redirect(&next, session);
    let mut gone = site_cookie(&app, &headers, PENDING_COOKIE, String::new(), SameSite::Lax);
    gone.set_path("/signin/oidc");
    gone.make_removal();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&gone));
    Ok(response)
}

fn provider(app: &AppState) -> Result<&Arc<Oidc>, PageError> {
    app.oidc.as_ref().ok_or_else(|| {
        PageError::not_found(
            "Page not found",
            "This portal does not sign staff in through another service.",
        )
    })
}

/// The callback's full address, which the provider compares with the one
/// registered for the portal.
fn callback_url(app: &AppState, headers: &HeaderMap) -> String {
    format!("{}{CALLBACK_PATH}", app.base_url(headers))
}

/// The account the provider's verified address belongs to, if it may sign in.
async fn account_for(app: &AppState, identity: &Identity) -> Result<i64, PageError> {
    let Some(email) = identity.verified_email() else {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "E-mail address not confirmed",
            "The city's sign-in service did not confirm your e-mail address, so this \
             portal cannot tell which account is yours. Sign in with your password, or \
             ask the service's administrators to confirm your address.",
        ));
    };
    let found = app
        .store
        .user_with_password(email)
        .await
        .map_err(ApiError::from)?;
    match found {
        Some((user, _)) if !user.disabled => Ok(user.id),
        _ => Err(PageError::new(
            StatusCode::FORBIDDEN,
            "No account for this address",
            format!(
                "You signed in to the city's sign-in service as {email}, but no account \
                 on this portal that may sign in uses that address. Staff accounts are \
                 made by the portal's administrators; ask one to make yours."
            ),
        )),
    }
}

async fn audit(
    app: &AppState,
    oidc: &Oidc,
    user_id: i64,
    identity: &Identity,
) -> Result<(), ApiError> {
    let entry = NewAuditEntry {
        actor: app.store.user(user_id).await?,
        action: "signed_in_with_provider",
        target: format!("user:{user_id}"),
        before: None,
        after: Some(json!({ "issuer": oidc.issuer(), "subject": identity.subject })),
    };
    app.store.append_audit(entry, app.clock.now()).await?;
    Ok(())
}

/// The pending sign-in as the cookie keeps it: `state.nonce.verifier.next`.
/// The first three are URL-safe base64, which has no `.`; `next` is
/// percent-encoded.
fn keep(pending: &Pending, next: &str) -> String {
    format!(
        "{}.{}.{}.{}",
        pending.state,
        pending.nonce,
        pending.pkce_verifier,
        urlencoding::encode(next)
    )
}

fn kept(value: &str) -> Option<(Pending, String)> {
    let mut parts = value.splitn(4, '.');
    let mut part = || parts.next().filter(|p| !p.is_empty()).map(String::from);
    let pending = Pending {
        state: part()?,
        nonce: part()?,
        pkce_verifier: part()?,
    };
    let encoded = part()?;
    let next = urlencoding::decode(&encoded).ok()?;
    let next = local_path(Some(&next)).unwrap_or(AFTER_SIGN_IN).to_string();
    Some((pending, next))
}

fn expired() -> PageError {
    PageError::new(
        StatusCode::BAD_REQUEST,
        "Sign-in not finished",
        "The sign-in took too long, or was started in another browser. Start again \
         from the sign-in page.",
    )
}

/// What a visitor sees when the provider fails: a gateway error for a
/// provider that is down or answers nonsense, a refusal otherwise. The
/// detail goes to the log, once.
fn provider_fault(e: OidcError) -> PageError {
    tracing::warn!(error = %e, "provider sign-in");
    match e {
        OidcError::Refused(_) | OidcError::BadToken(_) => PageError::new(
            StatusCode::BAD_REQUEST,
            "Sign-in not finished",
            "The city's sign-in service's answer could not be accepted. Start again \
             from the sign-in page.",
        ),
        _ => PageError::new(
            StatusCode::BAD_GATEWAY,
            "The sign-in service is not answering",
            "The city's sign-in service could not be reached. Try again in a few \
             minutes, or sign in with your password.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_sign_in_survives_its_cookie() {
        let pending = Pending {
            state: "c3RhdGU".into(),
            nonce: "bm9uY2U-_".into(),
            pkce_verifier: "dmVyaWZpZXI".into(),
        };
        let value = keep(&pending, "/d/nypd-hate?page=2");
        assert!(value.bytes().all(|b| b.is_ascii_graphic() && b != b';'));
        let (back, next) = kept(&value).expect("read back");
        assert_eq!(back, pending);
        assert_eq!(next, "/d/nypd-hate?page=2");
    }

    #[test]
    fn a_damaged_cookie_is_no_sign_in() {
        assert!(kept("").is_none());
        assert!(kept("a.b").is_none());
        assert!(kept("a..c.%2F").is_none());
        let (_, next) = kept("a.b.c.%2F%2Fevil.example").expect("read");
        assert_eq!(next, AFTER_SIGN_IN);
    }
}
