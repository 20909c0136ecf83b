//! The administration pages: blocking callers, the callers the rate limits
//! keep refusing, and the audit log of staff actions.
//!
//! Stewards and administrators block and unblock, and see who keeps being
//! refused; only administrators read and export the audit log. The route
//! table states each page's need; the handlers only read the account.

mod audit;
mod blocks;
mod flagged;
mod records;

use std::sync::Arc;

use axum::Extension;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use store::Role;

use super::account::signed_in;
use super::render::{PageError, render};
use crate::access::Caller;

pub use audit::{export_audit_csv, export_audit_json, show_audit};
pub use blocks::{create_block, lift_block, show_blocks};
pub use flagged::show_flagged;
pub use records::{change_records_law, show_records_law};

/// `GET /admin`: the administration pages this account may use.
pub async fn show_admin(Extension(caller): Extension<Arc<Caller>>) -> Result<Response, PageError> {
    let user = signed_in(&caller)?;
    let html = render(
        "admin.html",
        context! { section => "admin", audit => user.role == Role::Admin, records => user.role == Role::Admin },
    )?;
    Ok(private(html))
}

/// Staff pages name people and addresses: no cache keeps a copy.
fn private(html: Html<String>) -> Response {
    let mut response = html.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
