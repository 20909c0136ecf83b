//! The money a request's fees move: deposits and payments received,
//! refunds sent and amounts waived, and what is still due or owed back.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::format_cents;

/// The store keeps these as `deposit`, `payment`, `refund` and `waiver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A deposit received before work started.
    Deposit,
    /// A payment received.
    Payment,
    /// Money sent back to the requester.
    Refund,
    /// An amount the custodian chose not to charge.
    Waiver,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub on: NaiveDate,
    pub kind: EntryKind,
    /// Always more than 0; the kind says which way the money went.
    pub cents: i64,
    pub note: String,
}

/// A request's money, in the order it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ledger {
    entries: Vec<LedgerEntry>,
}

/// Where a request's money stands against its final fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    /// The requester still owes this much.
    Due(i64),
    Settled,
    /// The custodian owes the requester this much back: a deposit larger
    /// than the final fee, or an overpayment. Aurora refunds an excess
    /// deposit promptly (City Code 2-148(b)(1)).
    RefundOwed(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("an entry records more than $0.00; found {}", format_cents(*cents))]
    NotPositive { cents: i64 },
    #[error(
        "a refund of {} is more than the {} received so far",
        format_cents(*refund_cents), format_cents(*received_cents)
    )]
    RefundMoreThanReceived {
        refund_cents: i64,
        received_cents: i64,
    },
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// A ledger from entries kept elsewhere, checked one by one in order.
    pub fn from_entries(entries: Vec<LedgerEntry>) -> Result<Ledger, LedgerError> {
        let mut ledger = Ledger::new();
        for entry in entries {
            ledger.record(entry)?;
        }
        Ok(ledger)
    }

    /// Adds an entry; a refund cannot send back more than was received.
    pub fn record(&mut self, entry: LedgerEntry) -> Result<(), LedgerError> {
        if entry.cents <= 0 {
            return Err(LedgerError::NotPositive { cents: entry.cents });
        }
        let received_cents = self.received_cents();
        if entry.kind == EntryKind::Refund && entry.cents > received_cents {
            return Err(LedgerError::RefundMoreThanReceived {
                refund_cents: entry.cents,
                received_cents,
            });
        }
        self.entries.push(entry);
        Ok(())
    }

    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// Deposits and payments received, less refunds sent.
    pub fn received_cents(&self) -> i64 {
        self.entries
            .iter()
            .fold(0i64, |sum, entry| match entry.kind {
                EntryKind::Deposit | EntryKind::Payment => sum.saturating_add(entry.cents),
                EntryKind::Refund => sum.saturating_sub(entry.cents),
                EntryKind::Waiver => sum,
            })
    }

    pub fn waived_cents(&self) -> i64 {
        self.entries
            .iter()
            .filter(|entry| entry.kind == EntryKind::Waiver)
            .fold(0i64, |sum, entry| sum.saturating_add(entry.cents))
    }

    /// Where the money stands against the final fee. A waiver lowers what is
    /// owed but is never refunded: only money received goes back.
    pub fn balance(&self, invoice_total_cents: i64) -> Balance {
        let owed = invoice_total_cents
            .saturating_sub(self.waived_cents())
            .max(0);
        let surplus = self.received_cents().saturating_sub(owed);
        match surplus {
            0 => Balance::Settled,
            s if s > 0 => Balance::RefundOwed(s),
            s => Balance::Due(s.saturating_neg()),
        }
    }
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Deposit => "deposit",
            EntryKind::Payment => "payment",
            EntryKind::Refund => "refund",
            EntryKind::Waiver => "waiver",
        }
    }

    pub fn parse(name: &str) -> Option<EntryKind> {
        [
            EntryKind::Deposit,
            EntryKind::Payment,
            EntryKind::Refund,
            EntryKind::Waiver,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for Balance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Balance::Due(cents) => write!(f, "{} due from the requester", format_cents(*cents)),
            Balance::Settled => f.write_str("paid in full"),
            Balance::RefundOwed(cents) => {
                write!(f, "{} to refund to the requester", format_cents(*cents))
            }
        }
    }
}
