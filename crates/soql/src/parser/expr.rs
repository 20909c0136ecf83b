//! Operators, by precedence climbing. From loosest to tightest: OR, AND,
//! NOT, comparisons (`=`, `<`, IS NULL, BETWEEN, IN, LIKE), `||`, `+ -`,
//! `* / %`, `^` (grouping to the right), unary `- +`, then atoms.
//!
//! Every step hands back the tree's depth with it, so that a query nested
//! too deeply for the checker and the engine to walk safely is refused here.

use super::{MAX_DEPTH, MAX_NESTING, Parser};
use crate::ast::{BinaryOp, Expr, ExprKind, Span, UnaryOp};
use crate::error::{ErrorCode, SoqlError};
use crate::lexer::TokenKind;

type Result<T> = std::result::Result<T, SoqlError>;

/// An expression and the number of nodes on its longest path down.
pub(super) struct Node {
    pub expr: Expr,
    pub depth: usize,
}

/// Binding powers: how hard an operator holds the operand on its left, and
/// the least power an operator inside its right operand must have. Left
/// below right groups to the left; `^` has them the other way round.
const OR: (u8, u8) = (2, 3);
const AND: (u8, u8) = (4, 5);
/// What `NOT` takes: anything but AND and OR.
const NOT_OPERAND: u8 = 6;
const COMPARISON: (u8, u8) = (8, 9);
const CONCAT: (u8, u8) = (10, 11);
const ADDITIVE: (u8, u8) = (12, 13);
const MULTIPLICATIVE: (u8, u8) = (14, 15);
const POWER: (u8, u8) = (17, 16);
/// What a sign takes: an atom, or another sign.
const SIGN_OPERAND: u8 = 18;

/// What may follow a complete operand.
#[derive(Debug, Clone, Copy)]
enum Infix {
    Binary(BinaryOp),
    IsNull,
    /// `BETWEEN`, `IN` or `LIKE`, possibly after `NOT`.
    Range {
        negated: bool,
    },
}

fn too_deep(limit: usize, span: Span) -> SoqlError {
    let message = format!("expected at most {limit} levels of nesting, found more");
    SoqlError::new(ErrorCode::BadParse, message, span)
}

pub(super) fn leaf(kind: ExprKind, span: Span) -> Node {
    let expr = Expr { kind, span };
    Node { expr, depth: 1 }
}

/// The depth of a node over children of these depths, refused past the limit.
pub(super) fn depth_over(span: Span, children: impl IntoIterator<Item = usize>) -> Result<usize> {
    let depth = 1 + children.into_iter().max().unwrap_or(0);
    if depth > MAX_DEPTH {
        return Err(too_deep(MAX_DEPTH, span));
    }
    Ok(depth)
}

pub(super) fn branch(kind: ExprKind, span: Span, depth: usize) -> Node {
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

fn symbol_operator(kind: &TokenKind) -> Option<(BinaryOp, (u8, u8))> {
    let operator = match kind {
        TokenKind::Eq => (BinaryOp::Eq, COMPARISON),
        TokenKind::NotEq => (BinaryOp::NotEq, COMPARISON),
        TokenKind::Lt => (BinaryOp::Lt, COMPARISON),
        TokenKind::LtEq => (BinaryOp::LtEq, COMPARISON),
        TokenKind::Gt => (BinaryOp::Gt, COMPARISON),
        TokenKind::GtEq => (BinaryOp::GtEq, COMPARISON),
        TokenKind::Concat => (BinaryOp::Concat, CONCAT),
        TokenKind::Plus => (BinaryOp::Add, ADDITIVE),
        TokenKind::Minus => (BinaryOp::Sub, ADDITIVE),
        TokenKind::Star => (BinaryOp::Mul, MULTIPLICATIVE),
        TokenKind::Slash => (BinaryOp::Div, MULTIPLICATIVE),
        TokenKind::Percent => (BinaryOp::Mod, MULTIPLICATIVE),
        TokenKind::Caret => (BinaryOp::Pow, POWER),
        _ => return None,
    };
    Some(operator)
}

impl Parser<'_> {
    pub(super) fn expr(&mut self) -> Result<Expr> {
        Ok(self.expr_node()?.expr)
    }

    pub(super) fn expr_node(&mut self) -> Result<Node> {
        self.operand(0)
    }

    /// An expression whose operators all bind at least as hard as `min`.
    /// Every recursion of the grammar passes through here, so the nesting
    /// is counted here, before the stack could run out.
    fn operand(&mut self, min: u8) -> Result<Node> {
        if self.nesting >= MAX_NESTING {
            return Err(too_deep(MAX_NESTING, self.peek().span));
        }
        self.nesting += 1;
        let result = self.climb(min);
        self.nesting -= 1;
        result
    }

    fn climb(&mut self, min: u8) -> Result<Node> {
        let mut left = self.prefix(min)?;
        while let Some((infix, (left_power, right_power))) = self.peek_infix() {
            if left_power < min {
                break;
            }
            left = match infix {
                Infix::Binary(op) => {
                    self.bump();
                    binary(op, left, self.operand(right_power)?)?
                }
                Infix::IsNull => {
                    self.bump();
                    self.is_null(left)?
                }
                Infix::Range { negated } => {
                    // A bare BETWEEN, IN or LIKE is left for `range` to read.
                    if negated {
                        self.bump();
                    }
                    self.range(left, negated)?
                }
            };
        }
        Ok(left)
    }

    /// `NOT x` (where the context allows it), `-x`, `+x`, or an atom.
    fn prefix(&mut self, min: u8) -> Result<Node> {
        if min <= NOT_OPERAND && self.peek().is_keyword("not") {
            let start = self.bump().span;
            let operand = self.operand(NOT_OPERAND)?;
            return unary(UnaryOp::Not, start, operand);
        }
        let op = match self.peek().kind {
            TokenKind::Minus => UnaryOp::Neg,
            TokenKind::Plus => UnaryOp::Plus,
            _ => return self.atom(),
        };
        let start = self.bump().span;
        let operand = self.operand(SIGN_OPERAND)?;
        unary(op, start, operand)
    }

    fn peek_infix(&self) -> Option<(Infix, (u8, u8))> {
        let token = self.peek();
        if let Some((op, powers)) = symbol_operator(&token.kind) {
            return Some((Infix::Binary(op), powers));
        }
        let TokenKind::Word(word) = &token.kind else {
            return None;
        };
        let infix = match word.to_ascii_lowercase().as_str() {
            "or" => return Some((Infix::Binary(BinaryOp::Or), OR)),
            "and" => return Some((Infix::Binary(BinaryOp::And), AND)),
            "is" => Infix::IsNull,
            "not" => Infix::Range { negated: true },
            "between" | "in" | "like" => Infix::Range { negated: false },
            _ => return None,
        };
        Some((infix, COMPARISON))
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

    /// `BETWEEN`, `IN` or `LIKE`, after any `NOT`.
    fn range(&mut self, operand: Node, negated: bool) -> Result<Node> {
        if self.eat_keyword("between").is_some() {
            self.between(operand, negated)
        } else if self.eat_keyword("in").is_some() {
            self.in_list(operand, negated)
        } else if self.eat_keyword("like").is_some() {
            self.like(operand, negated)
        } else {
            Err(self.unexpected("`BETWEEN`, `IN` or `LIKE`"))
        }
    }

    fn between(&mut self, operand: Node, negated: bool) -> Result<Node> {
        let low = self.operand(COMPARISON.1)?;
        self.expect_keyword("and")?;
        let high = self.operand(COMPARISON.1)?;
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
        let depths = items.iter().map(|i| i.depth).chain([operand.depth]);
        let depth = depth_over(span, depths)?;
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

    fn like(&mut self, operand: Node, negated: bool) -> Result<Node> {
        let pattern = self.operand(COMPARISON.1)?;
        let span = operand.expr.span.to(pattern.expr.span);
        let depth = depth_over(span, [operand.depth, pattern.depth])?;
        let kind = ExprKind::Like {
            expr: Box::new(operand.expr),
            pattern: Box::new(pattern.expr),
            negated,
        };
        Ok(branch(kind, span, depth))
    }
}
