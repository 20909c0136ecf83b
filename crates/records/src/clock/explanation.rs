//! How a clock explains its deadline: day 0, every day skipped and why, the
//! days counted, the rule applied with its citation, and how the clock
//! ended, each a line a person can read.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike};
use chrono_tz::Tz;

use crate::calendar::DayKind;

use super::ClockStatus;

/// The steps that lead to a deadline, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Explanation {
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The event that starts the count, when day 0 is not its own day.
    Event {
        what: String,
        at: DateTime<Tz>,
        /// Set when the event came after the intake cut-off.
        after_cutoff: Option<NaiveTime>,
    },
    /// The day the count starts from; it does not count itself.
    DayZero {
        date: NaiveDate,
        what: String,
        /// The event's time when it fell on day 0 itself.
        at: Option<DateTime<Tz>>,
    },
    Skipped {
        date: NaiveDate,
        why: DayKind,
    },
    Counted {
        n: u32,
        date: NaiveDate,
    },
    /// A fact the count depends on: an extension, an agreement, a restart.
    Note(String),
    Due {
        date: NaiveDate,
        rule: String,
        citation: String,
        unverified: bool,
    },
    Ended {
        status: ClockStatus,
        what: String,
        at: DateTime<Tz>,
    },
}

impl Explanation {
    /// Every step as its line of text.
    pub fn lines(&self) -> Vec<String> {
        self.steps.iter().map(Step::to_string).collect()
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{step}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Event {
                what,
                at,
                after_cutoff: None,
            } => write!(f, "{}: {}", capitalised(what), date_time(at)),
            Step::Event {
                what,
                at,
                after_cutoff: Some(cutoff),
            } => write!(
                f,
                "{}: {}, after the {} intake cut-off, so it counts from the next working day",
                capitalised(what),
                date_time(at),
                cutoff.format("%H:%M")
            ),
            Step::DayZero {
                date,
                what,
                at: Some(at),
            } => write!(f, "Day 0: {}, {what} {}", day(*date), time(at)),
            Step::DayZero { date, at: None, .. } => {
                write!(f, "Day 0: {}, the next working day", day(*date))
            }
            Step::Skipped { date, why } => write!(f, "{} skipped: {why}", day(*date)),
            Step::Counted { n, date } => write!(f, "Working day {n}: {}", day(*date)),
            Step::Note(text) => f.write_str(text),
            Step::Due {
                date,
                rule,
                citation,
                unverified,
            } => {
                write!(f, "Due: {} — {rule} ({citation})", day(*date))?;
                if *unverified {
                    f.write_str("; this value is not yet verified")?;
                }
                Ok(())
            }
            Step::Ended { status, what, at } => {
                let outcome = match status {
                    ClockStatus::Met => "Met",
                    ClockStatus::Missed => "Missed",
                    ClockStatus::Stopped | ClockStatus::Running => "Stopped",
                };
                write!(f, "{outcome}: {what} {}", date_time(at))?;
                match status {
                    ClockStatus::Met => f.write_str(", on time"),
                    ClockStatus::Missed => f.write_str(", after the deadline"),
                    _ => Ok(()),
                }
            }
        }
    }
}

/// "Wed 26 Nov 2025".
pub fn day(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// "10:15 MST", with seconds only when they matter: "17:00:01 MST".
pub fn time(at: &DateTime<Tz>) -> String {
    if at.second() == 0 {
        at.format("%H:%M %Z").to_string()
    } else {
        at.format("%H:%M:%S %Z").to_string()
    }
}

/// "Wed 26 Nov 2025 10:15 MST".
pub fn date_time(at: &DateTime<Tz>) -> String {
    format!("{} {}", day(at.date_naive()), time(at))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
