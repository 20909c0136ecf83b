//! Walks a request's events in order, keeping each clock's count and the
//! steps that explain it.
//!
//! Counting: the day an event lands on is day 0 and does not count. An event
//! after the intake cut-off, or on a closed day, makes the next working day
//! day 0. Working days are then counted one by one, closed days skipped.
//! Every rule value is the one in force on the local date of the event that
//! started the clock.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use crate::calendar::{Calendar, DayKind};
use crate::jurisdiction::{Dated, Jurisdiction, Rule, Rules};

use super::explanation::{Explanation, Step, date_time, day};
use super::{
    Clock, ClockError, ClockName, ClockStatus, Clocks, DUE_SOON_WORKING_DAYS, Event,
    ExtensionRefused,
};

pub(super) fn run(
    events: &[Event],
    profile: &Jurisdiction,
    calendar: &Calendar,
) -> Result<Clocks, ClockError> {
    let engine = Engine {
        rules: &profile.rules,
        calendar,
        zone: profile.zone,
    };
    let Some((Event::Received { at }, rest)) = events.split_first() else {
        return Err(ClockError::NotReceived);
    };
    let mut request = engine.receive(*at, None)?;
    for event in rest {
        engine.apply(&mut request, event)?;
    }
    Ok(engine.finish_all(request))
}

struct Engine<'a> {
    rules: &'a Rules,
    calendar: &'a Calendar,
    zone: Tz,
}

/// A clock while the events are walked.
struct Draft {
    name: ClockName,
    day_zero: NaiveDate,
    due: NaiveDate,
    steps: Vec<Step>,
    due_step: Step,
    end: Option<(ClockStatus, DateTime<Utc>, Step)>,
    extended: bool,
}

/// The response clock and what an extension needs to know about it.
struct Response {
    draft: Draft,
    received: DateTime<Utc>,
    base: Dated<u32>,
    within: Dated<u32>,
    max: Dated<u32>,
    window_end: NaiveDate,
    statutory_due: NaiveDate,
    extension_days: u32,
    since: &'static str,
}

/// A period of working days a clock counts, and how it is named.
struct Period<'r> {
    rule: &'r Rule<u32>,
    key: &'static str,
    /// The event that starts it, as day 0 names it: "payment received".
    what: &'static str,
    /// The rule as the due line states it, given the number of days.
    describe: fn(u32) -> String,
}

struct Request {
    response: Response,
    extension_notice: Draft,
    deposit: Option<Draft>,
    transmission: Option<Draft>,
    grounds: Option<Draft>,
    litigation: Option<Draft>,
}

impl Engine<'_> {
    fn apply(&self, request: &mut Request, event: &Event) -> Result<(), ClockError> {
        match *event {
            Event::Received { .. } => return Err(ClockError::ReceivedTwice),
            Event::ExtensionFindingSent { at, working_days } => {
                self.extend(&mut request.response, at, working_days)?;
                self.end(
                    &mut request.extension_notice,
                    at,
                    "written finding sent",
                    false,
                );
            }
            Event::DepositRequested { at } => {
                request.deposit = Some(self.deposit(&request.response, at));
                let what = "fee estimate and deposit request sent";
                self.end(&mut request.response.draft, at, what, false);
                self.end(&mut request.extension_notice, at, "request answered", true);
            }
            Event::PaymentReceived { at } => {
                let period = Period {
                    rule: &self.rules.transmission_working_days,
                    key: "transmission_working_days",
                    what: "payment received",
                    describe: |n| format!("{n} working days after the day of payment"),
                };
                request.transmission =
                    Some(self.working_clock(ClockName::Transmission, at, period)?);
            }
            Event::Denied { at } => {
                self.end(&mut request.response.draft, at, "denied", false);
                self.end(&mut request.extension_notice, at, "request answered", true);
            }
            Event::GroundsRequested { at } => {
                let period = Period {
                    rule: &self.rules.grounds_statement_working_days,
                    key: "grounds_statement_working_days",
                    what: "grounds requested",
                    describe: |n| {
                        format!(
                            "the written grounds of the denial, furnished forthwith, read as {n} \
                             working days"
                        )
                    },
                };
                request.grounds =
                    Some(self.working_clock(ClockName::GroundsStatement, at, period)?);
            }
            Event::GroundsStatementSent { at } => {
                if let Some(draft) = &mut request.grounds {
                    self.end(draft, at, "statement of grounds sent", false);
                }
            }
            Event::NoticeOfIntent { at, expedited } => {
                request.litigation = Some(self.litigation_notice(at, expedited)?);
            }
            Event::Conferred { at } => {
                if let Some(draft) = &mut request.litigation {
                    self.end(draft, at, "conferred with the requester", false);
                }
            }
            Event::RequesterAgreedTo { date } => agree(&mut request.response, date),
            Event::RestartedAsNewRequest { at } => {
                let restarted = self.receive(at, Some(request.response.received))?;
                request.response = restarted.response;
                request.extension_notice = restarted.extension_notice;
            }
            Event::Released { at } => {
                self.end(&mut request.response.draft, at, "records released", false);
                self.end(&mut request.extension_notice, at, "request answered", true);
                if let Some(draft) = &mut request.transmission {
                    self.end(draft, at, "records released", false);
                }
            }
            Event::Closed { at } => {
                let Request {
                    response,
                    extension_notice,
                    deposit,
                    transmission,
                    grounds,
                    litigation,
                } = request;
                let others = [deposit, transmission, grounds, litigation];
                let drafts = [&mut response.draft, extension_notice]
                    .into_iter()
                    .chain(others.into_iter().flatten());
                for draft in drafts {
                    self.end(draft, at, "request closed", true);
                }
            }
        }
        Ok(())
    }

    /// Starts the response and extension-notice clocks, for a request
    /// received at `at`, or for a narrowed one treated as new.
    fn receive(
        &self,
        at: DateTime<Utc>,
        original: Option<DateTime<Utc>>,
    ) -> Result<Request, ClockError> {
        let date = self.local(at).date_naive();
        let base = self.rule(
            &self.rules.response_working_days,
            "response_working_days",
            date,
        )?;
        let within = self.rule(
            &self.rules.extension_finding_within_working_days,
            "extension_finding_within_working_days",
            date,
        )?;
        let max = self.rule(
            &self.rules.max_extension_working_days,
            "max_extension_working_days",
            date,
        )?;

        let (what, since, mut steps) = match original {
            None => ("received", "the day of receipt", Vec::new()),
            Some(first) => {
                let note = format!(
                    "Restarted as a new request: the narrowed request counts from a new day 0 \
                     (the original was received {})",
                    date_time(&self.local(first))
                );
                (
                    "narrowed request received",
                    "the new day 0",
                    vec![Step::Note(note)],
                )
            }
        };
        let day_zero = self.day_zero(at, what, &mut steps)?;
        let mut notice_steps = steps.clone();
        let due = self.count(day_zero, base.value, 0, &mut steps);
        let window_end = self.count(day_zero, within.value, 0, &mut notice_steps);

        let response = Draft {
            name: ClockName::Response,
            day_zero,
            due,
            steps,
            due_step: due_step(
                due,
                format!("{} working days after {since}", base.value),
                base,
            ),
            end: None,
            extended: false,
        };
        let rule = format!(
            "the last day a written finding of extenuating circumstances can reach the \
             requester and extend the response, {} working days after {since}",
            within.value
        );
        let extension_notice = Draft {
            name: ClockName::ExtensionNotice,
            day_zero,
            due: window_end,
            steps: notice_steps,
            due_step: due_step(window_end, rule, within),
            end: None,
            extended: false,
        };
        Ok(Request {
            response: Response {
                draft: response,
                received: original.unwrap_or(at),
                base: base.clone(),
                within: within.clone(),
                max: max.clone(),
                window_end,
                statutory_due: due,
                extension_days: 0,
                since,
            },
            extension_notice,
            deposit: None,
            transmission: None,
            grounds: None,
            litigation: None,
        })
    }

    fn extend(
        &self,
        response: &mut Response,
        at: DateTime<Utc>,
        working_days: u32,
    ) -> Result<(), ExtensionRefused> {
        if working_days == 0 {
            return Err(ExtensionRefused::NoDays);
        }
        if at >= self.deadline(response.window_end) {
            return Err(ExtensionRefused::TooLate {
                sent: self.local(at),
                within: response.within.value,
                window_end: response.window_end,
                citation: response.within.citation.clone(),
            });
        }
        let max = &response.max;
        if response.extension_days.saturating_add(working_days) > max.value {
            return Err(ExtensionRefused::TooLong {
                asked: working_days,
                already: response.extension_days,
                max: max.value,
                citation: max.citation.clone(),
            });
        }

        let steps = &mut response.draft.steps;
        if response.extension_days == 0 {
            steps.push(Step::Note(format!(
                "Original due date: {}, {} working days after {}",
                day(response.statutory_due),
                response.base.value,
                response.since
            )));
        }
        steps.push(Step::Note(format!(
            "Extended by {working_days} working days: written finding of extenuating \
             circumstances sent {}, within the {} working days allowed",
            date_time(&self.local(at)),
            response.within.value
        )));
        let counted = response.base.value + response.extension_days;
        response.statutory_due = self.count(response.statutory_due, working_days, counted, steps);
        response.extension_days += working_days;

        let rule = format!(
            "{} working days after {}, extended by {} working days on a written finding of \
             extenuating circumstances",
            response.base.value, response.since, response.extension_days
        );
        let draft = &mut response.draft;
        draft.due = response.statutory_due;
        draft.extended = true;
        draft.due_step = due_step(draft.due, rule, max);
        Ok(())
    }

    /// The deposit request goes out within the response period as it stands.
    fn deposit(&self, response: &Response, at: DateTime<Utc>) -> Draft {
        let Step::Due { citation, .. } = &response.draft.due_step else {
            unreachable!("a draft's due step is a Step::Due");
        };
        let mut draft = Draft {
            name: ClockName::Deposit,
            day_zero: response.draft.day_zero,
            due: response.draft.due,
            steps: response.draft.steps.clone(),
            due_step: Step::Due {
                date: response.draft.due,
                rule: "the fee estimate and deposit request are the response, and go out \
                       within the response period"
                    .into(),
                citation: citation.clone(),
                unverified: false,
            },
            end: None,
            extended: response.draft.extended,
        };
        self.end(&mut draft, at, "deposit requested", false);
        draft
    }

    fn litigation_notice(&self, at: DateTime<Utc>, expedited: bool) -> Result<Draft, ClockError> {
        if expedited {
            let period = Period {
                rule: &self.rules.litigation_notice_expedited_working_days,
                key: "litigation_notice_expedited_working_days",
                what: "notice of intent received",
                describe: |n| {
                    format!(
                        "{n} working days' notice of intent to apply to court, the requester \
                         having stated an expedited need"
                    )
                },
            };
            return self.working_clock(ClockName::LitigationNotice, at, period);
        }

        let local = self.local(at);
        let date = local.date_naive();
        let key = "litigation_notice_calendar_days";
        let rule = self.rule(&self.rules.litigation_notice_calendar_days, key, date)?;
        let end = date + Days::new(rule.value.into());
        let mut steps = vec![
            Step::DayZero {
                date,
                what: "notice of intent received".into(),
                at: Some(local),
            },
            Step::Note(format!("{} calendar days later: {}", rule.value, day(end))),
        ];
        let due = self.first_working_day_from(end, &mut steps);
        let text = format!(
            "{} days' written notice of intent to apply to court, ending on the next working \
             day when the last day is closed",
            rule.value
        );
        Ok(Draft {
            name: ClockName::LitigationNotice,
            day_zero: date,
            due,
            steps,
            due_step: due_step(due, text, rule),
            end: None,
            extended: false,
        })
    }

    /// A clock of a period of working days from the day of the event at `at`.
    fn working_clock(
        &self,
        name: ClockName,
        at: DateTime<Utc>,
        period: Period<'_>,
    ) -> Result<Draft, ClockError> {
        let rule = self.rule(period.rule, period.key, self.local(at).date_naive())?;
        let mut steps = Vec::new();
        let day_zero = self.day_zero(at, period.what, &mut steps)?;
        let due = self.count(day_zero, rule.value, 0, &mut steps);
        Ok(Draft {
            name,
            day_zero,
            due,
            steps,
            due_step: due_step(due, (period.describe)(rule.value), rule),
            end: None,
            extended: false,
        })
    }

    /// Day 0 of an event at `at`: its own day, or the first working day
    /// after it when it came after the cut-off or on a closed day.
    fn day_zero(
        &self,
        at: DateTime<Utc>,
        what: &str,
        steps: &mut Vec<Step>,
    ) -> Result<NaiveDate, ClockError> {
        let local = self.local(at);
        let date = local.date_naive();
        let cutoff = self.rule(&self.rules.intake_cutoff, "intake_cutoff", date)?;
        let after_cutoff = local.time() > cutoff.value;
        if !after_cutoff && self.calendar.is_working_day(date) {
            steps.push(Step::DayZero {
                date,
                what: what.into(),
                at: Some(local),
            });
            return Ok(date);
        }

        steps.push(Step::Event {
            what: what.into(),
            at: local,
            after_cutoff: after_cutoff.then_some(cutoff.value),
        });
        let first = if after_cutoff { next_day(date) } else { date };
        let day_zero = self.first_working_day_from(first, steps);
        steps.push(Step::DayZero {
            date: day_zero,
            what: what.into(),
            at: None,
        });
        Ok(day_zero)
    }

    /// `date` if it is a working day, else the first after it; every day
    /// passed over is a step.
    fn first_working_day_from(&self, date: NaiveDate, steps: &mut Vec<Step>) -> NaiveDate {
        let mut date = date;
        loop {
            match self.calendar.day_kind(date) {
                DayKind::Working => return date,
                why => steps.push(Step::Skipped { date, why }),
            }
            date = next_day(date);
        }
    }

    /// Counts `n` working days after `from`, numbering them on from
    /// `counted`, and returns the last.
    fn count(&self, from: NaiveDate, n: u32, counted: u32, steps: &mut Vec<Step>) -> NaiveDate {
        let mut date = from;
        for i in 1..=n {
            date = self.first_working_day_from(next_day(date), steps);
            steps.push(Step::Counted {
                n: counted + i,
                date,
            });
        }
        date
    }

    /// Ends a running clock: met or missed by what it waited for, or
    /// stopped by something else.
    fn end(&self, draft: &mut Draft, at: DateTime<Utc>, what: &str, stopped: bool) {
        if draft.end.is_some() {
            return;
        }
        let status = if stopped {
            ClockStatus::Stopped
        } else if at < self.deadline(draft.due) {
            ClockStatus::Met
        } else {
            ClockStatus::Missed
        };
        let step = Step::Ended {
            status,
            what: what.into(),
            at: self.local(at),
        };
        draft.end = Some((status, at, step));
    }

    fn finish_all(&self, request: Request) -> Clocks {
        let Request {
            response,
            extension_notice,
            deposit,
            transmission,
            grounds,
            litigation,
        } = request;
        let drafts = [Some(response.draft), Some(extension_notice)]
            .into_iter()
            .chain([deposit, transmission, grounds, litigation])
            .flatten();
        Clocks {
            zone: self.zone,
            clocks: drafts.map(|draft| self.clock(draft)).collect(),
        }
    }

    fn clock(&self, draft: Draft) -> Clock {
        let mut steps = draft.steps;
        steps.push(draft.due_step);
        let (status, ended_at) = match draft.end {
            Some((status, at, step)) => {
                steps.push(step);
                (status, Some(at))
            }
            None => (ClockStatus::Running, None),
        };
        let due_soon_from = (0..DUE_SOON_WORKING_DAYS).fold(draft.due, |date, _| {
            self.calendar.previous_working_day(date)
        });
        Clock {
            name: draft.name,
            day_zero: draft.day_zero,
            due: draft.due,
            deadline: self.deadline(draft.due),
            due_soon_from,
            status,
            ended_at,
            extended: draft.extended,
            explanation: Explanation { steps },
        }
    }

    /// The end of `due` in the zone: the first instant of the next day.
    fn deadline(&self, due: NaiveDate) -> DateTime<Utc> {
        let mut local = next_day(due).and_time(NaiveTime::MIN);
        loop {
            // A zone that springs forward at midnight has no 00:00 that day.
            if let Some(at) = self.zone.from_local_datetime(&local).earliest() {
                return at.with_timezone(&Utc);
            }
            local += TimeDelta::minutes(15);
        }
    }

    fn local(&self, at: DateTime<Utc>) -> DateTime<Tz> {
        at.with_timezone(&self.zone)
    }

    fn rule<'r, T>(
        &self,
        rule: &'r Rule<T>,
        key: &'static str,
        date: NaiveDate,
    ) -> Result<&'r Dated<T>, ClockError> {
        rule.value_on(date)
            .ok_or(ClockError::NoRuleInForce { key, date })
    }
}

fn agree(response: &mut Response, date: NaiveDate) {
    let draft = &mut response.draft;
    draft.steps.push(Step::Note(format!(
        "The requester agreed to a new response date: {}",
        day(date)
    )));
    draft.due = date;
    draft.extended = true;
    draft.due_step = Step::Due {
        date,
        rule: "the date the requester agreed to, in place of the statutory period".into(),
        citation: response.base.citation.clone(),
        unverified: false,
    };
}

fn due_step(date: NaiveDate, rule: String, dated: &Dated<u32>) -> Step {
    Step::Due {
        date,
        rule,
        citation: dated.citation.clone(),
        unverified: dated.unverified,
    }
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt()
        .expect("dates stay far from the end of time")
}
