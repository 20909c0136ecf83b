//! Errors a person can act on: a Socrata code, "expected X, found Y", and where.

use crate::ast::{Clause, Span};

/// Socrata's error codes for query problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadParse,
    UnexpectedEof,
    UnterminatedString,
    NoSuchColumn,
    NoSuchFunction,
    TypeMismatch,
    AggregateInUngroupedContext,
    ColumnNotInGroupBys,
    DuplicateAlias,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadParse => "query.soql.bad-parse",
            ErrorCode::UnexpectedEof => "query.soql.unexpected-eof",
            ErrorCode::UnterminatedString => "query.soql.unterminated-string",
            ErrorCode::NoSuchColumn => "query.soql.no-such-column",
            ErrorCode::NoSuchFunction => "query.soql.no-such-function",
            ErrorCode::TypeMismatch => "query.soql.type-mismatch",
            ErrorCode::AggregateInUngroupedContext => "query.soql.aggregate-in-ungrouped-context",
            ErrorCode::ColumnNotInGroupBys => "query.soql.column-not-in-group-bys",
            ErrorCode::DuplicateAlias => "query.soql.duplicate-alias",
        }
    }
}

/// A problem in one piece of query text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SoqlError {
    pub code: ErrorCode,
    pub message: String,
    /// Byte range inside the text of the parameter the error is in.
    pub span: Span,
}

/// A 1-based line and column (in characters) inside a parameter's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SoqlError {
    pub fn new(code: ErrorCode, message: impl Into<String>, span: Span) -> Self {
        SoqlError {
            code,
            message: message.into(),
            span,
        }
    }

    /// Where the error starts in `text`, the parameter it was found in.
    pub fn position(&self, text: &str) -> Position {
        let start = self.span.start.min(text.len());
        let before = text.get(..start).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

/// A problem the checker found, and which clause's text its span points into.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct CheckError {
    pub clause: Clause,
    pub error: SoqlError,
}

impl CheckError {
    pub fn new(clause: Clause, error: SoqlError) -> Self {
        CheckError { clause, error }
    }

    /// The error's Socrata code, e.g. `query.soql.no-such-column`.
    pub fn code(&self) -> ErrorCode {
        self.error.code
    }
}
