//! Which deadlines move when the calendar changes, and which days moved
//! them, for the caller to log after adding or removing a closure day.

use std::fmt;

use chrono::NaiveDate;

use crate::calendar::{Calendar, DayKind};
use crate::jurisdiction::Jurisdiction;

use super::explanation::day;
use super::{ClockError, ClockName, compute_clocks};

/// One clock whose due date differs between two calendars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineChange {
    pub clock: ClockName,
    pub before: NaiveDate,
    pub after: NaiveDate,
    /// The days between the clock's start and its later due date that the
    /// two calendars see differently.
    pub because: Vec<DayChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayChange {
    pub date: NaiveDate,
    pub before: DayKind,
    pub after: DayKind,
}

/// The clocks of a request whose due dates differ between `before` and
/// `after`, each with the days that moved it.
pub fn deadline_changes(
    events: &[super::Event],
    profile: &Jurisdiction,
    before: &Calendar,
    after: &Calendar,
) -> Result<Vec<DeadlineChange>, ClockError> {
    let old = compute_clocks(events, profile, before)?;
    let new = compute_clocks(events, profile, after)?;

    let mut changes = Vec::new();
    for (old, new) in old.iter().zip(new.iter()) {
        if old.due == new.due {
            continue;
        }
        let first = old.day_zero.min(new.day_zero);
        let first = first.pred_opt().unwrap_or(first);
        let last = old.due.max(new.due);
        let because = first
            .iter_days()
            .take_while(|date| *date <= last)
            .filter_map(|date| {
                let (was, now) = (before.day_kind(date), after.day_kind(date));
                (was != now).then_some(DayChange {
                    date,
                    before: was,
                    after: now,
                })
            })
            .collect();
        changes.push(DeadlineChange {
            clock: old.name,
            before: old.due,
            after: new.due,
            because,
        });
    }
    Ok(changes)
}

impl fmt::Display for DeadlineChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} due {}, now {}",
            self.clock,
            day(self.before),
            day(self.after)
        )?;
        for (i, change) in self.because.iter().enumerate() {
            f.write_str(if i == 0 { " because " } else { "; " })?;
            write!(f, "{change}")?;
        }
        Ok(())
    }
}

impl fmt::Display for DayChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is now a {}", day(self.date), self.after)?;
        if self.before != DayKind::Working {
            write!(f, " (was a {})", self.before)?;
        }
        Ok(())
    }
}
