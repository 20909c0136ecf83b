//! The expression grammar, one function per precedence level, lowest first:
//! OR, AND, NOT, comparisons (IS NULL, BETWEEN, IN, LIKE, `=` ...), `||`,
//! `+ -`, `* / %`, `^`, unary `- +`, atoms.
//!
//! Every function hands back the tree's depth with it, so that a query
//! nested too deeply for the checker and the engine to walk safely is
//! refused here.

use super::{MAX_DEPTH, Parser, is_reserved};
use crate::ast::{BinaryOp, Expr, ExprKind, Literal, Span, UnaryOp};
use crate::error::{ErrorCode, SoqlError};
use crate::lexer::TokenKind;

type Result<T> = std::result::Result<T, SoqlError>;

/// An expression and the number of nodes on its longest path down.
pub(super) struct Node {
    pub expr: Expr,
    pub depth: usize,
}

fn comparison_op(kind: &TokenKind) -> Option<BinaryOp> {
    match kind {
        TokenKind::Eq => Some(BinaryOp::Eq),
        TokenKind::NotEq => Some(BinaryOp::NotEq),
        TokenKind::Lt => Some(BinaryOp::Lt),
        TokenKind::LtEq => Some(BinaryOp::LtEq),
        TokenKind::Gt => Some(BinaryOp::Gt),
        TokenKind::GtEq => Some(BinaryOp::GtEq),
        _ => None,
    }
}

fn too_deep(span: Span) -> SoqlError {
    let message = format!("expected at most {MAX_DEPTH} levels of nesting, found more");
    SoqlError::new(ErrorCode::BadParse, message, span)
}

fn leaf(kind: ExprKind, span: Span) -> Node {
    let expr = Expr { kind, span };
    Node { expr, depth: 1 }
}

/// The depth of a node over children of these depths, refused past the limit.
fn depth_over(span: Span, children: impl IntoIterator<Item = usize>) -> Result<usize> {
    let depth = 1 + children.into_iter().max().unwrap_or(0);
    if depth > MAX_DEPTH {
        return Err(too_deep(span));
    }
    Ok(depth)
}

fn branch(kind: ExprKind, span: Span, depth: usize) -> Node {
    let expr = Expr { kind, span };
    Node { expr, depth }
}

fn binary(op: BinaryOp, left: Node, right: Node) -> Result<Node> {
    let span = left.expr.span.to(right.expr.span);
    let depth = depth_over(span, [left.depth, right.depth])?;
    let kind = ExprKind::Binary {
        op,
        left: Box::new(left.expr),
        right: Box::new(right.expr),
    };
    Ok(branch(kind, span, depth))
}

fn unary(op: UnaryOp, start: Span, operand: Node) -> Result<Node> {
    let span = start.to(operand.expr.span);
    let depth = depth_over(span, [operand.depth])?;
    let expr = Box::new(operand.expr);
    Ok(branch(ExprKind::Unary { op, expr }, span, depth))
}

impl Parser<'_> {
    /// Runs a step that recurses, refusing input nested past `MAX_DEPTH`
    /// before the recursion itself could exhaust the stack.
    fn nested<T>(&mut self, step: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.nesting >= MAX_DEPTH {
            return Err(too_deep(self.peek().span));
        }
        self.nesting += 1;
        let result = step(self);
        self.nesting -= 1;
        result
    }

    pub(super) fn expr(&mut self) -> Result<Expr> {
        Ok(self.expr_node()?.expr)
    }

    fn expr_node(&mut self) -> Result<Node> {
        self.nested(|p| p.chain(Parser::and, |p| p.eat_keyword("or").map(|_| BinaryOp::Or)))
    }

    /// `operand (op operand)*`, grouped to the left.
    fn chain(
        &mut self,
        operand: fn(&mut Self) -> Result<Node>,
        operator: impl Fn(&mut Self) -> Option<BinaryOp>,
    ) -> Result<Node> {
        let mut left = operand(self)?;
        while let Some(op) = operator(self) {
            left = binary(op, left, operand(self)?)?;
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node> {
        self.chain(Parser::not, |p| p.eat_keyword("and").map(|_| BinaryOp::And))
    }

    fn not(&mut self) -> Result<Node> {
        let Some(start) = self.eat_keyword("not") else {
            return self.comparison();
        };
        let operand = self.nested(Parser::not)?;
        unary(UnaryOp::Not, start, operand)
    }

    /// Comparisons chain to the left: `a = b IS NULL` is `(a = b) IS NULL`.
    fn comparison(&mut self) -> Result<Node> {
        let mut left = self.concat()?;
        loop {
            left = if let Some(op) = comparison_op(&self.peek().kind) {
                self.bump();
                binary(op, left, self.concat()?)?
            } else if self.eat_keyword("is").is_some() {
                self.is_null(left)?
            } else if self.peek().is_keyword("not") {
                self.bump();
                self.negatable(left, true)?
            } else if ["between", "in", "like"]
                .iter()
                .any(|k| self.peek().is_keyword(k))
            {
                self.negatable(left, false)?
            } else {
                return Ok(left);
            };
        }
    }

    fn is_null(&mut self, operand: Node) -> Result<Node> {
        let negated = self.eat_keyword("not").is_some();
        let end = if negated {
            self.expect_keyword("null")?
        } else {
            let expected = "`NOT` or `NULL`";
            self.eat_keyword("null")
                .ok_or_else(|| self.unexpected(expected))?
        };
        let span = operand.expr.span.to(end);
        let depth = depth_over(span, [operand.depth])?;
        let expr = Box::new(operand.expr);
        Ok(branch(ExprKind::IsNull { expr, negated }, span, depth))
    }

    /// `[NOT] BETWEEN`, `[NOT] IN`, `[NOT] LIKE`, any `NOT` already eaten.
    fn negatable(&mut self, operand: Node, negated: bool) -> Result<Node> {
        if self.eat_keyword("between").is_some() {
            self.between(operand, negated)
        } else if self.eat_keyword("in").is_some() {
            self.in_list(operand, negated)
        } else if self.eat_keyword("like").is_some() {
            let pattern = self.concat()?;
            let span = operand.expr.span.to(pattern.expr.span);
            let depth = depth_over(span, [operand.depth, pattern.depth])?;
            let kind = ExprKind::Like {
                expr: Box::new(operand.expr),
                pattern: Box::new(pattern.expr),
                negated,
            };
            Ok(branch(kind, span, depth))
        } else {
            Err(self.unexpected("`BETWEEN`, `IN` or `LIKE`"))
        }
    }

    fn between(&mut self, operand: Node, negated: bool) -> Result<Node> {
        let low = self.concat()?;
        self.expect_keyword("and")?;
        let high = self.concat()?;
        let span = operand.expr.span.to(high.expr.span);
        let depth = depth_over(span, [operand.depth, low.depth, high.depth])?;
        let kind = ExprKind::Between {
            expr: Box::new(operand.expr),
            low: Box::new(low.expr),
            high: Box::new(high.expr),
            negated,
        };
        Ok(branch(kind, span, depth))
    }

    fn in_list(&mut self, operand: Node, negated: bool) -> Result<Node> {
        self.expect(&TokenKind::LParen, "`(`")?;
        let items = self.comma_separated(Parser::expr_node)?;
        let end = self.expect(&TokenKind::RParen, "`,` or `)`")?;
        let span = operand.expr.span.to(end);
        let depth = depth_over(span, items.iter().map(|i| i.depth).chain([operand.depth]))?;
        let list = items.into_iter().map(|i| i.expr).collect();
        let expr = Box::new(operand.expr);
        Ok(branch(
            ExprKind::In {
                expr,
                list,
                negated,
            },
            span,
            depth,
        ))
    }

    fn concat(&mut self) -> Result<Node> {
        let concat = |p: &mut Self| p.eat(&TokenKind::Concat).map(|_| BinaryOp::Concat);
        self.chain(Parser::additive, concat)
    }

    fn additive(&mut self) -> Result<Node> {
        self.chain(Parser::multiplicative, |p| {
            let op = match p.peek().kind {
                TokenKind::Plus => BinaryOp::Add,
                TokenKind::Minus => BinaryOp::Sub,
                _ => return None,
            };
            p.bump();
            Some(op)
        })
    }

    fn multiplicative(&mut self) -> Result<Node> {
        self.chain(Parser::power, |p| {
            let op = match p.peek().kind {
                TokenKind::Star => BinaryOp::Mul,
                TokenKind::Slash => BinaryOp::Div,
                TokenKind::Percent => BinaryOp::Mod,
                _ => return None,
            };
            p.bump();
            Some(op)
        })
    }

    /// `^` groups to the right: `2 ^ 3 ^ 2` is `2 ^ (3 ^ 2)`.
    fn power(&mut self) -> Result<Node> {
        let base = self.unary()?;
        if self.eat(&TokenKind::Caret).is_none() {
            return Ok(base);
        }
        let exponent = self.nested(Parser::power)?;
        binary(BinaryOp::Pow, base, exponent)
    }

    fn unary(&mut self) -> Result<Node> {
        let op = match self.peek().kind {
            TokenKind::Minus => UnaryOp::Neg,
            TokenKind::Plus => UnaryOp::Plus,
            _ => return self.atom(),
        };
        let start = self.bump().span;
        let operand = self.nested(Parser::unary)?;
        unary(op, start, operand)
    }

    fn atom(&mut self) -> Result<Node> {
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
