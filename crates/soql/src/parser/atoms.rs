//! The smallest expressions: literals, names, calls and parenthesised
//! expressions.

use super::expr::{Node, branch, depth_over, leaf};
use super::{Parser, is_reserved};
use crate::ast::{ExprKind, Literal, Span};
use crate::lexer::TokenKind;

type Result<T> = std::result::Result<T, crate::error::SoqlError>;

impl Parser<'_> {
    pub(super) fn atom(&mut self) -> Result<Node> {
        let token = self.peek().clone();
        let kind = match token.kind {
            TokenKind::Text(text) => ExprKind::Literal(Literal::Text(text)),
            TokenKind::Number(number) => ExprKind::Literal(Literal::Number(number)),
            TokenKind::System(name) => ExprKind::Column(name.to_ascii_lowercase()),
            TokenKind::Quoted(name) => ExprKind::Column(name),
            TokenKind::LParen => return self.parenthesized(),
            TokenKind::Word(word) => return self.word(&word),
            _ => return Err(self.unexpected("an expression")),
        };
        self.bump();
        Ok(leaf(kind, token.span))
    }

    /// Parentheses leave no node of their own; the inner span widens to them.
    fn parenthesized(&mut self) -> Result<Node> {
        let start = self.bump().span;
        let mut inner = self.expr_node()?;
        let end = self.expect(&TokenKind::RParen, "`)`")?;
        inner.expr.span = start.to(end);
        Ok(inner)
    }

    /// A keyword literal, a function call or a column.
    fn word(&mut self, word: &str) -> Result<Node> {
        let lower = word.to_ascii_lowercase();
        let literal = match lower.as_str() {
            "true" => Some(Literal::Bool(true)),
            "false" => Some(Literal::Bool(false)),
            "null" => Some(Literal::Null),
            _ => None,
        };
        if let Some(literal) = literal {
            let span = self.bump().span;
            return Ok(leaf(ExprKind::Literal(literal), span));
        }
        if is_reserved(&lower) {
            return Err(self.unexpected("an expression"));
        }
        let span = self.bump().span;
        if self.peek().kind == TokenKind::LParen {
            return self.call(lower, span);
        }
        Ok(leaf(ExprKind::Column(lower), span))
    }

    /// The arguments of a call, `name` already read: `f()`, `f(a, b)`,
    /// `count(*)`, `count(DISTINCT x)`.
    fn call(&mut self, name: String, name_span: Span) -> Result<Node> {
        self.bump();
        let distinct = self.eat_keyword("distinct").is_some();
        let args = if let Some(star) = self.star_argument(distinct) {
            vec![star]
        } else if distinct || self.peek().kind != TokenKind::RParen {
            self.comma_separated(Parser::expr_node)?
        } else {
            Vec::new()
        };
        let end = self.expect(&TokenKind::RParen, "`,` or `)`")?;
        let span = name_span.to(end);
        let depth = depth_over(span, args.iter().map(|a| a.depth))?;
        let args = args.into_iter().map(|a| a.expr).collect();
        let kind = ExprKind::Call {
            name,
            args,
            distinct,
        };
        Ok(branch(kind, span, depth))
    }

    /// `*` as the whole argument list, as in `count(*)`.
    fn star_argument(&mut self, distinct: bool) -> Option<Node> {
        let is_star_alone =
            self.peek().kind == TokenKind::Star && self.peek_second().kind == TokenKind::RParen;
        if distinct || !is_star_alone {
            return None;
        }
        let span = self.bump().span;
        Some(leaf(ExprKind::Star, span))
    }
}
