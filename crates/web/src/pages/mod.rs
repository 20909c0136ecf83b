//! The portal's pages for residents: the home page, the catalog browser, a
//! dataset's page, and signing in to an account; rendered on the server so
//! they work without JavaScript.

mod account;
mod admin;
mod blocked;
mod browse;
pub mod clerk;
mod dataset;
mod dataset_access;
mod desk;
mod home;
mod oidc;
mod password;
mod render;
pub mod requests;
mod signin;
mod table;
mod terms;
mod viewer;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub use account::{create_token, revoke_token, show_account};
pub use admin::{
    change_records_law, create_block, export_audit_csv, export_audit_json, lift_block, show_admin,
    show_audit, show_blocks, show_flagged, show_records_law,
};
pub use blocked::blocked_page;
pub use browse::browse_catalog;
pub use clerk::{
    FILE_LIMIT_MB, act as act_on_request, download as download_request_file,
    publish as publish_request_file, show_queue, show_request as show_clerk_request,
    upload as upload_request_file,
};
pub use dataset::show_dataset;
pub use dataset_access::update_dataset_access;
pub use desk::{
    act_on_report, file_report, reply_to_report, show_desk, show_desk_item, show_report_form,
    show_report_status,
};
pub use home::show_home;
pub use oidc::{finish_provider_sign_in, sign_in_with_provider};
pub use password::{
    change_password, reset_password, send_link, show_change, show_forgot, show_reset,
};
pub use render::PageError;
pub use requests::{
    download_own_file, file_request, message_clerk, show_own_request, show_public_log,
    show_request_form,
};
pub use signin::{show_signin, show_signup, sign_in, sign_out, sign_out_everywhere, sign_up};
pub use terms::{show_api_terms, show_privacy, show_records_help, show_terms};
pub use viewer::remember_viewer;

const STYLESHEET: &str = include_str!("../../static/civic.css");

/// The portal's one stylesheet.
pub async fn stylesheet() -> Response {
    let mut response = STYLESHEET.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// The first non-blank value of a query-string parameter, trimmed.
fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .find(|v| !v.is_empty())
}

/// `?page=N`: a page number from 1; anything else reads as the first page.
fn page_number(params: &[(String, String)]) -> u64 {
    param(params, "page")
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// A path with a query string built from the pairs that have a value.
fn link(path: &str, pairs: &[(&str, Option<&str>)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", urlencoding::encode(v))))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// How many pages `total` items fill, at least one.
fn page_count(total: u64, per_page: u64) -> u64 {
    total.div_ceil(per_page.max(1)).max(1)
}

/// 2406 → `2,406`.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 dataset`, `2,406 rows`.
fn counted(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2406), "2,406");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(counted(1, "row", "rows"), "1 row");
        assert_eq!(counted(1000, "row", "rows"), "1,000 rows");
    }

    #[test]
    fn links_leave_out_empty_values_and_encode_the_rest() {
        assert_eq!(link("/browse", &[("q", None)]), "/browse");
        assert_eq!(
            link(
                "/browse",
                &[("q", Some("a&b c")), ("topic", None), ("page", Some("2"))]
            ),
            "/browse?q=a%26b%20c&page=2"
        );
    }

    #[test]
    fn page_numbers_fall_back_to_the_first() {
        let p = |v: &str| page_number(&[("page".to_string(), v.to_string())]);
        assert_eq!(p("3"), 3);
        assert_eq!(p("0"), 1);
        assert_eq!(p("-2"), 1);
        assert_eq!(p("two"), 1);
        assert_eq!(p("99999999999999999999999"), 1);
        assert_eq!(page_count(0, 20), 1);
        assert_eq!(page_count(41, 20), 3);
    }
}
