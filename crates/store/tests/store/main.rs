//! The store against real database files and real Parquet files: one test
//! binary, one module per part of the store.

mod access;
mod accounts;
mod blocks;
mod reports;
mod requests;

/// A store in a directory of its own, removed when the test ends.
pub async fn open() -> (store::Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = store::Store::open(dir.path()).await.unwrap();
    (store, dir)
}
