//! Every HTTP route, the role it needs, and an example address: the one
//! table the router is built from, so no route exists without a stated
//! need, and the test that walks it under each role can reach them all.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::middleware;
use axum::routing::{MethodRouter, get, post};

use crate::access::{self, Need};
use crate::{AppState, catalog, pages, records_api, soda, views};

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
        // Who may see a dataset: its department's stewards decide (the
        // handler checks the department).
        route(
            post_.clone(),
            "/d/{id}/access",
            Steward,
            "/d/nypd-hate/access",
            post(pages::update_dataset_access),
        ),
        // The stewards' desk: anyone reports a problem with a dataset and
        // follows it by the secret link given at filing (the handler checks
        // the key); stewards work their departments' items (the handler
        // checks the department), administrators every item.
        route(
            get_.clone(),
            "/d/{id}/report",
            Anyone,
            "/d/nypd-hate/report",
            get(pages::show_report_form),
        ),
        route(
            post_.clone(),
            "/d/{id}/report",
            Anyone,
            "/d/nypd-hate/report",
            post(pages::file_report),
        ),
        route(
            get_.clone(),
            "/reports/{id}",
            Anyone,
            "/reports/1?key=0",
            get(pages::show_report_status),
        ),
        route(
            post_.clone(),
            "/reports/{id}/reply",
            Anyone,
            "/reports/1/reply",
            post(pages::reply_to_report),
        ),
        // Records requests, as the public files and follows them (the
        // requester's page checks the key in its link, or the account).
        route(
            get_.clone(),
            "/requests",
            Anyone,
            "/requests",
            get(pages::show_public_log),
        ),
        route(
            get_.clone(),
            "/requests/new",
            Anyone,
            "/requests/new",
            get(pages::show_request_form),
        ),
        route(
            post_.clone(),
            "/requests/new",
            Anyone,
            "/requests/new",
            post(pages::file_request),
        ),
        route(
            get_.clone(),
            "/requests/{tracking}",
            Anyone,
            "/requests/R25-000001?key=0",
            get(pages::show_own_request),
        ),
        route(
            post_.clone(),
            "/requests/{tracking}/messages",
            Anyone,
            "/requests/R25-000001/messages",
            post(pages::message_clerk),
        ),
        route(
            get_.clone(),
            "/requests/{tracking}/files/{file}",
            Anyone,
            "/requests/R25-000001/files/1?key=0",
            get(pages::download_own_file),
        ),
        // The clerk's queue and a request's working page; a steward sees
        // the requests routed to their departments.
        route(
            get_.clone(),
            "/clerk",
            Staff,
            "/clerk",
            get(pages::show_queue),
        ),
        route(
            get_.clone(),
            "/clerk/{tracking}",
            Staff,
            "/clerk/R25-000001",
            get(pages::show_clerk_request),
        ),
        route(
            post_.clone(),
            "/clerk/{tracking}",
            Staff,
            "/clerk/R25-000001",
            post(pages::act_on_request),
        ),
        route(
            post_.clone(),
            "/clerk/{tracking}/files",
            Staff,
            "/clerk/R25-000001/files",
            post(pages::upload_request_file).layer(DefaultBodyLimit::max(
                pages::FILE_LIMIT_MB * 1024 * 1024 + 64 * 1024,
            )),
        ),
        route(
            get_.clone(),
            "/clerk/{tracking}/files/{file}",
            Staff,
            "/clerk/R25-000001/files/1",
            get(pages::download_request_file),
        ),
        route(
            post_.clone(),
            "/clerk/{tracking}/publish/{file}",
            Staff,
            "/clerk/R25-000001/publish/1",
            post(pages::publish_request_file),
        ),
        // The records requests API: the public log and filing for anyone,
        // a request by its key for its requester, everything for staff.
        route(
            get_.clone(),
            "/api/requests",
            Anyone,
            "/api/requests",
            get(records_api::list),
        ),
        route(
            post_.clone(),
            "/api/requests",
            Anyone,
            "/api/requests",
            post(records_api::file),
        ),
        route(
            get_.clone(),
            "/api/requests/queue",
            Staff,
            "/api/requests/queue",
            get(records_api::queue),
        ),
        route(
            get_.clone(),
            "/api/requests/{tracking}",
            Anyone,
            "/api/requests/R25-000001",
            get(records_api::show),
        ),
        route(
            get_.clone(),
            "/api/requests/{tracking}/staff",
            Staff,
            "/api/requests/R25-000001/staff",
            get(records_api::staff),
        ),
        route(
            post_.clone(),
            "/api/requests/{tracking}/actions",
            Staff,
            "/api/requests/R25-000001/actions",
            post(records_api::act),
        ),
        route(
            get_.clone(),
            "/desk",
            Steward,
            "/desk",
            get(pages::show_desk),
        ),
        route(
            get_.clone(),
            "/desk/{id}",
            Steward,
            "/desk/1",
            get(pages::show_desk_item),
        ),
        route(
            post_.clone(),
            "/desk/{id}",
            Steward,
            "/desk/1",
            post(pages::act_on_report),
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
            "/account/password",
            SignedIn,
            "/account/password",
            get(pages::show_change),
        ),
        route(
            post_.clone(),
            "/account/password",
            SignedIn,
            "/account/password",
            post(pages::change_password),
        ),
        route(
            get_.clone(),
            "/password/forgot",
            Anyone,
            "/password/forgot",
            get(pages::show_forgot),
        ),
        route(
            post_.clone(),
            "/password/forgot",
            Anyone,
            "/password/forgot",
            post(pages::send_link),
        ),
        route(
            get_.clone(),
            "/password/reset",
            Anyone,
            "/password/reset?token=0",
            get(pages::show_reset),
        ),
        route(
            post_.clone(),
            "/password/reset",
            Anyone,
            "/password/reset",
            post(pages::reset_password),
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
        // Administration. Blocking is for stewards as well as
        // administrators, and so is the list of callers over their rate
        // limit, which exists to feed the block form; the audit log of
        // everyone's actions is for administrators alone.
        route(
            get_.clone(),
            "/admin",
            Steward,
            "/admin",
            get(pages::show_admin),
        ),
        route(
            get_.clone(),
            "/admin/blocks",
            Steward,
            "/admin/blocks",
            get(pages::show_blocks),
        ),
        route(
            post_.clone(),
            "/admin/blocks",
            Steward,
            "/admin/blocks",
            post(pages::create_block),
        ),
        route(
            post_.clone(),
            "/admin/blocks/{id}/lift",
            Steward,
            "/admin/blocks/1/lift",
            post(pages::lift_block),
        ),
        route(
            get_.clone(),
            "/admin/limits",
            Steward,
            "/admin/limits",
            get(pages::show_flagged),
        ),
        route(
            get_.clone(),
            "/admin/records",
            Admin,
            "/admin/records",
            get(pages::show_records_law),
        ),
        route(
            post_.clone(),
            "/admin/records",
            Admin,
            "/admin/records",
            post(pages::change_records_law),
        ),
        route(
            get_.clone(),
            "/admin/audit",
            Admin,
            "/admin/audit?action=app_token_created",
            get(pages::show_audit),
        ),
        route(
            get_.clone(),
            "/admin/audit.csv",
            Admin,
            "/admin/audit.csv",
            get(pages::export_audit_csv),
        ),
        route(
            get_.clone(),
            "/admin/audit.json",
            Admin,
            "/admin/audit.json",
            get(pages::export_audit_json),
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
        // Staff sign-in through the city's OpenID Connect provider; both
        // answer 404 unless the `oidc_issuer` setting names one.
        route(
            get_.clone(),
            "/signin/oidc",
            Anyone,
            "/signin/oidc",
            get(pages::sign_in_with_provider),
        ),
        route(
            get_.clone(),
            "/signin/oidc/callback",
            Anyone,
            "/signin/oidc/callback?code=0&state=0",
            get(pages::finish_provider_sign_in),
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
