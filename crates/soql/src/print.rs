//! Prints syntax trees back to SoQL text that parses to the same tree.
//!
//! Parentheses are written only where precedence needs them, keywords in
//! upper case, and names back-quoted only when a bare word would not read
//! back as the same name.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{
    BinaryOp, Expr, ExprKind, Literal, NullOrder, OrderItem, Query, SelectItem, UnaryOp,
};
use crate::parser::is_reserved;

/// `expr` as SoQL text, e.g. for `$where`.
pub fn print_expr(expr: &Expr) -> String {
    expr.to_string()
}

/// A `$select` value: `[DISTINCT ]item, item`.
pub fn print_selection(distinct: bool, items: &[SelectItem]) -> String {
    match (distinct, items.is_empty()) {
        (false, _) => join(items),
        // An empty selection means every column, which DISTINCT must name.
        (true, true) => "DISTINCT *".to_string(),
        (true, false) => format!("DISTINCT {}", join(items)),
    }
}

/// A `$group` value.
pub fn print_group_by(keys: &[Expr]) -> String {
    join(keys)
}

/// An `$order` value.
pub fn print_order_by(items: &[OrderItem]) -> String {
    join(items)
}

/// A whole `$query` statement. An empty selection prints as `*`, which
/// checks the same but parses back as an explicit star.
pub fn print_query(query: &Query) -> String {
    query.to_string()
}

fn join<T: Display>(items: &[T]) -> String {
    let parts: Vec<String> = items.iter().map(T::to_string).collect();
    parts.join(", ")
}

/// How tightly an expression binds; a child that binds less tightly than
/// its place needs is parenthesised.
fn precedence(kind: &ExprKind) -> u8 {
    match kind {
        ExprKind::Binary { op, .. } => binary_precedence(*op),
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => 3,
        ExprKind::IsNull { .. }
        | ExprKind::Between { .. }
        | ExprKind::In { .. }
        | ExprKind::Like { .. } => 4,
        ExprKind::Unary { .. } => 9,
        _ => 10,
    }
}

fn binary_precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Eq
        | BinaryOp::NotEq
        | BinaryOp::Lt
        | BinaryOp::LtEq
        | BinaryOp::Gt
        | BinaryOp::GtEq => 4,
        BinaryOp::Concat => 5,
        BinaryOp::Add | BinaryOp::Sub => 6,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 7,
        BinaryOp::Pow => 8,
    }
}

fn binary_symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::And => "AND",
        BinaryOp::Or => "OR",
        BinaryOp::Eq => "=",
        BinaryOp::NotEq => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::LtEq => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::GtEq => ">=",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        BinaryOp::Pow => "^",
        BinaryOp::Concat => "||",
    }
}

/// Writes `expr`, in parentheses if it binds less tightly than `min`.
fn child(f: &mut Formatter<'_>, expr: &Expr, min: u8) -> fmt::Result {
    if precedence(&expr.kind) < min {
        write!(f, "({expr})")
    } else {
        write!(f, "{expr}")
    }
}

fn not_word(negated: bool) -> &'static str {
    if negated { "NOT " } else { "" }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Column(name) => write_name(f, name),
            ExprKind::Star => f.write_str("*"),
            ExprKind::SystemStar => f.write_str(":*"),
            ExprKind::Literal(literal) => write_literal(f, literal),
            ExprKind::Unary { op, expr } => write_unary(f, *op, expr),
            ExprKind::Binary { op, left, right } => write_binary(f, *op, left, right),
            ExprKind::IsNull { expr, negated } => {
                child(f, expr, 4)?;
                write!(f, " IS {}NULL", not_word(*negated))
            }
            ExprKind::Between {
                expr,
                low,
                high,
                negated,
            } => {
                child(f, expr, 4)?;
                write!(f, " {}BETWEEN ", not_word(*negated))?;
                child(f, low, 5)?;
                f.write_str(" AND ")?;
                child(f, high, 5)
            }
            ExprKind::In {
                expr,
                list,
                negated,
            } => {
                child(f, expr, 4)?;
                write!(f, " {}IN ({})", not_word(*negated), join(list))
            }
            ExprKind::Like {
                expr,
                pattern,
                negated,
            } => {
                child(f, expr, 4)?;
                write!(f, " {}LIKE ", not_word(*negated))?;
                child(f, pattern, 5)
            }
            ExprKind::Call {
                name,
                args,
                distinct,
            } => {
                let distinct = if *distinct { "DISTINCT " } else { "" };
                write!(f, "{name}({distinct}{})", join(args))
            }
        }
    }
}

fn write_unary(f: &mut Formatter<'_>, op: UnaryOp, operand: &Expr) -> fmt::Result {
    match op {
        UnaryOp::Not => {
            f.write_str("NOT ")?;
            child(f, operand, 3)
        }
        // An operand that is itself signed gets parentheses, so `-(-x)`
        // never reads as something else.
        UnaryOp::Neg => {
            f.write_char('-')?;
            child(f, operand, 10)
        }
        UnaryOp::Plus => {
            f.write_char('+')?;
            child(f, operand, 10)
        }
    }
}

fn write_binary(f: &mut Formatter<'_>, op: BinaryOp, left: &Expr, right: &Expr) -> fmt::Result {
    let own = binary_precedence(op);
    // `^` groups to the right, everything else to the left.
    let (left_min, right_min) = if op == BinaryOp::Pow {
        (own + 1, own)
    } else {
        (own, own + 1)
    };
    child(f, left, left_min)?;
    write!(f, " {} ", binary_symbol(op))?;
    child(f, right, right_min)
}

fn write_literal(f: &mut Formatter<'_>, literal: &Literal) -> fmt::Result {
    match literal {
        Literal::Text(text) => write_quoted(f, text, '\''),
        Literal::Number(number) => f.write_str(number),
        Literal::Bool(true) => f.write_str("TRUE"),
        Literal::Bool(false) => f.write_str("FALSE"),
        Literal::Null => f.write_str("NULL"),
    }
}

fn write_quoted(f: &mut Formatter<'_>, text: &str, quote: char) -> fmt::Result {
    f.write_char(quote)?;
    for c in text.chars() {
        if c == quote {
            f.write_char(quote)?;
        }
        f.write_char(c)?;
    }
    f.write_char(quote)
}

/// Whether `name` reads back as itself without back-quotes.
fn is_bare_name(name: &str) -> bool {
    let is_plain = |word: &str| {
        let mut chars = word.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
        first_ok && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    match name.strip_prefix(':') {
        Some(system) => is_plain(system.strip_prefix('@').unwrap_or(system)),
        None => is_plain(name) && !is_reserved(name),
    }
}

fn write_name(f: &mut Formatter<'_>, name: &str) -> fmt::Result {
    if is_bare_name(name) {
        f.write_str(name)
    } else {
        write_quoted(f, name, '`')
    }
}

impl Display for SelectItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if let Some((alias, _)) = &self.alias {
            f.write_str(" AS ")?;
            write_name(f, alias)?;
        }
        Ok(())
    }
}

impl Display for OrderItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        if self.descending {
            f.write_str(" DESC")?;
        }
        match self.nulls {
            Some(NullOrder::First) => f.write_str(" NULL FIRST"),
            Some(NullOrder::Last) => f.write_str(" NULL LAST"),
            None => Ok(()),
        }
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        })?;
        if self.select.is_empty() {
            f.write_str("*")?;
        } else {
            f.write_str(&join(&self.select))?;
        }
        if let Some(filter) = &self.filter {
            write!(f, " WHERE {filter}")?;
        }
        if !self.group_by.is_empty() {
            write!(f, " GROUP BY {}", join(&self.group_by))?;
        }
        if let Some(having) = &self.having {
            write!(f, " HAVING {having}")?;
        }
        if !self.order_by.is_empty() {
            write!(f, " ORDER BY {}", join(&self.order_by))?;
        }
        if let Some(search) = &self.search {
            f.write_str(" SEARCH ")?;
            write_quoted(f, search, '\'')?;
        }
        if let Some(limit) = self.limit {
            write!(f, " LIMIT {limit}")?;
        }
        if let Some(offset) = self.offset {
            write!(f, " OFFSET {offset}")?;
        }
        Ok(())
    }
}
