//! Every HTTP route, the role it needs, and an example address: the one
//! table the router is built from, so no route exists without a stated
//! need, and the test that walks it under each role can reach them all.

use axum::Router;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodRouter, get, post};

use crate::access::{self, Need};
use crate::{AppState, catalog, pages, soda, views};

pub struct Route {
    pub method: Method,
    /// The path as the router matches it, with `{parameters}`.
    pub path: &'static str,
    pub need: Need,
    /// A concrete address of the route on the demo samples.
    pub example: &'static str,
    handler: MethodRouter<AppState>,
}

fn route(
    method: Method,
    path: &'static str,
    need: Need,
    example: &'static str,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        need,
        example,
        handler,
    }
}

/// The table. Reads of public data need nothing; everything a person does
/// to their own account needs them signed in; staff work needs its role.
pub fn table() -> Vec<Route> {
    use Need::*;
    let get_ = Method::GET;
    let post_ = Method::POST;
    vec![
        // SODA and the catalog APIs.
        route(
            get_.clone(),
            "/resource/{file}",
            Anyone,
            "/resource/nypd-hate.json",
            get(soda::resource),
        ),
        route(
            get_.clone(),
            "/resource/{id}/{file}",
            Anyone,
            "/resource/nypd-hate/1.json",
            get(soda::show_row),
        ),
        route(
            get_.clone(),
            "/api/v3/views/{id}/{file}",
            Anyone,
            "/api/v3/views/nypd-hate/query.json",
            get(soda::v3::query_by_url),
        ),
        route(
            post_.clone(),
            "/api/v3/views/{id}/{file}",
            Anyone,
            "/api/v3/views/nypd-hate/query.json",
            post(soda::v3::query_by_body),
        ),
        route(
            get_.clone(),
            "/api/views/{file}",
            Anyone,
            "/api/views/nypd-hate.json",
            get(views::show_view),
        ),
        route(
            get_.clone(),
            "/api/views/{id}/{file}",
            Anyone,
            "/api/views/nypd-hate/rows.csv",
            get(soda::download),
        ),
        route(
            get_.clone(),
            "/api/catalog/v1",
            Anyone,
            "/api/catalog/v1",
            get(catalog::search_catalog),
        ),
        // Pages.
        route(get_.clone(), "/", Anyone, "/", get(pages::show_home)),
        route(
            get_.clone(),
            "/browse",
            Anyone,
            "/browse",
            get(pages::browse_catalog),
        ),
        route(
            get_.clone(),
            "/d/{id}",
            Anyone,
            "/d/nypd-hate",
            get(pages::show_dataset),
        ),
        route(
            get_.clone(),
            "/terms/api",
            Anyone,
            "/terms/api",
            get(pages::show_api_terms),
        ),
        route(
            get_.clone(),
            "/terms",
            Anyone,
            "/terms",
            get(pages::show_terms),
        ),
        route(
            get_.clone(),
            "/privacy",
            Anyone,
            "/privacy",
            get(pages::show_privacy),
        ),
        route(
            get_.clone(),
            "/help/records",
            Anyone,
            "/help/records",
            get(pages::show_records_help),
        ),
        route(
            get_.clone(),
            "/static/civic.css",
            Anyone,
            "/static/civic.css",
            get(pages::stylesheet),
        ),
        // Accounts: signing in, and a person's own account.
        route(
            get_.clone(),
            "/signup",
            Anyone,
            "/signup",
            get(pages::show_signup),
        ),
        route(
            post_.clone(),
            "/signup",
            Anyone,
            "/signup",
            post(pages::sign_up),
        ),
        route(
            get_.clone(),
            "/signin",
            Anyone,
            "/signin",
            get(pages::show_signin),
        ),
        route(
            post_.clone(),
            "/signin",
            Anyone,
            "/signin",
            post(pages::sign_in),
        ),
        route(
            post_.clone(),
            "/signout",
            SignedIn,
            "/signout",
            post(pages::sign_out),
        ),
        route(
            post_.clone(),
            "/signout/everywhere",
            SignedIn,
            "/signout/everywhere",
            post(pages::sign_out_everywhere),
        ),
        route(
            get_.clone(),
            "/account",
            SignedIn,
            "/account",
            get(pages::show_account),
        ),
        route(
            post_.clone(),
            "/account/tokens",
            SignedIn,
            "/account/tokens",
            post(pages::create_token),
        ),
        route(
            post_,
            "/account/tokens/{id}/revoke",
            SignedIn,
            "/account/tokens/1/revoke",
            post(pages::revoke_token),
        ),
    ]
}

/// The routes of the table, each behind a check of its need.
pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for r in table() {
        let need = r.need;
        let handler = r
            .handler
            .route_layer(middleware::from_fn(move |request, next| {
                access::require(need, request, next)
            }));
        router = router.route(r.path, handler);
    }
    router
}
