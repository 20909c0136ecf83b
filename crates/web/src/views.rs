//! `GET /api/views/{id}.json`: a dataset's metadata in Socrata's view shape.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{Value, json};
use store::Dataset;

use crate::AppState;
use crate::access::Caller;
use crate::error::ApiError;

/// The metadata as the caller sees the dataset: a column they may not see
/// is not listed.
pub async fn show_view(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let id = file.strip_suffix(".json").unwrap_or(&file);
    let dataset = app.dataset(id, &caller).await?;
    let mut response = Json(view(&dataset)).into_response();
    crate::soda::set_privacy(response.headers_mut(), &dataset);
    Ok(response)
}

pub fn view(d: &Dataset) -> Value {
    let columns: Vec<Value> = d
        .columns
        .iter()
        .map(|c| {
            json!({
                "id": c.position + 1,
                "name": c.name,
                "fieldName": c.field_name,
                "dataTypeName": c.ty.as_str(),
                "renderTypeName": c.ty.as_str(),
                "position": c.position + 1,
                "description": c.description,
            })
        })
        .collect();
    let mut details = serde_json::Map::new();
    details.insert("Department".into(), json!(d.department));
    for (key, value) in [
        ("Steward", &d.steward_name),
        ("Steward Email", &d.steward_email),
        ("Update Frequency", &d.update_frequency),
        ("Usage Notes", &d.usage_notes),
    ] {
        if let Some(v) = value {
            details.insert(key.into(), json!(v));
        }
    }
    json!({
        "id": d.id,
        "name": d.title,
        "description": d.description,
        "category": d.topic,
        "tags": d.tags,
        "attribution": d.attribution,
        "attributionLink": d.source,
        "license": d.license.as_ref().map(|l| json!({ "name": l })),
        "licenseId": d.license,
        "createdAt": d.created_at.timestamp(),
        "publicationDate": d.created_at.timestamp(),
        "rowsUpdatedAt": d.updated_at.timestamp(),
        "viewLastModified": d.updated_at.timestamp(),
        "viewType": "tabular",
        "displayType": "table",
        "publicationStage": "published",
        "provenance": "official",
        "owner": { "displayName": d.department },
        "metadata": {
            "rowIdentifier": ":id",
            "custom_fields": { "Department": details },
        },
        "rowCount": d.row_count,
        "columns": columns,
    })
}
