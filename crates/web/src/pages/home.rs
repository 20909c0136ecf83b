//! `GET /`: the portal's front door: search, topics, departments and what
//! changed lately.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use minijinja::context;
use serde::Serialize;
use store::{CatalogQuery, Facet};

use super::render::{PageError, Summary, render};
use super::{counted, link};
use crate::AppState;
use crate::access::Caller;

const RECENT: i64 = 6;

/// A topic or department and how many datasets it has.
#[derive(Serialize)]
struct Entry {
    value: String,
    count: i64,
    url: String,
}

/// Lists and counts the datasets the visitor may see.
pub async fn show_home(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
) -> Result<Html<String>, PageError> {
    let catalog = app
        .store
        .search(&CatalogQuery {
            limit: RECENT,
            access: caller.access(),
            ..CatalogQuery::default()
        })
        .await
        .map_err(crate::ApiError::from)?;

    let entries = |facets: &[Facet], key: &str| -> Vec<Entry> {
        facets
            .iter()
            .map(|f| Entry {
                value: f.value.clone(),
                count: f.count,
                url: link("/browse", &[(key, Some(&f.value))]),
            })
            .collect()
    };
    render(
        "home.html",
        context! {
            total => counted(catalog.total, "dataset", "datasets"),
            topics => entries(&catalog.topics, "topic"),
            departments => entries(&catalog.departments, "department"),
            recent => catalog.datasets.iter().map(Summary::of).collect::<Vec<_>>(),
        },
    )
}
