//! Templates, built once from the files bundled into the binary, and the
//! error page every page handler falls back to.

use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use minijinja::{Environment, UndefinedBehavior, Value, context};
use serde::Serialize;
use store::Dataset;

use super::counted;
use crate::error::ApiError;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "_summary.html",
        include_str!("../../templates/_summary.html"),
    ),
    ("home.html", include_str!("../../templates/home.html")),
    ("browse.html", include_str!("../../templates/browse.html")),
    ("dataset.html", include_str!("../../templates/dataset.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("signin.html", include_str!("../../templates/signin.html")),
    ("signup.html", include_str!("../../templates/signup.html")),
    ("account.html", include_str!("../../templates/account.html")),
    ("admin.html", include_str!("../../templates/admin.html")),
    (
        "admin-blocks.html",
        include_str!("../../templates/admin-blocks.html"),
    ),
    (
        "admin-audit.html",
        include_str!("../../templates/admin-audit.html"),
    ),
    (
        "admin-limits.html",
        include_str!("../../templates/admin-limits.html"),
    ),
    ("blocked.html", include_str!("../../templates/blocked.html")),
    (
        "api-terms.html",
        include_str!("../../templates/api-terms.html"),
    ),
    ("terms.html", include_str!("../../templates/terms.html")),
    ("privacy.html", include_str!("../../templates/privacy.html")),
    (
        "records-help.html",
        include_str!("../../templates/records-help.html"),
    ),
    (
        "password-forgot.html",
        include_str!("../../templates/password-forgot.html"),
    ),
    (
        "password-reset.html",
        include_str!("../../templates/password-reset.html"),
    ),
    (
        "password-done.html",
        include_str!("../../templates/password-done.html"),
    ),
    (
        "report-form.html",
        include_str!("../../templates/report-form.html"),
    ),
    (
        "report-filed.html",
        include_str!("../../templates/report-filed.html"),
    ),
    (
        "report-status.html",
        include_str!("../../templates/report-status.html"),
    ),
    (
        "_messages.html",
        include_str!("../../templates/_messages.html"),
    ),
    ("desk.html", include_str!("../../templates/desk.html")),
    (
        "desk-item.html",
        include_str!("../../templates/desk-item.html"),
    ),
    (
        "password-change.html",
        include_str!("../../templates/password-change.html"),
    ),
    (
        "request-form.html",
        include_str!("../../templates/request-form.html"),
    ),
    (
        "admin-records.html",
        include_str!("../../templates/admin-records.html"),
    ),
    (
        "clerk-queue.html",
        include_str!("../../templates/clerk-queue.html"),
    ),
    (
        "clerk-request.html",
        include_str!("../../templates/clerk-request.html"),
    ),
    (
        "request-status.html",
        include_str!("../../templates/request-status.html"),
    ),
    (
        "requests-log.html",
        include_str!("../../templates/requests-log.html"),
    ),
    ("_clocks.html", include_str!("../../templates/_clocks.html")),
];

fn environment() -> &'static Environment<'static> {
    static ENVIRONMENT: OnceLock<Environment<'static>> = OnceLock::new();
    ENVIRONMENT.get_or_init(|| {
        let mut env = Environment::new();
        // A misspelt variable is an error the page tests catch, not a blank.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        for (name, source) in TEMPLATES {
            // `.html` names turn HTML auto-escaping on.
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("bundled template {name}: {e}"));
        }
        env
    })
}

/// Renders a bundled template, with the signed-in viewer for the header.
pub(super) fn render(name: &str, ctx: Value) -> Result<Html<String>, PageError> {
    render_for_viewer(name, ctx)
        .map(Html)
        .map_err(|e| PageError::internal(name, e))
}

fn render_for_viewer(name: &str, ctx: Value) -> Result<String, minijinja::Error> {
    let ctx = context! {
        viewer => super::viewer::current(),
        city => super::viewer::city(),
        ..ctx
    };
    environment().get_template(name)?.render(ctx)
}

/// A page that could not be shown, as an HTML page with its status.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    title: String,
    message: String,
}

impl PageError {
    pub fn new(status: StatusCode, title: impl Into<String>, message: impl Into<String>) -> Self {
        PageError {
            status,
            title: title.into(),
            message: message.into(),
        }
    }

    pub fn not_found(title: impl Into<String>, message: impl Into<String>) -> Self {
        PageError {
            status: StatusCode::NOT_FOUND,
            title: title.into(),
            message: message.into(),
        }
    }

    /// A signed-in person whose role does not reach this page.
    pub fn forbidden() -> Self {
        PageError {
            status: StatusCode::FORBIDDEN,
            title: "Not allowed".into(),
            message: "Your account's role does not give access to this page.".into(),
        }
    }

    /// A fault on our side: logged in full once, shown without detail.
    fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!(error = %error, "page {context}");
        PageError::fault(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn fault(status: StatusCode) -> Self {
        PageError {
            status,
            title: "Something went wrong".into(),
            message: FAULT.into(),
        }
    }
}

const FAULT: &str =
    "This page could not be shown. The problem has been logged; please try again later.";

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        if e.status.is_server_error() {
            // ApiError has already logged the detail.
            return PageError::fault(e.status);
        }
        PageError {
            status: e.status,
            title: "This page could not be shown".into(),
            message: e.message,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let ctx = context! { title => self.title, message => self.message };
        match render_for_viewer("error.html", ctx) {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "page error.html");
                (self.status, self.message).into_response()
            }
        }
    }
}

/// A dataset as a line in a list: home page and search results.
#[derive(Serialize)]
pub(super) struct Summary {
    url: String,
    title: String,
    excerpt: String,
    department: String,
    topic: Option<String>,
    updated: Stamp,
    rows: String,
}

impl Summary {
    pub(super) fn of(d: &Dataset) -> Summary {
        Summary {
            url: format!("/d/{}", d.id),
            title: d.title.clone(),
            excerpt: excerpt(&d.description, 200),
            department: d.department.clone(),
            topic: d.topic.clone(),
            updated: Stamp::date(&d.updated_at),
            rows: counted(d.row_count, "row", "rows"),
        }
    }
}

/// A moment for `<time datetime=…>` and its words for people.
#[derive(Serialize)]
pub(super) struct Stamp {
    iso: String,
    text: String,
}

impl Stamp {
    /// The day of a moment, in the city.
    pub(super) fn date(t: &DateTime<Utc>) -> Stamp {
        let local = t.with_timezone(&super::viewer::zone());
        Stamp {
            iso: local.format("%Y-%m-%d").to_string(),
            text: local.format("%-d %B %Y").to_string(),
        }
    }

    /// A moment as the city's clocks show it: `4 December 2026, 09:30 MST`.
    pub(super) fn time(t: &DateTime<Utc>) -> Stamp {
        let local = t.with_timezone(&super::viewer::zone());
        Stamp {
            iso: local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            text: local.format("%-d %B %Y, %H:%M %Z").to_string(),
        }
    }
}

/// The start of a text, cut at a word and marked when cut.
fn excerpt(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let at_word = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    let kept = cut[..at_word].trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '.');
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            assert!(environment().get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("one two three four", 12), "one two…");
        assert_eq!(excerpt("über, ärger öfter", 8), "über…");
    }
}
