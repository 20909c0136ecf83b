//! `GET /d/{id}`: everything about one dataset: its metadata and columns, a
//! page of its rows, how to ask the API for it, and where to download it.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Html;
use minijinja::context;
use serde::Serialize;
use soql::SoqlType;
use store::{Dataset, Visibility};

use super::dataset_access::Manage;
use super::render::{PageError, Stamp, render};
use super::table::{self, Rows, Sort, Table};
use super::{counted, page_number};
use crate::AppState;
use crate::access::Caller;

/// `GET /d/{id}`, showing the dataset as the caller may see it: a column
/// they may not see is neither listed nor in the table, and a dataset they
/// may not see is "not found" like one that does not exist.
pub async fn show_dataset(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Html<String>, PageError> {
    let dataset = seen_dataset(&app, &caller, &id).await?;

    let sort = Sort::from_params(&params, &dataset);
    let rows = table::fetch(&app, &dataset, sort, page_number(&params)).await?;

    let base = app.base_url(&headers);
    // The records requests this dataset was released for.
    let mut requests = Vec::new();
    for file in app
        .store
        .files_published_as(&dataset.id)
        .await
        .map_err(crate::ApiError::from)?
    {
        if let Some(request) = app
            .store
            .records_request(file.request_id)
            .await
            .map_err(crate::ApiError::from)?
        {
            requests.push(request.tracking);
        }
    }
    render(
        "dataset.html",
        context! {
            about => About::of(&dataset),
            columns => &dataset.columns.iter().map(ColumnRow::of).collect::<Vec<_>>(),
            table => Table::new(&dataset, sort, &rows),
            api => Api::new(&base, &dataset, &rows),
            manage => Manage::for_caller(&caller, &dataset),
            requests,
        },
    )
}

/// The dataset as `caller` sees it, or the page that says there is none.
pub(super) async fn seen_dataset(
    app: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Arc<Dataset>, PageError> {
    match app.dataset(id, caller).await {
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(PageError::not_found(
            "Dataset not found",
            format!(
                "There is no dataset with the id “{id}”. It may have been withdrawn, or the \
                 address may be mistyped."
            ),
        )),
        other => Ok(other?),
    }
}

/// The dataset's metadata, in the words and forms the page shows.
#[derive(Serialize)]
struct About {
    id: String,
    title: String,
    description: Vec<String>,
    department: String,
    steward_name: Option<String>,
    steward_email: Option<String>,
    topic: Option<String>,
    tags: Vec<String>,
    license: Option<String>,
    update_frequency: Option<String>,
    usage_notes: Option<String>,
    source: Option<String>,
    /// The source as a link, when it is a web address.
    source_url: Option<String>,
    attribution: Option<String>,
    created: Stamp,
    updated: Stamp,
    rows: String,
    version: i64,
    /// Who may see it, when that is not everyone.
    audience: Option<&'static str>,
}

impl About {
    fn of(d: &Dataset) -> About {
        let source_url = d.source.as_ref().filter(|s| is_web_address(s)).cloned();
        About {
            id: d.id.clone(),
            title: d.title.clone(),
            description: paragraphs(&d.description),
            department: d.department.clone(),
            steward_name: d.steward_name.clone(),
            steward_email: d.steward_email.clone().filter(|e| e.contains('@')),
            topic: d.topic.clone(),
            tags: d.tags.clone(),
            license: d.license.clone(),
            update_frequency: d.update_frequency.clone(),
            usage_notes: d.usage_notes.clone(),
            source: d.source.clone(),
            source_url,
            attribution: d.attribution.clone(),
            created: Stamp::time(&d.created_at),
            updated: Stamp::time(&d.updated_at),
            rows: counted(d.row_count, "row", "rows"),
            version: d.version,
            audience: audience(d.visibility),
        }
    }
}

/// A visibility in the words the page uses; none for public datasets.
pub(super) fn audience(visibility: Visibility) -> Option<&'static str> {
    match visibility {
        Visibility::Public => None,
        Visibility::Internal => Some("Internal: city staff only"),
        Visibility::Private => Some("Private: the department's stewards and administrators only"),
    }
}

/// Only `http` and `https` become links: a steward's text must never become
/// a `javascript:` address.
fn is_web_address(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

#[derive(Serialize)]
struct ColumnRow {
    name: String,
    field_name: String,
    ty: &'static str,
    description: String,
    /// Personal data, which only this page's privileged readers see listed.
    restricted: bool,
}

impl ColumnRow {
    fn of(c: &store::Column) -> ColumnRow {
        ColumnRow {
            name: c.name.clone(),
            field_name: c.field_name.clone(),
            ty: type_words(c.ty),
            description: c.description.clone(),
            restricted: c.restricted,
        }
    }
}

fn type_words(ty: SoqlType) -> &'static str {
    match ty {
        SoqlType::Text => "Text",
        SoqlType::Number => "Number",
        SoqlType::Checkbox => "Checkbox",
        SoqlType::FloatingTimestamp => "Date & time",
        SoqlType::FixedTimestamp => "Date & time (UTC)",
        SoqlType::Point => "Point",
        SoqlType::MultiPoint => "Points",
        SoqlType::Line => "Line",
        SoqlType::MultiLine => "Lines",
        SoqlType::Polygon => "Polygon",
        SoqlType::MultiPolygon => "Polygons",
    }
}

/// How a developer reaches the dataset: the endpoint, examples built from
/// its real columns, and the full downloads.
#[derive(Serialize)]
struct Api {
    endpoint: String,
    metadata: String,
    examples: Vec<Example>,
    downloads: Vec<Download>,
}

#[derive(Serialize)]
struct Example {
    label: String,
    /// The parameters as people write them.
    query: String,
    /// The same, encoded, as an absolute address.
    url: String,
}

#[derive(Serialize)]
struct Download {
    format: &'static str,
    url: String,
}

impl Api {
    fn new(base: &str, dataset: &Dataset, rows: &Rows) -> Api {
        let endpoint = format!("{base}/resource/{}.json", dataset.id);
        let examples = example_queries(dataset, rows)
            .into_iter()
            .map(|(label, pairs)| Example {
                label,
                query: join(&pairs, |v| v.to_string()),
                url: format!(
                    "{endpoint}?{}",
                    join(&pairs, |v| urlencoding::encode(v).into_owned())
                ),
            })
            .collect();
        let downloads = [("CSV", "csv"), ("JSON", "json"), ("GeoJSON", "geojson")]
            .into_iter()
            .map(|(format, ext)| Download {
                format,
                url: format!("/api/views/{}/rows.{ext}", dataset.id),
            })
            .collect();
        Api {
            metadata: format!("{base}/api/views/{}.json", dataset.id),
            endpoint,
            examples,
            downloads,
        }
    }
}

fn join(pairs: &[(&str, String)], value: impl Fn(&str) -> String) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", value(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A few queries that work on this dataset, with values taken from its rows.
fn example_queries(dataset: &Dataset, rows: &Rows) -> Vec<(String, Vec<(&'static str, String)>)> {
    let mut examples = vec![(
        "The first five rows".to_string(),
        vec![("$limit", "5".to_string())],
    )];
    let first_of = |ty: SoqlType| dataset.columns.iter().find(|c| c.ty == ty);

    if let Some(text) = first_of(SoqlType::Text) {
        examples.push((
            format!("How many rows have each {}", text.name),
            vec![
                ("$select", format!("{}, count(*)", text.field_name)),
                ("$group", text.field_name.clone()),
                ("$order", "count DESC".to_string()),
            ],
        ));
    }

    let timestamp = first_of(SoqlType::FloatingTimestamp)
        .or_else(|| first_of(SoqlType::FixedTimestamp))
        .and_then(|c| Some((c, rows.first_value(&c.field_name)?)));
    let number =
        first_of(SoqlType::Number).and_then(|c| Some((c, rows.first_value(&c.field_name)?)));
    if let Some((column, value)) = timestamp {
        let day = table::literal_timestamp(value);
        examples.push((
            format!("Rows with {} on or after {day}", column.name),
            vec![("$where", format!("{} >= '{day}'", column.field_name))],
        ));
    } else if let Some((column, value)) = number {
        examples.push((
            format!("Rows with {} of at least {value}", column.name),
            vec![("$where", format!("{} >= {value}", column.field_name))],
        ));
    }
    examples
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_become_links() {
        assert!(is_web_address("https://data.cityofnewyork.us"));
        assert!(is_web_address(" HTTP://example.org"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address("City Archives"));
    }

    #[test]
    fn descriptions_split_into_paragraphs() {
        assert_eq!(paragraphs("One.\n\n  Two.\n\n\n"), vec!["One.", "Two."]);
        assert!(paragraphs("").is_empty());
    }
}
