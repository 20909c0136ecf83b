//! Properties over random input: printing any tree and parsing it back gives
//! the same tree, and no text whatever makes a parser or the checker panic.

use proptest::prelude::*;
use soql::ast::{BinaryOp, Expr, ExprKind, Literal, NullOrder, OrderItem, SelectItem, UnaryOp};
use soql::{Query, WithoutSpans, check, parse_expr, parse_group_by, parse_order_by, parse_query};
use soql::{parse_selection, print_expr, print_query};

fn expr(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Default::default(),
    }
}

fn column_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-z0-9_]{0,8}",
        "[A-Za-z ]{1,6}",
        prop::sample::select(vec![
            "county",
            ":id",
            ":created_at",
            ":@computed_region_ab",
            "County Name",
            "select",
            "not",
            "Odd`Name",
            "ünïcode",
            ":Weird",
            "`",
            "nulls",
            "first",
            "case",
        ])
        .prop_map(str::to_string),
    ]
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,4}(\\.[0-9]{0,3})?([eE][+-]?[0-9]{1,2})?",
        "\\.[0-9]{1,3}"
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        column_name().prop_map(|n| expr(ExprKind::Column(n))),
        any::<String>().prop_map(|s| expr(ExprKind::Literal(Literal::Text(s)))),
        wkt_like().prop_map(|s| expr(ExprKind::Literal(Literal::Text(s)))),
        number().prop_map(|n| expr(ExprKind::Literal(Literal::Number(n)))),
        any::<bool>().prop_map(|b| expr(ExprKind::Literal(Literal::Bool(b)))),
        Just(expr(ExprKind::Literal(Literal::Null))),
        Just(expr(ExprKind::Call {
            name: "count".into(),
            args: vec![expr(ExprKind::Star)],
            distinct: false
        })),
    ]
}

const BINARY_OPS: [BinaryOp; 15] = [
    BinaryOp::And,
    BinaryOp::Or,
    BinaryOp::Eq,
    BinaryOp::NotEq,
    BinaryOp::Lt,
    BinaryOp::LtEq,
    BinaryOp::Gt,
    BinaryOp::GtEq,
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::Mod,
    BinaryOp::Pow,
    BinaryOp::Concat,
];

const FUNCTIONS: [&str; 16] = [
    "upper",
    "count",
    "f",
    "date_trunc_ym",
    "case",
    "coalesce",
    "greatest",
    "nullif",
    "substring",
    "stddev_pop",
    "regr_slope",
    "within_polygon",
    "intersects",
    "distance_in_meters",
    "simplify",
    "convex_hull",
];

/// Text that is WKT, or nearly, to get deep into the WKT reader.
fn wkt_like() -> impl Strategy<Value = String> {
    "(POINT|multipoint|LINESTRING|POLYGON|MULTIPOLYGON|CIRCLE) ?[(]{0,3}[-0-9., ()eE']{0,40}"
}

fn any_expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(5, 48, 4, |inner| {
        let boxed = inner.clone().prop_map(Box::new);
        prop_oneof![
            (
                prop::sample::select(vec![UnaryOp::Not, UnaryOp::Neg, UnaryOp::Plus]),
                boxed.clone()
            )
                .prop_map(|(op, expr)| self::expr(ExprKind::Unary { op, expr })),
            (
                prop::sample::select(BINARY_OPS.to_vec()),
                boxed.clone(),
                boxed.clone()
            )
                .prop_map(|(op, left, right)| expr(ExprKind::Binary {
                    op,
                    left,
                    right
                })),
            (boxed.clone(), any::<bool>())
                .prop_map(|(expr, negated)| self::expr(ExprKind::IsNull { expr, negated })),
            (boxed.clone(), boxed.clone(), boxed.clone(), any::<bool>()).prop_map(
                |(expr, low, high, negated)| self::expr(ExprKind::Between {
                    expr,
                    low,
                    high,
                    negated
                })
            ),
            (
                boxed.clone(),
                prop::collection::vec(inner.clone(), 1..4),
                any::<bool>()
            )
                .prop_map(|(expr, list, negated)| self::expr(ExprKind::In {
                    expr,
                    list,
                    negated
                })),
            (boxed.clone(), boxed, any::<bool>()).prop_map(|(expr, pattern, negated)| {
                self::expr(ExprKind::Like {
                    expr,
                    pattern,
                    negated,
                })
            }),
            (
                prop::sample::select(FUNCTIONS.to_vec()),
                prop::collection::vec(inner, 0..4),
                any::<bool>()
            )
                .prop_map(|(name, args, distinct)| {
                    let distinct = distinct && !args.is_empty();
                    expr(ExprKind::Call {
                        name: name.to_string(),
                        args,
                        distinct,
                    })
                }),
        ]
    })
}

fn order_item() -> impl Strategy<Value = OrderItem> {
    let nulls = prop::option::of(prop::sample::select(vec![
        NullOrder::First,
        NullOrder::Last,
    ]));
    (any_expr(), any::<bool>(), nulls).prop_map(|(expr, descending, nulls)| OrderItem {
        expr,
        descending,
        nulls,
    })
}

fn select_item() -> impl Strategy<Value = SelectItem> {
    let star = prop::sample::select(vec![ExprKind::Star, ExprKind::SystemStar]).prop_map(expr);
    let alias = column_name().prop_filter("aliases never start with `:`", |a| !a.starts_with(':'));
    let aliased = (any_expr(), prop::option::of(alias)).prop_map(|(expr, alias)| SelectItem {
        expr,
        alias: alias.map(|a| (a, Default::default())),
    });
    prop_oneof![1 => star.prop_map(|expr| SelectItem { expr, alias: None }), 4 => aliased]
}

fn any_query() -> impl Strategy<Value = Query> {
    let small = || prop::option::of(0..100_000u64);
    (
        (any::<bool>(), prop::collection::vec(select_item(), 1..4)),
        prop::option::of(any_expr()),
        prop::collection::vec(any_expr(), 0..3),
        prop::option::of(any_expr()),
        prop::collection::vec(order_item(), 0..3),
        (prop::option::of(any::<String>()), small(), small()),
    )
        .prop_map(
            |((distinct, select), filter, group_by, having, order_by, (search, limit, offset))| {
                Query {
                    distinct,
                    select,
                    filter,
                    group_by,
                    having,
                    order_by,
                    search,
                    limit,
                    offset,
                }
            },
        )
}

/// Text that looks like SoQL often enough to get deep into the parsers.
fn soql_like() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "select",
        "where",
        "group",
        "by",
        "order",
        "having",
        "limit",
        "offset",
        "search",
        "and",
        "or",
        "not",
        "is",
        "null",
        "in",
        "between",
        "like",
        "distinct",
        "as",
        "desc",
        "nulls",
        "first",
        "(",
        ")",
        ",",
        "*",
        ":*",
        "+",
        "-",
        "^",
        "||",
        "=",
        "<>",
        "county",
        "month_number",
        "record_create_date",
        "location",
        "within_circle",
        "within_polygon",
        "'POLYGON ((0 0, 1 0, 1 1, 0 0))'",
        "'POINT (1'",
        "count",
        "sum",
        "upper",
        "case",
        "'2020-01-20'",
        "'x'",
        "1",
        "1e3",
        ".5",
        "true",
        "`county`",
        ":id",
        "'",
        "`",
        "1e",
        "#",
    ]);
    prop::collection::vec(token, 0..16).prop_map(|tokens| tokens.join(" "))
}

/// Parses `text` every way there is; whatever parses must print and parse
/// back the same, and must check without panicking.
fn exercise(text: &str) {
    let schema = super::hate_crimes();
    if let Ok(query) = parse_query(text) {
        let again = parse_query(&print_query(&query)).expect("printed query parses");
        assert_eq!(again.without_spans(), query.without_spans());
        let _ = check(&query, &schema);
    }
    if let Ok(filter) = parse_expr(text) {
        let again = parse_expr(&print_expr(&filter)).expect("printed expression parses");
        assert_eq!(again.without_spans(), filter.without_spans());
        let query = Query {
            filter: Some(filter),
            ..Query::default()
        };
        let _ = check(&query, &schema);
    }
    if let Ok((distinct, select)) = parse_selection(text) {
        let _ = check(
            &Query {
                distinct,
                select,
                ..Query::default()
            },
            &schema,
        );
    }
    if let Ok(group_by) = parse_group_by(text) {
        let _ = check(
            &Query {
                group_by,
                ..Query::default()
            },
            &schema,
        );
    }
    if let Ok(order_by) = parse_order_by(text) {
        let _ = check(
            &Query {
                order_by,
                ..Query::default()
            },
            &schema,
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn printed_expressions_parse_back(e in any_expr()) {
        let text = print_expr(&e);
        let parsed = parse_expr(&text).map_err(|err| TestCaseError::fail(format!("{text}: {err}")))?;
        prop_assert_eq!(parsed.without_spans(), e, "{}", text);
    }

    #[test]
    fn printed_queries_parse_back(q in any_query()) {
        let text = print_query(&q);
        let parsed = parse_query(&text).map_err(|err| TestCaseError::fail(format!("{text}: {err}")))?;
        prop_assert_eq!(parsed.without_spans(), q, "{}", text);
    }

    #[test]
    fn random_trees_check_without_panicking(q in any_query()) {
        let _ = check(&q, &super::hate_crimes());
    }

    #[test]
    fn any_text_parses_or_fails_cleanly(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn soql_like_text_parses_or_fails_cleanly(text in soql_like()) {
        exercise(&text);
    }
}
