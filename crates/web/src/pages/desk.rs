//! The stewards' desk: anyone reports a problem with a dataset (something
//! wrong, or data to take down such as personal data published by
//! mistake); the dataset's stewards see it on their desk, hide rows or
//! columns at once while it is corrected, answer the reporter and close it.
//! Administrators see every department's open items and their age.
//!
//! A reporter follows their report by a link with a secret, given when
//! they file it (and e-mailed when they leave an address), so no account is
//! needed. Reports are never public.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use engine::arrow::array::{Array, Int64Array};
use minijinja::context;
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{Dataset, NewAuditEntry, NewReport, Report, ReportFilter, ReportKind, Role};

use super::dataset::seen_dataset;
use super::param;
use super::render::{PageError, Stamp, render};
use super::signin::page;
use crate::access::{Caller, new_secret, secret_hash};
use crate::forms::{Posted, form_token};
use crate::{ApiError, AppState, soda};

const LONGEST_TEXT: usize = 4_000;
const LONGEST_ROWS: usize = 1_000;
/// The most rows one form hides or shows.
const MOST_ROWS: usize = 500;

#[derive(Deserialize)]
pub struct Filed {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    rows: String,
    #[serde(default)]
    email: String,
}

/// What the report form says back when something must change.
#[derive(Default, Serialize)]
struct Problems {
    kind: Option<String>,
    summary: Option<String>,
    rows: Option<String>,
    email: Option<String>,
}

impl Problems {
    fn any(&self) -> bool {
        self.kind.is_some() || self.summary.is_some() || self.rows.is_some() || self.email.is_some()
    }
}

/// `GET /d/{id}/report`: the form.
pub async fn show_report_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let dataset = seen_dataset(&app, &caller, &id).await?;
    let filled = Filed {
        kind: String::new(),
        summary: String::new(),
        rows: String::new(),
        email: caller
            .user
            .as_ref()
            .map(|u| u.email.clone())
            .unwrap_or_default(),
    };
    report_form(
        &app,
        &caller,
        &headers,
        &dataset,
        filled,
        Problems::default(),
    )
}

/// The report form, filled in as given, with what must change.
fn report_form(
    app: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    dataset: &Dataset,
    filled: Filed,
    problems: Problems,
) -> Result<Response, PageError> {
    let token = form_token(app, caller, headers);
    let status = if problems.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let html = render(
        "report-form.html",
        context! {
            dataset => Named::of(dataset),
            csrf => token.value,
            kind => filled.kind,
            summary => filled.summary,
            rows => filled.rows,
            email => filled.email,
            takedown_days => app.settings.takedown_due_days,
            has_problems => problems.any(),
            problems,
        },
    )?;
    Ok(page(status, html, token.set_cookie))
}

/// `POST /d/{id}/report`: files the report, tells the reporter how to
/// follow it and the dataset's stewards that it is there.
pub async fn file_report(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Posted(form): Posted<Filed>,
) -> Result<Response, PageError> {
    let dataset = seen_dataset(&app, &caller, &id).await?;
    let mut problems = Problems::default();
    let kind = ReportKind::parse(&form.kind);
    if kind.is_none() {
        problems.kind = Some("Choose what kind of problem this is.".into());
    }
    let summary = form.summary.trim();
    if summary.is_empty() {
        problems.summary = Some("Say what is wrong, so the stewards can find it.".into());
    } else if summary.chars().count() > LONGEST_TEXT {
        problems.summary = Some(format!("Keep it under {LONGEST_TEXT} characters."));
    }
    let rows = form.rows.trim();
    if rows.chars().count() > LONGEST_ROWS {
        problems.rows = Some(format!("Keep it under {LONGEST_ROWS} characters."));
    }
    let email = form.email.trim();
    if !email.is_empty() && !plausible_email(email) {
        problems.email = Some("This does not look like an e-mail address.".into());
    }
    let (Some(kind), false) = (kind, problems.any()) else {
        return report_form(&app, &caller, &headers, &dataset, form, problems);
    };

    let now = app.clock.now();
    let secret = new_secret();
    let due_at = (kind == ReportKind::Takedown)
        .then(|| now + chrono::Duration::days(i64::from(app.settings.takedown_due_days)));
    let report = app
        .store
        .create_report(
            NewReport {
                dataset_id: dataset.id.clone(),
                kind,
                summary: summary.to_string(),
                rows: rows.to_string(),
                reporter_email: Some(email.to_string()).filter(|e| !e.is_empty()),
                reporter_id: caller.user.as_ref().map(|u| u.id),
                secret_hash: secret_hash(&secret),
                due_at,
            },
            now,
        )
        .await
        .map_err(ApiError::from)?;
    app.store
        .append_audit(
            NewAuditEntry {
                actor: caller.user.clone(),
                action: "report_filed",
                target: format!("report:{}", report.id),
                before: None,
                after: Some(json!({
                    "dataset": dataset.id,
                    "kind": kind,
                    "due_at": due_at,
                })),
            },
            now,
        )
        .await
        .map_err(ApiError::from)?;

    let base = app.base_url(&headers);
    let link = format!("{base}/reports/{}?key={secret}", report.id);
    if let Some(to) = &report.reporter_email {
        let body = format!(
            "Thank you for your report about “{title}” on the {city}'s open data portal. \
             The dataset's stewards have it{due}.\n\n\
             Follow it, read their answers and add to it here:\n\n{link}\n\n\
             Keep this link to yourself: anyone who has it can read the report.\n",
            title = dataset.title,
            city = app.profile.city.name,
            due = due_at.map_or(String::new(), |d| format!(
                " and will act on it by {}",
                d.format("%-d %B %Y")
            )),
        );
        mail(&app, to, &format!("Your report #{}", report.id), body).await;
    }
    tell_stewards(&app, &report, &base).await?;

    let html = render(
        "report-filed.html",
        context! { report => Item::of(&report, now), link, mailed => report.reporter_email.is_some() && app.mailer.is_some() },
    )?;
    Ok(page(StatusCode::CREATED, html, None))
}

/// Tells the stewards of the report's department that it is on their desk.
async fn tell_stewards(app: &AppState, report: &Report, base: &str) -> Result<(), PageError> {
    if app.mailer.is_none() {
        return Ok(());
    }
    let users = app.store.users().await.map_err(ApiError::from)?;
    let stewards = users.iter().filter(|u| {
        !u.disabled && u.role == Role::Steward && u.departments.contains(&report.department)
    });
    for steward in stewards {
        let body = format!(
            "A {kind} about “{title}” ({department}) is on your desk{due}:\n\n{summary}\n\n{base}/desk/{id}\n",
            kind = kind_words(report.kind).to_lowercase(),
            title = report.dataset_title,
            department = report.department,
            due = report.due_at.map_or(String::new(), |d| format!(
                ", due {}",
                d.format("%-d %B %Y")
            )),
            summary = report.summary,
            id = report.id,
        );
        mail(
            app,
            &steward.email,
            &format!("Report #{} on your desk", report.id),
            body,
        )
        .await;
    }
    Ok(())
}

/// Sends a message when e-mail is set up. A failure is logged for the
/// administrators; the report is filed and answered either way.
async fn mail(app: &AppState, to: &str, subject: &str, body: String) {
    if let Some(mailer) = &app.mailer
        && let Err(e) = mailer.send(to, subject, body).await
    {
        tracing::error!(error = %e, "report mail");
    }
}

fn plausible_email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !text.chars().any(char::is_whitespace)
    })
}

/// `GET /reports/{id}?key=…`: the reporter's page.
pub async fn show_report_status(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let key = param(&params, "key").unwrap_or("");
    let report = reporters_report(&app, id, key).await?;
    let token = form_token(&app, &caller, &headers);
    let html = render(
        "report-status.html",
        context! {
            report => Item::of(&report, app.clock.now()),
            messages => messages(&app, &report, false).await?,
            key,
            csrf => token.value,
        },
    )?;
    Ok(page(StatusCode::OK, html, token.set_cookie))
}

#[derive(Deserialize)]
pub struct Reply {
    #[serde(default)]
    key: String,
    #[serde(default)]
    body: String,
}

/// `POST /reports/{id}/reply`: the reporter adds to their report.
pub async fn reply_to_report(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    Posted(form): Posted<Reply>,
) -> Result<Response, PageError> {
    let report = reporters_report(&app, id, &form.key).await?;
    let body = message_text(&form.body)?;
    app.store
        .add_report_message(report.id, None, body, app.clock.now())
        .await
        .map_err(ApiError::from)?;
    let back = format!(
        "/reports/{}?key={}#messages",
        report.id,
        urlencoding::encode(&form.key)
    );
    Ok(Redirect::to(&back).into_response())
}

/// The report the link's secret opens: the same "not found" for a wrong
/// key as for no report, so ids cannot be probed.
async fn reporters_report(app: &AppState, id: i64, key: &str) -> Result<Report, PageError> {
    let found = if key.is_empty() {
        None
    } else {
        app.store
            .report_by_secret(&secret_hash(key))
            .await
            .map_err(ApiError::from)?
    };
    found.filter(|r| r.id == id).ok_or_else(|| {
        PageError::not_found(
            "Report not found",
            "This link does not open a report. Use the whole link you were given when you \
             filed it.",
        )
    })
}

fn message_text(text: &str) -> Result<&str, PageError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > LONGEST_TEXT {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "The message was not sent",
            format!("Write a message of at most {LONGEST_TEXT} characters, then send it again."),
        ));
    }
    Ok(text)
}

/// A report as the pages list it.
#[derive(Serialize)]
struct Item {
    id: i64,
    dataset_id: String,
    dataset_title: String,
    department: String,
    kind: &'static str,
    takedown: bool,
    summary: String,
    rows: String,
    reporter_email: Option<String>,
    filed: Stamp,
    age: String,
    due: Option<Stamp>,
    overdue: bool,
    closed: Option<Stamp>,
    resolution: Option<String>,
}

impl Item {
    fn of(r: &Report, now: DateTime<Utc>) -> Item {
        Item {
            id: r.id,
            dataset_id: r.dataset_id.clone(),
            dataset_title: r.dataset_title.clone(),
            department: r.department.clone(),
            kind: kind_words(r.kind),
            takedown: r.kind == ReportKind::Takedown,
            summary: r.summary.clone(),
            rows: r.rows.clone(),
            reporter_email: r.reporter_email.clone(),
            filed: Stamp::time(&r.filed_at),
            age: age(now - r.filed_at),
            due: r.due_at.as_ref().map(Stamp::date),
            overdue: r.closed_at.is_none() && r.due_at.is_some_and(|d| d < now),
            closed: r.closed_at.as_ref().map(Stamp::time),
            resolution: r.resolution.clone(),
        }
    }
}

fn kind_words(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::ContentIssue => "Content issue",
        ReportKind::Takedown => "Takedown request",
    }
}

/// How long an item has been open, in the largest whole unit.
fn age(open: chrono::TimeDelta) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match (open.num_days(), open.num_hours(), open.num_minutes()) {
        (d, _, _) if d >= 1 => plural(d, "day"),
        (_, h, _) if h >= 1 => plural(h, "hour"),
        (_, _, m) => plural(m.max(0), "minute"),
    }
}

#[derive(Serialize)]
struct MessageRow {
    from: String,
    at: Stamp,
    body: String,
    staff: bool,
}

/// A report's conversation. Stewards see which of them wrote; the reporter
/// sees "the stewards".
async fn messages(
    app: &AppState,
    report: &Report,
    staff_view: bool,
) -> Result<Vec<MessageRow>, PageError> {
    let messages = app
        .store
        .report_messages(report.id)
        .await
        .map_err(ApiError::from)?;
    Ok(messages
        .iter()
        .map(|m| MessageRow {
            from: match (&m.author_email, staff_view) {
                (None, _) => "The reporter".into(),
                (Some(email), true) => email.clone(),
                (Some(_), false) => format!("The stewards of {}", report.department),
            },
            at: Stamp::time(&m.at),
            body: m.body.clone(),
            staff: m.author_id.is_some(),
        })
        .collect())
}

/// `GET /desk?closed=1`: the open items of the caller's departments (every
/// department for administrators), due first, with their age.
pub async fn show_desk(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let user = caller.user.as_ref().ok_or_else(PageError::forbidden)?;
    let include_closed = param(&params, "closed") == Some("1");
    let filter = ReportFilter {
        departments: (user.role != Role::Admin).then(|| user.departments.clone()),
        include_closed,
    };
    let reports = app.store.reports(&filter).await.map_err(ApiError::from)?;
    let now = app.clock.now();
    let items: Vec<Item> = reports.iter().map(|r| Item::of(r, now)).collect();
    let open = reports.iter().filter(|r| r.closed_at.is_none()).count();
    let html = render(
        "desk.html",
        context! {
            items,
            open,
            include_closed,
            everyone => user.role == Role::Admin,
            departments => user.departments,
        },
    )?;
    Ok(html.into_response())
}

/// `GET /desk/{id}`: one item, its conversation, and what a steward can do.
pub async fn show_desk_item(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (report, dataset) = stewarded(&app, &caller, id).await?;
    let html = render(
        "desk-item.html",
        context! {
            report => Item::of(&report, app.clock.now()),
            messages => messages(&app, &report, true).await?,
            hidden_rows => dataset.hidden_rows,
            columns => dataset.columns.iter().map(|c| json!({
                "field_name": c.field_name, "name": c.name, "restricted": c.restricted,
            })).collect::<Vec<_>>(),
            csrf => caller.csrf_token.clone().unwrap_or_default(),
        },
    )?;
    Ok(html.into_response())
}

/// A report and its dataset as stored, for a steward of its department or
/// an administrator; "not allowed" for other staff.
async fn stewarded(
    app: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(Report, Dataset), PageError> {
    let report = app
        .store
        .report(id)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(|| {
            PageError::not_found("No such report", format!("There is no report #{id}."))
        })?;
    if !caller.stewards(&report.department) {
        return Err(PageError::forbidden());
    }
    let dataset = app
        .store
        .dataset(&report.dataset_id)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(|| ApiError::no_dataset(&report.dataset_id))?;
    Ok((report, dataset))
}

#[derive(Deserialize)]
pub struct Action {
    #[serde(default)]
    action: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    rows: String,
    #[serde(default)]
    resolution: String,
}

/// `POST /desk/{id}`: answer the reporter, hide or show rows, hide
/// columns, or close the item. Every action is audited.
pub async fn act_on_report(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(id): Path<i64>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (report, dataset) = stewarded(&app, &caller, id).await?;
    let form = read_action(&fields)?;
    let columns: BTreeSet<&str> = fields
        .iter()
        .filter(|(k, _)| k == "columns")
        .map(|(_, v)| v.as_str())
        .collect();
    let now = app.clock.now();
    let target = format!("report:{}", report.id);
    let audit = |action: &'static str, before, after| NewAuditEntry {
        actor: caller.user.clone(),
        action,
        target: target.clone(),
        before,
        after,
    };
    let entries = match form.action.as_str() {
        "answer" => {
            let body = message_text(&form.body)?;
            let author = caller.user.as_ref().map(|u| u.id);
            app.store
                .add_report_message(report.id, author, body, now)
                .await
                .map_err(ApiError::from)?;
            if let Some(to) = &report.reporter_email {
                let text = format!(
                    "The stewards of {department} answered your report #{id} about “{title}”:\n\n\
                     {body}\n\nThe link you were given when you filed it shows the whole \
                     conversation, and lets you answer.\n",
                    department = report.department,
                    id = report.id,
                    title = report.dataset_title,
                );
                mail(
                    &app,
                    to,
                    &format!("An answer to your report #{}", report.id),
                    text,
                )
                .await;
            }
            vec![audit(
                "report_answered",
                None,
                Some(json!({ "message": body })),
            )]
        }
        "hide" | "show" => {
            let ids = row_ids(&form.rows)?;
            let mut entries = Vec::new();
            if !ids.is_empty() {
                let missing = missing_rows(&app, &dataset, &ids).await?;
                if !missing.is_empty() {
                    return Err(refused(format!(
                        "This dataset has no row with :id {}.",
                        missing
                            .iter()
                            .map(i64::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                let before = json!({ "hidden_rows": dataset.hidden_rows });
                let (changed, action) = if form.action == "hide" {
                    let by = caller.user.as_ref().map(|u| u.id);
                    let n = app
                        .store
                        .hide_rows(&dataset.id, &ids, Some(report.id), by, now)
                        .await;
                    (n.map_err(ApiError::from)?, "rows_hidden")
                } else {
                    let n = app.store.unhide_rows(&dataset.id, &ids).await;
                    (n.map_err(ApiError::from)?, "rows_shown")
                };
                if changed > 0 {
                    let after = app
                        .store
                        .hidden_rows(&dataset.id)
                        .await
                        .map_err(ApiError::from)?;
                    entries.push(audit(
                        action,
                        Some(before),
                        Some(json!({ "dataset": dataset.id, "hidden_rows": after })),
                    ));
                }
            }
            if form.action == "hide" {
                for field_name in columns {
                    let column = dataset.column(field_name).ok_or_else(|| {
                        refused(format!("This dataset has no column “{field_name}”."))
                    })?;
                    if column.restricted {
                        continue;
                    }
                    app.store
                        .set_column_restricted(&dataset.id, field_name, true)
                        .await
                        .map_err(ApiError::from)?;
                    entries.push(audit(
                        "column_restricted",
                        Some(json!({ "dataset": dataset.id, "column": field_name, "restricted": false })),
                        Some(json!({ "dataset": dataset.id, "column": field_name, "restricted": true })),
                    ));
                }
            }
            if entries.is_empty() {
                return Err(refused(
                    "Give the :id of at least one row, or tick a column.".into(),
                ));
            }
            entries
        }
        "close" => {
            let resolution = message_text(&form.resolution)?;
            if !app
                .store
                .close_report(report.id, resolution, now)
                .await
                .map_err(ApiError::from)?
            {
                return Err(refused("This item is already closed.".into()));
            }
            vec![audit(
                "report_closed",
                Some(json!({ "open": true })),
                Some(json!({ "open": false, "resolution": resolution })),
            )]
        }
        other => {
            return Err(refused(format!(
                "“{other}” is not something this form does."
            )));
        }
    };
    for entry in entries {
        app.store
            .append_audit(entry, now)
            .await
            .map_err(ApiError::from)?;
    }
    app.forget_dataset(&dataset.id);
    Ok(Redirect::to(&format!("/desk/{}", report.id)).into_response())
}

fn read_action(fields: &[(String, String)]) -> Result<Action, PageError> {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    Ok(Action {
        action: value("action"),
        body: value("body"),
        rows: value("rows"),
        resolution: value("resolution"),
    })
}

fn refused(message: String) -> PageError {
    PageError::new(StatusCode::BAD_REQUEST, "Nothing was changed", message)
}

/// Row ids as a steward types them: numbers separated by commas or spaces.
fn row_ids(text: &str) -> Result<Vec<i64>, PageError> {
    let mut ids = BTreeSet::new();
    for word in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let id = word
            .trim_start_matches('#')
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0);
        ids.insert(id.ok_or_else(|| {
            refused(format!(
                "“{word}” is not a row's :id; give whole numbers such as 12, 40."
            ))
        })?);
    }
    if ids.len() > MOST_ROWS {
        return Err(refused(format!(
            "Hide or show at most {MOST_ROWS} rows at a time."
        )));
    }
    Ok(ids.into_iter().collect())
}

/// The ids among `ids` that no row of the dataset's current version has.
async fn missing_rows(
    app: &AppState,
    dataset: &Dataset,
    ids: &[i64],
) -> Result<Vec<i64>, PageError> {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let params = [
        ("$select".to_string(), ":id".to_string()),
        (
            "$where".to_string(),
            format!(":id in ({})", list.join(", ")),
        ),
        ("$limit".to_string(), ids.len().to_string()),
    ];
    // The stored dataset, with nothing hidden: a hidden row can be shown again.
    let mut whole = dataset.clone();
    whole.hidden_rows.clear();
    let request = soda::params::parse(&params, &whole, app.settings.max_limit)?;
    let typed = soda::check(&request, &whole)?;
    let page = soda::run_page(app, &whole, typed, request.limit).await?;
    let mut found = BTreeSet::new();
    for batch in &page.batches {
        let column = batch.column(0);
        let values = column
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| ApiError::internal("row ids", "`:id` is not Int64"))?;
        found.extend(values.iter().flatten());
    }
    Ok(ids
        .iter()
        .copied()
        .filter(|id| !found.contains(id))
        .collect())
}

/// A dataset's id and title, for the report pages.
#[derive(Serialize)]
struct Named {
    id: String,
    title: String,
    department: String,
}

impl Named {
    fn of(d: &Dataset) -> Named {
        Named {
            id: d.id.clone(),
            title: d.title.clone(),
            department: d.department.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_ids_read_as_stewards_type_them() {
        assert_eq!(row_ids("12, 40 #7\n12").unwrap(), [7, 12, 40]);
        assert!(row_ids("").unwrap().is_empty());
        for bad in ["0", "-3", "x1", "1.5"] {
            assert!(row_ids(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ages_are_said_in_their_largest_unit() {
        let age_of = |minutes: i64| age(chrono::TimeDelta::minutes(minutes));
        assert_eq!(age_of(0), "0 minutes");
        assert_eq!(age_of(1), "1 minute");
        assert_eq!(age_of(125), "2 hours");
        assert_eq!(age_of(60 * 24 * 3 + 5), "3 days");
    }
}
