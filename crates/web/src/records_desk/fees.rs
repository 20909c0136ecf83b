//! A request's fees as the desk keeps and shows them: the estimate and the
//! invoice priced by the law in the `records` crate, kept as events so the
//! figures a requester was sent never change, and the letters that carry
//! them.

use chrono::NaiveDate;
use records::fees::{
    self, Balance, Delivery, EntryKind, Ledger, LedgerEntry, StaffTime, Work, format_cents,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::RecordsRequest;

use crate::{ApiError, AppState};
use axum::http::StatusCode;

/// An estimate or an invoice as it was sent: its lines in words, its
/// total and the deposit it asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priced {
    pub request_date: NaiveDate,
    pub minutes: u32,
    pub paper_pages: u32,
    pub hourly_rate_cents: Option<i64>,
    pub lines: Vec<PricedLine>,
    pub total_cents: i64,
    #[serde(default)]
    pub deposit_cents: Option<i64>,
    #[serde(default)]
    pub deposit_rule: Option<String>,
    /// For an invoice: the estimate it was checked against.
    #[serde(default)]
    pub estimate_cents: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricedLine {
    pub what: String,
    pub cents: i64,
}

impl Priced {
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A priced estimate or invoice as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct FeeView {
    pub lines: Vec<String>,
    pub total_cents: i64,
    pub total: String,
    pub deposit: Option<String>,
    pub deposit_rule: Option<String>,
}

impl FeeView {
    pub fn of(priced: &Priced) -> FeeView {
        FeeView {
            lines: priced.lines.iter().map(|l| l.what.clone()).collect(),
            total_cents: priced.total_cents,
            total: format_cents(priced.total_cents),
            deposit: priced.deposit_cents.map(format_cents),
            deposit_rule: priced.deposit_rule.clone(),
        }
    }
}

fn refused(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "request.fee_refused", e.to_string())
}

/// The day the request was made, in the city's zone: which caps apply.
fn request_date(app: &AppState, request: &RecordsRequest) -> NaiveDate {
    request
        .received_at
        .with_timezone(&app.jurisdiction().zone)
        .date_naive()
}

fn delivery(request: &RecordsRequest) -> Delivery {
    match request.preferred_format.as_str() {
        "paper" | "inspection" => Delivery::Pickup,
        _ => Delivery::Email,
    }
}

fn lines(lines: &[fees::Line]) -> Vec<PricedLine> {
    lines
        .iter()
        .map(|line| PricedLine {
            what: line.to_string(),
            cents: line.cents(),
        })
        .collect()
}

/// The estimate for `minutes` of staff time (the free hour included) and
/// `paper_pages` pages, at `rate` an hour or the cap.
pub fn price_estimate(
    app: &AppState,
    request: &RecordsRequest,
    minutes: u32,
    paper_pages: u32,
    rate: Option<i64>,
) -> Result<Priced, ApiError> {
    if minutes > 10_000 * 60 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.bad_action",
            "an estimate of more than 10,000 hours is not a good-faith estimate",
        ));
    }
    let date = request_date(app, request);
    let work = Work {
        staff_time: vec![StaffTime::new(
            minutes,
            &app.jurisdiction().custodian,
            "estimated research and retrieval",
        )],
        paper_pages,
        delivery: delivery(request),
        hourly_rate_cents: rate,
        ..Work::default()
    };
    let estimate = fees::estimate(&app.jurisdiction().fees, date, &work).map_err(refused)?;
    Ok(Priced {
        request_date: date,
        minutes,
        paper_pages,
        hourly_rate_cents: estimate.hourly_rate_cents(),
        total_cents: estimate.total_cents(),
        lines: lines(&estimate.lines),
        deposit_cents: estimate.deposit.as_ref().map(|d| d.cents),
        deposit_rule: estimate
            .deposit
            .as_ref()
            .map(|d| format!("{}% before work starts ({})", d.percent, d.citation)),
        estimate_cents: None,
    })
}

/// The final fee from the time staff logged, checked against the estimate
/// and the hourly cap; refused, naming the rule, when over either.
pub async fn price_invoice(
    app: &AppState,
    request: &RecordsRequest,
    estimate: Option<&Priced>,
    paper_pages: u32,
    rate: Option<i64>,
) -> Result<Priced, ApiError> {
    let date = request_date(app, request);
    let mut staff_time = Vec::new();
    for entry in app.store.time_entries(request.id).await? {
        let who = match entry.user_id {
            Some(id) => app
                .store
                .user(id)
                .await?
                .map_or_else(|| format!("staff member {id}"), |u| u.name),
            None => app.jurisdiction().custodian.clone(),
        };
        let what = if entry.note.is_empty() {
            format!("work on {}", entry.worked_on)
        } else {
            format!("{} ({})", entry.note, entry.worked_on)
        };
        staff_time.push(StaffTime::new(
            u32::try_from(entry.minutes).unwrap_or(u32::MAX),
            &who,
            &what,
        ));
    }
    let minutes = staff_time.iter().map(|t| t.minutes).sum();
    let work = Work {
        staff_time,
        paper_pages,
        delivery: delivery(request),
        hourly_rate_cents: rate.or(estimate.and_then(|e| e.hourly_rate_cents)),
        ..Work::default()
    };
    let rules = &app.jurisdiction().fees;
    let invoice = fees::invoice(rules, date, &work).map_err(refused)?;
    // Without an estimate only the hourly cap limits the fee.
    let limit_base = estimate.map_or(i64::MAX / 1_000, |e| e.total_cents);
    fees::check_invoice(rules, date, limit_base, &invoice).map_err(refused)?;
    Ok(Priced {
        request_date: date,
        minutes,
        paper_pages,
        hourly_rate_cents: work.hourly_rate_cents,
        total_cents: invoice.total_cents(),
        lines: lines(&invoice.lines),
        deposit_cents: None,
        deposit_rule: None,
        estimate_cents: estimate.map(|e| e.total_cents),
    })
}

/// The latest estimate (`fee_estimate`) or invoice (`invoice`) sent.
pub async fn latest_priced(
    app: &AppState,
    request: &RecordsRequest,
    kind: &str,
) -> Result<Option<Priced>, ApiError> {
    match super::actions::latest_event(app, request, kind).await? {
        Some(data) => serde_json::from_value(data)
            .map(Some)
            .map_err(|e| ApiError::internal("a kept fee", e)),
        None => Ok(None),
    }
}

/// The first estimate (`fee_estimate`) sent: the one the final fee is
/// held to.
pub async fn first_priced(
    app: &AppState,
    request: &RecordsRequest,
    kind: &str,
) -> Result<Option<Priced>, ApiError> {
    let first = app
        .store
        .request_events(request.id)
        .await?
        .into_iter()
        .find(|e| e.kind == kind);
    match first {
        Some(event) => serde_json::from_value(event.data)
            .map(Some)
            .map_err(|e| ApiError::internal("a kept fee", e)),
        None => Ok(None),
    }
}

/// The money recorded for a request, as the law's ledger reads it.
pub fn ledger(app: &AppState, entries: &[store::LedgerEntry]) -> Result<Ledger, ApiError> {
    let zone = app.jurisdiction().zone;
    Ledger::from_entries(
        entries
            .iter()
            .map(|e| LedgerEntry {
                on: e.at.with_timezone(&zone).date_naive(),
                kind: match e.kind.as_str() {
                    "deposit" => EntryKind::Deposit,
                    "payment" => EntryKind::Payment,
                    _ => EntryKind::Refund,
                },
                cents: e.cents,
                note: e.note.clone(),
            })
            .collect(),
    )
    .map_err(|e| ApiError::internal("request ledger", e))
}

/// The balance in words: "$72.39 due", "settled", "$3.10 to refund".
pub fn balance_words(balance: Balance) -> String {
    match balance {
        Balance::Due(cents) => format!("{} due", format_cents(cents)),
        Balance::Settled => "settled".to_string(),
        Balance::RefundOwed(cents) => format!("{} to refund", format_cents(cents)),
    }
}

fn priced_lines(view: &FeeView) -> String {
    view.lines.iter().map(|l| format!("  - {l}\n")).collect()
}

/// The letter that sends an estimate.
pub fn estimate_letter(app: &AppState, request: &RecordsRequest, view: &FeeView) -> String {
    let mut text = format!(
        "Here is our estimate of the cost of your records request {}.\n\n{}\nEstimated total: {}\n",
        request.tracking,
        priced_lines(view),
        view.total
    );
    if let (Some(deposit), Some(rule)) = (&view.deposit, &view.deposit_rule) {
        text.push_str(&format!(
            "\nA deposit of {deposit} is due before work starts: {rule}. We start once it is \
             received, and refund any part of it the final fee does not use.\n"
        ));
    }
    let margin = app
        .jurisdiction()
        .fees
        .max_over_estimate_percent
        .value_on(request_date(app, request))
        .map(|m| (m.value, m.citation.clone()));
    if let Some((percent, citation)) = margin {
        text.push_str(&format!(
            "\nThe final fee will not be more than {}% of this estimate ({citation}).\n",
            100 + percent
        ));
    }
    text
}

/// The letter that sends the final fee, with what was already paid.
pub fn invoice_letter(
    app: &AppState,
    request: &RecordsRequest,
    view: &FeeView,
    entries: &[store::LedgerEntry],
) -> String {
    let mut text = format!(
        "The records for your request {} are ready. The final fee:\n\n{}\nTotal: {}\n",
        request.tracking,
        priced_lines(view),
        view.total
    );
    let received: i64 = entries
        .iter()
        .map(|e| {
            if e.kind == "refund" {
                -e.cents
            } else {
                e.cents
            }
        })
        .sum();
    if received > 0 {
        text.push_str(&format!("Already received: {}\n", format_cents(received)));
    }
    if let Ok(ledger) = ledger(app, entries) {
        let balance = ledger.balance(view.total_cents);
        text.push_str(&format!("Balance: {}\n", balance_words(balance)));
    }
    text.push_str(
        "\nThe records go out once any balance is paid; a refund is sent to you without asking.\n",
    );
    text
}
