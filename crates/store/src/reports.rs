//! The stewards' desk: reports about a dataset's content (something wrong,
//! or personal data to take down), the conversation with the reporter, and
//! rows hidden while a report is dealt with.
//!
//! A reporter follows their report through a link holding a secret; like
//! every secret, only its hash is kept.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::accounts::{parse_stamp, read_stamp, stamp};
use crate::{Result, Store, StoreError};

/// What a report asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Something in the data is wrong.
    ContentIssue,
    /// Data that should not be published, such as personal data, to be
    /// removed by a due date.
    Takedown,
}

impl ReportKind {
    pub const ALL: [ReportKind; 2] = [ReportKind::ContentIssue, ReportKind::Takedown];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::ContentIssue => "content_issue",
            ReportKind::Takedown => "takedown",
        }
    }

    pub fn parse(text: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub dataset_id: String,
    pub kind: ReportKind,
    /// What is wrong, in the reporter's words.
    pub summary: String,
    /// Which rows, in the reporter's words (ids, or a description).
    pub rows: String,
    pub reporter_email: Option<String>,
    pub reporter_id: Option<i64>,
    pub secret_hash: String,
    pub due_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub id: i64,
    pub dataset_id: String,
    pub dataset_title: String,
    pub department: String,
    pub kind: ReportKind,
    pub summary: String,
    pub rows: String,
    pub reporter_email: Option<String>,
    pub reporter_id: Option<i64>,
    pub filed_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
}

/// One message about a report: a steward's answer, or the reporter's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportMessage {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The staff member who wrote it; none for the reporter.
    pub author_id: Option<i64>,
    pub author_email: Option<String>,
    pub body: String,
}

/// Which reports a desk lists.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Only these departments' datasets; `None` for every department.
    pub departments: Option<Vec<String>>,
    /// Closed reports too.
    pub include_closed: bool,
}

const SELECT_REPORT: &str = "SELECT r.*, d.title AS dataset_title, d.department
    FROM reports r JOIN datasets d ON d.id = r.dataset_id";

impl Store {
    pub async fn create_report(&self, new: NewReport, now: DateTime<Utc>) -> Result<Report> {
        let id = sqlx::query(
            "INSERT INTO reports (dataset_id, kind, summary, rows, reporter_email, reporter_id,
                secret_hash, filed_at, due_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&new.dataset_id)
        .bind(new.kind.as_str())
        .bind(&new.summary)
        .bind(&new.rows)
        .bind(&new.reporter_email)
        .bind(new.reporter_id)
        .bind(&new.secret_hash)
        .bind(stamp(now))
        .bind(new.due_at.map(stamp))
        .execute(&self.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::NoSuchDataset(new.dataset_id.clone())
            }
            other => other.into(),
        })?
        .last_insert_rowid();
        self.report(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("report {id} vanished")))
    }

    pub async fn report(&self, id: i64) -> Result<Option<Report>> {
        let row = sqlx::query(&format!("{SELECT_REPORT} WHERE r.id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// The report whose reporter's link carries the secret with this hash.
    pub async fn report_by_secret(&self, secret_hash: &str) -> Result<Option<Report>> {
        let row = sqlx::query(&format!("{SELECT_REPORT} WHERE r.secret_hash = ?"))
            .bind(secret_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// Reports, those due first (by due date, then the oldest filed).
    pub async fn reports(&self, filter: &ReportFilter) -> Result<Vec<Report>> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT_REPORT);
        qb.push(" WHERE 1");
        if !filter.include_closed {
            qb.push(" AND r.closed_at IS NULL");
        }
        if let Some(departments) = &filter.departments {
            if departments.is_empty() {
                return Ok(Vec::new());
            }
            qb.push(" AND d.department IN (");
            let mut list = qb.separated(", ");
            for department in departments {
                list.push_bind(department.clone());
            }
            qb.push(")");
        }
        qb.push(" ORDER BY r.closed_at IS NOT NULL, r.due_at IS NULL, r.due_at, r.filed_at, r.id");
        let rows = qb.build().fetch_all(&self.pool).await?;
        rows.iter().map(report_from_row).collect()
    }

    pub async fn add_report_message(
        &self,
        report_id: i64,
        author_id: Option<i64>,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let id = sqlx::query(
            "INSERT INTO report_messages (report_id, at, author_id, body) VALUES (?, ?, ?, ?)",
        )
        .bind(report_id)
        .bind(stamp(now))
        .bind(author_id)
        .bind(body)
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    /// A report's messages, oldest first.
    pub async fn report_messages(&self, report_id: i64) -> Result<Vec<ReportMessage>> {
        let rows = sqlx::query(
            "SELECT m.*, u.email AS author_email FROM report_messages m
             LEFT JOIN users u ON u.id = m.author_id
             WHERE m.report_id = ? ORDER BY m.id",
        )
        .bind(report_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ReportMessage {
                    id: row.get("id"),
                    at: read_stamp(row, "at")?,
                    author_id: row.get("author_id"),
                    author_email: row.get("author_email"),
                    body: row.get("body"),
                })
            })
            .collect()
    }

    /// Closes an open report; false when it was already closed.
    pub async fn close_report(
        &self,
        id: i64,
        resolution: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE reports SET closed_at = ?, resolution = ? WHERE id = ? AND closed_at IS NULL",
        )
        .bind(stamp(now))
        .bind(resolution)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Hides rows of a dataset from everyone but those who look after it;
    /// returns how many were not hidden already.
    pub async fn hide_rows(
        &self,
        dataset_id: &str,
        row_ids: &[i64],
        report_id: Option<i64>,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let mut hidden = 0;
        for row_id in row_ids {
            hidden += sqlx::query(
                "INSERT OR IGNORE INTO hidden_rows (dataset_id, row_id, report_id, hidden_at,
                    hidden_by) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(dataset_id)
            .bind(row_id)
            .bind(report_id)
            .bind(stamp(now))
            .bind(by)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(hidden)
    }

    /// Shows hidden rows again; returns how many were hidden.
    pub async fn unhide_rows(&self, dataset_id: &str, row_ids: &[i64]) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let mut shown = 0;
        for row_id in row_ids {
            shown += sqlx::query("DELETE FROM hidden_rows WHERE dataset_id = ? AND row_id = ?")
                .bind(dataset_id)
                .bind(row_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(shown)
    }

    /// The `:id`s of a dataset's hidden rows, in order.
    pub async fn hidden_rows(&self, dataset_id: &str) -> Result<Vec<i64>> {
        let ids = sqlx::query_scalar(
            "SELECT row_id FROM hidden_rows WHERE dataset_id = ? ORDER BY row_id",
        )
        .bind(dataset_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids)
    }
}

fn report_from_row(row: &SqliteRow) -> Result<Report> {
    let kind: String = row.get("kind");
    let optional_stamp = |name: &str| -> Result<Option<DateTime<Utc>>> {
        let text: Option<String> = row.get(name);
        text.map(|t| parse_stamp(&t)).transpose()
    };
    Ok(Report {
        id: row.get("id"),
        dataset_id: row.get("dataset_id"),
        dataset_title: row.get("dataset_title"),
        department: row.get("department"),
        kind: ReportKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("report kind `{kind}`")))?,
        summary: row.get("summary"),
        rows: row.get("rows"),
        reporter_email: row.get("reporter_email"),
        reporter_id: row.get("reporter_id"),
        filed_at: read_stamp(row, "filed_at")?,
        due_at: optional_stamp("due_at")?,
        closed_at: optional_stamp("closed_at")?,
        resolution: row.get("resolution"),
    })
}
