//! Selections, orderings and the `$query` statement with its clauses.

use super::Parser;
use crate::ast::{Expr, ExprKind, NullOrder, OrderItem, Query, SelectItem, Span};
use crate::lexer::TokenKind;

type Result<T> = std::result::Result<T, crate::error::SoqlError>;

/// The clauses after the selection, in the order `$query` takes them.
/// Clauses with the same stage may come in either order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clause {
    Where,
    GroupBy,
    Having,
    OrderBy,
    Search,
    Limit,
    Offset,
}

impl Clause {
    const ALL: [Clause; 7] = [
        Clause::Where,
        Clause::GroupBy,
        Clause::Having,
        Clause::OrderBy,
        Clause::Search,
        Clause::Limit,
        Clause::Offset,
    ];

    fn keywords(self) -> &'static [&'static str] {
        match self {
            Clause::Where => &["where"],
            Clause::GroupBy => &["group", "by"],
            Clause::Having => &["having"],
            Clause::OrderBy => &["order", "by"],
            Clause::Search => &["search"],
            Clause::Limit => &["limit"],
            Clause::Offset => &["offset"],
        }
    }

    fn stage(self) -> u8 {
        match self {
            Clause::Where => 0,
            Clause::GroupBy => 1,
            Clause::Having => 2,
            Clause::OrderBy | Clause::Search => 3,
            Clause::Limit | Clause::Offset => 4,
        }
    }

    fn display(self) -> String {
        format!("`{}`", self.keywords().join(" ").to_uppercase())
    }
}

impl Parser<'_> {
    pub(super) fn selection(&mut self) -> Result<(bool, Vec<crate::ast::SelectItem>)> {
        let distinct = self.eat_keyword("distinct").is_some();
        let items = self.comma_separated(Parser::select_item)?;
        Ok((distinct, items))
    }

    fn select_item(&mut self) -> Result<SelectItem> {
        let star = match self.peek().kind {
            TokenKind::Star => Some(ExprKind::Star),
            TokenKind::SystemStar => Some(ExprKind::SystemStar),
            _ => None,
        };
        if let Some(kind) = star {
            let span = self.bump().span;
            let expr = Expr { kind, span };
            return Ok(SelectItem { expr, alias: None });
        }
        let expr = self.expr()?;
        let alias = match self.eat_keyword("as") {
            Some(_) => Some(self.alias()?),
            None => None,
        };
        Ok(SelectItem { expr, alias })
    }

    /// An output name; names starting with `:` belong to system fields.
    fn alias(&mut self) -> Result<(String, Span)> {
        let start = self.pos;
        let (name, span) = self.name("an alias")?;
        if name.starts_with(':') {
            self.pos = start;
            return Err(self.unexpected("an alias not starting with `:`"));
        }
        Ok((name, span))
    }

    pub(super) fn order_item(&mut self) -> Result<OrderItem> {
        let expr = self.expr()?;
        let descending = if self.eat_keyword("desc").is_some() {
            true
        } else {
            self.eat_keyword("asc");
            false
        };
        let nulls = self.null_order()?;
        Ok(OrderItem {
            expr,
            descending,
            nulls,
        })
    }

    /// `NULL FIRST`, `NULLS LAST` and the like, if present.
    fn null_order(&mut self) -> Result<Option<NullOrder>> {
        if self.eat_keyword("null").is_none() && self.eat_keyword("nulls").is_none() {
            return Ok(None);
        }
        if self.eat_keyword("first").is_some() {
            Ok(Some(NullOrder::First))
        } else if self.eat_keyword("last").is_some() {
            Ok(Some(NullOrder::Last))
        } else {
            Err(self.unexpected("`FIRST` or `LAST`"))
        }
    }

    /// `SELECT ... [WHERE] [GROUP BY] [HAVING]`, then ORDER BY and SEARCH in
    /// either order, then LIMIT and OFFSET in either order.
    pub(super) fn statement(&mut self) -> Result<Query> {
        self.expect_keyword("select")?;
        let (distinct, select) = self.selection()?;
        let mut query = Query {
            distinct,
            select,
            ..Query::default()
        };
        let mut seen: Vec<Clause> = Vec::new();
        while !self.at_eof() {
            let clause = self.next_clause(&seen)?;
            seen.push(clause);
            self.clause_body(clause, &mut query)?;
        }
        Ok(query)
    }

    /// Reads the keywords of the next clause, refusing one that is repeated
    /// or out of order.
    fn next_clause(&mut self, seen: &[Clause]) -> Result<Clause> {
        let stage = seen.last().map_or(0, |c| c.stage());
        let allowed: Vec<Clause> = Clause::ALL
            .into_iter()
            .filter(|c| c.stage() >= stage && !seen.contains(c))
            .collect();
        let first_word = |c: &Clause| self.peek().is_keyword(c.keywords()[0]);
        let Some(clause) = allowed.iter().copied().find(first_word) else {
            return Err(self.unexpected(&expected_clauses(seen.is_empty(), &allowed)));
        };
        for keyword in clause.keywords() {
            self.expect_keyword(keyword)?;
        }
        Ok(clause)
    }

    fn clause_body(&mut self, clause: Clause, query: &mut Query) -> Result<()> {
        match clause {
            Clause::Where => query.filter = Some(self.expr()?),
            Clause::GroupBy => query.group_by = self.comma_separated(Parser::expr)?,
            Clause::Having => query.having = Some(self.expr()?),
            Clause::OrderBy => query.order_by = self.comma_separated(Parser::order_item)?,
            Clause::Search => query.search = Some(self.search_text()?),
            Clause::Limit => query.limit = Some(self.whole_number()?),
            Clause::Offset => query.offset = Some(self.whole_number()?),
        }
        Ok(())
    }

    fn search_text(&mut self) -> Result<String> {
        match self.peek().kind.clone() {
            TokenKind::Text(text) => {
                self.bump();
                Ok(text)
            }
            _ => Err(self.unexpected("a string")),
        }
    }

    fn whole_number(&mut self) -> Result<u64> {
        let parsed = match &self.peek().kind {
            TokenKind::Number(n) => n.parse::<u64>().ok(),
            _ => None,
        };
        let Some(number) = parsed else {
            return Err(self.unexpected("a whole number"));
        };
        self.bump();
        Ok(number)
    }
}

/// "`,`, `WHERE`, ... or end of input": what may follow at this point.
fn expected_clauses(after_selection: bool, allowed: &[Clause]) -> String {
    let mut options: Vec<String> = Vec::new();
    if after_selection {
        options.push("`,`".to_string());
    }
    options.extend(allowed.iter().map(|c| c.display()));
    format!("{} or end of input", options.join(", "))
}
