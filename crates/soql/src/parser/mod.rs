//! Recursive-descent parser: one entry point per SODA parameter, and `$query`.

mod atoms;
mod expr;
mod query;

use crate::ast::{Expr, OrderItem, Query, SelectItem, Span};
use crate::error::{ErrorCode, SoqlError};
use crate::lexer::{Token, TokenKind, tokenize};

/// Words that never name a column unless back-quoted: they would make a
/// clause or an expression ambiguous.
pub(crate) const RESERVED: &[&str] = &[
    "and", "as", "asc", "between", "by", "desc", "distinct", "false", "from", "group", "having",
    "in", "is", "like", "limit", "not", "null", "offset", "or", "order", "search", "select",
    "true", "where",
];

/// How deeply expressions may nest. The checker, the printer and the engine
/// all walk trees recursively; this keeps them well inside a thread's stack.
pub(crate) const MAX_DEPTH: usize = 100;

/// How many grammar steps may be under way at once. Printing a tree adds at
/// most one pair of parentheses per node, so twice the depth is enough for
/// any tree that passes `MAX_DEPTH` to parse again.
pub(crate) const MAX_NESTING: usize = 2 * MAX_DEPTH;

pub(crate) fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(word))
}

/// Parses `$select`: `[DISTINCT] item, ...`. Blank text selects every column.
pub fn parse_selection(text: &str) -> Result<(bool, Vec<SelectItem>), SoqlError> {
    let mut parser = Parser::new(text)?;
    if parser.at_eof() {
        return Ok((false, Vec::new()));
    }
    let selection = parser.selection()?;
    parser.expect_eof("`,` or end of input")?;
    Ok(selection)
}

/// Parses a boolean-ish expression such as `$where` or `$having`.
pub fn parse_expr(text: &str) -> Result<Expr, SoqlError> {
    let mut parser = Parser::new(text)?;
    let expr = parser.expr()?;
    parser.expect_eof("an operator or end of input")?;
    Ok(expr)
}

/// Parses `$group`: expressions separated by commas. Blank text groups by nothing.
pub fn parse_group_by(text: &str) -> Result<Vec<Expr>, SoqlError> {
    let mut parser = Parser::new(text)?;
    if parser.at_eof() {
        return Ok(Vec::new());
    }
    let keys = parser.comma_separated(Parser::expr)?;
    parser.expect_eof("`,` or end of input")?;
    Ok(keys)
}

/// Parses `$order`: `expr [ASC|DESC] [NULL FIRST|NULL LAST], ...`. Blank text
/// orders by nothing.
pub fn parse_order_by(text: &str) -> Result<Vec<OrderItem>, SoqlError> {
    let mut parser = Parser::new(text)?;
    if parser.at_eof() {
        return Ok(Vec::new());
    }
    let items = parser.comma_separated(Parser::order_item)?;
    parser.expect_eof("`,` or end of input")?;
    Ok(items)
}

/// Parses a whole `$query` statement; spans point into the statement.
pub fn parse_query(text: &str) -> Result<Query, SoqlError> {
    let mut parser = Parser::new(text)?;
    parser.statement()
}

/// A cursor over the tokens of one parameter's text.
pub(crate) struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    /// How many recursive grammar steps are under way.
    nesting: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Result<Self, SoqlError> {
        Ok(Parser {
            text,
            tokens: tokenize(text)?,
            pos: 0,
            nesting: 0,
        })
    }

    fn peek(&self) -> &Token {
        &self.tokens[self.pos]
    }

    fn peek_second(&self) -> &Token {
        let last = self.tokens.len() - 1;
        &self.tokens[(self.pos + 1).min(last)]
    }

    fn at_eof(&self) -> bool {
        self.peek().kind == TokenKind::Eof
    }

    /// Moves past the current token and hands it back; stays put at the end.
    fn bump(&mut self) -> Token {
        let token = self.tokens[self.pos].clone();
        if token.kind != TokenKind::Eof {
            self.pos += 1;
        }
        token
    }

    /// Moves past the current token if it is `kind`.
    fn eat(&mut self, kind: &TokenKind) -> Option<Span> {
        (&self.peek().kind == kind).then(|| self.bump().span)
    }

    fn eat_keyword(&mut self, keyword: &str) -> Option<Span> {
        self.peek().is_keyword(keyword).then(|| self.bump().span)
    }

    fn expect(&mut self, kind: &TokenKind, expected: &str) -> Result<Span, SoqlError> {
        self.eat(kind).ok_or_else(|| self.unexpected(expected))
    }

    fn expect_keyword(&mut self, keyword: &str) -> Result<Span, SoqlError> {
        self.eat_keyword(keyword)
            .ok_or_else(|| self.unexpected(&format!("`{}`", keyword.to_uppercase())))
    }

    fn expect_eof(&self, expected: &str) -> Result<(), SoqlError> {
        if self.at_eof() {
            Ok(())
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// "expected X, found Y" about the current token.
    fn unexpected(&self, expected: &str) -> SoqlError {
        let token = self.peek();
        let (code, found) = match token.kind {
            TokenKind::Eof => (ErrorCode::UnexpectedEof, "end of input".to_string()),
            _ => (ErrorCode::BadParse, self.describe(token.span)),
        };
        SoqlError::new(
            code,
            format!("expected {expected}, found {found}"),
            token.span,
        )
    }

    /// The token's text in back-quotes, shortened so a message stays one line.
    fn describe(&self, span: Span) -> String {
        const MAX_CHARS: usize = 30;
        let written = &self.text[span.start..span.end];
        if written.chars().count() <= MAX_CHARS {
            return format!("`{written}`");
        }
        let head: String = written.chars().take(MAX_CHARS).collect();
        format!("`{head}…`")
    }

    fn comma_separated<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, SoqlError>,
    ) -> Result<Vec<T>, SoqlError> {
        let mut items = vec![item(self)?];
        while self.eat(&TokenKind::Comma).is_some() {
            items.push(item(self)?);
        }
        Ok(items)
    }

    /// A column or alias name: bare words are lower-cased (field names are
    /// lower case); back-quoted ones are kept as written.
    fn name(&mut self, expected: &str) -> Result<(String, Span), SoqlError> {
        let token = self.peek().clone();
        let name = match token.kind {
            TokenKind::Word(word) if !is_reserved(&word) => word.to_ascii_lowercase(),
            TokenKind::Quoted(name) => name,
            _ => return Err(self.unexpected(expected)),
        };
        self.bump();
        Ok((name, token.span))
    }
}
