//! Where a request stands in its life, apart from its clocks: the states it
//! passes through, the moves allowed between them, how it may be closed and
//! what each closing reason requires, and the tracking number that names
//! it (and each part of a request split across departments).

mod tracking;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use tracking::{TrackingError, TrackingNumber};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Received,
    /// Being routed: is it a records request, are they our records, has
    /// it been asked or published before.
    Triage,
    InProgress,
    /// Waiting for the requester to clarify. The response clock does not
    /// stop (CORA has no tolling).
    AwaitingRequester,
    FeeEstimate,
    AwaitingDeposit,
    /// Records gathered and being reviewed for exemptions and redaction.
    InReview,
    /// Records ready, waiting for payment before they go out.
    AwaitingPayment,
    Released,
    Denied,
    /// The requester has given written notice of intent to apply to court.
    NoticeOfIntent,
    Litigation,
    Closed,
    Reopened,
}

/// Why a request was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosingReason {
    Fulfilled,
    /// Some records released, some withheld or redacted.
    PartiallyFulfilled,
    Denied,
    NoResponsiveRecords,
    /// The records are held by someone else, named in the closing.
    NotCustodian,
    /// The records are already public, at the link in the closing.
    PubliclyAvailable,
    Withdrawn,
    WithdrawnDueToCost,
    AbandonedNoPayment,
    AbandonedNoResponse,
    /// The same as an earlier request, named in the closing.
    Duplicate,
    NotARecordsRequest,
    CourtOrdered,
}

/// What a closing reason requires besides itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Who holds the records (C.R.S. 24-72-203(2)(a)).
    Holder,
    /// The web address where the records are public.
    PublicLink,
    /// The tracking number of the original request.
    Original,
}

/// How a request was closed. Stored as JSON: `{"reason": "duplicate",
/// "original": "R25-000101"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub reason: ClosingReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<TrackingNumber>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClosingError {
    #[error("closing as `{reason}` needs {needs}")]
    Missing {
        reason: ClosingReason,
        needs: Requirement,
    },
    #[error("{given} is given only when closing as `{only}`; this request closes as `{reason}`")]
    NotExpected {
        reason: ClosingReason,
        given: Requirement,
        only: ClosingReason,
    },
    #[error("the public link must be a web address starting with https:// or http://; found {0:?}")]
    NotALink(String),
}

/// A move the lifecycle does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "a request cannot move from `{from}` to `{to}`; from `{from}` it can move {}",
    allowed(*from)
)]
pub struct TransitionRefused {
    pub from: State,
    pub to: State,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a request state")]
pub struct UnknownState(pub String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a closing reason")]
pub struct UnknownReason(pub String);

/// The states a request may move to from `from`, after § 3.2 of the
/// research notes: triage before work, the fee estimate and deposit before
/// the work they pay for, review before release or denial, notice of intent
/// before court, and any open request may close. From `in_progress` a
/// request may also go straight to court, as when the custodian applies for
/// an order (C.R.S. 24-72-204(6)(a)).
pub fn next_states(from: State) -> &'static [State] {
    use State::*;
    match from {
        Received => &[Triage, Closed],
        Triage => &[InProgress, Closed],
        InProgress => &[
            AwaitingRequester,
            FeeEstimate,
            AwaitingDeposit,
            InReview,
            Litigation,
            Closed,
        ],
        AwaitingRequester => &[InProgress, Closed],
        FeeEstimate => &[AwaitingDeposit, InProgress, Closed],
        AwaitingDeposit => &[InProgress, Closed],
        InReview => &[AwaitingPayment, Released, Denied, Closed],
        AwaitingPayment => &[Released, Closed],
        Released => &[Closed],
        Denied => &[NoticeOfIntent, Closed],
        NoticeOfIntent => &[Litigation, Closed],
        Litigation => &[Closed],
        Closed => &[Reopened],
        Reopened => &[InProgress, InReview, Closed],
    }
}

pub fn can_move(from: State, to: State) -> bool {
    next_states(from).contains(&to)
}

/// The same as [`can_move`], with an error that names both states.
pub fn check_move(from: State, to: State) -> Result<(), TransitionRefused> {
    if can_move(from, to) {
        Ok(())
    } else {
        Err(TransitionRefused { from, to })
    }
}

fn allowed(from: State) -> String {
    let names: Vec<String> = next_states(from)
        .iter()
        .map(|state| format!("`{state}`"))
        .collect();
    match names.split_last() {
        Some((last, [])) => format!("only to {last}"),
        Some((last, rest)) => format!("to {} or {last}", rest.join(", ")),
        None => "nowhere".into(),
    }
}

impl State {
    pub const ALL: [State; 14] = [
        State::Received,
        State::Triage,
        State::InProgress,
        State::AwaitingRequester,
        State::FeeEstimate,
        State::AwaitingDeposit,
        State::InReview,
        State::AwaitingPayment,
        State::Released,
        State::Denied,
        State::NoticeOfIntent,
        State::Litigation,
        State::Closed,
        State::Reopened,
    ];

    /// The machine name the store, the JSON API and the audit log use.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Received => "received",
            State::Triage => "triage",
            State::InProgress => "in_progress",
            State::AwaitingRequester => "awaiting_requester",
            State::FeeEstimate => "fee_estimate",
            State::AwaitingDeposit => "awaiting_deposit",
            State::InReview => "in_review",
            State::AwaitingPayment => "awaiting_payment",
            State::Released => "released",
            State::Denied => "denied",
            State::NoticeOfIntent => "notice_of_intent",
            State::Litigation => "litigation",
            State::Closed => "closed",
            State::Reopened => "reopened",
        }
    }

    pub fn parse(name: &str) -> Result<State, UnknownState> {
        State::ALL
            .into_iter()
            .find(|state| state.as_str() == name)
            .ok_or_else(|| UnknownState(name.to_string()))
    }

    /// Every state but `closed`.
    pub fn is_open(self) -> bool {
        self != State::Closed
    }

    /// The state as a requester's page says it.
    pub fn describe(self) -> &'static str {
        match self {
            State::Received => "We have received your request",
            State::Triage => "We are finding who holds these records",
            State::InProgress => "We are gathering the records",
            State::AwaitingRequester => "Waiting for your reply to our question",
            State::FeeEstimate => "We are preparing an estimate of the fees",
            State::AwaitingDeposit => "Waiting for your deposit before work starts",
            State::InReview => "We are reviewing the records before release",
            State::AwaitingPayment => "The records are ready and will be sent once you pay",
            State::Released => "The records have been released",
            State::Denied => "Your request was denied",
            State::NoticeOfIntent => "You have told us you intend to apply to court",
            State::Litigation => "The request is before the district court",
            State::Closed => "The request is closed",
            State::Reopened => "The request has been reopened",
        }
    }
}

impl ClosingReason {
    pub const ALL: [ClosingReason; 13] = [
        ClosingReason::Fulfilled,
        ClosingReason::PartiallyFulfilled,
        ClosingReason::Denied,
        ClosingReason::NoResponsiveRecords,
        ClosingReason::NotCustodian,
        ClosingReason::PubliclyAvailable,
        ClosingReason::Withdrawn,
        ClosingReason::WithdrawnDueToCost,
        ClosingReason::AbandonedNoPayment,
        ClosingReason::AbandonedNoResponse,
        ClosingReason::Duplicate,
        ClosingReason::NotARecordsRequest,
        ClosingReason::CourtOrdered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClosingReason::Fulfilled => "fulfilled",
            ClosingReason::PartiallyFulfilled => "partially_fulfilled",
            ClosingReason::Denied => "denied",
            ClosingReason::NoResponsiveRecords => "no_responsive_records",
            ClosingReason::NotCustodian => "not_custodian",
            ClosingReason::PubliclyAvailable => "publicly_available",
            ClosingReason::Withdrawn => "withdrawn",
            ClosingReason::WithdrawnDueToCost => "withdrawn_due_to_cost",
            ClosingReason::AbandonedNoPayment => "abandoned_no_payment",
            ClosingReason::AbandonedNoResponse => "abandoned_no_response",
            ClosingReason::Duplicate => "duplicate",
            ClosingReason::NotARecordsRequest => "not_a_records_request",
            ClosingReason::CourtOrdered => "court_ordered",
        }
    }

    pub fn parse(name: &str) -> Result<ClosingReason, UnknownReason> {
        ClosingReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == name)
            .ok_or_else(|| UnknownReason(name.to_string()))
    }

    /// What closing for this reason must also give, if anything.
    pub fn requires(self) -> Option<Requirement> {
        match self {
            ClosingReason::NotCustodian => Some(Requirement::Holder),
            ClosingReason::PubliclyAvailable => Some(Requirement::PublicLink),
            ClosingReason::Duplicate => Some(Requirement::Original),
            _ => None,
        }
    }

    /// The reason as a requester's page says it.
    pub fn describe(self) -> &'static str {
        match self {
            ClosingReason::Fulfilled => "The records you asked for were released",
            ClosingReason::PartiallyFulfilled => {
                "Some records were released; others were withheld or redacted"
            }
            ClosingReason::Denied => "Your request was denied",
            ClosingReason::NoResponsiveRecords => "We found no records matching your request",
            ClosingReason::NotCustodian => "We do not hold these records; we told you who does",
            ClosingReason::PubliclyAvailable => "The records are already public; we sent the link",
            ClosingReason::Withdrawn => "You withdrew the request",
            ClosingReason::WithdrawnDueToCost => "You withdrew the request because of the cost",
            ClosingReason::AbandonedNoPayment => "Closed because the fees were not paid",
            ClosingReason::AbandonedNoResponse => "Closed because we did not hear back from you",
            ClosingReason::Duplicate => "The same as an earlier request, which we are answering",
            ClosingReason::NotARecordsRequest => "This was not a request for records",
            ClosingReason::CourtOrdered => "Closed as the court ordered",
        }
    }
}

impl Closing {
    /// A closing for a reason that needs nothing more.
    pub fn new(reason: ClosingReason) -> Closing {
        Closing {
            reason,
            holder: None,
            public_link: None,
            original: None,
        }
    }

    /// Checks that the closing gives what its reason requires and nothing
    /// another reason would.
    pub fn validate(&self) -> Result<(), ClosingError> {
        let given = [
            (Requirement::Holder, non_blank(&self.holder)),
            (Requirement::PublicLink, non_blank(&self.public_link)),
            (Requirement::Original, self.original.is_some()),
        ];
        let needs = self.reason.requires();
        for (requirement, present) in given {
            if needs == Some(requirement) && !present {
                return Err(ClosingError::Missing {
                    reason: self.reason,
                    needs: requirement,
                });
            }
            if needs != Some(requirement) && present {
                return Err(ClosingError::NotExpected {
                    reason: self.reason,
                    given: requirement,
                    only: requirement.reason(),
                });
            }
        }
        match &self.public_link {
            Some(link) if !is_web_address(link) => Err(ClosingError::NotALink(link.clone())),
            _ => Ok(()),
        }
    }
}

impl Requirement {
    /// The one reason that requires it.
    fn reason(self) -> ClosingReason {
        match self {
            Requirement::Holder => ClosingReason::NotCustodian,
            Requirement::PublicLink => ClosingReason::PubliclyAvailable,
            Requirement::Original => ClosingReason::Duplicate,
        }
    }
}

fn non_blank(text: &Option<String>) -> bool {
    text.as_deref().is_some_and(|text| !text.trim().is_empty())
}

/// `https://host/...` or `http://host/...`, with no spaces.
fn is_web_address(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ClosingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Requirement::Holder => "who holds the records",
            Requirement::PublicLink => "the link where the records are public",
            Requirement::Original => "the tracking number of the original request",
        })
    }
}

impl std::str::FromStr for State {
    type Err = UnknownState;

    fn from_str(name: &str) -> Result<State, UnknownState> {
        State::parse(name)
    }
}

impl std::str::FromStr for ClosingReason {
    type Err = UnknownReason;

    fn from_str(name: &str) -> Result<ClosingReason, UnknownReason> {
        ClosingReason::parse(name)
    }
}
