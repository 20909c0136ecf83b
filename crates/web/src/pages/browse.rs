//! `GET /browse?q=&topic=&department=&page=N`: the catalog, searched and
//! narrowed by facets, a page of results at a time.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Html;
use minijinja::context;
use serde::Serialize;
use store::{CatalogQuery, Facet};

use super::render::{PageError, Summary, render};
use super::table::Pager;
use super::{counted, link, page_count, page_number, param};
use crate::AppState;
use crate::access::Caller;

const PER_PAGE: u64 = 20;

/// What the visitor asked for; every link on the page starts from it.
struct Search<'a> {
    q: Option<&'a str>,
    topic: Option<&'a str>,
    department: Option<&'a str>,
}

impl Search<'_> {
    fn url(&self, topic: Option<&str>, department: Option<&str>, page: Option<u64>) -> String {
        let page = page.filter(|p| *p > 1).map(|p| p.to_string());
        link(
            "/browse",
            &[
                ("q", self.q),
                ("topic", topic),
                ("department", department),
                ("page", page.as_deref()),
            ],
        )
    }
}

/// A facet value: choosing it narrows the results; choosing it again lets go.
#[derive(Serialize)]
struct FacetLink {
    value: String,
    count: i64,
    url: String,
    selected: bool,
}

/// Finds and counts only the datasets the visitor may see.
pub async fn browse_catalog(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Html<String>, PageError> {
    let search = Search {
        q: param(&params, "q"),
        topic: param(&params, "topic"),
        department: param(&params, "department"),
    };
    let asked = page_number(&params);

    let mut query = CatalogQuery {
        q: search.q.map(String::from),
        topic: search.topic.map(String::from),
        department: search.department.map(String::from),
        limit: PER_PAGE as i64,
        access: caller.access(),
        ..CatalogQuery::default()
    };
    let mut catalog = app
        .store
        .search(&query)
        .await
        .map_err(crate::ApiError::from)?;
    let pages = page_count(catalog.total.max(0) as u64, PER_PAGE);
    let page = asked.min(pages);
    if page > 1 {
        query.offset = ((page - 1) * PER_PAGE) as i64;
        catalog = app
            .store
            .search(&query)
            .await
            .map_err(crate::ApiError::from)?;
    }

    let topics = facet_links(&catalog.topics, search.topic, |v| {
        search.url(v, search.department, None)
    });
    let departments = facet_links(&catalog.departments, search.department, |v| {
        search.url(search.topic, v, None)
    });
    let pager = Pager {
        page,
        pages,
        previous: (page > 1).then(|| search.url(search.topic, search.department, Some(page - 1))),
        next: (page < pages).then(|| search.url(search.topic, search.department, Some(page + 1))),
    };
    let filtered = search.topic.is_some() || search.department.is_some();
    render(
        "browse.html",
        context! {
            q => search.q.unwrap_or(""),
            topic => search.topic,
            department => search.department,
            total => counted(catalog.total, "dataset", "datasets"),
            results => catalog.datasets.iter().map(Summary::of).collect::<Vec<_>>(),
            topics,
            departments,
            pager,
            clear_filters => filtered.then(|| search.url(None, None, None)),
        },
    )
}

/// Each value links to the search with it chosen, or, when it already is,
/// without it.
fn facet_links(
    facets: &[Facet],
    chosen: Option<&str>,
    url: impl Fn(Option<&str>) -> String,
) -> Vec<FacetLink> {
    let mut links: Vec<FacetLink> = facets
        .iter()
        .map(|f| {
            let selected = chosen.is_some_and(|c| c.eq_ignore_ascii_case(&f.value));
            FacetLink {
                value: f.value.clone(),
                count: f.count,
                url: url(if selected { None } else { Some(&f.value) }),
                selected,
            }
        })
        .collect();
    // A choice nothing matches must still be there to let go of.
    if let Some(chosen) = chosen.filter(|_| !links.iter().any(|l| l.selected)) {
        links.push(FacetLink {
            value: chosen.to_string(),
            count: 0,
            url: url(None),
            selected: true,
        });
    }
    links
}
