//! The page a blocked caller sees instead of the one they asked for: the
//! reason staff gave, and until when.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use store::Block;

use super::render::{Stamp, render};
use super::viewer;
use crate::AppState;

/// 403 with the reason and the block's end. Blocks are enforced before the
/// request reaches the layer that knows the viewer, so the page's header
/// shows no one signed in.
pub fn blocked_page(app: &AppState, block: &Block) -> Response {
    let page = viewer::in_city(app, || {
        render(
            "blocked.html",
            context! {
                reason => &block.reason,
                until => block.ends_at.as_ref().map(Stamp::time),
            },
        )
    });
    match page {
        Ok(html) => (StatusCode::FORBIDDEN, html).into_response(),
        Err(e) => e.into_response(),
    }
}
