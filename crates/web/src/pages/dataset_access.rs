//! `POST /d/{id}/access`: a dataset's stewards decide who may see it and
//! which of its columns hold personal data. The form sits on the dataset's
//! page; every change is recorded in the audit log.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use serde_json::json;
use store::{Dataset, NewAuditEntry, Visibility};

use super::dataset::{audience, seen_dataset};
use super::render::PageError;
use crate::access::Caller;
use crate::forms::{CSRF_FIELD, Posted};
use crate::{ApiError, AppState};

/// The form as the dataset page draws it, for the stewards of the
/// dataset's department and administrators signed in with a browser.
#[derive(Serialize)]
pub(super) struct Manage {
    action: String,
    csrf: String,
    visibilities: Vec<Choice>,
    columns: Vec<ColumnChoice>,
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Serialize)]
struct ColumnChoice {
    field_name: String,
    name: String,
    restricted: bool,
}

impl Manage {
    pub(super) fn for_caller(caller: &Caller, dataset: &Dataset) -> Option<Manage> {
        if !caller.stewards(&dataset.department) {
            return None;
        }
        let csrf = caller.csrf_token.clone()?;
        let visibilities = Visibility::ALL
            .into_iter()
            .map(|v| Choice {
                value: v.as_str(),
                label: audience(v).unwrap_or("Public: everyone"),
                selected: v == dataset.visibility,
            })
            .collect();
        let columns = dataset
            .columns
            .iter()
            .map(|c| ColumnChoice {
                field_name: c.field_name.clone(),
                name: c.name.clone(),
                restricted: c.restricted,
            })
            .collect();
        Some(Manage {
            action: format!("/d/{}/access", dataset.id),
            csrf,
            visibilities,
            columns,
        })
    }
}

/// What the form asks for: a visibility, and the full set of restricted
/// columns (a box left unticked lifts a restriction).
struct Wanted {
    visibility: Visibility,
    restricted: BTreeSet<String>,
}

/// `POST /d/{id}/access`.
pub async fn update_dataset_access(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(id): Path<String>,
    Posted(fields): Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let dataset = seen_dataset(&app, &caller, &id).await?;
    if !caller.stewards(&dataset.department) {
        return Err(PageError::forbidden());
    }
    let wanted = read_form(&fields, &dataset)?;

    let now = app.clock.now();
    let target = format!("dataset:{}", dataset.id);
    let mut changes = Vec::new();
    if wanted.visibility != dataset.visibility {
        app.store
            .set_visibility(&dataset.id, wanted.visibility)
            .await
            .map_err(ApiError::from)?;
        changes.push(NewAuditEntry {
            actor: caller.user.clone(),
            action: "dataset_visibility_changed",
            target: target.clone(),
            before: Some(json!({ "visibility": dataset.visibility })),
            after: Some(json!({ "visibility": wanted.visibility })),
        });
    }
    for column in &dataset.columns {
        let restricted = wanted.restricted.contains(&column.field_name);
        if restricted == column.restricted {
            continue;
        }
        app.store
            .set_column_restricted(&dataset.id, &column.field_name, restricted)
            .await
            .map_err(ApiError::from)?;
        changes.push(NewAuditEntry {
            actor: caller.user.clone(),
            action: if restricted {
                "column_restricted"
            } else {
                "column_restriction_lifted"
            },
            target: target.clone(),
            before: Some(json!({ "column": column.field_name, "restricted": !restricted })),
            after: Some(json!({ "column": column.field_name, "restricted": restricted })),
        });
    }
    for entry in changes {
        app.store
            .append_audit(entry, now)
            .await
            .map_err(ApiError::from)?;
    }
    app.forget_dataset(&dataset.id);
    Ok(Redirect::to(&format!("/d/{}#access-title", dataset.id)).into_response())
}

/// The form's fields: one `visibility`, and a `restricted` field per
/// column to restrict, each naming a column of the dataset.
fn read_form(fields: &[(String, String)], dataset: &Dataset) -> Result<Wanted, PageError> {
    let refused = |message: String| {
        PageError::new(
            StatusCode::BAD_REQUEST,
            "These settings could not be saved",
            message,
        )
    };
    let mut visibility = None;
    let mut restricted = BTreeSet::new();
    for (name, value) in fields {
        match name.as_str() {
            "visibility" => {
                let parsed = Visibility::parse(value).ok_or_else(|| {
                    refused(format!(
                        "“{value}” is not a visibility; choose public, internal or private."
                    ))
                })?;
                visibility = Some(parsed);
            }
            "restricted" if dataset.column(value).is_some() => {
                restricted.insert(value.clone());
            }
            "restricted" => {
                return Err(refused(format!("This dataset has no column “{value}”.")));
            }
            _ if name == CSRF_FIELD => {}
            _ => return Err(refused(format!("The form has an unknown field “{name}”."))),
        }
    }
    let visibility = visibility.ok_or_else(|| {
        refused(
            "The form did not say who may see the dataset; reload the page and try again.".into(),
        )
    })?;
    Ok(Wanted {
        visibility,
        restricted,
    })
}
