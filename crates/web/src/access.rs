//! Who is asking, and what they may do.
//!
//! Every request is identified once, before any handler runs: a session
//! cookie names a signed-in person, an app token (`X-App-Token` in any case,
//! or `$$app_token`) a developer's account; neither means the anonymous
//! public. An app token that is unknown or revoked is refused outright
//! rather than quietly served as anonymous, so a developer learns at once
//! that their token is wrong. Each route then states the [`Need`] it has,
//! in the one table in [`crate::routes`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use sha2::{Digest, Sha256};
use store::{AppToken, NewAuditEntry, Role, Store, StoreError, User};

use crate::error::ApiError;
use crate::{AppState, pages};

/// The cookie that carries a session's secret.
pub const SESSION_COOKIE: &str = "civic_session";

/// Who a request comes from.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: Option<User>,
    /// The app token the request carried, when it carried a valid one.
    pub token: Option<AppToken>,
    /// The signed-in session's form token, which every form posts back.
    pub csrf_token: Option<String>,
    /// The client's address: the socket's peer.
    pub address: IpAddr,
}

impl Caller {
    pub fn anonymous(address: IpAddr) -> Caller {
        Caller {
            user: None,
            token: None,
            csrf_token: None,
            address,
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// What this caller may see of the catalog: which datasets exist for
    /// them, and whether a dataset's restricted columns do.
    pub fn access(&self) -> store::Access {
        store::Access::of(self.user.as_ref())
    }

    /// Whether this caller looks after `department`'s datasets: its
    /// stewards, and administrators.
    pub fn stewards(&self, department: &str) -> bool {
        match &self.user {
            Some(u) if u.role == Role::Admin => true,
            Some(u) if u.role == Role::Steward => u.departments.iter().any(|d| d == department),
            _ => false,
        }
    }
}

/// What a route asks of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Anyone,
    /// Any signed-in account.
    SignedIn,
    /// A steward (of some department) or an administrator.
    Steward,
    /// A records clerk or an administrator.
    Clerk,
    /// Any staff role: steward, clerk or administrator.
    Staff,
    Admin,
}

impl Need {
    pub fn allows(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Need::Anyone, _) => true,
            (_, None) => false,
            (Need::SignedIn, Some(_)) => true,
            (Need::Steward, Some(r)) => matches!(r, Role::Steward | Role::Admin),
            (Need::Clerk, Some(r)) => matches!(r, Role::Clerk | Role::Admin),
            (Need::Staff, Some(r)) => r.is_staff(),
            (Need::Admin, Some(r)) => r == Role::Admin,
        }
    }
}

/// Identifies the caller and hands it to everything below as a request
/// extension.
pub async fn identify(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip());
    let caller = match caller(&app, request.headers(), request.uri(), address).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    if let Some(refusal) =
        crate::blocks::refuse_blocked(&app, &caller, request.uri(), request.headers()).await
    {
        return refusal;
    }
    request.extensions_mut().insert(Arc::new(caller));
    next.run(request).await
}

async fn caller(
    app: &AppState,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    address: IpAddr,
) -> Result<Caller, ApiError> {
    let mut caller = Caller::anonymous(address);
    if let Some(secret) = cookie(headers, SESSION_COOKIE) {
        let now = app.clock.now();
        if let Some(session) = app.store.session(&secret_hash(&secret), now).await? {
            caller.user = Some(session.user);
            caller.csrf_token = Some(session.csrf_token);
        }
    }
    if let Some(token) = app_token(headers, uri) {
        match app.store.app_token(&secret_hash(&token)).await? {
            Some((token, user)) if token.revoked_at.is_none() && !user.disabled => {
                caller.token = Some(token);
                if caller.user.is_none() {
                    caller.user = Some(user);
                }
            }
            Some(_) => return Err(bad_token("this app token has been revoked")),
            None => return Err(bad_token("no such app token")),
        }
    }
    Ok(caller)
}

fn bad_token(message: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "authentication.invalid-app-token",
        format!("{message}; send a current token from your account page, or none"),
    )
    .with_data(json!({ "parameter": "X-App-Token" }))
}

/// The app token a request carries: the header (any case) first, then the
/// `$$app_token` parameter.
pub fn app_token(headers: &HeaderMap, uri: &axum::http::Uri) -> Option<String> {
    if let Some(value) = headers.get("x-app-token").and_then(|v| v.to_str().ok()) {
        return Some(value.trim().to_string()).filter(|v| !v.is_empty());
    }
    uri.query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| urlencoding::decode(k).is_ok_and(|k| k == "$$app_token"))
        .and_then(|(_, v)| {
            urlencoding::decode(&v.replace('+', " "))
                .ok()
                .map(|v| v.trim().to_string())
        })
        .filter(|v| !v.is_empty())
}

/// The value of one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// How many of a token's characters are kept in the clear, so its owner
/// can tell their tokens apart.
const TOKEN_PREFIX: usize = 8;

/// Makes an app token for `owner`, recorded in the audit log as done by
/// `actor` (`None`: the system), and returns it with its secret, which is
/// kept nowhere and must be shown now or never.
pub async fn issue_app_token(
    store: &Store,
    owner: &User,
    actor: Option<&User>,
    name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(AppToken, String), StoreError> {
    let secret = new_secret();
    let token = store
        .create_app_token(
            owner.id,
            name,
            &secret_hash(&secret),
            &secret[..TOKEN_PREFIX],
            now,
        )
        .await?;
    let entry = NewAuditEntry {
        actor: actor.cloned(),
        action: "app_token_created",
        target: format!("app_token:{}", token.id),
        before: None,
        after: Some(json!({ "name": token.name, "user_id": owner.id })),
    };
    store.append_audit(entry, now).await?;
    Ok((token, secret))
}

/// Secrets are kept as SHA-256 hashes: they are long and random, so a
/// fast hash is enough (unlike passwords).
pub fn secret_hash(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// The SHA-256 of some bytes, as 64 hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new random secret: 32 bytes as 64 hex digits.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a path is the API's, whose refusals are JSON, rather than a
/// page's, whose refusals are pages.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/resource/")
}

/// Refuses a caller the route's need does not allow: the API answers 401
/// or 403 in its error shape; a page sends an anonymous visitor to sign in
/// and shows anyone else a 403 page.
///
/// A signed-in person whose password was handed to them chooses their own
/// before any page that needs an account: they are sent to
/// `/account/password` (signing out stays open to them).
pub async fn require(need: Need, request: Request, next: Next) -> Response {
    let caller = request.extensions().get::<Arc<Caller>>();
    let role = caller.and_then(|c| c.role());
    let must_change = caller.is_some_and(|c| {
        c.csrf_token.is_some() && c.user.as_ref().is_some_and(|u| u.must_change_password)
    });
    let path = request.uri().path();
    if must_change
        && need != Need::Anyone
        && !is_api(path)
        && path != "/account/password"
        && !path.starts_with("/signout")
    {
        return Redirect::to("/account/password").into_response();
    }
    if need.allows(role) {
        return next.run(request).await;
    }
    match (is_api(request.uri().path()), role) {
        (true, None) => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication.required",
            "sign in, or send an app token of an account allowed here",
        )
        .into_response(),
        (true, Some(_)) => ApiError::new(
            StatusCode::FORBIDDEN,
            "authorization.forbidden",
            "this account's role is not allowed here",
        )
        .into_response(),
        (false, None) => {
            let back = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            Redirect::to(&format!("/signin?next={}", urlencoding::encode(&back))).into_response()
        }
        (false, Some(_)) => pages::PageError::forbidden().into_response(),
    }
}
