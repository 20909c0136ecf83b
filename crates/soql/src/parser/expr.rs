//! The expression grammar, one function per precedence level, lowest first:
//! OR, AND, NOT, comparisons (IS NULL, BETWEEN, IN, LIKE, `=` ...), `||`,
//! `+ -`, `* / %`, `^`, unary `- +`, atoms.

use super::{Parser, is_reserved};
use crate::ast::{BinaryOp, Expr, ExprKind, Literal, Span, UnaryOp};
use crate::lexer::TokenKind;

type Result<T> = std::result::Result<T, crate::error::SoqlError>;

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    let kind = ExprKind::Binary {
        op,
        left: Box::new(left),
        right: Box::new(right),
    };
    Expr { kind, span }
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

impl Parser<'_> {
    pub(super) fn expr(&mut self) -> Result<Expr> {
        let mut left = self.and()?;
        while self.eat_keyword("or").is_some() {
            left = binary(BinaryOp::Or, left, self.and()?);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr> {
        let mut left = self.not()?;
        while self.eat_keyword("and").is_some() {
            left = binary(BinaryOp::And, left, self.not()?);
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr> {
        let Some(start) = self.eat_keyword("not") else {
            return self.comparison();
        };
        let operand = self.not()?;
        Ok(unary(UnaryOp::Not, start, operand))
    }

    /// Comparisons chain to the left: `a = b IS NULL` is `(a = b) IS NULL`.
    fn comparison(&mut self) -> Result<Expr> {
        let mut left = self.concat()?;
        loop {
            left = if let Some(op) = comparison_op(&self.peek().kind) {
                self.bump();
                binary(op, left, self.concat()?)
            } else if self.eat_keyword("is").is_some() {
                self.is_null(left)?
            } else if self.peek().is_keyword("not") {
                self.bump();
                self.negatable(left, true, "`BETWEEN`, `IN` or `LIKE`")?
            } else if ["between", "in", "like"]
                .iter()
                .any(|k| self.peek().is_keyword(k))
            {
                self.negatable(left, false, "")?
            } else {
                return Ok(left);
            };
        }
    }

    fn is_null(&mut self, expr: Expr) -> Result<Expr> {
        let negated = self.eat_keyword("not").is_some();
        let end = if negated {
            self.expect_keyword("null")?
        } else {
            self.eat_keyword("null")
                .ok_or_else(|| self.unexpected("`NOT` or `NULL`"))?
        };
        let span = expr.span.to(end);
        let kind = ExprKind::IsNull {
            expr: Box::new(expr),
            negated,
        };
        Ok(Expr { kind, span })
    }

    /// `[NOT] BETWEEN`, `[NOT] IN`, `[NOT] LIKE`, the `NOT` already eaten.
    fn negatable(&mut self, expr: Expr, negated: bool, expected: &str) -> Result<Expr> {
        if self.eat_keyword("between").is_some() {
            self.between(expr, negated)
        } else if self.eat_keyword("in").is_some() {
            self.in_list(expr, negated)
        } else if self.eat_keyword("like").is_some() {
            let pattern = self.concat()?;
            let span = expr.span.to(pattern.span);
            let kind = ExprKind::Like {
                expr: Box::new(expr),
                pattern: Box::new(pattern),
                negated,
            };
            Ok(Expr { kind, span })
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn between(&mut self, expr: Expr, negated: bool) -> Result<Expr> {
        let low = self.concat()?;
        self.expect_keyword("and")?;
        let high = self.concat()?;
        let span = expr.span.to(high.span);
        let kind = ExprKind::Between {
            expr: Box::new(expr),
            low: Box::new(low),
            high: Box::new(high),
            negated,
        };
        Ok(Expr { kind, span })
    }

    fn in_list(&mut self, expr: Expr, negated: bool) -> Result<Expr> {
        self.expect(&TokenKind::LParen, "`(`")?;
        let list = self.comma_separated(Parser::expr)?;
        let end = self.expect(&TokenKind::RParen, "`,` or `)`")?;
        let span = expr.span.to(end);
        let kind = ExprKind::In {
            expr: Box::new(expr),
            list,
            negated,
        };
        Ok(Expr { kind, span })
    }

    fn concat(&mut self) -> Result<Expr> {
        let mut left = self.additive()?;
        while self.eat(&TokenKind::Concat).is_some() {
            left = binary(BinaryOp::Concat, left, self.additive()?);
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek().kind {
                TokenKind::Plus => BinaryOp::Add,
                TokenKind::Minus => BinaryOp::Sub,
                _ => return Ok(left),
            };
            self.bump();
            left = binary(op, left, self.multiplicative()?);
        }
    }

    fn multiplicative(&mut self) -> Result<Expr> {
        let mut left = self.power()?;
        loop {
            let op = match self.peek().kind {
                TokenKind::Star => BinaryOp::Mul,
                TokenKind::Slash => BinaryOp::Div,
                TokenKind::Percent => BinaryOp::Mod,
                _ => return Ok(left),
            };
            self.bump();
            left = binary(op, left, self.power()?);
        }
    }

    /// `^` groups to the right: `2 ^ 3 ^ 2` is `2 ^ (3 ^ 2)`.
    fn power(&mut self) -> Result<Expr> {
        let base = self.unary()?;
        if self.eat(&TokenKind::Caret).is_none() {
            return Ok(base);
        }
        let exponent = self.power()?;
        Ok(binary(BinaryOp::Pow, base, exponent))
    }

    fn unary(&mut self) -> Result<Expr> {
        let op = match self.peek().kind {
            TokenKind::Minus => UnaryOp::Neg,
            TokenKind::Plus => UnaryOp::Plus,
            _ => return self.atom(),
        };
        let start = self.bump().span;
        let operand = self.unary()?;
        Ok(unary(op, start, operand))
    }

    fn atom(&mut self) -> Result<Expr> {
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
        Ok(Expr {
            kind,
            span: token.span,
        })
    }

    fn parenthesized(&mut self) -> Result<Expr> {
        let start = self.bump().span;
        let inner = self.expr()?;
        let end = self.expect(&TokenKind::RParen, "`)`")?;
        Ok(Expr {
            kind: inner.kind,
            span: start.to(end),
        })
    }

    /// A keyword literal, a function call or a column.
    fn word(&mut self, word: &str) -> Result<Expr> {
        let lower = word.to_ascii_lowercase();
        let literal = match lower.as_str() {
            "true" => Some(Literal::Bool(true)),
            "false" => Some(Literal::Bool(false)),
            "null" => Some(Literal::Null),
            _ => None,
        };
        if let Some(literal) = literal {
            let span = self.bump().span;
            let kind = ExprKind::Literal(literal);
            return Ok(Expr { kind, span });
        }
        if is_reserved(&lower) {
            return Err(self.unexpected("an expression"));
        }
        let span = self.bump().span;
        if self.peek().kind == TokenKind::LParen {
            return self.call(lower, span);
        }
        let kind = ExprKind::Column(lower);
        Ok(Expr { kind, span })
    }

    /// The arguments of a call, `name` already read: `f()`, `f(a, b)`,
    /// `count(*)`, `count(DISTINCT x)`.
    fn call(&mut self, name: String, name_span: Span) -> Result<Expr> {
        self.bump();
        let distinct = self.eat_keyword("distinct").is_some();
        let args = if let Some(star) = self.star_argument(distinct) {
            vec![star]
        } else if distinct || self.peek().kind != TokenKind::RParen {
            self.comma_separated(Parser::expr)?
        } else {
            Vec::new()
        };
        let end = self.expect(&TokenKind::RParen, "`,` or `)`")?;
        let kind = ExprKind::Call {
            name,
            args,
            distinct,
        };
        let span = name_span.to(end);
        Ok(Expr { kind, span })
    }

    /// `*` as the whole argument list, as in `count(*)`.
    fn star_argument(&mut self, distinct: bool) -> Option<Expr> {
        let is_star_alone =
            self.peek().kind == TokenKind::Star && self.peek_second().kind == TokenKind::RParen;
        if distinct || !is_star_alone {
            return None;
        }
        let span = self.bump().span;
        let kind = ExprKind::Star;
        Some(Expr { kind, span })
    }
}

fn unary(op: UnaryOp, start: Span, operand: Expr) -> Expr {
    let span = start.to(operand.span);
    let kind = ExprKind::Unary {
        op,
        expr: Box::new(operand),
    };
    Expr { kind, span }
}
