//! Open-records requests as they are kept: the request, its events (from
//! which the `records` crate computes every clock), messages and internal
//! notes, staff time, money recorded, files, and the custodian's one-off
//! closure days.
//!
//! States, event kinds and closing reasons are the `records` crate's
//! snake_case machine names, kept here as text: the store checks no law.
//! What the public may see of a request is a separate type,
//! [`PublicRequest`], which has no field for the requester at all.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::accounts::{parse_stamp, read_stamp, stamp};
use crate::{Result, Store, StoreError};

/// A request as the requester files it.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    /// The year its tracking number is counted in (the city's year of
    /// receipt), as four digits.
    pub year: i32,
    pub received_at: DateTime<Utc>,
    pub description: String,
    pub records_sought: String,
    pub departments: Vec<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub preferred_format: String,
    pub requester_name: Option<String>,
    pub requester_email: Option<String>,
    pub requester_phone: Option<String>,
    pub requester_id: Option<i64>,
    pub secret_hash: String,
    /// The state it starts in (`received`).
    pub state: String,
}

/// A request with everything staff may see.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordsRequest {
    pub id: i64,
    pub tracking: String,
    pub parent_id: Option<i64>,
    pub received_at: DateTime<Utc>,
    pub description: String,
    pub records_sought: String,
    pub departments: Vec<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub preferred_format: String,
    pub requester_name: Option<String>,
    pub requester_email: Option<String>,
    pub requester_phone: Option<String>,
    pub requester_id: Option<i64>,
    pub state: String,
    /// How it was closed: the reason and what the reason requires.
    pub closing: Option<serde_json::Value>,
    pub public_summary: Option<String>,
    pub summary_reviewed_by: Option<i64>,
    pub assigned_department: Option<String>,
    pub assigned_to: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

/// What the public log shows of a request: no requester, and a summary
/// only once staff have reviewed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicRequest {
    pub tracking: String,
    pub received_at: DateTime<Utc>,
    pub departments: Vec<String>,
    pub state: String,
    pub closing_reason: Option<String>,
    pub summary: Option<String>,
}

/// One event in a request's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub data: serde_json::Value,
    pub actor_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestMessage {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The staff member who wrote it; none for the requester.
    pub author_id: Option<i64>,
    /// A note staff keep among themselves.
    pub internal: bool,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeEntry {
    pub id: i64,
    pub worked_on: NaiveDate,
    pub minutes: i64,
    pub note: String,
    pub user_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `deposit`, `payment` or `refund`.
    pub kind: String,
    pub cents: i64,
    pub note: String,
    pub recorded_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosureDay {
    pub day: NaiveDate,
    pub reason: String,
    pub added_at: DateTime<Utc>,
    pub added_by: Option<i64>,
}

/// Which requests a queue lists.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Only requests in these states; every state when empty.
    pub states: Vec<String>,
    /// Only requests routed to this department.
    pub department: Option<String>,
    pub assigned_to: Option<i64>,
    /// Only the requests this account filed (whole requests, not parts).
    pub requester_id: Option<i64>,
}

impl Store {
    /// Files a request under the next tracking number of its year
    /// (`R25-000123`), with its `received` event, in one transaction.
    pub async fn create_request(&self, new: NewRequest) -> Result<RecordsRequest> {
        let mut tx = self.pool.begin().await?;
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO request_numbers (year, last_issued) VALUES (?, 1)
             ON CONFLICT (year) DO UPDATE SET last_issued = last_issued + 1
             RETURNING last_issued",
        )
        .bind(new.year)
        .fetch_one(&mut *tx)
        .await?;
        let tracking = format!("R{:02}-{number:06}", new.year.rem_euclid(100));
        let received = stamp(new.received_at);
        let id = sqlx::query(
            "INSERT INTO records_requests (tracking, received_at, description, records_sought,
                departments, date_from, date_to, preferred_format, requester_name,
                requester_email, requester_phone, requester_id, secret_hash, state, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&tracking)
        .bind(&received)
        .bind(&new.description)
        .bind(&new.records_sought)
        .bind(serde_json::to_string(&new.departments).unwrap_or_else(|_| "[]".into()))
        .bind(new.date_from.map(|d| d.to_string()))
        .bind(new.date_to.map(|d| d.to_string()))
        .bind(&new.preferred_format)
        .bind(&new.requester_name)
        .bind(&new.requester_email)
        .bind(&new.requester_phone)
        .bind(new.requester_id)
        .bind(&new.secret_hash)
        .bind(&new.state)
        .bind(&received)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        // The event as the records crate reads it back.
        let event = serde_json::json!({ "event": "received", "at": new.received_at });
        sqlx::query(
            "INSERT INTO request_events (request_id, at, kind, data) VALUES (?, ?, 'received', ?)",
        )
        .bind(id)
        .bind(&received)
        .bind(event.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.records_request(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("request {id} vanished")))
    }

    pub async fn records_request(&self, id: i64) -> Result<Option<RecordsRequest>> {
        let row = sqlx::query("SELECT * FROM records_requests WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(request_from_row).transpose()
    }

    pub async fn request_by_tracking(&self, tracking: &str) -> Result<Option<RecordsRequest>> {
        let row = sqlx::query("SELECT * FROM records_requests WHERE tracking = ?")
            .bind(tracking)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(request_from_row).transpose()
    }

    /// The request whose requester's link carries the secret with this hash.
    pub async fn request_by_secret(&self, secret_hash: &str) -> Result<Option<RecordsRequest>> {
        let row = sqlx::query("SELECT * FROM records_requests WHERE secret_hash = ?")
            .bind(secret_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(request_from_row).transpose()
    }

    /// Requests for a queue, oldest first.
    pub async fn records_requests(&self, filter: &RequestFilter) -> Result<Vec<RecordsRequest>> {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT * FROM records_requests WHERE 1");
        if !filter.states.is_empty() {
            qb.push(" AND state IN (");
            let mut list = qb.separated(", ");
            for state in &filter.states {
                list.push_bind(state.clone());
            }
            qb.push(")");
        }
        if let Some(department) = &filter.department {
            qb.push(" AND (assigned_department = ")
                .push_bind(department.clone())
                .push(" OR EXISTS (SELECT 1 FROM json_each(departments) WHERE value = ")
                .push_bind(department.clone())
                .push("))");
        }
        if let Some(user) = filter.assigned_to {
            qb.push(" AND assigned_to = ").push_bind(user);
        }
        if let Some(user) = filter.requester_id {
            qb.push(" AND parent_id IS NULL AND requester_id = ")
                .push_bind(user);
        }
        qb.push(" ORDER BY received_at, id");
        let rows = qb.build().fetch_all(&self.pool).await?;
        rows.iter().map(request_from_row).collect()
    }

    /// The public log: every request, newest first, as the public may see it.
    pub async fn public_requests(&self, limit: i64, offset: i64) -> Result<Vec<PublicRequest>> {
        let rows = sqlx::query(&format!(
            "{PUBLIC_COLUMNS} WHERE parent_id IS NULL
             ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(public_from_row).collect()
    }

    /// Splits off a part of a request for one department: the next letter
    /// (`R25-000123-A`), the same receipt and requester, its own state and
    /// clocks. Only the whole request has a public face.
    pub async fn create_request_part(
        &self,
        parent_id: i64,
        department: &str,
        now: DateTime<Utc>,
    ) -> Result<RecordsRequest> {
        let mut tx = self.pool.begin().await?;
        let (tracking, parts): (String, i64) = sqlx::query_as(
            "SELECT tracking, (SELECT count(*) FROM records_requests p WHERE p.parent_id = r.id)
             FROM records_requests r WHERE id = ? AND parent_id IS NULL",
        )
        .bind(parent_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            StoreError::Corrupt(format!("request {parent_id} is not a whole request"))
        })?;
        let letter = u8::try_from(parts)
            .ok()
            .filter(|n| *n < 26)
            .map(|n| char::from(b'A' + n))
            .ok_or_else(|| StoreError::Corrupt(format!("{tracking} has 26 parts already")))?;
        let part = format!("{tracking}-{letter}");
        let departments = serde_json::to_string(&[department]).unwrap_or_else(|_| "[]".into());
        // The part's secret can never match a key: the parent's hash with a
        // suffix is not a hash of anything.
        let id = sqlx::query(
            "INSERT INTO records_requests (tracking, parent_id, received_at, description,
                records_sought, departments, date_from, date_to, preferred_format,
                requester_name, requester_email, requester_phone, requester_id, secret_hash,
                state, assigned_department, updated_at)
             SELECT ?, id, received_at, description, records_sought, ?, date_from, date_to,
                preferred_format, requester_name, requester_email, requester_phone,
                requester_id, secret_hash || ':' || ?, 'triage', ?, ?
             FROM records_requests WHERE id = ?",
        )
        .bind(&part)
        .bind(&departments)
        .bind(letter.to_string())
        .bind(department)
        .bind(stamp(now))
        .bind(parent_id)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        // The part counts from the whole request's receipt.
        sqlx::query(
            "INSERT INTO request_events (request_id, at, kind, data, actor_id)
             SELECT ?, at, kind, data, actor_id FROM request_events
             WHERE request_id = ? AND kind = 'received'",
        )
        .bind(id)
        .bind(parent_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.records_request(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("request {id} vanished")))
    }

    /// The parts a request was split into, in letter order.
    pub async fn request_parts(&self, parent_id: i64) -> Result<Vec<RecordsRequest>> {
        let rows = sqlx::query("SELECT * FROM records_requests WHERE parent_id = ? ORDER BY id")
            .bind(parent_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(request_from_row).collect()
    }

    /// Released requests whose reviewed public summary has `word`, newest
    /// first: earlier answers a new requester may find enough.
    pub async fn released_requests_mentioning(
        &self,
        word: &str,
        limit: i64,
    ) -> Result<Vec<PublicRequest>> {
        let escaped = word
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let rows = sqlx::query(&format!(
            "{PUBLIC_COLUMNS} WHERE parent_id IS NULL AND summary_reviewed_by IS NOT NULL
               AND state IN ('released', 'closed')
               AND public_summary LIKE '%' || ? || '%' ESCAPE '\\'
             ORDER BY received_at DESC, id DESC LIMIT ?"
        ))
        .bind(escaped)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(public_from_row).collect()
    }

    /// One request as the public log shows it.
    pub async fn public_request(&self, tracking: &str) -> Result<Option<PublicRequest>> {
        let row = sqlx::query(&format!(
            "{PUBLIC_COLUMNS} WHERE tracking = ? AND parent_id IS NULL"
        ))
        .bind(tracking)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(public_from_row).transpose()
    }

    /// How many requests the public log holds.
    pub async fn public_request_count(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM records_requests WHERE parent_id IS NULL")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Records an event; answers its id.
    pub async fn add_request_event(
        &self,
        request_id: i64,
        at: DateTime<Utc>,
        kind: &str,
        data: &serde_json::Value,
        actor_id: Option<i64>,
    ) -> Result<i64> {
        let id = sqlx::query(
            "INSERT INTO request_events (request_id, at, kind, data, actor_id)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(request_id)
        .bind(stamp(at))
        .bind(kind)
        .bind(data.to_string())
        .bind(actor_id)
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    /// A request's events, in the order they were recorded.
    pub async fn request_events(&self, request_id: i64) -> Result<Vec<RequestEvent>> {
        let rows = sqlx::query("SELECT * FROM request_events WHERE request_id = ? ORDER BY id")
            .bind(request_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(RequestEvent {
                    id: row.get("id"),
                    at: read_stamp(row, "at")?,
                    kind: row.get("kind"),
                    data: json_column(row, "data")?.unwrap_or_default(),
                    actor_id: row.get("actor_id"),
                })
            })
            .collect()
    }

    /// Moves a request to `state` (and, when closing, records how).
    pub async fn set_request_state(
        &self,
        id: i64,
        state: &str,
        closing: Option<&serde_json::Value>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE records_requests SET state = ?, closing = ?, updated_at = ? WHERE id = ?",
        )
        .bind(state)
        .bind(closing.map(serde_json::Value::to_string))
        .bind(stamp(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Corrupt(format!("no request {id}")));
        }
        Ok(())
    }

    /// Sets the summary the public log shows, reviewed by `reviewer`.
    pub async fn set_public_summary(
        &self,
        id: i64,
        summary: &str,
        reviewer: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE records_requests SET public_summary = ?, summary_reviewed_by = ?,
                updated_at = ? WHERE id = ?",
        )
        .bind(summary)
        .bind(reviewer)
        .bind(stamp(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Routes a request to a department, and to a person there.
    pub async fn assign_request(
        &self,
        id: i64,
        department: Option<&str>,
        user: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE records_requests SET assigned_department = ?, assigned_to = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(department)
        .bind(user)
        .bind(stamp(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn add_request_message(
        &self,
        request_id: i64,
        author_id: Option<i64>,
        internal: bool,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let id = sqlx::query(
            "INSERT INTO request_messages (request_id, at, author_id, internal, body)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(request_id)
        .bind(stamp(now))
        .bind(author_id)
        .bind(internal)
        .bind(body)
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    /// A request's messages, oldest first; internal notes only when asked.
    pub async fn request_messages(
        &self,
        request_id: i64,
        with_internal: bool,
    ) -> Result<Vec<RequestMessage>> {
        let rows = sqlx::query(
            "SELECT * FROM request_messages WHERE request_id = ? AND (internal = 0 OR ?)
             ORDER BY id",
        )
        .bind(request_id)
        .bind(with_internal)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(RequestMessage {
                    id: row.get("id"),
                    at: read_stamp(row, "at")?,
                    author_id: row.get("author_id"),
                    internal: row.get("internal"),
                    body: row.get("body"),
                })
            })
            .collect()
    }

    pub async fn add_time_entry(
        &self,
        request_id: i64,
        worked_on: NaiveDate,
        minutes: i64,
        note: &str,
        user_id: Option<i64>,
    ) -> Result<i64> {
        let id = sqlx::query(
            "INSERT INTO request_time (request_id, worked_on, minutes, note, user_id)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(request_id)
        .bind(worked_on.to_string())
        .bind(minutes)
        .bind(note)
        .bind(user_id)
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    pub async fn time_entries(&self, request_id: i64) -> Result<Vec<TimeEntry>> {
        let rows = sqlx::query("SELECT * FROM request_time WHERE request_id = ? ORDER BY id")
            .bind(request_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(TimeEntry {
                    id: row.get("id"),
                    worked_on: date_column(row, "worked_on")?,
                    minutes: row.get("minutes"),
                    note: row.get("note"),
                    user_id: row.get("user_id"),
                })
            })
            .collect()
    }

    pub async fn add_ledger_entry(
        &self,
        request_id: i64,
        at: DateTime<Utc>,
        kind: &str,
        cents: i64,
        note: &str,
        recorded_by: Option<i64>,
    ) -> Result<i64> {
        let id = sqlx::query(
            "INSERT INTO request_ledger (request_id, at, kind, cents, note, recorded_by)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(request_id)
        .bind(stamp(at))
        .bind(kind)
        .bind(cents)
        .bind(note)
        .bind(recorded_by)
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    pub async fn ledger(&self, request_id: i64) -> Result<Vec<LedgerEntry>> {
        let rows = sqlx::query("SELECT * FROM request_ledger WHERE request_id = ? ORDER BY id")
            .bind(request_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(LedgerEntry {
                    id: row.get("id"),
                    at: read_stamp(row, "at")?,
                    kind: row.get("kind"),
                    cents: row.get("cents"),
                    note: row.get("note"),
                    recorded_by: row.get("recorded_by"),
                })
            })
            .collect()
    }

    /// Adds a one-off closure day; false when the day was closed already.
    pub async fn add_closure_day(
        &self,
        day: NaiveDate,
        reason: &str,
        added_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO closure_days (day, reason, added_at, added_by)
             VALUES (?, ?, ?, ?)",
        )
        .bind(day.to_string())
        .bind(reason)
        .bind(stamp(now))
        .bind(added_by)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes back a one-off closure day; false when there was none.
    pub async fn remove_closure_day(&self, day: NaiveDate) -> Result<bool> {
        let done = sqlx::query("DELETE FROM closure_days WHERE day = ?")
            .bind(day.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The one-off closure days, in date order.
    pub async fn closure_days(&self) -> Result<Vec<ClosureDay>> {
        let rows = sqlx::query("SELECT * FROM closure_days ORDER BY day")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ClosureDay {
                    day: date_column(row, "day")?,
                    reason: row.get("reason"),
                    added_at: read_stamp(row, "added_at")?,
                    added_by: row.get("added_by"),
                })
            })
            .collect()
    }
}

/// The only columns the public log reads: never the requester's.
const PUBLIC_COLUMNS: &str = "SELECT tracking, received_at, departments, state, closing,
    public_summary, summary_reviewed_by FROM records_requests";

fn public_from_row(row: &SqliteRow) -> Result<PublicRequest> {
    let reviewed: Option<i64> = row.get("summary_reviewed_by");
    let closing = json_column(row, "closing")?;
    Ok(PublicRequest {
        tracking: row.get("tracking"),
        received_at: read_stamp(row, "received_at")?,
        departments: departments(row)?,
        state: row.get("state"),
        closing_reason: closing
            .as_ref()
            .and_then(|c| c.get("reason"))
            .and_then(|r| r.as_str())
            .map(String::from),
        summary: reviewed.and_then(|_| row.get("public_summary")),
    })
}

fn request_from_row(row: &SqliteRow) -> Result<RecordsRequest> {
    let optional_date = |name: &str| -> Result<Option<NaiveDate>> {
        let text: Option<String> = row.get(name);
        text.map(|t| parse_date(&t)).transpose()
    };
    let updated: String = row.get("updated_at");
    Ok(RecordsRequest {
        id: row.get("id"),
        tracking: row.get("tracking"),
        parent_id: row.get("parent_id"),
        received_at: read_stamp(row, "received_at")?,
        description: row.get("description"),
        records_sought: row.get("records_sought"),
        departments: departments(row)?,
        date_from: optional_date("date_from")?,
        date_to: optional_date("date_to")?,
        preferred_format: row.get("preferred_format"),
        requester_name: row.get("requester_name"),
        requester_email: row.get("requester_email"),
        requester_phone: row.get("requester_phone"),
        requester_id: row.get("requester_id"),
        state: row.get("state"),
        closing: json_column(row, "closing")?,
        public_summary: row.get("public_summary"),
        summary_reviewed_by: row.get("summary_reviewed_by"),
        assigned_department: row.get("assigned_department"),
        assigned_to: row.get("assigned_to"),
        updated_at: parse_stamp(&updated)?,
    })
}

fn departments(row: &SqliteRow) -> Result<Vec<String>> {
    let text: String = row.get("departments");
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("departments: {e}")))
}

fn json_column(row: &SqliteRow, name: &str) -> Result<Option<serde_json::Value>> {
    let text: Option<String> = row.get(name);
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("{name}: {e}")))
}

fn date_column(row: &SqliteRow, name: &str) -> Result<NaiveDate> {
    let text: String = row.get(name);
    parse_date(&text)
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    text.parse()
        .map_err(|e| StoreError::Corrupt(format!("date `{text}`: {e}")))
}

/// A rule value an administrator has checked against its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleCheck {
    pub rule: String,
    pub from: NaiveDate,
    pub checked_at: DateTime<Utc>,
    pub checked_by: Option<i64>,
}

impl Store {
    /// Records that a rule value was checked; false when it was already.
    pub async fn add_rule_check(
        &self,
        rule: &str,
        from: NaiveDate,
        checked_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO rule_checks (rule, from_date, checked_at, checked_by)
             VALUES (?, ?, ?, ?)",
        )
        .bind(rule)
        .bind(from.to_string())
        .bind(stamp(now))
        .bind(checked_by)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn rule_checks(&self) -> Result<Vec<RuleCheck>> {
        let rows = sqlx::query("SELECT * FROM rule_checks ORDER BY rule, from_date")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(RuleCheck {
                    rule: row.get("rule"),
                    from: date_column(row, "from_date")?,
                    checked_at: read_stamp(row, "checked_at")?,
                    checked_by: row.get("checked_by"),
                })
            })
            .collect()
    }

    /// Records that the city confirmed a year's closure days; false when
    /// it was already.
    pub async fn confirm_closure_year(
        &self,
        year: i32,
        confirmed_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO closure_years (year, confirmed_at, confirmed_by)
             VALUES (?, ?, ?)",
        )
        .bind(year)
        .bind(stamp(now))
        .bind(confirmed_by)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The years whose closure days the city has confirmed.
    pub async fn confirmed_closure_years(&self) -> Result<Vec<i32>> {
        Ok(
            sqlx::query_scalar("SELECT year FROM closure_years ORDER BY year")
                .fetch_all(&self.pool)
                .await?,
        )
    }
}
