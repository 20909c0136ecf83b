//! `/admin/audit`: the audit log of staff actions, for administrators,
//! filtered by who, what, on what and when, a page at a time; and the same
//! filtered log downloaded whole as CSV or JSON, streamed page by page so
//! a long log never sits in memory.

use std::io;
use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
use futures::{Stream, StreamExt, TryStreamExt, stream};
use minijinja::context;
use serde::Serialize;
use serde_json::{Value, json};
use store::{AuditEntry, AuditFilter, Store};

use super::super::account::signed_in;
use super::super::render::{PageError, Stamp, render};
use super::super::table::Pager;
use super::super::{counted, link, page_count, page_number, param};
use super::private;
use crate::access::Caller;
use crate::{ApiError, AppState};

const PER_PAGE: u64 = 50;

/// How many entries an export reads from the store at a time.
const EXPORT_PAGE: i64 = 500;

/// The columns of the CSV export, and the keys of each JSON entry.
const COLUMNS: [&str; 8] = [
    "id",
    "at",
    "actor_id",
    "actor_email",
    "action",
    "target",
    "before",
    "after",
];

/// The filters as the visitor wrote them, which every link repeats, and
/// as the store reads them.
struct Filters<'a> {
    actor: Option<&'a str>,
    action: Option<&'a str>,
    target: Option<&'a str>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    filter: AuditFilter,
}

impl Filters<'_> {
    fn url(&self, path: &str, page: Option<u64>) -> String {
        let page = page.filter(|p| *p > 1).map(|p| p.to_string());
        link(
            path,
            &[
                ("actor", self.actor),
                ("action", self.action),
                ("target", self.target),
                ("from", self.from),
                ("to", self.to),
                ("page", page.as_deref()),
            ],
        )
    }
}

/// Reads `?actor=&action=&target=&from=&to=`; the dates are whole days in
/// UTC, as the log shows its times.
fn read_filters(params: &[(String, String)]) -> Result<Filters<'_>, PageError> {
    let from = param(params, "from");
    let to = param(params, "to");
    let first = from.map(day).transpose()?;
    let last = to.map(day).transpose()?;
    if let (Some(first), Some(last)) = (first, last)
        && first > last
    {
        return Err(bad_filter(
            "The first day comes after the last: swap them, or leave one empty.",
        ));
    }
    let start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let filter = AuditFilter {
        actor: param(params, "actor").map(String::from),
        action: param(params, "action").map(String::from),
        target: param(params, "target").map(String::from),
        from: first.map(start),
        until: last
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .map(start),
        older_than: None,
    };
    Ok(Filters {
        actor: param(params, "actor"),
        action: param(params, "action"),
        target: param(params, "target"),
        from,
        to,
        filter,
    })
}

fn day(text: &str) -> Result<NaiveDate, PageError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| bad_filter(&format!("`{text}` is not a date like 2025-12-31.")))
}

fn bad_filter(message: &str) -> PageError {
    PageError::new(
        StatusCode::BAD_REQUEST,
        "These filters could not be used",
        format!("{message} Go back and change the filters."),
    )
}

/// One entry as the page lists it.
#[derive(Serialize)]
struct EntryRow {
    at: Stamp,
    actor: String,
    action: String,
    target: String,
    before: Option<String>,
    after: Option<String>,
}

impl EntryRow {
    fn of(entry: &AuditEntry) -> EntryRow {
        EntryRow {
            at: Stamp::time(&entry.at),
            actor: entry.actor_email.clone(),
            action: entry.action.clone(),
            target: entry.target.clone(),
            before: entry.before.as_ref().map(Value::to_string),
            after: entry.after.as_ref().map(Value::to_string),
        }
    }
}

/// `GET /admin/audit`.
pub async fn show_audit(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    signed_in(&caller)?;
    let filters = read_filters(&params)?;
    let asked = page_number(&params);

    let store = &app.store;
    let total = store
        .audit_count(&filters.filter)
        .await
        .map_err(ApiError::from)?;
    let pages = page_count(total.max(0) as u64, PER_PAGE);
    let page = asked.min(pages);
    let offset = ((page - 1) * PER_PAGE) as i64;
    let entries = store
        .audit_entries(&filters.filter, PER_PAGE as i64, offset)
        .await
        .map_err(ApiError::from)?;
    let actions = store.audit_actions().await.map_err(ApiError::from)?;

    let pager = Pager {
        page,
        pages,
        previous: (page > 1).then(|| filters.url("/admin/audit", Some(page - 1))),
        next: (page < pages).then(|| filters.url("/admin/audit", Some(page + 1))),
    };
    let html = render(
        "admin-audit.html",
        context! {
            section => "admin",
            entries => entries.iter().map(EntryRow::of).collect::<Vec<_>>(),
            found => counted(total, "entry", "entries"),
            pager => pager,
            actions => actions,
            actor => filters.actor.unwrap_or_default(),
            action => filters.action.unwrap_or_default(),
            target => filters.target.unwrap_or_default(),
            from => filters.from.unwrap_or_default(),
            to => filters.to.unwrap_or_default(),
            csv => filters.url("/admin/audit.csv", None),
            json => filters.url("/admin/audit.json", None),
        },
    )?;
    Ok(private(html))
}

/// `GET /admin/audit.csv`: the filtered log, newest first, one row an
/// entry; `before` and `after` are JSON text.
pub async fn export_audit_csv(
    State(app): State<AppState>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let filters = read_filters(&params)?;
    let header = csv_rows([COLUMNS.map(String::from)])?;
    let rows = entry_pages(app.store.clone(), filters.filter).and_then(|page| async move {
        csv_rows(page.iter().map(csv_record)).map_err(|_| io::Error::other("CSV"))
    });
    let body = stream::once(async { Ok(header) }).chain(rows);
    Ok(download(
        Body::from_stream(body),
        "text/csv; charset=utf-8",
        "audit-log.csv",
    ))
}

/// `GET /admin/audit.json`: the filtered log, newest first, as one JSON
/// array of entries.
pub async fn export_audit_json(
    State(app): State<AppState>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let filters = read_filters(&params)?;
    let mut first = true;
    let entries = entry_pages(app.store.clone(), filters.filter).map_ok(move |page| {
        let mut out = String::new();
        for entry in &page {
            out.push_str(if first { "\n" } else { ",\n" });
            first = false;
            out.push_str(&entry_json(entry).to_string());
        }
        Bytes::from(out)
    });
    let body = stream::once(async { Ok(Bytes::from_static(b"[")) })
        .chain(entries)
        .chain(stream::once(async { Ok(Bytes::from_static(b"\n]\n")) }));
    Ok(download(
        Body::from_stream(body),
        "application/json; charset=utf-8",
        "audit-log.json",
    ))
}

/// The entries `filter` matches, newest first, a store page at a time.
/// Each page starts below the last entry of the one before, so entries
/// written meanwhile neither shift nor repeat rows.
fn entry_pages(
    store: Store,
    filter: AuditFilter,
) -> impl Stream<Item = io::Result<Vec<AuditEntry>>> + Send {
    stream::try_unfold(Some(filter), move |next| {
        let store = store.clone();
        async move {
            let Some(filter) = next else { return Ok(None) };
            let page = store
                .audit_entries(&filter, EXPORT_PAGE, 0)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "audit log export");
                    io::Error::other("the audit log could not be read")
                })?;
            let next = match page.last() {
                Some(last) if page.len() as i64 == EXPORT_PAGE => Some(AuditFilter {
                    older_than: Some(last.id),
                    ..filter
                }),
                _ => None,
            };
            Ok((!page.is_empty()).then_some((page, next)))
        }
    })
}

fn at(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn csv_record(entry: &AuditEntry) -> [String; 8] {
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    [
        entry.id.to_string(),
        at(&entry.at),
        entry.actor_id.map(|id| id.to_string()).unwrap_or_default(),
        entry.actor_email.clone(),
        entry.action.clone(),
        entry.target.clone(),
        json(&entry.before),
        json(&entry.after),
    ]
}

fn csv_rows(records: impl IntoIterator<Item = [String; 8]>) -> Result<Bytes, PageError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer
            .write_record(&record)
            .map_err(|e| PageError::from(ApiError::internal("audit CSV", e)))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| PageError::from(ApiError::internal("audit CSV", e)))?;
    Ok(Bytes::from(bytes))
}

fn entry_json(entry: &AuditEntry) -> Value {
    json!({
        "id": entry.id,
        "at": at(&entry.at),
        "actor_id": entry.actor_id,
        "actor_email": entry.actor_email,
        "action": entry.action,
        "target": entry.target,
        "before": entry.before,
        "after": entry.after,
    })
}

fn download(body: Body, content_type: &'static str, file: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn dates_are_whole_days_and_blanks_are_no_filter() {
        let p = params(&[
            ("actor", " ada "),
            ("action", ""),
            ("from", "2025-03-01"),
            ("to", "2025-03-02"),
        ]);
        let filters = read_filters(&p).unwrap();
        assert_eq!(
            filters.filter,
            AuditFilter {
                actor: Some("ada".into()),
                from: Some("2025-03-01T00:00:00Z".parse().unwrap()),
                until: Some("2025-03-03T00:00:00Z".parse().unwrap()),
                ..AuditFilter::default()
            }
        );
        assert_eq!(
            filters.url("/admin/audit.csv", None),
            "/admin/audit.csv?actor=ada&from=2025-03-01&to=2025-03-02"
        );
        assert!(read_filters(&params(&[("from", "March")])).is_err());
        assert!(read_filters(&params(&[("from", "2025-03-02"), ("to", "2025-03-01")])).is_err());
    }
}
