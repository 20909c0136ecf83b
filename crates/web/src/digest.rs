//! The daily digest: every staff member who works records requests gets,
//! by e-mail, the requests of theirs whose deadlines are due soon or past,
//! with the dates. The server sends it at the `digest_at` local time;
//! `civic digest` sends it at once.

use std::time::Duration;

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use records::clock::Timeliness;
use serde::Serialize;
use store::{RecordsRequest, RequestFilter, Role, User};

use crate::access::Caller;
use crate::records_desk::{self as desk, actions};
use crate::{ApiError, AppState};

/// A time of day as `HH:MM`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").ok()
}

/// One deadline in a digest.
#[derive(Debug, Clone, Serialize)]
pub struct DigestItem {
    pub tracking: String,
    pub clock: String,
    pub due: chrono::NaiveDate,
    pub timeliness: &'static str,
}

/// What one run of the digest did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DigestRun {
    /// Who was sent a digest, and how many deadlines it listed.
    pub sent: Vec<(String, usize)>,
    /// Staff with nothing due soon, who were sent nothing.
    pub quiet: usize,
    /// Digests the mail server refused.
    pub failed: Vec<String>,
}

/// The open requests with a deadline due soon or past, each with those
/// deadlines, past ones first: read once for every digest of a run.
pub async fn late_deadlines(
    app: &AppState,
) -> Result<Vec<(RecordsRequest, Vec<DigestItem>)>, ApiError> {
    let now = app.clock.now();
    let zone = app.jurisdiction().zone;
    let calendar = desk::calendar(app).await?;
    let filter = RequestFilter {
        states: desk::open_states(),
        ..RequestFilter::default()
    };
    let mut late = Vec::new();
    for request in app.store.records_requests(&filter).await? {
        let clocks = desk::clocks_on(app, &request, &calendar).await?;
        let items: Vec<DigestItem> = clocks
            .iter()
            .filter(|c| c.name.is_duty())
            .filter_map(|c| {
                let timeliness = c.timeliness(now, zone);
                matches!(timeliness, Timeliness::DueSoon | Timeliness::Overdue).then(|| {
                    DigestItem {
                        tracking: request.tracking.clone(),
                        clock: c.name.to_string(),
                        due: c.due,
                        timeliness: timeliness.as_str(),
                    }
                })
            })
            .collect();
        if !items.is_empty() {
            late.push((request, items));
        }
    }
    Ok(late)
}

/// Of those, the deadlines on the requests `user` works, past ones first,
/// then the soonest.
pub fn items_for(user: &User, late: &[(RecordsRequest, Vec<DigestItem>)]) -> Vec<DigestItem> {
    let caller = Caller {
        user: Some(user.clone()),
        ..Caller::anonymous(std::net::IpAddr::from([127, 0, 0, 1]))
    };
    let mut items: Vec<DigestItem> = late
        .iter()
        .filter(|(request, _)| actions::may_act(&caller, request))
        .flat_map(|(_, items)| items.iter().cloned())
        .collect();
    items.sort_by(|a, b| {
        (a.timeliness != "overdue", a.due, &a.tracking).cmp(&(
            b.timeliness != "overdue",
            b.due,
            &b.tracking,
        ))
    });
    items
}

/// Sends today's digest to every active clerk, administrator and steward
/// with something due soon or past.
pub async fn send(app: &AppState) -> Result<DigestRun, ApiError> {
    let Some(mailer) = &app.mailer else {
        return Err(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "mail.off",
            "no SMTP server is set (smtp_url), so no digest can be sent",
        ));
    };
    let mut run = DigestRun::default();
    let base = app.settings.public_url.clone().unwrap_or_default();
    let today = app
        .clock
        .now()
        .with_timezone(&app.jurisdiction().zone)
        .date_naive();
    let late = late_deadlines(app).await?;
    for user in app.store.users().await? {
        if user.disabled || !matches!(user.role, Role::Clerk | Role::Admin | Role::Steward) {
            continue;
        }
        let items = items_for(&user, &late);
        if items.is_empty() {
            run.quiet += 1;
            continue;
        }
        let overdue = items.iter().filter(|i| i.timeliness == "overdue").count();
        let subject = format!(
            "Records requests on {}: {} overdue, {} due soon",
            desk::day_words(today),
            overdue,
            items.len() - overdue
        );
        let mut body = format!(
            "Deadlines of the records requests you work that are past or due by the next \
             working day, as of {}:\n\n",
            desk::day_words(today)
        );
        for item in &items {
            body.push_str(&format!(
                "  {} {}: {} due {} ({})\n",
                item.tracking,
                if item.timeliness == "overdue" {
                    "OVERDUE"
                } else {
                    "due soon"
                },
                item.clock,
                desk::day_words(item.due),
                format_args!("{base}/clerk/{}", item.tracking),
            ));
        }
        match mailer.send(&user.email, &subject, body).await {
            Ok(()) => run.sent.push((user.email.clone(), items.len())),
            Err(e) => {
                tracing::error!(error = %e, to = %user.email, "digest mail");
                run.failed.push(user.email.clone());
            }
        }
    }
    Ok(run)
}

/// The next moment the local time reads `at` in `zone`, after `now`.
pub fn next_run<Z: TimeZone>(now: DateTime<Utc>, at: NaiveTime, zone: &Z) -> DateTime<Utc> {
    let local = now.with_timezone(zone).date_naive();
    for day in local.iter_days().take(3) {
        // A time skipped by a clock change runs at the next valid instant.
        if let Some(when) = zone.from_local_datetime(&day.and_time(at)).earliest() {
            let when = when.with_timezone(&Utc);
            if when > now {
                return when;
            }
        }
    }
    now + chrono::Duration::days(1)
}

/// Sends the digest every day at `digest_at`, for as long as the server
/// runs. Nothing when the time is empty or mail is off.
pub async fn run_daily(app: AppState) {
    let Some(at) = parse_time(&app.settings.digest_at) else {
        return;
    };
    if app.mailer.is_none() {
        return;
    }
    loop {
        let now = app.clock.now();
        let next = next_run(now, at, &app.jurisdiction().zone);
        let wait = (next - now).to_std().unwrap_or(Duration::from_secs(60));
        tokio::time::sleep(wait).await;
        match send(&app).await {
            Ok(run) => tracing::info!(sent = run.sent.len(), quiet = run.quiet, "records digest"),
            Err(e) => tracing::error!(error = %e.message, "records digest"),
        }
        // Past the minute, so one day's digest is never sent twice.
        tokio::time::sleep(Duration::from_secs(61)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn the_digest_runs_at_the_next_local_seven() {
        let denver = chrono_tz::America::Denver;
        let seven = parse_time("07:00").unwrap();
        // 10:15 in Aurora (MST): tomorrow at 07:00 MST, 14:00 UTC.
        assert_eq!(
            next_run(utc(2025, 11, 26, 17, 15), seven, &denver),
            utc(2025, 11, 27, 14, 0)
        );
        // 05:00 in Aurora: today.
        assert_eq!(
            next_run(utc(2025, 11, 26, 12, 0), seven, &denver),
            utc(2025, 11, 26, 14, 0)
        );
        // Exactly at seven: the next day's, never the same one twice.
        assert_eq!(
            next_run(utc(2025, 11, 26, 14, 0), seven, &denver),
            utc(2025, 11, 27, 14, 0)
        );
        // Across the spring change (8 March 2026): 07:00 MDT is 13:00 UTC.
        assert_eq!(
            next_run(utc(2026, 3, 7, 20, 0), seven, &denver),
            utc(2026, 3, 8, 13, 0)
        );
        assert_eq!(parse_time("7am"), None);
        assert_eq!(parse_time("25:00"), None);
    }
}
