//! The clerk's side of records requests: the queue with due dates and
//! timeliness, and one request's page with its clocks explained, its
//! history, messages and notes, time and money, files, and a form for each
//! thing staff do. Every look at a requester's details is audited.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use records::clock;
use records::exemptions;
use records::fees::format_cents;
use records::lifecycle::{ClosingReason, State as RequestState, next_states};
use serde::Serialize;
use serde_json::{Map, Value};
use store::{FileVisibility, NewRequestFile, RecordsRequest, RequestFilter, Role};

use super::param;
use super::render::{PageError, render};
use super::signin::page;
use crate::access::Caller;
use crate::forms::{Posted, form_token, token_matches};
use crate::records_desk::actions::{self, Action};
use crate::records_desk::fees::{FeeView, balance_words, latest_priced, ledger};
use crate::records_desk::{self as desk, ClockView};
use crate::{ApiError, AppState};

/// One row of the queue.
#[derive(Debug, Serialize)]
pub struct QueueRow {
    pub tracking: String,
    pub received: String,
    pub description: String,
    pub departments: Vec<String>,
    pub assigned_department: Option<String>,
    pub state: String,
    pub state_words: &'static str,
    /// The response clock's due date, and in words.
    pub due: Option<chrono::NaiveDate>,
    pub due_text: Option<String>,
    pub timeliness: &'static str,
    /// The requester wrote last: a message waits for an answer.
    pub new_message: bool,
}

/// The requests a staff member may work on, filtered as asked, with their
/// response clock and timeliness.
pub async fn queue(
    app: &AppState,
    caller: &Caller,
    params: &[(String, String)],
) -> Result<Vec<QueueRow>, ApiError> {
    let mut filter = RequestFilter::default();
    let bad = |what: &str, value: &str, known: String| {
        ApiError::bad_parameter(
            what,
            format!("`{value}` is not a {what}; use one of {known}"),
        )
    };
    if let Some(state) = param(params, "state")
        && RequestState::parse(state).is_err()
    {
        let known: Vec<&str> = RequestState::ALL.iter().map(|s| s.as_str()).collect();
        return Err(bad("state", state, known.join(", ")));
    }
    if let Some(t) = param(params, "timeliness")
        && !["on_track", "due_soon", "overdue", "extended_on_time"].contains(&t)
    {
        return Err(bad(
            "timeliness",
            t,
            "on_track, due_soon, overdue, extended_on_time".into(),
        ));
    }
    if let Some(department) = param(params, "department")
        && app.profile.department(department).is_none()
    {
        return Err(bad(
            "department",
            department,
            "the city's departments".into(),
        ));
    }
    if let Some(state) = param(params, "state") {
        filter.states = vec![state.to_string()];
    } else if param(params, "open").is_none_or(|o| o != "0") {
        filter.states = desk::open_states();
    }
    filter.department = param(params, "department").map(str::to_string);
    if param(params, "mine").is_some() {
        filter.assigned_to = caller.user.as_ref().map(|u| u.id);
    }
    let wanted_timeliness = param(params, "timeliness");
    let now = app.clock.now();
    let zone = app.jurisdiction().zone;
    let calendar = desk::calendar(app).await?;
    let mut rows = Vec::new();
    for request in app.store.records_requests(&filter).await? {
        if !may_see(caller, &request) {
            continue;
        }
        let clocks = desk::clocks_on(app, &request, &calendar).await?;
        let timeliness = clock::timeliness(&clocks, now).as_str();
        if wanted_timeliness.is_some_and(|t| t != timeliness) {
            continue;
        }
        let response = clocks.get(clock::ClockName::Response);
        // The requester writes on the whole request; a part shows it too
        // until staff answer on the part.
        let mut conversation = app.store.request_messages(request.id, false).await?;
        if let Some(whole) = request.parent_id {
            conversation.extend(app.store.request_messages(whole, false).await?);
        }
        let new_message = conversation
            .iter()
            .max_by_key(|m| (m.at, m.id))
            .is_some_and(|m| m.author_id.is_none());
        rows.push(QueueRow {
            new_message,
            received: request
                .received_at
                .with_timezone(&zone)
                .format("%a %-d %b %Y %H:%M")
                .to_string(),
            description: request.description.chars().take(160).collect(),
            departments: request.departments.clone(),
            assigned_department: request.assigned_department.clone(),
            state_words: desk::state_words(&request.state),
            state: request.state.clone(),
            due: response.map(|c| c.due),
            due_text: response.map(|c| desk::day_words(c.due)),
            timeliness,
            tracking: request.tracking,
        });
    }
    // Soonest due first; requests without a running response clock last.
    rows.sort_by(|a, b| {
        (a.due.is_none(), a.due, &a.tracking).cmp(&(b.due.is_none(), b.due, &b.tracking))
    });
    Ok(rows)
}

/// Clerks and administrators see every request; a steward those routed to
/// their departments.
pub fn may_see(caller: &Caller, request: &RecordsRequest) -> bool {
    actions::may_act(caller, request)
}

/// `GET /clerk`: the queue.
pub async fn show_queue(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let rows = queue(&app, &caller, &params).await?;
    let states: Vec<(&str, &str)> = RequestState::ALL
        .iter()
        .map(|s| (s.as_str(), desk::state_words(s.as_str())))
        .collect();
    let html = render(
        "clerk-queue.html",
        context! {
            section => "clerk",
            rows,
            states,
            departments => &app.profile.departments,
            chosen_state => param(&params, "state"),
            chosen_department => param(&params, "department"),
            chosen_timeliness => param(&params, "timeliness"),
            mine => param(&params, "mine").is_some(),
        },
    )?;
    Ok(html.into_response())
}

/// A request a staff member may see, or the same "not found" as a request
/// that does not exist.
pub async fn staff_request(
    app: &AppState,
    caller: &Caller,
    tracking: &str,
) -> Result<RecordsRequest, ApiError> {
    app.store
        .request_by_tracking(tracking)
        .await?
        .filter(|r| may_see(caller, r))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "request.not_found",
                format!("no request {tracking} on your desk"),
            )
        })
}

/// Everything staff see of one request.
#[derive(Debug, Serialize)]
pub struct StaffView {
    pub tracking: String,
    pub state: String,
    pub state_words: &'static str,
    pub received: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub description: String,
    pub records_sought: String,
    pub departments: Vec<String>,
    pub date_from: Option<chrono::NaiveDate>,
    pub date_to: Option<chrono::NaiveDate>,
    pub preferred_format: String,
    pub requester: Requester,
    pub assigned_department: Option<String>,
    pub assigned_to: Option<String>,
    pub timeliness: &'static str,
    pub clocks: Vec<ClockView>,
    pub next_states: Vec<&'static str>,
    pub closing: Option<Value>,
    pub public_summary: Option<String>,
    pub messages: Vec<StaffMessage>,
    pub history: Vec<HistoryLine>,
    pub time: Vec<TimeLine>,
    pub minutes_logged: i64,
    pub estimate: Option<FeeView>,
    pub invoice: Option<FeeView>,
    pub money: Vec<MoneyLine>,
    pub balance: Option<String>,
    pub files: Vec<FileLine>,
    /// Its records were released: its files may be published.
    pub released: bool,
    /// The whole request this is a part of.
    pub parent: Option<String>,
    pub parts: Vec<PartLine>,
}

/// A part of a request split across departments.
#[derive(Debug, Serialize)]
pub struct PartLine {
    pub tracking: String,
    pub department: Option<String>,
    pub state: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Requester {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub has_account: bool,
}

#[derive(Debug, Serialize)]
pub struct StaffMessage {
    pub from: String,
    pub at: String,
    pub body: String,
    pub internal: bool,
    pub staff: bool,
}

#[derive(Debug, Serialize)]
pub struct HistoryLine {
    pub at: String,
    pub kind: String,
    pub by: String,
}

#[derive(Debug, Serialize)]
pub struct TimeLine {
    pub worked_on: chrono::NaiveDate,
    pub minutes: i64,
    pub note: String,
    pub by: String,
}

#[derive(Debug, Serialize)]
pub struct MoneyLine {
    pub at: String,
    pub kind: String,
    pub amount: String,
    pub cents: i64,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct FileLine {
    pub id: i64,
    pub name: String,
    pub bytes: i64,
    pub visibility: &'static str,
    pub dataset_id: Option<String>,
}

async fn person(app: &AppState, id: Option<i64>, nobody: &str) -> Result<String, ApiError> {
    Ok(match id {
        Some(id) => app
            .store
            .user(id)
            .await?
            .map_or_else(|| format!("user {id}"), |u| u.name),
        None => nobody.to_string(),
    })
}

/// The staff view of a request; writes the look at the requester's
/// details to the audit log.
pub async fn staff_view(
    app: &AppState,
    caller: &Caller,
    request: &RecordsRequest,
) -> Result<StaffView, ApiError> {
    desk::audit_requester_view(app, caller, request).await?;
    let zone = app.jurisdiction().zone;
    let when = |t: &chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&zone)
            .format("%a %-d %b %Y %H:%M")
            .to_string()
    };
    let clocks = desk::clocks(app, request).await?;
    let state =
        RequestState::parse(&request.state).map_err(|e| ApiError::internal("request state", e))?;

    let mut messages = Vec::new();
    for m in app.store.request_messages(request.id, true).await? {
        messages.push(StaffMessage {
            from: person(app, m.author_id, "Requester").await?,
            at: when(&m.at),
            staff: m.author_id.is_some(),
            internal: m.internal,
            body: m.body,
        });
    }
    let mut history = Vec::new();
    for e in app.store.request_events(request.id).await? {
        history.push(HistoryLine {
            at: when(&e.at),
            kind: e.kind.replace('_', " "),
            by: person(app, e.actor_id, "Requester").await?,
        });
    }
    let mut time = Vec::new();
    for t in app.store.time_entries(request.id).await? {
        time.push(TimeLine {
            worked_on: t.worked_on,
            minutes: t.minutes,
            by: person(app, t.user_id, "—").await?,
            note: t.note,
        });
    }
    let entries = app.store.ledger(request.id).await?;
    let estimate = latest_priced(app, request, "fee_estimate").await?;
    let invoice = latest_priced(app, request, "invoice").await?;
    let basis = invoice
        .as_ref()
        .or(estimate.as_ref())
        .map(|p| p.total_cents);
    let balance = match basis {
        Some(total) => Some(balance_words(ledger(app, &entries)?.balance(total))),
        None => None,
    };
    let files = app
        .store
        .request_files(request.id, false)
        .await?
        .into_iter()
        .map(|f| FileLine {
            id: f.id,
            name: f.name,
            bytes: f.bytes,
            visibility: f.visibility.as_str(),
            dataset_id: f.dataset_id,
        })
        .collect();
    let parent = match request.parent_id {
        Some(id) => app.store.records_request(id).await?.map(|p| p.tracking),
        None => None,
    };
    let parts = app
        .store
        .request_parts(request.id)
        .await?
        .into_iter()
        .map(|p| PartLine {
            state: desk::state_words(&p.state),
            department: p.assigned_department,
            tracking: p.tracking,
        })
        .collect();
    Ok(StaffView {
        released: desk::was_released(app, request).await?,
        parent,
        parts,
        tracking: request.tracking.clone(),
        state: request.state.clone(),
        state_words: desk::state_words(&request.state),
        received: when(&request.received_at),
        received_at: request.received_at,
        description: request.description.clone(),
        records_sought: request.records_sought.clone(),
        departments: request.departments.clone(),
        date_from: request.date_from,
        date_to: request.date_to,
        preferred_format: request.preferred_format.clone(),
        requester: Requester {
            name: request.requester_name.clone(),
            email: request.requester_email.clone(),
            phone: request.requester_phone.clone(),
            has_account: request.requester_id.is_some(),
        },
        assigned_department: request.assigned_department.clone(),
        assigned_to: match request.assigned_to {
            Some(id) => Some(person(app, Some(id), "").await?),
            None => None,
        },
        timeliness: clock::timeliness(&clocks, app.clock.now()).as_str(),
        clocks: desk::clock_views(&clocks),
        next_states: next_states(state).iter().map(|s| s.as_str()).collect(),
        closing: request.closing.clone(),
        public_summary: request.public_summary.clone(),
        messages,
        history,
        minutes_logged: time.iter().map(|t| t.minutes).sum(),
        time,
        estimate: estimate.as_ref().map(FeeView::of),
        invoice: invoice.as_ref().map(FeeView::of),
        money: entries
            .iter()
            .map(|e| MoneyLine {
                at: when(&e.at),
                kind: e.kind.clone(),
                amount: format_cents(e.cents),
                cents: e.cents,
                note: e.note.clone(),
            })
            .collect(),
        balance,
        files,
    })
}

/// `GET /clerk/{tracking}`: one request, with a form for each action.
pub async fn show_request(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let request = staff_request(&app, &caller, &tracking).await?;
    request_page(
        &app,
        &caller,
        &headers,
        &request,
        param(&params, "done").and_then(done_words),
        None,
    )
    .await
}

/// What the page says after an action, by the action's name: fixed words,
/// so a link cannot make the page say anything else. The figures are in
/// the page itself.
fn done_words(action: &str) -> Option<&'static str> {
    Some(match action {
        "acknowledge" => "Acknowledged: the request is in triage.",
        "assign" => "Assigned.",
        "move" => "The request moved to its new state.",
        "note" => "The note is kept with the request.",
        "message" => "The message went to the requester.",
        "extend" => "The extension and its finding went to the requester.",
        "log_time" => "The time is logged.",
        "estimate" => "The fee estimate went to the requester.",
        "money" => "The money is recorded.",
        "invoice" => "The final invoice went to the requester.",
        "release" => "The records are released and the requester told.",
        "deny" => "The denial and its grounds went to the requester.",
        "grounds_requested" => "The request for the written grounds is recorded.",
        "send_grounds" => "The written statement of the grounds went to the requester.",
        "notice_of_intent" => "The notice of intent is recorded.",
        "conferred" => "The conferral is recorded.",
        "agreed_date" => "The date the requester agreed to is recorded.",
        "restart" => "The request counts from today as a new request; the requester is told.",
        "close" => "The request is closed.",
        "summary" => "The public log shows the new summary.",
        "split" => "The request is split into parts; the requester is told.",
        "files" => "The files are kept.",
        _ => return None,
    })
}

async fn request_page(
    app: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    request: &RecordsRequest,
    done: Option<&str>,
    problem: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let view = staff_view(app, caller, request).await?;
    let token = form_token(app, caller, headers);
    let reasons: Vec<(&str, &str)> = ClosingReason::ALL
        .iter()
        .map(|r| (r.as_str(), desk::closing_words(r.as_str())))
        .collect();
    let grounds: Vec<(&str, &str, &str)> = exemptions::all()
        .iter()
        .map(|e| (e.key, e.title, e.section))
        .collect();
    let staff: Vec<(String, String)> = app
        .store
        .users()
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .filter(|u| !u.disabled && matches!(u.role, Role::Clerk | Role::Admin | Role::Steward))
        .map(|u| (u.email, u.name))
        .collect();
    let status = problem.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    let html = render(
        "clerk-request.html",
        context! {
            section => "clerk",
            request => view,
            csrf => token.value,
            done,
            problem => problem.map(|(_, m)| m),
            reasons,
            grounds,
            staff,
            departments => &app.profile.departments,
        },
    )?;
    Ok(page(status, html, token.set_cookie))
}

/// Form fields that are numbers, lists or switches in an [`Action`].
const NUMBER_FIELDS: [&str; 3] = ["minutes", "working_days", "paper_pages"];
/// Form fields that may repeat, read as a list.
const LIST_FIELDS: [&str; 1] = ["departments"];

/// A posted form as the JSON an [`Action`] reads: empty fields left out,
/// numbers as numbers, denial grounds as a list.
pub fn form_action(fields: &[(String, String)]) -> Result<Action, ApiError> {
    let mut object = Map::new();
    // Each ticked ground with the reason typed beside it, even an empty
    // one, so a ground without a reason is named in the refusal.
    let grounds: Vec<Value> = fields
        .iter()
        .filter(|(name, _)| name == "ground")
        .map(|(_, key)| {
            let reason = fields
                .iter()
                .find(|(name, _)| name.strip_prefix("reason_") == Some(key.as_str()))
                .map_or("", |(_, reason)| reason.trim());
            serde_json::json!({ "exemption": key, "reason": reason })
        })
        .collect();
    for (name, value) in fields {
        let value = value.trim();
        if name == "csrf" || name == "ground" || name.starts_with("reason_") || value.is_empty() {
            continue;
        }
        if LIST_FIELDS.contains(&name.as_str()) {
            let list = object
                .entry(name.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(Value::from(value));
            }
            continue;
        }
        let json = if NUMBER_FIELDS.contains(&name.as_str()) {
            match value.parse::<u32>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "request.bad_action",
                        format!(
                            "{} is a whole number; found `{value}`",
                            name.replace('_', " ")
                        ),
                    ));
                }
            }
        } else if name == "expedited" {
            Value::Bool(value == "1" || value == "on" || value == "true")
        } else {
            Value::from(value)
        };
        object.insert(name.clone(), json);
    }
    if object.get("action").and_then(Value::as_str) == Some("deny") {
        object.insert("grounds".into(), Value::Array(grounds));
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.bad_action",
            format!("the form could not be read: {e}"),
        )
    })
}

/// `POST /clerk/{tracking}`: one action from the request's page.
pub async fn act(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let request = staff_request(&app, &caller, &tracking).await?;
    let outcome = match form_action(&fields) {
        Ok(action) => actions::apply(&app, &caller, &request, action).await,
        Err(e) => Err(e),
    };
    let name = fields
        .iter()
        .find(|(k, _)| k == "action")
        .map_or("", |(_, v)| v.as_str());
    let answer = outcome.map(|_| {
        Redirect::to(&format!(
            "/clerk/{}?done={}#top",
            request.tracking,
            urlencoding::encode(name)
        ))
        .into_response()
    });
    or_the_page(&app, &caller, &headers, &request, answer).await
}

/// The most a released file may weigh, in MiB.
pub const FILE_LIMIT_MB: usize = 100;

/// `POST /clerk/{tracking}/files`: uploads released records.
pub async fn upload(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let request = staff_request(&app, &caller, &tracking).await?;
    if request.state == "closed" {
        return Err(PageError::new(
            StatusCode::CONFLICT,
            "The file was not kept",
            format!(
                "{} is closed; reopen it to release more records.",
                request.tracking
            ),
        ));
    }
    let mut csrf = None;
    let mut visibility = FileVisibility::Requester;
    let mut uploads: Vec<(String, String, Vec<u8>)> = Vec::new();
    let too_big = || {
        PageError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The file was not kept",
            format!(
                "A released file may be at most {FILE_LIMIT_MB} MiB. Split it, or compress \
                 it, and upload it again."
            ),
        )
    };
    while let Some(field) = form.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            PageError::new(
                StatusCode::BAD_REQUEST,
                "The upload was not read",
                e.body_text(),
            )
        }
    })? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "csrf" => csrf = field.text().await.ok(),
            "visibility" => {
                let text = field.text().await.unwrap_or_default();
                visibility = FileVisibility::parse(text.trim()).ok_or_else(|| {
                    PageError::new(
                        StatusCode::BAD_REQUEST,
                        "The file was not kept",
                        "Choose who may download it: the requester, or the public.",
                    )
                })?;
            }
            "file" => {
                let file_name = field.file_name().map(clean_file_name).unwrap_or_default();
                let media_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_big()
                    } else {
                        PageError::new(
                            StatusCode::BAD_REQUEST,
                            "The upload was not read",
                            e.body_text(),
                        )
                    }
                })?;
                if !file_name.is_empty() {
                    uploads.push((file_name, media_type, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    if !token_matches(&caller, csrf.as_deref()) {
        return Err(crate::forms::expired());
    }
    if uploads.is_empty() {
        return request_page(
            &app,
            &caller,
            &headers,
            &request,
            None,
            Some((
                StatusCode::BAD_REQUEST,
                "Choose a file to upload.".to_string(),
            )),
        )
        .await;
    }
    let now = app.clock.now();
    let mut names = Vec::new();
    for (name, media_type, content) in &uploads {
        let sha256 = crate::access::sha256_hex(content);
        let kept = app
            .store
            .add_request_file(
                NewRequestFile {
                    request_id: request.id,
                    name: name.clone(),
                    media_type: media_type.clone(),
                    content,
                    sha256: sha256.clone(),
                    visibility,
                    uploaded_by: caller.user.as_ref().map(|u| u.id),
                },
                now,
            )
            .await
            .map_err(ApiError::from)?;
        actions::audit(
            &app,
            &caller,
            "request_file_added",
            &request,
            None,
            Some(serde_json::json!({
                "file": kept.id,
                "name": name,
                "bytes": content.len(),
                "sha256": sha256,
                "visibility": visibility.as_str(),
            })),
            now,
        )
        .await?;
        names.push(name.clone());
    }
    tracing::debug!(files = ?names, tracking = %request.tracking, "request files kept");
    Ok(Redirect::to(&format!("/clerk/{}?done=files#files", request.tracking)).into_response())
}

/// A file name as given, without any folder and without control
/// characters; at most 200 characters.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect::<String>()
        .trim()
        .to_string()
}

/// A kept file as a download.
pub async fn file_response(
    app: &AppState,
    request: &RecordsRequest,
    file_id: i64,
    public_only: bool,
) -> Result<Response, ApiError> {
    let missing = || ApiError::new(StatusCode::NOT_FOUND, "request.no_file", "no such file");
    let (file, path) = app
        .store
        .request_file(request.id, file_id)
        .await?
        .ok_or_else(missing)?;
    if public_only && file.visibility != FileVisibility::Public {
        return Err(missing());
    }
    let content = tokio::fs::read(&path)
        .await
        .map_err(|e| ApiError::internal("request file", e))?;
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        file.name
            .replace(|c: char| !c.is_ascii_graphic() && c != ' ', "_"),
        urlencoding::encode(&file.name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, file.media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        content,
    )
        .into_response())
}

/// `GET /clerk/{tracking}/files/{file}`.
pub async fn download(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path((tracking, file)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let request = staff_request(&app, &caller, &tracking).await?;
    Ok(file_response(&app, &request, file, false).await?)
}

#[derive(Debug, serde::Deserialize)]
pub struct Publishing {
    #[serde(default)]
    title: String,
    #[serde(default)]
    department: String,
}

/// `POST /clerk/{tracking}/publish/{file}`: a released table (CSV)
/// becomes a dataset on the portal, linked both ways with the request.
pub async fn publish(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path((tracking, file_id)): Path<(String, i64)>,
    headers: HeaderMap,
    Posted(form): Posted<Publishing>,
) -> Result<Response, PageError> {
    let request = staff_request(&app, &caller, &tracking).await?;
    let published = publish_file(&app, &caller, &request, file_id, &form)
        .await
        .map(|dataset| Redirect::to(&format!("/d/{dataset}")).into_response());
    or_the_page(&app, &caller, &headers, &request, published).await
}

/// The answer of an action, or, when it was refused, the request's page
/// saying why, with the refusal's status.
async fn or_the_page(
    app: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    request: &RecordsRequest,
    answer: Result<Response, ApiError>,
) -> Result<Response, PageError> {
    match answer {
        Ok(response) => Ok(response),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            request_page(
                app,
                caller,
                headers,
                request,
                None,
                Some((status, e.message)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Publishes a released file as a dataset; answers the dataset's id.
pub async fn publish_file(
    app: &AppState,
    caller: &Caller,
    request: &RecordsRequest,
    file_id: i64,
    form: &Publishing,
) -> Result<String, ApiError> {
    let refused = |m: String| ApiError::new(StatusCode::BAD_REQUEST, "request.not_published", m);
    // One publishing at a time: the same file is never published twice.
    let _turn = app.lock_request(request.id).await;
    let (file, path) = app
        .store
        .request_file(request.id, file_id)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "request.no_file", "no such file"))?;
    if let Some(id) = &file.dataset_id {
        return Err(refused(format!(
            "{} is published already, as {id}",
            file.name
        )));
    }
    if !desk::was_released(app, request).await? {
        return Err(refused(format!(
            "{} is not released yet; a file is published after its release",
            request.tracking
        )));
    }
    if file.visibility != FileVisibility::Public {
        return Err(refused(format!(
            "{} is released to the requester only; release it to the public before publishing it",
            file.name
        )));
    }
    let title = form.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(refused(
            "give the dataset a title of at most 200 characters".into(),
        ));
    }
    let department = app
        .profile
        .department(form.department.trim())
        .map(str::to_string)
        .ok_or_else(|| refused("choose the department that publishes the dataset".into()))?;
    let content = tokio::fs::read(&path)
        .await
        .map_err(|e| ApiError::internal("request file", e))?;
    let loaded = tokio::task::spawn_blocking(move || {
        ingest::read_bytes(
            &content,
            ingest::Format::Csv,
            &ingest::LoadOptions::default(),
        )
    })
    .await
    .map_err(|e| ApiError::internal("reading a released table", e))?
    .map_err(|e| {
        refused(format!(
            "{} could not be read as a CSV table: {e}",
            file.name
        ))
    })?;
    let id = store::random_dataset_id();
    let new = store::NewDataset {
        id: id.clone(),
        title: title.to_string(),
        department: department.clone(),
        meta: store::Metadata {
            description: Some(format!(
                "Records released for open-records request {} ({}).",
                request.tracking, file.name
            )),
            source: Some(format!("Open-records request {}", request.tracking)),
            ..store::Metadata::default()
        },
        columns: loaded
            .columns
            .iter()
            .map(|c| store::NewColumn {
                field_name: c.field_name.clone(),
                name: c.name.clone(),
                ty: c.ty,
            })
            .collect(),
    };
    let now = app.clock.now();
    app.store
        .create_dataset(new, &loaded.schema, loaded.batches, now)
        .await?;
    app.store.link_request_file(file.id, &id).await?;
    actions::audit(
        app,
        caller,
        "request_file_published",
        request,
        None,
        Some(serde_json::json!({ "file": file.id, "name": file.name, "dataset": id })),
        now,
    )
    .await?;
    Ok(id)
}
