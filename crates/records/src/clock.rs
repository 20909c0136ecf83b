//! The statutory clocks of a request, computed from its events, the
//! jurisdiction's rules and its calendar. Every clock is a pure function of
//! those three: recomputing after a closure day is added is calling
//! [`compute_clocks`] again. Nothing here reads the time; callers pass it.

mod changes;
mod engine;
mod explanation;
mod timeliness;

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::jurisdiction::Jurisdiction;

pub use changes::{DayChange, DeadlineChange, deadline_changes};
pub use explanation::{Explanation, Step};
pub use timeliness::{DUE_SOON_WORKING_DAYS, Timeliness, timeliness};

/// Something that happened to a request, in the order it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The request reached the custodian; its first event.
    Received {
        at: DateTime<Utc>,
    },
    /// The custodian's written finding of extenuating circumstances went to
    /// the requester, extending the response by `working_days`.
    ExtensionFindingSent {
        at: DateTime<Utc>,
        working_days: u32,
    },
    /// A fee estimate and a request for a deposit went to the requester,
    /// telling them the records follow payment.
    DepositRequested {
        at: DateTime<Utc>,
    },
    /// The requester paid for the records.
    PaymentReceived {
        at: DateTime<Utc>,
    },
    Denied {
        at: DateTime<Utc>,
    },
    /// The requester asked for the written grounds of a denial.
    GroundsRequested {
        at: DateTime<Utc>,
    },
    GroundsStatementSent {
        at: DateTime<Utc>,
    },
    /// The requester's written notice of intent to apply to court.
    NoticeOfIntent {
        at: DateTime<Utc>,
        expedited: bool,
    },
    /// The custodian met or talked with the requester about the dispute.
    Conferred {
        at: DateTime<Utc>,
    },
    /// The requester agreed to a new response date; the only way the
    /// response clock moves while the clerk waits on the requester.
    RequesterAgreedTo {
        date: NaiveDate,
    },
    /// Staff treat a narrowed request as a new one, with a new day 0.
    RestartedAsNewRequest {
        at: DateTime<Utc>,
    },
    Released {
        at: DateTime<Utc>,
    },
    Closed {
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockName {
    /// The response to the request.
    Response,
    /// The window in which a written finding can extend the response.
    ExtensionNotice,
    /// The fee estimate and deposit request, which go out within the
    /// response period.
    Deposit,
    /// Sending the records after payment.
    Transmission,
    /// The written statement of the grounds of a denial.
    GroundsStatement,
    /// The conferral period after a notice of intent to sue.
    LitigationNotice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    Running,
    /// Ended on time by what the clock waits for.
    Met,
    /// Ended by what the clock waits for, but late.
    Missed,
    /// Ended by something else: the request was answered another way or
    /// closed.
    Stopped,
}

/// One deadline of a request and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub name: ClockName,
    pub day_zero: NaiveDate,
    /// The last day to act, in the jurisdiction's zone.
    pub due: NaiveDate,
    /// The end of the due day: anything done at or after it is late.
    pub deadline: DateTime<Utc>,
    /// From this local date on the clock is due soon.
    pub due_soon_from: NaiveDate,
    pub status: ClockStatus,
    pub ended_at: Option<DateTime<Utc>>,
    /// The due date moved later by an extension or the requester's
    /// agreement.
    pub extended: bool,
    pub explanation: Explanation,
}

/// Every clock a request has started, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clocks {
    pub zone: Tz,
    pub clocks: Vec<Clock>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("a request's first event is its receipt")]
    NotReceived,
    #[error("the request was already received; a narrowed request restarts as a new request")]
    ReceivedTwice,
    #[error("the profile has no value of `{key}` in force on {date}")]
    NoRuleInForce { key: &'static str, date: NaiveDate },
    #[error("extension refused: {0}")]
    Extension(#[from] ExtensionRefused),
}

/// Why an extension cannot be recorded, naming the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionRefused {
    #[error("an extension adds at least one working day")]
    NoDays,
    #[error(
        "the written finding was sent {}, but it must reach the requester within {within} \
         working days after day 0, which ended {} ({citation})",
        explanation::date_time(sent), explanation::day(*window_end)
    )]
    TooLate {
        sent: DateTime<Tz>,
        within: u32,
        window_end: NaiveDate,
        citation: String,
    },
    #[error(
        "{asked} more working days would extend the response by {}, more than the {max} \
         working days allowed ({citation})",
        already + asked
    )]
    TooLong {
        asked: u32,
        already: u32,
        max: u32,
        citation: String,
    },
}

/// Every clock the events have started, with its due date, status and
/// explanation.
pub fn compute_clocks(
    events: &[Event],
    profile: &Jurisdiction,
    calendar: &Calendar,
) -> Result<Clocks, ClockError> {
    engine::run(events, profile, calendar)
}

/// Whether an extension finding sent at `at` for `working_days` would be
/// accepted after the events so far; the error says which rule refuses it.
pub fn check_extension(
    events: &[Event],
    profile: &Jurisdiction,
    calendar: &Calendar,
    at: DateTime<Utc>,
    working_days: u32,
) -> Result<(), ClockError> {
    let mut proposed = events.to_vec();
    proposed.push(Event::ExtensionFindingSent { at, working_days });
    compute_clocks(&proposed, profile, calendar).map(|_| ())
}

impl Clocks {
    pub fn get(&self, name: ClockName) -> Option<&Clock> {
        self.clocks.iter().find(|clock| clock.name == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Clock> {
        self.clocks.iter()
    }
}

impl ClockName {
    /// The machine name the JSON API and the audit log use.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockName::Response => "response",
            ClockName::ExtensionNotice => "extension_notice",
            ClockName::Deposit => "deposit",
            ClockName::Transmission => "transmission",
            ClockName::GroundsStatement => "grounds_statement",
            ClockName::LitigationNotice => "litigation_notice",
        }
    }

    /// Whether running past the deadline makes the request late. The
    /// extension window is an opportunity, not a duty.
    pub fn is_duty(self) -> bool {
        self != ClockName::ExtensionNotice
    }
}

impl fmt::Display for ClockName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClockName::Response => "response",
            ClockName::ExtensionNotice => "extension notice",
            ClockName::Deposit => "deposit request",
            ClockName::Transmission => "transmission after payment",
            ClockName::GroundsStatement => "statement of grounds",
            ClockName::LitigationNotice => "notice of intent to sue",
        })
    }
}

impl ClockStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockStatus::Running => "running",
            ClockStatus::Met => "met",
            ClockStatus::Missed => "missed",
            ClockStatus::Stopped => "stopped",
        }
    }
}
