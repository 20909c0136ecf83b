//! The records requests API, `/api/requests`: the public log and filing
//! for anyone, a request by the key in its link for its requester, and the
//! queue, the whole request and every action for staff. The public answers
//! are built from [`store::PublicRequest`], which has no requester fields
//! to leak.

use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::access::{Caller, secret_hash};
use crate::pages::clerk;
use crate::pages::requests::{Filing, check_filing};
use crate::records_desk::{self as desk, actions};
use crate::{ApiError, AppState};

const MOST_PER_PAGE: i64 = 1_000;

fn number(params: &[(String, String)], key: &str, default: i64) -> Result<i64, ApiError> {
    match params.iter().find(|(k, _)| k == key) {
        Some((_, v)) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::bad_parameter(key, format!("`{v}` is not a count"))),
        None => Ok(default),
    }
}

async fn public_json(app: &AppState, r: &store::PublicRequest) -> Result<Value, ApiError> {
    let files = desk::public_files(app, &r.tracking).await?;
    Ok(json!({
        "tracking": r.tracking,
        "received_at": r.received_at,
        "received_on": r.received_at.with_timezone(&app.jurisdiction().zone).date_naive(),
        "departments": r.departments,
        "state": r.state,
        "closing_reason": r.closing_reason,
        "summary": r.summary,
        "files": files,
    }))
}

/// `GET /api/requests`: the public log, newest first, paged.
pub async fn list(
    State(app): State<AppState>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let limit = number(&params, "limit", 100)?.min(MOST_PER_PAGE);
    let offset = number(&params, "offset", 0)?;
    let total = app.store.public_request_count().await?;
    let page = app.store.public_requests(limit, offset).await?;
    let mut requests: Vec<Value> = Vec::with_capacity(page.len());
    for r in &page {
        requests.push(public_json(&app, r).await?);
    }
    Ok(Json(json!({
        "total": total,
        "limit": limit,
        "offset": offset,
        "requests": requests,
    }))
    .into_response())
}

/// `POST /api/requests`: files a request from JSON. A signed-in browser's
/// cookie is not used here: only an app token ties the request to an
/// account, so another site cannot file in a visitor's name.
pub async fn file(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let filing = read_filing(&body)?;
    let checked = check_filing(&app, &filing).map_err(|problems| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.bad_filing",
            "the request was not filed; see data for what to change",
        )
        .with_data(serde_json::to_value(&problems).unwrap_or(Value::Null))
    })?;
    // The token's own account, even when a session cookie came along and
    // the caller is the session's person. Staff filing for someone who
    // came to the counter or wrote a letter are not its requester.
    let mut filer = Caller::anonymous(caller.address);
    if let Some(token) = &caller.token {
        filer.user = app
            .store
            .user(token.user_id)
            .await?
            .filter(|u| !u.role.is_staff());
        filer.token = Some(token.clone());
    }
    let filed = desk::file(&app, &filer, checked, &headers).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "tracking": filed.request.tracking,
            "link": filed.link,
            "state": filed.request.state,
            "clocks": filed.clocks,
            "mailed": filed.mailed,
        })),
    )
        .into_response())
}

/// A filing as JSON. A field sent as `null` is a field left out, as JSON
/// clients write them; a field the form does not have is refused by name
/// rather than dropped, so a misspelt `department` is not silently lost.
fn read_filing(body: &[u8]) -> Result<Filing, ApiError> {
    let bad = |message: String| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.bad_filing",
            format!("the body is not a request as JSON: {message}"),
        )
    };
    let mut value: Value = serde_json::from_slice(body).map_err(|e| bad(e.to_string()))?;
    if let Value::Object(fields) = &mut value {
        fields.retain(|_, v| !v.is_null());
        let known = serde_json::to_value(Filing::default()).unwrap_or_default();
        let known: Vec<&str> = known
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if let Some(unknown) = fields.keys().find(|k| !known.contains(&k.as_str())) {
            let message = format!(
                "unknown field `{unknown}`, expected one of {}",
                known.join(", ")
            );
            return Err(bad(message).with_data(json!({ "field": unknown })));
        }
    }
    serde_json::from_value(value).map_err(|e| bad(e.to_string()))
}

/// `GET /api/requests/{tracking}`: with the key from the requester's link,
/// what the requester sees; without it, the public log's entry.
pub async fn show(
    State(app): State<AppState>,
    Path(tracking): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let key = params
        .iter()
        .find(|(k, _)| k == "key")
        .map(|(_, v)| v.as_str())
        .filter(|k| !k.is_empty());
    if let Some(key) = key {
        let request = app
            .store
            .request_by_secret(&secret_hash(key))
            .await?
            .filter(|r| r.tracking == tracking)
            .ok_or_else(|| not_found(&tracking))?;
        let view = desk::requester_view(&app, &request).await?;
        let mut response = Json(view).into_response();
        let headers = response.headers_mut();
        headers.insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("private, no-store"),
        );
        headers.insert(
            axum::http::header::REFERRER_POLICY,
            axum::http::HeaderValue::from_static("no-referrer"),
        );
        return Ok(response);
    }
    let public = app
        .store
        .public_request(&tracking)
        .await?
        .ok_or_else(|| not_found(&tracking))?;
    Ok(Json(public_json(&app, &public).await?).into_response())
}

fn not_found(tracking: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "request.not_found",
        format!("no request {tracking} is open to you"),
    )
}

/// `GET /api/requests/queue`: the staff queue, with the page's filters.
pub async fn queue(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let rows = clerk::queue(&app, &caller, &params).await?;
    Ok(Json(json!({ "requests": rows })).into_response())
}

/// `GET /api/requests/{tracking}/staff`: everything staff see, the
/// requester's details included (the look is audited).
pub async fn staff(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(tracking): Path<String>,
) -> Result<Response, ApiError> {
    let request = clerk::staff_request(&app, &caller, &tracking).await?;
    let view = clerk::staff_view(&app, &caller, &request).await?;
    Ok(Json(view).into_response())
}

/// `POST /api/requests/{tracking}/actions`: one action, as JSON:
/// `{"action": "extend", "working_days": 7, "finding": "..."}`. Sent with
/// an app token, or from a signed-in page with its token in
/// `X-CSRF-Token`.
pub async fn act(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(tracking): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    // An app token vouches for its own account only: sent with another
    // person's session cookie, the action would be the session's, and the
    // session's form token is asked for as from any page.
    let by_token = caller
        .token
        .as_ref()
        .is_some_and(|t| caller.user.as_ref().is_some_and(|u| u.id == t.user_id));
    if !by_token {
        let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        if !crate::forms::token_matches(&caller, sent) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "authorization.csrf",
                "send an app token, or the page's form token in X-CSRF-Token",
            ));
        }
    }
    let action: actions::Action = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.bad_action",
            format!("the body is not an action: {e}"),
        )
    })?;
    let request = clerk::staff_request(&app, &caller, &tracking).await?;
    let done = actions::apply(&app, &caller, &request, action).await?;
    let request = clerk::staff_request(&app, &caller, &tracking).await?;
    let clocks = desk::clocks(&app, &request).await?;
    Ok(Json(json!({
        "said": done.said,
        "mailed": done.mailed,
        "tracking": request.tracking,
        "state": request.state,
        "clocks": desk::clock_views(&clocks),
    }))
    .into_response())
}
