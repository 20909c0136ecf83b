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
    /// The city from the profile: its name, which every page's header
    /// shows, and its zone, which every time on a page is shown in.
    static CITY: Arc<Place>;
}

/// The city a page is about.
pub(super) struct Place {
    name: String,
    zone: chrono_tz::Tz,
}

impl Place {
    fn of(app: &AppState) -> Arc<Place> {
        Arc::new(Place {
            name: app.profile.city.name.clone(),
            zone: app.profile.zone(),
        })
    }

    fn built_in() -> Arc<Place> {
        let profile = crate::profile::Profile::aurora();
        Arc::new(Place {
            zone: profile.zone(),
            name: profile.city.name,
        })
    }
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
    /// Staff work records requests: clerks and administrators all of them,
    /// stewards those routed to their departments.
    records: bool,
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
                records: user.role.is_staff(),
                admin: Need::Steward.allows(Some(user.role)),
            })
        });
    CITY.scope(Place::of(&app), VIEWER.scope(viewer, next.run(request)))
        .await
}

/// Runs `f` with the city's name in place, for a page rendered before the
/// request reaches [`remember_viewer`].
pub(super) fn in_city<R>(app: &AppState, f: impl FnOnce() -> R) -> R {
    CITY.sync_scope(Place::of(app), f)
}

/// The city's name for the request being answered; the built-in profile's
/// outside a request.
pub(super) fn city() -> String {
    CITY.try_with(|place| place.name.clone())
        .unwrap_or_else(|_| Place::built_in().name.clone())
}

/// The zone times are shown in: the city's.
pub(super) fn zone() -> chrono_tz::Tz {
    CITY.try_with(|place| place.zone)
        .unwrap_or_else(|_| Place::built_in().zone)
}

/// The viewer of the request being answered; none outside a request.
pub(super) fn current() -> Option<Viewer> {
    VIEWER.try_with(Option::clone).ok().flatten()
}
