//! The pages that say how the portal may be used: the terms of use, the
//! API terms with the rate limits as this portal's settings make them, the
//! privacy page, and how to ask for records that are not published.

use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::State;
use axum::response::Html;
use minijinja::context;
use serde::Serialize;

use super::render::{PageError, render};
use crate::AppState;

/// One kind of caller's budget, in words.
#[derive(Serialize)]
struct Budget {
    who: &'static str,
    per_hour: u32,
    burst: u32,
    every: String,
    full: String,
}

impl Budget {
    fn new(who: &'static str, per_hour: NonZeroU32, burst: NonZeroU32) -> Budget {
        let every = Duration::from_secs(3600) / per_hour.get();
        Budget {
            who,
            per_hour: per_hour.get(),
            burst: burst.get(),
            every: span(every),
            full: span(every * burst.get()),
        }
    }
}

/// `GET /terms`.
pub async fn show_terms() -> Result<Html<String>, PageError> {
    render("terms.html", context! {})
}

/// `GET /privacy`.
pub async fn show_privacy() -> Result<Html<String>, PageError> {
    render("privacy.html", context! {})
}

/// `GET /help/records`: where the city's records office is, from the
/// profile, and what the law promises a requester.
pub async fn show_records_help(State(app): State<AppState>) -> Result<Html<String>, PageError> {
    render(
        "records-help.html",
        context! { office => &app.profile.records_office },
    )
}

/// `GET /terms/api`.
pub async fn show_api_terms(State(app): State<AppState>) -> Result<Html<String>, PageError> {
    let s = &app.settings;
    let budgets = [
        Budget::new(
            "Without an app token (per address)",
            s.anonymous_requests_per_hour,
            s.anonymous_burst,
        ),
        Budget::new(
            "With an app token (per token)",
            s.token_requests_per_hour,
            s.token_burst,
        ),
        Budget::new(
            "City staff signed in (per person)",
            s.staff_requests_per_hour,
            s.staff_burst,
        ),
    ];
    render(
        "api-terms.html",
        context! { enabled => s.rate_limits_enabled, budgets },
    )
}

/// 3.6 s → `3.6 seconds`, 216 s → `3 minutes 36 seconds`.
fn span(d: Duration) -> String {
    let plural = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        let text = format!("{secs:.2}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        return format!("{text} second{}", if text == "1" { "" } else { "s" });
    }
    let whole = d.as_secs() + u64::from(d.subsec_millis() >= 500);
    let (hours, minutes, seconds) = (whole / 3600, whole / 60 % 60, whole % 60);
    let parts = [(hours, "hour"), (minutes, "minute"), (seconds, "second")];
    let words: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, one)| plural(*n, one))
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_words() {
        assert_eq!(span(Duration::from_millis(3600)), "3.6 seconds");
        assert_eq!(span(Duration::from_millis(360)), "0.36 seconds");
        assert_eq!(span(Duration::from_secs(1)), "1 second");
        assert_eq!(span(Duration::from_secs(216)), "3 minutes 36 seconds");
        assert_eq!(span(Duration::from_secs(3600)), "1 hour");
        assert_eq!(span(Duration::from_secs(3660)), "1 hour 1 minute");
    }
}
