//! Reading the audit log: entries that match a filter, newest first, a
//! page at a time. Writing is `Store::append_audit`, and nothing else
//! changes an entry once written (the database refuses it).

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::accounts::{read_stamp, stamp};
use crate::{AuditEntry, Result, Store, StoreError};

/// Which entries to read. Every field left empty matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Part of the actor's e-mail address, in any case.
    pub actor: Option<String>,
    /// The action, exactly: `block_created`.
    pub action: Option<String>,
    /// The target, exactly (`user:12`), or every target of a kind when it
    /// ends with a colon (`user:`).
    pub target: Option<String>,
    /// Entries at or after this moment.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this moment.
    pub until: Option<DateTime<Utc>>,
    /// Entries older than this one, for reading the whole log a page at a
    /// time while new entries arrive.
    pub older_than: Option<i64>,
}

impl AuditFilter {
    fn push_where(&self, query: &mut QueryBuilder<'_, Sqlite>) {
        query.push(" WHERE 1 = 1");
        if let Some(actor) = &self.actor {
            query.push(" AND instr(lower(actor_email), lower(");
            query.push_bind(actor.clone());
            query.push(")) > 0");
        }
        if let Some(action) = &self.action {
            query.push(" AND action = ");
            query.push_bind(action.clone());
        }
        match &self.target {
            Some(kind) if kind.ends_with(':') => {
                query.push(" AND substr(target, 1, ");
                query.push_bind(kind.chars().count() as i64);
                query.push(") = ");
                query.push_bind(kind.clone());
            }
            Some(target) => {
                query.push(" AND target = ");
                query.push_bind(target.clone());
            }
            None => {}
        }
        // Stamps are written in one fixed format, so text order is time order.
        if let Some(from) = self.from {
            query.push(" AND at >= ");
            query.push_bind(stamp(from));
        }
        if let Some(until) = self.until {
            query.push(" AND at < ");
            query.push_bind(stamp(until));
        }
        if let Some(id) = self.older_than {
            query.push(" AND id < ");
            query.push_bind(id);
        }
    }
}

impl Store {
    /// The entries `filter` matches, newest first.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEntry>> {
        let mut query = QueryBuilder::new("SELECT * FROM audit_log");
        filter.push_where(&mut query);
        query.push(" ORDER BY id DESC LIMIT ");
        query.push_bind(limit);
        query.push(" OFFSET ");
        query.push_bind(offset);
        let rows = query.build().fetch_all(&self.pool).await?;
        rows.iter().map(audit_entry_from_row).collect()
    }

    /// How many entries `filter` matches.
    pub async fn audit_count(&self, filter: &AuditFilter) -> Result<i64> {
        let mut query = QueryBuilder::new("SELECT count(*) FROM audit_log");
        filter.push_where(&mut query);
        let count = query.build_query_scalar().fetch_one(&self.pool).await?;
        Ok(count)
    }

    /// Every action the log holds, in alphabetical order: the choices of a
    /// filter.
    pub async fn audit_actions(&self) -> Result<Vec<String>> {
        let actions = sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all(&self.pool)
            .await?;
        Ok(actions)
    }
}

fn audit_entry_from_row(row: &SqliteRow) -> Result<AuditEntry> {
    let json = |name: &str| -> Result<Option<serde_json::Value>> {
        let text: Option<String> = row.get(name);
        text.map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("audit {name}: {e}")))
    };
    Ok(AuditEntry {
        id: row.get("id"),
        at: read_stamp(row, "at")?,
        actor_id: row.get("actor_id"),
        actor_email: row.get("actor_email"),
        action: row.get("action"),
        target: row.get("target"),
        before: json("before")?,
        after: json("after")?,
    })
}
