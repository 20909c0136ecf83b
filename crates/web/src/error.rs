//! One error type for the API: it becomes Socrata's JSON envelope,
//! `{"code", "error": true, "message", "data"}`, with a 4xx status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub data: Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            data: json!({}),
        }
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }

    pub fn bad_parameter(parameter: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "req.bad-parameter", message)
            .with_data(json!({ "parameter": parameter }))
    }

    pub fn no_dataset(id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "query.dataset.does-not-exist",
            format!("no dataset with id `{id}`"),
        )
        .with_data(json!({ "dataset": id }))
    }

    /// A fault on our side: logged in full once, reported without detail.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!(error = %error, "{context}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not answer this request; it has been logged",
        )
    }

    /// A query problem at a place in one parameter's text.
    pub fn query(error: &soql::SoqlError, parameter: &str, text: &str) -> Self {
        let at = error.position(text);
        ApiError::new(
            StatusCode::BAD_REQUEST,
            error.code.as_str(),
            error.message.clone(),
        )
        .with_data(json!({
            "parameter": parameter,
            "position": { "line": at.line, "column": at.column },
        }))
    }

    pub fn body(&self) -> Value {
        json!({
            "code": self.code,
            "error": true,
            "message": self.message,
            "data": self.data,
        })
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::Conflict(message) => {
                ApiError::new(StatusCode::CONFLICT, "request.changed", message)
            }
            other => ApiError::internal("catalog", other),
        }
    }
}

impl From<engine::EngineError> for ApiError {
    fn from(e: engine::EngineError) -> Self {
        match e {
            engine::EngineError::Unsupported(message) => {
                ApiError::new(StatusCode::BAD_REQUEST, "query.soql.unsupported", message)
            }
            engine::EngineError::Execution(e) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "query.execution.failed",
                format!("the query could not be computed: {}", e.message()),
            ),
            other => ApiError::internal("engine", other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json;charset=utf-8"),
        );
        response
    }
}
