//! SODA's query-string parameters to a SoQL query, remembering which
//! parameter each clause came from so errors can point into it.

use serde_json::json;
use soql::ast::{BinaryOp, Expr, ExprKind, Literal, SelectItem};
use soql::{Clause, Query, SoqlType, Span};
use store::Dataset;

use crate::error::ApiError;

/// Parameters that shape the answer rather than the query.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub bom: bool,
    pub app_token: Option<String>,
    /// `$$cursor`: the page starts after the row with this `:id`, in the
    /// query's order.
    pub after: Option<i64>,
}

/// The parameter that carries a keyset cursor.
pub const CURSOR: &str = "$$cursor";

/// A cursor for the page after the row with this `:id`. Clients treat it as
/// opaque; it only ever comes from a `Link` header. The order it continues
/// is the request's own `$order`, which the `Link` keeps, so the cursor
/// names the row alone.
pub fn cursor(last_id: i64) -> String {
    format!("k{last_id:x}")
}

fn read_cursor(text: &str) -> Option<i64> {
    let hex = text.strip_prefix('k')?;
    if hex.is_empty() || hex.len() > 16 {
        return None;
    }
    i64::from_str_radix(hex, 16).ok().filter(|id| *id >= 0)
}

/// A parsed request: the query and the text each clause was written in.
#[derive(Debug, Clone)]
pub struct Request {
    pub query: Query,
    /// The whole statement when it came as `$query`.
    pub statement: Option<String>,
    /// That statement as parsed, before any `field=value` filters joined it.
    pub statement_query: Option<Query>,
    pub texts: Vec<(Clause, &'static str, String)>,
    pub options: Options,
    /// The page size asked for, or the default.
    pub limit: u64,
    pub offset: u64,
}

pub const DEFAULT_LIMIT: u64 = 1000;

/// Far beyond any dataset's rows, and small enough for every layer below.
pub const MAX_OFFSET: u64 = 1 << 53;

impl Request {
    /// The parameter and value that ask for the page after this one: a
    /// cursor after the page's last `:id` when the query pages by keys, else
    /// a moved `$offset`, or for a `$query` the statement with its OFFSET moved.
    pub fn next_page(&self, last_id: Option<i64>) -> (&'static str, String) {
        if let Some(id) = last_id {
            return (CURSOR, cursor(id));
        }
        let next = self.offset.saturating_add(self.limit);
        match &self.statement_query {
            Some(statement) => {
                let mut statement = statement.clone();
                statement.limit = Some(self.limit);
                statement.offset = Some(next);
                ("$query", soql::print_query(&statement))
            }
            None => ("$offset", next.to_string()),
        }
    }

    /// Where a checker error came from: the parameter's name and text.
    pub fn source_of(&self, clause: Clause) -> (&'static str, &str) {
        if let Some(statement) = &self.statement {
            return ("$query", statement);
        }
        let text = self
            .texts
            .iter()
            .find(|(c, _, _)| *c == clause)
            .map_or("", |(_, _, text)| text.as_str());
        (param_of(clause), text)
    }
}

const CLAUSE_PARAMS: [&str; 9] = [
    "$select", "$where", "$order", "$group", "$having", "$limit", "$offset", "$q", "$query",
];

pub fn parse(
    params: &[(String, String)],
    dataset: &Dataset,
    max_limit: u64,
) -> Result<Request, ApiError> {
    let mut texts: Vec<(Clause, &'static str, String)> = Vec::new();
    let mut filters: Vec<(String, String)> = Vec::new();
    let mut statement = None;
    let mut options = Options::default();
    let mut include_system = false;

    for (key, value) in params {
        if let Some(name) = CLAUSE_PARAMS.iter().find(|p| **p == key) {
            if *name == "$query" {
                if statement.replace(value.clone()).is_some() {
                    return Err(ApiError::bad_parameter(name, "$query is given twice"));
                }
                continue;
            }
            if texts.iter().any(|(_, n, _)| n == name) {
                return Err(ApiError::bad_parameter(
                    name,
                    format!("{name} is given twice"),
                ));
            }
            texts.push((clause_of(name), name, value.clone()));
        } else if key == "$$bom" {
            options.bom = value.eq_ignore_ascii_case("true");
        } else if key == "$$app_token" {
            options.app_token = Some(value.clone());
        } else if key == CURSOR {
            let after = read_cursor(value).ok_or_else(|| {
                ApiError::bad_parameter(
                    CURSOR,
                    "not a cursor: take it unchanged from the Link header of the page before",
                )
            })?;
            options.after = Some(after);
        } else if key == "$$exclude_system_fields" {
            include_system = value.eq_ignore_ascii_case("false");
        } else if key.starts_with("$$") || key == "$jsonp" {
            // Other `$$` switches tune Socrata's own internals; they change nothing here.
        } else if key.starts_with('$') {
            return Err(ApiError::bad_parameter(
                key,
                format!(
                    "unknown parameter `{key}`; expected one of {}",
                    CLAUSE_PARAMS.join(", ")
                ),
            ));
        } else {
            filters.push((key.clone(), value.clone()));
        }
    }

    let mut query = match &statement {
        Some(text) => {
            if let Some((_, name, _)) = texts.first() {
                return Err(ApiError::bad_parameter(
                    name,
                    format!(
                        "{name} cannot be combined with $query; write the whole query in $query"
                    ),
                ));
            }
            soql::parse_query(text).map_err(|e| ApiError::query(&e, "$query", text))?
        }
        None => clauses(&texts)?,
    };
    let statement_query = statement.as_ref().map(|_| query.clone());
    if include_system && query.select.is_empty() {
        query.select = vec![star(ExprKind::SystemStar), star(ExprKind::Star)];
    }
    for (field, value) in &filters {
        let condition = filter(dataset, field, value)?;
        query.filter = Some(match query.filter.take() {
            Some(existing) => binary(BinaryOp::And, existing, condition),
            None => condition,
        });
    }

    let limit = query.limit.unwrap_or(DEFAULT_LIMIT.min(max_limit));
    if limit > max_limit {
        let parameter = if statement.is_some() {
            "$query"
        } else {
            "$limit"
        };
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "req.row-limit-exceeded",
            format!(
                "a page may hold at most {max_limit} rows, and {limit} were asked for; page with $offset, or download every row from /api/views/{}/rows.csv",
                dataset.id
            ),
        )
        .with_data(json!({ "parameter": parameter, "max_limit": max_limit })));
    }
    let offset = query.offset.unwrap_or(0);
    if options.after.is_some() && (statement.is_some() || query.offset.is_some()) {
        return Err(ApiError::bad_parameter(
            CURSOR,
            "a cursor already says where the page starts; drop $offset, or page a $query with its OFFSET",
        ));
    }
    if offset > MAX_OFFSET {
        let parameter = if statement.is_some() {
            "$query"
        } else {
            "$offset"
        };
        return Err(ApiError::bad_parameter(
            parameter,
            format!("an offset may be at most {MAX_OFFSET}, and {offset} was asked for"),
        ));
    }
    Ok(Request {
        query,
        statement,
        statement_query,
        texts,
        options,
        limit,
        offset,
    })
}

fn param_of(clause: Clause) -> &'static str {
    match clause {
        Clause::Select => "$select",
        Clause::Where => "$where",
        Clause::Order => "$order",
        Clause::Group => "$group",
        Clause::Having => "$having",
        Clause::Limit => "$limit",
        Clause::Offset => "$offset",
        Clause::Search => "$q",
        Clause::Query => "$query",
    }
}

fn clause_of(param: &str) -> Clause {
    match param {
        "$select" => Clause::Select,
        "$where" => Clause::Where,
        "$order" => Clause::Order,
        "$group" => Clause::Group,
        "$having" => Clause::Having,
        "$limit" => Clause::Limit,
        "$offset" => Clause::Offset,
        "$q" => Clause::Search,
        _ => Clause::Query,
    }
}

fn clauses(texts: &[(Clause, &'static str, String)]) -> Result<Query, ApiError> {
    let mut query = Query::default();
    for (clause, name, text) in texts {
        let err = |e: soql::SoqlError| ApiError::query(&e, name, text);
        match clause {
            Clause::Select => {
                let (distinct, items) = soql::parse_selection(text).map_err(err)?;
                query.distinct = distinct;
                query.select = items;
            }
            Clause::Where => query.filter = Some(soql::parse_expr(text).map_err(err)?),
            Clause::Having => query.having = Some(soql::parse_expr(text).map_err(err)?),
            Clause::Group => query.group_by = soql::parse_group_by(text).map_err(err)?,
            Clause::Order => query.order_by = soql::parse_order_by(text).map_err(err)?,
            Clause::Search => query.search = Some(text.clone()),
            Clause::Limit => query.limit = Some(count(name, text)?),
            Clause::Offset => query.offset = Some(count(name, text)?),
            Clause::Query => {}
        }
    }
    Ok(query)
}

fn count(name: &str, text: &str) -> Result<u64, ApiError> {
    text.trim().parse::<u64>().map_err(|_| {
        ApiError::bad_parameter(
            name,
            format!("expected a whole number of rows for {name}, found `{text}`"),
        )
    })
}

/// `field=value`: equality with the value read as the column's type.
fn filter(dataset: &Dataset, field: &str, value: &str) -> Result<Expr, ApiError> {
    let schema = dataset.schema();
    let Some(ty) = schema.lookup(field) else {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            soql::ErrorCode::NoSuchColumn.as_str(),
            format!("no such column: `{field}`"),
        )
        .with_data(json!({ "parameter": field, "position": { "line": 1, "column": 1 } })));
    };
    let literal = match ty {
        SoqlType::Number => {
            let plain = value.trim();
            if plain.parse::<f64>().is_err() {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    soql::ErrorCode::TypeMismatch.as_str(),
                    format!("expected a number for `{field}`, found `{value}`"),
                )
                .with_data(json!({ "parameter": field })));
            }
            Literal::Number(plain.to_string())
        }
        SoqlType::Checkbox => Literal::Bool(value.eq_ignore_ascii_case("true")),
        _ => Literal::Text(value.to_string()),
    };
    Ok(binary(
        BinaryOp::Eq,
        node(ExprKind::Column(field.to_string())),
        node(ExprKind::Literal(literal)),
    ))
}

fn node(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    Expr {
        kind: ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    }
}

fn star(kind: ExprKind) -> SelectItem {
    SelectItem {
        expr: node(kind),
        alias: None,
    }
}
