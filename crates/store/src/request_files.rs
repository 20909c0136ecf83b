//! Files released for records requests, and changes to a request that must
//! land whole. A file is written under the store's folder to a temporary
//! name, synced and renamed before its row exists, so a listed file is
//! always complete; its name on disk is its row's id, never the name the
//! uploader gave.

use std::fs::{self, File};
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::accounts::{read_stamp, stamp};
use crate::{Result, Store, StoreError};

/// Who may download a released file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileVisibility {
    /// The requester, through their link or account, and staff.
    Requester,
    /// Anyone, from the public log.
    Public,
}

impl FileVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            FileVisibility::Requester => "requester",
            FileVisibility::Public => "public",
        }
    }

    pub fn parse(text: &str) -> Option<FileVisibility> {
        match text {
            "requester" => Some(FileVisibility::Requester),
            "public" => Some(FileVisibility::Public),
            _ => None,
        }
    }
}

/// A file as uploaded, before it is kept.
#[derive(Debug, Clone)]
pub struct NewRequestFile<'a> {
    pub request_id: i64,
    pub name: String,
    pub media_type: String,
    pub content: &'a [u8],
    /// The content's SHA-256, in hex.
    pub sha256: String,
    pub visibility: FileVisibility,
    pub uploaded_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestFile {
    pub id: i64,
    pub request_id: i64,
    pub at: DateTime<Utc>,
    pub name: String,
    pub media_type: String,
    pub bytes: i64,
    pub sha256: String,
    pub visibility: FileVisibility,
    pub uploaded_by: Option<i64>,
    /// The dataset this file was published as, when it was.
    pub dataset_id: Option<String>,
}

/// A change to a request that lands whole or not at all: its new state
/// (and how it closed) and the events that record it, at once, and only if
/// the request is still in the state the change was decided in.
#[derive(Debug, Clone, Default)]
pub struct RequestChange {
    /// The state the change was decided in; when the request is no longer
    /// in it, nothing is kept and [`StoreError::Conflict`] says so.
    pub expected_state: Option<String>,
    pub state: Option<String>,
    /// Replaces the closing record when the state is set.
    pub closing: Option<serde_json::Value>,
    /// Each event's kind and its data, in order.
    pub events: Vec<(String, serde_json::Value)>,
}

impl Store {
    fn request_file_path(&self, request_id: i64, file_id: i64) -> PathBuf {
        self.dir
            .join("requests")
            .join(request_id.to_string())
            .join(format!("{file_id}.bin"))
    }

    /// Keeps a released file: the bytes on disk first, then its row.
    pub async fn add_request_file(
        &self,
        new: NewRequestFile<'_>,
        now: DateTime<Utc>,
    ) -> Result<RequestFile> {
        let mut tx = self.pool.begin().await?;
        let id = sqlx::query(
            "INSERT INTO request_files (request_id, at, name, media_type, bytes, sha256,
                visibility, uploaded_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(new.request_id)
        .bind(stamp(now))
        .bind(&new.name)
        .bind(&new.media_type)
        .bind(new.content.len() as i64)
        .bind(&new.sha256)
        .bind(new.visibility.as_str())
        .bind(new.uploaded_by)
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        let path = self.request_file_path(new.request_id, id);
        let content = new.content.to_vec();
        tokio::task::spawn_blocking(move || write_synced(&path, &content))
            .await
            .map_err(|e| StoreError::Corrupt(format!("writing a request file: {e}")))??;
        tx.commit().await?;
        self.request_file(new.request_id, id)
            .await?
            .map(|(file, _)| file)
            .ok_or_else(|| StoreError::Corrupt(format!("request file {id} vanished")))
    }

    /// A request's files, oldest first; only public ones when asked.
    pub async fn request_files(
        &self,
        request_id: i64,
        public_only: bool,
    ) -> Result<Vec<RequestFile>> {
        let rows = sqlx::query(
            "SELECT * FROM request_files WHERE request_id = ?
               AND (? = 0 OR visibility = 'public') ORDER BY id",
        )
        .bind(request_id)
        .bind(public_only)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(file_from_row).collect()
    }

    /// One file of a request and where its bytes are.
    pub async fn request_file(
        &self,
        request_id: i64,
        file_id: i64,
    ) -> Result<Option<(RequestFile, PathBuf)>> {
        let row = sqlx::query("SELECT * FROM request_files WHERE request_id = ? AND id = ?")
            .bind(request_id)
            .bind(file_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|row| {
                Ok((
                    file_from_row(row)?,
                    self.request_file_path(request_id, file_id),
                ))
            })
            .transpose()
    }

    /// Records that a released file was published as a dataset.
    pub async fn link_request_file(&self, file_id: i64, dataset_id: &str) -> Result<()> {
        sqlx::query("UPDATE request_files SET dataset_id = ? WHERE id = ?")
            .bind(dataset_id)
            .bind(file_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The released files published as this dataset.
    pub async fn files_published_as(&self, dataset_id: &str) -> Result<Vec<RequestFile>> {
        let rows = sqlx::query("SELECT * FROM request_files WHERE dataset_id = ? ORDER BY id")
            .bind(dataset_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(file_from_row).collect()
    }

    /// Applies a change to a request in one transaction.
    pub async fn change_request(
        &self,
        request_id: i64,
        change: &RequestChange,
        actor_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        // Taking the write lock first: two changes decided in the same state
        // cannot both land.
        let done = sqlx::query(
            "UPDATE records_requests SET state = coalesce(?, state),
                closing = CASE WHEN ? IS NULL THEN closing ELSE ? END, updated_at = ?
             WHERE id = ? AND (? IS NULL OR state = ?)",
        )
        .bind(&change.state)
        .bind(&change.state)
        .bind(change.closing.as_ref().map(|c| c.to_string()))
        .bind(stamp(now))
        .bind(request_id)
        .bind(&change.expected_state)
        .bind(&change.expected_state)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "the request changed while this was decided: it is no longer `{}`",
                change.expected_state.as_deref().unwrap_or("there")
            )));
        }
        for (kind, data) in &change.events {
            sqlx::query(
                "INSERT INTO request_events (request_id, at, kind, data, actor_id)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(request_id)
            .bind(stamp(now))
            .bind(kind)
            .bind(data.to_string())
            .bind(actor_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn write_synced(path: &std::path::Path, content: &[u8]) -> Result<()> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let parent = path.parent().expect("request files live in a folder");
    fs::create_dir_all(parent).map_err(io)?;
    let temp = path.with_extension("tmp");
    let written = File::create(&temp).and_then(|mut file| {
        file.write_all(content)?;
        file.sync_all()
    });
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(io(e));
    }
    fs::rename(&temp, path).map_err(io)?;
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn file_from_row(row: &SqliteRow) -> Result<RequestFile> {
    let visibility: String = row.get("visibility");
    Ok(RequestFile {
        id: row.get("id"),
        request_id: row.get("request_id"),
        at: read_stamp(row, "at")?,
        name: row.get("name"),
        media_type: row.get("media_type"),
        bytes: row.get("bytes"),
        sha256: row.get("sha256"),
        visibility: FileVisibility::parse(&visibility)
            .ok_or_else(|| StoreError::Corrupt(format!("file visibility `{visibility}`")))?,
        uploaded_by: row.get("uploaded_by"),
        dataset_id: row.get("dataset_id"),
    })
}
