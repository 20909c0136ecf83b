//! What a request may cost, in whole cents: the fee rules a profile dates,
//! the good-faith estimate and its deposit, the checks a final invoice must
//! pass before it goes out, and the ledger of money received and refunded.
//!
//! Rounding: the research-and-retrieval fee is worked out once, on the
//! billable minutes of the whole request (never entry by entry), and rounded
//! half up to the cent; a deposit is rounded the same way. The limit on a
//! final fee is compared exactly: a total that is a fraction of a cent over
//! it is over it.

mod ledger;
mod rules;

use std::fmt;

use chrono::NaiveDate;

use crate::jurisdiction::{Dated, Rule};

pub use ledger::{Balance, EntryKind, Ledger, LedgerEntry, LedgerError};
pub use rules::FeeRules;

/// The work a request takes, or took: what an estimate or an invoice
/// prices.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Work {
    pub staff_time: Vec<StaffTime>,
    pub paper_pages: u32,
    pub digital_pages: u32,
    pub delivery: Delivery,
    pub other: Vec<OtherCost>,
    /// The hourly rate the custodian charges for research and retrieval;
    /// the cap in force on the request's date when none is given.
    pub hourly_rate_cents: Option<i64>,
}

/// Time one person spends, or spent, on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffTime {
    pub minutes: u32,
    pub who: String,
    pub what: String,
}

/// A cost the rules do not price, at what it actually costs: a USB drive,
/// a certified copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherCost {
    pub what: String,
    pub cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Delivery {
    #[default]
    Email,
    Mail {
        postage_cents: i64,
    },
    /// Collected in person.
    Pickup,
}

/// One line of an estimate or an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Time spent; priced together with the rest in the research line.
    StaffTime(StaffTime),
    /// The free research time taken off the staff time.
    FreeTime {
        minutes: u32,
        citation: String,
    },
    Research {
        minutes: u32,
        rate_cents: i64,
        cap_cents: i64,
        cents: i64,
        citation: String,
    },
    /// No research fee: no fee policy was published before the request.
    NoResearchFee {
        minutes: u32,
        request_date: NaiveDate,
        citation: String,
    },
    PaperCopies {
        pages: u32,
        per_page_cents: i64,
        cents: i64,
        citation: String,
    },
    DigitalCopies {
        pages: u32,
        per_page_cents: i64,
        cents: i64,
        citation: String,
    },
    Delivery {
        by: Delivery,
        cents: i64,
        citation: Option<String>,
    },
    Other(OtherCost),
}

/// The good-faith estimate given before work starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub request_date: NaiveDate,
    pub lines: Vec<Line>,
    /// Set when a deposit is due before work starts.
    pub deposit: Option<Deposit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deposit {
    pub percent: u32,
    pub cents: i64,
    pub citation: String,
}

/// The final fee, to be checked with [`check_invoice`] before it goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub lines: Vec<Line>,
}

/// Why a fee cannot be charged as it stands, naming the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeRefused {
    #[error(
        "the final fee of {} is more than {percent}% above the estimate of {}; at most {} \
         may be charged ({citation})",
        format_cents(*total_cents), format_cents(*estimate_cents), format_cents(*limit_cents)
    )]
    OverEstimate {
        total_cents: i64,
        estimate_cents: i64,
        percent: u32,
        limit_cents: i64,
        citation: String,
    },
    #[error(
        "research and retrieval at {} an hour is more than the cap of {} an hour for a request \
         made on {request_date}; charge {} an hour or less ({citation})",
        format_cents(*rate_cents), format_cents(*cap_cents), format_cents(*cap_cents)
    )]
    OverHourlyCap {
        rate_cents: i64,
        cap_cents: i64,
        request_date: NaiveDate,
        citation: String,
    },
    #[error("{what}: an amount cannot be negative")]
    Negative { what: String },
    #[error("the profile has no value of `{key}` in force on {date}")]
    NoRuleInForce { key: &'static str, date: NaiveDate },
}

/// The estimate for `work` on a request made on `request_date`: the free
/// time taken off, the research priced at the custodian's rate (the cap if
/// none is given), copies and delivery, and the deposit if one is due.
pub fn estimate(
    rules: &FeeRules,
    request_date: NaiveDate,
    work: &Work,
) -> Result<Estimate, FeeRefused> {
    let lines = price(rules, request_date, work)?;
    check_rate(rules, request_date, &lines)?;
    let deposit = deposit(rules, request_date, staff_minutes(&lines), total(&lines))?;
    Ok(Estimate {
        request_date,
        lines,
        deposit,
    })
}

/// The final fee for the work done, priced as the estimate was. It is not
/// checked here: [`check_invoice`] says whether it may go out.
pub fn invoice(
    rules: &FeeRules,
    request_date: NaiveDate,
    work: &Work,
) -> Result<Invoice, FeeRefused> {
    Ok(Invoice {
        lines: price(rules, request_date, work)?,
    })
}

/// Whether a final invoice may go out: research charged at no more than the
/// cap on the request's date, and a total no more than the allowed margin
/// above the estimate (exactly at the margin is allowed).
pub fn check_invoice(
    rules: &FeeRules,
    request_date: NaiveDate,
    estimate_total_cents: i64,
    invoice: &Invoice,
) -> Result<(), FeeRefused> {
    check_rate(rules, request_date, &invoice.lines)?;

    let margin = in_force(
        &rules.max_over_estimate_percent,
        "fees.max_over_estimate_percent",
        request_date,
    )?;
    let limit = i128::from(estimate_total_cents) * (100 + i128::from(margin.value));
    let limit_cents = i64::try_from(limit.div_euclid(100)).unwrap_or(i64::MAX);
    let total_cents = invoice.total_cents();
    if total_cents > limit_cents {
        return Err(FeeRefused::OverEstimate {
            total_cents,
            estimate_cents: estimate_total_cents,
            percent: margin.value,
            limit_cents,
            citation: margin.citation.clone(),
        });
    }
    Ok(())
}

/// An amount as a clerk writes it: `$41.37`, `$1,234.50`, `-$2.00`.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let dollars = (abs / 100).to_string();
    let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
    for (i, digit) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}${grouped}.{:02}", abs % 100)
}

impl Estimate {
    pub fn total_cents(&self) -> i64 {
        total(&self.lines)
    }

    /// All the staff time, the free time included.
    pub fn staff_minutes(&self) -> u32 {
        staff_minutes(&self.lines)
    }

    /// The research-and-retrieval fee; 0 when none is charged.
    pub fn research_cents(&self) -> i64 {
        research(&self.lines).map_or(0, |(_, cents)| cents)
    }

    /// The hourly rate the research is priced at, if any is charged.
    pub fn hourly_rate_cents(&self) -> Option<i64> {
        research(&self.lines).map(|(rate, _)| rate)
    }
}

impl Invoice {
    pub fn total_cents(&self) -> i64 {
        total(&self.lines)
    }

    pub fn staff_minutes(&self) -> u32 {
        staff_minutes(&self.lines)
    }

    pub fn research_cents(&self) -> i64 {
        research(&self.lines).map_or(0, |(_, cents)| cents)
    }
}

impl Line {
    /// What the line adds to the total; staff time is priced in the
    /// research line, so it adds nothing itself.
    pub fn cents(&self) -> i64 {
        match self {
            Line::StaffTime(_) | Line::FreeTime { .. } | Line::NoResearchFee { .. } => 0,
            Line::Research { cents, .. }
            | Line::PaperCopies { cents, .. }
            | Line::DigitalCopies { cents, .. }
            | Line::Delivery { cents, .. }
            | Line::Other(OtherCost { cents, .. }) => *cents,
        }
    }
}

impl StaffTime {
    pub fn new(minutes: u32, who: &str, what: &str) -> StaffTime {
        StaffTime {
            minutes,
            who: who.to_string(),
            what: what.to_string(),
        }
    }
}

impl OtherCost {
    pub fn new(what: &str, cents: i64) -> OtherCost {
        OtherCost {
            what: what.to_string(),
            cents,
        }
    }
}

/// Every line of the work's price, in order: staff time, free time,
/// research, copies, delivery, other costs.
fn price(rules: &FeeRules, date: NaiveDate, work: &Work) -> Result<Vec<Line>, FeeRefused> {
    refuse_negative(work)?;

    let mut lines: Vec<Line> = work
        .staff_time
        .iter()
        .cloned()
        .map(Line::StaffTime)
        .collect();
    research_lines(rules, date, work, &mut lines)?;
    copy_lines(rules, date, work, &mut lines)?;
    lines.push(delivery_line(rules, date, &work.delivery)?);
    lines.extend(work.other.iter().cloned().map(Line::Other));
    Ok(lines)
}

fn refuse_negative(work: &Work) -> Result<(), FeeRefused> {
    let negative = |what: &str| FeeRefused::Negative { what: what.into() };
    if work.hourly_rate_cents.is_some_and(|rate| rate < 0) {
        return Err(negative("the hourly rate"));
    }
    if let Delivery::Mail { postage_cents } = work.delivery
        && postage_cents < 0
    {
        return Err(negative("postage"));
    }
    match work.other.iter().find(|cost| cost.cents < 0) {
        Some(cost) => Err(negative(&cost.what)),
        None => Ok(()),
    }
}

fn research_lines(
    rules: &FeeRules,
    date: NaiveDate,
    work: &Work,
    lines: &mut Vec<Line>,
) -> Result<(), FeeRefused> {
    let total = work
        .staff_time
        .iter()
        .fold(0u32, |sum, entry| sum.saturating_add(entry.minutes));
    if total == 0 {
        return Ok(());
    }
    let free_hours = in_force(&rules.free_hours, "fees.free_hours", date)?;
    let free = total.min(free_hours.value.saturating_mul(60));
    if free > 0 {
        lines.push(Line::FreeTime {
            minutes: free,
            citation: free_hours.citation.clone(),
        });
    }
    let billable = total - free;
    if billable == 0 {
        return Ok(());
    }

    // "Before the request": a policy published on the day itself is too late.
    let published = date
        .pred_opt()
        .and_then(|day_before| rules.policy_published.value_on(day_before));
    if published.is_none() {
        lines.push(Line::NoResearchFee {
            minutes: billable,
            request_date: date,
            citation: first_citation(&rules.policy_published),
        });
        return Ok(());
    }
    let cap = in_force(&rules.hourly_cap, "fees.hourly_cap", date)?;
    let rate = work.hourly_rate_cents.unwrap_or(cap.value);
    lines.push(Line::Research {
        minutes: billable,
        rate_cents: rate,
        cap_cents: cap.value,
        cents: rounded_half_up(i128::from(billable) * i128::from(rate), 60),
        citation: cap.citation.clone(),
    });
    Ok(())
}

fn copy_lines(
    rules: &FeeRules,
    date: NaiveDate,
    work: &Work,
    lines: &mut Vec<Line>,
) -> Result<(), FeeRefused> {
    if work.paper_pages > 0 {
        let page = in_force(&rules.paper_page, "fees.paper_page", date)?;
        lines.push(Line::PaperCopies {
            pages: work.paper_pages,
            per_page_cents: page.value,
            cents: i64::from(work.paper_pages).saturating_mul(page.value),
            citation: page.citation.clone(),
        });
    }
    if work.digital_pages > 0 {
        let page = in_force(&rules.digital_page, "fees.digital_page", date)?;
        lines.push(Line::DigitalCopies {
            pages: work.digital_pages,
            per_page_cents: page.value,
            cents: i64::from(work.digital_pages).saturating_mul(page.value),
            citation: page.citation.clone(),
        });
    }
    Ok(())
}

fn delivery_line(rules: &FeeRules, date: NaiveDate, by: &Delivery) -> Result<Line, FeeRefused> {
    let (cents, citation) = match by {
        Delivery::Email => {
            let fee = in_force(&rules.email_delivery, "fees.email_delivery", date)?;
            (fee.value, Some(fee.citation.clone()))
        }
        Delivery::Mail { postage_cents } => (*postage_cents, None),
        Delivery::Pickup => (0, None),
    };
    Ok(Line::Delivery {
        by: by.clone(),
        cents,
        citation,
    })
}

fn check_rate(rules: &FeeRules, date: NaiveDate, lines: &[Line]) -> Result<(), FeeRefused> {
    let Some((rate_cents, _)) = research(lines) else {
        return Ok(());
    };
    let cap = in_force(&rules.hourly_cap, "fees.hourly_cap", date)?;
    if rate_cents > cap.value {
        return Err(FeeRefused::OverHourlyCap {
            rate_cents,
            cap_cents: cap.value,
            request_date: date,
            citation: cap.citation.clone(),
        });
    }
    Ok(())
}

fn deposit(
    rules: &FeeRules,
    date: NaiveDate,
    staff_minutes: u32,
    total_cents: i64,
) -> Result<Option<Deposit>, FeeRefused> {
    let above = in_force(&rules.deposit_above_hours, "fees.deposit_above_hours", date)?;
    if staff_minutes <= above.value.saturating_mul(60) || total_cents <= 0 {
        return Ok(None);
    }
    let percent = in_force(&rules.deposit_percent, "fees.deposit_percent", date)?;
    Ok(Some(Deposit {
        percent: percent.value,
        cents: rounded_half_up(i128::from(total_cents) * i128::from(percent.value), 100),
        citation: percent.citation.clone(),
    }))
}

fn total(lines: &[Line]) -> i64 {
    lines
        .iter()
        .fold(0, |sum, line| sum.saturating_add(line.cents()))
}

fn staff_minutes(lines: &[Line]) -> u32 {
    lines.iter().fold(0, |sum, line| match line {
        Line::StaffTime(entry) => sum.saturating_add(entry.minutes),
        _ => sum,
    })
}

/// The rate and amount of the research line, if there is one.
fn research(lines: &[Line]) -> Option<(i64, i64)> {
    lines.iter().find_map(|line| match line {
        Line::Research {
            rate_cents, cents, ..
        } => Some((*rate_cents, *cents)),
        _ => None,
    })
}

/// `numerator / denominator` to the nearest whole number, halves up; both
/// are non-negative here.
fn rounded_half_up(numerator: i128, denominator: i128) -> i64 {
    let rounded = (2 * numerator + denominator).div_euclid(2 * denominator);
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

fn in_force<'r, T>(
    rule: &'r Rule<T>,
    key: &'static str,
    date: NaiveDate,
) -> Result<&'r Dated<T>, FeeRefused> {
    rule.value_on(date)
        .ok_or(FeeRefused::NoRuleInForce { key, date })
}

fn first_citation<T>(rule: &Rule<T>) -> String {
    rule.entries()
        .first()
        .map(|entry| entry.citation.clone())
        .unwrap_or_default()
}

/// "2 h 30 min", "1 h", "45 min".
fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn pages(n: u32) -> String {
    if n == 1 {
        "1 page".into()
    } else {
        format!("{n} pages")
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Line::StaffTime(entry) => {
                write!(
                    f,
                    "{}, {}: {}",
                    entry.who,
                    entry.what,
                    duration(entry.minutes)
                )
            }
            Line::FreeTime { minutes, citation } => write!(
                f,
                "Free research and retrieval: {} taken off ({citation})",
                duration(*minutes)
            ),
            Line::Research {
                minutes,
                rate_cents,
                cents,
                citation,
                ..
            } => write!(
                f,
                "Research and retrieval: {} at {} an hour: {} ({citation})",
                duration(*minutes),
                format_cents(*rate_cents),
                format_cents(*cents)
            ),
            Line::NoResearchFee {
                minutes,
                request_date,
                citation,
            } => write!(
                f,
                "Research and retrieval: {} not charged, because no fee policy was published \
                 before the request of {request_date} ({citation})",
                duration(*minutes)
            ),
            Line::PaperCopies {
                pages: n,
                per_page_cents,
                cents,
                citation,
            } => write!(
                f,
                "Paper copies: {} at {} a page: {} ({citation})",
                pages(*n),
                format_cents(*per_page_cents),
                format_cents(*cents)
            ),
            Line::DigitalCopies {
                pages: n,
                per_page_cents: 0,
                citation,
                ..
            } => write!(
                f,
                "Digital copies: {}, no per-page fee ({citation})",
                pages(*n)
            ),
            Line::DigitalCopies {
                pages: n,
                per_page_cents,
                cents,
                citation,
            } => write!(
                f,
                "Digital copies: {} at {} a page: {} ({citation})",
                pages(*n),
                format_cents(*per_page_cents),
                format_cents(*cents)
            ),
            Line::Delivery {
                by,
                cents,
                citation,
            } => {
                match (by, *cents) {
                    (Delivery::Email, 0) => f.write_str("Delivery by e-mail: no charge")?,
                    (Delivery::Email, cents) => {
                        write!(f, "Delivery by e-mail: {}", format_cents(cents))?
                    }
                    (Delivery::Mail { .. }, cents) => {
                        write!(f, "Postage: {}", format_cents(cents))?
                    }
                    (Delivery::Pickup, _) => f.write_str("Collected in person: no charge")?,
                }
                match citation {
                    Some(citation) => write!(f, " ({citation})"),
                    None => Ok(()),
                }
            }
            Line::Other(cost) => write!(f, "{}: {}", cost.what, format_cents(cost.cents)),
        }
    }
}

impl fmt::Display for Deposit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Deposit due before work starts: {} ({}% of the estimate; {})",
            format_cents(self.cents),
            self.percent,
            self.citation
        )
    }
}

impl fmt::Display for Estimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        write!(f, "Estimated total: {}", format_cents(self.total_cents()))?;
        match &self.deposit {
            Some(deposit) => write!(f, "\n{deposit}"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Invoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        write!(f, "Total: {}", format_cents(self.total_cents()))
    }
}
