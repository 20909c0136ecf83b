//! Whether a request is on time, apart from its lifecycle state: an
//! extended request that is on time is not overdue.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{Clock, ClockName, ClockStatus, Clocks};

/// A running clock is due soon from this many working days before its due
/// date.
pub const DUE_SOON_WORKING_DAYS: u32 = 1;

/// Ordered from best to worst, so the worst clock decides a request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTrack,
    ExtendedOnTime,
    DueSoon,
    Overdue,
}

impl Timeliness {
    /// The machine name the JSON API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Timeliness::OnTrack => "on_track",
            Timeliness::ExtendedOnTime => "extended_on_time",
            Timeliness::DueSoon => "due_soon",
            Timeliness::Overdue => "overdue",
        }
    }
}

/// The request's timeliness at `now`: the worst of its running clocks that
/// are duties. A clock that ended late keeps its status `missed`; timeliness
/// speaks of what is still to do.
pub fn timeliness(clocks: &Clocks, now: DateTime<Utc>) -> Timeliness {
    let extended = clocks
        .get(ClockName::Response)
        .is_some_and(|clock| clock.extended);
    let base = if extended {
        Timeliness::ExtendedOnTime
    } else {
        Timeliness::OnTrack
    };
    clocks
        .iter()
        .filter(|clock| clock.name.is_duty())
        .map(|clock| clock.timeliness(now, clocks.zone))
        .fold(base, Ord::max)
}

impl Clock {
    /// This clock's timeliness at `now`; an ended clock is on track.
    pub fn timeliness(&self, now: DateTime<Utc>, zone: Tz) -> Timeliness {
        if self.status != ClockStatus::Running {
            return Timeliness::OnTrack;
        }
        if now >= self.deadline {
            Timeliness::Overdue
        } else if now.with_timezone(&zone).date_naive() >= self.due_soon_from {
            Timeliness::DueSoon
        } else if self.extended {
            Timeliness::ExtendedOnTime
        } else {
            Timeliness::OnTrack
        }
    }
}
