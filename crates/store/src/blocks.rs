//! Blocks: app tokens, accounts and address ranges that staff have refused
//! service, each with the reason its caller is shown and an end (or none,
//! until lifted).
//!
//! A block is never deleted or rewritten but once: lifting it early stamps
//! when and by whom, so the table is also the history of every block.

use std::fmt;

use chrono::{DateTime, Utc};
use ipnet::IpNet;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::accounts::{parse_stamp, read_stamp, stamp, token_from_row};
use crate::{AppToken, Result, Store, StoreError, User};

/// What a block refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockTarget {
    /// One app token, by id.
    AppToken(i64),
    /// One account, by id: its sessions and every token it owns.
    User(i64),
    /// Every client address in a range; a single address is a /32 or /128.
    Network(IpNet),
}

impl BlockTarget {
    /// A range by its first address, so equal ranges compare equal:
    /// `192.0.2.77/24` is `192.0.2.0/24`.
    pub fn network(net: IpNet) -> BlockTarget {
        BlockTarget::Network(net.trunc())
    }
}

/// `app_token:12`, `user:3`, `network:192.0.2.0/24`: how the audit log
/// names what a block is on.
impl fmt::Display for BlockTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockTarget::AppToken(id) => write!(f, "app_token:{id}"),
            BlockTarget::User(id) => write!(f, "user:{id}"),
            BlockTarget::Network(net) => write!(f, "network:{net}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub id: i64,
    pub target: BlockTarget,
    /// The public text the blocked caller is shown.
    pub reason: String,
    pub created_by: Option<i64>,
    pub created_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the block ends by itself; none, when only lifting ends it.
    pub ends_at: Option<DateTime<Utc>>,
    pub lifted_at: Option<DateTime<Utc>>,
    pub lifted_by: Option<i64>,
}

impl Block {
    /// Whether the block refuses its target at `now`: not lifted, and not
    /// past its end.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.lifted_at.is_none() && self.ends_at.is_none_or(|end| end > now)
    }
}

#[derive(Debug, Clone)]
pub struct NewBlock {
    pub target: BlockTarget,
    pub reason: String,
    pub ends_at: Option<DateTime<Utc>>,
    /// The staff member who blocked; none for the system.
    pub created_by: Option<i64>,
}

const SELECT_BLOCKS: &str = "SELECT blocks.*, users.email AS created_by_email
     FROM blocks LEFT JOIN users ON users.id = blocks.created_by";

impl Store {
    pub async fn create_block(&self, new: NewBlock, now: DateTime<Utc>) -> Result<Block> {
        let (token, user, network) = match new.target {
            BlockTarget::AppToken(id) => (Some(id), None, None),
            BlockTarget::User(id) => (None, Some(id), None),
            BlockTarget::Network(net) => (None, None, Some(net.trunc().to_string())),
        };
        let id = sqlx::query(
            "INSERT INTO blocks (app_token_id, user_id, network, reason, created_by, created_at, ends_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(token)
        .bind(user)
        .bind(network)
        .bind(new.reason.trim())
        .bind(new.created_by)
        .bind(stamp(now))
        .bind(new.ends_at.map(stamp))
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        self.block(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("block {id} vanished")))
    }

    pub async fn block(&self, id: i64) -> Result<Option<Block>> {
        let row = sqlx::query(&format!("{SELECT_BLOCKS} WHERE blocks.id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(block_from_row).transpose()
    }

    /// Ends a block before its time. The block as it now stands, or none
    /// when there is no such block in force (lifted already, or past its
    /// end), which leaves it as it was.
    pub async fn lift_block(
        &self,
        id: i64,
        lifted_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<Block>> {
        let done = sqlx::query(
            "UPDATE blocks SET lifted_at = ?, lifted_by = ?
             WHERE id = ? AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > ?)",
        )
        .bind(stamp(now))
        .bind(lifted_by)
        .bind(id)
        .bind(stamp(now))
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        self.block(id).await
    }

    /// The blocks in force at `now`, oldest first.
    pub async fn blocks_in_force(&self, now: DateTime<Utc>) -> Result<Vec<Block>> {
        let rows = sqlx::query(&format!(
            "{SELECT_BLOCKS}
             WHERE blocks.lifted_at IS NULL AND (blocks.ends_at IS NULL OR blocks.ends_at > ?)
             ORDER BY blocks.id"
        ))
        .bind(stamp(now))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(block_from_row).collect()
    }

    /// Every block, in force or not, newest first.
    pub async fn blocks(&self, limit: i64) -> Result<Vec<Block>> {
        let rows = sqlx::query(&format!("{SELECT_BLOCKS} ORDER BY blocks.id DESC LIMIT ?"))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(block_from_row).collect()
    }

    /// An app token and its owner by the token's id, revoked or not.
    pub async fn app_token_by_id(&self, id: i64) -> Result<Option<(AppToken, User)>> {
        let row = sqlx::query("SELECT * FROM app_tokens WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let token = token_from_row(&row)?;
        Ok(self.user(token.user_id).await?.map(|user| (token, user)))
    }

    /// The tokens whose secret starts with `prefix` (the characters kept in
    /// the clear), oldest first. Usually one; the caller decides what
    /// several mean.
    pub async fn app_tokens_by_prefix(&self, prefix: &str) -> Result<Vec<AppToken>> {
        let rows = sqlx::query("SELECT * FROM app_tokens WHERE prefix = ? ORDER BY id")
            .bind(prefix)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }
}

fn block_from_row(row: &SqliteRow) -> Result<Block> {
    let id: i64 = row.get("id");
    let token: Option<i64> = row.get("app_token_id");
    let user: Option<i64> = row.get("user_id");
    let network: Option<String> = row.get("network");
    let target = match (token, user, network) {
        (Some(token), None, None) => BlockTarget::AppToken(token),
        (None, Some(user), None) => BlockTarget::User(user),
        (None, None, Some(net)) => BlockTarget::network(
            net.parse()
                .map_err(|_| StoreError::Corrupt(format!("block {id}: network `{net}`")))?,
        ),
        _ => return Err(StoreError::Corrupt(format!("block {id}: no single target"))),
    };
    let time = |name: &str| -> Result<Option<DateTime<Utc>>> {
        let text: Option<String> = row.get(name);
        text.as_deref().map(parse_stamp).transpose()
    };
    Ok(Block {
        id,
        target,
        reason: row.get("reason"),
        created_by: row.get("created_by"),
        created_by_email: row.get("created_by_email"),
        created_at: read_stamp(row, "created_at")?,
        ends_at: time("ends_at")?,
        lifted_at: time("lifted_at")?,
        lifted_by: row.get("lifted_by"),
    })
}
