//! The syntax tree the parser produces, with a span on every node.

/// A byte range inside the text of one query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    /// A field name, back-quotes removed; system fields keep their `:`.
    Column(String),
    /// `*`: every user column in a selection, or the argument of `count(*)`.
    Star,
    /// `:*`: every system field.
    SystemStar,
    Literal(Literal),
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
    },
    /// A function call; `name` is lower case. `count(*)` has one `Star` argument.
    Call {
        name: String,
        args: Vec<Expr>,
        distinct: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Text(String),
    /// The number as written (`12`, `-3.50`, `1e3`); kept as text so it stays exact.
    Number(String),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Plus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    And,
    Or,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectItem {
    pub expr: Expr,
    /// The name given with `AS`, and where it stands.
    pub alias: Option<(String, Span)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullOrder {
    First,
    Last,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    pub expr: Expr,
    pub descending: bool,
    /// `NULL FIRST` / `NULL LAST` when written; otherwise nulls sort last
    /// ascending and first descending.
    pub nulls: Option<NullOrder>,
}

/// Which part of a query a piece of text came from. With SODA's separate
/// parameters each clause is its own text; with `$query` they share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clause {
    Select,
    Where,
    Order,
    Group,
    Having,
    Search,
    Limit,
    Offset,
    /// A whole `$query` statement.
    Query,
}

/// A whole query, from `$query` or assembled from the SODA parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub distinct: bool,
    /// Empty means every user column.
    pub select: Vec<SelectItem>,
    pub filter: Option<Expr>,
    pub group_by: Vec<Expr>,
    pub having: Option<Expr>,
    pub order_by: Vec<OrderItem>,
    /// `$q` / `SEARCH '...'`.
    pub search: Option<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}
