//! `GET /api/catalog/v1`: Socrata's Discovery API over this portal's catalog.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::{Extension, Json};
use serde_json::{Value, json};
use store::{CatalogQuery, Dataset};

use crate::AppState;
use crate::access::Caller;
use crate::error::ApiError;

const MAX_LIMIT: i64 = 10_000;

/// Finds and counts only the datasets the caller may see, each with the
/// columns they see.
pub async fn search_catalog(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let query = CatalogQuery {
        access: caller.access(),
        ..catalog_query(&params)?
    };
    let wants_datasets = params.iter().filter(|(k, _)| k == "only").all(|(_, v)| {
        v.split(',')
            .any(|o| matches!(o.trim(), "dataset" | "datasets"))
    });
    let page = app.store.search(&query).await?;
    let base = app.base_url(&headers);
    let (results, total): (Vec<Value>, i64) = if wants_datasets {
        (
            page.datasets.iter().map(|d| result(d, &base)).collect(),
            page.total,
        )
    } else {
        (Vec::new(), 0)
    };
    Ok(Json(json!({
        "results": results,
        "resultSetSize": total,
        "timings": {},
    })))
}

fn catalog_query(params: &[(String, String)]) -> Result<CatalogQuery, ApiError> {
    let mut query = CatalogQuery {
        limit: 100,
        ..CatalogQuery::default()
    };
    let list = |v: &str| -> Vec<String> {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    for (key, value) in params {
        match key.as_str() {
            "q" => query.q = Some(value.clone()),
            "categories" | "category" => query.any_topics.extend(list(value)),
            "attribution" => query.attribution = Some(value.clone()),
            "order" => {
                query.order = store::CatalogOrder::parse(value).ok_or_else(|| {
                    ApiError::bad_parameter(
                        key,
                        format!("expected relevance, name, updatedAt or createdAt (with ASC or DESC) for order, found `{value}`"),
                    )
                })?
            }
            "tags" => query.tags.extend(list(value)),
            "department" => query.department = Some(value.clone()),
            "ids" => query.ids.extend(list(value)),
            "limit" => query.limit = number(key, value)?.min(MAX_LIMIT),
            "offset" => query.offset = number(key, value)?,
            _ => {}
        }
    }
    Ok(query)
}

fn number(key: &str, value: &str) -> Result<i64, ApiError> {
    value
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            ApiError::bad_parameter(
                key,
                format!("expected a whole number for {key}, found `{value}`"),
            )
        })
}

fn result(d: &Dataset, base: &str) -> Value {
    let stamp =
        |t: &chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let permalink = format!("{base}/d/{}", d.id);
    json!({
        "resource": {
            "id": d.id,
            "name": d.title,
            "description": d.description,
            "attribution": d.attribution,
            "type": "dataset",
            "updatedAt": stamp(&d.updated_at),
            "createdAt": stamp(&d.created_at),
            "data_updated_at": stamp(&d.updated_at),
            "metadata_updated_at": stamp(&d.updated_at),
            "columns_field_name": d.columns.iter().map(|c| &c.field_name).collect::<Vec<_>>(),
            "columns_name": d.columns.iter().map(|c| &c.name).collect::<Vec<_>>(),
            "columns_datatype": d.columns.iter().map(|c| c.ty.as_str()).collect::<Vec<_>>(),
            "columns_description": d.columns.iter().map(|c| &c.description).collect::<Vec<_>>(),
            "download_count": 0,
            "provenance": "official",
        },
        "classification": {
            "categories": d.topic.iter().collect::<Vec<_>>(),
            "tags": d.tags,
            "domain_category": d.topic,
            "domain_tags": d.tags,
            "domain_metadata": [{ "key": "Department", "value": d.department }],
        },
        "metadata": { "domain": base.split("://").nth(1).unwrap_or(base), "license": d.license },
        "permalink": permalink,
        "link": permalink,
        "owner": { "displayName": d.department },
    })
}
