//! SoQL, the Socrata Query Language: parse query text, print it back, and
//! check it against a dataset's schema into a typed query. No I/O here.
//!
//! Each SODA parameter has its own parser (`parse_selection` for `$select`,
//! `parse_expr` for `$where` and `$having`, `parse_group_by`,
//! `parse_order_by`), and `parse_query` reads a whole `$query` statement.
//! Spans in errors and trees are byte ranges into the text that was parsed.
//! `check` resolves names and types against a `Schema`.

mod alias;
pub mod ast;
mod check;
pub mod error;
mod functions;
pub mod geometry;
mod lexer;
mod number;
mod parser;
mod print;
mod spans;
mod suggest;
mod timestamp;
pub mod typed;
pub mod types;
mod wkt;

pub use ast::{Clause, Query, Span};
pub use check::check;
pub use error::{CheckError, ErrorCode, Position, SoqlError};
pub use geometry::Geometry;
pub use parser::{parse_expr, parse_group_by, parse_order_by, parse_query, parse_selection};
pub use print::{print_expr, print_group_by, print_order_by, print_query, print_selection};
pub use spans::WithoutSpans;
pub use typed::{Func, Search, Selected, TypedExpr, TypedKind, TypedOrder, TypedQuery, Value};
pub use types::{ColumnDef, Schema, SoqlType};
