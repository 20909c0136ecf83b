//! What staff do to a request, one [`Action`] at a time, the same whether
//! it comes from the clerk's page or the JSON API. Each action checks the
//! lifecycle and the law before anything is kept, lands its state and its
//! clock event together, writes the audit trail (with every deadline it
//! moved) and tells the requester what they must know.

use chrono::{DateTime, NaiveDate, Utc};
use records::clock::{self, Event};
use records::exemptions::{self, Denial, Ground, GroundsStatement};
use records::fees::format_cents;
use records::lifecycle::{Closing, ClosingReason, State, TrackingNumber, check_move};
use serde::Deserialize;
use serde_json::{Value, json};
use store::{NewAuditEntry, RecordsRequest, RequestChange, Role};

use super::fees::{FeeView, latest_priced, price_estimate, price_invoice};
use super::{calendar, clock_events, day_words};
use crate::access::Caller;
use crate::{ApiError, AppState};
use axum::http::StatusCode;

/// The longest note, message or finding staff may write.
const LONGEST_TEXT: usize = 20_000;

/// One thing staff do to a request.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Takes a new request in: routed to a department for triage.
    Acknowledge {
        #[serde(default)]
        department: Option<String>,
    },
    /// Routes the request to a department and, optionally, a staff member
    /// (by e-mail address).
    Assign {
        #[serde(default)]
        department: Option<String>,
        #[serde(default)]
        assignee: Option<String>,
    },
    /// Moves the request to another state the lifecycle allows.
    Move { state: String },
    /// A note staff keep among themselves.
    Note { body: String },
    /// A message to the requester, shown on their page and e-mailed.
    Message { body: String },
    /// The written finding of extenuating circumstances, which extends the
    /// response.
    Extend { working_days: u32, finding: String },
    /// Staff time spent, for the fees.
    LogTime {
        minutes: u32,
        #[serde(default)]
        worked_on: Option<NaiveDate>,
        #[serde(default)]
        note: String,
    },
    /// The fee estimate, sent to the requester, with a deposit when the
    /// rules ask for one.
    Estimate {
        minutes: u32,
        #[serde(default)]
        paper_pages: u32,
        /// The hourly rate charged, as `33.00`; the cap when absent.
        #[serde(default)]
        hourly_rate: Option<String>,
    },
    /// Money received or refunded, outside the portal.
    Money {
        kind: String,
        /// As `51.72`.
        amount: String,
        #[serde(default)]
        note: String,
    },
    /// The final fee, priced from the time log; refused above the caps.
    Invoice {
        #[serde(default)]
        paper_pages: u32,
        #[serde(default)]
        hourly_rate: Option<String>,
    },
    /// The records go out.
    Release {
        #[serde(default)]
        note: String,
    },
    /// The request is denied on the grounds cited.
    Deny { grounds: Vec<DenialGround> },
    /// The requester asked for the written statement of the grounds.
    GroundsRequested,
    /// The written statement of the grounds went out.
    SendGrounds,
    /// The requester's written notice of intent to apply to court.
    NoticeOfIntent {
        #[serde(default)]
        expedited: bool,
    },
    /// The custodian met or talked with the requester about the dispute.
    Conferred,
    /// The requester agreed to a new response date.
    AgreedDate { date: NaiveDate },
    /// The narrowed request is treated as a new one, with a new day 0; the
    /// requester is told.
    Restart { message: String },
    Close {
        reason: String,
        #[serde(default)]
        holder: Option<String>,
        #[serde(default)]
        public_link: Option<String>,
        #[serde(default)]
        original: Option<String>,
    },
    /// The summary the public log shows, written and reviewed by staff.
    Summary { text: String },
    /// Splits the request into one part per department (`R25-000123-A`,
    /// ...), each with its own state and clocks; the whole request stays
    /// its one public face.
    Split { departments: Vec<String> },
}

#[derive(Debug, Clone, Deserialize)]
pub struct DenialGround {
    pub exemption: String,
    pub reason: String,
}

/// What an action did, in a sentence for the page or the API.
#[derive(Debug, Clone)]
pub struct Done {
    pub said: String,
    /// Whether the requester was e-mailed.
    pub mailed: bool,
}

impl Action {
    /// The action as the audit log names it: `request_estimate`.
    pub fn audit_name(&self) -> &'static str {
        match self {
            Action::Acknowledge { .. } => "request_acknowledge",
            Action::Assign { .. } => "request_assign",
            Action::Move { .. } => "request_move",
            Action::Note { .. } => "request_note",
            Action::Message { .. } => "request_message",
            Action::Extend { .. } => "request_extend",
            Action::LogTime { .. } => "request_log_time",
            Action::Estimate { .. } => "request_estimate",
            Action::Money { .. } => "request_money",
            Action::Invoice { .. } => "request_invoice",
            Action::Release { .. } => "request_release",
            Action::Deny { .. } => "request_deny",
            Action::GroundsRequested => "request_grounds_requested",
            Action::SendGrounds => "request_send_grounds",
            Action::NoticeOfIntent { .. } => "request_notice_of_intent",
            Action::Conferred => "request_conferred",
            Action::AgreedDate { .. } => "request_agreed_date",
            Action::Restart { .. } => "request_restart",
            Action::Close { .. } => "request_close",
            Action::Summary { .. } => "request_summary",
            Action::Split { .. } => "request_split",
        }
    }
}

/// An action refused: the request stays as it was.
fn refused(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "request.action_refused", message)
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "request.bad_action", message)
}

fn text(what: &str, body: &str) -> Result<String, ApiError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(bad(format!("write the {what}")));
    }
    if body.chars().count() > LONGEST_TEXT {
        return Err(bad(format!(
            "the {what} is longer than {LONGEST_TEXT} characters"
        )));
    }
    Ok(body.to_string())
}

/// A short field: at most 300 characters.
fn short(what: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.chars().count() > 300 {
        return Err(bad(format!("the {what} is longer than 300 characters")));
    }
    Ok(text.to_string())
}

/// Dollars and cents as staff type them, `41.37` or `$1,041.37`, in cents.
pub fn parse_cents(text: &str) -> Result<i64, ApiError> {
    let written = text.trim();
    let wrong = || bad(format!("`{written}` is not an amount; write it as 41.37"));
    let plain = written.strip_prefix('$').unwrap_or(written);
    let (whole, cents) = match plain.split_once('.') {
        Some((whole, cents)) if (1..=2).contains(&cents.len()) => (whole, cents),
        Some(_) => return Err(wrong()),
        None => (plain, ""),
    };
    // Commas only between groups of three digits: 1,041.37.
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits: String = groups.concat();
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !grouped
        || (digits.is_empty() && cents.is_empty())
        || !all_digits(&digits)
        || !all_digits(cents)
    {
        return Err(wrong());
    }
    let dollars: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| wrong())?
    };
    let cents: i64 = format!("{cents:0<2}").parse().map_err(|_| wrong())?;
    dollars
        .checked_mul(100)
        .and_then(|d| d.checked_add(cents))
        // At most $100,000,000.00: anything more is a typing slip.
        .filter(|c| *c <= 10_000_000_000)
        .ok_or_else(wrong)
}

fn state_of(request: &RecordsRequest) -> Result<State, ApiError> {
    State::parse(&request.state).map_err(|e| ApiError::internal("request state", e))
}

/// The move an action makes, checked against the lifecycle.
fn moving(request: &RecordsRequest, to: State) -> Result<Option<String>, ApiError> {
    let from = state_of(request)?;
    check_move(from, to).map_err(|e| refused(e.to_string()))?;
    Ok(Some(to.as_str().to_string()))
}

/// Applies an action by `caller` to `request`.
pub async fn apply(
    app: &AppState,
    caller: &Caller,
    request: &RecordsRequest,
    action: Action,
) -> Result<Done, ApiError> {
    // One action at a time on a request, each on the request as it is now.
    let _turn = app.lock_request(request.id).await;
    let fresh = app
        .store
        .records_request(request.id)
        .await?
        .ok_or_else(|| refused("the request is gone"))?;
    let request = &fresh;
    let now = app.clock.now();
    let actor = caller.user.as_ref().map(|u| u.id);
    let events = clock_events(&app.store.request_events(request.id).await?)?;
    let calendar = calendar(app).await?;
    let before = clock::compute_clocks(&events, &app.jurisdiction(), &calendar)
        .map_err(|e| ApiError::internal("request clocks", e))?;
    let audit_name = action.audit_name();
    let name = audit_name.trim_start_matches("request_");

    let mut change = RequestChange::default();
    let mut letter: Option<(String, String)> = None;
    let mut audit_after = json!({});
    let mut clock_event: Option<Event> = None;
    let said: String;

    match action {
        Action::Acknowledge { department } => {
            change.state = moving(request, State::Triage)?;
            if let Some(department) = department.as_deref().filter(|d| !d.trim().is_empty()) {
                let department = known_department(app, department)?;
                app.store
                    .assign_request(request.id, Some(&department), request.assigned_to, now)
                    .await?;
                audit_after["department"] = json!(department);
            }
            said = format!("{} is acknowledged and in triage.", request.tracking);
        }
        Action::Assign {
            department,
            assignee,
        } => {
            let department = match department.as_deref().map(str::trim) {
                Some("") | None => None,
                Some(d) => Some(known_department(app, d)?),
            };
            let assignee = match assignee.as_deref().map(str::trim) {
                Some("") | None => None,
                Some(email) => {
                    let user = app
                        .store
                        .user_with_password(&email.to_lowercase())
                        .await?
                        .map(|(user, _)| user)
                        .filter(|u| u.role.is_staff() && !u.disabled)
                        .ok_or_else(|| bad(format!("no staff account has the address {email}")))?;
                    Some(user)
                }
            };
            app.store
                .assign_request(
                    request.id,
                    department.as_deref(),
                    assignee.as_ref().map(|u| u.id),
                    now,
                )
                .await?;
            audit_after = json!({
                "department": department,
                "assignee": assignee.as_ref().map(|u| &u.email),
            });
            said = format!(
                "{} is assigned to {}.",
                request.tracking,
                match (&department, &assignee) {
                    (Some(d), Some(u)) => format!("{d}, {}", u.name),
                    (Some(d), None) => d.clone(),
                    (None, Some(u)) => u.name.clone(),
                    (None, None) => "no one".to_string(),
                }
            );
        }
        Action::Move { state } => {
            let to = State::parse(state.trim()).map_err(|e| bad(e.to_string()))?;
            if matches!(to, State::Closed | State::Released | State::Denied) {
                return Err(bad(format!(
                    "a request becomes `{to}` by its own action (close, release or deny), \
                     which records what the law asks for"
                )));
            }
            change.state = moving(request, to)?;
            said = format!(
                "{} is now {}.",
                request.tracking,
                super::state_words(to.as_str())
            );
        }
        Action::Note { body } => {
            let body = text("note", &body)?;
            app.store
                .add_request_message(request.id, actor, true, &body, now)
                .await?;
            said = "The note is kept with the request.".to_string();
        }
        Action::Message { body } => {
            let body = text("message", &body)?;
            letter = Some((
                format!("About your records request {}", request.tracking),
                body,
            ));
            said = "The message went to the requester.".to_string();
        }
        Action::Extend {
            working_days,
            finding,
        } => {
            let finding = text("finding of extenuating circumstances", &finding)?;
            response_running(&before, "extended")?;
            if events
                .iter()
                .any(|e| matches!(e, Event::RequesterAgreedTo { .. }))
            {
                return Err(refused(
                    "the requester agreed to a response date; record a new agreement instead \
                     of an extension",
                ));
            }
            if working_days > 366 {
                return Err(bad(
                    "an extension is counted in working days, at most a few",
                ));
            }
            clock::check_extension(&events, &app.jurisdiction(), &calendar, now, working_days)
                .map_err(|e| refused(e.to_string()))?;
            clock_event = Some(Event::ExtensionFindingSent {
                at: now,
                working_days,
            });
            audit_after = json!({ "working_days": working_days, "finding": finding });
            // The letter is written once the new date is known, below.
            letter = Some((subject(request, "more time is needed"), finding));
            said = format!("The response to {} is extended.", request.tracking);
        }
        Action::LogTime {
            minutes,
            worked_on,
            note,
        } => {
            if minutes == 0 || minutes > 24 * 60 {
                return Err(bad("log between 1 minute and 24 hours at a time"));
            }
            let zone = app.jurisdiction().zone;
            let today = now.with_timezone(&zone).date_naive();
            let received = request.received_at.with_timezone(&zone).date_naive();
            let day = worked_on.unwrap_or(today);
            if day < received || day > today {
                return Err(bad(format!(
                    "time is logged for a day between the request's receipt, {}, and today",
                    day_words(received)
                )));
            }
            let note = short("note", &note)?;
            app.store
                .add_time_entry(request.id, day, i64::from(minutes), &note, actor)
                .await?;
            audit_after = json!({ "minutes": minutes, "worked_on": day, "note": note });
            said = format!("{minutes} minutes logged on {}.", day_words(day));
        }
        Action::Estimate {
            minutes,
            paper_pages,
            hourly_rate,
        } => {
            let rate = hourly_rate
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .map(parse_cents)
                .transpose()?;
            let ledger = app.store.ledger(request.id).await?;
            if ledger.iter().any(|e| e.kind == "deposit") {
                return Err(refused(
                    "a deposit was paid against the estimate already sent, and the final fee \
                     is held to that estimate (Aurora City Code 2-148(b)(1)); send the invoice \
                     when the work is done",
                ));
            }
            let priced = price_estimate(app, request, minutes, paper_pages, rate)?;
            let to = if priced.deposit_cents.is_some() {
                State::AwaitingDeposit
            } else {
                State::FeeEstimate
            };
            let from = state_of(request)?;
            // From work in progress the estimate passes through its own
            // state on the way to the deposit.
            if from == State::InProgress && to == State::AwaitingDeposit {
                check_move(State::InProgress, State::FeeEstimate)
                    .map_err(|e| refused(e.to_string()))?;
                check_move(State::FeeEstimate, State::AwaitingDeposit)
                    .map_err(|e| refused(e.to_string()))?;
                change.state = Some(to.as_str().to_string());
            } else {
                change.state = moving(request, to)?;
            }
            if priced.deposit_cents.is_some() {
                clock_event = Some(Event::DepositRequested { at: now });
            }
            let view = FeeView::of(&priced);
            audit_after = priced.to_json();
            letter = Some((
                subject(request, "fee estimate"),
                super::fees::estimate_letter(app, request, &view),
            ));
            change
                .events
                .push(("fee_estimate".to_string(), priced.to_json()));
            said = match priced.deposit_cents {
                Some(d) => format!(
                    "The estimate of {} went out with a deposit of {} to pay before work starts.",
                    format_cents(priced.total_cents),
                    format_cents(d)
                ),
                None => format!(
                    "The estimate of {} went out.",
                    format_cents(priced.total_cents)
                ),
            };
        }
        Action::Money { kind, amount, note } => {
            let cents = parse_cents(&amount)?;
            if cents <= 0 {
                return Err(bad("record an amount above $0.00"));
            }
            let note = short("note", &note)?;
            let kind = kind.trim().to_string();
            let state = state_of(request)?;
            let entries = app.store.ledger(request.id).await?;
            let mut ledger = super::fees::ledger(app, &entries)?;
            let entry_kind = match kind.as_str() {
                "deposit" => records::fees::EntryKind::Deposit,
                "payment" => records::fees::EntryKind::Payment,
                "refund" => records::fees::EntryKind::Refund,
                other => {
                    return Err(bad(format!(
                        "`{other}` is not a kind of money recorded here: deposit, payment or refund"
                    )));
                }
            };
            ledger
                .record(records::fees::LedgerEntry {
                    on: now.with_timezone(&app.jurisdiction().zone).date_naive(),
                    kind: entry_kind,
                    cents,
                    note: note.clone(),
                })
                .map_err(|e| refused(e.to_string()))?;
            match entry_kind {
                records::fees::EntryKind::Deposit => {
                    if state != State::AwaitingDeposit {
                        return Err(refused(format!(
                            "no deposit is asked for: {} is `{state}`; a deposit is recorded \
                             while the request waits for it",
                            request.tracking
                        )));
                    }
                    // The deposit lets work start.
                    change.state = moving(request, State::InProgress)?;
                }
                records::fees::EntryKind::Payment => {
                    if state != State::AwaitingPayment {
                        return Err(refused(format!(
                            "no payment is asked for: {} is `{state}`; a payment is recorded \
                             once the final invoice has gone out",
                            request.tracking
                        )));
                    }
                    let invoice = latest_priced(app, request, "invoice")
                        .await?
                        .ok_or_else(|| refused("no invoice has gone out"))?;
                    let was = super::fees::ledger(app, &entries)?.balance(invoice.total_cents);
                    if !matches!(was, records::fees::Balance::Due(_)) {
                        return Err(refused(format!(
                            "the final fee of {} is paid already",
                            format_cents(invoice.total_cents)
                        )));
                    }
                    // The records go out within the transmission period of
                    // the payment that settles the fee.
                    if !matches!(
                        ledger.balance(invoice.total_cents),
                        records::fees::Balance::Due(_)
                    ) {
                        clock_event = Some(Event::PaymentReceived { at: now });
                    }
                }
                _ => {}
            }
            app.store
                .add_ledger_entry(request.id, now, &kind, cents, &note, actor)
                .await?;
            audit_after = json!({ "kind": kind, "cents": cents, "note": note });
            said = format!("{} {} recorded.", capitalized(&kind), format_cents(cents));
        }
        Action::Invoice {
            paper_pages,
            hourly_rate,
        } => {
            let rate = hourly_rate
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .map(parse_cents)
                .transpose()?;
            // The first estimate sent is the one the final fee is held to.
            let estimate = super::fees::first_priced(app, request, "fee_estimate").await?;
            let priced = price_invoice(app, request, estimate.as_ref(), paper_pages, rate).await?;
            change.state = moving(request, State::AwaitingPayment)?;
            let view = FeeView::of(&priced);
            let ledger = app.store.ledger(request.id).await?;
            letter = Some((
                subject(request, "the final fee"),
                super::fees::invoice_letter(app, request, &view, &ledger),
            ));
            audit_after = priced.to_json();
            change
                .events
                .push(("invoice".to_string(), priced.to_json()));
            said = format!(
                "The invoice of {} went out.",
                format_cents(priced.total_cents)
            );
        }
        Action::Release { note } => {
            change.state = moving(request, State::Released)?;
            if let Some(invoice) = latest_priced(app, request, "invoice").await? {
                let entries = app.store.ledger(request.id).await?;
                let balance = super::fees::ledger(app, &entries)?.balance(invoice.total_cents);
                if let records::fees::Balance::Due(cents) = balance {
                    return Err(refused(format!(
                        "{} of the final fee is unpaid; the records go out after payment \
                         (C.R.S. 24-72-205(1)(b))",
                        format_cents(cents)
                    )));
                }
            }
            clock_event = Some(Event::Released { at: now });
            let files = app.store.request_files(request.id, false).await?;
            let mut body = String::new();
            if !note.trim().is_empty() {
                body.push_str(note.trim());
                body.push_str("\n\n");
            }
            if files.is_empty() {
                body.push_str("The records are released.");
            } else {
                body.push_str(
                    "The records are released. Download them from your request's page:\n",
                );
                for file in &files {
                    body.push_str(&format!("  - {} ({} bytes)\n", file.name, file.bytes));
                }
            }
            audit_after = json!({ "files": files.iter().map(|f| &f.name).collect::<Vec<_>>() });
            letter = Some((subject(request, "records released"), body));
            said = format!("{} is released.", request.tracking);
        }
        Action::Deny { grounds } => {
            change.state = moving(request, State::Denied)?;
            let statement = grounds_statement(app, request, &grounds, now)?;
            clock_event = Some(Event::Denied { at: now });
            audit_after = json!({
                "grounds": grounds.iter().map(|g| json!({"exemption": g.exemption, "reason": g.reason})).collect::<Vec<_>>(),
                "sections": statement.sections(),
            });
            change
                .events
                .push(("denial".to_string(), audit_after.clone()));
            letter = Some((subject(request, "denied"), statement.to_string()));
            said = format!(
                "{} is denied on {}.",
                request.tracking,
                statement.sections().join(", ")
            );
        }
        Action::GroundsRequested => {
            require_state(request, &[State::Denied, State::NoticeOfIntent])?;
            clock_event = Some(Event::GroundsRequested { at: now });
            said = "The requester's request for the written grounds is recorded.".to_string();
        }
        Action::SendGrounds => {
            require_state(
                request,
                &[State::Denied, State::NoticeOfIntent, State::Litigation],
            )?;
            let denial = latest_event(app, request, "denial").await?.ok_or_else(|| {
                refused("no denial is recorded for this request, so there are no grounds to state")
            })?;
            let grounds: Vec<DenialGround> = denial["grounds"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .map(|g| DenialGround {
                            exemption: g["exemption"].as_str().unwrap_or_default().to_string(),
                            reason: g["reason"].as_str().unwrap_or_default().to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let statement = grounds_statement(app, request, &grounds, now)?;
            clock_event = Some(Event::GroundsStatementSent { at: now });
            letter = Some((
                subject(request, "the grounds for denial"),
                statement.to_string(),
            ));
            said = "The written statement of the grounds went to the requester.".to_string();
        }
        Action::NoticeOfIntent { expedited } => {
            change.state = moving(request, State::NoticeOfIntent)?;
            clock_event = Some(Event::NoticeOfIntent { at: now, expedited });
            audit_after = json!({ "expedited": expedited });
            said = "The requester's notice of intent to apply to court is recorded.".to_string();
        }
        Action::Conferred => {
            require_state(request, &[State::NoticeOfIntent])?;
            clock_event = Some(Event::Conferred { at: now });
            said = "The conferral with the requester is recorded.".to_string();
        }
        Action::AgreedDate { date } => {
            response_running(&before, "given a date the requester agreed to")?;
            if !calendar.is_working_day(date) {
                return Err(bad(format!(
                    "{} is not a working day; agree on a day the office is open",
                    day_words(date)
                )));
            }
            let zone = app.jurisdiction().zone;
            let today = now.with_timezone(&zone).date_naive();
            if date <= today || date > today + chrono::Days::new(366) {
                return Err(bad(
                    "the date agreed with the requester must be after today and within a year",
                ));
            }
            clock_event = Some(Event::RequesterAgreedTo { date });
            audit_after = json!({ "date": date });
            said = format!(
                "The response is now due {}, as the requester agreed.",
                day_words(date)
            );
        }
        Action::Restart { message } => {
            let message = text("message to the requester", &message)?;
            // Only before the response: a narrowed request answered already
            // is a new request.
            require_state(
                request,
                &[
                    State::Received,
                    State::Triage,
                    State::InProgress,
                    State::AwaitingRequester,
                    State::Reopened,
                ],
            )?;
            clock_event = Some(Event::RestartedAsNewRequest { at: now });
            letter = Some((subject(request, "counted as a new request"), message));
            said = "The narrowed request counts from today as a new request.".to_string();
        }
        Action::Close {
            reason,
            holder,
            public_link,
            original,
        } => {
            let reason = ClosingReason::parse(reason.trim()).map_err(|e| bad(e.to_string()))?;
            let filled =
                |v: Option<String>| v.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
            let original = filled(original)
                .map(|t| {
                    t.parse::<TrackingNumber>()
                        .map_err(|e| bad(format!("the original request: {e}")))
                })
                .transpose()?;
            let closing = Closing {
                reason,
                holder: filled(holder).map(|h| short("holder", &h)).transpose()?,
                public_link: filled(public_link)
                    .map(|l| short("public link", &l))
                    .transpose()?,
                original,
            };
            closing.validate().map_err(|e| bad(e.to_string()))?;
            // Some reasons close what an action did first: a denial with
            // its grounds, a release with its records.
            let state = state_of(request)?;
            let needs: Option<&[State]> = match reason {
                ClosingReason::Denied => {
                    Some(&[State::Denied, State::NoticeOfIntent, State::Litigation])
                }
                ClosingReason::Fulfilled | ClosingReason::PartiallyFulfilled => {
                    Some(&[State::Released])
                }
                ClosingReason::AbandonedNoPayment => {
                    Some(&[State::AwaitingDeposit, State::AwaitingPayment])
                }
                _ => None,
            };
            if let Some(states) = needs
                && !states.contains(&state)
            {
                let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
                return Err(refused(format!(
                    "a request closes as `{reason}` from {}; {} is `{state}`",
                    names.join(" or "),
                    request.tracking
                )));
            }
            let mut words = format!(
                "Your records request {} is closed: {}.",
                request.tracking,
                super::closing_words(reason.as_str())
            );
            if let Some(holder) = &closing.holder {
                words.push_str(&format!(" The records you asked for are held by {holder}."));
            }
            if let Some(link) = &closing.public_link {
                words.push_str(&format!(" They are public already, at {link}"));
            }
            if let Some(original) = &closing.original {
                words.push_str(&format!(" It is answered as request {original}."));
            }
            letter = Some((subject(request, "closed"), words));
            if let Some(original) = &closing.original {
                let found = app.store.request_by_tracking(&original.to_string()).await?;
                if found.is_none_or(|r| r.id == request.id) {
                    return Err(bad(format!("{original} is not another request")));
                }
            }
            let open_parts: Vec<String> = app
                .store
                .request_parts(request.id)
                .await?
                .into_iter()
                .filter(|p| p.state != State::Closed.as_str())
                .map(|p| p.tracking)
                .collect();
            if !open_parts.is_empty() {
                return Err(refused(format!(
                    "close its parts first: {} still open",
                    open_parts.join(", ")
                )));
            }
            change.state = moving(request, State::Closed)?;
            change.closing = Some(serde_json::to_value(&closing).unwrap_or(Value::Null));
            clock_event = Some(Event::Closed { at: now });
            audit_after = change.closing.clone().unwrap_or(Value::Null);
            said = format!(
                "{} is closed: {}.",
                request.tracking,
                super::closing_words(reason.as_str())
            );
        }
        Action::Split { departments } => {
            if request.parent_id.is_some() {
                return Err(refused("a part of a request is not split again"));
            }
            if departments.is_empty() {
                return Err(bad("choose the departments that each answer a part"));
            }
            require_state(
                request,
                &[State::Received, State::Triage, State::InProgress],
            )?;
            // Every department checked before any part is made.
            let existing = app.store.request_parts(request.id).await?;
            let mut wanted: Vec<String> = Vec::new();
            for department in &departments {
                let department = known_department(app, department)?;
                let taken = existing
                    .iter()
                    .any(|p| p.assigned_department.as_deref() == Some(&department));
                if taken || wanted.contains(&department) {
                    return Err(refused(format!(
                        "{} has a part for {department} already",
                        request.tracking
                    )));
                }
                wanted.push(department);
            }
            let mut made = Vec::new();
            for department in &wanted {
                made.push(
                    app.store
                        .create_request_part(request.id, department, now)
                        .await?,
                );
            }
            let listed: Vec<String> = made
                .iter()
                .map(|p| {
                    format!(
                        "{} ({})",
                        p.tracking,
                        p.assigned_department.as_deref().unwrap_or("")
                    )
                })
                .collect();
            audit_after = json!({ "parts": listed });
            letter = Some((
                subject(request, "answered in parts"),
                format!(
                    "Your request is answered by more than one department, each as a part with \
                     its own number: {}. You follow them all on your request's page.",
                    listed.join(", ")
                ),
            ));
            said = format!("{} is split into {}.", request.tracking, listed.join(", "));
        }
        Action::Summary { text: summary } => {
            let summary = text("public summary", &summary)?;
            let reviewer = actor
                .ok_or_else(|| refused("a public summary is reviewed by a signed-in person"))?;
            app.store
                .set_public_summary(request.id, &summary, reviewer, now)
                .await?;
            audit_after = json!({ "summary": summary });
            said = "The public log now shows this summary.".to_string();
        }
    }

    if let Some(event) = &clock_event {
        change.events.push((
            event_kind(event).to_string(),
            serde_json::to_value(event).map_err(|e| ApiError::internal("request event", e))?,
        ));
    }
    change.expected_state = Some(request.state.clone());
    // The clocks the change leaves, checked before anything is kept.
    let mut after_events = events.clone();
    if let Some(event) = clock_event {
        after_events.push(event);
    }
    let after = clock::compute_clocks(&after_events, &app.jurisdiction(), &calendar)
        .map_err(|e| refused(e.to_string()))?;
    if change.state.is_some() || !change.events.is_empty() {
        app.store
            .change_request(request.id, &change, actor, now)
            .await?;
    }

    // The audit trail: the action with the state before and after, and
    // every deadline it moved.
    let state_after = change
        .state
        .clone()
        .unwrap_or_else(|| request.state.clone());
    audit_after["state"] = json!(state_after);
    audit(
        app,
        caller,
        audit_name,
        request,
        Some(json!({ "state": request.state })),
        Some(audit_after),
        now,
    )
    .await?;
    let moved: Vec<Value> = before
        .iter()
        .filter_map(|old| {
            let new = after.get(old.name)?;
            (new.due != old.due).then(|| json!({ "clock": old.name.as_str(), "before": old.due, "after": new.due }))
        })
        .chain(after.iter().filter(|new| before.get(new.name).is_none()).map(|new| {
            json!({ "clock": new.name.as_str(), "before": Value::Null, "after": new.due })
        }))
        .collect();
    if !moved.is_empty() {
        audit(
            app,
            caller,
            "request_clock_changed",
            request,
            None,
            Some(json!({ "clocks": moved })),
            now,
        )
        .await?;
    }

    let mut mailed = false;
    if let Some((subject, mut body)) = letter {
        if name == "extend"
            && let Some(response) = after.get(clock::ClockName::Response)
        {
            body = format!(
                "{body}\n\nWe will now answer by {}. How that date is counted:\n\n{}\n",
                day_words(response.due),
                response
                    .explanation
                    .lines()
                    .iter()
                    .map(|l| format!("  {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        mailed = super::tell_requester(app, request, actor, &subject, &body, now).await?;
    }
    Ok(Done { said, mailed })
}

/// Refuses what only a request still waiting for its response may have.
fn response_running(clocks: &clock::Clocks, what: &str) -> Result<(), ApiError> {
    match clocks.get(clock::ClockName::Response) {
        Some(c) if c.status == clock::ClockStatus::Running => Ok(()),
        _ => Err(refused(format!(
            "the request has had its response, so it is not {what}"
        ))),
    }
}

/// A letter's subject: "Your records request R25-000001: {what}".
fn subject(request: &RecordsRequest, what: &str) -> String {
    format!("Your records request {}: {what}", request.tracking)
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn known_department(app: &AppState, name: &str) -> Result<String, ApiError> {
    app.profile
        .department(name.trim())
        .map(str::to_string)
        .ok_or_else(|| {
            bad(format!(
                "`{}` is not one of the city's departments",
                name.trim()
            ))
        })
}

fn require_state(request: &RecordsRequest, states: &[State]) -> Result<(), ApiError> {
    let state = state_of(request)?;
    if states.contains(&state) {
        return Ok(());
    }
    let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    Err(refused(format!(
        "this is done while a request is {}; {} is `{state}`",
        names.join(" or "),
        request.tracking
    )))
}

fn grounds_statement(
    app: &AppState,
    request: &RecordsRequest,
    grounds: &[DenialGround],
    now: DateTime<Utc>,
) -> Result<GroundsStatement, ApiError> {
    let tracking: TrackingNumber = request
        .tracking
        .parse()
        .map_err(|e| ApiError::internal("tracking number", e))?;
    let denial = Denial {
        tracking,
        denied_on: now.with_timezone(&app.jurisdiction().zone).date_naive(),
        custodian: format!(
            "{}, {}",
            app.jurisdiction().custodian,
            app.jurisdiction().name
        ),
        grounds: grounds
            .iter()
            .map(|g| Ground {
                exemption: g.exemption.trim().to_string(),
                reason: g.reason.clone(),
            })
            .collect(),
    };
    GroundsStatement::new(&denial).map_err(|e| match e {
        exemptions::GroundsError::UnknownExemption(_) => {
            let known: Vec<&str> = exemptions::all().iter().map(|e| e.key).collect();
            bad(format!("{e}; the library has {}", known.join(", ")))
        }
        other => bad(other.to_string()),
    })
}

/// The data of the latest event of a kind, when there is one.
pub async fn latest_event(
    app: &AppState,
    request: &RecordsRequest,
    kind: &str,
) -> Result<Option<Value>, ApiError> {
    Ok(app
        .store
        .request_events(request.id)
        .await?
        .into_iter()
        .rev()
        .find(|e| e.kind == kind)
        .map(|e| e.data))
}

fn event_kind(event: &Event) -> &'static str {
    match event {
        Event::Received { .. } => "received",
        Event::ExtensionFindingSent { .. } => "extension_finding_sent",
        Event::DepositRequested { .. } => "deposit_requested",
        Event::PaymentReceived { .. } => "payment_received",
        Event::Denied { .. } => "denied",
        Event::GroundsRequested { .. } => "grounds_requested",
        Event::GroundsStatementSent { .. } => "grounds_statement_sent",
        Event::NoticeOfIntent { .. } => "notice_of_intent",
        Event::Conferred { .. } => "conferred",
        Event::RequesterAgreedTo { .. } => "requester_agreed_to",
        Event::RestartedAsNewRequest { .. } => "restarted_as_new_request",
        Event::Released { .. } => "released",
        Event::Closed { .. } => "closed",
    }
}

pub async fn audit(
    app: &AppState,
    caller: &Caller,
    action: &'static str,
    request: &RecordsRequest,
    before: Option<Value>,
    after: Option<Value>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    app.store
        .append_audit(
            NewAuditEntry {
                actor: caller.user.clone(),
                action,
                target: format!("request:{}", request.tracking),
                before,
                after,
            },
            now,
        )
        .await?;
    Ok(())
}

/// Whether a caller may act on requests: clerks and administrators, and a
/// steward on a request routed to one of their departments.
pub fn may_act(caller: &Caller, request: &RecordsRequest) -> bool {
    match &caller.user {
        Some(user) => match user.role {
            Role::Clerk | Role::Admin => true,
            Role::Steward => request
                .assigned_department
                .as_ref()
                .is_some_and(|d| user.departments.contains(d)),
            Role::Registered => false,
        },
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_cents;

    #[test]
    fn amounts_are_read_as_clerks_write_them_and_nothing_else() {
        for (text, cents) in [
            ("41.37", 4137),
            ("$41.37", 4137),
            ("1,041.37", 104137),
            ("$12,345,678.9", 1234567890),
            ("7", 700),
            (".5", 50),
            (" 0.05 ", 5),
        ] {
            assert_eq!(parse_cents(text).ok(), Some(cents), "{text}");
        }
        for text in [
            "",
            "-0.5",
            "-5",
            "1,2,3",
            "12.345",
            "1e9",
            "5.",
            "$",
            "12,34.00",
            "١٢",
            "1 000",
            "999999999999",
        ] {
            assert!(parse_cents(text).is_err(), "{text}");
        }
    }
}
