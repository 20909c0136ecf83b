//! The records desk: open-records requests kept in the store and read
//! through the jurisdiction's law in the `records` crate. Filing a request,
//! its clocks (always computed again from its events and today's calendar,
//! so a closure day added later moves every open deadline), and what the
//! requester is shown and sent.

use axum::http::HeaderMap;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use records::calendar::Calendar;
use records::clock::{self, Clock, ClockStatus, Clocks, Event};
use serde::Serialize;
use serde_json::json;
use store::{NewAuditEntry, NewRequest, RecordsRequest, RequestEvent};

pub mod actions;
pub mod fees;

use crate::access::{Caller, new_secret, secret_hash};
use crate::{ApiError, AppState};

/// A request as the form checked it, ready to keep.
#[derive(Debug, Clone)]
pub struct Checked {
    pub description: String,
    pub records_sought: String,
    pub departments: Vec<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub preferred_format: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A request just filed, with what its requester is told once.
pub struct Filed {
    pub request: RecordsRequest,
    /// The requester's own link, which carries the secret.
    pub link: String,
    pub clocks: Vec<ClockView>,
    /// Whether the acknowledgement went out by e-mail.
    pub mailed: bool,
}

/// One clock as pages, e-mail and the JSON API show it.
#[derive(Debug, Clone, Serialize)]
pub struct ClockView {
    /// The machine name: `response`, `transmission`, ...
    pub clock: &'static str,
    /// In words: "response", "transmission after payment", ...
    pub name: String,
    pub due: NaiveDate,
    /// The due date in words: "Wed 3 Dec 2025".
    pub due_text: String,
    pub deadline: DateTime<Utc>,
    pub status: &'static str,
    pub extended: bool,
    /// How the due date was reached, a line a step.
    pub explanation: Vec<String>,
}

impl ClockView {
    fn of(clock: &Clock) -> ClockView {
        ClockView {
            clock: clock.name.as_str(),
            name: clock.name.to_string(),
            due: clock.due,
            due_text: day_words(clock.due),
            deadline: clock.deadline,
            status: clock.status.as_str(),
            extended: clock.extended,
            explanation: clock.explanation.lines(),
        }
    }
}

/// A date as letters write it: "Wed 3 Dec 2025".
pub fn day_words(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// The working-day calendar as it stands: the profile's, with the years
/// the city has confirmed and the closure days an administrator added.
pub async fn calendar(app: &AppState) -> Result<Calendar, ApiError> {
    let mut calendar = app.jurisdiction().calendar();
    for year in app.store.confirmed_closure_years().await? {
        calendar.confirm_year(year);
    }
    for day in app.store.closure_days().await? {
        let by = day
            .added_by
            .map_or("an administrator".to_string(), |id| format!("user:{id}"));
        // A day the profile closes already stays closed; nothing to add.
        let _ = calendar.add_closure(day.day, &day.reason, &by);
    }
    Ok(calendar)
}

/// Applies the checks administrators have recorded to the profile's
/// rules, clearing their `unverified` flags; run at start and after each
/// check.
pub async fn apply_rule_checks(app: &AppState) -> Result<(), ApiError> {
    let mut jurisdiction = (*app.jurisdiction()).clone();
    for check in app.store.rule_checks().await? {
        // A check of a value the profile no longer has is kept, unused.
        let _ = jurisdiction.clear_unverified(&check.rule, check.from);
    }
    app.set_jurisdiction(jurisdiction);
    Ok(())
}

/// A deadline a new closure day moved.
#[derive(Debug, Clone, Serialize)]
pub struct MovedDeadline {
    pub tracking: String,
    pub clock: String,
    pub before: NaiveDate,
    pub after: NaiveDate,
    pub before_text: String,
    pub after_text: String,
}

/// Closes the offices on one more day: kept, then every open request's
/// clocks computed again; each deadline that moves is recorded on its
/// request and in the audit log.
pub async fn add_closure_day(
    app: &AppState,
    caller: &Caller,
    day: NaiveDate,
    reason: &str,
) -> Result<Vec<MovedDeadline>, ApiError> {
    change_closure_day(app, caller, day, Some(reason)).await
}

/// Takes back a closure day an administrator added; the deadlines it
/// moved move back, recorded as when it was added.
pub async fn remove_closure_day(
    app: &AppState,
    caller: &Caller,
    day: NaiveDate,
) -> Result<Vec<MovedDeadline>, ApiError> {
    change_closure_day(app, caller, day, None).await
}

async fn change_closure_day(
    app: &AppState,
    caller: &Caller,
    day: NaiveDate,
    reason: Option<&str>,
) -> Result<Vec<MovedDeadline>, ApiError> {
    let refused = |message: String| {
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "closure.refused",
            message,
        )
    };
    let now = app.clock.now();
    let this_year = now.with_timezone(&app.jurisdiction().zone).year();
    if !(this_year - 1..=this_year + 2).contains(&day.year()) {
        return Err(refused(format!(
            "closure days are kept for {} to {}; {day} is outside them",
            this_year - 1,
            this_year + 2
        )));
    }
    let actor = caller.user.as_ref().map(|u| u.id);
    let before = calendar(app).await?;
    match reason {
        Some(reason) => {
            let mut check = before.clone();
            check
                .add_closure(day, reason, "an administrator")
                .map_err(|e| refused(e.to_string()))?;
            app.store.add_closure_day(day, reason, actor, now).await?;
        }
        None => {
            if !app.store.remove_closure_day(day).await? {
                return Err(refused(format!(
                    "{} is not a closure day an administrator added",
                    day_words(day)
                )));
            }
        }
    }
    let reason = reason.unwrap_or("closure taken back");
    let after = calendar(app).await?;
    let jurisdiction = app.jurisdiction();
    let mut moved = Vec::new();
    let filter = store::RequestFilter {
        states: open_states(),
        ..store::RequestFilter::default()
    };
    for request in app.store.records_requests(&filter).await? {
        let events = clock_events(&app.store.request_events(request.id).await?)?;
        let changes = clock::deadline_changes(&events, &jurisdiction, &before, &after)
            .map_err(|e| ApiError::internal("request clocks", e))?;
        if changes.is_empty() {
            continue;
        }
        let listed: Vec<serde_json::Value> = changes
            .iter()
            .map(|c| json!({ "clock": c.clock.as_str(), "before": c.before, "after": c.after, "why": c.to_string() }))
            .collect();
        app.store
            .add_request_event(
                request.id,
                now,
                "clock_changed",
                &json!({ "closure": day, "reason": reason, "clocks": listed }),
                actor,
            )
            .await?;
        actions::audit(
            app,
            caller,
            "request_clock_changed",
            &request,
            Some(json!({ "clocks": changes.iter().map(|c| json!({ "clock": c.clock.as_str(), "due": c.before })).collect::<Vec<_>>() })),
            Some(json!({ "clocks": changes.iter().map(|c| json!({ "clock": c.clock.as_str(), "due": c.after })).collect::<Vec<_>>(), "closure": day })),
            now,
        )
        .await?;
        for change in changes {
            moved.push(MovedDeadline {
                tracking: request.tracking.clone(),
                clock: change.clock.to_string(),
                before: change.before,
                after: change.after,
                before_text: day_words(change.before),
                after_text: day_words(change.after),
            });
        }
    }
    let entry = NewAuditEntry {
        actor: caller.user.clone(),
        action: if reason == "closure taken back" {
            "closure_day_removed"
        } else {
            "closure_day_added"
        },
        target: format!("closure:{day}"),
        before: None,
        after: Some(json!({ "day": day, "reason": reason, "deadlines_moved": moved.len() })),
    };
    app.store.append_audit(entry, now).await?;
    Ok(moved)
}

/// The clock events among a request's events, as the law reads them.
pub fn clock_events(events: &[RequestEvent]) -> Result<Vec<Event>, ApiError> {
    events
        .iter()
        .filter(|e| e.data.get("event").is_some())
        .map(|e| {
            serde_json::from_value(e.data.clone()).map_err(|err| {
                ApiError::internal("request event", format!("event {}: {err}", e.id))
            })
        })
        .collect()
}

/// The states of a request still being worked: every one but `closed`.
pub fn open_states() -> Vec<String> {
    records::lifecycle::State::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str().to_string())
        .collect()
}

/// Every clock of a request, computed from its events now.
pub async fn clocks(app: &AppState, request: &RecordsRequest) -> Result<Clocks, ApiError> {
    let calendar = calendar(app).await?;
    clocks_on(app, request, &calendar).await
}

/// Every clock of a request on a calendar read once for many requests.
pub async fn clocks_on(
    app: &AppState,
    request: &RecordsRequest,
    calendar: &Calendar,
) -> Result<Clocks, ApiError> {
    let events = clock_events(&app.store.request_events(request.id).await?)?;
    clock::compute_clocks(&events, &app.jurisdiction(), calendar)
        .map_err(|e| ApiError::internal("request clocks", e))
}

/// The clocks to show: every duty clock, and the extension window while it
/// is open.
pub fn clock_views(clocks: &Clocks) -> Vec<ClockView> {
    clocks
        .iter()
        .filter(|c| c.name.is_duty() || c.status == ClockStatus::Running)
        .map(ClockView::of)
        .collect()
}

/// Files a request: its tracking number, its `received` event, the audit
/// entry, and the acknowledgement with the due date and why.
pub async fn file(
    app: &AppState,
    caller: &Caller,
    checked: Checked,
    headers: &HeaderMap,
) -> Result<Filed, ApiError> {
    let now = app.clock.now();
    let year = now.with_timezone(&app.jurisdiction().zone).year();
    let secret = new_secret();
    let request = app
        .store
        .create_request(NewRequest {
            year,
            received_at: now,
            description: checked.description,
            records_sought: checked.records_sought,
            departments: checked.departments,
            date_from: checked.date_from,
            date_to: checked.date_to,
            preferred_format: checked.preferred_format,
            requester_name: checked.name,
            requester_email: checked.email,
            requester_phone: checked.phone,
            requester_id: caller.user.as_ref().map(|u| u.id),
            secret_hash: secret_hash(&secret),
            state: "received".to_string(),
        })
        .await?;
    let clocks = clocks(app, &request).await?;
    let views = clock_views(&clocks);
    let response = views.iter().find(|c| c.clock == "response");
    app.store
        .append_audit(
            NewAuditEntry {
                actor: caller.user.clone(),
                action: "request_filed",
                target: format!("request:{}", request.tracking),
                before: None,
                after: Some(json!({
                    "state": request.state,
                    "response_due": response.map(|c| c.due),
                })),
            },
            now,
        )
        .await?;

    let link = format!(
        "{}/requests/{}?key={secret}",
        app.base_url(headers),
        request.tracking
    );
    let mut mailed = false;
    if let (Some(mailer), Some(to)) = (&app.mailer, &request.requester_email) {
        let body = acknowledgement(app, &request, response, &link);
        let subject = format!("Your records request {}", request.tracking);
        match mailer.send(to, &subject, body).await {
            Ok(()) => mailed = true,
            Err(e) => tracing::error!(error = %e, "acknowledgement mail"),
        }
    }
    Ok(Filed {
        request,
        link,
        clocks: views,
        mailed,
    })
}

/// The letter that acknowledges a request: its number, when the answer is
/// due and how that date was counted.
fn acknowledgement(
    app: &AppState,
    request: &RecordsRequest,
    response: Option<&ClockView>,
    link: &str,
) -> String {
    let mut text = format!(
        "The {custodian} of the {city} received your records request on {received}. \
         Its number is {tracking}.\n\n",
        custodian = app.jurisdiction().custodian,
        city = app.jurisdiction().name,
        received = request
            .received_at
            .with_timezone(&app.jurisdiction().zone)
            .format("%-d %B %Y at %H:%M %Z"),
        tracking = request.tracking,
    );
    if let Some(clock) = response {
        text.push_str(&format!(
            "We will answer by {}. How that date is counted:\n\n",
            clock.due_text
        ));
        for line in &clock.explanation {
            text.push_str(&format!("  {line}\n"));
        }
        text.push('\n');
    }
    text.push_str(&format!(
        "Follow your request, read our messages and write to us here:\n\n{link}\n\n\
         Keep this link to yourself: anyone who has it can read the request.\n"
    ));
    text
}

/// A request as its requester sees it.
#[derive(Debug, Serialize)]
pub struct RequesterView {
    pub tracking: String,
    /// The machine name, as the public log and the API give it.
    pub state: String,
    /// The state in words.
    pub state_words: &'static str,
    pub received: String,
    pub description: String,
    pub departments: Vec<String>,
    pub timeliness: &'static str,
    pub clocks: Vec<ClockView>,
    pub messages: Vec<MessageView>,
    pub closing: Option<String>,
    pub estimate: Option<fees::FeeView>,
    pub invoice: Option<fees::FeeView>,
    pub balance: Option<String>,
    pub files: Vec<FileView>,
    /// The parts departments answer, when the request was split.
    pub parts: Vec<PartView>,
}

/// A part of a split request as its requester sees it.
#[derive(Debug, Serialize)]
pub struct PartView {
    pub tracking: String,
    pub department: Option<String>,
    pub state: &'static str,
}

/// A released file as its requester sees it.
#[derive(Debug, Serialize)]
pub struct FileView {
    pub id: i64,
    pub name: String,
    pub bytes: i64,
    pub public: bool,
    /// The request, or the part, it was released for.
    pub tracking: String,
}

#[derive(Debug, Serialize)]
pub struct MessageView {
    pub from: String,
    pub at: String,
    pub body: String,
    pub staff: bool,
}

/// What the requester's page shows: state, clocks, the conversation.
pub async fn requester_view(
    app: &AppState,
    request: &RecordsRequest,
) -> Result<RequesterView, ApiError> {
    let clocks = clocks(app, request).await?;
    let now = app.clock.now();
    let zone = app.jurisdiction().zone;
    // The conversation of the whole request and of its parts, in order.
    let mut kept = Vec::new();
    for each in std::iter::once(request.clone()).chain(app.store.request_parts(request.id).await?) {
        for m in app.store.request_messages(each.id, false).await? {
            let part = (each.id != request.id).then(|| each.tracking.clone());
            kept.push((m, part));
        }
    }
    kept.sort_by_key(|(m, _)| (m.at, m.id));
    let custodian = app.jurisdiction().custodian.clone();
    let messages = kept
        .into_iter()
        .map(|(m, part)| MessageView {
            from: match (&part, m.author_id.is_some()) {
                (Some(part), true) => format!("{custodian}, for part {part}"),
                (None, true) => custodian.clone(),
                (_, false) => "You".to_string(),
            },
            at: m
                .at
                .with_timezone(&zone)
                .format("%-d %B %Y, %H:%M %Z")
                .to_string(),
            staff: m.author_id.is_some(),
            body: m.body,
        })
        .collect();
    let estimate = fees::latest_priced(app, request, "fee_estimate").await?;
    let invoice = fees::latest_priced(app, request, "invoice").await?;
    let balance = match invoice.as_ref().or(estimate.as_ref()) {
        Some(priced) => {
            let entries = app.store.ledger(request.id).await?;
            Some(fees::balance_words(
                fees::ledger(app, &entries)?.balance(priced.total_cents),
            ))
        }
        None => None,
    };
    // Released files only once the records are released, the parts' too.
    let parts = app.store.request_parts(request.id).await?;
    let mut files = Vec::new();
    for each in std::iter::once(request).chain(parts.iter()) {
        if was_released(app, each).await? {
            for f in app.store.request_files(each.id, false).await? {
                files.push(FileView {
                    id: f.id,
                    public: f.visibility == store::FileVisibility::Public,
                    name: f.name,
                    bytes: f.bytes,
                    tracking: each.tracking.clone(),
                });
            }
        }
    }
    let parts = parts
        .into_iter()
        .map(|p| PartView {
            state: state_words(&p.state),
            department: p.assigned_department,
            tracking: p.tracking,
        })
        .collect();
    Ok(RequesterView {
        estimate: estimate.as_ref().map(fees::FeeView::of),
        invoice: invoice.as_ref().map(fees::FeeView::of),
        balance,
        files,
        parts,
        tracking: request.tracking.clone(),
        state: request.state.clone(),
        state_words: state_words(&request.state),
        received: request
            .received_at
            .with_timezone(&zone)
            .format("%-d %B %Y, %H:%M %Z")
            .to_string(),
        description: request.description.clone(),
        departments: request.departments.clone(),
        timeliness: clock::timeliness(&clocks, now).as_str(),
        clocks: clock_views(&clocks),
        messages,
        closing: request
            .closing
            .as_ref()
            .and_then(|c| c.get("reason"))
            .and_then(|r| r.as_str())
            .map(|r| closing_words(r).to_string()),
    })
}

/// A state in words.
pub fn state_words(state: &str) -> &'static str {
    match state {
        "received" => "Received",
        "triage" => "Being routed",
        "in_progress" => "In progress",
        "awaiting_requester" => "Waiting for the requester",
        "fee_estimate" => "Fee estimate",
        "awaiting_deposit" => "Waiting for a deposit",
        "in_review" => "Records under review",
        "awaiting_payment" => "Ready, waiting for payment",
        "released" => "Released",
        "denied" => "Denied",
        "notice_of_intent" => "Notice of intent to sue",
        "litigation" => "In court",
        "closed" => "Closed",
        "reopened" => "Reopened",
        _ => "Unknown",
    }
}

/// A closing reason in words.
pub fn closing_words(reason: &str) -> &'static str {
    match reason {
        "fulfilled" => "records released",
        "partially_fulfilled" => "some records released, some withheld",
        "denied" => "denied",
        "no_responsive_records" => "no records found",
        "not_custodian" => "the city does not hold these records",
        "publicly_available" => "already public",
        "withdrawn" => "withdrawn",
        "withdrawn_due_to_cost" => "withdrawn because of the cost",
        "abandoned_no_payment" => "closed: not paid for",
        "abandoned_no_response" => "closed: no reply from the requester",
        "duplicate" => "a duplicate of another request",
        "not_a_records_request" => "not a records request",
        "court_ordered" => "closed by court order",
        _ => "closed",
    }
}

/// Writes a staff member's view of a requester's details to the audit log:
/// who looked at whose request, and when.
pub async fn audit_requester_view(
    app: &AppState,
    caller: &Caller,
    request: &RecordsRequest,
) -> Result<(), ApiError> {
    let entry = NewAuditEntry {
        actor: caller.user.clone(),
        action: "requester_details_viewed",
        target: format!("request:{}", request.tracking),
        before: None,
        after: None,
    };
    app.store.append_audit(entry, app.clock.now()).await?;
    Ok(())
}

/// Writes to the requester: the letter is kept as a message on their page
/// and e-mailed when they gave an address. Answers whether it was mailed.
pub async fn tell_requester(
    app: &AppState,
    request: &RecordsRequest,
    author: Option<i64>,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    app.store
        .add_request_message(request.id, author, false, body, now)
        .await?;
    let (Some(mailer), Some(to)) = (&app.mailer, &request.requester_email) else {
        return Ok(false);
    };
    let letter = format!(
        "{body}\n\n{custodian}, {city}\n\nRead every message about request {tracking} on its \
         page, at the link you were given when you filed it.\n",
        custodian = app.jurisdiction().custodian,
        city = app.jurisdiction().name,
        tracking = request.tracking,
    );
    match mailer.send(to, subject, letter).await {
        Ok(()) => Ok(true),
        Err(e) => {
            tracing::error!(error = %e, tracking = %request.tracking, "mail to a requester");
            Ok(false)
        }
    }
}

/// Whether the records of a request (or part) were released: files are
/// shown to anyone only after a release, whatever happened since.
pub async fn was_released(app: &AppState, request: &RecordsRequest) -> Result<bool, ApiError> {
    Ok(app
        .store
        .request_events(request.id)
        .await?
        .iter()
        .any(|e| e.kind == "released"))
}

/// A file released to the public, as the public log lists it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicFile {
    pub name: String,
    pub bytes: i64,
    /// Its address on this site.
    pub url: String,
}

/// The files released to the public for a request and its parts, once
/// each is released.
pub async fn public_files(app: &AppState, tracking: &str) -> Result<Vec<PublicFile>, ApiError> {
    let Some(request) = app.store.request_by_tracking(tracking).await? else {
        return Ok(Vec::new());
    };
    let parts = app.store.request_parts(request.id).await?;
    let mut files = Vec::new();
    for each in std::iter::once(&request).chain(parts.iter()) {
        if !was_released(app, each).await? {
            continue;
        }
        for f in app.store.request_files(each.id, true).await? {
            files.push(PublicFile {
                url: format!("/requests/{}/files/{}", each.tracking, f.id),
                name: f.name,
                bytes: f.bytes,
            });
        }
    }
    Ok(files)
}
