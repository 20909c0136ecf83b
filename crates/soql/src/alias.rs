//! Implicit output names for selected expressions, the way Socrata makes them.
//!
//! The rule: take the words of the expression in reading order (function
//! names, column names, literals as written, and word operators such as
//! `and`, `is`, `null`, `between`), join them with `_`, lower-case, and turn
//! every run of other characters into a single `_` (none at either end). So
//! `sum(cost)` → `sum_cost`, `count(*)` → `count`, `count(DISTINCT x)` →
//! `count_distinct_x`, `a + b` → `a_b`, `x IS NOT NULL` → `x_is_not_null`,
//! `:id - 1` → `id_1`, `upper(name) = 'A B'` → `upper_name_a_b`. A name
//! that would start with a digit gets a leading `_`; an empty one is `_`.
//! A name already taken gets `_1`, `_2`, ... appended.

use crate::ast::{BinaryOp, Expr, ExprKind, Literal, UnaryOp};

/// The name Socrata would give `expr` before collisions are resolved.
pub(crate) fn implicit_base(expr: &Expr) -> String {
    let mut words = Vec::new();
    collect_words(expr, &mut words);
    identifier_from(&words)
}

/// `base`, or `base_1`, `base_2`, ... whichever is first free.
pub(crate) fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    let prefix = if base.ends_with('_') {
        base.to_string()
    } else {
        format!("{base}_")
    };
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|name| !taken(name))
        .unwrap_or(prefix)
}

fn collect_words(expr: &Expr, words: &mut Vec<String>) {
    let mut push = |w: &str| words.push(w.to_string());
    match &expr.kind {
        ExprKind::Column(name) => push(name),
        ExprKind::Star => push("*"),
        ExprKind::SystemStar => push(":*"),
        ExprKind::Literal(literal) => push(&literal_word(literal)),
        ExprKind::Unary { op, expr } => {
            if *op == UnaryOp::Not {
                push("not");
            }
            collect_words(expr, words);
        }
        ExprKind::Binary { op, left, right } => {
            collect_words(left, words);
            words.push(operator_word(*op).to_string());
            collect_words(right, words);
        }
        ExprKind::IsNull { expr, negated } => {
            collect_words(expr, words);
            words.extend(keywords(&["is"], *negated, &["null"]));
        }
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => {
            collect_words(expr, words);
            words.extend(keywords(&[], *negated, &["between"]));
            collect_words(low, words);
            words.push("and".to_string());
            collect_words(high, words);
        }
        ExprKind::In {
            expr,
            list,
            negated,
        } => {
            collect_words(expr, words);
            words.extend(keywords(&[], *negated, &["in"]));
            list.iter().for_each(|item| collect_words(item, words));
        }
        ExprKind::Like {
            expr,
            pattern,
            negated,
        } => {
            collect_words(expr, words);
            words.extend(keywords(&[], *negated, &["like"]));
            collect_words(pattern, words);
        }
        ExprKind::Call {
            name,
            args,
            distinct,
        } => {
            push(name);
            if *distinct {
                push("distinct");
            }
            args.iter().for_each(|arg| collect_words(arg, words));
        }
    }
}

/// `before`, then `not` if negated, then `after`.
fn keywords(before: &[&str], negated: bool, after: &[&str]) -> Vec<String> {
    let not: &[&str] = if negated { &["not"] } else { &[] };
    [before, not, after]
        .concat()
        .into_iter()
        .map(str::to_string)
        .collect()
}

fn literal_word(literal: &Literal) -> String {
    match literal {
        Literal::Text(text) => text.clone(),
        Literal::Number(number) => number.clone(),
        Literal::Bool(value) => value.to_string(),
        Literal::Null => "null".to_string(),
    }
}

/// Word operators keep their word; symbols vanish into the separator.
fn operator_word(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::And => "and",
        BinaryOp::Or => "or",
        _ => "",
    }
}

/// Joins `words` into one identifier: `[a-z0-9_]` kept, runs of anything
/// else become one `_`, and no `_` is added beside a written one or at
/// either end.
fn identifier_from(words: &[String]) -> String {
    let joined = words.join(" ").to_lowercase();
    let mut name = String::new();
    let mut pending_separator = false;
    for c in joined.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            let beside_underscore = c == '_' || name.ends_with('_');
            if pending_separator && !name.is_empty() && !beside_underscore {
                name.push('_');
            }
            pending_separator = false;
            name.push(c);
        } else {
            pending_separator = true;
        }
    }
    match name.chars().next() {
        None => "_".to_string(),
        Some(first) if first.is_ascii_digit() => format!("_{name}"),
        Some(_) => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> String {
        let owned: Vec<String> = list.iter().map(|w| w.to_string()).collect();
        identifier_from(&owned)
    }

    #[test]
    fn identifiers_are_cleaned_like_socrata() {
        assert_eq!(words(&["hello"]), "hello");
        assert_eq!(words(&["hello world"]), "hello_world");
        assert_eq!(words(&["!#@hello"]), "hello");
        assert_eq!(words(&["hello!@#"]), "hello");
        assert_eq!(words(&["hel!@#lo"]), "hel_lo");
        assert_eq!(words(&["hel!@#_lo"]), "hel_lo");
        assert_eq!(words(&["hel_!@#lo"]), "hel_lo");
        assert_eq!(words(&["5"]), "_5");
        assert_eq!(words(&[]), "_");
        assert_eq!(words(&["Hello", "World"]), "hello_world");
    }

    #[test]
    fn collisions_get_numbers() {
        let taken = ["count", "count_1", "x_"];
        let is_taken = |n: &str| taken.contains(&n);
        assert_eq!(unique_name("count", is_taken), "count_2");
        assert_eq!(unique_name("sum_cost", is_taken), "sum_cost");
        assert_eq!(unique_name("x_", is_taken), "x_1");
    }
}
