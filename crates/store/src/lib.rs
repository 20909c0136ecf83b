//! Where Civic keeps things: the catalog in SQL (SQLite through sqlx) and
//! every dataset version as an immutable Parquet file in the data directory.

mod access;
mod accounts;
mod audit;
mod blocks;
mod catalog;
mod files;
mod ids;
mod model;
mod reports;
mod request_files;
mod requests;

pub use access::Access;
pub use accounts::{AppToken, AuditEntry, NewAuditEntry, NewUser, Role, Session, User};
pub use audit::AuditFilter;
pub use blocks::{Block, BlockTarget, NewBlock};
pub use catalog::{CatalogOrder, CatalogPage, CatalogQuery, Facet};
pub use ids::{is_dataset_id, random_dataset_id};
pub use model::{Column, Dataset, Metadata, NewColumn, NewDataset, Visibility};
pub use reports::{NewReport, Report, ReportFilter, ReportKind, ReportMessage};
pub use request_files::{FileVisibility, NewRequestFile, RequestChange, RequestFile};
pub use requests::{
    ClosureDay, LedgerEntry, NewRequest, PublicRequest, RecordsRequest, RequestEvent,
    RequestFilter, RequestMessage, RuleCheck, TimeEntry,
};

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a dataset with id `{0}` already exists")]
    AlreadyExists(String),
    #[error(
        "`{0}` is not a dataset id: ids are four lowercase letters or digits, a hyphen, and four more (`abcd-1234`)"
    )]
    BadId(String),
    #[error("no dataset with id `{0}`")]
    NoSuchDataset(String),
    #[error("dataset `{dataset}` has no column `{column}`")]
    NoSuchColumn { dataset: String, column: String },
    #[error("an account with the e-mail address `{0}` already exists")]
    EmailTaken(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing Parquet: {0}")]
    Parquet(String),
    #[error("the catalog holds a value it cannot read: {0}")]
    Corrupt(String),
    /// Someone else changed the same thing first; nothing was kept.
    #[error("{0}")]
    Conflict(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The catalog database and the data directory's files.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    dir: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`.
    pub async fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir.join("datasets")).map_err(|source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(dir.join("catalog.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Store {
            pool,
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The Parquet file that holds one version of a dataset.
    pub fn version_path(&self, id: &str, version: i64) -> PathBuf {
        files::version_path(&self.dir, id, version)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}
