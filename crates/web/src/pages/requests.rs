//! Open-records requests, as the public sees them: the form that files one
//! (first pointing at published data that may already answer it), the
//! requester's own page reached by the secret link given at filing, and
//! the public log, which never shows who asked.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use minijinja::context;
use serde::{Deserialize, Serialize};
use store::{CatalogQuery, RecordsRequest};

use super::param;
use super::render::{PageError, Stamp, Summary, render};
use super::signin::page;
use crate::access::{Caller, secret_hash};
use crate::forms::{Posted, form_token};
use crate::records_desk as desk;
use crate::{ApiError, AppState};

const LONGEST_TEXT: usize = 10_000;
const LONGEST_FIELD: usize = 300;
/// How many published datasets the form suggests before filing.
const SUGGESTIONS: i64 = 5;

/// The formats a requester may prefer.
pub const FORMATS: [(&str, &str); 3] = [
    (
        "electronic",
        "Electronic copies by e-mail (searchable where the records are)",
    ),
    ("paper", "Paper copies"),
    ("inspection", "Inspection in person"),
];

/// The request form as posted.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct Filing {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub records_sought: String,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub date_from: String,
    #[serde(default)]
    pub date_to: String,
    #[serde(default)]
    pub preferred_format: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// Set once the requester has seen the suggestions and files anyway.
    #[serde(default)]
    pub confirmed: String,
}

/// What must change before a request can be filed, field by field.
#[derive(Debug, Default, Serialize)]
pub struct Problems {
    pub description: Option<String>,
    pub departments: Option<String>,
    pub dates: Option<String>,
    pub preferred_format: Option<String>,
    pub email: Option<String>,
    pub fields: Option<String>,
}

impl Problems {
    pub fn any(&self) -> bool {
        self.description.is_some()
            || self.departments.is_some()
            || self.dates.is_some()
            || self.preferred_format.is_some()
            || self.email.is_some()
            || self.fields.is_some()
    }
}

/// A filing checked: what the store keeps, or what to fix.
pub fn check_filing(app: &AppState, form: &Filing) -> Result<desk::Checked, Box<Problems>> {
    let mut problems = Problems::default();
    let description = form.description.trim();
    if description.is_empty() {
        problems.description = Some("Describe the records you are asking for.".into());
    } else if description.chars().count() > LONGEST_TEXT {
        problems.description = Some(format!("Keep it under {LONGEST_TEXT} characters."));
    }
    let mut departments: Vec<String> = Vec::new();
    for asked in &form.departments {
        match app.profile.department(asked) {
            Some(known) if departments.iter().any(|d| d == known) => {}
            Some(known) => departments.push(known.to_string()),
            None => {
                problems.departments =
                    Some(format!("“{asked}” is not one of the city's departments."))
            }
        }
    }
    let date = |text: &str| -> Result<Option<NaiveDate>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| format!("“{text}” is not a date; write it as 2025-01-31."))
    };
    let (date_from, date_to) = match (date(&form.date_from), date(&form.date_to)) {
        (Ok(from), Ok(to)) => {
            if let (Some(f), Some(t)) = (from, to)
                && f > t
            {
                problems.dates = Some("The first date comes after the last.".into());
            }
            (from, to)
        }
        (Err(e), _) | (_, Err(e)) => {
            problems.dates = Some(e);
            (None, None)
        }
    };
    let preferred_format = form.preferred_format.trim();
    if !preferred_format.is_empty() && !FORMATS.iter().any(|(v, _)| *v == preferred_format) {
        problems.preferred_format = Some("Choose one of the formats listed.".into());
    }
    let email = form.email.trim();
    if !email.is_empty() && crate::credentials::email_problem(email).is_some() {
        problems.email = Some("This does not look like an e-mail address.".into());
    }
    let long = [&form.records_sought, &form.name, &form.phone]
        .into_iter()
        .any(|f| f.chars().count() > LONGEST_FIELD);
    if long || form.email.chars().count() > LONGEST_FIELD {
        problems.fields = Some(format!(
            "Keep each short field under {LONGEST_FIELD} characters."
        ));
    }
    if problems.any() {
        return Err(Box::new(problems));
    }
    let optional = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
    Ok(desk::Checked {
        description: description.to_string(),
        records_sought: form.records_sought.trim().to_string(),
        departments,
        date_from,
        date_to,
        preferred_format: preferred_format.to_string(),
        name: optional(&form.name),
        email: optional(email),
        phone: optional(&form.phone),
    })
}

/// `GET /requests/new`: the form.
pub async fn show_request_form(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let filled = Filing {
        email: caller
            .user
            .as_ref()
            .map(|u| u.email.clone())
            .unwrap_or_default(),
        name: caller
            .user
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        ..Filing::default()
    };
    request_form(
        &app,
        &caller,
        &headers,
        &filled,
        Problems::default(),
        Suggestions::default(),
    )
}

/// What may already answer a request: published datasets, and earlier
/// requests released to the public.
#[derive(Default, Serialize)]
pub struct Suggestions {
    datasets: Vec<Summary>,
    releases: Vec<EarlierRelease>,
}

impl Suggestions {
    fn is_empty(&self) -> bool {
        self.datasets.is_empty() && self.releases.is_empty()
    }
}

/// An earlier request whose released records may answer a new one.
#[derive(Debug, Serialize)]
struct EarlierRelease {
    tracking: String,
    summary: Option<String>,
    files: Vec<desk::PublicFile>,
}

fn request_form(
    app: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    filled: &Filing,
    problems: Problems,
    suggestions: Suggestions,
) -> Result<Response, PageError> {
    let token = form_token(app, caller, headers);
    let status = if problems.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let departments: Vec<serde_json::Value> = app
        .profile
        .departments
        .iter()
        .map(|d| serde_json::json!({ "name": d, "selected": filled.departments.contains(d) }))
        .collect();
    let formats: Vec<serde_json::Value> = FORMATS
        .iter()
        .map(|(value, label)| {
            serde_json::json!({ "value": value, "label": label, "selected": filled.preferred_format == *value })
        })
        .collect();
    let html = render(
        "request-form.html",
        context! {
            section => "requests",
            csrf => token.value,
            form => filled,
            departments,
            formats,
            has_problems => problems.any(),
            problems,
            has_suggestions => !suggestions.is_empty(),
            suggestions => suggestions.datasets,
            releases => suggestions.releases,
            office => &app.profile.records_office,
        },
    )?;
    Ok(page(status, html, token.set_cookie))
}

/// `POST /requests/new`: files the request, unless published data may
/// already answer it and the requester has not seen that yet.
pub async fn file_request(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Posted(form): Posted<Filing>,
) -> Result<Response, PageError> {
    let checked = match check_filing(&app, &form) {
        Ok(checked) => checked,
        Err(problems) => {
            return request_form(
                &app,
                &caller,
                &headers,
                &form,
                *problems,
                Suggestions::default(),
            );
        }
    };
    if form.confirmed != "1" {
        let suggestions = suggest(&app, &caller, &checked).await?;
        if !suggestions.is_empty() {
            return request_form(
                &app,
                &caller,
                &headers,
                &form,
                Problems::default(),
                suggestions,
            );
        }
    }
    let filed = desk::file(&app, &caller, checked, &headers).await?;
    // After filing, the requester's own page by its link: reloading it
    // files nothing again.
    let path = filed
        .link
        .find("/requests/")
        .map_or(filed.link.as_str(), |at| &filed.link[at..]);
    Ok(Redirect::to(&format!("{path}&filed=1")).into_response())
}

/// Published datasets and earlier public releases whose words match the
/// request's.
async fn suggest(
    app: &AppState,
    caller: &Caller,
    checked: &desk::Checked,
) -> Result<Suggestions, PageError> {
    let words: Vec<&str> = checked
        .description
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 3)
        .take(12)
        .collect();
    if words.is_empty() {
        return Ok(Suggestions::default());
    }
    let mut releases: Vec<EarlierRelease> = Vec::new();
    for word in &words {
        for earlier in app
            .store
            .released_requests_mentioning(word, SUGGESTIONS)
            .await
            .map_err(ApiError::from)?
        {
            if releases.len() < SUGGESTIONS as usize
                && releases.iter().all(|r| r.tracking != earlier.tracking)
            {
                releases.push(EarlierRelease {
                    files: desk::public_files(app, &earlier.tracking).await?,
                    summary: earlier.summary,
                    tracking: earlier.tracking,
                });
            }
        }
    }
    // Any of the words: a request's phrasing rarely matches a title whole.
    let mut found = Vec::new();
    for word in &words {
        let page = app
            .store
            .search(&CatalogQuery {
                q: Some(word.to_string()),
                limit: SUGGESTIONS,
                access: caller.access(),
                ..CatalogQuery::default()
            })
            .await
            .map_err(ApiError::from)?;
        for dataset in page.datasets {
            if found.len() < SUGGESTIONS as usize && !found.iter().any(|(id, _)| *id == dataset.id)
            {
                found.push((dataset.id.clone(), Summary::of(&dataset)));
            }
        }
    }
    Ok(Suggestions {
        datasets: found.into_iter().map(|(_, s)| s).collect(),
        releases,
    })
}

/// `GET /requests/{tracking}?key=…`: the requester's page.
pub async fn show_own_request(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let key = param(&params, "key").unwrap_or("");
    let request = requesters_request(&app, &caller, &tracking, key).await?;
    let view = desk::requester_view(&app, &request).await?;
    let token = form_token(&app, &caller, &headers);
    // Just filed: the link to keep, in full, with the due date up front.
    let filed = param(&params, "filed").is_some() && !key.is_empty();
    let link = format!(
        "{}/requests/{}?key={key}",
        app.base_url(&headers),
        request.tracking
    );
    let html = render(
        "request-status.html",
        context! {
            section => "requests",
            request => view,
            key,
            filed,
            link,
            mailed => request.requester_email.is_some() && app.mailer.is_some(),
            csrf => token.value,
        },
    )?;
    let mut response = page(StatusCode::OK, html, token.set_cookie);
    // The address carries the key: no cache keeps the page, and no link
    // followed from it passes the address on.
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    headers.insert(
        axum::http::header::REFERRER_POLICY,
        axum::http::HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

#[derive(Deserialize)]
pub struct RequesterMessage {
    #[serde(default)]
    key: String,
    #[serde(default)]
    body: String,
}

/// `POST /requests/{tracking}/messages`: the requester writes to the clerk.
pub async fn message_clerk(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(tracking): Path<String>,
    Posted(form): Posted<RequesterMessage>,
) -> Result<Response, PageError> {
    let request = requesters_request(&app, &caller, &tracking, &form.key).await?;
    let body = form.body.trim();
    if body.is_empty() || body.chars().count() > LONGEST_TEXT {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "The message was not sent",
            format!("Write a message of at most {LONGEST_TEXT} characters, then send it again."),
        ));
    }
    let now = app.clock.now();
    app.store
        .add_request_message(request.id, None, false, body, now)
        .await
        .map_err(ApiError::from)?;
    // In the request's history too, where staff look for what changed.
    app.store
        .add_request_event(
            request.id,
            now,
            "requester_wrote",
            &serde_json::json!({}),
            None,
        )
        .await
        .map_err(ApiError::from)?;
    let back = if form.key.is_empty() {
        format!("/requests/{}#messages", request.tracking)
    } else {
        format!(
            "/requests/{}?key={}#messages",
            request.tracking,
            urlencoding::encode(&form.key)
        )
    };
    Ok(Redirect::to(&back).into_response())
}

/// The request the link's key opens, or the signed-in requester's own; the
/// same "not found" otherwise, so tracking numbers cannot be probed.
async fn requesters_request(
    app: &AppState,
    caller: &Caller,
    tracking: &str,
    key: &str,
) -> Result<RecordsRequest, PageError> {
    let by_key = if key.is_empty() {
        None
    } else {
        app.store
            .request_by_secret(&secret_hash(key))
            .await
            .map_err(ApiError::from)?
    };
    let found = match by_key {
        Some(request) => Some(request),
        None => match &caller.user {
            Some(user) => app
                .store
                .request_by_tracking(tracking)
                .await
                .map_err(ApiError::from)?
                .filter(|r| r.requester_id == Some(user.id)),
            None => None,
        },
    };
    found.filter(|r| r.tracking == tracking).ok_or_else(|| {
        PageError::not_found(
            "Request not found",
            "This link does not open a request. Use the whole link you were given when you \
             filed it, or sign in with the account you filed it from.",
        )
    })
}

/// One entry of the public log.
#[derive(Serialize)]
struct LogEntry {
    tracking: String,
    received: Stamp,
    departments: String,
    state: String,
    closing_reason: Option<String>,
    summary: Option<String>,
    files: Vec<desk::PublicFile>,
}

/// `GET /requests`: the public log.
pub async fn show_public_log(State(app): State<AppState>) -> Result<Response, PageError> {
    let log = app
        .store
        .public_requests(200, 0)
        .await
        .map_err(ApiError::from)?;
    let mut entries: Vec<LogEntry> = Vec::with_capacity(log.len());
    for r in log {
        let files = desk::public_files(&app, &r.tracking).await?;
        entries.push(LogEntry {
            files,
            received: Stamp::date(&r.received_at),
            departments: r.departments.join(", "),
            state: desk::state_words(&r.state).to_string(),
            closing_reason: r
                .closing_reason
                .as_deref()
                .map(|c| desk::closing_words(c).to_string()),
            summary: r.summary,
            tracking: r.tracking,
        });
    }
    let html = render(
        "requests-log.html",
        context! { section => "requests", entries },
    )?;
    Ok(html.into_response())
}

/// `GET /requests/{tracking}/files/{file}`: a released file, for its
/// requester (by key or account), or for anyone when it is public; a part's
/// files by the whole request's key. Nothing before the release.
pub async fn download_own_file(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path((tracking, file)): Path<(String, i64)>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let missing = || PageError::not_found("File not found", "There is no such file.");
    let key = param(&params, "key").unwrap_or("");
    let request = app
        .store
        .request_by_tracking(&tracking)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(missing)?;
    if !desk::was_released(&app, &request).await? {
        return Err(missing());
    }
    let whole = match request.parent_id {
        Some(id) => {
            app.store
                .records_request(id)
                .await
                .map_err(ApiError::from)?
                .ok_or_else(missing)?
                .tracking
        }
        None => request.tracking.clone(),
    };
    let requester = requesters_request(&app, &caller, &whole, key).await.is_ok();
    super::clerk::file_response(&app, &request, file, !requester)
        .await
        .map_err(|_| missing())
}
