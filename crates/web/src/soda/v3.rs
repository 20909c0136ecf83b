//! SODA3: `POST /api/v3/views/{id}/query.json` with a JSON body
//! (`{"query": "SELECT …", "page": {"pageNumber": 1, "pageSize": 100}}`),
//! answered with a bare JSON array, and `/api/v3/views/{id}/export.{ext}`
//! for every row a query yields. Socrata asks for an app token here; Civic
//! keeps SODA3 open to anonymous callers, as it does SODA 2.1.

use std::sync::Arc;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use soql::ast::{Expr, ExprKind, SelectItem};

use super::format::Format;
use super::{check, encoder, params, run_page, set_privacy, stream_rows};
use crate::AppState;
use crate::access::Caller;
use crate::error::ApiError;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryBody {
    pub query: Option<String>,
    pub page: Option<PageSpec>,
    #[serde(default)]
    pub include_synthetic: bool,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageSpec {
    pub page_number: u64,
    pub page_size: u64,
}

pub async fn query_by_body(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path((id, file)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let spec: QueryBody = if body.iter().all(u8::is_ascii_whitespace) {
        QueryBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "req.body.malformed-json",
                format!("the request body is not the JSON SODA3 expects: {e}"),
            )
        })?
    };
    run(&app, &caller, &id, &file, spec).await
}

/// The same with the query in the URL: `?query=…&pageNumber=1&pageSize=100`.
pub async fn query_by_url(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path((id, file)): Path<(String, String)>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let value = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let number = |name: &str| -> Result<Option<u64>, ApiError> {
        value(name)
            .map(|v| {
                v.parse().map_err(|_| {
                    ApiError::bad_parameter(
                        name,
                        format!("expected a whole number for {name}, found `{v}`"),
                    )
                })
            })
            .transpose()
    };
    let page = match (number("pageNumber")?, number("pageSize")?) {
        (Some(page_number), Some(page_size)) => Some(PageSpec {
            page_number,
            page_size,
        }),
        (None, None) => None,
        _ => {
            return Err(ApiError::bad_parameter(
                "pageNumber",
                "pageNumber and pageSize go together",
            ));
        }
    };
    let spec = QueryBody {
        query: value("query").map(String::from),
        page,
        include_synthetic: value("includeSynthetic") == Some("true"),
    };
    run(&app, &caller, &id, &file, spec).await
}

async fn run(
    app: &AppState,
    caller: &Caller,
    id: &str,
    file: &str,
    spec: QueryBody,
) -> Result<Response, ApiError> {
    let export = match file {
        "query.json" => None,
        other => match other
            .strip_prefix("export.")
            .and_then(Format::from_extension)
        {
            Some(format) => Some(format),
            None => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "req.not-found",
                    format!(
                        "nothing is served at /api/v3/views/{id}/{file}; use query.json or export.csv"
                    ),
                ));
            }
        },
    };
    let dataset = app.dataset(id, caller).await?;
    let text = spec.query.clone().unwrap_or_else(|| "SELECT *".to_string());
    let params = vec![("$query".to_string(), text)];
    let mut request = params::parse(&params, &dataset, app.settings.max_limit)?;
    if spec.include_synthetic {
        with_system_fields(&mut request.query.select);
    }

    if let Some(format) = export {
        let typed = check(&request, &dataset)?;
        return stream_rows(app, &dataset, &typed, format, false, None).await;
    }
    if let Some(page) = spec.page {
        paginate(&mut request, page, app.settings.max_limit)?;
    }
    let typed = check(&request, &dataset)?;
    let page = run_page(app, &dataset, typed, request.limit).await?;
    let mut encoder = encoder(Format::Json, &page.columns, false);
    let mut body = encoder.start();
    for batch in &page.batches {
        body.push_str(&encoder.rows(batch));
    }
    body.push_str(&encoder.finish());
    let mut response = Response::new(Body::from(body));
    let h: &mut HeaderMap = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(Format::Json.content_type()),
    );
    set_privacy(h, &dataset);
    Ok(response)
}

/// `page` replaces the statement's own LIMIT and OFFSET.
fn paginate(request: &mut params::Request, page: PageSpec, max_limit: u64) -> Result<(), ApiError> {
    if page.page_number == 0 || page.page_size == 0 {
        return Err(ApiError::bad_parameter(
            "page",
            "page.pageNumber counts from 1 and page.pageSize must be at least 1",
        ));
    }
    if page.page_size > max_limit {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "req.row-limit-exceeded",
            format!(
                "a page may hold at most {max_limit} rows, and {} were asked for",
                page.page_size
            ),
        )
        .with_data(json!({ "parameter": "page.pageSize", "max_limit": max_limit })));
    }
    let offset = (page.page_number - 1).saturating_mul(page.page_size);
    request.query.limit = Some(page.page_size);
    request.query.offset = Some(offset);
    request.limit = page.page_size;
    request.offset = offset;
    Ok(())
}

/// `includeSynthetic`: a selection of every column also gets the system fields.
fn with_system_fields(select: &mut Vec<SelectItem>) {
    let all_columns = select.is_empty()
        || (select.len() == 1
            && select[0].expr.kind == ExprKind::Star
            && select[0].alias.is_none());
    if all_columns {
        let item = |kind| SelectItem {
            expr: Expr {
                kind,
                span: soql::Span::default(),
            },
            alias: None,
        };
        *select = vec![item(ExprKind::SystemStar), item(ExprKind::Star)];
    }
}
