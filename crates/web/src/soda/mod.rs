//! SODA 2.1 reads: `GET /resource/{id}.json|.csv|.geojson` and the full
//! downloads at `/api/views/{id}/rows.{ext}`.

pub mod cells;
pub mod format;
pub mod params;
pub mod v3;

use axum::Extension;
use axum::body::Body;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use engine::arrow::array::AsArray;
use engine::arrow::datatypes::Int64Type;
use futures::StreamExt;
use sha2::{Digest, Sha256};
use soql::types::ID_FIELD;
use soql::{SoqlType, TypedKind, TypedQuery};
use store::Dataset;

use crate::AppState;
use crate::access::Caller;
use crate::cache::{Answer, AnswerKey, access_class};
use crate::error::ApiError;
use format::{Encoder, Format};

/// `GET /resource/{id}.{ext}` (or `/resource/{id}` with `Accept`).
pub async fn resource(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path(file): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let (id, format) = split_file(&file, &headers)?;
    let dataset = app.dataset(id, &caller).await?;
    let class = access_class(&dataset);
    let etag = etag(&dataset, format, &params, &class);
    if not_modified(&headers, &etag) {
        return Ok(not_modified_response(&etag));
    }

    let key = AnswerKey::new(
        &dataset.id,
        dataset.version,
        format.extension(),
        &params,
        &class,
    );
    let answer = match app.answers.get(&key) {
        Some(answer) => answer,
        None => {
            let answer = Arc::new(answer(&app, &dataset, format, &params).await?);
            app.answers.put(key, Arc::clone(&answer));
            answer
        }
    };

    let mut response = Response::new(Body::from(answer.body.clone()));
    let h = response.headers_mut();
    for (name, value) in &answer.headers {
        h.insert(name.clone(), value.clone());
    }
    set_common_headers(h, &dataset, &etag);
    set_privacy(h, &dataset);
    if let Some((parameter, value)) = &answer.next_page {
        let next = next_page_url(&app, &headers, &uri, parameter, value);
        if let Ok(value) = HeaderValue::from_str(&format!("<{next}>; rel=\"next\"")) {
            h.insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// `GET /resource/{id}/{row_id}.json`: one row by its `:id`, as an object.
pub async fn show_row(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let row_id = file.strip_suffix(".json").unwrap_or(&file);
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "soda.row.not-found",
            format!("dataset `{id}` has no row `{row_id}`"),
        )
    };
    if row_id.is_empty() || !row_id.bytes().all(|b| b.is_ascii_digit()) || row_id.len() > 18 {
        return Err(not_found());
    }
    let dataset = app.dataset(&id, &caller).await?;
    let params = vec![(":id".to_string(), row_id.to_string())];
    let request = params::parse(&params, &dataset, app.settings.max_limit)?;
    let typed = check(&request, &dataset)?;
    let page = run_page(&app, &dataset, typed, 1).await?;
    let mut encoder = encoder(Format::Json, &page.columns, false);
    let mut body = String::new();
    for batch in &page.batches {
        body.push_str(&encoder.rows(batch));
    }
    let object = body.trim();
    if object.is_empty() {
        return Err(not_found());
    }
    let mut response = Response::new(Body::from(format!("{object}\n")));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(Format::Json.content_type()),
    );
    set_field_headers(response.headers_mut(), &page.columns);
    set_privacy(response.headers_mut(), &dataset);
    Ok(response)
}

/// Parses, checks and runs a query, and encodes its page of rows.
async fn answer(
    app: &AppState,
    dataset: &Dataset,
    format: Format,
    params: &[(String, String)],
) -> Result<Answer, ApiError> {
    let started = std::time::Instant::now();
    let request = params::parse(params, dataset, app.settings.max_limit)?;
    let typed = check(&request, dataset)?;
    tracing::debug!(
        dataset.id = %dataset.id,
        parse_check_us = started.elapsed().as_micros() as u64,
        "query checked"
    );
    let by_keys = request.statement.is_none() && engine::pages_by_keys(&typed);
    if request.options.after.is_some() && !by_keys {
        return Err(ApiError::bad_parameter(
            params::CURSOR,
            "a cursor pages only queries without aggregation or DISTINCT; page this one with $offset",
        ));
    }
    let page = if by_keys {
        run_keyset_page(app, dataset, typed, request.limit, request.options.after).await?
    } else {
        run_page(app, dataset, typed, request.limit).await?
    };

    let mut encoder = encoder(format, &page.columns, request.options.bom);
    let mut body = encoder.start();
    for batch in &page.batches {
        body.push_str(&encoder.rows(batch));
    }
    body.push_str(&encoder.finish());
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    set_field_headers(&mut headers, &page.columns);
    let next_page = page.more.then(|| request.next_page(page.last_id));
    Ok(Answer {
        body: body.into(),
        headers: headers
            .into_iter()
            .filter_map(|(name, value)| Some((name?, value)))
            .collect(),
        next_page,
    })
}

/// One page of a query's answer.
pub struct Page {
    pub columns: Vec<(String, SoqlType)>,
    pub batches: Vec<engine::arrow::record_batch::RecordBatch>,
    /// More rows match beyond this page.
    pub more: bool,
    /// The `:id` of the page's last row, when the query pages by keys.
    pub last_id: Option<i64>,
}

/// Runs a query that pages by keys for one page: with `after`, the rows that
/// sort after the row with that `:id`. Notes the page's last `:id` for the
/// next page's cursor.
async fn run_keyset_page(
    app: &AppState,
    dataset: &Dataset,
    mut typed: TypedQuery,
    limit: u64,
    after: Option<i64>,
) -> Result<Page, ApiError> {
    // The id rides along as one more output column, taken off below.
    let span = soql::Span::default();
    typed.selection.push(soql::Selected {
        name: "\u{0}cursor".to_string(),
        expr: soql::TypedExpr {
            kind: TypedKind::Column(ID_FIELD.to_string()),
            ty: SoqlType::Number,
            span,
        },
    });
    typed.limit = Some(limit.saturating_add(1));
    let mut rows = app
        .engine
        .query_after(&app.source(dataset), &typed, after)
        .await
        .map_err(|e| match e {
            engine::EngineError::NoAnchor(_) => ApiError::bad_parameter(
                params::CURSOR,
                "the row this cursor starts after is not in the dataset's current version; start again from the first page, without $$cursor",
            ),
            e => e.into(),
        })?;
    rows.columns.pop();
    let mut page = take_page(rows, limit);
    let mut last_id = None;
    for batch in &mut page.batches {
        let ids = batch.num_columns() - 1;
        if let Some(column) = batch.column(ids).as_primitive_opt::<Int64Type>()
            && !column.is_empty()
        {
            last_id = Some(column.value(column.len() - 1));
        }
        batch.remove_column(ids);
    }
    page.last_id = last_id;
    Ok(page)
}

/// Runs a checked query for one page: asks for one row more than the page
/// holds, so that "is there a next page" needs no second query.
pub async fn run_page(
    app: &AppState,
    dataset: &Dataset,
    mut typed: TypedQuery,
    limit: u64,
) -> Result<Page, ApiError> {
    typed.limit = Some(limit.saturating_add(1));
    let rows = app.engine.query(&app.source(dataset), &typed).await?;
    Ok(take_page(rows, limit))
}

/// The first `limit` rows of one more than a page.
fn take_page(rows: engine::Rows, limit: u64) -> Page {
    let total: usize = rows.batches.iter().map(|b| b.num_rows()).sum();
    let keep = limit as usize;
    let more = keep > 0 && total > keep;
    let mut batches = Vec::with_capacity(rows.batches.len());
    let mut taken = 0;
    for batch in rows.batches {
        if taken >= keep {
            break;
        }
        let n = batch.num_rows().min(keep - taken);
        batches.push(batch.slice(0, n));
        taken += n;
    }
    Page {
        columns: rows.columns,
        batches,
        more,
        last_id: None,
    }
}

pub fn check(request: &params::Request, dataset: &Dataset) -> Result<TypedQuery, ApiError> {
    let query = without_hidden_rows(&request.query, dataset);
    soql::check(&query, &dataset.schema()).map_err(|e| {
        let (parameter, text) = request.source_of(e.clause);
        ApiError::query(&e.error, parameter, text)
    })
}

/// The query with the rows hidden from this view of the dataset left out:
/// `$where` gains `:id not in (…)`, so they are absent from rows, counts,
/// aggregates and downloads alike.
fn without_hidden_rows<'a>(
    query: &'a soql::Query,
    dataset: &Dataset,
) -> std::borrow::Cow<'a, soql::Query> {
    use soql::ast::{BinaryOp, Expr, ExprKind, Literal};
    if dataset.hidden_rows.is_empty() {
        return std::borrow::Cow::Borrowed(query);
    }
    let at = |kind: ExprKind| Expr {
        kind,
        span: Default::default(),
    };
    let hidden = at(ExprKind::In {
        expr: Box::new(at(ExprKind::Column(soql::types::ID_FIELD.to_string()))),
        list: dataset
            .hidden_rows
            .iter()
            .map(|id| at(ExprKind::Literal(Literal::Number(id.to_string()))))
            .collect(),
        negated: true,
    });
    let mut query = query.clone();
    query.filter = Some(match query.filter.take() {
        None => hidden,
        Some(asked) => Expr {
            span: asked.span,
            kind: ExprKind::Binary {
                op: BinaryOp::And,
                left: Box::new(asked),
                right: Box::new(hidden),
            },
        },
    });
    std::borrow::Cow::Owned(query)
}

fn encoder(format: Format, columns: &[(String, SoqlType)], bom: bool) -> Encoder {
    Encoder::new(format, columns, bom)
}

/// `GET /api/views/{id}/rows.{ext}`: every row, streamed, never cut short.
pub async fn download(
    State(app): State<AppState>,
    Extension(caller): Extension<Arc<Caller>>,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let format = file
        .strip_prefix("rows.")
        .and_then(Format::from_extension)
        .ok_or_else(|| ApiError::no_dataset(&format!("{id}/{file}")))?;
    let dataset = app.dataset(&id, &caller).await?;
    let bom = params.iter().any(|(k, v)| k == "$$bom" && v == "true");
    let everything = soql::Query::default();
    let typed = soql::check(
        &without_hidden_rows(&everything, &dataset),
        &dataset.schema(),
    )
    .map_err(|e| ApiError::internal("default query", e.error))?;
    let etag = etag(&dataset, format, &params, &access_class(&dataset));
    if not_modified(&headers, &etag) {
        return Ok(not_modified_response(&etag));
    }

    stream_rows(&app, &dataset, &typed, format, bom, Some(&etag)).await
}

/// Streams every row a query yields, batch by batch, as a download.
pub async fn stream_rows(
    app: &AppState,
    dataset: &Dataset,
    typed: &TypedQuery,
    format: Format,
    bom: bool,
    etag: Option<&str>,
) -> Result<Response, ApiError> {
    let stream = app.engine.stream(&app.source(dataset), typed).await?;
    let columns = engine::output_columns(typed);
    let mut encoder = encoder(format, &columns, bom);
    let head = encoder.start();
    let body = futures::stream::once(async move { Ok::<_, std::io::Error>(head) })
        .chain(stream.map(move |batch| match batch {
            Ok(batch) => Ok(encoder.rows(&batch)),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }))
        .chain(futures::stream::once(
            async move { Ok(encoder_tail(format)) },
        ));
    let mut response = Response::new(Body::from_stream(body));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}.{}\"",
        dataset.id,
        format.extension()
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(etag) = etag {
        set_common_headers(h, dataset, etag);
    }
    set_privacy(h, dataset);
    set_field_headers(h, &columns);
    Ok(response)
}

fn encoder_tail(format: Format) -> String {
    Encoder::new(format, &[], false).finish()
}

/// `abcd-1234.json` → the id and the format; no extension reads `Accept`.
fn split_file<'a>(file: &'a str, headers: &HeaderMap) -> Result<(&'a str, Format), ApiError> {
    match file.rsplit_once('.') {
        Some((id, ext)) => Format::from_extension(ext).map(|f| (id, f)).ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "req.format.unsupported",
                format!("`.{ext}` is not a format served here; use .json, .csv or .geojson"),
            )
        }),
        None => {
            let accept = headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            Ok((file, Format::from_accept(accept)))
        }
    }
}

/// A weak validator: the dataset version, the format, the query and the
/// caller's access class, so one class's copy never validates another's.
fn etag(dataset: &Dataset, format: Format, params: &[(String, String)], access: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format.extension());
    hasher.update([2]);
    hasher.update(access);
    for (k, v) in params.iter().filter(|(k, _)| k != "$$app_token") {
        hasher.update([0]);
        hasher.update(k);
        hasher.update([1]);
        hasher.update(v);
    }
    let digest = hasher.finalize();
    let short: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("W/\"{}-v{}-{short}\"", dataset.id, dataset.version)
}

fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "*" || v.split(',').any(|t| t.trim() == etag))
}

fn not_modified_response(etag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(v) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

fn set_common_headers(h: &mut HeaderMap, dataset: &Dataset, etag: &str) {
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    let modified = dataset
        .updated_at
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    if let Ok(v) = HeaderValue::from_str(&modified) {
        h.insert(header::LAST_MODIFIED, v);
    }
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
}

/// An answer that not everyone may see (a dataset that is not public, or
/// restricted columns this caller sees) is marked for the caller's own
/// cache only, so no shared cache hands it to someone else.
pub(crate) fn set_privacy(h: &mut HeaderMap, seen: &Dataset) {
    let private =
        seen.visibility != store::Visibility::Public || seen.columns.iter().any(|c| c.restricted);
    if private {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    }
}

fn set_field_headers(h: &mut HeaderMap, columns: &[(String, SoqlType)]) {
    let fields: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let types: Vec<&str> = columns.iter().map(|(_, t)| t.as_str()).collect();
    let pairs = [
        ("x-soda2-fields", serde_json::to_string(&fields)),
        ("x-soda2-types", serde_json::to_string(&types)),
    ];
    for (name, value) in pairs {
        if let Some(v) = value.ok().and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(name, v);
        }
    }
}

/// The same request with one parameter replaced, as an absolute URL.
fn next_page_url(
    app: &AppState,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    parameter: &str,
    value: &str,
) -> String {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url_pairs(q)
                .into_iter()
                .filter(|(k, _)| {
                    // A cursor replaces the offset; a moved offset, a cursor.
                    k != parameter && k != "$offset" && k != params::CURSOR
                })
                .collect()
        })
        .unwrap_or_default();
    pairs.push((parameter.to_string(), value.to_string()));
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
        .collect();
    format!(
        "{}{}?{}",
        app.base_url(headers),
        uri.path(),
        query.join("&")
    )
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let decode = |s: &str| {
                urlencoding::decode(&s.replace('+', " "))
                    .map(|c| c.into_owned())
                    .unwrap_or_else(|_| s.to_string())
            };
            (decode(k), decode(v))
        })
        .collect()
}
