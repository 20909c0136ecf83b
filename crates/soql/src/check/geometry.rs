//! WKT text literals where a geometry is wanted: `within_polygon(location,
//! 'MULTIPOLYGON (((...)))')` reads the text once, here, so that a bad
//! shape is a 400 that points at the character, never an engine failure.

use crate::ast::Span;
use crate::error::{ErrorCode, SoqlError};
use crate::geometry::{Geometry, WktError};
use crate::typed::{TypedExpr, TypedKind, Value};

/// Turns the text literal `arg` into a geometry literal of whatever kind
/// its WKT says; any other expression is left for the type check.
pub(crate) fn read_wkt_literal(arg: &mut TypedExpr) -> Result<(), SoqlError> {
    let TypedKind::Literal(Value::Text(text)) = &arg.kind else {
        return Ok(());
    };
    let geometry = Geometry::from_wkt(text).map_err(|e| wkt_error(&e, text, arg.span))?;
    arg.ty = geometry.soql_type();
    arg.kind = TypedKind::Literal(Value::Geometry(geometry));
    Ok(())
}

fn wkt_error(error: &WktError, text: &str, span: Span) -> SoqlError {
    let at = source_offset(text, error.offset, span);
    let span = Span::new(at, (at + 1).min(span.end).max(at));
    SoqlError::new(ErrorCode::BadParse, error.to_string(), span)
}

/// Where byte `offset` of a literal's text stands in the query: past the
/// opening quote and every doubled quote before it. When the span is not
/// the literal as written (an alias used elsewhere), the span's start.
fn source_offset(text: &str, offset: usize, span: Span) -> usize {
    let quotes = text.matches('\'').count();
    let written = text.len() + quotes + 2;
    if span.end.saturating_sub(span.start) != written {
        return span.start;
    }
    let before = text.get(..offset).unwrap_or(text);
    span.start + 1 + offset + before.matches('\'').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_the_quote_and_doubled_quotes() {
        // `'POINT (1 x)'` written at 10: the `x` is the 10th byte of the
        // text, the 11th of the literal.
        let text = "POINT (1 x)";
        let span = Span::new(10, 10 + text.len() + 2);
        assert_eq!(source_offset(text, 9, span), 20);
        let quoted = "a'b x";
        let span = Span::new(0, quoted.len() + 3);
        assert_eq!(source_offset(quoted, 4, span), 6);
        assert_eq!(source_offset(text, 9, Span::new(3, 5)), 3);
    }
}
