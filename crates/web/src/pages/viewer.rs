//! Who a page is shown to, for the header every page shares: "Sign in", or
//! the person's e-mail address and a sign-out button.
//!
//! The caller is identified once per request, before the handlers run, and
//! pages are rendered both by handlers and by error paths that know nothing
//! of the request (a refused role, a stale form). Rather than have every
//! one of them pass the caller to the template only to reach the header,
//! the viewer is kept in a task-local for as long as the request is being
//! answered, and [`super::render`] adds it to every page.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::AppState;
use crate::access::{Caller, Need};

tokio::task_local! {
    static VIEWER: Option<Viewer>;
    /// The city's name from the profile, which every page's header shows.
    static CITY: Arc<str>;
}

/// A signed-in person as the header shows them.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Viewer {
    email: String,
    /// Their session's form token, for the sign-out button; none when they
    /// came with an app token rather than a session.
    csrf: Option<String>,
    /// Stewards and administrators have a desk of reports to work.
    desk: bool,
    /// Stewards and administrators reach the administration pages.
    admin: bool,
}

/// Keeps the request's viewer, and the city's name, for the pages rendered
/// while answering it.
pub async fn remember_viewer(
    State(app): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let viewer = request
        .extensions()
        .get::<Arc<Caller>>()
        .and_then(|caller| {
            caller.user.as_ref().map(|user| Viewer {
                email: user.email.clone(),
                csrf: caller.csrf_token.clone(),
                desk: matches!(user.role, store::Role::Steward | store::Role::Admin),
                admin: Need::Steward.allows(Some(user.role)),
            })
        });
    let city: Arc<str> = Arc::from(app.profile.city.name.as_str());
    CITY.scope(city, VIEWER.scope(viewer, next.run(request)))
        .await
}

/// Runs `f` with the city's name in place, for a page rendered before the
/// request reaches [`remember_viewer`].
pub(super) fn in_city<R>(app: &AppState, f: impl FnOnce() -> R) -> R {
    let city: Arc<str> = Arc::from(app.profile.city.name.as_str());
    CITY.sync_scope(city, f)
}

/// The city's name for the request being answered; the built-in profile's
/// outside a request.
pub(super) fn city() -> Arc<str> {
    CITY.try_with(Arc::clone)
        .unwrap_or_else(|_| Arc::from(crate::profile::Profile::aurora().city.name.as_str()))
}

/// The viewer of the request being answered; none outside a request.
pub(super) fn current() -> Option<Viewer> {
    VIEWER.try_with(Option::clone).ok().flatten()
}
