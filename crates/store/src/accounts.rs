//! Accounts: the people who sign in, their roles and departments, their
//! browser sessions and app tokens, and the audit log of staff actions.
//!
//! Secrets never reach the database: sessions and app tokens are kept as
//! hashes the caller computes, passwords as the caller's argon2 strings.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::{Result, Store, StoreError};

/// What a signed-in person may do beyond reading public data. Anonymous
/// callers have no account and so no role here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Registered,
    /// Looks after the datasets of one or more departments.
    Steward,
    /// Runs records requests for the City Clerk.
    Clerk,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Registered, Role::Steward, Role::Clerk, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Registered => "registered",
            Role::Steward => "steward",
            Role::Clerk => "clerk",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Staff act for the city: stewards, clerks and administrators.
    pub fn is_staff(self) -> bool {
        self != Role::Registered
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The departments a steward looks after; empty for other roles.
    pub departments: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
    /// The password was handed to its owner, who must choose their own
    /// before doing anything else.
    pub must_change_password: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub role: Role,
    pub departments: Vec<String>,
}

/// A signed-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    /// Every form of this session carries it back.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// One staff action as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_email: String,
    /// A snake_case verb: `user_created`, `token_revoked`, ...
    pub action: String,
    /// What was acted on: `user:12`, `dataset:nypd-hate`, ...
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub actor: Option<User>,
    pub action: &'static str,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Store {
    pub async fn create_user(&self, new: NewUser, now: DateTime<Utc>) -> Result<User> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (email, name, password_hash, role, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(new.email.trim())
        .bind(new.name.trim())
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(stamp(now))
        .execute(&mut *tx)
        .await;
        let id = match inserted {
            Ok(done) => done.last_insert_rowid(),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                return Err(StoreError::EmailTaken(new.email));
            }
            Err(e) => return Err(e.into()),
        };
        for department in &new.departments {
            sqlx::query(
                "INSERT OR IGNORE INTO user_departments (user_id, department) VALUES (?, ?)",
            )
            .bind(id)
            .bind(department)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.user(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("user {id} vanished")))
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(self.user_from_row(&row).await?)),
            None => Ok(None),
        }
    }

    /// A user and their password hash, by e-mail (in any case).
    pub async fn user_with_password(&self, email: &str) -> Result<Option<(User, Option<String>)>> {
        let row = sqlx::query("SELECT * FROM users WHERE email = ?")
            .bind(email.trim())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => {
                let hash: Option<String> = row.get("password_hash");
                Ok(Some((self.user_from_row(&row).await?, hash)))
            }
            None => Ok(None),
        }
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT * FROM users ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let mut users = Vec::with_capacity(rows.len());
        for row in &rows {
            users.push(self.user_from_row(row).await?);
        }
        Ok(users)
    }

    /// Sets a password the owner chose, which ends any need to change it.
    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?")
            .bind(password_hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks an account whose password was handed to its owner: they must
    /// choose their own at their next sign-in.
    pub async fn require_password_change(&self, user_id: i64) -> Result<()> {
        sqlx::query("UPDATE users SET must_change_password = 1 WHERE id = ?")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn user_from_row(&self, row: &SqliteRow) -> Result<User> {
        let id: i64 = row.get("id");
        let role: String = row.get("role");
        let departments = sqlx::query_scalar(
            "SELECT department FROM user_departments WHERE user_id = ? ORDER BY department",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let disabled: Option<String> = row.get("disabled_at");
        Ok(User {
            id,
            email: row.get("email"),
            name: row.get("name"),
            role: Role::parse(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("role `{role}`")))?,
            departments,
            created_at: read_stamp(row, "created_at")?,
            disabled: disabled.is_some(),
            must_change_password: row.get("must_change_password"),
        })
    }

    pub async fn create_session(
        &self,
        user_id: i64,
        secret_hash: &str,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (secret_hash, user_id, csrf_token, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(secret_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(stamp(now))
        .bind(stamp(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session with this secret hash: not expired, its user not
    /// disabled.
    pub async fn session(&self, secret_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT user_id, csrf_token, expires_at FROM sessions
             WHERE secret_hash = ? AND expires_at > ?",
        )
        .bind(secret_hash)
        .bind(stamp(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user = self.user(row.get("user_id")).await?;
        Ok(user.filter(|u| !u.disabled).map(|user| Session {
            user,
            csrf_token: row.get("csrf_token"),
            expires_at: read_stamp(&row, "expires_at").unwrap_or(now),
        }))
    }

    pub async fn end_session(&self, secret_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE secret_hash = ?")
            .bind(secret_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Signs a user out of every browser.
    pub async fn end_all_sessions(&self, user_id: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Records a password-reset link for `user_id`, valid until `expires_at`.
    pub async fn create_password_reset(
        &self,
        user_id: i64,
        secret_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO password_resets (secret_hash, user_id, created_at, expires_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(secret_hash)
        .bind(user_id)
        .bind(stamp(now))
        .bind(stamp(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Uses a password-reset link: the user it was made for, if the link
    /// exists, has not expired and was not used before. A link works once,
    /// even when two requests race with it.
    pub async fn use_password_reset(
        &self,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let user_id = sqlx::query_scalar(
            "UPDATE password_resets SET used_at = ?
             WHERE secret_hash = ? AND used_at IS NULL AND expires_at > ?
             RETURNING user_id",
        )
        .bind(stamp(now))
        .bind(secret_hash)
        .bind(stamp(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(user_id)
    }

    pub async fn create_app_token(
        &self,
        user_id: i64,
        name: &str,
        secret_hash: &str,
        prefix: &str,
        now: DateTime<Utc>,
    ) -> Result<AppToken> {
        let id = sqlx::query(
            "INSERT INTO app_tokens (user_id, name, secret_hash, prefix, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(user_id)
        .bind(name.trim())
        .bind(secret_hash)
        .bind(prefix)
        .bind(stamp(now))
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok(AppToken {
            id,
            user_id,
            name: name.trim().to_string(),
            prefix: prefix.to_string(),
            created_at: now,
            revoked_at: None,
        })
    }

    /// A user's tokens, newest first, revoked ones included.
    pub async fn app_tokens(&self, user_id: i64) -> Result<Vec<AppToken>> {
        let rows = sqlx::query("SELECT * FROM app_tokens WHERE user_id = ? ORDER BY id DESC")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// The token with this secret hash and its owner, revoked or not.
    pub async fn app_token(&self, secret_hash: &str) -> Result<Option<(AppToken, User)>> {
        let row = sqlx::query("SELECT * FROM app_tokens WHERE secret_hash = ?")
            .bind(secret_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let token = token_from_row(&row)?;
        Ok(self.user(token.user_id).await?.map(|user| (token, user)))
    }

    /// Revokes one of a user's tokens; false when they have no such live token.
    pub async fn revoke_app_token(
        &self,
        user_id: i64,
        token_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE app_tokens SET revoked_at = ?
             WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
        )
        .bind(stamp(now))
        .bind(token_id)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn append_audit(&self, entry: NewAuditEntry, now: DateTime<Utc>) -> Result<i64> {
        let json = |v: &Option<serde_json::Value>| v.as_ref().map(serde_json::Value::to_string);
        let (actor_id, actor_email) = match &entry.actor {
            Some(user) => (Some(user.id), user.email.clone()),
            None => (None, "system".to_string()),
        };
        let id = sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_email, action, target, before, after)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(stamp(now))
        .bind(actor_id)
        .bind(actor_email)
        .bind(entry.action)
        .bind(&entry.target)
        .bind(json(&entry.before))
        .bind(json(&entry.after))
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    /// Audit entries, newest first.
    pub async fn audit_log(&self, limit: i64, offset: i64) -> Result<Vec<AuditEntry>> {
        self.audit_entries(&crate::AuditFilter::default(), limit, offset)
            .await
    }
}

pub(crate) fn token_from_row(row: &SqliteRow) -> Result<AppToken> {
    let revoked: Option<String> = row.get("revoked_at");
    Ok(AppToken {
        id: row.get("id"),
        user_id: row.get("user_id"),
        name: row.get("name"),
        prefix: row.get("prefix"),
        created_at: read_stamp(row, "created_at")?,
        revoked_at: revoked.map(|t| parse_stamp(&t)).transpose()?,
    })
}

pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn read_stamp(row: &SqliteRow, name: &str) -> Result<DateTime<Utc>> {
    let text: String = row.get(name);
    parse_stamp(&text)
}

pub(crate) fn parse_stamp(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time `{text}`: {e}")))
}
